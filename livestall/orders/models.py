"""Carts, checkouts, orders (one per merchant), their lines and their history."""

from peewee import (
    AutoField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
)

from livestall.accounts.models import User
from livestall.catalog.models import Product
from livestall.db.base import BaseModel, utcnow

STATUSES = ("pending_payment", "paid", "shipped", "delivered", "cancelled", "refunded")
PAYMENT_METHODS = ("cod", "bank_transfer")


class CartItem(BaseModel):
    """A line in a cart: a signed-in user's, or an anonymous visitor's until sign-in."""

    id = AutoField()
    user = ForeignKeyField(User, null=True, on_delete="CASCADE")
    visitor_id = CharField(max_length=40, null=True)
    product = ForeignKeyField(Product, on_delete="CASCADE")
    qty = IntegerField()
    source = CharField(max_length=40, null=True)  # e.g. "post:12", "share:34"
    added_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = (
            (("user", "product"), True),
            (("visitor_id", "product"), True),
        )


class Checkout(BaseModel):
    """One submitted checkout: the idempotency key and a hash of what was asked."""

    id = AutoField()
    buyer = ForeignKeyField(User, on_delete="CASCADE")
    idempotency_key = CharField(max_length=100)
    request_hash = CharField(max_length=64)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("buyer", "idempotency_key"), True),)


class Order(BaseModel):
    id = AutoField()
    checkout = ForeignKeyField(Checkout, backref="orders", on_delete="RESTRICT")
    buyer = ForeignKeyField(User, backref="orders", on_delete="RESTRICT")
    merchant = ForeignKeyField(User, backref="sales", on_delete="RESTRICT")
    status = CharField(max_length=20, default="pending_payment")
    payment_method = CharField(max_length=20)
    total_cents = IntegerField()  # what the buyer pays: goods + shipping
    shipping_cents = IntegerField(default=0)  # the shop's fee when placed
    discount_cents = IntegerField(default=0)  # coupons: the sum of its lines'
    currency = CharField(max_length=3)
    ship_name = CharField(max_length=60)
    ship_address = CharField(max_length=300)
    ship_phone = CharField(max_length=30)
    tracking_number = CharField(max_length=60, null=True)
    # When the money arrived: marked by the merchant (bank transfer) or on
    # delivery (cash on delivery). Null while unpaid.
    paid_at = DateTimeField(null=True)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = (
            (("buyer", "created_at"), False),
            (("merchant", "status", "created_at"), False),
        )

    @property
    def url(self):
        return f"/orders/{self.id}"

    @property
    def goods_cents(self):
        """What the lines come to (the total without shipping)."""
        return self.total_cents - self.shipping_cents


class OrderLine(BaseModel):
    order = ForeignKeyField(Order, backref="lines", on_delete="CASCADE")
    product = ForeignKeyField(Product, on_delete="RESTRICT")
    title = CharField(max_length=200)  # as sold, even if the product changes later
    qty = IntegerField()
    unit_price_cents = IntegerField()
    # a coupon's share of this line (pricing.discounts): the line was paid
    # qty * unit_price_cents - discount_cents, which refunds and commissions use
    discount_cents = IntegerField(default=0)
    source = CharField(max_length=40, null=True)  # where the buyer came from

    @property
    def paid_cents(self):
        """What the line came to after its discount."""
        return self.qty * self.unit_price_cents - self.discount_cents

    @classmethod
    def paid_sql(cls):
        """`paid_cents` as an SQL expression (for sums)."""
        return cls.qty * cls.unit_price_cents - cls.discount_cents


class OrderEvent(BaseModel):
    """Every status change: who, when, from what to what."""

    order = ForeignKeyField(Order, backref="events", on_delete="CASCADE")
    from_status = CharField(max_length=20, null=True)
    to_status = CharField(max_length=20)
    actor = ForeignKeyField(User, null=True, on_delete="SET NULL")
    note = CharField(max_length=200, default="")
    created_at = DateTimeField(default=utcnow)


class LineAdjustment(BaseModel):
    """What made an order line's price (a `pricing.Adjustment`), as it was paid:
    `amount_cents` saved on the whole line by a price of `kind` (flash...) or a
    discount, granted by `source` (`flash:5`)."""

    line = ForeignKeyField(OrderLine, backref="adjustments", on_delete="CASCADE")
    kind = CharField(max_length=20)
    amount_cents = IntegerField()
    source = CharField(max_length=40, null=True)
