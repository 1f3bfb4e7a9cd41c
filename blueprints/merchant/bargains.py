"""The merchant's bargain console (砍价): the campaigns with their figures, a form
for a new one, ending one early, a campaign's records with every friend's cut
(new accounts marked), and every campaign's figures as CSV. Routes on the
merchant blueprint (merchants and admins only).

The form is read here into the rules' types with every mistake of the form's own
at once (prices typed in yuan, the end in the browser's zone); the rules
(`livestall.bargain.campaigns`) then say what only they know (the product is the
merchant's and on sale, the start price is at most its list price, the units at
most its stock, no other campaign of it is running)."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from blueprints.common import csv_of_rows, money, page_arg, translate
from blueprints.merchant.forms import local_moment, parse_price, whole, yuan_text
from blueprints.merchant.group_buys import percent, window_label
from blueprints.merchant.views import bp
from livestall.bargain import campaigns, expiry, helping, stats
from livestall.bargain.models import Bargain, BargainRecord
from livestall.catalog.models import PRICE_MAX, Product
from livestall.db.base import utcnow
from livestall.errors import DomainError

PER_PAGE = 30
# the record window's choices (seconds), as the form offers them
WINDOWS = (900, 1800, 3600, 2 * 3600, 6 * 3600, 12 * 3600, 86400, 2 * 86400)
WINDOWS += (3 * 86400, 7 * 86400)
DEFAULT_WINDOW = 86400
# the rules' field -> the form's input
FIELDS = {
    "product_id": "product_id",
    "price_cents": "product_id",  # the product is too cheap to bargain
    "start_price_cents": "start_price",
    "floor_price_cents": "floor_price",
    "helpers_needed": "helpers_needed",
    "record_window_s": "record_window",
    "units": "units",
    "per_user_limit": "per_user_limit",
    "min_account_age_min": "min_account_age",
    "ends_at": "ends_at",
}


def _me():
    return current_user._get_current_object()


def _price(form, name, errors, lo):
    """A price typed in yuan ('99', '9.90') in cents; a mistake into `errors`."""
    cents = parse_price(form.get(name))
    if not isinstance(cents, int) or not lo <= cents <= PRICE_MAX:
        errors[name] = gettext(
            "Enter a price from %(lo)s to %(hi)s, with at most 2 decimals.",
            lo=yuan_text(lo),
            hi=f"{PRICE_MAX // 100:,}",
        )
    return cents


def _number(form, name, errors, lo, hi, blank=None):
    text = (form.get(name) or "").strip()
    if not text and blank is not None:
        return blank
    value = whole(text)
    if not isinstance(value, int) or not lo <= value <= hi:
        errors[name] = gettext(
            "Enter a whole number from %(lo)d to %(hi)d.", lo=lo, hi=hi
        )
    return value


def bargain_data(form):
    """(the data for `bargain.campaigns.create`, {form input: message}) with every
    mistake of the form's own at once."""
    errors = {}
    data = {}
    product_id = whole(form.get("product_id"))
    if not isinstance(product_id, int) or product_id < 1:
        errors["product_id"] = gettext("Choose one of your products.")
    data["product_id"] = product_id
    start = _price(form, "start_price", errors, 2)
    floor = _price(form, "floor_price", errors, 1)
    needed = _number(form, "helpers_needed", errors, *campaigns.HELPERS)
    if "start_price" not in errors and "floor_price" not in errors:
        if floor >= start:
            errors["floor_price"] = gettext("Give a floor price below the start price.")
        elif "helpers_needed" not in errors and start - floor < needed:
            errors["floor_price"] = gettext(
                "Each helper cuts at least 0.01: leave at least %(amount)s between "
                "the start price and the floor price.",
                amount=yuan_text(needed),
            )
    data.update(start_price_cents=start, floor_price_cents=floor, helpers_needed=needed)
    window = whole(form.get("record_window"))
    if window not in WINDOWS:
        errors["record_window"] = gettext(
            "Choose how long a shopper has to bargain and buy."
        )
    data["record_window_s"] = window
    data["units"] = _number(form, "units", errors, 1, campaigns.UNITS_MAX)
    data["per_user_limit"] = _number(
        form, "per_user_limit", errors, 1, campaigns.PER_USER_MAX
    )
    data["min_account_age_min"] = _number(
        form, "min_account_age", errors, 0, campaigns.ACCOUNT_AGE_MAX_MIN, blank=0
    )
    ends_at = local_moment(form.get("ends_at"), form.get("tz_offset"))
    if ends_at is None:
        errors["ends_at"] = gettext("Give a date and a time.")
    data["ends_at"] = ends_at
    return data, errors


def _rule_error(e, data, products):
    """{form input: message} for the rules' refusal, said in the form's terms
    (yuan, the product's list price and stock) where the rules speak in cents."""
    name = FIELDS.get(e.field, "form")
    product = next((p for p in products if p.id == data.get("product_id")), None)
    message = translate(e)
    if product is not None and e.field == "start_price_cents":
        message = gettext(
            "Give a start price of at most the list price, %(price)s.",
            price=money(product.price_cents, product.currency),
        )
    elif product is not None and e.field == "units" and product.stock >= 1:
        message = gettext(
            "Enter a whole number from 1 to %(n)d: the product's stock now.",
            n=min(product.stock, campaigns.UNITS_MAX),
        )
    return {name: message}


def _products():
    """The merchant's products on sale, for the form's select."""
    return list(
        Product.select()
        .where((Product.merchant == _me().id) & (Product.status == "active"))
        .order_by(Product.title, Product.id)
    )


def _running(product_ids, now):
    """The ids of `product_ids` with a campaign running (one query)."""
    if not product_ids:
        return set()
    rows = (
        Bargain.select(Bargain.product)
        .where(
            Bargain.product.in_(product_ids)
            & (Bargain.status == "active")
            & (Bargain.ends_at > now)
        )
        .tuples()
    )
    return {product_id for (product_id,) in rows}


def _expire(bargain_ids, now):
    """Close the campaigns' records whose time ran out, before counting them."""
    if not bargain_ids:
        return
    late = [
        record_id
        for (record_id,) in BargainRecord.select(BargainRecord.id)
        .where(
            BargainRecord.bargain.in_(bargain_ids)
            & BargainRecord.status.in_(expiry.BUYABLE)
            & (BargainRecord.expires_at <= now)
        )
        .tuples()
    ]
    if late:
        expiry.expire_records(now=now, record_ids=late)


def _create(products):
    data, errors = bargain_data(request.form)
    if errors:
        return None, errors
    try:
        return campaigns.create(_me(), data), {}
    except DomainError as e:
        return None, _rule_error(e, data, products)


@bp.route("/bargains", methods=["GET", "POST"])
def bargains():
    """The merchant's campaigns, newest first, and the form for a new one."""
    products = _products()
    errors = {}
    if request.method == "POST":
        made, errors = _create(products)
        if made is not None:
            flash(
                gettext(
                    "Bargain created: shoppers can start bargaining and share it "
                    "with friends now."
                ),
                "success",
            )
            return redirect(url_for("merchant.bargains", _anchor=f"bargain-{made.id}"))
    page = page_arg()
    now = utcnow()
    found, total = stats.merchant_campaigns(_me(), page, PER_PAGE)
    _expire([b.id for b in found], now)
    return (
        render_template(
            "merchant/bargains.html",
            campaigns=found,
            figures=stats.stats_of(found),
            page=page,
            pages=max(1, -(-total // PER_PAGE)),
            total=total,
            products=products,
            running=_running([p.id for p in products], now),
            windows=[(s, window_label(s)) for s in WINDOWS],
            default_window=DEFAULT_WINDOW,
            form=request.form if request.method == "POST" else None,
            errors=errors,
            now=now,
            is_running=campaigns.is_running,
            percent=percent,
            helpers_max=campaigns.HELPERS[1],
            per_user_max=campaigns.PER_USER_MAX,
            age_max=campaigns.ACCOUNT_AGE_MAX_MIN,
        ),
        400 if errors else 200,
    )


@bp.route("/bargains/<int:bargain_id>")
def bargain(bargain_id):
    """One campaign: its figures, and its records with every friend's cut."""
    found = campaigns.of_merchant(_me(), bargain_id)
    now = utcnow()
    _expire([found.id], now)
    return render_template(
        "merchant/bargain.html",
        bargain=found,
        figures=stats.stats_of([found])[found.id],
        records=stats.record_rows(found),
        shown=stats.RECORDS_SHOWN,
        running=campaigns.is_running(found, now),
        window=window_label(found.record_window_s),
        new_account_h=helping.setting("BARGAIN_NEW_ACCOUNT_H"),
        percent=percent,
    )


@bp.route("/bargains/<int:bargain_id>/end", methods=["POST"])
def end_bargain(bargain_id):
    """End a campaign early: no new records; open ones run to their own end."""
    found = campaigns.end(_me(), bargain_id)
    flash(
        gettext(
            "Bargain ended: no one can start a new one. Shoppers already bargaining "
            "keep their time."
        ),
        "success",
    )
    if request.form.get("next") == "bargain":
        return redirect(url_for("merchant.bargain", bargain_id=found.id))
    return redirect(url_for("merchant.bargains", _anchor=f"bargain-{found.id}"))


@bp.route("/bargains.csv")
def bargains_csv():
    """Every campaign of the merchant, one row each, with its figures."""
    return csv_of_rows(stats.csv_rows(_me()), f"bargains-{utcnow():%Y%m%d}.csv")
