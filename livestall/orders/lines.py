"""An order's lines as pages and the API show them: what each paid and why."""

from livestall.orders.models import LineAdjustment, OrderLine
from livestall.pricing.rules import DISCOUNT_KINDS


def lines_of(order):
    """The order's lines, each with `price_kind` (the price it paid instead of the
    list price: flash, group, bargain, community, member; None) and `saved_cents`."""
    if not hasattr(order, "line_list"):
        lines = list(OrderLine.select().where(OrderLine.order == order.id))
        prices = {
            a.line_id: a
            for a in LineAdjustment.select().where(
                LineAdjustment.line.in_([line.id for line in lines] or [0])
                & LineAdjustment.kind.not_in(DISCOUNT_KINDS)
            )
        }
        for line in lines:
            found = prices.get(line.id)
            line.price_kind = found.kind if found else None
            line.saved_cents = found.amount_cents if found else 0
        order.line_list = lines
    return order.line_list
