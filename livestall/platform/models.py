"""Shared counters for rate limits (login throttling), visible to every process."""

from peewee import CharField, CompositeKey, IntegerField

from livestall.db.base import BaseModel


class RateCounter(BaseModel):
    """Hits for one key in one fixed time window (window = unix time // length)."""

    key = CharField(max_length=200)
    window = IntegerField()
    hits = IntegerField(default=0)

    class Meta:
        primary_key = CompositeKey("key", "window")
