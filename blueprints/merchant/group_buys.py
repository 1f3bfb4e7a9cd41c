"""The merchant's group-buying console (拼团): the deals with their figures, a form
for a new one, ending one early, a deal's teams, and every deal's figures as CSV.
Routes on the merchant blueprint (merchants and admins only)."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext, ngettext
from flask_login import current_user

from blueprints.common import csv_of_rows, money, page_arg, translate
from blueprints.merchant.forms import (
    GROUP_FIELDS,
    GROUP_WINDOWS,
    group_buy_data,
)
from blueprints.merchant.views import bp
from livestall.catalog.models import Product
from livestall.db.base import utcnow
from livestall.errors import DomainError
from livestall.group_buy import deals, expiry, stats

PER_PAGE = 30


def _me():
    return current_user._get_current_object()


def duration(seconds):
    """A time to fill as people read it: 45 s, 12 min, 2 h 05 min, 3 d 4 h."""
    if seconds is None:
        return "—"
    seconds = int(seconds)
    if seconds < 60:
        return gettext("%(n)d s", n=seconds)
    minutes, hours = seconds // 60, seconds // 3600
    if hours < 1:
        return gettext("%(n)d min", n=minutes)
    if hours < 48:
        return gettext("%(h)d h %(m)02d min", h=hours, m=minutes % 60)
    return gettext("%(d)d d %(h)d h", d=hours // 24, h=hours % 24)


def window_label(seconds):
    hours = seconds // 3600
    if seconds < 3600:
        return ngettext("%(num)d minute", "%(num)d minutes", seconds // 60)
    if hours < 48:
        return ngettext("%(num)d hour", "%(num)d hours", hours)
    return ngettext("%(num)d day", "%(num)d days", hours // 24)


def percent(ratio):
    return "—" if ratio is None else f"{ratio * 100:.1f}%"


def _products():
    """The merchant's products on sale, for the form's select."""
    return list(
        Product.select()
        .where((Product.merchant == _me().id) & (Product.status == "active"))
        .order_by(Product.title, Product.id)
    )


def _create(products):
    data, errors = group_buy_data(request.form)
    if errors:
        return None, errors
    try:
        return deals.create(_me(), data), {}
    except DomainError as e:
        name = GROUP_FIELDS.get(e.field, "form")
        message = translate(e)
        product = next((p for p in products if p.id == data["product_id"]), None)
        if name == "price" and product is not None:
            message = gettext(
                "Give a group price below the list price, %(price)s.",
                price=money(product.price_cents, product.currency),
            )
        return None, {name: message}


@bp.route("/group-buys", methods=["GET", "POST"])
def group_buys():
    """The merchant's deals, newest first, and the form for a new one."""
    products = _products()
    errors = {}
    if request.method == "POST":
        deal, errors = _create(products)
        if deal is not None:
            flash(
                gettext("Group deal created: shoppers can start teams now."), "success"
            )
            return redirect(url_for("merchant.group_buys"))
    page = page_arg()
    found, total = stats.merchant_deals(_me(), page, PER_PAGE)
    now = utcnow()
    running = deals.running_deals([p.id for p in products], now)
    return (
        render_template(
            "merchant/group_buys.html",
            deals=found,
            figures=stats.stats_of(found),
            page=page,
            pages=max(1, -(-total // PER_PAGE)),
            total=total,
            products=products,
            running=running,
            windows=[(s, window_label(s)) for s in GROUP_WINDOWS],
            form=request.form if request.method == "POST" else None,
            errors=errors,
            now=now,
            is_running=deals.is_running,
            percent=percent,
        ),
        400 if errors else 200,
    )


@bp.route("/group-buys/<int:deal_id>")
def group_buy(deal_id):
    """One deal: its figures and its teams."""
    deal = deals.of_merchant(_me(), deal_id)
    expiry.expire_teams(deal_id=deal.id)  # teams past time close before counting
    return render_template(
        "merchant/group_buy.html",
        deal=deal,
        figures=stats.stats_of([deal])[deal.id],
        teams=stats.team_rows(deal),
        shown=stats.TEAMS_SHOWN,
        running=deals.is_running(deal),
        window=window_label(deal.team_window_s),
        duration=duration,
        percent=percent,
    )


@bp.route("/group-buys/<int:deal_id>/end", methods=["POST"])
def end_group_buy(deal_id):
    """End a deal early: no new teams; the open ones run to their own end."""
    deal = deals.end(_me(), deal_id)
    flash(
        gettext("Deal ended: no new teams. Open teams still have until their end."),
        "success",
    )
    if request.form.get("next") == "deal":
        return redirect(url_for("merchant.group_buy", deal_id=deal.id))
    return redirect(url_for("merchant.group_buys"))


@bp.route("/group-buys.csv")
def group_buys_csv():
    """Every deal of the merchant, one row each, with its figures."""
    return csv_of_rows(stats.csv_rows(_me()), f"group-buys-{utcnow():%Y%m%d}.csv")
