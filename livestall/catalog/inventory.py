"""The one owner of stock: every change of `product.stock` goes through here.

Each move is one guarded UPDATE (never read-then-write) whose row count says
whether it happened, and each that happened sends `signals.stock_changed`, which
search follows to keep "in stock only" results true. Callers hold the transaction
(checkout, order moves, flash sales), so a rolled-back checkout takes nothing.

- take:      a buyer takes units off the shelf (stock down, sales up)
- give_back: a cancelled or refunded order's units come back (stock up, sales down)
- set_aside: a flash sale reserves units from the shelf for its pool
- settle:    a closed flash sale's unsold units come back to the shelf
- count_sold: set-aside units were bought (sales up; the shelf already gave them)

A merchant's own edit of the stock figure is a product edit (catalog.rules).
"""

from livestall.catalog.models import Product
from livestall.catalog.signals import stock_changed


def _changed(product_id, reason):
    stock_changed.send(None, product_ids=[product_id], reason=reason)


def _off_the_shelf(product_id, qty, **also):
    """The guarded UPDATE of `take` and `set_aside`: True if the units were there."""
    return bool(
        Product.update(stock=Product.stock - qty, **also)
        .where(
            (Product.id == product_id)
            & (Product.stock >= qty)
            & (Product.status == "active")
        )
        .execute()
    )


def take(product_id, qty):
    """Take `qty` units of an active product if there are enough; True if taken."""
    taken = _off_the_shelf(product_id, qty, sales_count=Product.sales_count + qty)
    if taken:
        _changed(product_id, "taken")
    return taken


def give_back(product_id, qty):
    """Units of an order that will not be delivered go back on the shelf."""
    Product.update(
        stock=Product.stock + qty, sales_count=Product.sales_count - qty
    ).where(Product.id == product_id).execute()
    _changed(product_id, "given_back")


def set_aside(product_id, qty):
    """Reserve `qty` units of an active product for a flash sale; True if done."""
    taken = _off_the_shelf(product_id, qty)
    if taken:
        _changed(product_id, "set_aside")
    return taken


def settle(product_id, qty):
    """A closed flash sale's `qty` unsold units go back on the shelf."""
    if qty:
        Product.update(stock=Product.stock + qty).where(
            Product.id == product_id
        ).execute()
    _changed(product_id, "settled")


def count_sold(product_id, qty):
    """Units set aside earlier were bought: they count as sales now."""
    Product.update(sales_count=Product.sales_count + qty).where(
        Product.id == product_id
    ).execute()


def left(product_id):
    """Units on the shelf now (never below 0), for a refusal's message."""
    stock = Product.select(Product.stock).where(Product.id == product_id).scalar()
    return max(stock or 0, 0)
