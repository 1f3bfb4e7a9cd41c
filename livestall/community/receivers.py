"""What community buying does when orders move: a placed pickup order gets its
code and 跟团号; a cancelled or refunded one loses its code and reverses the
leader's commission."""

from livestall.community import ledger, ordering
from livestall.orders import signals as order_signals


def _placed(sender, orders, buyer, placed_at, claim=None, **placed):
    if isinstance(claim, ordering.PickupClaim):
        ordering.record_pickup_order(claim, buyer, orders, placed_at)


def _closing(sender, order, to_status):
    if ordering.pickup_of(order.id) is not None:
        ordering.close_code(order)
        ledger.reverse(order.id)


def connect():
    order_signals.order_placed.connect(_placed)
    order_signals.order_closing.connect(_closing)
