"""Live interaction (issue 22): polls and their votes, the room's announcement,
lucky draws (福袋) and their entries. PK battles are `pk_models`.

Votes and entries are one row per person (a unique index), so a second socket of
the same person is refused by the database, not by a check that could race."""

from peewee import (
    AutoField,
    BooleanField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from livestall.accounts.models import User
from livestall.catalog.models import Product
from livestall.db.base import BaseModel, JSONField, utcnow
from livestall.flash.models import FlashSale
from livestall.live.models import LiveSession
from livestall.promotions.models import Coupon


class Poll(BaseModel):
    id = AutoField()
    session = ForeignKeyField(LiveSession, backref="polls", on_delete="CASCADE")
    created_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    question = CharField(max_length=100)
    options = JSONField(default=list)  # the option texts, in order
    status = CharField(max_length=8, default="open")  # open | ended
    # the counts frozen when it ended (null while open: counted from the votes)
    result = JSONField(null=True)
    starts_at = DateTimeField(default=utcnow)
    ends_at = DateTimeField()
    ended_at = DateTimeField(null=True)

    class Meta:
        indexes = (
            (("session", "status"), False),
            (("status", "ends_at"), False),
        )


class PollVote(BaseModel):
    poll = ForeignKeyField(Poll, backref="votes", on_delete="CASCADE")
    user = ForeignKeyField(User, on_delete="CASCADE")
    option = IntegerField()
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("poll", "user"), True),)


class Announcement(BaseModel):
    """The room's pinned banner: one row per session while there is one."""

    session = ForeignKeyField(LiveSession, unique=True, on_delete="CASCADE")
    text = CharField(max_length=140)
    by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    at = DateTimeField(default=utcnow)


class Draw(BaseModel):
    """A lucky draw (福袋, kind `prize`) or a lottery-mode flash sale's draw (kind
    `lottery`). `seed` is secret until drawn; `seed_sha256` is published at the
    start. The draw happens once: a guarded UPDATE from `open`."""

    id = AutoField()
    session = ForeignKeyField(LiveSession, backref="draws", on_delete="CASCADE")
    created_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    kind = CharField(max_length=8, default="prize")  # prize | lottery
    prize_kind = CharField(max_length=8, null=True)  # product | coupon
    product = ForeignKeyField(Product, null=True, on_delete="SET NULL")
    coupon = ForeignKeyField(Coupon, null=True, on_delete="SET NULL")
    # the prize's units (mode prize) or the lottery's sale (mode lottery)
    sale = ForeignKeyField(FlashSale, null=True, on_delete="SET NULL")
    winners_count = IntegerField()
    keyword = CharField(max_length=20, default="")
    follow_required = BooleanField(default=False)
    status = CharField(max_length=10, default="open")  # open | drawing | drawn
    seed = CharField(max_length=64)
    seed_sha256 = CharField(max_length=64)
    entrants = IntegerField(default=0)
    winners = JSONField(default=list)  # user ids in rank order, once drawn
    starts_at = DateTimeField(default=utcnow)
    ends_at = DateTimeField()
    drawn_at = DateTimeField(null=True)
    note = TextField(default="")

    class Meta:
        indexes = (
            (("session", "status"), False),
            (("status", "ends_at"), False),
        )


class DrawEntry(BaseModel):
    draw = ForeignKeyField(Draw, backref="entries", on_delete="CASCADE")
    user = ForeignKeyField(User, on_delete="CASCADE")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("draw", "user"), True),)
