"""The merchant's own notes on customers, and the coupons sent to them.

- `CustomerTag`: a word (at most 20 characters) a merchant puts on one of their
  buyers; unique per (merchant, user, tag).
- `CouponSend`: a coupon sent to a segment or a tag: how many it reached.
- `CouponSendRecipient`: who got it (the user coupon issued), so the report
  counts how many of them used it. `UserCoupon` itself is left as it is.
"""

from peewee import AutoField, CharField, DateTimeField, ForeignKeyField, IntegerField

from livestall.accounts.models import User
from livestall.db.base import BaseModel, utcnow
from livestall.promotions.models import Coupon, UserCoupon

TAG_MAX = 20


class CustomerTag(BaseModel):
    id = AutoField()
    merchant = ForeignKeyField(User, on_delete="CASCADE")
    user = ForeignKeyField(User, on_delete="CASCADE")
    tag = CharField(max_length=TAG_MAX)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = (
            (("merchant", "user", "tag"), True),
            (("merchant", "tag"), False),
        )


class CouponSend(BaseModel):
    id = AutoField()
    merchant = ForeignKeyField(User, on_delete="CASCADE")
    coupon = ForeignKeyField(Coupon, on_delete="CASCADE")
    segment = CharField(max_length=20, null=True)  # one of rfm.SEGMENTS...
    tag = CharField(max_length=TAG_MAX, null=True)  # ...or a tag
    audience = IntegerField(default=0)  # people in the segment or with the tag
    held = IntegerField(default=0)  # of them, already holding the coupon: skipped
    sent = IntegerField(default=0)  # coupons issued (short of the rest: ran out)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("merchant", "created_at"), False),)


class CouponSendRecipient(BaseModel):
    id = AutoField()
    send = ForeignKeyField(CouponSend, backref="recipients", on_delete="CASCADE")
    user = ForeignKeyField(User, on_delete="CASCADE")
    user_coupon = ForeignKeyField(UserCoupon, on_delete="CASCADE")

    class Meta:
        indexes = ((("send", "user"), True),)
