"""The room's play on the replay (/live/ID once ended): its polls, lucky draws,
PK battles and announcements, each at its moment in the show (`offset_s` from
the start and `clock`, as the product chapters have)."""

import datetime

from livestall.interaction import draws, pk, polls, present
from livestall.live.models import LiveAction
from livestall.live.replay import clock


def _at(session, moment):
    start = session.started_at or session.scheduled_at
    offset = max(0, int((moment - start).total_seconds())) if moment else 0
    return {"offset_s": offset, "clock": clock(offset)}


def _moment(iso):
    if not iso:
        return None
    return datetime.datetime.fromisoformat(iso.rstrip("Z"))


def replay_items(session):
    """{polls, draws, pks, announcements} of an ended session, each item with
    `offset_s` and `clock` (the view adds `seek_s`)."""
    out = {
        "polls": [
            {**polls.poll_dict(p), **_at(session, p.starts_at)}
            for p in polls.of_session(session)
        ],
        "draws": [
            {**present.draw_dict(d), **_at(session, d.starts_at)}
            for d in draws.of_session(session)
        ],
        "pks": [
            {**row, **_at(session, _moment(row.get("starts_at")))}
            for row in pk.of_session(session)
        ],
        "announcements": [
            {"text": a.data.get("text", ""), **_at(session, a.created_at)}
            for a in LiveAction.select()
            .where((LiveAction.session == session.id) & (LiveAction.kind == "announce"))
            .order_by(LiveAction.id)
            if a.data.get("text")
        ],
    }
    return out


def all_items(data):
    """Every item of `replay_items`, to place them in the recording at once."""
    return [
        item for key in ("polls", "draws", "pks", "announcements") for item in data[key]
    ]
