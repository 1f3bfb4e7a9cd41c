"""Reports and the decisions taken on them.

A `Report` is one person's flag on one target (kind, id). While it is open it
holds `open_key` ("reporter:kind:id", unique), so a person has at most one open
report per target: the database refuses a second, not a check that could race.
Deciding closes every open report of the target in one guarded UPDATE and ties
them to one `Decision`, which the author may appeal once; the appeal is decided
by a different admin."""

from peewee import (
    AutoField,
    BigIntegerField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from livestall.accounts.models import User
from livestall.db.base import BaseModel, utcnow

KINDS = ("post", "comment", "chat", "product", "user", "live")
REASONS = (
    "spam",
    "counterfeit",
    "prohibited",
    "harassment",
    "misleading_price",
    "other",
)
ACTIONS = ("dismiss", "take_down", "suspend_author", "end_live")


class Decision(BaseModel):
    """What an admin decided on a target, and its appeal."""

    id = AutoField()
    kind = CharField(max_length=10)
    target_id = BigIntegerField()
    owner_id = IntegerField(null=True, index=True)  # the author, seller or host
    action = CharField(max_length=16)
    note = TextField(default="")
    before = CharField(max_length=12, default="")  # the target's status before
    admin_id = IntegerField(null=True)
    admin_name = CharField(max_length=30, default="")
    decided_at = DateTimeField(default=utcnow)
    # none | open | upheld | reversed
    appeal_status = CharField(max_length=10, default="none")
    appeal_text = TextField(default="")
    appealed_at = DateTimeField(null=True)
    appeal_admin_id = IntegerField(null=True)
    appeal_note = TextField(default="")
    appeal_decided_at = DateTimeField(null=True)

    class Meta:
        indexes = (
            (("kind", "target_id"), False),
            (("appeal_status", "appealed_at"), False),
        )


class Report(BaseModel):
    id = AutoField()
    reporter = ForeignKeyField(User, backref="reports", on_delete="CASCADE")
    kind = CharField(max_length=10)
    target_id = BigIntegerField()
    owner_id = IntegerField(null=True)  # the target's author when reported
    reason = CharField(max_length=20)
    text = CharField(max_length=500, default="")
    status = CharField(max_length=10, default="open")  # open | closed
    open_key = CharField(max_length=60, null=True, unique=True)
    decision = ForeignKeyField(
        Decision, null=True, backref="reports", on_delete="SET NULL"
    )
    created_at = DateTimeField(default=utcnow)
    closed_at = DateTimeField(null=True)

    class Meta:
        indexes = (
            (("status", "created_at"), False),
            (("kind", "target_id", "status"), False),
        )
