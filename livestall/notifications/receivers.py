"""Notifications follow placed orders: the buyer and the shop hear of each."""

from livestall.notifications.rules import notify_order
from livestall.orders import signals


def _order_placed(sender, orders, buyer, **placed):
    for order in orders:
        notify_order("order_placed", order, actor_id=buyer.id)


def connect():
    signals.order_placed.connect(_order_placed)
