"""Bargaining (砍价): campaigns, the records shoppers start, and the helps
their friends give.

A record's price only ever moves by one guarded UPDATE that compares the price
and the helper count it was computed from (`bargain.helping`), so two helps at
the same moment never lose one another's cut and never pass the floor. A unit of
a campaign is claimed by one guarded UPDATE on `units_sold` (`bargain.buying`).
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
from livestall.catalog.models import Product
from livestall.db.base import BaseModel, utcnow
from livestall.orders.models import Order

CAMPAIGN_STATUSES = ("active", "ended")
RECORD_STATUSES = ("open", "succeeded", "failed", "ordered")


class Bargain(BaseModel):
    """A merchant's campaign: `product` from `start_price_cents` down to
    `floor_price_cents` in `helpers_needed` cuts, each record open for
    `record_window_s`, until `ends_at`; `units` may be sold at bargain prices."""

    id = AutoField()
    product = ForeignKeyField(Product, on_delete="RESTRICT")
    merchant = ForeignKeyField(User, on_delete="RESTRICT")
    start_price_cents = IntegerField()
    floor_price_cents = IntegerField()
    currency = CharField(max_length=3)
    helpers_needed = IntegerField()
    record_window_s = IntegerField()
    units = IntegerField()
    units_sold = IntegerField(default=0)  # orders alive (a cancel gives one back)
    per_user_limit = IntegerField(default=1)  # units one shopper may buy
    min_account_age_min = IntegerField(default=0)  # helpers' accounts (0: any)
    status = CharField(max_length=10, default="active")  # active | ended
    ends_at = DateTimeField()
    ended_at = DateTimeField(null=True)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = (
            (("product", "status"), False),
            (("merchant", "created_at"), False),
        )

    @property
    def units_left(self):
        return max(0, self.units - self.units_sold)


class BargainRecord(BaseModel):
    """One shopper's bargain. `live_key` is the campaign's id while the record
    may still be bought (open or succeeded), NULL otherwise: the unique index on
    (owner, live_key) keeps a shopper to one such record per campaign."""

    id = AutoField()
    bargain = ForeignKeyField(Bargain, backref="records", on_delete="CASCADE")
    owner = ForeignKeyField(User, on_delete="RESTRICT")
    start_price_cents = IntegerField()
    floor_price_cents = IntegerField()
    price_cents = IntegerField()
    helpers = IntegerField(default=0)
    helpers_needed = IntegerField()
    status = CharField(max_length=10, default="open")
    live_key = IntegerField(null=True)
    order = ForeignKeyField(Order, null=True, unique=True, on_delete="SET NULL")
    expires_at = DateTimeField()
    succeeded_at = DateTimeField(null=True)  # reached the floor
    closed_at = DateTimeField(null=True)  # ordered or failed
    warned_at = DateTimeField(null=True)  # "about to expire" sent
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = (
            (("owner", "live_key"), True),
            (("bargain", "created_at"), False),
            (("status", "expires_at"), False),
        )

    @property
    def url(self):
        return f"/bargain-records/{self.id}"


class BargainHelp(BaseModel):
    """A friend's cut: the `nth` of the record's cuts, `cut_cents` off. The
    unique (record, helper) and (record, nth) indexes are the last word on
    "once per friend" and "never more than N cuts"."""

    id = AutoField()
    record = ForeignKeyField(BargainRecord, backref="helps", on_delete="CASCADE")
    helper = ForeignKeyField(User, on_delete="RESTRICT")
    nth = IntegerField()
    cut_cents = IntegerField()
    price_after_cents = IntegerField()
    new_account = BooleanField(default=False)  # signed up shortly before helping
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = (
            (("record", "helper"), True),
            (("record", "nth"), True),
            (("helper", "created_at"), False),
        )
