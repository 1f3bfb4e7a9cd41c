"""The demo's coupons and red packets (优惠券, 红包), so that a newcomer sees them: each
shop offers a 满减 coupon and a no-threshold one on its product pages (one shop a
percent-off coupon with a cap), demo shoppers hold some (one already used on an
order), and the live on air has a coupon kept for the host to drop and a red
packet pool ready to open.

Everything goes through the rules (`livestall.promotions`): coupons created and
claimed as the API does, a checkout paying with one.
"""

import datetime

from livestall.accounts.models import User, UserRole
from livestall.catalog.models import Product
from livestall.orders import checkout
from livestall.promotions import coupons, red_packets

CLAIM_FOR = datetime.timedelta(days=30)
ADDRESS = "上海市徐汇区漕溪北路 88 号 3 楼"
HOLDERS = ("emma_w", "xiaoyu_88", "chen_jing", "dawei_hz")


def _shops():
    return list(
        User.select()
        .join(UserRole)
        .where((UserRole.role == "merchant") & (User.status == "active"))
        .order_by(User.id)
    )


def _offers(shop, i, now):
    """The shop's coupons: ¥X off over ¥Y, ¥Z off with no threshold (the first
    shop: 12% off up to ¥30 instead)."""
    prices = sorted(
        p.price_cents
        for p in Product.select(Product.price_cents).where(
            (Product.merchant == shop.id) & (Product.status == "active")
        )
    )
    if not prices:
        return []
    typical = prices[len(prices) // 2]
    over = max(5000, typical // 1000 * 1000 + 1000)  # a round sum above a typical item
    ends = now + CLAIM_FOR
    made = [
        coupons.create(
            shop,
            {
                "kind": "amount_off",
                "amount_off_cents": max(500, over // 10 // 100 * 100),
                "min_spend_cents": over,
                "total": 500,
                "per_user_limit": 1,
                "claim_ends_at": ends,
                "valid_days": 14,
            },
            now=now,
        )
    ]
    if i == 0:
        made.append(
            coupons.create(
                shop,
                {
                    "kind": "percent_off",
                    "percent_off": 12,
                    "max_discount_cents": 3000,
                    "total": 200,
                    "per_user_limit": 2,
                    "claim_ends_at": ends,
                    "valid_days": 7,
                },
                now=now,
            )
        )
    else:
        made.append(
            coupons.create(
                shop,
                {
                    "kind": "amount_off",
                    "amount_off_cents": 300,
                    "total": 300,
                    "per_user_limit": 1,
                    "claim_ends_at": ends,
                    "valid_days": 7,
                },
                now=now,
            )
        )
    return made


def seed_promotions(users, now, on_air=None):
    """The coupons, the holders' claims, one used on an order, and the live's drop
    and red packet. Returns the coupons made."""
    made = []
    for i, shop in enumerate(_shops()):
        made += _offers(shop, i, now)
    held = []
    for coupon in made:
        for name in HOLDERS[: 2 + coupon.id % 3]:
            if name in users and users[name].id != coupon.merchant_id:
                held.append(coupons.claim(users[name], coupon.id, now=now))
    _pay_with_one(users, held)
    if on_air is not None:
        _live(on_air, now)
    return made


def _pay_with_one(users, held):
    """Emma pays for an order with her first coupon that its shop's goods cover."""
    emma = users.get("emma_w")
    for uc in held:
        if emma is None or uc.user_id != emma.id or uc.amount_off_cents is None:
            continue
        product = (
            Product.select()
            .where(
                (Product.merchant == uc.merchant_id)
                & (Product.status == "active")
                & (Product.stock >= 3)
                & (Product.price_cents * 3 >= uc.min_spend_cents)
            )
            .order_by(Product.price_cents)
            .first()
        )
        if product is None:
            continue
        qty = max(1, min(3, -(-uc.min_spend_cents // product.price_cents)))
        checkout.place_order(
            emma,
            [{"product_id": product.id, "qty": qty}],
            {"name": emma.name, "address": ADDRESS, "phone": "138 0013 8000"},
            f"demo-coupon-{uc.id}",
            payment_method="cod",
            coupon_ids=[uc.id],
        )
        return


def _live(session, now):
    """A coupon kept for the host to drop, and a red packet pool ready to open, both
    of the pinned product's shop."""
    product = Product.get_or_none(Product.id == session.pinned_product_id)
    if product is None:
        return
    shop = product.merchant
    coupons.create(
        shop,
        {
            "kind": "amount_off",
            "amount_off_cents": 1000,
            "min_spend_cents": 0,
            "total": 100,
            "per_user_limit": 1,
            "claim_ends_at": now + datetime.timedelta(days=1),
            "valid_days": 3,
            "live_id": session.id,
            "drop": True,
            "title": "直播间专享 ¥10",
        },
        now=now,
    )
    red_packets.create(
        shop,
        {
            "live_id": session.id,
            "total_cents": 8888,
            "count": 20,
            "split": "random",
            "valid_days": 3,
            "grab_window_s": 120,
        },
        now=now,
    )
