"""Live video: creators' stream keys and each session's video (RTMP or an HLS URL).

New tables (no migration needed): a stream key is kept as its SHA-256 only, with a
short prefix to show it masked; `LiveVideo` is one row per session that has video.
"""

import hashlib

from peewee import (
    AutoField,
    BooleanField,
    CharField,
    DateTimeField,
    FloatField,
    ForeignKeyField,
)

from livestall.accounts.models import User
from livestall.db.base import BaseModel, utcnow
from livestall.live.models import LiveSession


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
