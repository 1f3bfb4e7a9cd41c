"""The live blueprint and who may use its pages: the signed-in user, the session or
a 404, and the host-only and moderator-only guards.

Both route modules register on `bp`: `views` (the schedule, the room, the console)
and `video` (the stream, the recording, nginx-rtmp's callbacks).
"""

from flask import Blueprint, abort
from flask_login import current_user

from extensions import login_manager
from livestall.errors import NotFound
from livestall.live import sessions

bp = Blueprint("live", __name__)


def signed_in():
    """The signed-in user, or None."""
    return current_user._get_current_object() if current_user.is_authenticated else None


def session_or_404(session_id):
    """The session (one taken down: for its host and admins only), or a 404."""
    try:
        return sessions.get_session(session_id, signed_in())
    except NotFound:
        abort(404)


def is_host(user, session):
    return bool(user and (user.id == session.host_id or user.has_role("admin")))


def host_or_refused(session_id):
    """The session, for its host or an admin: sign in first, else 403."""
    if not current_user.is_authenticated:
        return None, login_manager.unauthorized()
    session = session_or_404(session_id)
    if not is_host(signed_in(), session):
        abort(403)
    return session, None


def moderator_or_refused(session_id):
    """The session, for its host, their moderators and admins."""
    if not current_user.is_authenticated:
        return None, login_manager.unauthorized()
    session = session_or_404(session_id)
    if not sessions.is_moderator(signed_in(), session):
        abort(403)
    return session, None
