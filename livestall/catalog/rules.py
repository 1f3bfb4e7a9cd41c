"""The catalog: validation of merchant input, product changes, serialisation."""

from livestall.accounts import verification
from livestall.catalog import signals
from livestall.catalog.models import CATEGORIES, PRICE_MAX, Product, ProductImage
from livestall.db.base import transaction, utcnow
from livestall.errors import Conflict, Invalid, NotFound

CURRENCIES = ("CNY", "USD", "EUR", "GBP", "HKD", "TWD", "SGD", "JPY", "MYR", "THB")
TITLE_MAX = 200
DESCRIPTION_MAX = 10_000
BRAND_MAX = 80
TAG_MAX, TAGS_MAX = 30, 20
STOCK_MAX = 10_000_000
COMMISSION_MAX = 9000  # basis points: at most 90%
IMAGES_MAX = 9
FLASH_UNITS_MAX = 1_000_000  # as many as one flash sale may set aside
FIELDS = (
    "title",
    "description",
    "price_cents",
    "currency",
    "stock",
    "category",
    "brand",
    "tags",
    "commission_bps",
    "flash_min_price_cents",
    "flash_max_units",
    "member_price_cents",
)


def category_label(slug, locale="en"):
    names = CATEGORIES.get(slug)
    if not names:
        return slug
    return names[1] if (locale or "").startswith("zh") else names[0]


def _int(value, field, lo, hi):
    """Accept a JSON integer only: never a float, a boolean or a numeric string."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid("Enter a whole number.", field=field)
    if not lo <= value <= hi:
        raise Invalid(
            "Enter a number from %(lo)d to %(hi)d.", field=field, lo=lo, hi=hi
        )
    return value


def _str(value, field, max_len, required=False):
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise Invalid("This field must be text.", field=field)
    value = value.replace("\x00", "").strip()
    if required and not value:
        raise Invalid("This field is required.", field=field)
    if len(value) > max_len:
        raise Invalid("At most %(n)d characters.", field=field, n=max_len)
    return value


def clean_tags(value):
    if value is None:
        return []
    if isinstance(value, str):
        value = value.replace("，", ",").split(",")
    if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
        raise Invalid("Tags must be a list of words.", field="tags")
    tags = []
    for tag in value:
        tag = " ".join(tag.split()).lstrip("#")
        if not tag:
            continue
        if len(tag) > TAG_MAX:
            raise Invalid(
                "Each tag must be at most %(n)d characters.", field="tags", n=TAG_MAX
            )
        if tag.lower() not in (t.lower() for t in tags):
            tags.append(tag)
    if len(tags) > TAGS_MAX:
        raise Invalid("At most %(n)d tags.", field="tags", n=TAGS_MAX)
    return tags


def clean(data, partial=False, price_cents=None):
    """Validate merchant input into model values; only FIELDS are ever read.
    `price_cents` is the stored price a partial change keeps (for the floor)."""
    if not isinstance(data, dict):
        raise Invalid("Expected a JSON object.")
    rules = {
        "title": lambda v: _str(v, "title", TITLE_MAX, required=True),
        "description": lambda v: _str(v, "description", DESCRIPTION_MAX).replace(
            "\r\n", "\n"
        ),
        "price_cents": lambda v: _int(v, "price_cents", 0, PRICE_MAX),
        "currency": _currency,
        "stock": lambda v: _int(v, "stock", 0, STOCK_MAX),
        "category": _category,
        "brand": lambda v: _str(v, "brand", BRAND_MAX),
        "tags": clean_tags,
        "commission_bps": lambda v: _int(v, "commission_bps", 0, COMMISSION_MAX),
        # null clears: no creator may then launch a flash sale of the product
        "flash_min_price_cents": lambda v: (
            None if v is None else _int(v, "flash_min_price_cents", 0, PRICE_MAX)
        ),
        "flash_max_units": lambda v: (
            None if v is None else _int(v, "flash_max_units", 1, FLASH_UNITS_MAX)
        ),
        # null clears: members pay the list price
        "member_price_cents": lambda v: (
            None if v is None else _int(v, "member_price_cents", 1, PRICE_MAX)
        ),
    }
    required = ("title", "price_cents", "category")
    out = {}
    for field in FIELDS:
        if field in data:
            out[field] = rules[field](data[field])
        elif not partial and field in required:
            raise Invalid("This field is required.", field=field)
    _check_floor(out, price_cents)
    _check_member_price(out, price_cents)
    return out


def _check_member_price(values, stored_price):
    """A member price is below the price (the one sent, else the stored one)."""
    member = values.get("member_price_cents")
    price = values.get("price_cents", stored_price)
    if member is not None and price is not None and member >= price:
        raise Invalid(
            "The member price must be below the price.",
            field="member_price_cents",
        )


def _check_floor(values, stored_price):
    """A flash-sale floor is at most the price (the one sent, else the stored one).
    A later price cut below the floor leaves it: no sale is allowed until the
    merchant lowers it (never lowered for them: that is their consent)."""
    floor = values.get("flash_min_price_cents")
    price = values.get("price_cents", stored_price)
    if floor is not None and price is not None and floor > price:
        raise Invalid(
            "The lowest flash-sale price cannot be above the price.",
            field="flash_min_price_cents",
        )


def _currency(value):
    if value is None:
        return "CNY"
    if not isinstance(value, str) or value.upper() not in CURRENCIES:
        raise Invalid("Unsupported currency.", field="currency")
    return value.upper()


def _category(value):
    if not isinstance(value, str) or value not in CATEGORIES:
        raise Invalid("Choose a category from the list.", field="category")
    return value


def create_product(merchant, data):
    verification.require_verified(merchant)  # issue 23: sell once verified
    values = clean(data)
    product = Product.create(merchant=merchant, **values)
    signals.product_changed.send(None, product_ids=[product.id])
    return product


def get_product(product_id, include_archived=False):
    """Return a product by id or raise NotFound (archived ones only when asked)."""
    try:
        product_id = int(product_id)
    except (TypeError, ValueError):
        raise NotFound("No such product.")
    product = Product.get_or_none(Product.id == product_id)
    if product is None or (product.is_archived and not include_archived):
        raise NotFound("No such product.")
    return product


def owned_product(merchant, product_id):
    """Return the merchant's own product; someone else's looks like a missing one."""
    product = get_product(product_id, include_archived=True)
    if product.merchant_id != merchant.id:
        raise NotFound("No such product.")
    return product


def update_product(product, data):
    values = clean(data, partial=True, price_cents=product.price_cents)
    if not values:
        return product
    values["updated_at"] = utcnow()
    Product.update(values).where(Product.id == product.id).execute()
    signals.product_changed.send(None, product_ids=[product.id])
    return Product.get_by_id(product.id)


def archive_product(product):
    """Hide the product from the shop; orders and history keep pointing at it."""
    Product.update(status="archived", updated_at=utcnow()).where(
        (Product.id == product.id) & (Product.status == "active")
    ).execute()
    signals.product_changed.send(None, product_ids=[product.id])  # leaves search


def restore_product(product):
    """Back on sale; one an admin took down stays down (a Conflict)."""
    if product.is_removed:
        raise Conflict(
            "An admin took this product down; it cannot be put back on sale.",
            code="taken_down",
        )
    Product.update(status="active", updated_at=utcnow()).where(
        (Product.id == product.id) & (Product.status == "archived")
    ).execute()
    signals.product_changed.send(None, product_ids=[product.id])


def add_image(product, image):
    """Attach an image at the end of the gallery (at most IMAGES_MAX)."""
    with transaction():
        rows = list(ProductImage.select().where(ProductImage.product == product))
        if any(r.image_id == image.id for r in rows):
            return image
        if len(rows) >= IMAGES_MAX:
            raise Invalid(
                "A product has at most %(n)d images.", field="file", n=IMAGES_MAX
            )
        position = max((r.position for r in rows), default=-1) + 1
        ProductImage.create(product=product, image=image, position=position)
    product.__dict__.pop("_gallery", None)
    return image


def remove_image(product, image_id):
    deleted = (
        ProductImage.delete()
        .where((ProductImage.product == product) & (ProductImage.image == image_id))
        .execute()
    )
    if not deleted:
        raise NotFound("No such image on this product.")
    product.__dict__.pop("_gallery", None)


def images_of(product):
    return product.gallery


def product_dict(product, images=None):
    """Serialise as API.md's `product` object."""
    if images is None:
        images = images_of(product)
    return {
        "id": product.id,
        "title": product.title,
        "description": product.description,
        "price_cents": product.price_cents,
        "currency": product.currency,
        "stock": product.stock,
        "category": product.category,
        "brand": product.brand,
        "tags": product.tags or [],
        "commission_bps": product.commission_bps,
        "flash_min_price_cents": product.flash_min_price_cents,
        "flash_max_units": product.flash_max_units,
        "member_price_cents": product.member_price_cents,
        "status": product.status,
        "merchant": {"id": product.merchant.id, "username": product.merchant.username},
        "images": [img.to_dict() for img in images],
        "url": product.url,
    }
