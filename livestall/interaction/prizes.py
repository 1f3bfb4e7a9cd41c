"""A lucky draw's prizes: a coupon's count set aside at the start and issued to
the winners at the draw (the rest given back), and the winners told.

Product prizes are units of a hidden flash sale at ¥0 (`flash.allot` holds them
for the winners); this module does coupons and the notifications."""

from peewee import fn

from livestall.errors import Invalid, NotAllowed, NotFound, OutOfStock
from livestall.notifications import rules as notifications
from livestall.promotions import coupons, present, scope
from livestall.promotions.models import Coupon, UserCoupon


def set_aside_coupon(session, coupon_id, k, now=None):
    """`k` of the host's shop's coupon, kept for the winners (guarded UPDATE)."""
    whole = coupons.whole_id(coupon_id)
    if whole is None:
        raise Invalid("coupon_id must be a whole number.", field="prize")
    coupon = Coupon.get_or_none(Coupon.id == whole)
    if coupon is None:
        raise NotFound("No such coupon.")
    # the host's own shop's, or one a shop selling here tied to this live (its
    # consent, as for a coupon drop)
    if coupon.merchant_id != session.host_id and not (
        coupon.live_id == session.id and scope.sells_in(coupon.merchant_id, session)
    ):
        raise NotAllowed(
            "A coupon prize is the host's shop's, or one a shop made for this live."
        )
    if coupon.status != "active":
        raise Invalid("This coupon is not active.", field="prize")
    taken = (
        Coupon.update(claimed=Coupon.claimed + k)
        .where(
            (Coupon.id == coupon.id)
            & (Coupon.status == "active")
            & (Coupon.claimed <= Coupon.total - k)
        )
        .execute()
    )
    if not taken:
        raise OutOfStock(
            "Only %(left)d of this coupon are left.",
            field="winners",
            left=max(0, coupon.total - coupon.claimed),
        )
    return coupon


def issue_coupon(draw, winner_ids, now):
    """Each winner gets the coupon (outside its claim limits: the count was set
    aside); the count not won goes back. {user id: user coupon}."""
    coupon = Coupon.get_by_id(draw.coupon_id)
    unused = draw.winners_count - len(winner_ids)
    if unused:
        Coupon.update(claimed=Coupon.claimed - unused).where(
            Coupon.id == coupon.id
        ).execute()
    terms = coupons.terms_of(coupon, now)
    held = (
        dict(
            UserCoupon.select(UserCoupon.user, fn.MAX(UserCoupon.nth))
            .where((UserCoupon.coupon == coupon.id) & UserCoupon.user.in_(winner_ids))
            .group_by(UserCoupon.user)
            .tuples()
        )
        if winner_ids
        else {}
    )
    won = {}
    for uid in winner_ids:
        won[uid] = UserCoupon.create(
            user=uid,
            merchant=coupon.merchant_id,
            coupon=coupon.id,
            nth=held.get(uid, 0) + 1,
            **terms,
            claimed_at=now,
        )
    return won


def prize_title(draw):
    if draw.prize_kind == "coupon" and draw.coupon_id:
        coupon = Coupon.get_or_none(Coupon.id == draw.coupon_id)
        return present.display_title(coupon) if coupon else ""
    return draw.product.title if draw.product_id else ""


def tell_winners(draw, won):
    """A `draw_won` notification to each winner."""
    if not won:
        return 0
    return notifications.notify_people(
        "draw_won",
        dict.fromkeys(won),
        {
            "draw_id": draw.id,
            "session_id": draw.session_id,
            "kind": draw.kind,
            "prize": prize_title(draw),
        },
        actor_id=draw.created_by_id,
    )
