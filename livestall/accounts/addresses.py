"""A user's address book: saved delivery addresses (issue 16).

At most `MAX_ADDRESSES` per user; whenever a user has any, exactly one is the
default (the first saved becomes it; deleting it promotes the most recent one).
Phones are checked and normalised for display (`normalise_phone`): mainland
Chinese mobiles and landlines, or any international number starting with +.
Checkout (`orders.checkout`) reads an address by id and remembers typed ones.
"""

import re

from peewee import AutoField, BooleanField, CharField, DateTimeField, ForeignKeyField

from livestall.accounts.models import User
from livestall.db.base import BaseModel, db, is_sqlite, transaction, utcnow
from livestall.errors import Invalid, LimitReached, NotFound

MAX_ADDRESSES = 20
ADDRESS_LOCK = 4242016  # pg_advisory_xact_lock(ADDRESS_LOCK, user id)
FIELDS = (("name", 1, 60), ("address", 5, 300), ("phone", 6, 30))
MOBILE_RE = re.compile(r"1[3-9]\d{9}")
# 010 and 02x are 3-digit area codes, the others 4 digits; numbers are 7-8 digits
LANDLINE_RE = re.compile(r"(0(?:10|2\d)|0[3-9]\d{2})(\d{7,8})")
PHONE_CHARS_RE = re.compile(r"\+?[0-9 \-()]+")
PHONE_HELP = (
    "Enter a mobile number (138 0013 8000), a landline with its area code "
    "(021-12345678) or an international number starting with +."
)


class Address(BaseModel):
    id = AutoField()
    user = ForeignKeyField(User, backref="addresses", on_delete="CASCADE")
    name = CharField(max_length=60)
    phone = CharField(max_length=30)
    address = CharField(max_length=300)
    is_default = BooleanField(default=False)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("user", "created_at"), False),)


def normalise_phone(raw):
    """A phone number as shown on labels, or Invalid(field="phone").

    13800138000, 138 0013 8000, +86 138-0013-8000 -> "138 0013 8000";
    021-12345678, 0755 1234567, +86 21 1234 5678 -> "021-12345678";
    +44 20 7946 0958 (any other country) -> "+44 20 7946 0958"."""
    text = " ".join(str(raw).split()) if isinstance(raw, str) else ""
    if not PHONE_CHARS_RE.fullmatch(text):
        raise Invalid(PHONE_HELP, field="phone")
    digits = re.sub(r"\D", "", text)
    if text.startswith("+") or digits.startswith("0086"):
        digits = digits[2:] if digits.startswith("00") else digits
        if not digits.startswith("86"):
            if not 7 <= len(digits) <= 15:  # E.164: at most 15 digits
                raise Invalid(PHONE_HELP, field="phone")
            return "+" + re.sub(r"[\s\-()]+", " ", text.lstrip("+")).strip()
        digits = digits[2:]
        if not MOBILE_RE.fullmatch(digits) and not digits.startswith("0"):
            digits = "0" + digits  # an area code is written without its 0 after +86
    if MOBILE_RE.fullmatch(digits):
        return f"{digits[:3]} {digits[3:7]} {digits[7:]}"
    landline = LANDLINE_RE.fullmatch(digits)
    if landline:
        return f"{landline.group(1)}-{landline.group(2)}"
    raise Invalid(PHONE_HELP, field="phone")


def clean(data, partial=False):
    """The fields of `data` (name, phone, address, is_default) checked and tidied;
    with `partial`, only those present."""
    if not isinstance(data, dict):
        raise Invalid("The body must be a JSON object.", code="invalid_json")
    out = {}
    for field, lo, hi in FIELDS:
        if partial and field not in data:
            continue
        value = data.get(field)
        if not isinstance(value, str):
            raise Invalid("This field must be text.", field=field)
        value = " ".join(value.replace("\x00", "").split())
        if not lo <= len(value) <= hi:
            raise Invalid(
                "Enter %(lo)d to %(hi)d characters.", field=field, lo=lo, hi=hi
            )
        out[field] = value
    if "phone" in out:
        out["phone"] = normalise_phone(out["phone"])
    if "is_default" in data and data["is_default"] is not None:
        if not isinstance(data["is_default"], bool):
            raise Invalid("is_default must be true or false.", field="is_default")
        out["is_default"] = data["is_default"]
    return out


def _lock(user):
    """Serialise one user's address-book writes (SQLite: BEGIN IMMEDIATE does)."""
    if not is_sqlite():
        db.execute_sql("SELECT pg_advisory_xact_lock(%s, %s)", (ADDRESS_LOCK, user.id))


def _of(user):
    return Address.select().where(Address.user == user.id)


def book(user):
    """The user's addresses: the default first, then the newest."""
    return list(
        _of(user).order_by(
            Address.is_default.desc(), Address.created_at.desc(), Address.id.desc()
        )
    )


def get(user, address_id):
    """The user's own address, else NotFound (another's is not told apart)."""
    if isinstance(address_id, bool) or not isinstance(address_id, int):
        raise NotFound("No such address.")
    found = _of(user).where(Address.id == address_id).first()
    if found is None:
        raise NotFound("No such address.")
    return found


def _make_default(user, address_id):
    Address.update(is_default=(Address.id == address_id)).where(
        Address.user == user.id
    ).execute()


def add(user, data):
    """Save a new address; the first one, or one asked to be, is the default."""
    fields = clean(data)
    with transaction():
        _lock(user)
        count = _of(user).count()
        if count >= MAX_ADDRESSES:
            raise LimitReached(
                "You can save at most %(n)d addresses. Delete one first.",
                field="form",
                n=MAX_ADDRESSES,
            )
        wanted = fields.pop("is_default", False)
        address = Address.create(user=user.id, **fields, is_default=count == 0)
        if wanted and count:
            _make_default(user, address.id)
            address.is_default = True
    return address


def update(user, address_id, data):
    """Change any field; `is_default: true` makes it the default (false is ignored:
    another address becomes the default by being chosen)."""
    fields = clean(data, partial=True)
    with transaction():
        _lock(user)
        address = get(user, address_id)
        wanted = fields.pop("is_default", False)
        if fields:
            Address.update(**fields).where(Address.id == address.id).execute()
        if wanted:
            _make_default(user, address.id)
    return get(user, address_id)


def delete(user, address_id):
    """Delete one; when it was the default, the most recent left takes over."""
    with transaction():
        _lock(user)
        address = get(user, address_id)
        address.delete_instance()
        if address.is_default:
            newest = _of(user).order_by(Address.created_at.desc(), Address.id.desc())
            newest = newest.first()
            if newest is not None:
                _make_default(user, newest.id)


def remember(user, shipping):
    """Save a checkout's typed address unless the book holds the same one (or is
    full, or its phone is not one the book accepts); the first becomes the default.
    Runs inside the checkout's transaction."""
    try:
        fields = clean(shipping)
    except Invalid:
        return None
    _lock(user)
    for saved in _of(user):
        if (saved.name, saved.phone, saved.address) == (
            fields["name"],
            fields["phone"],
            fields["address"],
        ):
            return saved
    count = _of(user).count()
    if count >= MAX_ADDRESSES:
        return None
    return Address.create(user=user.id, **fields, is_default=count == 0)


def address_dict(address):
    return {
        "id": address.id,
        "name": address.name,
        "phone": address.phone,
        "address": address.address,
        "is_default": bool(address.is_default),
    }


def shipping_of(address):
    """The order's shipping fields, copied from a saved address."""
    return {"name": address.name, "address": address.address, "phone": address.phone}
