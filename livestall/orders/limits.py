"""What one buyer may keep from everyone else: checkout's limits against hoarding.

A shopper who places cash-on-delivery orders for most of a product's stock, never
meaning to receive them, locks it away from every other buyer (issue 15: 594 of
1,000 units, pending forever). Checkout asks this module, in its transaction:

- `check_unshipped`: at most ORDER_UNSHIPPED_UNITS_MAX (20) units of one product
  per buyer in orders not yet shipped (pending_payment or paid). A checkout that
  would go above it is 409 `limit_reached` naming the product; nothing is taken.
  Shipped, delivered, cancelled and refunded orders do not count: the goods have
  left the shop or come back to it. Flash-sale units (lines converted from holds)
  count neither way: the sale's per-person limit, within what the merchant
  allowed for the product, bounds them already and refuses at the grab; refusing
  a hold at checkout would strand units the buyer was granted.
- `count_checkout`: at most ORDER_RATE_MAX (20) checkouts per buyer in
  ORDER_RATE_WINDOW_S (600 s); more is 429 `rate_limited` with Retry-After. A
  replay of an idempotency key is not a new checkout and is not counted; on the
  database counter a checkout that fails is not counted either (its hit rolls back
  with it), on Redis every attempt that passed the check is.
- Orders not shipped in time are cancelled by `lifecycle.expire_unpaid` (cash on
  delivery: COD_SHIP_DAYS, `payments.CashOnDelivery`).

Each setting at 0 turns its limit off.

Two checkouts of one buyer must not both pass a limit, so checkout calls
`lock_buyer` first in its transaction. On SQLite the transaction is BEGIN
IMMEDIATE: writers are serialised already, and the count and the lines it allows
are committed before the next checkout reads. On PostgreSQL a transaction-scoped
advisory lock on (CHECKOUT_LOCK, buyer id) serialises that buyer's checkouts until
commit, and holds up nobody else. Not `SELECT ... FOR UPDATE` on the user row: it
conflicts with the FOR KEY SHARE lock every insert that references the user takes
(a notification for the buyer, written by a merchant's cancel that holds a product
row this checkout waits for: a deadlock). Only checkout takes the advisory lock,
and first, so it closes no cycle.
"""

from peewee import fn

from extensions import db
from livestall.db.base import is_sqlite
from livestall.errors import LimitReached, RateLimited
from livestall.flash.models import FlashSale, Reservation
from livestall.orders.models import Order, OrderLine
from livestall.platform import ratelimit, settings

DEFAULT_UNSHIPPED_UNITS_MAX = 20
DEFAULT_RATE_MAX = 20
DEFAULT_RATE_WINDOW_S = 600
UNSHIPPED = ("pending_payment", "paid")
CHECKOUT_LOCK = 4242015  # advisory lock class: one buyer's checkouts, in turn


def unshipped_units_max():
    return settings.get("ORDER_UNSHIPPED_UNITS_MAX", DEFAULT_UNSHIPPED_UNITS_MAX)


def lock_buyer(buyer):
    """Hold `buyer`'s other checkouts until this transaction ends (see above)."""
    if not is_sqlite():
        db.execute_sql(
            "SELECT pg_advisory_xact_lock(%s, %s)", (CHECKOUT_LOCK, buyer.id)
        )


def count_checkout(buyer):
    """Count a new checkout of `buyer`; RateLimited when there were too many."""
    limit = settings.get("ORDER_RATE_MAX", DEFAULT_RATE_MAX)
    window_s = settings.get("ORDER_RATE_WINDOW_S", DEFAULT_RATE_WINDOW_S)
    if not limit:
        return
    key = f"checkout:{buyer.id}"
    if ratelimit.count(key, window_s) >= limit:
        raise RateLimited(
            "You placed many orders in a short time. Try again in a few minutes.",
            retry_after=ratelimit.retry_after(window_s),
        )
    ratelimit.hit(key, window_s)


def unshipped_units(buyer_id, product_ids):
    """{product id: units the buyer has in unshipped orders}, flash units aside."""
    if not product_ids:
        return {}
    units = dict(
        OrderLine.select(OrderLine.product, fn.SUM(OrderLine.qty))
        .join(Order)
        .where(
            (Order.buyer == buyer_id)
            & Order.status.in_(UNSHIPPED)
            & OrderLine.product.in_(list(product_ids))
        )
        .group_by(OrderLine.product)
        .tuples()
    )
    if units:
        flash = (
            Reservation.select(FlashSale.product, fn.SUM(Reservation.qty))
            .join(FlashSale, on=(Reservation.sale == FlashSale.id))
            .switch(Reservation)
            .join(Order, on=(Reservation.order == Order.id))
            .where(
                (Order.buyer == buyer_id)
                & Order.status.in_(UNSHIPPED)
                & FlashSale.product.in_(list(units))
            )
            .group_by(FlashSale.product)
            .tuples()
        )
        for product_id, qty in flash:
            units[product_id] -= qty
    return {pid: qty for pid, qty in units.items() if qty > 0}


def check_unshipped(buyer, wanted, products):
    """Refuse (LimitReached) when `wanted` ({product id: units}, shelf units only)
    would bring the buyer over the cap for a product in unshipped orders."""
    cap = unshipped_units_max()
    if not cap:
        return
    have = unshipped_units(buyer.id, wanted)
    for pid in sorted(wanted):
        if have.get(pid, 0) + wanted[pid] > cap:
            raise LimitReached(
                "At most %(max)d of “%(title)s” per person in orders not yet "
                "shipped; you have %(have)d.",
                field="items",
                max=cap,
                title=products[pid].title,
                have=have.get(pid, 0),
            )
