"""Merchants' consent to flash sales of their products.

A flash sale sells a merchant's stock at a price someone else chose, for as long as
the host likes, so the merchant says how far that may go, per product:
`flash_min_price_cents` (the lowest sale price) and `flash_max_units` (the units
the product's open sales may set aside together). Both null, the default, allow
no sale at all. The rule is the product's, whoever launches: a creator featuring
another shop's product, the merchant's own creator account, a moderator, an admin.

A sale counts against the allowance from its launch until it settles (closed and
nothing held: its unsold units are back on the shelf).

`check` runs twice per launch: before anything is written (a clear refusal), and
inside the launch's transaction right after `inventory.set_aside`, whose guarded
UPDATE of the product row serialises launches of one product (the row lock on
PostgreSQL, the write lock of BEGIN IMMEDIATE on SQLite). The second run reads the
consent and the other open sales after that lock, so two launches can never
together exceed the allowance, nor slip past a merchant's change made meanwhile.
"""

from peewee import fn

from livestall.catalog.models import Product
from livestall.errors import NotAllowedByMerchant
from livestall.flash.models import FlashSale


def set_aside_elsewhere(product_id):
    """Units the product's open (not yet settled) flash sales have set aside."""
    return (
        FlashSale.select(fn.COALESCE(fn.SUM(FlashSale.quantity), 0))
        .where((FlashSale.product == product_id) & (FlashSale.settled == 0))
        .scalar()
    ) or 0


def check(product_id, price_cents, quantity):
    """Refuse (403 `not_allowed_by_merchant`) a sale the merchant did not allow."""
    floor, most = (
        Product.select(Product.flash_min_price_cents, Product.flash_max_units)
        .where(Product.id == product_id)
        .tuples()
        .get()
    )
    if floor is None or most is None:
        raise NotAllowedByMerchant(
            "The merchant does not allow flash sales of this product.",
            field="product_id",
        )
    if price_cents < floor:
        raise NotAllowedByMerchant(
            "The merchant allows flash sales of this product at %(floor)d cents "
            "or more.",
            field="price_cents",
            floor=floor,
        )
    left = max(most - set_aside_elsewhere(product_id), 0)
    if quantity > left:
        raise NotAllowedByMerchant(
            "The merchant allows %(most)d units of this product in open flash "
            "sales; %(left)d are left.",
            field="quantity",
            most=most,
            left=left,
        )
