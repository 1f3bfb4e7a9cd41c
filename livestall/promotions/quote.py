"""The coupon a basket would use, before checkout: the cart, checkout page and the
live room's buy sheet show "Coupon −¥20" and pre-select it (the buyer may pick
another or none). Reads only; the checkout itself re-checks everything at use."""

from livestall.catalog.models import Product
from livestall.db.base import utcnow
from livestall.errors import Invalid
from livestall.flash.models import FlashSale, Reservation
from livestall.pricing.rules import hold_line, price_line, standing_offers
from livestall.promotions import present, redeem

ITEMS_MAX = 50


def clean_items(value):
    """[{product_id, qty}] -> {product id: qty} (a 400 naming what is wrong)."""
    if not isinstance(value, list) or len(value) > ITEMS_MAX:
        raise Invalid(
            "items must be a list of at most %(n)d lines.", field="items", n=ITEMS_MAX
        )
    out = {}
    for item in value:
        if not isinstance(item, dict):
            raise Invalid("Each item needs a product_id and a qty.", field="items")
        pid, qty = item.get("product_id"), item.get("qty", 1)
        for v in (pid, qty):
            if isinstance(v, bool) or not isinstance(v, int) or not 0 < v < 2**53:
                raise Invalid(
                    "product_id and qty must be whole numbers.", field="items"
                )
        if qty > 99:
            raise Invalid("At most 99 of one product.", field="items")
        out[pid] = out.get(pid, 0) + qty
    return out


def lines_for(buyer, items, reservation_ids=(), now=None):
    """Priced lines for `items` {product id: qty} at their list prices (or the
    buyer's standing prices: a member's), and the
    buyer's live flash-sale holds `reservation_ids` at the sale's price."""
    now = now or utcnow()
    products = {
        p.id: p for p in Product.select().where(Product.id.in_(list(items) or [0]))
    }
    offers = standing_offers(buyer.id, products, now)
    lines = [
        price_line(products[pid], qty, offers=offers.get(pid, ()))
        for pid, qty in items.items()
        if pid in products
    ]
    if reservation_ids:
        holds = (
            Reservation.select(Reservation, FlashSale, Product)
            .join(FlashSale)
            .join(Product)
            .where(
                Reservation.id.in_(list(reservation_ids))
                & (Reservation.user == buyer.id)
                & (Reservation.status == "held")
                & (Reservation.expires_at > now)
            )
        )
        lines += [hold_line(hold) for hold in holds]
    return lines


def best(buyer, lines, now=None):
    """{"coupons": [{merchant_id, currency, user_coupon, discount_cents}],
    "discount_cents": sum, "usable": [{user_coupon, discount_cents}]}: the best
    coupon of each shop in `lines`, and every coupon the buyer could pick."""
    now = now or utcnow()
    usable = redeem.usable_for(buyer, lines, now)
    picked = redeem.best_of(usable)
    return {
        "coupons": [
            {
                "merchant_id": merchant_id,
                "currency": currency,
                "user_coupon": present.user_coupon_dict(uc, now),
                "discount_cents": off,
            }
            for (merchant_id, currency), (uc, off) in sorted(picked.items())
        ],
        "discount_cents": sum(off for _uc, off in picked.values()),
        "usable": [
            {"user_coupon": present.user_coupon_dict(uc, now), "discount_cents": off}
            for uc, off in usable
        ],
    }
