"""The merchant's customers (CRM): the list (search, sort, filters, tags edited in
place, CSV) and the segments page (RFM tiles, repeat rate, members' share, the
cohort table and chart, and "Send a coupon" to a segment or a tag with the past
sends and how many used them). Routes on the merchant blueprint (merchants and
admins, each seeing their own shop's buyers); another shop's buyer is a 404."""

import json

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext, ngettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from blueprints.common import csv_of_rows, page_arg, page_count, safe_next, translate
from blueprints.merchant.views import bp
from livestall.catalog.models import Product
from livestall.customers import cohorts, listing, rfm, sends, tags
from livestall.db.base import utcnow
from livestall.errors import DomainError, Invalid
from livestall.promotions import present

SEGMENT_NAMES = {
    "champions": _l("Champions"),
    "loyal": _l("Loyal"),
    "new": _l("New customers"),
    "at_risk": _l("At risk"),
    "hibernating": _l("Hibernating"),
    "potential": _l("Potential"),
}
SEGMENT_HINTS = {
    "champions": _l("Bought lately, often and the most."),
    "loyal": _l("Come back regularly."),
    "new": _l("Bought lately, few orders yet."),
    "at_risk": _l("Were good customers, not lately."),
    "hibernating": _l("Few small orders, long ago."),
    "potential": _l("In between: worth a nudge."),
}
MEMBER_NAMES = {
    "active": _l("Member"),
    "expired": _l("Lapsed member"),
    "none": _l("Not a member"),
}
SORT_NAMES = {
    "spend": _l("Highest spend"),
    "orders": _l("Most orders"),
    "last_order": _l("Latest order"),
    "first_order": _l("Newest customers"),
}


def _me():
    return current_user._get_current_object()


def _filters():
    """The list's filters from the query string; a bad value is dropped."""
    raw = {k: request.args.get(k) for k in ("q", "sort", "segment", "tag", "member")}
    for _ in range(len(raw)):
        try:
            return listing.filters_of(raw)
        except Invalid as e:
            raw[e.field] = None
    return listing.filters_of({})


def _currency():
    latest = (
        Product.select(Product.currency)
        .where(Product.merchant == _me().id)
        .order_by(Product.id.desc())
        .first()
    )
    return latest.currency if latest else "CNY"


def touch_text(touch):
    """How a buyer first came, in words."""
    if not touch:
        return ""
    if touch["kind"] == "direct":
        return gettext("Came directly")
    if touch.get("sharer"):
        return gettext("Share link of @%(user)s", user=touch["sharer"])
    if touch.get("creator"):
        return gettext("Content by @%(user)s", user=touch["creator"])
    return gettext("Came directly")


@bp.route("/customers")
def customers():
    filters = _filters()
    page = page_arg()
    rows, total = listing.customers(_me().id, filters, utcnow(), page)
    args = {
        k: v for k, v in filters.items() if v and not (k == "sort" and v == "spend")
    }
    return render_template(
        "merchant/customers.html",
        rows=rows,
        total=total,
        page=page,
        pages=page_count(total, listing.PER_PAGE),
        filters=filters,
        args=args,
        tags_in_use=tags.tags_in_use(_me().id),
        currency=_currency(),
        segment_names=SEGMENT_NAMES,
        member_names=MEMBER_NAMES,
        sort_names=SORT_NAMES,
        touch_text=touch_text,
        tag_max=tags.TAG_MAX,
    )


@bp.route("/customers.csv")
def customers_csv():
    filters = _filters()
    rows = listing.every_customer(_me().id, filters, utcnow())
    out = [
        [
            gettext("Username"),
            gettext("Display name"),
            gettext("Orders"),
            gettext("Spend"),
            gettext("Average order"),
            gettext("First order"),
            gettext("Last order"),
            gettext("Days since last order"),
            "R",
            "F",
            "M",
            gettext("Segment"),
            gettext("Membership"),
            gettext("First came through"),
            gettext("Tags"),
        ]
    ]
    for r in rows:
        out.append(
            [
                r["username"],
                r["name"],
                r["orders"],
                f"{r['spend_cents'] / 100:.2f}",
                f"{r['average_order_cents'] / 100:.2f}",
                f"{r['first_order_at']:%Y-%m-%d %H:%M}",
                f"{r['last_order_at']:%Y-%m-%d %H:%M}",
                r["recency_days"],
                r["r"],
                r["f"],
                r["m"],
                str(SEGMENT_NAMES[r["segment"]]),
                str(MEMBER_NAMES[r["member"]]),
                touch_text(r["first_touch"]),
                ", ".join(r["tags"]),
            ]
        )
    return csv_of_rows(out, f"customers-{utcnow():%Y%m%d}.csv")


@bp.route("/customers/<int:user_id>/tags", methods=["POST"])
def customer_tags(user_id):
    """Replace a customer's tags (comma-separated), back to the list."""
    tags.customer_of(_me().id, user_id)  # another shop's buyer: a 404
    back = safe_next(request.form.get("next")) or url_for("merchant.customers")
    try:
        tags.set_tags(_me().id, user_id, request.form.get("tags", ""))
    except DomainError as e:
        flash(translate(e), "error")
        return redirect(back)
    flash(gettext("Tags saved."), "success")
    return redirect(f"{back}#customer-{user_id}")


def _send(form):
    """Send the chosen coupon to the chosen segment or tag: (send, errors)."""
    errors = {}
    coupon_id = form.get("coupon_id") or ""
    audience = form.get("audience") or ""
    if not coupon_id.isdigit():
        errors["coupon_id"] = gettext("Choose a coupon.")
    data = {"coupon_id": int(coupon_id) if coupon_id.isdigit() else None}
    kind, _sep, value = audience.partition(":")
    if kind == "segment" and value in rfm.SEGMENTS:
        data["segment"] = value
    elif kind == "tag" and value:
        data["tag"] = value
    else:
        errors["audience"] = gettext("Choose a segment or a tag.")
    if errors:
        return None, errors
    try:
        return sends.send(_me(), data), {}
    except DomainError as e:
        field = {"coupon_id": "coupon_id", "segment": "audience", "tag": "audience"}
        return None, {field.get(e.field, "form"): translate(e)}


def _sent_message(made):
    parts = [
        ngettext("Sent to %(num)d customer.", "Sent to %(num)d customers.", made.sent)
    ]
    if made.held:
        parts.append(
            ngettext("%(num)d already had it.", "%(num)d already had it.", made.held)
        )
    if made.left_out:
        parts.append(
            ngettext(
                "The coupon ran out before %(num)d more.",
                "The coupon ran out before %(num)d more.",
                made.left_out,
            )
        )
    return " ".join(parts)


@bp.route("/customers/segments", methods=["GET", "POST"])
def customer_segments():
    errors = {}
    if request.method == "POST":
        made, errors = _send(request.form)
        if made is not None:
            flash(_sent_message(made), "info" if made.left_out else "success")
            return redirect(url_for("merchant.customer_segments") + "#sends")
    now = utcnow()
    summary = rfm.summary(_me().id, now)
    table = cohorts.table(_me().id)
    found, _total = sends.sends_of(_me())
    series = [
        {
            "month": c["month"],
            "shares": [round(cell["share"] * 100, 1) for cell in c["retention"][1:]],
        }
        for c in table["cohorts"][-6:]
    ]
    return (
        render_template(
            "merchant/customer_segments.html",
            summary=summary,
            cohorts=table["cohorts"],
            max_months=table["max_months"],
            chart=json.dumps(series),
            sends=found,
            coupons=sends.sendable_coupons(_me(), now),
            tags_in_use=tags.tags_in_use(_me().id),
            currency=_currency(),
            segment_names=SEGMENT_NAMES,
            segment_hints=SEGMENT_HINTS,
            coupon_title=present.display_title,
            form=request.form if request.method == "POST" else None,
            errors=errors,
        ),
        400 if errors else 200,
    )
