"""JSON API v1: a live's PK battles (docs/API.md, "Live interaction" -> "PK
battles"). The battles themselves are Socket.IO (`blueprints/live/pk_events.py`)."""

from flask import jsonify

from blueprints.api.views import bp
from livestall.interaction import pk as pks
from livestall.live import sessions


@bp.get("/live/<int:session_id>/pks")
def live_pks(session_id):
    """Every PK of the session, with its scores (anyone who may see the live)."""
    session = sessions.get_session(session_id)
    return jsonify(pks=pks.for_session(session.id))
