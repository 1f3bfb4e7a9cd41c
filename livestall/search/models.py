"""Search: index jobs that failed and wait to be retried (`search.jobs`)."""

from peewee import AutoField, CharField, DateTimeField, IntegerField

from livestall.db.base import BaseModel, utcnow


class SearchJob(BaseModel):
    """A product, post or user whose index update failed after its commit.

    The database change stands; the index catches up on the next index write or at
    `flask reindex`. One row per object, however often it failed.
    """

    id = AutoField()
    kind = CharField(max_length=10)  # product | post | user
    object_id = IntegerField()
    attempts = IntegerField(default=1)
    error = CharField(max_length=200, default="")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("kind", "object_id"), True),)
