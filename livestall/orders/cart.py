"""Carts: a signed-in user's, or an anonymous visitor's until sign-in, when it
joins the account's. Prices and stock are read live from the products; checkout
(`orders.checkout`) takes what the cart holds."""

from peewee import SQL, fn

from livestall.catalog import availability
from livestall.catalog.models import Product
from livestall.db.base import Prepared, transaction
from livestall.errors import Invalid
from livestall.orders import sources
from livestall.orders.checkout import LINES_MAX, QTY_MAX, clean_items
from livestall.orders.models import CartItem


def _owner(user, visitor_id):
    if user is not None:
        return CartItem.user == user.id
    return (CartItem.visitor_id == visitor_id) & CartItem.user.is_null()


def cart_items(user, visitor_id):
    """The cart's lines with live product rows (price and stock from the database)."""
    return list(
        CartItem.select(CartItem, Product)
        .join(Product)
        .where(_owner(user, visitor_id))
        .order_by(CartItem.added_at, CartItem.id)
    )


def _units_of(owner):
    return (
        CartItem.select(fn.COALESCE(fn.SUM(CartItem.qty), SQL("0")).alias("n"))
        .join(Product)
        .where(owner)
    )


# the header's badge, on every page: compiled once for each kind of owner
_USER_UNITS = Prepared(lambda uid: _units_of(CartItem.user == uid).tuples())
_GUEST_UNITS = Prepared(
    lambda vid: _units_of(
        (CartItem.visitor_id == vid) & CartItem.user.is_null()
    ).tuples()
)


def cart_units(user, visitor_id):
    """How many units the cart holds (the header's badge): one SUM, no rows."""
    if user is not None:
        return _USER_UNITS.rows(user.id)[0][0]
    return _GUEST_UNITS.rows(visitor_id)[0][0]


def add_to_cart(user, visitor_id, product_id, qty=1, source=None, browser=None):
    """Add `qty` of a product. `source` is the page's claim: the line keeps it only
    if it holds for this user or browser (`browser`: the visitor cookie of a
    signed-in user's browser), else none; checkout checks it again."""
    items = clean_items([{"product_id": product_id, "qty": qty, "source": source}])
    qty, source = items[product_id]
    product = Product.get_or_none(Product.id == product_id)
    if product is None or product.is_archived:
        raise Invalid("Product %(id)d is not for sale.", field="items", id=product_id)
    source = sources.verified(
        source, product_id, user.id if user else None, visitor_id or browser
    )
    availability.check([product])  # a suspended merchant's
    with transaction():
        line = CartItem.get_or_none(
            _owner(user, visitor_id) & (CartItem.product == product_id)
        )
        if line is None:
            if CartItem.select().where(_owner(user, visitor_id)).count() >= LINES_MAX:
                raise Invalid("At most %(n)d lines.", field="items", n=LINES_MAX)
            CartItem.create(
                user=user.id if user else None,
                visitor_id=None if user else visitor_id,
                product=product_id,
                qty=qty,
                source=source,
            )
        else:
            CartItem.update(
                qty=min(QTY_MAX, line.qty + qty), source=line.source or source
            ).where(CartItem.id == line.id).execute()


def set_quantity(user, visitor_id, item_id, qty):
    if isinstance(qty, bool) or not isinstance(qty, int) or not 0 <= qty <= QTY_MAX:
        raise Invalid("Quantity must be from 1 to %(n)d.", field="qty", n=QTY_MAX)
    where = _owner(user, visitor_id) & (CartItem.id == item_id)
    if qty == 0:
        CartItem.delete().where(where).execute()
    else:
        CartItem.update(qty=qty).where(where).execute()


def stepped_quantity(user, visitor_id, item_id, step):
    """The quantity a line would have one step up or down (0 to QTY_MAX), or None
    when it is not this owner's line."""
    line = CartItem.get_or_none(_owner(user, visitor_id) & (CartItem.id == item_id))
    if line is None:
        return None
    return max(0, min(QTY_MAX, line.qty + step))


def merge_cart(visitor_id, user):
    """At sign-in, the anonymous cart joins the account's (quantities add up)."""
    if not visitor_id:
        return
    with transaction():
        for line in CartItem.select().where(
            (CartItem.visitor_id == visitor_id) & CartItem.user.is_null()
        ):
            mine = CartItem.get_or_none(
                (CartItem.user == user.id) & (CartItem.product == line.product_id)
            )
            if mine:
                CartItem.update(qty=min(QTY_MAX, mine.qty + line.qty)).where(
                    CartItem.id == mine.id
                ).execute()
                line.delete_instance()
            else:
                CartItem.update(user=user.id, visitor_id=None).where(
                    CartItem.id == line.id
                ).execute()


def clear_cart(user, product_ids):
    CartItem.delete().where(
        (CartItem.user == user.id) & (CartItem.product.in_(list(product_ids)))
    ).execute()
