"""Whether a product is for sale: the one rule that listings, the product page,
search, the cart, checkout and flash sales ask.

A product is for sale while it is active and its merchant's account is active too.
Suspending a merchant takes every product of theirs off sale at once without
writing a row of the catalog, so lifting the suspension brings them all back as
they were; orders already placed are not touched (their buyers still see them).

Archived products keep their own, older answers where callers give them (a 400
"not for sale" at checkout, a "no longer sold" page); a suspended merchant's
product is a 409 `not_for_sale` naming it, and a 404 page to everyone but the
merchant and admins.
"""

from livestall.accounts.models import User
from livestall.catalog.models import Product
from livestall.db.base import Prepared
from livestall.errors import Conflict

MERCHANT_SELLING = "active"  # the merchant account status under which products sell


class NotForSale(Conflict):
    code = "not_for_sale"


def for_sale():
    """The WHERE clause of products for sale, for a query that joined the merchant
    (`Product.select(...).join(User)`, like `Product.listing()`)."""
    return (Product.status == "active") & (User.status == MERCHANT_SELLING)


def merchant_selling(merchant):
    return merchant is not None and merchant.status == MERCHANT_SELLING


def is_for_sale(product):
    """An active product of a merchant who may sell (reads the merchant unless the
    query joined it)."""
    return product.status == "active" and merchant_selling(product.merchant)


def visible_to(product, viewer):
    """Whether the product's page and API object show to `viewer` (None: anonymous):
    to everyone while its merchant may sell (archived ones too, as "no longer
    sold"), else only to the merchant and admins. One an admin took down shows
    to the merchant and admins only."""
    if product.status != "removed" and merchant_selling(product.merchant):
        return True
    return viewer is not None and (
        viewer.id == product.merchant_id or viewer.has_role("admin")
    )


def _not_for_sale(title):
    return NotForSale("“%(title)s” is not for sale at the moment.", title=title)


def check(products):
    """Raise NotForSale for the first (lowest id) of `products` whose merchant may not
    sell; one query for all of them. Archived products are the caller's to refuse."""
    products = {p.id: p for p in products}
    if not products:
        return
    merchants = {p.merchant_id for p in products.values()}
    stopped = {
        uid
        for (uid,) in User.select(User.id)
        .where(User.id.in_(list(merchants)) & (User.status != MERCHANT_SELLING))
        .tuples()
    }
    for pid in sorted(products):
        if products[pid].merchant_id in stopped:
            raise _not_for_sale(products[pid].title)


# on every grab: one primary-key read of the product and its merchant
_SALE_PRODUCT = Prepared(
    lambda product_id: (
        Product.select(Product.title, User.status)
        .join(User)
        .where(Product.id == product_id)
    )
)


def check_product(product_id):
    """NotForSale if the product's merchant may not sell (a flash-sale grab)."""
    row = _SALE_PRODUCT.first(product_id)
    if row is not None and not merchant_selling(row.merchant):
        raise _not_for_sale(row.title)
