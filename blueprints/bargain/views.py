"""Bargaining (砍价) for shoppers: the product page's offer (start, or open my
bargain), the record page (the share target: the price bar, friends' cuts, Help
cut; live by Socket.IO, see `events`), the buy form and "my bargains". Every page
works without JavaScript.

Views stay thin: they read the form, call `livestall.bargain` and render; every
write is a CSRF-checked POST that redirects (the buy form re-renders with its
errors, as the seat form does). A domain error is a message, never a 500.
"""

import datetime
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

from blueprints.common import (
    client_ip,
    line_source,
    money,
    share_url,
    translate,
    visitor_id,
)
from blueprints.content.views import with_avatars
from blueprints.group_buy.views import clock
from blueprints.orders import address_form
from blueprints.page_cache import shared
from livestall.accounts import addresses
from livestall.bargain import buying, campaigns, helping, records
from livestall.catalog.models import Product
from livestall.db.base import isoformat, utcnow
from livestall.errors import DomainError, NotFound
from livestall.orders import payments

bp = Blueprint("bargain", __name__)
FORM_FIELDS = ("name", "address", "phone", "payment_method", "address_id")


def _server_clock():
    return {"server_time": isoformat(utcnow()), "server_ms": int(time.time() * 1000)}


def _me():
    return current_user._get_current_object() if current_user.is_authenticated else None


def _record_or_404(record_id, viewer):
    try:
        return records.visible(record_id, viewer)
    except NotFound:
        abort(404)


def _sign_in(next_path, message):
    """Anonymous: to the sign-in page, then back to `next_path` (a page, not this
    POST: a GET of a POST-only route after sign-in would be a 405)."""
    flash(message, "info")
    return redirect(url_for("auth.login", next=next_path))


def record_state(record):
    """The record's status as it is now (one past its time reads as failed even
    before the sweep closes it)."""
    return "failed" if records.is_expired(record) else record.status


STATE_TEXT = {
    "open": lambda: gettext("Bargaining"),
    "succeeded": lambda: gettext("Lowest price reached: buy it before it expires"),
    "ordered": lambda: gettext("Bought"),
    "failed": lambda: gettext("Expired"),
}


def state_text(state):
    return STATE_TEXT.get(state, lambda: state)()


@bp.app_template_filter("iso_moment")
def iso_moment(value):
    """An ISO 8601 time of a notification's data as a naive UTC datetime (None
    when it is not one): for `local_time`."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(datetime.UTC).replace(tzinfo=None)
    return moment


@bp.app_context_processor
def _bargain_context():
    return {
        "bargain_clock": clock,
        "bargain_state_text": state_text,
        "bargain_orders": records.of_orders,
    }


# --- what the product page shows ------------------------------------------------------


def product_offer(product):
    """The product page's bargain block: {campaign, record (the viewer's buyable
    one, or None), own (the viewer is its merchant)} or None."""
    campaign = shared(
        ("bargain.running", product.id), lambda: campaigns.running(product.id) or False
    )
    if not campaign:
        return None
    viewer = _me()
    own = viewer is not None and viewer.id == campaign.merchant_id
    record = None
    if viewer is not None and not own:
        record = records.live_record(viewer, campaign.id)
    return {"campaign": campaign, "record": record, "own": own}


@bp.route("/bargains/<int:bargain_id>/start", methods=["POST"])
def start(bargain_id):
    """Start bargaining (or open the shopper's bargain already going)."""
    me = _me()
    if me is None:
        try:
            back = campaigns.visible(bargain_id, None).product.url
        except NotFound:
            back = url_for("shop.index")
        return _sign_in(back, gettext("Sign in to start bargaining."))
    try:
        record, created = records.start(me, bargain_id)
    except NotFound:
        abort(404)
    except DomainError as e:
        flash(translate(e), "error")
        return redirect(campaigns.get(bargain_id).product.url)
    if created:
        flash(
            gettext(
                "Your bargain is on! Share the link: each friend who helps cuts"
                " the price."
            ),
            "success",
        )
    else:
        flash(
            gettext("You are already bargaining on this: here is your bargain."), "info"
        )
    return redirect(url_for(".record", record_id=record.id))


# --- the record page ------------------------------------------------------------------


@bp.route("/bargain-records/<int:record_id>")
def record(record_id):
    viewer = _me()
    item = _record_or_404(record_id, viewer)
    campaign = item.bargain
    product = campaign.product
    helps = records.helps_of([item.id])[item.id]
    owner = item.owner
    with_avatars([owner, *(h.helper for h in helps)])
    is_owner = viewer is not None and viewer.id == item.owner_id
    my_help = None
    if viewer is not None:
        my_help = next((h for h in helps if h.helper_id == viewer.id), None)
    state = record_state(item)
    return render_template(
        "bargain/record.html",
        record=item,
        state=state,
        campaign=campaign,
        product=product,
        owner=owner,
        helps=helps,
        progress=records.progress(item),
        is_owner=is_owner,
        my_help=my_help,
        can_help=state == "open" and not is_owner and my_help is None,
        share=share_url("bargain.record", record_id=item.id) if is_owner else None,
        og_url=url_for("bargain.record", record_id=item.id, _external=True),
        campaign_running=campaigns.is_running(campaign),
        **_server_clock(),
    )


def _helped_message(cut, record):
    price = money(record.price_cents, record.bargain.currency)
    if record.status == "succeeded":
        return gettext(
            "You cut %(cut)s! The price reached its lowest: %(price)s.",
            cut=money(cut, record.bargain.currency),
            price=price,
        )
    return gettext(
        "You cut %(cut)s! %(name)s's price is now %(price)s.",
        cut=money(cut, record.bargain.currency),
        name=record.owner.name,
        price=price,
    )


@bp.route("/bargain-records/<int:record_id>/help", methods=["POST"])
def help_cut(record_id):
    """A friend's help: the cut it made (or why not) as a message on the page."""
    back = url_for(".record", record_id=record_id)
    me = _me()
    if me is None:
        return _sign_in(
            back, gettext("Sign in to help cut the price, then tap Help cut.")
        )
    try:
        cut, after = helping.help_cut(me, record_id, address=client_ip())
    except NotFound:
        abort(404)
    except DomainError as e:
        flash(translate(e), "error")
    else:
        flash(_helped_message(cut, after), "success")
    return redirect(back)


# --- the buy form ---------------------------------------------------------------------


def _buy_body(form):
    body = {
        "idempotency_key": form.get("idempotency_key"),
        "payment_method": form.get("payment_method") or "",
        "source": line_source(form.get("source")),
    }
    return {**body, **address_form.shipping_of(form)}


@bp.route("/bargain-records/<int:record_id>/buy", methods=["GET", "POST"])
@login_required
def buy(record_id):
    """The owner buys one unit at the price reached (another's record: 403)."""
    me = _me()
    item = _record_or_404(record_id, me)
    if item.owner_id != me.id:
        abort(403)
    if request.method == "GET":
        if item.status == "ordered":
            flash(gettext("You already bought this bargain."), "info")
            if item.order_id:
                return redirect(url_for("orders.order", order_id=item.order_id))
            return redirect(url_for(".record", record_id=item.id))
        if record_state(item) not in records.BUYABLE:
            flash(gettext("This bargain has expired."), "info")
            return redirect(url_for(".record", record_id=item.id))
    form, errors, status = request.form, {}, 200
    key = form.get("idempotency_key") or secrets.token_urlsafe(16)
    if request.method == "POST":
        try:
            order, _created = buying.buy(
                me, item.id, _buy_body(form), visitor_id=visitor_id()
            )
        except NotFound:
            abort(404)
        except DomainError as e:
            field = (e.field or "form").removeprefix("shipping.")
            errors[field if field in FORM_FIELDS else "form"] = translate(e)
            status = e.status if e.status in (409, 429) else 400
            if e.code == "idempotency_conflict" or e.field == "idempotency_key":
                key = secrets.token_urlsafe(16)
            item = records.get(item.id)
        else:
            bought = records.get(item.id)  # the price the claim read, now fixed
            price = money(bought.price_cents, bought.bargain.currency)
            flash(
                gettext("Bought at your bargain price, %(price)s!", price=price),
                "success",
            )
            return redirect(url_for("orders.order", order_id=order.id))
    book = addresses.book(me)
    campaign = item.bargain
    page = render_template(
        "bargain/buy.html",
        record=item,
        state=record_state(item),
        campaign=campaign,
        product=campaign.product,
        addresses=book,
        chosen_address=address_form.chosen_address(form, book),
        methods=payments.methods_for({campaign.merchant_id}),
        form=form,
        errors=errors,
        idempotency_key=key,
        source=form.get("source") or request.args.get("src") or "",
        **_server_clock(),
    )
    return page, status


# --- my bargains ----------------------------------------------------------------------


@bp.route("/me/bargains")
@login_required
def my_bargains():
    found = records.records_of_owner(_me())
    product_ids = {r.bargain.product_id for r in found}
    products = {}
    if product_ids:
        rows = Product.with_images(Product.select().where(Product.id.in_(product_ids)))
        products = {p.id: p for p in rows}
    rows = [
        {
            "record": r,
            "campaign": r.bargain,
            "product": products.get(r.bargain.product_id),
            "state": record_state(r),
        }
        for r in found
    ]
    return render_template("bargain/my_bargains.html", rows=rows, **_server_clock())
