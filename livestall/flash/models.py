"""Flash sales in a live room: units set aside from stock, grabbed into holds."""

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
from livestall.live.models import LiveSession
from livestall.orders.models import Order


class FlashSale(BaseModel):
    """`sold + held + remaining == quantity` at every moment (each change to these
    three is one guarded UPDATE that moves units from one to another)."""

    id = AutoField()
    session = ForeignKeyField(LiveSession, backref="flash_sales", on_delete="CASCADE")
    product = ForeignKeyField(Product, on_delete="RESTRICT")
    created_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    price_cents = IntegerField()
    currency = CharField(max_length=3)
    quantity = IntegerField()
    remaining = IntegerField()
    held = IntegerField(default=0)
    sold = IntegerField(default=0)
    per_user_limit = IntegerField()
    starts_at = DateTimeField()
    ends_at = DateTimeField()
    closed_at = DateTimeField(null=True)  # ended early by the host, or at ends_at
    sold_out_at = DateTimeField(null=True)  # first time `remaining` reached 0
    # 1 once the unsold units have gone back to the product's stock (exactly once)
    settled = IntegerField(default=0)
    # race: grabbed first come first served; lottery: people register, then the
    # units are allotted to a verifiable draw of them; prize: a lucky draw's units
    # at ¥0 (never listed nor grabbed); see livestall.interaction.draws
    mode = CharField(max_length=8, default="race")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("session", "created_at"), False),)


class FlashBuyer(BaseModel):
    """Units a user holds or bought in a sale: the per-user limit is a guarded
    upsert on this row, in the grab's transaction."""

    sale = ForeignKeyField(FlashSale, on_delete="CASCADE")
    user = ForeignKeyField(User, on_delete="CASCADE")
    qty = IntegerField(default=0)

    class Meta:
        indexes = ((("sale", "user"), True),)


class Reservation(BaseModel):
    id = AutoField()
    sale = ForeignKeyField(FlashSale, backref="reservations", on_delete="CASCADE")
    user = ForeignKeyField(User, on_delete="CASCADE")
    qty = IntegerField()
    price_cents = IntegerField()  # the sale's price, fixed at the grab
    status = CharField(max_length=10, default="held")  # held | converted | expired
    expires_at = DateTimeField()
    order = ForeignKeyField(Order, null=True, on_delete="SET NULL")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = (
            (("status", "expires_at"), False),
            (("user", "status"), False),
            (("sale", "status"), False),
        )
