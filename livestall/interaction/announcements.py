"""The room's announcement (公告): one pinned banner per session, plain text."""

from livestall.db.base import isoformat, transaction, utcnow
from livestall.interaction.models import Announcement
from livestall.interaction.text import plain
from livestall.live import sessions

TEXT_MAX = 140


def announce(user, session, text, now=None):
    """Set (or with an empty text, remove) the banner; returns it or None."""
    sessions.require_moderator(user, session)
    if session.status == "ended":
        raise sessions.NotLive("This live has ended.")
    text = plain(text, "text", TEXT_MAX, required=False)
    now = now or utcnow()
    with transaction():
        Announcement.delete().where(Announcement.session == session.id).execute()
        row = None
        if text:
            row = Announcement.create(session=session.id, text=text, by=user.id, at=now)
        sessions.log_action(session.id, user, "announce", data={"text": text})
    return row


def of_session(session):
    return Announcement.select().where(Announcement.session == session.id).first()


def announcement_dict(row):
    if row is None:
        return None
    return {
        "text": row.text,
        "by": sessions.user_dict(row.by) if row.by_id else None,
        "at": isoformat(row.at),
    }
