"""What the API and pages show of coupons: `coupon` and API.md's `user_coupon`."""

from livestall.db.base import isoformat, utcnow
from livestall.promotions import coupons, wording


def display_title(row):
    """A coupon's (or held coupon's) name: the merchant's, else worded from its
    terms ("¥10 off over ¥100"; a red packet's: "Red packet ¥3.52")."""
    if row.title:
        return row.title
    if getattr(row, "red_packet_id", None) is not None:
        return "Red packet " + wording.plain_money(row.amount_off_cents, row.currency)
    return wording.default_title(
        row.kind,
        row.amount_off_cents,
        row.percent_off,
        row.min_spend_cents,
        row.currency,
    )


def coupon_dict(coupon, held=None):
    out = {
        "id": coupon.id,
        "merchant_id": coupon.merchant_id,
        "title": display_title(coupon),
        "kind": coupon.kind,
        "amount_off_cents": coupon.amount_off_cents,
        "percent_off": coupon.percent_off,
        "max_discount_cents": coupon.max_discount_cents,
        "min_spend_cents": coupon.min_spend_cents,
        "currency": coupon.currency,
        "product_ids": coupon.product_ids or [],
        "allow_flash": coupon.allow_flash,
        "total": coupon.total,
        "claimed": coupon.claimed,
        "left": max(0, coupon.total - coupon.claimed),
        "per_user_limit": coupon.per_user_limit,
        "claim_starts_at": isoformat(coupon.claim_starts_at),
        "claim_ends_at": isoformat(coupon.claim_ends_at),
        "valid_days": coupon.valid_days,
        "valid_until": isoformat(coupon.valid_until),
        "live_id": coupon.live_id,
        "status": coupon.status,
        "claim_state": coupons.claim_state(coupon) or "claimable",
    }
    if held is not None:
        out["held"] = held
    return out


def user_coupon_dict(uc, now=None):
    """API.md's `user_coupon` (status `expired` once past its end, swept or not)."""
    return {
        "id": uc.id,
        "coupon_id": uc.coupon_id,
        "red_packet_id": uc.red_packet_id,
        "merchant_id": uc.merchant_id,
        "title": display_title(uc),
        "kind": uc.kind,
        "status": status_of(uc, now),
        "amount_off_cents": uc.amount_off_cents,
        "percent_off": uc.percent_off,
        "max_discount_cents": uc.max_discount_cents,
        "min_spend_cents": uc.min_spend_cents,
        "currency": uc.currency,
        "product_ids": uc.product_ids or [],
        "allow_flash": uc.allow_flash,
        "valid_from": isoformat(uc.valid_from),
        "valid_until": isoformat(uc.valid_until),
        "order_id": uc.order_id,
        "discount_cents": uc.discount_cents if uc.status == "used" else 0,
    }


def status_of(uc, now=None):
    """unused | used | expired, checked against the clock (whatever the sweep did)."""
    if uc.status == "unused" and uc.valid_until <= (now or utcnow()):
        return "expired"
    return uc.status
