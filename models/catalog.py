"""The merchants' catalog: products and their images."""

from peewee import (
    AutoField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
    prefetch,
)

from models.base import BaseModel, JSONField, utcnow
from models.media import Image
from models.users import User


class Product(BaseModel):
    id = AutoField()
    merchant = ForeignKeyField(User, backref="products", on_delete="RESTRICT")
    title = CharField(max_length=200)
    description = TextField(default="")
    price_cents = IntegerField()
    currency = CharField(max_length=3, default="CNY")
    stock = IntegerField(default=0)
    category = CharField(max_length=40, index=True)
    brand = CharField(max_length=80, default="", index=True)
    tags = JSONField(default=list)
    commission_bps = IntegerField(default=0)
    status = CharField(max_length=10, default="active", index=True)  # or archived
    sales_count = IntegerField(default=0)
    created_at = DateTimeField(default=utcnow, index=True)
    updated_at = DateTimeField(default=utcnow)

    @property
    def is_archived(self):
        return self.status == "archived"

    @property
    def url(self):
        return f"/products/{self.id}"

    @property
    def cover(self):
        """Return the first image, or None (uses prefetched `image_rows` if loaded)."""
        rows = sorted(self.image_rows, key=lambda r: (r.position, r.id))
        return rows[0].image if rows else None

    @classmethod
    def active(cls):
        return cls.select().where(cls.status == "active")

    @classmethod
    def listing(cls):
        """Active products with their merchant joined in (one query, no N+1)."""
        return cls.select(cls, User).join(User).where(cls.status == "active")

    @classmethod
    def of_merchant(cls, merchant):
        return (
            cls.select()
            .where(cls.merchant == merchant)
            .order_by(cls.status, cls.created_at.desc(), cls.id.desc())
        )

    @classmethod
    def with_images(cls, query):
        """Attach image rows and their images to each product in two queries."""
        return prefetch(
            query,
            ProductImage.select().order_by(ProductImage.position, ProductImage.id),
            Image,
        )


class ProductImage(BaseModel):
    product = ForeignKeyField(Product, backref="image_rows", on_delete="CASCADE")
    image = ForeignKeyField(Image, on_delete="RESTRICT")
    position = IntegerField(default=0)

    class Meta:
        indexes = ((("product", "image"), True),)
