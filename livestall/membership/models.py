"""Shop membership (会员): a shop's plans, its members, and what each person bought.

- `MembershipPlan`: free (入会, price 0) or paid (a price for a number of days, with
  an optional free trial taken once per person and shop). Plans are retired, never
  deleted: a member's row names the plan they bought.
- `Member`: one row per person and shop. `ends_at` is exact to the second and
  checked at use (`rules.is_active`): the status column says what the sweep last
  saw, never whether someone pays the member price now.
- `MemberPurchase`: a paid plan bought like an order (bank transfer): `pending`
  until the merchant marks it paid (then the member's end moves: from the current
  end when renewing early, else from now), `cancelled` when not paid in time.
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
from livestall.db.base import BaseModel, utcnow

MEMBER_STATUSES = ("active", "pending", "expired")
PURCHASE_STATUSES = ("pending", "paid", "cancelled")


class MembershipProgram(BaseModel):
    merchant = ForeignKeyField(User, unique=True, on_delete="CASCADE")
    enabled = BooleanField(default=False)
    updated_at = DateTimeField(default=utcnow)


class MembershipPlan(BaseModel):
    id = AutoField()
    merchant = ForeignKeyField(User, on_delete="CASCADE")
    name = CharField(max_length=40)
    price_cents = IntegerField()  # 0: free
    currency = CharField(max_length=3, default="CNY")
    days = IntegerField(null=True)  # null: a free plan that never ends
    trial_days = IntegerField(default=0)  # paid plans: 0 means no trial
    status = CharField(max_length=8, default="active")  # active | retired
    position = IntegerField(default=0)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("merchant", "status", "position"), False),)


class Member(BaseModel):
    id = AutoField()
    merchant = ForeignKeyField(User, on_delete="CASCADE")
    user = ForeignKeyField(User, on_delete="CASCADE")
    plan = ForeignKeyField(MembershipPlan, on_delete="RESTRICT")
    status = CharField(max_length=8, default="pending")
    starts_at = DateTimeField(null=True)
    ends_at = DateTimeField(null=True)  # null while active: a free plan, no end
    trial_used_at = DateTimeField(null=True)
    warned_at = DateTimeField(null=True)  # told the paid plan ends within a week
    joined_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = (
            (("merchant", "user"), True),
            (("user", "status"), False),
            (("status", "ends_at"), False),
        )


class MemberPurchase(BaseModel):
    id = AutoField()
    member = ForeignKeyField(Member, backref="purchases", on_delete="CASCADE")
    merchant = ForeignKeyField(User, on_delete="CASCADE")
    user = ForeignKeyField(User, on_delete="CASCADE")
    plan = ForeignKeyField(MembershipPlan, on_delete="RESTRICT")
    price_cents = IntegerField()
    currency = CharField(max_length=3)
    days = IntegerField()
    payment_method = CharField(max_length=16, default="bank_transfer")
    status = CharField(max_length=10, default="pending")
    created_at = DateTimeField(default=utcnow)
    paid_at = DateTimeField(null=True)
    # what the payment bought: set when paid
    starts_at = DateTimeField(null=True)
    ends_at = DateTimeField(null=True)

    class Meta:
        indexes = (
            (("merchant", "status", "created_at"), False),
            (("status", "created_at"), False),
        )
