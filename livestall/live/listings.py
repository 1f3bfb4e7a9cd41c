"""Which live sessions to show: by status, live now, a follower's upcoming strip."""

import datetime

from livestall.accounts.models import User
from livestall.db.base import utcnow
from livestall.live.models import LiveSession

STALE_AFTER = datetime.timedelta(hours=2)


def listing(status=None, host=None, page=1, per_page=20):
    """Sessions by status. "scheduled" leaves out those more than two hours past
    their start that never started (forgotten, not upcoming)."""
    query = LiveSession.select(LiveSession, User).join(
        User, on=(LiveSession.host == User.id)
    )
    if status:
        query = query.where(LiveSession.status == status)
    else:  # taken down by an admin: gone from every list
        query = query.where(LiveSession.status != "removed")
    if status == "scheduled":
        query = query.where(LiveSession.scheduled_at > utcnow() - STALE_AFTER)
    if host is not None:
        query = query.where(LiveSession.host == host.id)
    total = query.count()
    if status == "ended":
        order = (LiveSession.ended_at.desc(), LiveSession.id.desc())
    elif status == "live":
        order = (LiveSession.started_at.desc(), LiveSession.id.desc())
    else:
        order = (LiveSession.scheduled_at, LiveSession.id)
    return list(query.order_by(*order).paginate(page, per_page)), total


def live_now(limit=12):
    return listing("live", page=1, per_page=limit)[0]


def upcoming_of(hosts, limit=12):
    """Live and scheduled sessions of these hosts (a follower's feed strip)."""
    if not hosts:
        return []
    return list(
        LiveSession.select(LiveSession, User)
        .join(User, on=(LiveSession.host == User.id))
        .where(
            LiveSession.host.in_(list(hosts))
            & (
                (LiveSession.status == "live")
                | (
                    (LiveSession.status == "scheduled")
                    & (LiveSession.scheduled_at > utcnow() - STALE_AFTER)
                )
            )
        )
        .order_by(LiveSession.status.desc(), LiveSession.scheduled_at)  # live first
        .limit(limit)
    )
