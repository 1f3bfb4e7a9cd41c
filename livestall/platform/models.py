"""Shared counters for rate limits (login throttling), visible to every process, and
the admin audit log."""

from peewee import (
    AutoField,
    BigIntegerField,
    CharField,
    CompositeKey,
    DateTimeField,
    IntegerField,
    TextField,
)

from livestall.db.base import BaseModel, utcnow


class RateCounter(BaseModel):
    """Hits for one key in one fixed time window (window = unix time // length)."""

    key = CharField(max_length=200)
    window = IntegerField()
    hits = IntegerField(default=0)

    class Meta:
        primary_key = CompositeKey("key", "window")


class AuditEntry(BaseModel):
    """One admin action (livestall.platform.audit): append-only.

    The actor is kept by id and by name as it was (no foreign key: the log must
    outlive any account it names), the target by kind and id."""

    id = AutoField()
    created_at = DateTimeField(default=utcnow, index=True)
    actor_id = IntegerField(null=True, index=True)
    actor_name = CharField(max_length=30, default="")
    action = CharField(max_length=40)
    target_kind = CharField(max_length=20)
    target_id = BigIntegerField(null=True)
    detail = TextField(default="{}")  # JSON: what changed, from what to what

    class Meta:
        indexes = ((("target_kind", "target_id"), False),)

    def save(self, *args, **kwargs):
        if self._pk is not None and not kwargs.get("force_insert"):
            raise AppendOnly("audit entries are never changed")
        return super().save(*args, **kwargs)

    def delete_instance(self, *args, **kwargs):
        raise AppendOnly("audit entries are never deleted")

    @classmethod
    def update(cls, *args, **kwargs):
        raise AppendOnly("audit entries are never changed")

    @classmethod
    def delete(cls):
        raise AppendOnly("audit entries are never deleted")


class AppendOnly(Exception):
    """A change or deletion of an append-only row was attempted (a bug, not input)."""
