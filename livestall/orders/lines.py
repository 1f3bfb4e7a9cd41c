"""An order's lines as pages and the API show them: what each paid and why."""

from livestall.orders.models import LineAdjustment, OrderLine
from livestall.pricing.rules import DISCOUNT_KINDS


def load_lines(orders):
    """Give each of `orders` its `line_list` (two queries for all of them), each
    line with `price_kind` (the price it paid instead of the list price: flash,
    group, bargain, community, member; None) and `saved_cents` (what it saved)."""
    by_order = {order.id: [] for order in orders}
    if not by_order:
        return orders
    lines = list(OrderLine.select().where(OrderLine.order.in_(list(by_order))))
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
        by_order[line.order_id].append(line)
    for order in orders:
        order.line_list = by_order[order.id]
    return orders


def lines_of(order):
    """The order's lines (see `load_lines`), read once."""
    if not hasattr(order, "line_list"):
        load_lines([order])
    return order.line_list
