"""Shop membership (会员) for shoppers: a shop's membership page (its plans as
cards: join a free plan in one tap, buy a paid one by bank transfer, start a free
trial once; the viewer's own status), "my memberships" with what member prices
saved this year, and the member price on product cards and product pages.

Views stay thin: they read the form, call `livestall.membership` and render; every
write is a CSRF-checked POST that redirects with a message (a domain error is a
message, never a 500). Whether the viewer is a member is read once per page
(`member_price_of`, one query for all the cards of a page)."""

from flask import (
    Blueprint,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext
from flask_login import current_user, login_required

from blueprints.common import money, translate
from blueprints.page_cache import shared
from livestall.accounts.models import User
from livestall.catalog import availability
from livestall.db.base import utcnow
from livestall.errors import DomainError
from livestall.membership import plans, prices, rules
from livestall.membership.models import Member
from livestall.merchants.models import MerchantProfile

bp = Blueprint("membership", __name__)


def _me():
    return current_user._get_current_object() if current_user.is_authenticated else None


def _shop_or_404(merchant_id):
    shop = User.get_or_none(User.id == merchant_id)
    if (
        shop is None
        or not shop.has_role("merchant")
        or shop.status != availability.MERCHANT_SELLING
    ):
        abort(404)
    return shop


def reference(purchase):
    """What the buyer writes in the transfer memo (as the API's `reference`)."""
    return f"LM-{purchase.id:06d}"


# --- the member price on cards and product pages -----------------------------------


def _member_shops():
    """The shops where the viewer is an active member: read once per request."""
    if "member_shops" not in g:
        me = _me()
        g.member_shops = rules.member_shops(me.id) if me else frozenset()
    return g.member_shops


@bp.app_template_global("member_price_of")
def member_price_of(product):
    """The product's member price as the viewer sees it: None (it has none), else
    {cents, member (the viewer pays it), saved_cents}."""
    cents = getattr(product, "member_price_cents", None)
    if cents is None or cents >= product.price_cents:
        return None
    return {
        "cents": cents,
        "member": product.merchant_id in _member_shops(),
        "saved_cents": product.price_cents - cents,
    }


def product_membership(product):
    """The product page's member block: None when the product has no member price
    or the viewer already pays it; else whether the shop's membership is open."""
    offer = member_price_of(product)
    if offer is None or offer["member"]:
        return None
    me = _me()
    if me is not None and me.id == product.merchant_id:
        return None
    return {"open": _program_open(product.merchant_id)}


def _program_open(merchant_id):
    return shared(
        ("membership.open", merchant_id),
        lambda: bool(plans.program_of(merchant_id).enabled),
    )


# --- a shop's membership page -------------------------------------------------------


def pay_box(purchase):
    """The bank transfer a pending purchase waits for, as the order page shows one."""
    profile = MerchantProfile.of(purchase.merchant_id)
    return {
        "amount_cents": purchase.price_cents,
        "currency": purchase.currency,
        "reference": reference(purchase),
        "bank_name": profile.bank_name,
        "account_name": profile.bank_account_name,
        "account_number": profile.bank_account_number,
        "note": profile.bank_note,
        "pay_by": rules.pay_by(purchase),
    }


def member_state(member, now):
    """The viewer's membership of a shop as a page shows it (None: never joined)."""
    if member is None:
        return None
    waiting = rules.pending_purchase(member)
    state = rules.state_of(member, now)
    if state == "pending" and waiting is None:
        state = "expired"  # its purchase was cancelled meanwhile
    return {
        "member": member,
        "state": state,
        "plan": member.plan,
        "ends_at": member.ends_at if state == "active" else None,
        "ended_at": member.ends_at if state == "expired" else None,
        "trial_used": member.trial_used_at is not None,
        "purchase": waiting,
        "pay": pay_box(waiting) if waiting else None,
    }


@bp.route("/shops/<int:merchant_id>/membership")
def shop_membership(merchant_id):
    shop = _shop_or_404(merchant_id)
    program = plans.program_of(shop.id)
    me = _me()
    member = None
    if me is not None:
        member = Member.get_or_none(
            (Member.user == me.id) & (Member.merchant == shop.id)
        )
    return render_template(
        "membership/shop.html",
        shop=shop,
        program=program,
        plans=plans.plans_of(shop.id) if program.enabled else [],
        mine=member_state(member, utcnow()),
        own=me is not None and me.id == shop.id,
        takes_transfers=MerchantProfile.of(shop.id).has_bank_details,
    )


def _joined_message(member, purchase, plan, trial):
    if purchase is not None:
        return gettext(
            "Almost there: transfer %(amount)s with the reference %(reference)s. "
            "The shop turns your membership on when the money arrives.",
            amount=money(purchase.price_cents, purchase.currency),
            reference=reference(purchase),
        )
    if trial:
        return gettext(
            "Your %(n)d-day free trial has started: member prices are yours.",
            n=plan.trial_days,
        )
    return gettext("Welcome! You are a member now: member prices are yours.")


@bp.route("/shops/<int:merchant_id>/membership/join", methods=["POST"])
def join(merchant_id):
    """Join a free plan, start a paid plan's trial (`mode=trial`) or buy it
    (`mode=buy`, by bank transfer)."""
    shop = _shop_or_404(merchant_id)
    back = url_for(".shop_membership", merchant_id=shop.id)
    me = _me()
    if me is None:
        flash(gettext("Sign in to join the shop's membership."), "info")
        return redirect(url_for("auth.login", next=back))
    text = (request.form.get("plan_id") or "").strip()
    plan_id = (
        int(text) if text.isascii() and text.isdecimal() and len(text) < 16 else text
    )
    mode = request.form.get("mode")
    data = {"plan_id": plan_id, "trial": mode == "trial"}
    if mode == "buy":
        data["payment_method"] = "bank_transfer"
    try:
        member, purchase = rules.join(me, shop.id, data)
    except DomainError as e:
        flash(translate(e), "error")
        return redirect(back)
    flash(_joined_message(member, purchase, member.plan, mode == "trial"), "success")
    return redirect(back + ("#pay" if purchase is not None else "#status"))


# --- my memberships -----------------------------------------------------------------


@bp.route("/me/memberships")
@login_required
def my_memberships():
    me = _me()
    now = utcnow()
    found = rules.of_user(me)
    shops = {}
    if found:
        ids = {m.merchant_id for m in found}
        shops = {u.id: u for u in User.select().where(User.id.in_(ids))}
    saved = prices.saved_this_year(me.id, now)
    rows = [
        {
            **member_state(m, now),
            "shop": shops.get(m.merchant_id),
            "saved_cents": saved.get(m.merchant_id, 0),
        }
        for m in found
    ]
    return render_template(
        "membership/mine.html",
        rows=rows,
        saved_total=sum(saved.values()),
        year=now.year,
    )
