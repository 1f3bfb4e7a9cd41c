"""Community group buying for neighbours: pickup points near them, a point's page
with its current campaigns, and ordering for pickup.

Views stay thin: they read the form, call `livestall.community` and render. The
order form is a CSRF-checked POST that redirects to the order on success and
re-renders with its messages otherwise (a closed campaign, a point no longer
taking orders, bad quantities): a domain error is a message, never a 500. A
point that is not approved is a 404 but to its leader and admins.
"""

import secrets
import time

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext
from flask_login import current_user, login_required

from blueprints.common import page_arg, page_count, translate, visitor_id
from blueprints.group_buy.views import clock
from livestall.accounts.models import User
from livestall.community import campaigns, leaders, ordering, points
from livestall.community.models import CommunityBuy, Leader, PickupOrder
from livestall.db.base import isoformat, utcnow
from livestall.errors import DomainError, NotFound
from livestall.orders import payments

bp = Blueprint("community", __name__)
MAX_QTY = ordering.MAX_QTY


def _me():
    return current_user._get_current_object() if current_user.is_authenticated else None


def _server_clock():
    return {"server_time": isoformat(utcnow()), "server_ms": int(time.time() * 1000)}


def pickup_orders(order_ids):
    """{order id: PickupOrder (with its leader and campaign)} of the orders among
    `order_ids` placed for pickup (one query)."""
    ids = [i for i in order_ids if i]
    if not ids:
        return {}
    found = (
        PickupOrder.select(PickupOrder, Leader, CommunityBuy)
        .join(Leader, on=(PickupOrder.leader == Leader.id))
        .switch(PickupOrder)
        .join(CommunityBuy, on=(PickupOrder.community_buy == CommunityBuy.id))
        .where(PickupOrder.order.in_(ids))
    )
    return {p.order_id: p for p in found}


def pickup_code_text(code):
    """An 8-digit code as it is read out: 1234 5678."""
    return f"{code[:4]} {code[4:]}" if code and len(code) == 8 else code or ""


@bp.app_context_processor
def _community_context():
    return {
        "pickup_orders": pickup_orders,
        "pickup_code_text": pickup_code_text,
        "community_clock": clock,
    }


def _point_or_404(leader_id, viewer):
    try:
        return leaders.visible(leader_id, viewer)
    except NotFound:
        abort(404)


def _merchants(found):
    ids = {c.merchant_id for c in found}
    if not ids:
        return {}
    return {u.id: u for u in User.select().where(User.id.in_(list(ids)))}


# --- near me --------------------------------------------------------------------------


@bp.route("/points")
def points_page():
    """Approved leaders' pickup points, searched by name or address."""
    q = points.clean_query(request.args.get("q"))
    page = page_arg()
    found, total = points.search(q, page, points.PER_PAGE)
    return render_template(
        "community/points.html",
        q=q,
        points=found,
        total=total,
        page=page,
        pages=page_count(total, points.PER_PAGE),
        open_count=len(campaigns.open_campaigns()),
    )


# --- a point's page -------------------------------------------------------------------


@bp.route("/points/<int:leader_id>")
def point(leader_id):
    """The point, and the campaigns still open that neighbours can order here."""
    viewer = _me()
    leader = _point_or_404(leader_id, viewer)
    now = utcnow()
    found = campaigns.open_campaigns(now) if leader.status == "approved" else []
    return render_template(
        "community/point.html",
        leader=leader,
        campaigns=found,
        offers=points.offers_of(found),
        merchants=_merchants(found),
        own=viewer is not None and viewer.id == leader.user_id,
        **_server_clock(),
    )


# --- ordering for pickup --------------------------------------------------------------


def _campaign_arg():
    """The ?campaign= of the order form: None when absent, 404 when it names none."""
    raw = (request.args.get("campaign") or "").strip()
    if not raw:
        return None
    try:
        return campaigns.get(raw if raw.isascii() and raw.isdecimal() else -1)
    except NotFound:
        abort(404)


def _quantities(form, offered):
    """({product id: qty} of the quantities typed (blank and 0 left out),
    {form input: message})."""
    chosen, errors = {}, {}
    for pid in offered:
        name = f"qty-{pid}"
        text = (form.get(name) or "").strip()
        if not text:
            continue
        if not (text.isascii() and text.isdecimal() and len(text) <= 3) or not (
            0 <= int(text) <= MAX_QTY
        ):
            errors[name] = gettext(
                "Enter a whole number from %(lo)d to %(hi)d.", lo=0, hi=MAX_QTY
            )
            continue
        if int(text):
            chosen[pid] = int(text)
    if not chosen and not errors:
        errors["items"] = gettext("Choose how many of at least one product.")
    return chosen, errors


def _order_body(campaign, leader, chosen, form):
    return {
        "community_buy_id": campaign.id,
        "leader_id": leader.id,
        "items": [{"product_id": pid, "qty": qty} for pid, qty in chosen.items()],
        "idempotency_key": form.get("idempotency_key"),
        "payment_method": form.get("payment_method") or "",
    }


def _refused(e, key):
    """{form input: message} for the rules' refusal, and the key to send next."""
    field = e.field if e.field in ("items", "payment_method") else "form"
    if e.code == "idempotency_conflict" or e.field == "idempotency_key":
        key = secrets.token_urlsafe(16)
    return {field: translate(e)}, key


def _ordered_message(leader, order):
    pickup = ordering.pickup_of(order.id)
    if pickup is None:  # pragma: no cover - every order for pickup has its row
        return gettext("Ordered!")
    return gettext(
        "Ordered! Pick it up at %(point)s with your pickup code. Your group order "
        "number is %(n)d.",
        point=leader.point_name,
        n=pickup.seq_no,
    )


def _order_point(leader_id, viewer):
    """The order form's point: a visible one (approved, or the viewer's own); on a
    POST also a disabled one (it stopped taking orders after the form was opened,
    which the form then says). One never public stays a 404 to others."""
    try:
        found = leaders.get(leader_id)
    except NotFound:
        abort(404)
    if request.method == "POST" and found.status == "disabled":
        return found
    return _point_or_404(found.id, viewer)


@bp.route("/points/<int:leader_id>/order", methods=["GET", "POST"])
@login_required
def order(leader_id):
    """Order a campaign's products for pickup at this point (no address)."""
    me = _me()
    leader = _order_point(leader_id, me)
    campaign = _campaign_arg()
    if campaign is None:
        flash(gettext("Choose a campaign to order from."), "info")
        return redirect(url_for(".point", leader_id=leader.id))
    offered = campaigns.items_of(campaign)
    form, errors, status = request.form, {}, 200
    key = form.get("idempotency_key") or secrets.token_urlsafe(16)
    if leader.status != "approved":
        errors["form"] = gettext("This pickup point is not taking orders.")
        status = 409
    elif not campaigns.is_open(campaign):
        errors["form"] = gettext("This campaign's cut-off has passed.")
        status = 409
    if request.method == "POST" and not errors:
        chosen, errors = _quantities(form, offered)
        status = 400 if errors else 200
        if not errors:
            try:
                placed, created = ordering.place(
                    me,
                    _order_body(campaign, leader, chosen, form),
                    visitor_id=visitor_id(),
                )
            except NotFound:
                abort(404)
            except DomainError as e:
                errors, key = _refused(e, key)
                status = e.status if e.status in (409, 429) else 400
            else:
                if created:
                    flash(_ordered_message(leader, placed), "success")
                else:
                    flash(gettext("This order was already placed."), "info")
                return redirect(url_for("orders.order", order_id=placed.id))
    elif request.method == "GET" and status == 409:
        status = 200  # the page says why: reading it is no failed request
    closed = leader.status != "approved" or not campaigns.is_open(campaign)
    page = render_template(
        "community/order.html",
        leader=leader,
        campaign=campaign,
        merchant=User.get_by_id(campaign.merchant_id),
        offered=offered,
        methods=payments.methods_for({campaign.merchant_id}),
        form=form,
        errors=errors,
        closed=closed,
        idempotency_key=key,
        max_qty=MAX_QTY,
        **_server_clock(),
    )
    return page, status
