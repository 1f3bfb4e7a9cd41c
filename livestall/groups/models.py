"""Neighbourhood groups (社群): a leader's estate group and creators' fan groups.

A group is a realtime chat (Socket.IO, `blueprints/groups/events.py`) with members,
the same moderation as a live room (mute, remove, the owner's blocked words), and
cards the owner posts (a product, a community campaign, a group-buy deal, a coupon)
that members open in one tap: opening a card is a touchpoint of the owner.

Every claim is a unique index or a guarded UPDATE: one group of each kind per owner,
one membership row per person and group (`status` moves, the row stays: a removed
member cannot join again by link or by following).
"""

from peewee import (
    AutoField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
)

from livestall.accounts.models import User
from livestall.db.base import BaseModel, JSONField, utcnow

KINDS = ("leader", "fan")
MEMBER_STATUSES = ("active", "left", "removed")
CARD_KINDS = ("product", "campaign", "group_buy", "coupon")


class Group(BaseModel):
    id = AutoField()
    owner = ForeignKeyField(User, on_delete="CASCADE")
    kind = CharField(max_length=8)  # leader | fan
    leader_id = IntegerField(null=True)  # the community leader (leader groups)
    name = CharField(max_length=60)
    intro = CharField(max_length=200, default="")
    member_count = IntegerField(default=0)  # active members, owner included
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "chat_group"  # `group` is an SQL keyword
        indexes = ((("owner", "kind"), True),)


class GroupMember(BaseModel):
    id = AutoField()
    group = ForeignKeyField(Group, backref="members", on_delete="CASCADE")
    user = ForeignKeyField(User, on_delete="CASCADE")
    role = CharField(max_length=8, default="member")  # owner | member
    status = CharField(max_length=8, default="active")  # active | left | removed
    via = CharField(max_length=8, default="link")  # link | follow | owner
    muted_until = DateTimeField(null=True)
    joined_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = (
            (("group", "user"), True),
            (("user", "status"), False),
        )


class GroupMessage(BaseModel):
    id = AutoField()
    group = ForeignKeyField(Group, backref="messages", on_delete="CASCADE")
    user = ForeignKeyField(User, on_delete="CASCADE")
    body = CharField(max_length=200, default="")
    # a card: what it shows as it was when posted (title, price, image), and what
    # it points at (`card_kind`, `card_id`), resolved again when it is opened
    card_kind = CharField(max_length=10, null=True)
    card_id = IntegerField(null=True)
    card = JSONField(null=True)
    # visible | held (caught by the owner's blocked words) | deleted
    status = CharField(max_length=8, default="visible")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("group", "status", "id"), False),)
