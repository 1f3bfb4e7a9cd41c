"""Which lives a shop's coupons and red packets may be tied to."""

from livestall.catalog.models import Product
from livestall.live.models import LiveProduct


def sells_in(merchant_id, live):
    """The merchant hosts the live, or it features one of their products."""
    if live.host_id == merchant_id:
        return True
    return (
        LiveProduct.select()
        .join(Product)
        .where((LiveProduct.session == live.id) & (Product.merchant == merchant_id))
        .exists()
    )
