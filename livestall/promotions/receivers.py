"""What coupons do when orders move: a placed order records the coupon that paid
for it; a cancelled or refunded one gives it back (once: a guarded UPDATE)."""

from livestall.orders import signals as order_signals
from livestall.promotions import redeem


def _placed(sender, orders, lines_of, placed_at, **placed):
    redeem.link(orders, lines_of, placed_at)


def _closing(sender, order, to_status):
    redeem.give_back(order)


def connect():
    order_signals.order_placed.connect(_placed)
    order_signals.order_closing.connect(_closing)
