"""Signals of orders.

`order_placed(sender=None, orders, lines_of, products, taken, buyer, placed_at,
claim)`:
one checkout wrote `orders` (one per shop); `lines_of` maps each order id to its
OrderLine rows, `products` maps product ids to Product rows, `taken` maps the ids
of products that came off the shelf (cart or API items, not flash-sale holds) to
their quantities, `claim` the campaign claim the checkout placed (a group-buying
seat: `group_buy.teams.SeatClaim`, a bargain's unit: `bargain.buying.BargainClaim`)
or None. Sent once, inside the checkout's
transaction, by
`orders.checkout.place_order` and by nothing else. Receivers that write rows
(attribution and commissions, notifications, the cart) write them in the same
transaction; receivers that talk to the outside world (live rooms, search, flash
settlement) defer with `livestall.db.base.on_commit`.
"""

from blinker import Signal

order_placed = Signal("order-placed")

order_closing = Signal("order-closing")
"""`order_closing(sender=None, order, to_status)`: `order` (as read before the move)
is about to become cancelled or refunded. Sent inside the move's transaction by
`orders.lifecycle` before the order's own guarded UPDATE, so a receiver locks its
rows first (group buying frees the seat: team row before order row, the lock
order a joiner takes too); if the move then loses its race, everything rolls
back together."""

fulfilment_hold = Signal("fulfilment-hold")
"""`fulfilment_hold(sender=None, order)` -> each receiver returns None or a domain
error saying why `order` may not be shipped, delivered or picked up yet (a seat
in a group-buying team that has not formed: 409 `team_not_formed`). Asked by
`orders.lifecycle` before those moves and to leave them out of what a page
offers; read-only."""

pending_deadline = Signal("pending-deadline")
"""`pending_deadline(sender=None, order)` -> each receiver returns None (not an
order it sets the time of) or a `payments.Deadline(at, lapse)`: when `order`,
still `pending_payment`, is cancelled by the system (`at` None: never) and why
(`unpaid`, `unshipped`, `uncollected`), instead of its payment method's
`pending_within` from `created_at` (community pickup orders: the campaign's
cut-off plus a grace, the pickup day plus some days). Read-only; asked by
`orders.payments.deadline` for pages, the API and moves (checked at use)."""

deadline_sweep = Signal("deadline-sweep")
"""`deadline_sweep(sender=None, now)` -> each receiver returns None or a pair of
queries of order ids: the orders whose deadline it sets (`pending_deadline`; the
payment methods' sweep leaves them alone) and those of them past it at `now`
(`orders.lifecycle.expire_unpaid` cancels these, each re-checked against
`pending_deadline`). Read-only."""
