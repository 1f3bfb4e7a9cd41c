"""What community buying does when orders move: a placed pickup order gets its
code and 跟团号; a cancelled or refunded one loses its code and reverses the
leader's commission; a pending one is cancelled on the campaign's times rather
than its payment method's (`deadlines`)."""

from livestall.community import deadlines, ledger, ordering
from livestall.orders import signals as order_signals


def _placed(sender, orders, buyer, placed_at, claim=None, **placed):
    if isinstance(claim, ordering.PickupClaim):
        ordering.record_pickup_order(claim, buyer, orders, placed_at)


def _closing(sender, order, to_status):
    if ordering.pickup_of(order.id) is not None:
        ordering.close_code(order)
        ledger.reverse(order.id)


def _deadline(sender, order):
    return deadlines.deadline_of(order)


def _sweep(sender, now):
    return deadlines.sweep(now)


def connect():
    order_signals.order_placed.connect(_placed)
    order_signals.order_closing.connect(_closing)
    order_signals.pending_deadline.connect(_deadline)
    order_signals.deadline_sweep.connect(_sweep)
