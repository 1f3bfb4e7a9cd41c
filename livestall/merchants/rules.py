"""A merchant's shop settings: payment methods, shipping, and how content is
credited."""

from livestall.catalog.models import PRICE_MAX
from livestall.db.base import transaction, utcnow
from livestall.errors import Invalid, NotAllowed
from livestall.merchants.models import ATTRIBUTION_MODELS, MerchantProfile
from livestall.merchants.shipping import FEE_MAX

WINDOW_DAYS = (1, 90)
TEXT_FIELDS = {
    "bank_name": 80,
    "bank_account_name": 80,
    "bank_account_number": 40,
    "bank_note": 300,
}


def settings_dict(profile):
    return {
        "bank_name": profile.bank_name,
        "bank_account_name": profile.bank_account_name,
        "bank_account_number": profile.bank_account_number,
        "bank_note": profile.bank_note,
        "accepts_cod": bool(profile.accepts_cod),
        "attribution_model": profile.attribution_model,
        "attribution_window_days": profile.attribution_window_days,
        "shipping_fee_cents": profile.shipping_fee_cents or 0,
        "free_shipping_over_cents": profile.free_shipping_over_cents,
    }


def _cents(data, field, lo, hi, nullable=False):
    """A JSON integer amount in cents from `lo` to `hi` (null when `nullable`)."""
    value = data[field]
    if value is None and nullable:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise Invalid(
            "Enter a whole number of cents from %(lo)d to %(hi)d.",
            field=field,
            lo=lo,
            hi=hi,
        )
    return value


def _clean(data):
    if not isinstance(data, dict):
        raise Invalid("Send the settings as a JSON object.")
    out = {}
    for field, limit in TEXT_FIELDS.items():
        if field in data:
            value = data[field]
            if value is None:
                value = ""
            if not isinstance(value, str):
                raise Invalid("This field must be text.", field=field)
            value = " ".join(value.replace("\x00", "").split())
            if len(value) > limit:
                raise Invalid("At most %(n)d characters.", field=field, n=limit)
            out[field] = value
    if "attribution_model" in data:
        if data["attribution_model"] not in ATTRIBUTION_MODELS:
            raise Invalid(
                "Choose one of: %(models)s.",
                field="attribution_model",
                models=", ".join(ATTRIBUTION_MODELS),
            )
        out["attribution_model"] = data["attribution_model"]
    if "attribution_window_days" in data:
        days, (lo, hi) = data["attribution_window_days"], WINDOW_DAYS
        if isinstance(days, bool) or not isinstance(days, int) or not lo <= days <= hi:
            raise Invalid(
                "Choose %(lo)d to %(hi)d days.",
                field="attribution_window_days",
                lo=lo,
                hi=hi,
            )
        out["attribution_window_days"] = days
    if "accepts_cod" in data:
        if not isinstance(data["accepts_cod"], bool):
            raise Invalid("accepts_cod must be true or false.", field="accepts_cod")
        out["accepts_cod"] = int(data["accepts_cod"])
    if "shipping_fee_cents" in data:
        out["shipping_fee_cents"] = _cents(data, "shipping_fee_cents", 0, FEE_MAX)
    if "free_shipping_over_cents" in data:
        out["free_shipping_over_cents"] = _cents(
            data, "free_shipping_over_cents", 1, PRICE_MAX, nullable=True
        )
    return out


def check(data):
    """Validate settings without saving (a form checks one field at a time)."""
    return _clean(data)


def update_settings(user, data):
    """Validate and save; returns the saved profile. Bank details come as a set:
    all three of bank, account name and number, or none of them."""
    if not user.has_role("merchant"):
        raise NotAllowed("Only merchants have shop settings.")
    changes = _clean(data)
    with transaction():
        profile = MerchantProfile.of(user.id)
        for field, value in changes.items():
            setattr(profile, field, value)
        bank_fields = ("bank_name", "bank_account_name", "bank_account_number")
        given = [f for f in bank_fields if getattr(profile, f)]
        if given and len(given) < len(bank_fields):
            raise Invalid(
                "Give the bank, the account name and the account number together.",
                field=next(f for f in bank_fields if f not in given),
            )
        if not profile.accepts_cod and not profile.has_bank_details:
            raise Invalid(
                "Keep cash on delivery on, or add bank details first.",
                field="accepts_cod",
            )
        profile.updated_at = utcnow()
        if MerchantProfile.get_or_none(MerchantProfile.user == user.id) is None:
            profile.save(force_insert=True)
        else:
            profile.save()
    return profile
