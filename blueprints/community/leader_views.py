"""Community group buying for leaders (团长): applying with a pickup point, the
application's status, today's batch, verifying pickup codes (leaders and the
helpers they name: `helper_views` has the helpers page), earnings; and the
admins' application queue.

Views stay thin: they read the form, call `livestall.community` and render; every
write is a CSRF-checked POST that redirects (the application form re-renders with
its errors; verifying a code shows the order handed over, or why not, on the same
page). A domain error is a message, never a 500.
"""

import datetime

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from peewee import IntegrityError, fn

from blueprints.common import role_required, translate
from livestall.accounts.models import User
from livestall.community import batches, campaigns, helpers, leaders, ledger, pickup
from livestall.community.models import (
    LEADER_STATUSES,
    CommunityBuy,
    Leader,
    PickupOrder,
)
from livestall.db.base import utcnow
from livestall.errors import DomainError
from livestall.orders.models import Order, OrderLine

bp = Blueprint("leader", __name__)

FORM_FIELDS = ("name", "address", "hours", "phone")
LONGEST = {key: longest for key, (_column, longest) in leaders.FIELDS.items()}
# the rules say "Give the pickup point's name." with the field's key: the form
# says it for each field in words of its own
MISSING = {
    "name": _l("Give your pickup point a name neighbours will recognise."),
    "address": _l("Give the pickup point's address."),
    "hours": _l("Give the pickup point's opening hours."),
    "phone": _l("Give a phone number neighbours can call."),
}
STATUS_TEXT = {
    "pending": _l("Waiting for review"),
    "approved": _l("Approved"),
    "rejected": _l("Not approved"),
    "disabled": _l("Disabled"),
}
TABS = {
    "pending": _l("To review"),
    "approved": _l("Approved"),
    "rejected": _l("Rejected"),
    "disabled": _l("Disabled"),
}
KIND_TEXT = {
    "accrual": _l("Earned: order picked up"),
    "release": _l("Return window over"),
    "reversal": _l("Reversed: order refunded"),
}
STATE_TEXT = {"pending": _l("Pending"), "payable": _l("Payable")}
RECENT = datetime.timedelta(days=7)  # batches shown until a week after pickup day
MAX_CAMPAIGNS = 12


def _me():
    return current_user._get_current_object() if current_user.is_authenticated else None


@bp.context_processor
def _leader_context():
    return {"leader_status_text": lambda status: str(STATUS_TEXT.get(status, status))}


# --- applying ------------------------------------------------------------------------


def _point_form(leader):
    if leader is None:
        return {}
    return {
        "name": leader.point_name,
        "address": leader.point_address,
        "hours": leader.point_hours,
        "phone": leader.point_phone,
    }


def _error_text(error):
    key = (error.field or "").removeprefix("pickup_point.")
    if error.template == "Give the pickup point's %(what)s." and key in MISSING:
        return str(MISSING[key])
    return translate(error)


def _applied_message(leader, created, before):
    if created:
        return gettext(
            "Application sent: an admin will review it. You can edit it meanwhile."
        )
    if leader.status == "approved":
        return gettext("Saved your pickup point.")
    if before is not None and before.status == "rejected":
        return gettext("Saved: your application goes back to the admins for review.")
    return gettext("Saved your application: it is still waiting for review.")


def _apply(me, form):
    """`leaders.apply`; a double tap's second request, which found no row when
    the first was creating it, edits the row the first made (one per user)."""
    try:
        return leaders.apply(me, {"pickup_point": form})
    except IntegrityError:
        return leaders.apply(me, {"pickup_point": form})


@bp.route("/leader/apply", methods=["GET", "POST"])
@login_required
def apply():
    """The application form (prefilled when editing); then the status page."""
    me = _me()
    current = leaders.of_user(me)
    form, errors, status = _point_form(current), {}, 200
    if request.method == "POST":
        form = {key: request.form.get(key, "") for key in FORM_FIELDS}
        try:
            leader, created = _apply(me, form)
        except DomainError as e:
            key = (e.field or "").removeprefix("pickup_point.")
            errors[key if key in FORM_FIELDS else "form"] = _error_text(e)
            status = e.status if e.status in (403, 409) else 400
        else:
            flash(_applied_message(leader, created, current), "success")
            return redirect(url_for(".home"))
    page = render_template(
        "community/leader/apply.html",
        leader=current,
        form=form,
        errors=errors,
        longest=LONGEST,
    )
    return page, status


# --- the leader's home: status, point, batches ----------------------------------------


def _lines_of(order_ids):
    found = {}
    if order_ids:
        for line in (
            OrderLine.select()
            .where(OrderLine.order.in_(order_ids))
            .order_by(OrderLine.id)
        ):
            found.setdefault(line.order_id, []).append(line)
    return found


def _open_counts(leader, campaign_ids):
    """{campaign id: orders alive at the leader's point} of campaigns still open."""
    if not campaign_ids:
        return {}
    return dict(
        PickupOrder.select(PickupOrder.community_buy, fn.COUNT(PickupOrder.id))
        .join(Order, on=(PickupOrder.order == Order.id))
        .where(
            (PickupOrder.leader == leader.id)
            & PickupOrder.community_buy.in_(campaign_ids)
            & Order.status.not_in(batches.CLOSED)
        )
        .group_by(PickupOrder.community_buy)
        .tuples()
    )


def _my_batch(campaign, leader, now):
    """The leader's batch of a campaign past its cut-off, or None (no order left)."""
    stock_up, found = batches.batches_of(campaign, now)
    mine = next((b for b in found if b["leader"].id == leader.id), None)
    if mine is None:
        return None
    mark = mine["mark"]
    return {
        "campaign": campaign,
        "lines": [
            (stock_up.get(pid, {}).get("title", f"#{pid}"), qty)
            for pid, qty in sorted(mine["lines"].items())
        ],
        "orders": mine["orders"],
        "picked": sum(1 for p in mine["orders"] if p.picked_up_at is not None),
        "shipped_at": mark.shipped_at if mark else None,
        "received_at": mark.received_at if mark else None,
    }


def point_campaigns(leader, now=None):
    """(open campaigns [(campaign, orders so far)], batches after the cut-off) of
    the campaigns with orders at the leader's point, up to a week after pickup."""
    now = now or utcnow()
    found = list(
        CommunityBuy.select()
        .where(
            CommunityBuy.id.in_(
                PickupOrder.select(PickupOrder.community_buy).where(
                    PickupOrder.leader == leader.id
                )
            )
            & (CommunityBuy.pickup_on >= (now - RECENT).date())
        )
        .order_by(CommunityBuy.pickup_on, CommunityBuy.cutoff_at, CommunityBuy.id)
        .limit(MAX_CAMPAIGNS)
    )
    still_open = [c for c in found if campaigns.is_open(c, now)]
    counts = _open_counts(leader, [c.id for c in still_open])
    open_rows = [(c, counts.get(c.id, 0)) for c in still_open if counts.get(c.id)]
    made = [_my_batch(c, leader, now) for c in found if not campaigns.is_open(c, now)]
    made = [b for b in made if b is not None]
    lines = _lines_of([p.order_id for b in made for p in b["orders"]])
    for batch in made:
        for p in batch["orders"]:
            p.lines = lines.get(p.order_id, [])
    return open_rows, made


@bp.route("/leader")
@login_required
def home():
    me = _me()
    leader = leaders.of_user(me)
    open_rows, made = [], []
    if leader is not None and leader.status == "approved":
        open_rows, made = point_campaigns(leader)
    return render_template(
        "community/leader/home.html",
        leader=leader,
        open_rows=open_rows,
        batches=made,
        helping=helpers.helped_by(me),
    )


@bp.route("/leader/batches/<int:campaign_id>/receive", methods=["POST"])
@login_required
def receive(campaign_id):
    """The leader received the batch: the buyers waiting are told."""
    try:
        changed = batches.mark_received(_me(), campaign_id)
    except DomainError as e:
        flash(translate(e), "error")
    else:
        if changed:
            flash(
                gettext(
                    "Marked received: the buyers who have not picked up yet were"
                    " told their goods are ready."
                ),
                "success",
            )
        else:
            flash(gettext("This batch was already marked received."), "info")
    return redirect(url_for(".home", _anchor=f"batch-{campaign_id}"))


# --- verifying a pickup code ----------------------------------------------------------


def _handed_over(order, found):
    return {
        "order": order,
        "pickup": found,
        "buyer": User.get_by_id(found.buyer_id),
        "campaign": CommunityBuy.get_by_id(found.community_buy_id),
        "lines": _lines_of([order.id]).get(order.id, []),
    }


@bp.route("/leader/pickup", methods=["GET", "POST"])
@login_required
def verify():
    """One big code box: the order handed over, or why not, on this page."""
    me = _me()
    leader = leaders.of_user(me)
    served = helpers.points_served(me)  # their own point and those they help
    approved = bool(served)
    if request.method == "GET" and not approved:
        flash(gettext("Only an approved leader verifies pickup codes."), "info")
        return redirect(url_for(".home"))
    result, refusal, code, status = None, None, "", 200
    if request.method == "POST":
        code = (request.form.get("code") or "")[:40]
        try:
            order, found = pickup.verify(me, code)
        except DomainError as e:
            refusal = translate(e)
            status = e.status if e.status in (403, 404, 409) else 400
        else:
            result = _handed_over(order, found)
            code = ""
    page = render_template(
        "community/leader/pickup.html",
        leader=leader,
        approved=approved,
        result=result,
        refusal=refusal,
        code=code,
        served=served,
    )
    return page, status


# --- earnings -------------------------------------------------------------------------


def _moment(value):
    """An ISO 8601 time of the ledger as a naive UTC datetime (for local_time)."""
    moment = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is not None:
        moment = moment.astimezone(datetime.UTC).replace(tzinfo=None)
    return moment


@bp.route("/leader/earnings")
@login_required
def earnings():
    """Pending, payable and reversed commission, and the ledger's entries."""
    leader = leaders.of_user(_me())
    if leader is None or leader.status not in ("approved", "disabled"):
        flash(gettext("Earnings start once your pickup point is approved."), "info")
        return redirect(url_for(".home"))
    found = ledger.earnings(leader)
    order_ids = {e["order_id"] for e in found["entries"]}
    currencies = {}
    if order_ids:
        currencies = dict(
            Order.select(Order.id, Order.currency)
            .where(Order.id.in_(order_ids))
            .tuples()
        )
    used = set(currencies.values())
    currency = used.pop() if len(used) == 1 else "CNY"
    for entry in found["entries"]:
        entry["currency"] = currencies.get(entry["order_id"], currency)
        entry["moment"] = _moment(entry["created_at"])
        entry["kind_text"] = str(KIND_TEXT.get(entry["kind"], entry["kind"]))
        entry["state_text"] = str(STATE_TEXT.get(entry["state"], entry["state"]))
    return render_template(
        "community/leader/earnings.html",
        leader=leader,
        earnings=found,
        currency=currency,
    )


# --- the admins' application queue ----------------------------------------------------


def _tab(value):
    return value if value in LEADER_STATUSES else "pending"


@bp.route("/admin/leaders")
@role_required("admin")
def admin_queue():
    """Applications by status, oldest first, with the admins' decisions."""
    status = _tab(request.args.get("status"))
    items = leaders.queue(status)
    users = {}
    if items:
        users = {
            u.id: u
            for u in User.select().where(User.id.in_([x.user_id for x in items]))
        }
    counts = dict(
        Leader.select(Leader.status, fn.COUNT(Leader.id))
        .group_by(Leader.status)
        .tuples()
    )
    return render_template(
        "community/leader/admin_queue.html",
        status=status,
        tabs=TABS,
        counts=counts,
        items=items,
        users=users,
        moves={a: sources for a, (sources, _to) in leaders.MOVES.items()},
    )


DECIDED = {
    "approve": lambda name: gettext("Approved %(name)s's pickup point.", name=name),
    "reject": lambda name: gettext("Rejected %(name)s's application.", name=name),
    "disable": lambda name: gettext("Disabled %(name)s's pickup point.", name=name),
}


def _decide(leader_id, action):
    try:
        leader = leaders.decide(
            _me(), leader_id, action, request.form.get("reason", "")
        )
    except DomainError as e:
        flash(translate(e), "error")
    else:
        flash(DECIDED[action](leader.user.name), "success")
    return redirect(url_for(".admin_queue", status=_tab(request.form.get("status"))))


@bp.route("/admin/leaders/<int:leader_id>/approve", methods=["POST"])
@role_required("admin")
def approve(leader_id):
    return _decide(leader_id, "approve")


@bp.route("/admin/leaders/<int:leader_id>/reject", methods=["POST"])
@role_required("admin")
def reject(leader_id):
    return _decide(leader_id, "reject")


@bp.route("/admin/leaders/<int:leader_id>/disable", methods=["POST"])
@role_required("admin")
def disable(leader_id):
    return _decide(leader_id, "disable")
