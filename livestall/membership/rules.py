"""Joining a shop's membership, paying for it, renewing it, and when it ends.

- A free plan (入会) is joined in one tap: active at once (for `days`, or for ever).
- A paid plan is bought like an order, by bank transfer only (cash on delivery is
  not offered for a plan): a `MemberPurchase` waits `pending` until the merchant
  marks it paid (one guarded UPDATE, refused past the payment deadline whatever the
  sweep did), then the membership runs `days` from its current end when renewing
  early, else from the moment it was marked paid. One purchase may wait at a time.
- A paid plan's free trial (`trial_days`) is taken once per person and shop.
- Whether someone is a member is decided at use (`active_member`: status active and
  `ends_at` in the future, to the second); the sweep (`expire_due`) only tidies the
  status, cancels purchases not paid in time and tells members a week before a
  paid plan ends.
"""

import datetime

from peewee import IntegrityError

from livestall.db.base import isoformat, transaction, utcnow
from livestall.errors import Conflict, DomainError, Invalid, NotAllowed, NotFound
from livestall.membership import plans
from livestall.membership.models import Member, MemberPurchase, MembershipPlan
from livestall.merchants.models import MerchantProfile
from livestall.notifications import rules as notifications
from livestall.orders import payments

WARN_BEFORE = datetime.timedelta(days=7)


class MembershipClosed(DomainError):
    code, status = "membership_closed", 409


class TrialUsed(DomainError):
    code, status = "trial_used", 409


class PurchasePending(DomainError):
    code, status = "purchase_pending", 409


class PaymentTooLate(DomainError):
    code, status = "payment_too_late", 409


def active_member(user_id, merchant_id, now=None):
    """The person's membership of the shop if it is active at `now`, else None."""
    if user_id is None:
        return None
    now = now or utcnow()
    return Member.get_or_none(
        (Member.user == user_id)
        & (Member.merchant == merchant_id)
        & (Member.status == "active")
        & (Member.ends_at.is_null() | (Member.ends_at > now))
    )


def active_shops(user_id, merchant_ids, now=None):
    """{merchant id: Member} of the shops among `merchant_ids` where the person is
    an active member at `now` (one query)."""
    if user_id is None or not merchant_ids:
        return {}
    now = now or utcnow()
    found = Member.select().where(
        (Member.user == user_id)
        & Member.merchant.in_(list(merchant_ids))
        & (Member.status == "active")
        & (Member.ends_at.is_null() | (Member.ends_at > now))
    )
    return {m.merchant_id: m for m in found}


def member_shops(user_id, now=None):
    """The ids of every shop where the person is an active member at `now` (one
    query: the pages mark member prices on a page of products with it)."""
    if user_id is None:
        return frozenset()
    now = now or utcnow()
    found = Member.select(Member.merchant).where(
        (Member.user == user_id)
        & (Member.status == "active")
        & (Member.ends_at.is_null() | (Member.ends_at > now))
    )
    return frozenset(m.merchant_id for m in found)


def state_of(member, now=None):
    """active | pending | expired, as of `now` (exact to the second)."""
    now = now or utcnow()
    if member.status == "active" and (member.ends_at is None or member.ends_at > now):
        return "active"
    if member.status == "pending":
        return "pending"
    return "expired"


def _plan_of(merchant_id, plan_id):
    if isinstance(plan_id, bool) or not isinstance(plan_id, int):
        raise Invalid("plan_id must be a whole number.", field="plan_id")
    plan = MembershipPlan.get_or_none(
        (MembershipPlan.id == plan_id)
        & (MembershipPlan.merchant == merchant_id)
        & (MembershipPlan.status == "active")
    )
    if plan is None:
        raise NotFound("No such plan.")
    return plan


def _member_row(user, merchant_id, plan, now):
    """The person's row for this shop, made `pending` the first time."""
    found = Member.get_or_none(
        (Member.user == user.id) & (Member.merchant == merchant_id)
    )
    if found is not None:
        return found
    try:
        with transaction():
            return Member.create(
                merchant=merchant_id, user=user.id, plan=plan.id, joined_at=now
            )
    except IntegrityError:  # another tab joined meanwhile
        return Member.get((Member.user == user.id) & (Member.merchant == merchant_id))


def _extend_from(member, now):
    """Where a new period starts: the current end when still active, else now."""
    if state_of(member, now) == "active" and member.ends_at is not None:
        return member.ends_at
    return now


def _activate(member, plan, days, now):
    start = _extend_from(member, now)
    ends = start + datetime.timedelta(days=days) if days else None
    Member.update(
        status="active",
        plan=plan.id,
        starts_at=member.starts_at if start != now and member.starts_at else now,
        ends_at=ends,
        warned_at=None,
    ).where(Member.id == member.id).execute()
    return start, ends


def join(user, merchant_id, data, now=None):
    """Join a shop's plan: (member, purchase or None). A free plan is active at
    once; a paid one waits for its payment; `trial: true` takes the plan's trial."""
    if not isinstance(data, dict):
        raise Invalid("Send one JSON object.")
    if user.id == merchant_id:
        raise NotAllowed("You cannot join your own shop's membership.")
    if not plans.program_of(merchant_id).enabled:
        raise MembershipClosed("This shop has no membership open.")
    plan = _plan_of(merchant_id, data.get("plan_id"))
    now = now or utcnow()
    trial = data.get("trial", False)
    if not isinstance(trial, bool):
        raise Invalid("trial must be true or false.", field="trial")
    method = data.get("payment_method")
    with transaction():
        member = _member_row(user, merchant_id, plan, now)
        member = Member.get_by_id(member.id)
        if plan.price_cents == 0:
            if trial:
                raise Invalid("This plan has no free trial.", field="trial")
            if method is not None:
                raise Invalid("A free plan needs no payment.", field="payment_method")
            if state_of(member, now) != "active":
                _activate(member, plan, plan.days, now)
            return Member.get_by_id(member.id), None
        if trial:
            return _take_trial(member, plan, now), None
        return _buy(member, plan, method, now)


def _take_trial(member, plan, now):
    if not plan.trial_days:
        raise Invalid("This plan has no free trial.", field="trial")
    taken = (
        Member.update(trial_used_at=now)
        .where((Member.id == member.id) & Member.trial_used_at.is_null())
        .execute()
    )
    if not taken:
        raise TrialUsed("You have had this shop's free trial already.")
    _activate(member, plan, plan.trial_days, now)
    return Member.get_by_id(member.id)


def _buy(member, plan, method, now):
    if method != "bank_transfer":
        raise Invalid(
            "A plan is paid by bank transfer (cash on delivery is not offered).",
            field="payment_method",
        )
    if not MerchantProfile.of(plan.merchant_id).has_bank_details:
        raise Conflict("This shop cannot take bank transfers yet.")
    waiting = MemberPurchase.get_or_none(
        (MemberPurchase.member == member.id) & (MemberPurchase.status == "pending")
    )
    if waiting is not None:
        raise PurchasePending("A purchase of this membership is waiting for payment.")
    purchase = MemberPurchase.create(
        member=member.id,
        merchant=plan.merchant_id,
        user=member.user_id,
        plan=plan.id,
        price_cents=plan.price_cents,
        currency=plan.currency,
        days=plan.days,
        payment_method=method,
        created_at=now,
    )
    return Member.get_by_id(member.id), purchase


def pay_by(purchase):
    return purchase.created_at + payments.provider("bank_transfer").pay_within()


def _purchase_of(merchant, purchase_id):
    if isinstance(purchase_id, bool) or not isinstance(purchase_id, int):
        raise NotFound("No such purchase.")
    found = MemberPurchase.get_or_none(MemberPurchase.id == purchase_id)
    if found is None or found.merchant_id != merchant.id:
        raise NotFound("No such purchase.")
    return found


def mark_paid(merchant, purchase_id, now=None):
    """The merchant saw the transfer: the purchase is paid and the membership runs
    (from its current end when renewing early). Refused once past the deadline."""
    now = now or utcnow()
    purchase = _purchase_of(merchant, purchase_id)
    if purchase.status == "pending" and now >= pay_by(purchase):
        cancel_purchase(purchase.id, now)
        raise PaymentTooLate("The payment deadline has passed: it was cancelled.")
    with transaction():
        moved = (
            MemberPurchase.update(status="paid", paid_at=now)
            .where(
                (MemberPurchase.id == purchase.id)
                & (MemberPurchase.status == "pending")
            )
            .execute()
        )
        if not moved:
            raise Conflict(
                "This purchase is %(status)s already.", status=purchase.status
            )
        member = Member.get_by_id(purchase.member_id)
        start, ends = _activate(member, purchase.plan, purchase.days, now)
        MemberPurchase.update(starts_at=start, ends_at=ends).where(
            MemberPurchase.id == purchase.id
        ).execute()
    return MemberPurchase.get_by_id(purchase.id)


def cancel_purchase(purchase_id, now=None):
    """A purchase not paid in time (or cancelled by the merchant): its member row
    goes back to expired if it never became active."""
    with transaction():
        moved = (
            MemberPurchase.update(status="cancelled")
            .where(
                (MemberPurchase.id == purchase_id)
                & (MemberPurchase.status == "pending")
            )
            .execute()
        )
        if moved:
            purchase = MemberPurchase.get_by_id(purchase_id)
            Member.update(status="expired").where(
                (Member.id == purchase.member_id) & (Member.status == "pending")
            ).execute()
    return bool(moved)


def expire_due(now=None, limit=500):
    """The sweep: members past their end become expired, purchases not paid in time
    are cancelled, members whose paid plan ends within a week are told once.
    Returns {expired, cancelled, warned}."""
    now = now or utcnow()
    expired = (
        Member.update(status="expired")
        .where(
            (Member.status == "active")
            & Member.ends_at.is_null(False)
            & (Member.ends_at <= now)
        )
        .execute()
    )
    deadline = now - payments.provider("bank_transfer").pay_within()
    stale = (
        MemberPurchase.select(MemberPurchase.id)
        .where(
            (MemberPurchase.status == "pending")
            & (MemberPurchase.created_at <= deadline)
        )
        .limit(limit)
    )
    cancelled = sum(cancel_purchase(p.id, now) for p in list(stale))
    return {
        "expired": expired,
        "cancelled": cancelled,
        "warned": warn_expiring(now, limit),
    }


def warn_expiring(now=None, limit=500):
    now = now or utcnow()
    due = list(
        Member.select(Member, MembershipPlan)
        .join(MembershipPlan)
        .where(
            (Member.status == "active")
            & Member.warned_at.is_null()
            & (Member.ends_at > now)
            & (Member.ends_at <= now + WARN_BEFORE)
            & (MembershipPlan.price_cents > 0)
        )
        .limit(limit)
    )
    warned = 0
    for member in due:
        with transaction():
            claimed = (
                Member.update(warned_at=now)
                .where((Member.id == member.id) & Member.warned_at.is_null())
                .execute()
            )
            if claimed:
                warned += notifications.notify_people(
                    "membership_expiring",
                    {member.user_id: None},
                    {
                        "merchant_id": member.merchant_id,
                        "plan": member.plan.name,
                        "ends_at": isoformat(member.ends_at),
                    },
                )
    return warned


def of_user(user):
    return list(
        Member.select(Member, MembershipPlan)
        .join(MembershipPlan)
        .where(Member.user == user.id)
        .order_by(Member.joined_at.desc())
    )


def pending_purchase(member):
    return MemberPurchase.get_or_none(
        (MemberPurchase.member == member.id) & (MemberPurchase.status == "pending")
    )


def purchase_dict(purchase):
    out = {
        "id": purchase.id,
        "merchant_id": purchase.merchant_id,
        "plan_id": purchase.plan_id,
        "price_cents": purchase.price_cents,
        "currency": purchase.currency,
        "days": purchase.days,
        "payment_method": purchase.payment_method,
        "status": purchase.status,
        "reference": f"LM-{purchase.id:06d}",
        "created_at": isoformat(purchase.created_at),
        "paid_at": isoformat(purchase.paid_at),
        "starts_at": isoformat(purchase.starts_at),
        "ends_at": isoformat(purchase.ends_at),
    }
    if purchase.status == "pending":
        out["pay_by"] = isoformat(pay_by(purchase))
    return out


def member_dict(member, now=None):
    """API.md's `member`, with the purchase waiting for payment (extension)."""
    waiting = pending_purchase(member)
    state = state_of(member, now)
    return {
        "merchant_id": member.merchant_id,
        "plan": plans.plan_dict(member.plan),
        "status": state,
        "starts_at": isoformat(member.starts_at) if state != "pending" else None,
        "ends_at": isoformat(member.ends_at) if state != "pending" else None,
        "trial_used": member.trial_used_at is not None,
        "pending_purchase": purchase_dict(waiting) if waiting else None,
    }
