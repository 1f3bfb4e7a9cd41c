"""Signals of orders.

- `order_placed(sender=None, orders=[...], buyer=User, placed_at=datetime)`: one
  checkout wrote these orders (one per shop). Sent once, inside the checkout's
  transaction, by `orders.checkout.place_order` and by nothing else; receivers that
  write rows (attribution, commissions, notifications, the cart) write them in the
  same transaction, and receivers that talk to the outside world (live rooms,
  search) defer to `livestall.db.base.on_commit`.
"""

from blinker import Signal

order_placed = Signal("order-placed")
