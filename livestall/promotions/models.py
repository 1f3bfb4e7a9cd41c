"""Coupons (优惠券) and live red packets (直播间红包).

A `Coupon` is what a merchant offers; a `UserCoupon` is one a shopper holds (claimed
from a coupon, or grabbed from a red packet: a packet of shop credit becomes a user
coupon of its amount). Every claim is one guarded UPDATE on a counter
(`Coupon.claimed`, `RedPacket.grabbed`) plus a row whose unique index bounds what one
person holds (`UserCoupon (coupon, user, nth)`, `RedPacketShare (red_packet, user)`),
so no number of concurrent claims over-issues (`promotions.coupons`,
`promotions.red_packets`).

A user coupon's terms (amount or percent, cap, minimum spend, scope, validity) are
copied when it is claimed: what the shopper holds does not change if the merchant
edits, pauses or ends the coupon afterwards.
"""

from peewee import (
    AutoField,
    BooleanField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
)

from livestall.accounts.models import User
from livestall.db.base import BaseModel, JSONField, utcnow
from livestall.live.models import LiveSession
from livestall.orders.models import Order

COUPON_KINDS = ("amount_off", "percent_off")
COUPON_STATUSES = ("active", "paused", "ended")
USER_COUPON_STATUSES = ("unused", "used", "expired")
SPLITS = ("random", "equal")
RED_PACKET_STATUSES = ("ready", "open", "finished")


class Coupon(BaseModel):
    id = AutoField()
    merchant = ForeignKeyField(User, on_delete="RESTRICT")
    title = CharField(max_length=60, default="")
    kind = CharField(max_length=12)  # amount_off | percent_off
    amount_off_cents = IntegerField(null=True)
    percent_off = IntegerField(null=True)  # 1-95
    max_discount_cents = IntegerField(null=True)  # a percent coupon's cap
    min_spend_cents = IntegerField(default=0)  # 0: no threshold (无门槛)
    currency = CharField(max_length=3)
    product_ids = JSONField(null=True)  # null: the whole shop
    allow_flash = BooleanField(default=False)  # also on flash-sale lines
    total = IntegerField()
    claimed = IntegerField(default=0)
    per_user_limit = IntegerField(default=1)
    claim_starts_at = DateTimeField()
    claim_ends_at = DateTimeField()
    valid_days = IntegerField(null=True)  # valid this many days after claiming...
    valid_until = DateTimeField(null=True)  # ...or until this fixed end
    live = ForeignKeyField(LiveSession, null=True, on_delete="SET NULL")
    # a live coupon kept for a drop: not claimable until the host drops it
    drop_pending = BooleanField(default=False)
    status = CharField(max_length=10, default="active")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("merchant", "status", "claim_ends_at"), False),)


class RedPacket(BaseModel):
    """A pool of shop credit for a live, split into `count` packets at creation
    (`RedPacketShare`s), grabbed one each while it is open."""

    id = AutoField()
    merchant = ForeignKeyField(User, on_delete="RESTRICT")
    live = ForeignKeyField(LiveSession, on_delete="CASCADE")
    total_cents = IntegerField()
    count = IntegerField()
    split = CharField(max_length=10)  # random | equal
    currency = CharField(max_length=3)
    min_spend_cents = IntegerField(default=0)
    valid_days = IntegerField()
    grab_window_s = IntegerField()
    status = CharField(max_length=10, default="ready")  # ready | open | finished
    grabbed = IntegerField(default=0)
    grabbed_cents = IntegerField(default=0)
    opened_at = DateTimeField(null=True)
    ends_at = DateTimeField(null=True)  # opened_at + grab_window_s
    finished_at = DateTimeField(null=True)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("live", "status"), False), (("merchant", "created_at"), False))


class UserCoupon(BaseModel):
    id = AutoField()
    user = ForeignKeyField(User, on_delete="CASCADE")
    merchant = ForeignKeyField(User, on_delete="CASCADE")
    coupon = ForeignKeyField(Coupon, null=True, on_delete="CASCADE")
    red_packet = ForeignKeyField(RedPacket, null=True, on_delete="CASCADE")
    nth = IntegerField(default=1)  # the holder's 1st, 2nd... of this coupon
    title = CharField(max_length=60, default="")
    amount_off_cents = IntegerField(null=True)
    percent_off = IntegerField(null=True)
    max_discount_cents = IntegerField(null=True)
    min_spend_cents = IntegerField(default=0)
    currency = CharField(max_length=3)
    product_ids = JSONField(null=True)
    allow_flash = BooleanField(default=False)
    status = CharField(max_length=10, default="unused")  # unused | used | expired
    valid_from = DateTimeField()
    valid_until = DateTimeField()
    order = ForeignKeyField(Order, null=True, on_delete="SET NULL")  # used on
    discount_cents = IntegerField(default=0)  # what it took off that order
    used_at = DateTimeField(null=True)
    claimed_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = (
            (("coupon", "user", "nth"), True),  # per-person limit under any race
            (("user", "status", "valid_until"), False),
            (("order",), False),
        )

    @property
    def kind(self):
        return "percent_off" if self.percent_off else "amount_off"


class RedPacketShare(BaseModel):
    """One precomputed packet: `seq` is the order packets are handed out in."""

    id = AutoField()
    red_packet = ForeignKeyField(RedPacket, backref="shares", on_delete="CASCADE")
    seq = IntegerField()
    amount_cents = IntegerField()
    user = ForeignKeyField(User, null=True, on_delete="SET NULL")
    user_coupon = ForeignKeyField(UserCoupon, null=True, on_delete="SET NULL")
    grabbed_at = DateTimeField(null=True)

    class Meta:
        indexes = (
            (("red_packet", "seq"), True),
            (("red_packet", "user"), True),  # one packet per viewer, under any race
        )
