"""Group buying (拼团) for shoppers: the team page (the share target, live), the
seat forms (start a team, join one: they work without JavaScript), leaving a
team, and "my teams". The product page and the orders pages read their group
state through `product_offer` and the `team_seats` template helper.

Views stay thin: they read the form, call `livestall.group_buy.teams` and render;
every write is a CSRF-checked POST that redirects to the team page.
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

from blueprints.common import line_source, share_url, translate, visitor_id
from blueprints.content.views import with_avatars
from blueprints.orders import address_form
from blueprints.page_cache import shared
from livestall.accounts import addresses
from livestall.catalog import availability
from livestall.catalog.models import Product
from livestall.db.base import isoformat, utcnow
from livestall.errors import DomainError, NotFound
from livestall.group_buy import deals, leaving, teams
from livestall.group_buy.models import Team, TeamMember
from livestall.orders import payments
from livestall.orders.models import Order

bp = Blueprint("group", __name__)
FORM_FIELDS = ("name", "address", "phone", "payment_method", "address_id", "qty")


def _me():
    return current_user._get_current_object() if current_user.is_authenticated else None


def _team_or_404(team_id):
    try:
        return teams.get(team_id)
    except NotFound:
        abort(404)


def _server_clock():
    return {"server_time": isoformat(utcnow()), "server_ms": int(time.time() * 1000)}


def clock(expires_at):
    """Time left until `expires_at` as HH:MM:SS (the countdown's first frame)."""
    left = max(0, int((expires_at - utcnow()).total_seconds()))
    return f"{left // 3600:02d}:{left % 3600 // 60:02d}:{left % 60:02d}"


def seats_left_text(n):
    return gettext("%(n)d more needed", n=n)


# --- what other pages show ----------------------------------------------------------


def product_offer(product):
    """The product page's group offer: {deal, teams, members} or None. Alike for
    every viewer: from the shared store (open teams at most its age old)."""
    offer = shared(("group.offer", product.id), lambda: _offer_of(product))
    return {**offer, **_server_clock()} if offer else None


def _offer_of(product):
    deal = deals.running_deal(product.id)
    if deal is None:
        return {}  # kept too: "no offer" is an answer
    found = teams.open_teams(deal, limit=5)
    leaders = with_avatars([t.leader for t in found])
    for team, leader in zip(found, leaders, strict=True):
        team.leader_user = leader
    return {"deal": deal, "teams": found}


def team_seats(order_ids):
    """{order id: team} of the orders that are seats (one query). Each team
    carries `seat_status`, its seat's member status (active, left, cancelled)."""
    ids = [i for i in order_ids if i]
    if not ids:
        return {}
    rows = (
        TeamMember.select(TeamMember.order, TeamMember.status, Team)
        .join(Team)
        .where(TeamMember.order.in_(ids))
    )
    seats = {}
    for m in rows:
        m.team.seat_status = m.status
        seats[m.order_id] = m.team
    return seats


def _left_text(order):
    """A seat given up while its team was open (left, or its order cancelled)."""
    if order is not None and _me() is not None and _me().id != order.buyer_id:
        return gettext("The buyer left this group")
    return gettext("You left this group")


def seat_state(team, order=None):
    """A seat's team state in a few words (orders pages, my teams): what became of
    this seat first (given up while the team was open), then the team's state."""
    closed = order is not None and order.status in ("cancelled", "refunded")
    left = getattr(team, "seat_status", None) == "left"
    if left or (closed and team.status == "open"):
        return _left_text(order)
    if team.status == "open":
        return gettext("Group forming: %(more)s", more=seats_left_text(team.seats_left))
    if team.status == "succeeded":
        return gettext("Group formed")
    if order is not None and order.status == "cancelled":
        return gettext("Group failed: order cancelled")
    return gettext("Group failed: refunded")


def seat_forming(team, order):
    """The seat holds a place in a team still forming: its order waits to ship."""
    alive = order.status not in ("cancelled", "refunded")
    return team is not None and team.status == "open" and alive


@bp.app_context_processor
def _group_context():
    return {
        "team_seats": team_seats,
        "seat_state": seat_state,
        "seat_forming": seat_forming,
        "seats_left_text": seats_left_text,
        "team_clock": clock,
    }


# --- the team page ------------------------------------------------------------------


def _membership(members, viewer):
    """(is a member, holds a live seat) of `viewer` in these members."""
    if viewer is None:
        return False, False
    mine = [m for m in members if m.user_id == viewer.id]
    return bool(mine), any(m.status == "active" for m in mine)


@bp.route("/teams/<int:team_id>")
def team(team_id):
    viewer = _me()
    item = _team_or_404(team_id)
    deal = item.group_buy
    product = deal.product
    members = teams.members_of([item.id])[item.id]
    is_member, seated = _membership(members, viewer)
    if not availability.visible_to(product, viewer) and not is_member:
        abort(404)
    with_avatars([m.user for m in members])
    return render_template(
        "group_buy/team.html",
        team=item,
        deal=deal,
        product=product,
        members=members,
        seated=seated,
        is_member=is_member,
        can_join=item.status == "open"
        and not is_member
        and availability.is_for_sale(product)
        and not (viewer and viewer.id == deal.merchant_id),
        share=share_url("group.team", team_id=item.id),
        og_url=url_for("group.team", team_id=item.id, _external=True),
        deal_running=deals.is_running(deal),
        **_server_clock(),
    )


# --- the seat forms -----------------------------------------------------------------


def _seat_body(form):
    body = {
        "qty": form.get("qty") or "1",
        "idempotency_key": form.get("idempotency_key"),
        "payment_method": form.get("payment_method") or "",
        "source": line_source(form.get("source")),
    }
    qty = body["qty"].strip()
    body["qty"] = int(qty) if qty.isascii() and qty.isdecimal() else qty
    return {**body, **address_form.shipping_of(form)}


def _joined_message(team):
    if team.status == "succeeded":
        return gettext("Your group formed! Your order will ship.")
    return gettext("You're in! %(more)s.", more=seats_left_text(team.seats_left))


def _seat_form(deal, team):
    """GET: the form; POST: place the seat and go to the team page."""
    me = _me()
    form, errors, status = request.form, {}, 200
    key = form.get("idempotency_key") or secrets.token_urlsafe(16)
    if request.method == "POST":
        try:
            placed, _order, _created = teams.place_seat(
                me,
                deal,
                team.id if team else None,
                _seat_body(form),
                visitor_id=visitor_id(),
            )
        except DomainError as e:
            field = (e.field or "form").removeprefix("shipping.")
            errors[field if field in FORM_FIELDS else "form"] = translate(e)
            status = e.status if e.status in (409, 429) else 400
            if e.code == "idempotency_conflict" or e.field == "idempotency_key":
                key = secrets.token_urlsafe(16)
        else:
            flash(_joined_message(placed), "success")
            return redirect(url_for(".team", team_id=placed.id))
    book = addresses.book(me)
    product = deal.product
    members = teams.members_of([team.id])[team.id] if team else []
    page = render_template(
        "group_buy/seat_form.html",
        deal=deal,
        team=team,
        product=product,
        members=members,
        addresses=book,
        chosen_address=address_form.chosen_address(form, book),
        methods=payments.methods_for({deal.merchant_id}),
        form=form,
        errors=errors,
        idempotency_key=key,
        source=form.get("source") or request.args.get("src") or "",
        qty_max=deal.per_user_limit,
    )
    return page, status


def _deal_arg():
    try:
        return deals.get(request.values.get("deal"))
    except NotFound:
        abort(404)


@bp.route("/teams/new", methods=["GET", "POST"])
@login_required
def new_team():
    deal = _deal_arg()
    product = deal.product
    if not availability.visible_to(product, _me()):
        abort(404)
    if request.method == "GET" and not deals.is_running(deal):
        flash(gettext("This group deal has ended."), "info")
        return redirect(url_for("shop.product", product_id=product.id))
    return _seat_form(deal, None)


@bp.route("/teams/<int:team_id>/join", methods=["GET", "POST"])
@login_required
def join(team_id):
    item = _team_or_404(team_id)
    me = _me()
    if not availability.visible_to(item.group_buy.product, me):
        abort(404)
    if request.method == "GET":
        members = teams.members_of([item.id])[item.id]
        if any(m.user_id == me.id for m in members):
            flash(gettext("You are already in this team."), "info")
            return redirect(url_for(".team", team_id=item.id))
        if item.status != "open":
            flash(gettext("This team has closed. Start a new one."), "info")
            return redirect(url_for(".team", team_id=item.id))
    return _seat_form(item.group_buy, item)


@bp.route("/teams/<int:team_id>/leave", methods=["POST"])
@login_required
def leave(team_id):
    try:
        leaving.leave(_me(), team_id)
    except NotFound:
        abort(404)
    except DomainError as e:
        flash(translate(e), "error")
    else:
        flash(gettext("You left the team. Your order is cancelled."), "success")
    return redirect(url_for(".team", team_id=team_id))


# --- my teams -----------------------------------------------------------------------


@bp.route("/me/teams")
@login_required
def my_teams():
    seats = teams.teams_of_buyer(_me())
    product_ids = {team.group_buy.product_id for _m, team in seats}
    products = {}
    if product_ids:
        found = Product.with_images(Product.select().where(Product.id.in_(product_ids)))
        products = {p.id: p for p in found}
    order_ids = [m.order_id for m, _t in seats]
    orders = {}
    if order_ids:
        orders = {o.id: o for o in Order.select().where(Order.id.in_(order_ids))}
    rows = [
        {
            "member": member,
            "team": team,
            "deal": team.group_buy,
            "product": products.get(team.group_buy.product_id),
            "order": orders.get(member.order_id),
        }
        for member, team in seats
    ]
    return render_template("group_buy/my_teams.html", rows=rows)
