"""In-site notifications: one row per person told, read or not."""

from peewee import (
    AutoField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
)

from livestall.accounts.models import User
from livestall.db.base import BaseModel, JSONField, utcnow


class Notification(BaseModel):
    id = AutoField()
    user = ForeignKeyField(User, backref="notifications", on_delete="CASCADE")
    kind = CharField(max_length=40)  # e.g. order_placed, order_shipped
    # What it is about; the link is built from these (no FK: the subject may go).
    order_id = IntegerField(null=True)
    actor = ForeignKeyField(User, null=True, on_delete="SET NULL")
    data = JSONField(default=dict)
    created_at = DateTimeField(default=utcnow)
    read_at = DateTimeField(null=True)

    class Meta:
        indexes = (
            (("user", "created_at"), False),
            (("user", "read_at"), False),
        )
