"""Live selling sessions: the room, its chat, its moderation and its log; creators'
stream keys and each session's video (RTMP or an HLS URL).

A stream key is kept as its SHA-256 only, with a short prefix to show it masked;
`LiveVideo` is one row per session that has video.
"""

import hashlib

from peewee import (
    AutoField,
    BooleanField,
    CharField,
    DateTimeField,
    FloatField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from livestall.accounts.models import User
from livestall.catalog.models import Product
from livestall.db.base import BaseModel, JSONField, utcnow
from livestall.media.models import Image

SESSION_STATUSES = ("scheduled", "live", "ended")


class LiveSession(BaseModel):
    id = AutoField()
    host = ForeignKeyField(User, backref="live_sessions", on_delete="CASCADE")
    title = CharField(max_length=120)
    description = TextField(default="")
    cover = ForeignKeyField(Image, null=True, on_delete="SET NULL")
    status = CharField(max_length=10, default="scheduled")
    scheduled_at = DateTimeField()
    started_at = DateTimeField(null=True)
    ended_at = DateTimeField(null=True)
    pinned_product = ForeignKeyField(Product, null=True, on_delete="SET NULL")
    slow_mode_s = IntegerField(default=0)
    likes = IntegerField(default=0)
    peak_viewers = IntegerField(default=0)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = (
            (("status", "scheduled_at"), False),
            (("host", "scheduled_at"), False),
        )

    @property
    def url(self):
        return f"/live/{self.id}"


class LiveProduct(BaseModel):
    """A product the host features in the session, in their order."""

    session = ForeignKeyField(LiveSession, backref="product_links", on_delete="CASCADE")
    product = ForeignKeyField(Product, on_delete="CASCADE")
    position = IntegerField(default=0)

    class Meta:
        indexes = ((("session", "product"), True),)


class ChatMessage(BaseModel):
    id = AutoField()
    session = ForeignKeyField(LiveSession, backref="messages", on_delete="CASCADE")
    user = ForeignKeyField(User, on_delete="CASCADE")
    body = CharField(max_length=200)
    # visible | held (caught by the blocked words) | deleted
    status = CharField(max_length=10, default="visible")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = (
            (("session", "status", "id"), False),
            (("session", "user", "created_at"), False),
        )


class Moderator(BaseModel):
    """Someone a host trusts to moderate all of the host's rooms."""

    host = ForeignKeyField(User, on_delete="CASCADE")
    user = ForeignKeyField(User, on_delete="CASCADE")

    class Meta:
        indexes = ((("host", "user"), True),)


class RoomSanction(BaseModel):
    """A mute (in one session, until a time) or a ban (from all of a host's rooms)."""

    host = ForeignKeyField(User, on_delete="CASCADE")
    session = ForeignKeyField(LiveSession, on_delete="CASCADE")
    user = ForeignKeyField(User, on_delete="CASCADE")
    kind = CharField(max_length=8)  # mute | ban
    until = DateTimeField(null=True)  # mutes end; bans hold until lifted
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = (
            (("host", "user", "kind"), False),
            (("session", "user", "kind"), False),
        )


class BlockedWord(BaseModel):
    host = ForeignKeyField(User, on_delete="CASCADE")
    word = CharField(max_length=40)

    class Meta:
        indexes = ((("host", "word"), True),)


class LiveAction(BaseModel):
    """The session's log: every pin, moderation act and status change, with who."""

    id = AutoField()
    session = ForeignKeyField(LiveSession, backref="actions", on_delete="CASCADE")
    actor = ForeignKeyField(User, null=True, on_delete="SET NULL")
    kind = CharField(max_length=20)
    target_user = ForeignKeyField(User, null=True, on_delete="SET NULL")
    message_id = IntegerField(null=True)
    product = ForeignKeyField(Product, null=True, on_delete="SET NULL")
    data = JSONField(default=dict)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("session", "kind", "created_at"), False),)


class StreamKey(BaseModel):
    """A creator's RTMP stream key (one per creator; rotating replaces it)."""

    user = ForeignKeyField(User, on_delete="CASCADE", unique=True)
    digest = CharField(max_length=64, unique=True)
    prefix = CharField(max_length=16)  # shown masked: "lsk_ab12…"
    created_at = DateTimeField(default=utcnow)
    last_used_at = DateTimeField(null=True)

    @staticmethod
    def digest_of(secret):
        return hashlib.sha256(secret.encode()).hexdigest()


class LiveVideo(BaseModel):
    """A session's video: an external HLS URL, or the RTMP stream and its recording."""

    id = AutoField()
    session = ForeignKeyField(
        LiveSession, backref="videos", on_delete="CASCADE", unique=True
    )
    external_url = CharField(max_length=500, null=True)
    publishing = BooleanField(default=False)  # an RTMP stream is arriving now
    first_publish_at = DateTimeField(null=True)
    last_publish_at = DateTimeField(null=True)
    unpublished_at = DateTimeField(null=True)  # the stream stopped (grace runs)
    recording = CharField(max_length=20, default="none")  # none | ready
    recording_s = FloatField(default=0)
