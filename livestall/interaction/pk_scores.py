"""PK battles' scores and how a PK is shown (docs/API.md, "PK battles"): a side's
score is the GMV in cents of the lines bought from its room during the PK (its
`live:ID` and flash-sale sources, products it features, orders not cancelled or
refunded) plus its hearts since the start times PK_HEART_CENTS. `pk.py` has the
rules; a running PK is counted on read, an ended one shows what its settlement
froze.
"""

import datetime

from peewee import fn

from livestall.accounts.models import User
from livestall.db.base import isoformat, utcnow
from livestall.flash.models import FlashSale
from livestall.interaction.pk_models import INVITE_TTL_S
from livestall.live import sessions
from livestall.live.models import LiveProduct, LiveSession
from livestall.orders import sources
from livestall.orders.models import Order, OrderLine

PK_HEART_CENTS = 10  # a heart is worth ¥0.10
SUPPORTERS = 3
CLOSED = ("cancelled", "refunded")


def _ms(moment):
    if moment is None:
        return None
    return int(moment.replace(tzinfo=datetime.UTC).timestamp() * 1000)


def likes_of(*session_ids):
    rows = LiveSession.select(LiveSession.id, LiveSession.likes).where(
        LiveSession.id.in_(list(session_ids))
    )
    return {row.id: row.likes for row in rows}


def lapsed(pk, now):
    return now >= pk.invited_at + datetime.timedelta(seconds=INVITE_TTL_S)


def _room_lines(session_id, start, end):
    """Order lines bought from the room during [start, end), orders still open:
    its `live:ID` and its flash sales' sources, products it features."""
    sale_ids = FlashSale.select(FlashSale.id).where(FlashSale.session == session_id)
    room = [sources.of("live", session_id)] + [
        sources.of("flash", sale_id) for (sale_id,) in sale_ids.tuples()
    ]
    featured = (LiveProduct.product == OrderLine.product) & (
        LiveProduct.session == session_id
    )
    return (
        OrderLine.select()
        .join(Order)
        .switch(OrderLine)
        .join(LiveProduct, on=featured)
        .where(
            OrderLine.source.in_(room)
            & Order.status.not_in(CLOSED)
            & (Order.created_at >= start)
            & (Order.created_at < end)
        )
    )


def gmv(session_id, start, end):
    """GMV in cents of the room's lines during [start, end)."""
    total = (
        _room_lines(session_id, start, end)
        .select(fn.COALESCE(fn.SUM(OrderLine.paid_sql()), 0))
        .scalar()
    )
    return int(total or 0)


def supporters(session_id, start, end, limit=SUPPORTERS):
    """The room's top buyers during [start, end): [{user_id, gmv_cents}]."""
    paid = fn.SUM(OrderLine.paid_sql())
    rows = (
        _room_lines(session_id, start, end)
        .select(Order.buyer, paid.alias("gmv"))
        .group_by(Order.buyer)
        .order_by(paid.desc(), Order.buyer)
        .limit(limit)
        .tuples()
    )
    return [{"user_id": uid, "gmv_cents": int(cents)} for uid, cents in rows]


def end_of(pk, now):
    return min(now, pk.ends_at)


def tally(pk, now=None):
    """Both sides' counts of a running PK up to min(now, ends_at):
    [(gmv_cents, hearts, supporters)] for sides a and b."""
    end = end_of(pk, utcnow() if now is None else now)
    likes = likes_of(pk.session_a_id, pk.session_b_id)
    out = []
    for session_id, start_likes in (
        (pk.session_a_id, pk.likes_a_start),
        (pk.session_b_id, pk.likes_b_start),
    ):
        out.append(
            (
                gmv(session_id, pk.starts_at, end),
                max(0, likes.get(session_id, 0) - start_likes),
                supporters(session_id, pk.starts_at, end),
            )
        )
    return out


def score(gmv_cents, hearts):
    return gmv_cents + hearts * PK_HEART_CENTS


def _status(pk, now):
    if pk.status == "invited" and lapsed(pk, now):
        return "lapsed"  # checked at use, whatever the sweep did
    return pk.status


def pk_dicts(pks, now=None):
    now = utcnow() if now is None else now
    user_ids = {pk.host_a_id for pk in pks} | {pk.host_b_id for pk in pks}
    counts = {}
    for pk in pks:
        if pk.status == "running":
            counts[pk.id] = tally(pk, now)
        elif pk.status == "ended":
            counts[pk.id] = [
                (pk.gmv_a_cents, pk.hearts_a, pk.supporters_a or []),
                (pk.gmv_b_cents, pk.hearts_b, pk.supporters_b or []),
            ]
        else:
            counts[pk.id] = [(0, 0, []), (0, 0, [])]
        user_ids |= {s["user_id"] for side in counts[pk.id] for s in side[2]}
    users = {u.id: u for u in User.select().where(User.id.in_(list(user_ids or {0})))}
    return [_pk_dict(pk, now, counts[pk.id], users) for pk in pks]


def pk_dict(pk, now=None):
    return pk_dicts([pk], now)[0]


def _pk_dict(pk, now, counts, users):
    sides = []
    for (session_id, host_id), (gmv_cents, hearts, top) in zip(
        ((pk.session_a_id, pk.host_a_id), (pk.session_b_id, pk.host_b_id)),
        counts,
        strict=True,
    ):
        sides.append(
            {
                "session_id": session_id,
                "host": sessions.user_dict(users.get(host_id)),
                "score": score(gmv_cents, hearts),
                "gmv_cents": gmv_cents,
                "hearts": hearts,
                "supporters": [
                    {
                        "user": sessions.user_dict(users.get(s["user_id"])),
                        "gmv_cents": s["gmv_cents"],
                    }
                    for s in top
                ],
            }
        )
    return {
        "id": pk.id,
        "status": _status(pk, now),
        "duration_s": pk.duration_s,
        "invited_at": isoformat(pk.invited_at),
        "answer_by": isoformat(
            pk.invited_at + datetime.timedelta(seconds=INVITE_TTL_S)
        ),
        "starts_at": isoformat(pk.starts_at),
        "ends_at": isoformat(pk.ends_at),
        "ends_at_ms": _ms(pk.ends_at),
        "ended_at": isoformat(pk.ended_at),
        "sides": sides,
        "winner_session_id": pk.winner_session_id,
    }
