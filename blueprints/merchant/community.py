"""The merchant's community group buying console (社区团购): the campaigns with
their figures (orders, units, sales, the commission owed to leaders) and a form
for a new one; a campaign's page, which after the cut-off holds the stock-up list
and one batch per pickup point (printable, one sheet a page) with "Mark shipped";
the campaign's order lines as CSV. Routes on the merchant blueprint (merchants
and admins only); another merchant's campaign is a 404, as a missing one.

The form is read here into the rules' types with every mistake of the form's own
at once (campaign prices typed in yuan, the cut-off in the browser's zone: the
`ends_at` input and `tz_offset` that static/js/campaign-console.js fills, the
leader's commission in percent); the rules (`livestall.community.campaigns`) then
say what only they know (the products are the merchant's and on sale, the pickup
day is within 14 days of the cut-off)."""

import time

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from peewee import fn

from blueprints.common import csv_of_rows, money, page_arg, page_count, translate
from blueprints.merchant.forms import (
    local_moment,
    parse_percent,
    parse_price,
    percent_text,
)
from blueprints.merchant.views import bp
from livestall.catalog.models import Product
from livestall.community import batches, campaigns, points
from livestall.community.models import (
    CommunityBuy,
    Leader,
    LeaderEntry,
    PickupOrder,
)
from livestall.db.base import utcnow
from livestall.errors import DomainError
from livestall.orders.models import Order, OrderLine

PER_PAGE = 20
# the rules' field -> the form's input
FIELDS = {
    "title": "title",
    "items": "items",
    "cutoff_at": "ends_at",
    "pickup_on": "pickup_on",
    "leader_commission_bps": "commission",
}


def _me():
    return current_user._get_current_object()


def _products():
    """The merchant's products on sale, for the form."""
    return list(
        Product.select()
        .where((Product.merchant == _me().id) & (Product.status == "active"))
        .order_by(Product.title, Product.id)
    )


def campaign_data(form, products):
    """(the data for `community.campaigns.create`, {form input: message}) with
    every mistake of the form's own at once. A product is in the campaign when
    its price (`price-<id>`, in yuan) is filled in."""
    errors, items = {}, []
    title = (form.get("title") or "").strip()
    if not 1 <= len(title) <= 120:
        errors["title"] = gettext("Give a title of 1 to 120 characters.")
    for product in products:
        name = f"price-{product.id}"
        text = (form.get(name) or "").strip()
        if not text:
            continue
        cents = parse_price(text)
        if not isinstance(cents, int) or not 1 <= cents <= product.price_cents:
            errors[name] = gettext(
                "Enter a price from 0.01 to the list price, %(price)s, with at most "
                "2 decimals.",
                price=money(product.price_cents, product.currency),
            )
            continue
        items.append({"product_id": product.id, "price_cents": cents})
    if not items and not any(k.startswith("price-") for k in errors):
        errors["items"] = gettext("Give a group price to at least one product.")
    cutoff = local_moment(form.get("ends_at"), form.get("tz_offset"))
    if cutoff is None:
        errors["ends_at"] = gettext("Give a date and a time.")
    pickup_on = (form.get("pickup_on") or "").strip()
    if not pickup_on:
        errors["pickup_on"] = gettext("Give the pickup day.")
    bps = parse_percent(form.get("commission") or "0")
    lo, hi = campaigns.COMMISSION_BPS
    if bps is None or not lo <= bps <= hi:
        errors["commission"] = gettext(
            "Give a percentage from 0 to %(n)d, with at most 2 decimals "
            "(e.g. 8 or 12.5).",
            n=hi // 100,
        )
    data = {
        "title": title,
        "items": items,
        "cutoff_at": cutoff,
        "pickup_on": pickup_on,
        "leader_commission_bps": bps,
    }
    return data, errors


def _create(products):
    data, errors = campaign_data(request.form, products)
    if errors:
        return None, errors
    try:
        return campaigns.create(_me(), data), {}
    except DomainError as e:
        return None, {FIELDS.get(e.field, "form"): translate(e)}


def figures_of(found):
    """{campaign id: {orders, units, gmv_cents, points, commission_cents (what
    leaders earned on picked-up orders, net of reversals), commission_due_cents
    (what they will if every live order is picked up)}} of `found` (three
    queries). Cancelled and refunded orders are not counted."""
    out = {
        c.id: {
            "orders": 0,
            "units": 0,
            "gmv_cents": 0,
            "points": 0,
            "commission_cents": 0,
            "commission_due_cents": 0,
        }
        for c in found
    }
    if not out:
        return out
    live = PickupOrder.community_buy.in_(list(out)) & Order.status.not_in(
        batches.CLOSED
    )
    rows = (
        PickupOrder.select(
            PickupOrder.community_buy,
            fn.COUNT(PickupOrder.id),
            fn.COUNT(fn.DISTINCT(PickupOrder.leader)),
        )
        .join(Order, on=(PickupOrder.order == Order.id))
        .where(live)
        .group_by(PickupOrder.community_buy)
        .tuples()
    )
    for campaign_id, orders, at_points in rows:
        out[campaign_id].update(orders=orders, points=at_points)
    rows = (
        PickupOrder.select(
            PickupOrder.community_buy,
            fn.SUM(OrderLine.qty),
            fn.SUM(OrderLine.paid_sql()),
        )
        .join(Order, on=(PickupOrder.order == Order.id))
        .join(OrderLine, on=(OrderLine.order == Order.id))
        .where(live)
        .group_by(PickupOrder.community_buy)
        .tuples()
    )
    bps = {c.id: c.leader_commission_bps for c in found}
    for campaign_id, units, gmv in rows:
        gmv = int(gmv or 0)
        out[campaign_id].update(
            units=int(units or 0),
            gmv_cents=gmv,
            commission_due_cents=gmv * bps[campaign_id] // 10_000,
        )
    rows = (
        PickupOrder.select(PickupOrder.community_buy, fn.SUM(LeaderEntry.amount_cents))
        .join(LeaderEntry, on=(LeaderEntry.order_id == PickupOrder.order))
        .where(PickupOrder.community_buy.in_(list(out)))
        .group_by(PickupOrder.community_buy)
        .tuples()
    )
    for campaign_id, earned in rows:
        out[campaign_id]["commission_cents"] = int(earned or 0)
    return out


def _campaigns(page):
    query = CommunityBuy.select().where(CommunityBuy.merchant == _me().id)
    total = query.count()
    found = list(
        query.order_by(CommunityBuy.created_at.desc(), CommunityBuy.id.desc()).paginate(
            page, PER_PAGE
        )
    )
    return found, total


@bp.route("/community", methods=["GET", "POST"])
def community():
    """The merchant's campaigns, newest first, and the form for a new one."""
    products = _products()
    errors = {}
    if request.method == "POST":
        made, errors = _create(products)
        if made is not None:
            flash(
                gettext(
                    "Campaign created: neighbours can order it at every pickup point "
                    "until the cut-off."
                ),
                "success",
            )
            return redirect(url_for("merchant.community_campaign", campaign_id=made.id))
    page = page_arg()
    found, total = _campaigns(page)
    now = utcnow()
    return (
        render_template(
            "merchant/community.html",
            campaigns=found,
            figures=figures_of(found),
            items=points.offers_of(found),
            page=page,
            pages=page_count(total, PER_PAGE),
            total=total,
            products=products,
            price_labels=[(f"price-{p.id}", p.title) for p in products],
            form=request.form if request.method == "POST" else None,
            errors=errors,
            now=now,
            is_open=campaigns.is_open,
            percent_text=percent_text,
            commission_max=campaigns.COMMISSION_BPS[1] // 100,
        ),
        400 if errors else 200,
    )


def _order_lines(found):
    """{order id: [OrderLine]} of the batches' orders (one query)."""
    ids = [p.order_id for batch in found for p in batch["orders"]]
    lines = {}
    if ids:
        for line in (
            OrderLine.select().where(OrderLine.order.in_(ids)).order_by(OrderLine.id)
        ):
            lines.setdefault(line.order_id, []).append(line)
    return lines


@bp.route("/community/<int:campaign_id>")
def community_campaign(campaign_id):
    """One campaign: its figures; after the cut-off, the stock-up list and one
    batch per pickup point to print and mark shipped."""
    campaign = campaigns.of_merchant(_me(), campaign_id)
    now = utcnow()
    is_open = campaigns.is_open(campaign, now)
    stock_up, found, lines = {}, [], {}
    if not is_open:
        stock_up, found = batches.batches_of(campaign, now)
        lines = _order_lines(found)
    return render_template(
        "merchant/community_campaign.html",
        campaign=campaign,
        items=campaigns.items_of(campaign),
        figures=figures_of([campaign])[campaign.id],
        is_open=is_open,
        stock_up=sorted(stock_up.items()),
        titles={pid: item["title"] for pid, item in stock_up.items()},
        batches=found,
        lines=lines,
        percent_text=percent_text,
        server_ms=int(time.time() * 1000),
    )


@bp.route("/community/<int:campaign_id>.csv")
def community_csv(campaign_id):
    """After the cut-off: one row per order line (point, 跟团号, buyer, product,
    quantity), batch by batch."""
    campaign = campaigns.of_merchant(_me(), campaign_id)
    if campaigns.is_open(campaign):
        flash(gettext("The batches are made at the cut-off."), "info")
        return redirect(url_for("merchant.community_campaign", campaign_id=campaign.id))
    _stock_up, found = batches.batches_of(campaign)
    lines = _order_lines(found)
    rows = [
        [
            gettext("Pickup point"),
            gettext("Address"),
            gettext("Group order number"),
            gettext("Order"),
            gettext("Buyer"),
            gettext("Product"),
            gettext("Quantity"),
        ]
    ]
    for batch in found:
        leader = batch["leader"]
        for pickup in batch["orders"]:
            for line in lines.get(pickup.order_id, ()):
                rows.append(
                    [
                        leader.point_name,
                        leader.point_address,
                        pickup.seq_no,
                        pickup.order_id,
                        pickup.buyer.name,
                        line.title,
                        line.qty,
                    ]
                )
    return csv_of_rows(rows, f"community-{campaign.id}-{utcnow():%Y%m%d}.csv")


@bp.route("/community/<int:campaign_id>/ship/<int:leader_id>", methods=["POST"])
def ship_community_batch(campaign_id, leader_id):
    """Mark a point's batch shipped (once; before the cut-off it is a message)."""
    campaign = campaigns.of_merchant(_me(), campaign_id)
    back = url_for("merchant.community_campaign", campaign_id=campaign.id)
    try:
        done = batches.mark_shipped(_me(), campaign.id, leader_id)
    except batches.BeforeCutoff as e:
        flash(translate(e), "error")
        return redirect(back)
    leader = Leader.get_by_id(leader_id)  # there: its batch was found
    if done:
        flash(
            gettext(
                "The batch for %(point)s is marked shipped.", point=leader.point_name
            ),
            "success",
        )
    else:
        flash(gettext("This batch was already marked shipped."), "info")
    return redirect(f"{back}#batch-{leader_id}")
