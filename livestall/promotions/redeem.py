"""Coupons at checkout: using one, the best one for a basket, and giving one back.

`take` runs inside checkout's transaction (`orders.checkout`, `coupon_ids`): each
named coupon must be the buyer's, unused and valid now (checked at use, whatever
the sweep did), and is marked used by one guarded UPDATE (`unused -> used` while
still in date), so a coupon pays for one order even if two checkouts race with it.
The `Discount`s it returns are split onto the lines by `pricing.discounts`; once
the orders exist, `link` (on `order_placed`) records which order each coupon paid
for and what it took off.

`give_back` (on `order_closing`): cancelling or refunding the order returns its
coupon, `unused` while in date, `expired` past its end, once (a guarded UPDATE on
`used` for that order, in the move's transaction).
"""

from peewee import fn

from livestall.db.base import utcnow
from livestall.errors import Invalid
from livestall.notifications import rules as notifications
from livestall.orders.models import LineAdjustment
from livestall.orders.sources import LineSource
from livestall.pricing import discounts
from livestall.promotions import coupons, present
from livestall.promotions.models import UserCoupon

MAX_COUPONS = 10


def clean_ids(value):
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > MAX_COUPONS:
        raise Invalid(
            "coupon_ids must be a list of at most %(n)d ids.",
            field="coupon_ids",
            n=MAX_COUPONS,
        )
    out = []
    for item in value:
        if isinstance(item, bool) or not isinstance(item, int) or not 0 < item < 2**53:
            raise Invalid("coupon_ids must be whole numbers.", field="coupon_ids")
        if item in out:
            raise Invalid("Use each coupon once.", field="coupon_ids")
        out.append(item)
    return out


def discount_of(uc):
    """The pricing `Discount` a user coupon gives."""
    return discounts.Discount(
        source=LineSource("coupon", uc.id),
        title=present.display_title(uc),
        merchant_id=uc.merchant_id,
        currency=uc.currency,
        amount_off_cents=uc.amount_off_cents,
        percent_off=uc.percent_off,
        max_discount_cents=uc.max_discount_cents,
        min_spend_cents=uc.min_spend_cents,
        product_ids=None if not uc.product_ids else frozenset(uc.product_ids),
        allow_flash=uc.allow_flash,
    )


def _unusable(uc, now):
    if uc.status == "used":
        return "The coupon “%(title)s” was already used."
    if uc.status == "expired" or uc.valid_until <= now:
        return "The coupon “%(title)s” has expired."
    if uc.valid_from > now:
        return "The coupon “%(title)s” is not valid yet."
    return None


def take(buyer, coupon_ids, now=None):
    """Mark the buyer's coupons used (guarded) and return their `Discount`s."""
    now = now or utcnow()
    if not coupon_ids:
        return []
    held = {
        uc.id: uc
        for uc in UserCoupon.select().where(
            UserCoupon.id.in_(coupon_ids) & (UserCoupon.user == buyer.id)
        )
    }
    out = []
    for uc_id in coupon_ids:
        uc = held.get(uc_id)
        if uc is None:  # another's coupon reads as no coupon at all
            raise Invalid(
                "You have no coupon %(id)d.",
                field="coupon_ids",
                code="coupon_not_found",
                id=uc_id,
            )
        why = _unusable(uc, now)
        if why is None:
            used = (
                UserCoupon.update(status="used", used_at=now)
                .where(
                    (UserCoupon.id == uc.id)
                    & (UserCoupon.status == "unused")
                    & (UserCoupon.valid_from <= now)
                    & (UserCoupon.valid_until > now)
                )
                .execute()
            )
            if not used:  # another checkout took it meanwhile
                why = "The coupon “%(title)s” was already used."
        if why is not None:
            raise Invalid(
                why,
                field="coupon_ids",
                code="coupon_unusable",
                title=present.display_title(uc),
            )
        out.append(discount_of(uc))
    return out


def link(orders, lines_of, now=None):
    """After checkout wrote `orders`: each coupon used records its order and the
    cents it took off (from the lines' coupon adjustments)."""
    line_order = {
        line.id: order.id for order in orders for line in lines_of.get(order.id, ())
    }
    if not line_order:
        return
    rows = (
        LineAdjustment.select(LineAdjustment.line, LineAdjustment.source)
        .select_extend(fn.SUM(LineAdjustment.amount_cents).alias("off"))
        .where(
            LineAdjustment.line.in_(list(line_order))
            & (LineAdjustment.kind == "coupon")
        )
        .group_by(LineAdjustment.line, LineAdjustment.source)
    )
    used = {}
    for row in rows:
        source = LineSource.parse(row.source, ("coupon",))
        if source is None:
            continue
        order_id, off = line_order[row.line_id], int(row.off or 0)
        old = used.get(source.id, (order_id, 0))
        used[source.id] = (order_id, old[1] + off)
    for uc_id, (order_id, off) in used.items():
        UserCoupon.update(order=order_id, discount_cents=off).where(
            UserCoupon.id == uc_id
        ).execute()


def give_back(order, now=None):
    """The coupon that paid for `order` returns to its holder: unused while in
    date, expired past its end. Once: the guarded `used` for this order. The
    holder is told (`coupon_returned`, in the same transaction)."""
    now = now or utcnow()
    held = list(
        UserCoupon.select().where(
            (UserCoupon.order == order.id) & (UserCoupon.status == "used")
        )
    )
    for uc in held:
        status = "unused" if uc.valid_until > now else "expired"
        moved = (
            UserCoupon.update(status=status, order=None, used_at=None)
            .where(
                (UserCoupon.id == uc.id)
                & (UserCoupon.order == order.id)
                & (UserCoupon.status == "used")
            )
            .execute()
        )
        if moved:
            notifications.notify_people(
                "coupon_returned",
                {uc.user_id: order.id},
                {
                    "user_coupon_id": uc.id,
                    "status": status,
                    "amount_off_cents": uc.amount_off_cents,
                    "percent_off": uc.percent_off,
                    "currency": uc.currency,
                },
            )


def usable_for(buyer, lines, now=None):
    """[(user coupon, cents off or 0)] the buyer holds for the shops of `lines`,
    best first: what a checkout page offers to pick from."""
    if buyer is None or not lines:
        return []
    now = now or utcnow()
    merchants = {line.merchant_id for line in lines}
    coupons.expire(now, buyer.id)
    rows = UserCoupon.select().where(
        (UserCoupon.user == buyer.id)
        & (UserCoupon.status == "unused")
        & UserCoupon.merchant.in_(list(merchants))
        & (UserCoupon.valid_from <= now)
        & (UserCoupon.valid_until > now)
    )
    out = [(uc, discounts.preview(discount_of(uc), lines)) for uc in rows]
    return sorted(out, key=lambda pair: (-pair[1], pair[0].valid_until, pair[0].id))


def best_of(usable):
    """{(merchant id, currency): (user coupon, cents off)} from `usable_for`'s
    list: for each shop order, the coupon that takes off the most (ties: the
    one ending soonest, as that list orders them)."""
    best = {}
    for uc, off in usable:
        if off > 0:
            best.setdefault((uc.merchant_id, uc.currency), (uc, off))
    return best
