"""Community group buying (社区团购): leaders (团长) and their pickup points,
merchants' campaigns, the orders placed for pickup, the batches delivered to each
point and the leaders' commission ledger.

Every claim is a guarded UPDATE or a unique index: an order's pickup code is
unique among open orders (`open_code`), its 跟团号 (`seq_no`) unique per point
and campaign; a code is used once (`picked_up_at IS NULL` in the UPDATE).
"""

from peewee import (
    AutoField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from livestall.accounts.models import User
from livestall.catalog.models import Product
from livestall.db.base import BaseModel, utcnow
from livestall.orders.models import Order

LEADER_STATUSES = ("pending", "approved", "rejected", "disabled")


class Leader(BaseModel):
    """A 团长: one per user, with their pickup point (自提点)."""

    id = AutoField()
    user = ForeignKeyField(User, unique=True, on_delete="RESTRICT")
    status = CharField(max_length=10, default="pending")
    point_name = CharField(max_length=80)
    point_address = CharField(max_length=200)
    point_hours = CharField(max_length=80)
    point_phone = CharField(max_length=30)
    reason = TextField(default="")  # why rejected or disabled
    decided_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    decided_at = DateTimeField(null=True)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("status", "id"), False),)


class CommunityBuy(BaseModel):
    """A merchant's campaign: `items` at campaign prices, orders until
    `cutoff_at`, picked up at the leaders' points on `pickup_on`; leaders earn
    `leader_commission_bps` of each picked-up order."""

    id = AutoField()
    merchant = ForeignKeyField(User, on_delete="RESTRICT")
    title = CharField(max_length=120)
    currency = CharField(max_length=3)
    cutoff_at = DateTimeField()
    pickup_on = DateField()
    leader_commission_bps = IntegerField()
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("merchant", "created_at"), False), (("cutoff_at",), False))


class CommunityItem(BaseModel):
    community_buy = ForeignKeyField(CommunityBuy, backref="items", on_delete="CASCADE")
    product = ForeignKeyField(Product, on_delete="RESTRICT")
    price_cents = IntegerField()

    class Meta:
        indexes = ((("community_buy", "product"), True),)


class PickupOrder(BaseModel):
    """An order placed for pickup at `leader`'s point. `open_code` is the pickup
    code while the order may still be picked up (NULL after pickup, cancel or
    refund): its unique index keeps codes unique among open orders."""

    id = AutoField()
    order = ForeignKeyField(Order, unique=True, on_delete="CASCADE")
    community_buy = ForeignKeyField(CommunityBuy, on_delete="CASCADE")
    leader = ForeignKeyField(Leader, on_delete="RESTRICT")
    buyer = ForeignKeyField(User, on_delete="RESTRICT")
    pickup_code = CharField(max_length=8)
    open_code = CharField(max_length=8, null=True, unique=True)
    seq_no = IntegerField()  # 跟团号: 1, 2, 3... per point and campaign
    picked_up_at = DateTimeField(null=True)
    picked_up_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = (
            (("community_buy", "leader", "seq_no"), True),
            (("leader", "created_at"), False),
        )


class LeaderEntry(BaseModel):
    """The leaders' commission ledger, append-only (as the creators'): a picked-up
    order adds `pending +X` (accrual); once its return window ends `pending -X`
    and `payable +X` (release); a refund reverses what it holds (reversal)."""

    id = AutoField()
    leader = ForeignKeyField(Leader, on_delete="RESTRICT")
    order_id = IntegerField()
    state = CharField(max_length=10)  # pending | payable
    kind = CharField(max_length=10)  # accrual | release | reversal
    amount_cents = IntegerField()  # signed
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("leader", "created_at"), False), (("order_id",), False))


class BatchMark(BaseModel):
    """What happened to one point's batch of a campaign: shipped by the
    merchant, received by the leader. The batch's contents are counted from the
    orders whenever they are read, so a late cancel changes them."""

    id = AutoField()
    community_buy = ForeignKeyField(CommunityBuy, on_delete="CASCADE")
    leader = ForeignKeyField(Leader, on_delete="RESTRICT")
    shipped_at = DateTimeField(null=True)
    received_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("community_buy", "leader"), True),)


class LeaderHelper(BaseModel):
    """A helper a leader names (by username) to verify pickup codes at their
    point: at most `helpers.MAX_HELPERS` per leader; a user may help any number
    of leaders. Helpers verify only; commission and the helpers list stay the
    leader's."""

    id = AutoField()
    leader = ForeignKeyField(Leader, on_delete="CASCADE")
    user = ForeignKeyField(User, on_delete="CASCADE")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("leader", "user"), True), (("user",), False))
