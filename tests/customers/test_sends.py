"""Coupon sends in the rules: a big tag (chunks of SQL), the total stops it and
the rest are reported, and a send never issues past what claims left."""

import datetime

from extensions import db
from livestall.customers import sends
from livestall.customers.models import CouponSend, CouponSendRecipient, CustomerTag
from livestall.db.base import utcnow
from livestall.notifications.models import Notification
from livestall.promotions import coupons
from livestall.promotions.models import Coupon, UserCoupon
from tests.customers.data import order, person


def _coupon(shop, total):
    return coupons.create(
        shop,
        {
            "kind": "amount_off",
            "amount_off_cents": 300,
            "total": total,
            "claim_ends_at": (utcnow() + datetime.timedelta(days=1)).isoformat(),
        },
    )


def test_a_big_send_stops_at_the_total(app):
    with app.app_context(), db.connection_context():
        shop = person("bigshop")
        now = utcnow()
        people = [person() for _ in range(1200)]
        for i, p in enumerate(people):
            order(p.id, shop.id, 1000 + i, now - datetime.timedelta(days=i % 90))
        CustomerTag.insert_many(
            [{"merchant": shop.id, "user": p.id, "tag": "all"} for p in people]
        ).execute()
        coupon = _coupon(shop, 1000)
        made = sends.send(shop, {"coupon_id": coupon.id, "tag": "all"})
        assert (made.audience, made.held, made.sent, made.left_out) == (
            1200,
            0,
            1000,
            200,
        )
        assert Coupon.get_by_id(coupon.id).claimed == 1000
        assert UserCoupon.select().where(UserCoupon.coupon == coupon.id).count() == 1000
        assert CouponSendRecipient.select().count() == 1000
        kinds = Notification.select().where(Notification.kind == "coupon_sent")
        assert kinds.count() == 1000
        # the coupon is used up: another send reaches nobody, holders skipped
        again = sends.send(shop, {"coupon_id": coupon.id, "tag": "all"})
        assert (again.held, again.sent, again.left_out) == (1000, 0, 200)
        listed, total = sends.sends_of(shop)
        assert total == 2 and [s.sent for s in listed] == [0, 1000]
        assert CouponSend.select().count() == 2


def test_a_send_takes_only_what_claims_left(app):
    with app.app_context(), db.connection_context():
        shop = person("smallshop")
        now = utcnow()
        buyers = [person() for _ in range(4)]
        for b in buyers:
            order(b.id, shop.id, 5000, now)
            CustomerTag.create(merchant=shop.id, user=b.id, tag="vip")
        coupon = _coupon(shop, 3)
        outsider = person()
        coupons.claim(outsider, coupon.id)
        coupons.claim(buyers[0], coupon.id)
        made = sends.send(shop, {"coupon_id": coupon.id, "tag": "vip"})
        # 4 tagged, 1 holds it, 1 left of 3: one more gets it
        assert (made.held, made.sent, made.left_out) == (1, 1, 2)
        assert Coupon.get_by_id(coupon.id).claimed == 3
        held = UserCoupon.select().where(UserCoupon.coupon == coupon.id).count()
        assert held == 3
