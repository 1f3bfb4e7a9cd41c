"""The merchants' catalog: products and their images."""

from peewee import (
    AutoField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from livestall.accounts.models import User
from livestall.db.base import BaseModel, JSONField, utcnow
from livestall.media.models import Image

# The category taxonomy: slug -> (English, Simplified Chinese).
CATEGORIES = {
    "beauty": ("Beauty & Skincare", "美妆护肤"),
    "fashion": ("Fashion", "服饰"),
    "shoes-bags": ("Shoes & Bags", "鞋包"),
    "food": ("Food & Snacks", "食品零食"),
    "tea-drinks": ("Tea & Drinks", "茶饮"),
    "home": ("Home & Living", "家居生活"),
    "kitchen": ("Kitchen", "厨房用品"),
    "electronics": ("Electronics", "数码电器"),
    "mother-baby": ("Mother & Baby", "母婴"),
    "sports": ("Sports & Outdoors", "运动户外"),
    "health": ("Health", "健康保健"),
    "pets": ("Pets", "宠物"),
    "books": ("Books & Stationery", "图书文具"),
    "fresh": ("Fresh Produce", "生鲜"),
}
PRICE_MAX = 100_000_000  # cents: one million in major units


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
    # The merchant's consent to flash sales run by creators (the merchant's own
    # creator account too): the lowest sale price and the units all open sales
    # may set aside at once. Null, the default, allows none (livestall.flash.consent).
    flash_min_price_cents = IntegerField(null=True)
    flash_max_units = IntegerField(null=True)
    # 会员价: what an active member of the shop pays (null: no member price)
    member_price_cents = IntegerField(null=True)
    status = CharField(max_length=10, default="active")  # archived | removed
    sales_count = IntegerField(default=0)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        # Shop listings: newest active products first, per category too.
        indexes = (
            (("status", "created_at"), False),
            (("category", "status", "created_at"), False),
        )

    @property
    def is_archived(self):
        """Off sale by its merchant, or taken down by an admin (`removed`)."""
        return self.status != "active"

    @property
    def is_removed(self):
        """Taken down by an admin (moderation): its merchant cannot restore it."""
        return self.status == "removed"

    @property
    def url(self):
        return f"/products/{self.id}"

    @property
    def gallery(self):
        """The product's images in order (attached by `with_images`, else queried)."""
        if not hasattr(self, "_gallery"):
            self._gallery = list(
                Image.select()
                .join(ProductImage)
                .where(ProductImage.product == self.id)
                .order_by(ProductImage.position, ProductImage.id)
            )
        return self._gallery

    @property
    def cover(self):
        return self.gallery[0] if self.gallery else None

    @classmethod
    def active(cls):
        return cls.select().where(cls.status == "active")

    @classmethod
    def listing(cls):
        """Products for sale with the columns a card shows, merchant joined (no
        N+1): active, of a merchant who may sell (catalog.availability: a suspended
        merchant's products leave every listing)."""
        return (
            cls.select(
                cls.id,
                cls.title,
                cls.price_cents,
                cls.member_price_cents,
                cls.currency,
                cls.stock,
                cls.category,
                cls.status,
                cls.merchant,
                User.id,
                User.username,
                User.display_name,
            )
            .join(User)
            .where((cls.status == "active") & (User.status == "active"))
        )

    @classmethod
    def of_merchant(cls, merchant):
        return (
            cls.select()
            .where(cls.merchant == merchant)
            .order_by(cls.status, cls.created_at.desc(), cls.id.desc())
        )

    @classmethod
    def with_images(cls, query):
        """Run the query and attach every product's gallery with one more query."""
        return cls.attach_galleries(list(query))

    @staticmethod
    def attach_galleries(products):
        """Set `gallery` on each product with a single query; return the list."""
        galleries = {p.id: [] for p in products}
        if galleries:
            rows = (
                ProductImage.select(
                    ProductImage.product,
                    Image.id,
                    Image.sha256,
                    Image.width,
                    Image.height,
                )
                .join(Image)
                .where(ProductImage.product.in_(list(galleries)))
                .order_by(ProductImage.position, ProductImage.id)
            )
            for row in rows:
                galleries[row.product_id].append(row.image)
        for product in products:
            product._gallery = galleries[product.id]
        return products


class ProductImage(BaseModel):
    product = ForeignKeyField(Product, backref="image_rows", on_delete="CASCADE")
    image = ForeignKeyField(Image, on_delete="RESTRICT")
    position = IntegerField(default=0)

    class Meta:
        indexes = ((("product", "image"), True),)
