"""Signals of orders.

`order_placed(sender=None, orders, lines_of, products, taken, buyer, placed_at)`:
one checkout wrote `orders` (one per shop); `lines_of` maps each order id to its
OrderLine rows, `products` maps product ids to Product rows, `taken` maps the ids
of products that came off the shelf (cart or API items, not flash-sale holds) to
their quantities. Sent once, inside the checkout's transaction, by
`orders.checkout.place_order` and by nothing else. Receivers that write rows
(attribution and commissions, notifications, the cart) write them in the same
transaction; receivers that talk to the outside world (live rooms, search, flash
settlement) defer with `livestall.db.base.on_commit`.
"""

from blinker import Signal

order_placed = Signal("order-placed")
