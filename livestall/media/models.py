"""Uploaded images, stored under the SHA-256 of their re-encoded bytes."""

from peewee import (
    AutoField,
    CharField,
    CompositeKey,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
)

from livestall.accounts.models import User
from livestall.db.base import BaseModel, utcnow


class Image(BaseModel):
    id = AutoField()
    sha256 = CharField(max_length=64, unique=True)
    owner = ForeignKeyField(User, backref="images", null=True, on_delete="SET NULL")
    width = IntegerField()
    height = IntegerField()
    byte_size = IntegerField()
    created_at = DateTimeField(default=utcnow)

    @property
    def filename(self):
        return f"{self.sha256}.webp"

    @property
    def thumb_filename(self):
        return f"{self.sha256}_t.webp"

    @property
    def url(self):
        return f"/media/{self.filename}"

    @property
    def thumb_url(self):
        return f"/media/{self.thumb_filename}"

    def to_dict(self):
        return {
            "id": self.id,
            "url": self.url,
            "thumb_url": self.thumb_url,
            "width": self.width,
            "height": self.height,
        }


class ImageUpload(BaseModel):
    """Who uploaded an image. Identical bytes share one Image row (content-hashed),
    so the first uploader is its `owner`, and everyone who uploaded it is here."""

    user = ForeignKeyField(User, on_delete="CASCADE")
    image = ForeignKeyField(Image, on_delete="CASCADE")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        primary_key = CompositeKey("user", "image")

    @classmethod
    def record(cls, user, image):
        cls.insert(user=user.id, image=image.id).on_conflict_ignore().execute()
