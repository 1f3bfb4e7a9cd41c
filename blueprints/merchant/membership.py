"""The merchant's membership console (会员): turn the shop's membership on or off
and edit its plans (at most six: a name, a price typed in yuan, 0 for a free plan,
the days it lasts and a paid plan's free trial), the purchases waiting for a bank
transfer with "Mark paid", and the members (counts and the latest 50). Routes on
the merchant blueprint (merchants and admins only); another shop's purchase is a
404, as a missing one.

The form is read here into `plans.configure`'s types with every mistake of its
own at once (each row's fields named `plan-<n>-name|price|days|trial`, `-id` for
a stored plan, `-remove` to drop it; a blank new row is skipped). "Add another
plan" shows one more blank row without saving."""

import re

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from peewee import Case, fn

from blueprints.common import translate
from blueprints.membership.views import reference
from blueprints.merchant.forms import parse_price, whole, yuan_text
from blueprints.merchant.views import bp
from livestall.accounts.models import User
from livestall.db.base import utcnow
from livestall.errors import Conflict, DomainError, NotFound
from livestall.membership import plans, rules
from livestall.membership.models import Member, MemberPurchase, MembershipPlan

MEMBERS_SHOWN = 50
ROW_NAME = re.compile(r"^plan-(\d{1,2})-(id|name|price|days|trial|remove)$")
PARTS = ("name", "price", "days", "trial")


def _me():
    return current_user._get_current_object()


def _blank_row(i):
    return {"i": i, "id": "", "name": "", "price": "", "days": "", "trial": ""}


def stored_rows(found):
    """The stored plans as the form shows them, and a blank row to add one."""
    rows = [
        {
            "i": i,
            "id": str(p.id),
            "name": p.name,
            "price": yuan_text(p.price_cents),
            "days": "" if p.days is None else str(p.days),
            "trial": str(p.trial_days) if p.trial_days else "",
        }
        for i, p in enumerate(found)
    ]
    if len(rows) < plans.PLANS_MAX:
        rows.append(_blank_row(len(rows)))
    return rows


def posted_rows(form):
    """The rows the form sent, in order (what it shows again after a mistake)."""
    found = {}
    for key in form:
        match = ROW_NAME.match(key)
        if match:
            row = found.setdefault(int(match.group(1)), _blank_row(int(match.group(1))))
            row[match.group(2)] = (form.get(key) or "").strip()
    return [found[i] for i in sorted(found)]


def _number(text, lo, hi):
    value = whole(text)
    return value if isinstance(value, int) and lo <= value <= hi else None


def _plan_of(row, errors):
    """One row into a plan for `plans.configure` (None: a blank new row)."""
    n = row["i"]
    if not row["id"] and not any(row[k] for k in PARTS):
        return None
    name = " ".join(row["name"].split())
    if not name:
        errors[f"plan-{n}-name"] = gettext("Give each plan a name.")
    elif len(name) > plans.NAME_MAX:
        errors[f"plan-{n}-name"] = gettext(
            "At most %(n)d characters.", n=plans.NAME_MAX
        )
    price = parse_price(row["price"]) if row["price"] else 0
    if not isinstance(price, int) or not 0 <= price <= plans.PRICE_MAX:
        errors[f"plan-{n}-price"] = gettext(
            "Enter an amount from 0 to %(max)s, with at most 2 decimals "
            "(0 is a free plan).",
            max=yuan_text(plans.PRICE_MAX),
        )
        price = None
    days = None
    if row["days"] or price:
        days = _number(row["days"], 1, plans.DAYS_MAX)
        if days is None:
            errors[f"plan-{n}-days"] = (
                gettext(
                    "Enter a whole number from %(lo)d to %(hi)d.",
                    lo=1,
                    hi=plans.DAYS_MAX,
                )
                if row["days"]
                else gettext("A paid plan lasts a number of days.")
            )
    trial = _number(row["trial"] or "0", 0, plans.TRIAL_DAYS_MAX)
    if trial is None:
        errors[f"plan-{n}-trial"] = gettext(
            "Enter a whole number from %(lo)d to %(hi)d.",
            lo=0,
            hi=plans.TRIAL_DAYS_MAX,
        )
    elif trial and price == 0:
        errors[f"plan-{n}-trial"] = gettext("Only a paid plan has a free trial.")
    plan = {"name": name, "price_cents": price, "days": days, "trial_days": trial}
    plan_id = whole(row["id"])
    if isinstance(plan_id, int):
        plan["id"] = plan_id
    return plan


def program_data(form):
    """(the data for `plans.configure`, {form input: message}) with every mistake
    of the form's own at once."""
    errors, wanted = {}, []
    for row in posted_rows(form):
        if form.get(f"plan-{row['i']}-remove") == "1":
            continue
        plan = _plan_of(row, errors)
        if plan is not None:
            wanted.append(plan)
    if len(wanted) > plans.PLANS_MAX:
        errors["plans"] = gettext("Give at most %(n)d plans.", n=plans.PLANS_MAX)
    return {"enabled": form.get("enabled") == "1", "plans": wanted}, errors


def _save(form):
    data, errors = program_data(form)
    if errors:
        return errors
    try:
        plans.configure(_me(), data)
    except DomainError as e:
        return {"plans" if e.field == "plans" else "form": translate(e)}
    return {}


def pending_purchases(merchant_id):
    """The shop's purchases waiting for a transfer, oldest first, with their buyer
    and plan (one query)."""
    return list(
        MemberPurchase.select(MemberPurchase, User, MembershipPlan)
        .join(User, on=(MemberPurchase.user == User.id))
        .switch(MemberPurchase)
        .join(MembershipPlan, on=(MemberPurchase.plan == MembershipPlan.id))
        .where(
            (MemberPurchase.merchant == merchant_id)
            & (MemberPurchase.status == "pending")
        )
        .order_by(MemberPurchase.created_at, MemberPurchase.id)
    )


def member_counts(merchant_id, now):
    """{active, expired, pending} of the shop's members at `now` (one query)."""
    live = (Member.status == "active") & (
        Member.ends_at.is_null() | (Member.ends_at > now)
    )
    state = Case(
        None,
        ((live, "active"), (Member.status == "pending", "pending")),
        "expired",
    )
    rows = (
        Member.select(state.alias("state"), fn.COUNT(Member.id))
        .where(Member.merchant == merchant_id)
        .group_by(state)
        .tuples()
    )
    counts = {"active": 0, "expired": 0, "pending": 0}
    counts.update({found: n for found, n in rows})
    return counts


def latest_members(merchant_id):
    return list(
        Member.select(Member, User, MembershipPlan)
        .join(User, on=(Member.user == User.id))
        .switch(Member)
        .join(MembershipPlan, on=(Member.plan == MembershipPlan.id))
        .where(Member.merchant == merchant_id)
        .order_by(Member.joined_at.desc(), Member.id.desc())
        .limit(MEMBERS_SHOWN)
    )


def _labels(rows):
    """The error summary's (input, label) pairs, row by row."""
    labels = [("plans", gettext("Plans"))]
    for row in rows:
        n = row["i"]
        labels += [
            (f"plan-{n}-name", gettext("Plan name")),
            (f"plan-{n}-price", gettext("Price (yuan)")),
            (f"plan-{n}-days", gettext("Days")),
            (f"plan-{n}-trial", gettext("Free trial days")),
        ]
    return labels


@bp.route("/membership", methods=["GET", "POST"])
def membership():
    """The shop's membership: the programme's form, the purchases waiting for a
    transfer and the members."""
    me = _me()
    program = plans.program_of(me.id)
    errors, rows, status = {}, None, 200
    if request.method == "POST":
        if request.form.get("add"):
            rows = posted_rows(request.form)
            if len(rows) < plans.PLANS_MAX:
                rows.append(_blank_row(max((r["i"] for r in rows), default=-1) + 1))
        else:
            errors = _save(request.form)
            if not errors:
                flash(gettext("Membership saved."), "success")
                return redirect(url_for("merchant.membership"))
            rows, status = posted_rows(request.form), 400
    now = utcnow()
    enabled = program.enabled
    if request.method == "POST":
        enabled = request.form.get("enabled") == "1"
    rows = rows if rows is not None else stored_rows(plans.plans_of(me.id))
    return (
        render_template(
            "merchant/membership.html",
            program=program,
            enabled=enabled,
            rows=rows,
            labels=_labels(rows),
            errors=errors,
            plans_max=plans.PLANS_MAX,
            purchases=pending_purchases(me.id),
            pay_by=rules.pay_by,
            reference=reference,
            counts=member_counts(me.id, now),
            members=latest_members(me.id),
            state_of=lambda m: rules.state_of(m, now),
            shop_url=url_for("membership.shop_membership", merchant_id=me.id),
        ),
        status,
    )


@bp.route("/membership/purchases/<int:purchase_id>/paid", methods=["POST"])
def membership_paid(purchase_id):
    """The transfer arrived: the membership runs (from its current end when the
    member renewed early). Past the deadline it is a message, as is a repeat."""
    back = url_for("merchant.membership")
    try:
        purchase = rules.mark_paid(_me(), purchase_id)
    except NotFound:
        abort(404)
    except rules.PaymentTooLate as e:
        flash(translate(e), "error")
        return redirect(back + "#purchases")
    except Conflict:
        flash(gettext("This purchase was already dealt with."), "info")
        return redirect(back + "#purchases")
    buyer = User.get_by_id(purchase.user_id)
    flash(
        gettext(
            "Marked paid: %(name)s is a member now (%(reference)s).",
            name=buyer.name,
            reference=reference(purchase),
        ),
        "success",
    )
    return redirect(back + "#members")
