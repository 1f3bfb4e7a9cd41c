"""Coupon figures for the merchant's console: per coupon, how many were claimed and
used (use rate = used / claimed), the discount it gave, and the orders and GMV it
paid into. A list of coupons costs two queries whatever its length.

"Used" counts the coupons that paid for an order still alive (a cancelled or
refunded order gave its coupon back); the discount given and the GMV (the goods
those orders came to after the discount, shipping left out) are of those orders.
"""

from peewee import fn

from livestall.db.base import isoformat
from livestall.orders.models import Order, OrderLine
from livestall.platform.figures import amount
from livestall.promotions import present
from livestall.promotions.models import Coupon, UserCoupon

CLOSED_ORDERS = ("cancelled", "refunded")

CSV_HEADER = [
    "coupon_id",
    "title",
    "kind",
    "amount_off",
    "percent_off",
    "max_discount",
    "min_spend",
    "currency",
    "scope",
    "live_id",
    "status",
    "total",
    "claimed",
    "used",
    "use_rate_pct",
    "discount_given",
    "orders",
    "gmv",
    "claim_starts_at",
    "claim_ends_at",
]


def stats_of(coupon_list):
    """{coupon id: {claimed, used, use_rate, discount_cents, orders, gmv_cents}}."""
    out = {
        c.id: {
            "claimed": c.claimed,
            "used": 0,
            "use_rate": None,
            "discount_cents": 0,
            "orders": 0,
            "gmv_cents": 0,
        }
        for c in coupon_list
    }
    if not out:
        return out
    used = (
        UserCoupon.select(
            UserCoupon.coupon,
            fn.COUNT(UserCoupon.id),
            fn.SUM(UserCoupon.discount_cents),
            fn.COUNT(fn.DISTINCT(UserCoupon.order)),
        )
        .join(Order, on=(UserCoupon.order == Order.id))
        .where(
            UserCoupon.coupon.in_(list(out))
            & (UserCoupon.status == "used")
            & Order.status.not_in(CLOSED_ORDERS)
        )
        .group_by(UserCoupon.coupon)
        .tuples()
    )
    for coupon_id, n, off, orders in used:
        out[coupon_id].update(used=n, discount_cents=int(off or 0), orders=orders)
    gmv = (
        OrderLine.select(UserCoupon.coupon, fn.SUM(OrderLine.paid_sql()))
        .join(Order, on=(OrderLine.order == Order.id))
        .join(UserCoupon, on=(UserCoupon.order == Order.id))
        .where(
            UserCoupon.coupon.in_(list(out))
            & (UserCoupon.status == "used")
            & Order.status.not_in(CLOSED_ORDERS)
        )
        .group_by(UserCoupon.coupon)
        .tuples()
    )
    for coupon_id, cents in gmv:
        out[coupon_id]["gmv_cents"] = int(cents or 0)
    for figures in out.values():
        if figures["claimed"]:
            figures["use_rate"] = round(figures["used"] / figures["claimed"], 4)
    return out


def merchant_coupons(merchant, limit=200):
    """The merchant's coupons, newest first, each with its figures."""
    rows = list(
        Coupon.select()
        .where(Coupon.merchant == merchant.id)
        .order_by(Coupon.id.desc())
        .limit(limit)
    )
    figures = stats_of(rows)
    return [(c, figures[c.id]) for c in rows]


def csv_rows(merchant):
    """CSV_HEADER's rows for the merchant's coupons (money in main units)."""
    for coupon, f in merchant_coupons(merchant, limit=10_000):
        rate = f["use_rate"]
        yield [
            coupon.id,
            present.display_title(coupon),
            coupon.kind,
            amount(coupon.amount_off_cents),
            coupon.percent_off or "",
            amount(coupon.max_discount_cents),
            amount(coupon.min_spend_cents),
            coupon.currency,
            "products:" + " ".join(map(str, coupon.product_ids))
            if coupon.product_ids
            else "shop",
            coupon.live_id or "",
            coupon.status,
            coupon.total,
            f["claimed"],
            f["used"],
            "" if rate is None else f"{rate * 100:.1f}",
            amount(f["discount_cents"]),
            f["orders"],
            amount(f["gmv_cents"]),
            isoformat(coupon.claim_starts_at),
            isoformat(coupon.claim_ends_at),
        ]
