"""A shop's membership programme: on or off, and its plans.

`configure` takes the whole set (API.md's `PUT /api/v1/merchant/membership`): plans
named by `id` are updated (their new terms apply to what is bought from then on),
new ones are added, and the merchant's plans left out are retired (never deleted:
members keep the plan they bought). A free plan (price 0) may last for ever (no
`days`); a paid one lasts `days` and may offer a free trial once per person.
"""

import re

from livestall.db.base import transaction, utcnow
from livestall.errors import Invalid, NotFound
from livestall.membership.models import MembershipPlan, MembershipProgram

PLANS_MAX = 6
NAME_MAX = 40
PRICE_MAX = 10_000_000  # ¥100,000
DAYS_MAX = 3660
TRIAL_DAYS_MAX = 90
_CURRENCY = re.compile(r"^[A-Z]{3}$")


def _whole(value, field, lo, hi):
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise Invalid(
            "%(key)s must be a whole number from %(lo)d to %(hi)d.",
            field=field,
            key=field,
            lo=lo,
            hi=hi,
        )
    return value


def _plan(raw, merchant, currency):
    if not isinstance(raw, dict):
        raise Invalid("Give each plan as an object.", field="plans")
    name = raw.get("name")
    if not isinstance(name, str) or not " ".join(name.split()):
        raise Invalid("Give each plan a name.", field="name")
    name = " ".join(name.split())
    if len(name) > NAME_MAX:
        raise Invalid("At most %(n)d characters.", field="name", n=NAME_MAX)
    price = _whole(raw.get("price_cents"), "price_cents", 0, PRICE_MAX)
    days = raw.get("days")
    if price:
        days = _whole(days, "days", 1, DAYS_MAX)
    elif days is not None:
        days = _whole(days, "days", 1, DAYS_MAX)
    trial = _whole(raw.get("trial_days", 0), "trial_days", 0, TRIAL_DAYS_MAX)
    if trial and not price:
        raise Invalid("Only a paid plan has a free trial.", field="trial_days")
    plan_id = raw.get("id")
    if plan_id is not None:
        _whole(plan_id, "id", 1, 2**53 - 1)
    return {
        "id": plan_id,
        "name": name,
        "price_cents": price,
        "days": days,
        "trial_days": trial,
        "currency": currency,
    }


def program_of(merchant_id):
    found = MembershipProgram.get_or_none(MembershipProgram.merchant == merchant_id)
    return found if found is not None else MembershipProgram(merchant=merchant_id)


def plans_of(merchant_id, include_retired=False):
    query = MembershipPlan.select().where(MembershipPlan.merchant == merchant_id)
    if not include_retired:
        query = query.where(MembershipPlan.status == "active")
    return list(query.order_by(MembershipPlan.position, MembershipPlan.id))


def configure(merchant, data):
    """Set the programme (`enabled`, `plans`); returns the programme."""
    if not isinstance(data, dict):
        raise Invalid("Send one JSON object.")
    enabled = data.get("enabled")
    if not isinstance(enabled, bool):
        raise Invalid("enabled must be true or false.", field="enabled")
    currency = data.get("currency", "CNY")
    if not isinstance(currency, str) or not _CURRENCY.match(currency):
        raise Invalid("currency must be a three-letter code.", field="currency")
    raw = data.get("plans", [])
    if not isinstance(raw, list) or len(raw) > PLANS_MAX:
        raise Invalid("Give at most %(n)d plans.", field="plans", n=PLANS_MAX)
    wanted = [_plan(p, merchant, currency) for p in raw]
    if enabled and not wanted:
        raise Invalid("Add a plan to open the membership.", field="plans")
    mine = {p.id: p for p in plans_of(merchant.id, include_retired=True)}
    for plan in wanted:
        if plan["id"] is not None and plan["id"] not in mine:
            raise NotFound("No such plan.")
    now = utcnow()
    with transaction():
        kept = []
        for position, plan in enumerate(wanted):
            fields = {k: v for k, v in plan.items() if k != "id"}
            if plan["id"] is None:
                made = MembershipPlan.create(
                    merchant=merchant.id, position=position, **fields
                )
                kept.append(made.id)
            else:
                MembershipPlan.update(
                    position=position, status="active", **fields
                ).where(MembershipPlan.id == plan["id"]).execute()
                kept.append(plan["id"])
        retire = MembershipPlan.update(status="retired").where(
            (MembershipPlan.merchant == merchant.id)
            & (MembershipPlan.status == "active")
        )
        if kept:
            retire = retire.where(MembershipPlan.id.not_in(kept))
        retire.execute()
        MembershipProgram.insert(
            merchant=merchant.id, enabled=enabled, updated_at=now
        ).on_conflict(
            conflict_target=[MembershipProgram.merchant],
            update={
                MembershipProgram.enabled: enabled,
                MembershipProgram.updated_at: now,
            },
        ).execute()
    return program_of(merchant.id)


def plan_dict(plan):
    return {
        "id": plan.id,
        "name": plan.name,
        "price_cents": plan.price_cents,
        "currency": plan.currency,
        "days": plan.days,
        "trial_days": plan.trial_days,
        "free": plan.price_cents == 0,
        "status": plan.status,
    }


def program_dict(program):
    return {
        "merchant_id": program.merchant_id,
        "enabled": bool(program.enabled),
        "plans": [plan_dict(p) for p in plans_of(program.merchant_id)],
    }
