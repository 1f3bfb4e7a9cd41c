"""Group buying (拼团): deals, their teams and the seats in them.

A seat is an order (one line, the deal's product at the group price). The team's
`seats_taken` counts the seats held by orders still alive; every change of it is
one guarded UPDATE (`group_buy.teams`), so the last seat goes to exactly one
buyer and a team moves out of `open` exactly once.

Lock order, everywhere (no deadlock between a joiner, a cancel and the sweep):
team row, then member row, then order row, then product row.
"""

from peewee import (
    AutoField,
    BooleanField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
)

from livestall.accounts.models import User
from livestall.catalog.models import Product
from livestall.db.base import BaseModel, utcnow
from livestall.orders.models import Order

DEAL_STATUSES = ("active", "ended")
TEAM_STATUSES = ("open", "succeeded", "failed")
MEMBER_STATUSES = ("active", "left", "cancelled")


class GroupBuy(BaseModel):
    """A merchant's offer: `product` at `price_cents` for teams of `team_size`
    that fill within `team_window_s`, until `ends_at`."""

    id = AutoField()
    product = ForeignKeyField(Product, on_delete="RESTRICT")
    merchant = ForeignKeyField(User, on_delete="RESTRICT")
    price_cents = IntegerField()
    currency = CharField(max_length=3)
    team_size = IntegerField()
    team_window_s = IntegerField()
    per_user_limit = IntegerField()  # units one buyer may buy at the group price
    virtual_fill = BooleanField(default=False)  # 模拟成团: complete teams at expiry
    status = CharField(max_length=10, default="active")  # active | ended
    ends_at = DateTimeField()
    ended_at = DateTimeField(null=True)  # ended early by the merchant
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = (
            (("product", "status"), False),
            (("merchant", "created_at"), False),
        )


class Team(BaseModel):
    id = AutoField()
    group_buy = ForeignKeyField(GroupBuy, backref="teams", on_delete="CASCADE")
    leader = ForeignKeyField(User, on_delete="RESTRICT")
    team_size = IntegerField()
    seats_taken = IntegerField(default=0)
    status = CharField(max_length=10, default="open")  # open | succeeded | failed
    virtual = BooleanField(default=False)  # completed by virtual fill at expiry
    expires_at = DateTimeField()
    closed_at = DateTimeField(null=True)  # when it succeeded or failed
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = (
            (("group_buy", "status", "expires_at"), False),
            (("status", "expires_at"), False),
        )

    @property
    def seats_left(self):
        return max(0, self.team_size - self.seats_taken)

    @property
    def url(self):
        return f"/teams/{self.id}"


class TeamMember(BaseModel):
    """A seat: `order` placed by `user` in `team`. `open_deal` is the deal's id
    while this seat is held in an open team (NULL otherwise): the unique index on
    (user, open_deal) is what keeps a buyer in at most one open team of a deal."""

    id = AutoField()
    team = ForeignKeyField(Team, backref="members", on_delete="CASCADE")
    user = ForeignKeyField(User, on_delete="RESTRICT")
    order = ForeignKeyField(Order, on_delete="CASCADE", unique=True)
    qty = IntegerField()
    status = CharField(max_length=10, default="active")  # active | left | cancelled
    open_deal = IntegerField(null=True)
    is_leader = BooleanField(default=False)
    joined_at = DateTimeField(default=utcnow)
    left_at = DateTimeField(null=True)

    class Meta:
        indexes = (
            (("user", "open_deal"), True),
            (("team", "status"), False),
        )


def live_seats(team_id):
    """{user id: order id} of the team's live seats."""
    return {
        m.user_id: m.order_id
        for m in TeamMember.select().where(
            (TeamMember.team == team_id) & (TeamMember.status == "active")
        )
    }
