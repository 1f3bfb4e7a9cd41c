"""Coupon drops (直播间发券): the host drops a shop's coupon in the live room and
viewers claim it there, with one tap, for a short window (the same claim rules)."""

import datetime

from livestall.catalog.models import Product
from livestall.db.base import utcnow
from livestall.errors import Invalid, NotAllowed, NotFound
from livestall.live.models import LiveProduct
from livestall.promotions import coupons, scope
from livestall.promotions.models import Coupon


def drop(user, coupon_id, session, window_s, now=None):
    """The host drops a coupon in the room: claims open now for `window_s`
    (10 s-1 h). A coupon tied to this live (kept for a drop or not) gets that
    window; one of the shop's other coupons is only announced, within its own
    window. The coupon's shop must sell in the live. Returns (coupon, ends_at)."""
    now = (now or utcnow()).replace(microsecond=0)
    if user is None or not (user.id == session.host_id or user.has_role("admin")):
        raise NotAllowed("Only the host can drop a coupon.")
    if session.status != "live":
        raise coupons.NotClaimable("Drop coupons while the live is on.")
    if isinstance(window_s, bool) or not isinstance(window_s, int):
        raise Invalid("window_s must be a whole number.", field="window_s")
    if not coupons.DROP_WINDOW_S[0] <= window_s <= coupons.DROP_WINDOW_S[1]:
        raise Invalid(
            "window_s must be from %(lo)d to %(hi)d.",
            field="window_s",
            lo=coupons.DROP_WINDOW_S[0],
            hi=coupons.DROP_WINDOW_S[1],
        )
    coupon = Coupon.get_or_none(Coupon.id == coupons.id_of(coupon_id))
    if coupon is None or not scope.sells_in(coupon.merchant_id, session):
        raise NotFound("No such coupon.")
    if coupon.live_id not in (None, session.id):
        raise NotFound("No such coupon.")
    ends = now + datetime.timedelta(seconds=window_s)
    if coupon.live_id == session.id:
        moved = (
            Coupon.update(drop_pending=False, claim_starts_at=now, claim_ends_at=ends)
            .where(
                (Coupon.id == coupon.id)
                & (Coupon.status == "active")
                & (Coupon.claimed < Coupon.total)
            )
            .execute()
        )
        coupon = Coupon.get_by_id(coupon.id)
        if not moved:
            raise _why_not(coupon, now)
        return coupon, ends
    why = coupons.claim_state(coupon, now)
    if why is not None:
        raise _why_not(coupon, now)
    return coupon, min(ends, coupon.claim_ends_at)


def _why_not(coupon, now):
    if coupon.status == "active" and coupon.claimed >= coupon.total:
        return coupons.SoldOut("All of these coupons have been claimed.")
    return coupons.NotClaimable("This coupon cannot be claimed now.")


def dropped_in(session, now=None):
    """The coupons tied to this live that are claimable now (a rejoining viewer
    sees the drop still running)."""
    if session.status != "live":
        return []
    now = now or utcnow()
    return list(
        Coupon.select()
        .where(
            (Coupon.live == session.id)
            & (Coupon.status == "active")
            & ~Coupon.drop_pending
            & (Coupon.claim_starts_at <= now)
            & (Coupon.claim_ends_at > now)
        )
        .order_by(Coupon.id.desc())
        .limit(5)
    )


def of_live_merchants(session, now=None):
    """The coupons a host may drop: those of the shops selling in the live that
    are still to drop or claimable now (newest first)."""
    now = now or utcnow()
    shops = {session.host_id} | {
        merchant_id
        for (merchant_id,) in Product.select(Product.merchant)
        .join(LiveProduct, on=(LiveProduct.product == Product.id))
        .where(LiveProduct.session == session.id)
        .tuples()
    }
    return list(
        Coupon.select()
        .where(
            Coupon.merchant.in_(list(shops))
            & (Coupon.status == "active")
            & (Coupon.live.is_null() | (Coupon.live == session.id))
            & (Coupon.claim_ends_at > now)
            & (Coupon.claimed < Coupon.total)
        )
        .order_by(Coupon.id.desc())
        .limit(50)
    )
