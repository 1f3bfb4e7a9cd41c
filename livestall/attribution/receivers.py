"""Attribution follows placed orders: each line's credit and its commissions are
written in checkout's transaction, so an order never exists without them."""

from livestall.attribution import commissions, engine
from livestall.orders import signals


def _credit(sender, orders, lines_of, products, placed_at, **placed):
    for order in orders:
        lines = lines_of[order.id]
        credits = engine.credit_order(
            order, lines, {line.product_id: products[line.product_id] for line in lines}
        )
        commissions.accrue(credits, placed_at)


def connect():
    signals.order_placed.connect(_credit)
