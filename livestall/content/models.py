"""Creators' content: posts with photos and tagged products, follows, likes."""

from peewee import (
    AutoField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from livestall.accounts.models import User
from livestall.catalog.models import Product
from livestall.db.base import BaseModel, utcnow
from livestall.media.models import Image


class Post(BaseModel):
    id = AutoField()
    author = ForeignKeyField(User, backref="posts", on_delete="CASCADE")
    body = TextField()  # Markdown, as written
    body_html = TextField()  # rendered and sanitised once, at save
    # draft | published | removed (taken down by an admin)
    status = CharField(max_length=10, default="published")
    like_count = IntegerField(default=0)
    comment_count = IntegerField(default=0)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)
    published_at = DateTimeField(null=True)

    class Meta:
        indexes = (
            (("status", "published_at"), False),
            (("author", "status", "published_at"), False),
        )

    @property
    def url(self):
        return f"/posts/{self.id}"

    @property
    def is_published(self):
        return self.status == "published"

    @property
    def is_removed(self):
        """Taken down by an admin (moderation): hidden from everyone else."""
        return self.status == "removed"

    @classmethod
    def published(cls):
        return cls.select().where(cls.status == "published")

    @classmethod
    def newest_first(cls, query):
        return query.order_by(cls.published_at.desc(), cls.id.desc())


class PostImage(BaseModel):
    post = ForeignKeyField(Post, backref="image_rows", on_delete="CASCADE")
    image = ForeignKeyField(Image, on_delete="RESTRICT")
    position = IntegerField(default=0)

    class Meta:
        indexes = ((("post", "image"), True),)


class PostProduct(BaseModel):
    post = ForeignKeyField(Post, backref="product_rows", on_delete="CASCADE")
    product = ForeignKeyField(Product, backref="post_rows", on_delete="RESTRICT")
    position = IntegerField(default=0)

    class Meta:
        indexes = ((("post", "product"), True), (("product",), False))


class Follow(BaseModel):
    follower = ForeignKeyField(User, backref="following_rows", on_delete="CASCADE")
    followee = ForeignKeyField(User, backref="follower_rows", on_delete="CASCADE")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("follower", "followee"), True), (("followee",), False))


class Like(BaseModel):
    user = ForeignKeyField(User, on_delete="CASCADE")
    post = ForeignKeyField(Post, backref="likes", on_delete="CASCADE")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("post", "user"), True),)


class Comment(BaseModel):
    id = AutoField()
    post = ForeignKeyField(Post, backref="comments", on_delete="CASCADE")
    author = ForeignKeyField(User, on_delete="CASCADE")
    body = TextField()  # plain text, escaped when shown
    created_at = DateTimeField(default=utcnow)
    # visible | removed (taken down by an admin: its author and admins see it)
    status = CharField(max_length=10, default="visible")

    class Meta:
        indexes = ((("post", "created_at"), False),)
