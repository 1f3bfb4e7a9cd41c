"""Bargain campaigns: what a merchant offers, and what everyone reads of it.

Rules (the issue; Pinduoduo's 砍价 and how CRMEB and litemall model it):
- only the product's merchant creates a campaign, for an active product of theirs:
  a start price at most the list price, a floor under it, N helpers (1-100) with
  at least a cent to cut each, a record window of a minute to 7 days, an end at
  most 90 days away, `units` (at most the stock now) that may be sold at bargain
  prices, `per_user_limit` units per shopper, and optionally a minimum age of the
  helpers' accounts;
- a product has at most one running campaign at a time;
- ending a campaign early stops new records; records already open run to their
  own expiry (never later than the campaign's original end).
"""

import datetime

from livestall.bargain.models import Bargain
from livestall.catalog import availability
from livestall.catalog.models import Product
from livestall.db.base import isoformat, transaction, utcnow
from livestall.errors import AlreadyExists, Conflict, Invalid, NotFound, whole_number
from livestall.live.sessions import parse_time

HELPERS = (1, 100)
WINDOW_S = (60, 7 * 86400)
PER_USER_MAX = 99
UNITS_MAX = 1_000_000
ACCOUNT_AGE_MAX_MIN = 30 * 24 * 60
LONGEST = datetime.timedelta(days=90)


class CampaignClosed(Conflict):
    code = "bargain_closed"


def create(merchant, data, now=None):
    """A new campaign of `merchant`'s product (API.md `POST /api/v1/bargains`)."""
    now = now or utcnow()
    if not isinstance(data, dict):
        raise Invalid("Send the bargain as a JSON object.")
    product_id = whole_number(data, "product_id", 1, 2**53)
    product = Product.get_or_none(Product.id == product_id)
    if product is None or product.merchant_id != merchant.id:
        raise Invalid("You have no product %(id)d.", field="product_id", id=product_id)
    if product.status != "active":
        raise Invalid("Put the product on sale first.", field="product_id")
    availability.check([product])
    if product.price_cents < 2:
        raise Invalid("This product is too cheap to bargain.", field="price_cents")
    start = whole_number(data, "start_price_cents", 2, product.price_cents)
    floor = whole_number(data, "floor_price_cents", 1, start - 1)
    needed = whole_number(data, "helpers_needed", *HELPERS)
    if start - floor < needed:
        raise Invalid(
            "Each helper cuts at least 1 cent: leave at least %(n)d cents between "
            "the start and the floor.",
            field="floor_price_cents",
            n=needed,
        )
    window = whole_number(data, "record_window_s", *WINDOW_S)
    if product.stock < 1:
        raise Invalid("This product is out of stock.", field="units")
    units = whole_number(data, "units", 1, min(product.stock, UNITS_MAX))
    limit = whole_number(data, "per_user_limit", 1, PER_USER_MAX, default=1)
    age = whole_number(data, "min_account_age_min", 0, ACCOUNT_AGE_MAX_MIN, default=0)
    ends_at = parse_time(data.get("ends_at"), field="ends_at")
    if ends_at <= now + datetime.timedelta(seconds=WINDOW_S[0]):
        raise Invalid("End the campaign at least a minute from now.", field="ends_at")
    if ends_at > now + LONGEST:
        raise Invalid("A campaign runs for at most 90 days.", field="ends_at")
    with transaction():
        # the product's row held until commit: two creates at once cannot both
        # see no campaign (PostgreSQL; SQLite's writers are one at a time)
        Product.update(status=Product.status).where(Product.id == product.id).execute()
        if running(product.id, now) is not None:
            raise AlreadyExists(
                "This product already has a bargain running. End it first.",
                field="product_id",
            )
        return Bargain.create(
            product=product.id,
            merchant=merchant.id,
            start_price_cents=start,
            floor_price_cents=floor,
            currency=product.currency,
            helpers_needed=needed,
            record_window_s=window,
            units=units,
            per_user_limit=limit,
            min_account_age_min=age,
            ends_at=ends_at,
            created_at=now,
        )


def end(merchant, bargain_id, now=None):
    """End a campaign early (no new records; open ones run to their expiry)."""
    bargain = of_merchant(merchant, bargain_id)
    Bargain.update(status="ended", ended_at=now or utcnow()).where(
        (Bargain.id == bargain.id) & (Bargain.status == "active")
    ).execute()
    return Bargain.get_by_id(bargain.id)


def is_running(bargain, now=None):
    """New records may start: not ended by the merchant and before `ends_at`."""
    return bargain.status == "active" and bargain.ends_at > (now or utcnow())


def status_of(bargain, now=None):
    return "active" if is_running(bargain, now) else "ended"


def running(product_id, now=None):
    """The product's running campaign, or None."""
    return (
        Bargain.select()
        .where(
            (Bargain.product == product_id)
            & (Bargain.status == "active")
            & (Bargain.ends_at > (now or utcnow()))
        )
        .order_by(Bargain.id.desc())
        .first()
    )


def get(bargain_id):
    try:
        bargain_id = int(bargain_id)
    except (TypeError, ValueError):
        raise NotFound("No such bargain.") from None
    found = None
    if 0 < bargain_id < 2**53:
        found = Bargain.get_or_none(Bargain.id == bargain_id)
    if found is None:
        raise NotFound("No such bargain.")
    return found


def of_merchant(merchant, bargain_id):
    """The merchant's own campaign (another's answers 404, as a missing one)."""
    found = get(bargain_id)
    if found.merchant_id != merchant.id:
        raise NotFound("No such bargain.")
    return found


def visible(bargain_id, viewer):
    """`get` for `viewer`: a suspended shop's campaign shows to itself only."""
    found = get(bargain_id)
    if not availability.visible_to(found.product, viewer):
        raise NotFound("No such bargain.")
    return found


def campaigns_of(merchant, page=1, per_page=50):
    query = Bargain.select().where(Bargain.merchant == merchant.id)
    total = query.count()
    found = list(
        query.order_by(Bargain.created_at.desc(), Bargain.id.desc()).paginate(
            page, per_page
        )
    )
    return found, total


def campaign_dict(bargain, now=None):
    """API.md's `bargain`."""
    product = bargain.product
    cover = product.cover
    return {
        "id": bargain.id,
        "product_id": bargain.product_id,
        "start_price_cents": bargain.start_price_cents,
        "floor_price_cents": bargain.floor_price_cents,
        "list_price_cents": product.price_cents,
        "currency": bargain.currency,
        "helpers_needed": bargain.helpers_needed,
        "record_window_s": bargain.record_window_s,
        "units": bargain.units,
        "units_left": bargain.units_left,
        "per_user_limit": bargain.per_user_limit,
        "min_account_age_min": bargain.min_account_age_min,
        "status": status_of(bargain, now),
        "ends_at": isoformat(bargain.ends_at),
        "product": {
            "id": product.id,
            "title": product.title,
            "url": product.url,
            "image_url": cover.thumb_url if cover else None,
        },
    }
