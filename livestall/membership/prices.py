"""Member prices (会员价): what an active member of a product's shop pays on a
normal line, and what members saved.

`product.member_price_cents` (null: none) is one more price a line may be entitled
to (`pricing` kind `member`, source `member:<member id>`): the pipeline keeps the
lowest single price among list, flash, group, bargain, community and member, never
a combination, and a coupon may come on top as on any normal line. Whether the
buyer is a member is read inside the checkout's transaction, exact to the second.
"""

import datetime

from peewee import fn

from livestall.membership import rules
from livestall.orders.models import LineAdjustment, Order, OrderLine
from livestall.orders.sources import LineSource
from livestall.pricing.rules import Offer

CLOSED = ("cancelled", "refunded")


def member_offers(buyer_id, products, now=None):
    """{product id: [Offer]} for the `products` ({id: Product}) with a member price
    in shops where `buyer_id` is an active member at `now`."""
    priced = {
        pid: p
        for pid, p in products.items()
        if getattr(p, "member_price_cents", None) is not None
    }
    if not priced:
        return {}
    shops = rules.active_shops(buyer_id, {p.merchant_id for p in priced.values()}, now)
    return {
        pid: [
            Offer(
                "member",
                p.member_price_cents,
                LineSource("member", shops[p.merchant_id].id),
            )
        ]
        for pid, p in priced.items()
        if p.merchant_id in shops
    }


def saved_this_year(user_id, now):
    """{merchant id: cents} the member prices saved the person on orders placed
    this (UTC) year and not cancelled or refunded."""
    start = datetime.datetime(now.year, 1, 1)
    rows = (
        LineAdjustment.select(Order.merchant, fn.SUM(LineAdjustment.amount_cents))
        .join(OrderLine)
        .join(Order)
        .where(
            (LineAdjustment.kind == "member")
            & (Order.buyer == user_id)
            & (Order.created_at >= start)
            & Order.status.not_in(CLOSED)
        )
        .group_by(Order.merchant)
        .tuples()
    )
    return {merchant_id: int(cents or 0) for merchant_id, cents in rows}
