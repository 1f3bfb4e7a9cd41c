"""Selling in a live room: purchases announced to the room, viewer peaks, the room's
orders, units and GMV, and its chat rate (the host console's live stats).
"""

import datetime

from peewee import fn

from livestall.accounts.models import User
from livestall.db.base import utcnow
from livestall.flash.models import FlashSale
from livestall.live.models import ChatMessage, LiveProduct, LiveSession
from livestall.orders import sources
from livestall.orders.models import LineAdjustment, Order, OrderLine
from livestall.orders.sources import LineSource


def note_viewers(session_id, count):
    """Raise the peak if `count` beats it (a guarded UPDATE: never lowers it)."""
    LiveSession.update(peak_viewers=count).where(
        (LiveSession.id == session_id) & (LiveSession.peak_viewers < count)
    ).execute()


def mask_name(name):
    """Mask a buyer's name for the room: "王小明" -> "王**", "emma_w" -> "e***w"."""
    name = (name or "").strip() or "?"
    if len(name) <= 1:
        return name + "*"
    if any("\u4e00" <= ch <= "\u9fff" for ch in name):
        return name[0] + "*" * min(len(name) - 1, 2)
    return name[0] + "***" + name[-1]


def session_of_source(text):
    """The id of the live session a line source points into: `live:ID` is that
    room, `flash:ID` the flash sale's room; None for any other source (or none) and
    for a flash sale that is gone. Whether the room features the line's product is
    for the caller to check."""
    source = LineSource.parse(text, kinds=sources.ROOM_KINDS)
    if source is None:
        return None
    if source.kind == "flash":  # a flash-sale unit: the sale's room
        return (
            FlashSale.select(FlashSale.session)
            .where(FlashSale.id == source.id)
            .scalar()
        )
    return source.id


def purchases(orders):
    """For order lines that came from a live room: [(session_id, event payload)].
    A group-buying seat is left out: the room hears it as `team_joined`, once."""
    out = []
    for order in orders:
        seats = LineAdjustment.select(LineAdjustment.line).where(
            LineAdjustment.kind == "group"
        )
        lines = [
            line
            for line in OrderLine.select().where(
                (OrderLine.order == order.id) & OrderLine.id.not_in(seats)
            )
            if LineSource.parse(line.source, kinds=sources.ROOM_KINDS) is not None
        ]
        if not lines:
            continue
        buyer = User.get_by_id(order.buyer_id)
        for line in lines:
            session_id = session_of_source(line.source)
            if session_id is None:
                continue
            featured = LiveProduct.select().where(
                (LiveProduct.session == session_id)
                & (LiveProduct.product == line.product_id)
            )
            if not featured.exists():  # a claimed source: not this room's product
                continue
            out.append(
                (
                    session_id,
                    {
                        "session_id": session_id,
                        "buyer": mask_name(buyer.name),
                        "product": {"id": line.product_id, "title": line.title},
                        "qty": line.qty,
                    },
                )
            )
    return out


def _room_sources(session):
    """Line sources that mean "bought in this room": the room and its flash sales."""
    sale_ids = FlashSale.select(FlashSale.id).where(FlashSale.session == session.id)
    return [sources.of("live", session.id)] + [
        sources.of("flash", sid) for (sid,) in sale_ids.tuples()
    ]


def sales(session):
    """Orders, units and GMV of lines bought from this room: products it features,
    orders not cancelled or refunded (GMV counts placed orders, paid or not)."""
    row = (
        OrderLine.select(
            fn.COUNT(fn.DISTINCT(OrderLine.order)).alias("orders"),
            fn.COALESCE(fn.SUM(OrderLine.qty), 0).alias("units"),
            fn.COALESCE(fn.SUM(OrderLine.paid_sql()), 0).alias("gmv"),
        )
        .join(Order)
        .switch(OrderLine)
        .join(
            LiveProduct,
            on=(
                (LiveProduct.product == OrderLine.product)
                & (LiveProduct.session == session.id)
            ),
        )
        .where(
            OrderLine.source.in_(_room_sources(session))
            & Order.status.not_in(["cancelled", "refunded"])
        )
        .dicts()
        .get()
    )
    return {
        "orders": row["orders"] or 0,
        "units": int(row["units"] or 0),
        "gmv_cents": int(row["gmv"] or 0),
    }


def chat_rate(session, now=None, window_s=60):
    """Messages in the last minute."""
    since = (now or utcnow()) - datetime.timedelta(seconds=window_s)
    return (
        ChatMessage.select()
        .where((ChatMessage.session == session.id) & (ChatMessage.created_at >= since))
        .count()
    )
