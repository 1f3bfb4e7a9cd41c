"""Shop coupons: what a merchant offers, and claiming one (领券).

Rules (how Taobao, CRMEB and yudao model 优惠券):
- a coupon takes an amount off over a minimum spend (满减; 0: no threshold, 无门槛)
  or a percent off with an optional cap, on the whole shop or on listed products;
- `total` coupons are handed out, at most `per_user_limit` to one person, between
  `claim_starts_at` and `claim_ends_at`; a claimed coupon is valid `valid_days`
  from the claim or until the fixed `valid_until` (whichever the merchant chose);
- a coupon tied to a live (`live_id`) is claimable only in that live while it is
  on (a coupon drop: `drop`);
- claiming is one guarded UPDATE (`claimed + 1 <= total`) and a row whose unique
  (coupon, user, nth) index bounds one person's count, so concurrent claims never
  over-issue (the check-then-insert bug of open-source malls);
- pausing stops claims (held coupons still work); ending stops them for good.
"""

import datetime

from peewee import IntegrityError

from livestall.accounts.models import User
from livestall.catalog.availability import MERCHANT_SELLING
from livestall.catalog.models import Product
from livestall.db.base import transaction, utcnow
from livestall.errors import (
    Conflict,
    Invalid,
    LimitReached,
    NotFound,
    whole_number,
)
from livestall.live.models import LiveSession
from livestall.live.sessions import clean_text, parse_time
from livestall.promotions import scope
from livestall.promotions.models import Coupon, UserCoupon

MONEY_MAX = 10**9  # ten million in a currency's main unit
TOTAL_MAX = 1_000_000
PER_USER_MAX = 99
VALID_DAYS_MAX = 365
PRODUCTS_MAX = 100
LONGEST_CLAIM = datetime.timedelta(days=365)
DROP_WINDOW_S = (10, 3600)


class SoldOut(Conflict):
    code = "sold_out"


class NotClaimable(Conflict):
    code = "not_claimable"


def _ids(value, field):
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > PRODUCTS_MAX:
        raise Invalid("Give a list of at most %(n)d ids.", field=field, n=PRODUCTS_MAX)
    out = []
    for item in value:
        if isinstance(item, bool) or not isinstance(item, int) or not 0 < item < 2**53:
            raise Invalid("Ids must be whole numbers.", field=field)
        if item not in out:
            out.append(item)
    return out


def _terms(data):
    """kind, amount_off_cents, percent_off, max_discount_cents from `data`."""
    kind = data.get("kind")
    if kind not in ("amount_off", "percent_off"):
        raise Invalid("kind must be amount_off or percent_off.", field="kind")
    if kind == "amount_off":
        return kind, whole_number(data, "amount_off_cents", 1, MONEY_MAX), None, None
    percent = whole_number(data, "percent_off", 1, 95)
    cap = data.get("max_discount_cents")
    if cap is not None:
        cap = whole_number(data, "max_discount_cents", 1, MONEY_MAX)
    return kind, None, percent, cap


def create(merchant, data, now=None):
    """A new coupon of `merchant`'s (API.md `POST /api/v1/coupons`)."""
    now = (now or utcnow()).replace(microsecond=0)
    if not isinstance(data, dict):
        raise Invalid("Send the coupon as a JSON object.")
    kind, amount, percent, cap = _terms(data)
    min_spend = whole_number(data, "min_spend_cents", 0, MONEY_MAX, default=0)
    if amount and min_spend and amount >= min_spend:
        raise Invalid(
            "The amount off must be less than the minimum spend.",
            field="amount_off_cents",
        )
    product_ids = _ids(data.get("product_ids"), "product_ids")
    products = list(Product.select().where(Product.id.in_(product_ids or [0])))
    if len(products) != len(product_ids) or any(
        p.merchant_id != merchant.id for p in products
    ):
        raise Invalid("List only your own products.", field="product_ids")
    currency = currency_for(data, merchant, products)
    total = whole_number(data, "total", 1, TOTAL_MAX)
    limit = whole_number(data, "per_user_limit", 1, PER_USER_MAX, default=1)
    starts = now
    if data.get("claim_starts_at") is not None:
        starts = max(now, parse_time(data["claim_starts_at"], "claim_starts_at"))
    ends = parse_time(data.get("claim_ends_at"), "claim_ends_at")
    if ends <= starts:
        raise Invalid("End the claiming after it starts.", field="claim_ends_at")
    if ends > now + LONGEST_CLAIM:
        raise Invalid("Claiming lasts at most a year.", field="claim_ends_at")
    valid_days = valid_until = None
    if data.get("valid_until") is not None:
        valid_until = parse_time(data["valid_until"], "valid_until")
        if valid_until < ends:
            raise Invalid(
                "Keep the coupon valid at least until claiming ends.",
                field="valid_until",
            )
        if valid_until > now + LONGEST_CLAIM * 2:
            raise Invalid(
                "A coupon is valid for at most two years.", field="valid_until"
            )
    else:
        valid_days = whole_number(data, "valid_days", 1, VALID_DAYS_MAX, default=7)
    live = _live(data.get("live_id"), merchant, product_ids)
    drop = data.get("drop", False)
    if not isinstance(drop, bool) or (drop and live is None):
        raise Invalid("drop needs a live_id (true or false).", field="drop")
    allow_flash = data.get("allow_flash", False)
    if not isinstance(allow_flash, bool):
        raise Invalid("allow_flash must be true or false.", field="allow_flash")
    title = clean_text(data.get("title"), "title", 60) or ""  # "": worded by its terms
    return Coupon.create(
        merchant=merchant.id,
        title=title,
        kind=kind,
        amount_off_cents=amount,
        percent_off=percent,
        max_discount_cents=cap,
        min_spend_cents=min_spend,
        currency=currency,
        product_ids=product_ids or None,
        allow_flash=allow_flash,
        total=total,
        per_user_limit=limit,
        claim_starts_at=starts,
        claim_ends_at=ends,
        valid_days=valid_days,
        valid_until=valid_until,
        live=live.id if live else None,
        drop_pending=drop,
        created_at=now,
    )


def currency_for(data, merchant, products):
    currencies = {p.currency for p in products}
    if len(currencies) > 1:
        raise Invalid("List products of one currency.", field="product_ids")
    given = data.get("currency")
    if given is not None:
        if not isinstance(given, str) or len(given) != 3:
            raise Invalid("Unsupported currency.", field="currency")
        given = given.upper()
        if currencies and given not in currencies:
            raise Invalid(
                "The products are sold in another currency.", field="currency"
            )
        return given
    if currencies:
        return currencies.pop()
    latest = (
        Product.select(Product.currency)
        .where(Product.merchant == merchant.id)
        .order_by(Product.id.desc())
        .first()
    )
    return latest.currency if latest else "CNY"


def _live(live_id, merchant, product_ids):
    """The live a coupon is tied to: one the merchant hosts or sells in."""
    if live_id is None:
        return None
    if isinstance(live_id, bool) or not isinstance(live_id, int):
        raise Invalid("live_id must be a whole number.", field="live_id")
    # (an id past the column's range is no live: not a query the database refuses)
    live = (
        LiveSession.get_or_none(LiveSession.id == live_id)
        if 0 < live_id < 2**53
        else None
    )
    if live is None or live.status == "ended" or not scope.sells_in(merchant.id, live):
        raise Invalid("Choose a live of yours that has not ended.", field="live_id")
    return live


def of_merchant(merchant, coupon_id):
    """The merchant's own coupon, else 404 (a coupon changes only by its shop, as
    a product does: admins too get a 404)."""
    coupon = Coupon.get_or_none(Coupon.id == id_of(coupon_id))
    if coupon is None or coupon.merchant_id != merchant.id:
        raise NotFound("No such coupon.")
    return coupon


def whole_id(value):
    """An id from a URL or a payload: an int (not a bool) or a string of digits,
    from 1 to 2**53; else None (true is not 1, nor is 1.5)."""
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 0 < value < 2**53 else None


def id_of(value):
    value = whole_id(value)
    if value is None:
        raise NotFound("No such coupon.")
    return value


def set_status(merchant, coupon_id, status):
    """Pause, resume or end a coupon (an ended one stays ended)."""
    coupon = of_merchant(merchant, coupon_id)
    if status not in ("active", "paused", "ended"):
        raise Invalid("status must be active, paused or ended.", field="status")
    moved = (
        Coupon.update(status=status)
        .where((Coupon.id == coupon.id) & (Coupon.status != "ended"))
        .execute()
    )
    if not moved and status != "ended":
        raise Conflict("This coupon has ended.", code="coupon_ended")
    return Coupon.get_by_id(coupon.id)


def visible(coupon_id, viewer=None):
    """A coupon anyone may see: its shop is selling (its merchant sees it always)."""
    coupon = Coupon.get_or_none(Coupon.id == id_of(coupon_id))
    if coupon is None:
        raise NotFound("No such coupon.")
    if viewer is not None and (
        viewer.id == coupon.merchant_id or viewer.has_role("admin")
    ):
        return coupon
    merchant = User.get_or_none(User.id == coupon.merchant_id)
    if merchant is None or merchant.status != MERCHANT_SELLING:
        raise NotFound("No such coupon.")
    return coupon


def claim_state(coupon, now=None, live_on=None):
    """Why the coupon cannot be claimed now ("sold_out", "not_claimable"), or None.
    `live_on`: whether its live is on (read when not given)."""
    now = now or utcnow()
    if (
        coupon.status != "active"
        or coupon.drop_pending
        or not (coupon.claim_starts_at <= now < coupon.claim_ends_at)
    ):
        return "not_claimable"
    if coupon.live_id is not None:
        if live_on is None:
            live = LiveSession.get_or_none(LiveSession.id == coupon.live_id)
            live_on = live is not None and live.status == "live"
        if not live_on:
            return "not_claimable"
    if coupon.claimed >= coupon.total:
        return "sold_out"
    return None


def claim(user, coupon_id, now=None):
    """Claim one coupon: the guarded UPDATE on `claimed` and the holder's nth row,
    in one transaction. 409 sold_out, limit_reached or not_claimable."""
    now = now or utcnow()
    coupon = visible(coupon_id, user)
    if coupon.merchant_id == user.id:
        raise NotClaimable("You cannot claim your own shop's coupon.")
    why = claim_state(coupon, now)
    if why == "not_claimable":
        raise NotClaimable("This coupon cannot be claimed now.")
    try:
        with transaction():
            taken = (
                Coupon.update(claimed=Coupon.claimed + 1)
                .where(
                    (Coupon.id == coupon.id)
                    & (Coupon.status == "active")
                    & ~Coupon.drop_pending
                    & (Coupon.claimed < Coupon.total)
                    & (Coupon.claim_starts_at <= now)
                    & (Coupon.claim_ends_at > now)
                )
                .execute()
            )
            if not taken:
                fresh = Coupon.get_by_id(coupon.id)
                if claim_state(fresh, now, live_on=True) == "sold_out":
                    raise SoldOut("All of these coupons have been claimed.")
                raise NotClaimable("This coupon cannot be claimed now.")
            held = (
                UserCoupon.select()
                .where((UserCoupon.coupon == coupon.id) & (UserCoupon.user == user.id))
                .count()
            )
            if held >= coupon.per_user_limit:
                raise limit_error(coupon)
            return UserCoupon.create(
                user=user.id,
                merchant=coupon.merchant_id,
                coupon=coupon.id,
                nth=held + 1,
                **terms_of(coupon, now),
                claimed_at=now,
            )
    except IntegrityError:  # the same person's twin claim took this nth first
        raise limit_error(coupon) from None


def limit_error(coupon):
    return LimitReached(
        "You have claimed this coupon already (%(n)d per person).",
        n=coupon.per_user_limit,
    )


def terms_of(coupon, now):
    """What a claimed coupon copies: its terms, frozen, and its validity."""
    if coupon.valid_until is not None:
        valid_from, valid_until = min(now, coupon.claim_starts_at), coupon.valid_until
    else:
        valid_from = now
        valid_until = now + datetime.timedelta(days=coupon.valid_days)
    return {
        "title": coupon.title,
        "amount_off_cents": coupon.amount_off_cents,
        "percent_off": coupon.percent_off,
        "max_discount_cents": coupon.max_discount_cents,
        "min_spend_cents": coupon.min_spend_cents,
        "currency": coupon.currency,
        "product_ids": coupon.product_ids,
        "allow_flash": coupon.allow_flash,
        "valid_from": valid_from,
        "valid_until": valid_until,
    }


def claimable(
    merchant_id, product_id=None, live_id=None, now=None, limit=20, shop_visible=False
):
    """The merchant's coupons open for claiming now: shop-wide ones and those
    listing `product_id`; live coupons only with `live_id` (that live's, while
    it is on). `shop_visible`: none when the shop is not selling."""
    now = now or utcnow()
    if shop_visible:
        merchant = User.get_or_none(User.id == merchant_id)
        if merchant is None or merchant.status != MERCHANT_SELLING:
            return []
    if live_id is not None:
        live = LiveSession.get_or_none(LiveSession.id == live_id)
        if live is None or live.status != "live":
            live_id = None
    query = Coupon.select().where(
        (Coupon.merchant == merchant_id)
        & (Coupon.status == "active")
        & (Coupon.claim_starts_at <= now)
        & (Coupon.claim_ends_at > now)
        & (Coupon.claimed < Coupon.total)
    )
    query = query.where(~Coupon.drop_pending)
    if live_id is None:
        query = query.where(Coupon.live.is_null())
    else:
        query = query.where(Coupon.live.is_null() | (Coupon.live == live_id))
    found = []
    for coupon in query.order_by(Coupon.id.desc()).limit(limit * 3):
        if product_id is None or coupon.product_ids in (None, []):
            found.append(coupon)
        elif product_id in coupon.product_ids:
            found.append(coupon)
    return found[:limit]


def held_counts(user, coupons):
    """{coupon id: how many of it `user` holds} (one query)."""
    if user is None or not coupons:
        return {}
    counts = {}
    for (coupon_id,) in (
        UserCoupon.select(UserCoupon.coupon)
        .where(
            (UserCoupon.user == user.id)
            & UserCoupon.coupon.in_([c.id for c in coupons])
        )
        .tuples()
    ):
        counts[coupon_id] = counts.get(coupon_id, 0) + 1
    return counts


def expire(now=None, user_id=None):
    """Mark unused coupons past their end as expired (the maintenance pass, and
    before a holder's list is read); one guarded UPDATE. Returns how many."""
    query = UserCoupon.update(status="expired").where(
        (UserCoupon.status == "unused") & (UserCoupon.valid_until <= (now or utcnow()))
    )
    if user_id is not None:
        query = query.where(UserCoupon.user == user_id)
    return query.execute()


def of_user(user, status=None, merchant_id=None, now=None):
    """The user's coupons: unused first (soonest to expire first), then the rest."""
    now = now or utcnow()
    expire(now, user.id)
    query = UserCoupon.select().where(UserCoupon.user == user.id)
    if status is not None:
        if status not in ("unused", "used", "expired"):
            raise Invalid("status must be unused, used or expired.", field="status")
        query = query.where(UserCoupon.status == status)
    if merchant_id is not None:
        query = query.where(UserCoupon.merchant == merchant_id)
    rows = list(query.order_by(UserCoupon.valid_until, UserCoupon.id).limit(500))
    order = {"unused": 0, "used": 1, "expired": 2}
    return sorted(rows, key=lambda uc: order.get(uc.status, 3))
