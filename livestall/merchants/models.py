"""A merchant's shop settings: how they take payment, what shipping costs and how
they credit content."""

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField

from livestall.accounts.models import User
from livestall.db.base import BaseModel, utcnow

ATTRIBUTION_MODELS = (
    "last_touch",
    "first_touch",
    "linear",
    "time_decay",
    "position_based",
)


class MerchantProfile(BaseModel):
    """One row per merchant, created on first save; absent means the defaults."""

    user = ForeignKeyField(User, primary_key=True, on_delete="CASCADE")
    # Manual bank transfer: shown to the buyer with the order number as reference.
    bank_name = CharField(max_length=80, default="")
    bank_account_name = CharField(max_length=80, default="")
    bank_account_number = CharField(max_length=40, default="")
    bank_note = CharField(max_length=300, default="")
    accepts_cod = IntegerField(default=1)
    attribution_model = CharField(max_length=20, default="last_touch")
    attribution_window_days = IntegerField(default=7)
    # Shipping (issue 16): a flat fee per order (0: free shipping), waived for
    # orders whose goods come to at least `free_shipping_over_cents` (满X包邮).
    shipping_fee_cents = IntegerField(default=0)
    free_shipping_over_cents = IntegerField(null=True)
    updated_at = DateTimeField(default=utcnow)

    @property
    def has_bank_details(self):
        return bool(
            self.bank_name and self.bank_account_name and self.bank_account_number
        )

    @classmethod
    def of(cls, merchant_id):
        """The merchant's profile, or an unsaved one holding the defaults."""
        found = cls.get_or_none(cls.user == merchant_id)
        return found if found is not None else cls(user=merchant_id)
