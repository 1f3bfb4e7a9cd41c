"""JSON API v1: a live's polls and lucky draws, and a draw's public record
(docs/API.md, "Live interaction")."""

from flask import jsonify

from blueprints.api.views import bp
from blueprints.live import interaction_events
from livestall.db.base import utcnow
from livestall.interaction import draws, polls, present
from livestall.live import sessions


@bp.get("/live/<int:session_id>/polls")
def live_polls(session_id):
    session = sessions.get_session(session_id)
    return jsonify(polls=[polls.poll_dict(p) for p in polls.of_session(session)])


@bp.get("/live/<int:session_id>/draws")
def live_draws(session_id):
    session = sessions.get_session(session_id)
    return jsonify(draws=[present.draw_dict(d) for d in draws.of_session(session)])


@bp.get("/draws/<int:draw_id>")
def get_draw(draw_id):
    """The public record; a draw past its time is drawn now (checked at use)."""
    draw = draws.get(draw_id)
    if draw.status == "open" and draw.ends_at <= utcnow():
        done = draws.run(draw.id, hold_s=interaction_events.hold_for(draw.kind))
        if done is not None:
            interaction_events.announce_draw(*done)
        draw = draws.get(draw_id)
    return jsonify(present.record(draw))
