"""Sending a coupon to a segment or a tag: each person in it gets the coupon in
their coupons (a user coupon issued directly, its terms frozen as a claim's) and
an in-site notification (`coupon_sent`).

The coupon's `total` holds as it does for claims: in one transaction the coupon's
row is locked first (a no-op UPDATE: a concurrent claim waits, on SQLite the
write lock is taken by BEGIN IMMEDIATE), then those who hold the coupon already
are skipped (one per person), the rest are issued up to what is left by one
guarded UPDATE (`claimed = claimed + k WHERE claimed + k <= total`), best
spenders first when the coupon runs short; those left out are reported. The send
is recorded with its recipients, so its report counts how many used it.
"""

from peewee import fn

from livestall.customers import rfm
from livestall.customers import tags as customer_tags
from livestall.customers.models import CouponSend, CouponSendRecipient
from livestall.db.base import isoformat, transaction, utcnow
from livestall.errors import Conflict, Invalid
from livestall.notifications import rules as notifications
from livestall.promotions import coupons, present
from livestall.promotions.models import Coupon, UserCoupon

PER_PAGE = 20


class CouponNotSendable(Conflict):
    code = "coupon_not_sendable"


def _audience(merchant, data, now):
    segment, tag = data.get("segment"), data.get("tag")
    if (segment is None) == (tag is None):
        raise Invalid("Choose a segment or a tag.", field="segment")
    if segment is not None:
        if segment not in rfm.SEGMENTS:
            raise Invalid("No such segment.", field="segment")
        return segment, None, rfm.buyers_in(merchant.id, segment, now)
    if not isinstance(tag, str) or not " ".join(tag.split()):
        raise Invalid("Choose a segment or a tag.", field="tag")
    tag = " ".join(tag.split())
    return None, tag, customer_tags.tagged(merchant.id, tag)


def send(merchant, data, now=None):
    """Send `data["coupon_id"]` to `data["segment"]` or `data["tag"]`; the
    CouponSend (with `left_out`: people the coupon ran out before)."""
    now = now or utcnow()
    if not isinstance(data, dict):
        raise Invalid("Send one JSON object.")
    if data.get("coupon_id") is None:
        raise Invalid("Choose a coupon.", field="coupon_id")
    coupon = coupons.of_merchant(merchant, data.get("coupon_id"))
    segment, tag, people = _audience(merchant, data, now)
    people = [p for p in people if p != merchant.id]
    if not people:
        raise Invalid(
            "Nobody is in this segment or has this tag.",
            field="segment" if segment else "tag",
        )
    with transaction():
        Coupon.update(claimed=Coupon.claimed).where(Coupon.id == coupon.id).execute()
        coupon = Coupon.get_by_id(coupon.id)
        if (
            coupon.status != "active"
            or coupon.live_id is not None
            or coupon.drop_pending
            or now >= coupon.claim_ends_at
        ):
            raise CouponNotSendable(
                "Only an active coupon that is not for a live, before its claiming "
                "ends, can be sent."
            )
        holders = {
            row[0]
            for row in UserCoupon.select(UserCoupon.user)
            .where(UserCoupon.coupon == coupon.id)
            .tuples()
        }
        wanted = [p for p in people if p not in holders]
        k = min(len(wanted), coupon.total - coupon.claimed)
        if k > 0:
            taken = (
                Coupon.update(claimed=Coupon.claimed + k)
                .where(
                    (Coupon.id == coupon.id)
                    & (Coupon.status == "active")
                    & (Coupon.claimed <= Coupon.total - k)
                )
                .execute()
            )
            if not taken:  # pragma: no cover - the row is locked: cannot move
                k = 0
        issued = wanted[:k]
        record = CouponSend.create(
            merchant=merchant.id,
            coupon=coupon.id,
            segment=segment,
            tag=tag,
            audience=len(people),
            held=len(people) - len(wanted),
            sent=len(issued),
            created_at=now,
        )
        terms = coupons.terms_of(coupon, now)
        note = {
            "merchant_id": merchant.id,
            "coupon_id": coupon.id,
            "title": present.display_title(coupon),
            "shop": merchant.name,
        }
        for start in range(0, len(issued), 500):
            chunk = issued[start : start + 500]
            UserCoupon.insert_many(
                [
                    {
                        "user": uid,
                        "merchant": merchant.id,
                        "coupon": coupon.id,
                        "nth": 1,
                        **terms,
                        "claimed_at": now,
                    }
                    for uid in chunk
                ]
            ).execute()
            made = dict(
                UserCoupon.select(UserCoupon.user, UserCoupon.id)
                .where((UserCoupon.coupon == coupon.id) & UserCoupon.user.in_(chunk))
                .tuples()
            )
            CouponSendRecipient.insert_many(
                [
                    {"send": record.id, "user": uid, "user_coupon": made[uid]}
                    for uid in chunk
                ]
            ).execute()
            notifications.notify_people(  # per chunk: bounded SQL parameters
                "coupon_sent",
                dict.fromkeys(chunk),
                note,
                actor_id=merchant.id,
            )
    record.left_out = len(wanted) - len(issued)
    record.used = 0
    return record


def sends_of(merchant, page=1, per_page=PER_PAGE):
    """(the merchant's sends, newest first, each with `used`: recipients who
    have used the coupon; the number of sends)."""
    query = CouponSend.select().where(CouponSend.merchant == merchant.id)
    total = query.count()
    found = list(
        query.order_by(CouponSend.created_at.desc(), CouponSend.id.desc()).paginate(
            page, per_page
        )
    )
    used = {}
    if found:
        used = dict(
            CouponSendRecipient.select(
                CouponSendRecipient.send, fn.COUNT(CouponSendRecipient.id)
            )
            .join(UserCoupon, on=(CouponSendRecipient.user_coupon == UserCoupon.id))
            .where(
                CouponSendRecipient.send.in_([s.id for s in found])
                & (UserCoupon.status == "used")
            )
            .group_by(CouponSendRecipient.send)
            .tuples()
        )
    titles = {
        c.id: present.display_title(c)
        for c in Coupon.select().where(
            Coupon.id.in_([s.coupon_id for s in found] or [0])
        )
    }
    for s in found:
        s.used = int(used.get(s.id, 0))
        s.left_out = max(0, s.audience - s.held - s.sent)
        s.coupon_title = titles.get(s.coupon_id, "")
    return found, total


def send_dict(s):
    """The API's `send`."""
    return {
        "id": s.id,
        "coupon_id": s.coupon_id,
        "coupon_title": getattr(s, "coupon_title", None),
        "segment": s.segment,
        "tag": s.tag,
        "audience": s.audience,
        "already_held": s.held,
        "sent": s.sent,
        "left_out": getattr(s, "left_out", max(0, s.audience - s.held - s.sent)),
        "used": getattr(s, "used", 0),
        "created_at": isoformat(s.created_at),
    }


def sendable_coupons(merchant, now=None):
    """The merchant's coupons that can be sent now, newest first."""
    now = now or utcnow()
    return list(
        Coupon.select()
        .where(
            (Coupon.merchant == merchant.id)
            & (Coupon.status == "active")
            & Coupon.live.is_null()
            & ~Coupon.drop_pending
            & (Coupon.claim_ends_at > now)
        )
        .order_by(Coupon.id.desc())
    )
