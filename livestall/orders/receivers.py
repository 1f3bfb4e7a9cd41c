"""What orders do when an order is placed: the cart lets go of what was bought."""

from livestall.orders import signals
from livestall.orders.cart import clear_cart


def _clear_cart(sender, buyer, taken, **placed):
    """Products bought off the shelf leave the buyer's cart (a flash-sale hold is
    not a cart line: a cart line of the same product stays)."""
    if taken:
        clear_cart(buyer, taken)


def connect():
    signals.order_placed.connect(_clear_cart)
