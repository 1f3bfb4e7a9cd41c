"""JSON API v1: live sessions (docs/API.md, "Live selling")."""

from flask import jsonify, request
from flask_login import current_user

from blueprints.api.views import bp, json_body, me, pagination
from blueprints.live import events
from livestall.errors import Invalid, NotAllowed
from livestall.live import chat, listings, moderation, replay, sessions
from livestall.live.models import SESSION_STATUSES


def _session_json(session):
    return jsonify(
        session=sessions.session_dict(
            session, viewers=events.presence.count(session.id)
        )
    )


@bp.post("/live")
def create_live():
    session = sessions.create_session(me(), json_body())
    return _session_json(session), 201


@bp.get("/live")
def list_live():
    status = request.args.get("status") or None
    if status is not None and status not in SESSION_STATUSES:
        raise Invalid("status is one of scheduled, live, ended.", field="status")
    page, per_page = pagination()
    found, total = listings.listing(status, page=page, per_page=per_page)
    return jsonify(
        items=[sessions.session_dict(s, full=False) for s in found],
        page=page,
        per_page=per_page,
        total=total,
    )


@bp.get("/live/<int:session_id>")
def get_live(session_id):
    """A live; one an admin took down only for its host and admins."""
    viewer = current_user if current_user.is_authenticated else None
    return _session_json(sessions.get_session(session_id, viewer))


@bp.patch("/live/<int:session_id>")
def update_live(session_id):
    session = sessions.update_session(
        sessions.get_session(session_id), me(), json_body()
    )
    return _session_json(session)


@bp.post("/live/<int:session_id>/start")
def start_live(session_id):
    session = sessions.start(sessions.get_session(session_id), me())
    events.broadcast_session(session)
    return _session_json(session)


@bp.post("/live/<int:session_id>/end")
def end_live(session_id):
    session = sessions.end(sessions.get_session(session_id), me())
    events.broadcast_session(session)
    return _session_json(session)


@bp.post("/live/<int:session_id>/pin")
def pin_live(session_id):
    user, session = me(), sessions.get_session(session_id)
    if not sessions.is_moderator(user, session):
        raise NotAllowed("Only the host and their moderators can do this.")
    data = json_body()
    if "product_id" not in data:
        raise Invalid("Give product_id (or null to unpin).", field="product_id")
    session = sessions.pin(session, user, data["product_id"])
    events.broadcast_pin(session)
    return _session_json(session)


@bp.get("/live/<int:session_id>/actions")
def live_actions(session_id):
    session = sessions.get_session(session_id)
    if not sessions.is_moderator(me(), session):
        raise NotAllowed("Only the host and their moderators can do this.")
    return jsonify(items=[replay.action_dict(a) for a in replay.action_log(session)])


def _host():
    user = me()
    if not user.has_role("creator", "admin"):
        raise NotAllowed("Only creators host lives.")
    return user


@bp.get("/live/moderators")
def get_moderators():
    return jsonify(usernames=[u.username for u in moderation.moderators_of(_host())])


@bp.put("/live/moderators")
def put_moderators():
    found = moderation.set_moderators(_host(), json_body().get("usernames"))
    return jsonify(usernames=[u.username for u in found])


@bp.get("/live/blocked-words")
def get_blocked_words():
    return jsonify(words=chat.blocked_words(_host().id))


@bp.put("/live/blocked-words")
def put_blocked_words():
    return jsonify(words=chat.set_blocked_words(_host(), json_body().get("words")))
