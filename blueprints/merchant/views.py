"""The merchant's pages: catalog (list, create, edit, archive, images), settings,
sales by content (attribution)."""

import csv
import io
import json

from flask import (
    Blueprint,
    Response,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from blueprints.common import (
    csv_cell,
    csv_download,
    role_required,
    store_upload,
    translate,
)
from blueprints.merchant.forms import (
    error_name,
    parse_price,  # noqa: F401  (blueprints.live.views reads prices with it)
    percent_text,
    product_data,
    settings_data,
    settings_form,
)
from livestall.attribution import dashboards
from livestall.attribution.report import GROUPS
from livestall.catalog import rules as catalog
from livestall.catalog.models import Product
from livestall.errors import DomainError
from livestall.group_buy import deals as group_deals
from livestall.merchants import rules as merchants
from livestall.merchants.models import ATTRIBUTION_MODELS, MerchantProfile
from livestall.orders.models import Order
from livestall.platform import figures

bp = Blueprint("merchant", __name__, url_prefix="/merchant")


@bp.before_request
@role_required("merchant")
def _merchants_only():
    """Every page here is for merchants (and admins)."""


def _me():
    return current_user._get_current_object()


@bp.route("/products")
def products():
    items = Product.with_images(Product.of_merchant(_me()))
    running = group_deals.running_deals([p.id for p in items])
    return render_template("merchant/products.html", products=items, running=running)


@bp.route("/products/new", methods=["GET", "POST"])
def new_product():
    errors = {}
    if request.method == "POST":
        data, errors = product_data(request.form)
        if not errors:  # form mistakes come before storing any upload
            try:
                uploads = [f for f in request.files.getlist("images") if f.filename]
                stored = [store_upload(f, _me()) for f in uploads[: catalog.IMAGES_MAX]]
                product = catalog.create_product(_me(), data)
                for image in stored:
                    catalog.add_image(product, image)
            except DomainError as e:
                errors[error_name(e)] = translate(e)
            else:
                flash(gettext("Product created."), "success")
                return redirect(url_for("merchant.edit_product", product_id=product.id))
    return _product_page(None, errors)


def _product_page(product, errors):
    form = request.form if request.method == "POST" else None
    return (
        render_template(
            "merchant/product_form.html",
            form=form,
            errors=errors,
            product=product,
            images=catalog.images_of(product) if product else [],
            commission=percent_text(product.commission_bps) if product else "10",
        ),
        400 if errors else 200,
    )


@bp.route("/products/<int:product_id>/edit", methods=["GET", "POST"])
def edit_product(product_id):
    product = catalog.owned_product(_me(), product_id)
    errors = {}
    if request.method == "POST":
        data, errors = product_data(
            request.form, partial=True, stored_price=product.price_cents
        )
        if not errors:
            try:
                product = catalog.update_product(product, data)
            except DomainError as e:
                errors[error_name(e)] = translate(e)
            else:
                flash(gettext("Product saved."), "success")
                return redirect(url_for("merchant.edit_product", product_id=product.id))
    return _product_page(product, errors)


@bp.route("/products/<int:product_id>/images", methods=["POST"])
def add_image(product_id):
    product = catalog.owned_product(_me(), product_id)
    upload = request.files.get("file")
    try:
        if not upload or not upload.filename:
            flash(gettext("Choose an image file first."), "error")
        else:
            catalog.add_image(product, store_upload(upload, _me()))
            flash(gettext("Image added."), "success")
    except DomainError as e:
        flash(translate(e), "error")
    return redirect(url_for("merchant.edit_product", product_id=product.id))


@bp.route("/products/<int:product_id>/images/<int:image_id>/delete", methods=["POST"])
def remove_image(product_id, image_id):
    product = catalog.owned_product(_me(), product_id)
    catalog.remove_image(product, image_id)
    flash(gettext("Image removed."), "success")
    return redirect(url_for("merchant.edit_product", product_id=product.id))


@bp.route("/products/<int:product_id>/archive", methods=["POST"])
def archive_product(product_id):
    product = catalog.owned_product(_me(), product_id)
    catalog.archive_product(product)
    flash(gettext("Product archived: it no longer shows in the shop."), "success")
    return redirect(url_for("merchant.products"))


@bp.route("/products/<int:product_id>/restore", methods=["POST"])
def restore_product(product_id):
    product = catalog.owned_product(_me(), product_id)
    try:
        catalog.restore_product(product)
    except DomainError as e:  # taken down by an admin
        flash(translate(e), "error")
    else:
        flash(gettext("Product restored."), "success")
    return redirect(url_for("merchant.products"))


@bp.route("/settings", methods=["GET", "POST"])
def settings():
    """Shop settings: cash on delivery on or off, bank details for transfers, the
    shipping fee (issue 16), and how sales are credited to content (attribution
    model and window)."""
    errors = {}
    profile = MerchantProfile.of(_me().id)
    if request.method == "POST":
        data, errors = settings_data(request.form)
        if not errors:
            try:
                merchants.update_settings(_me(), data)
            except DomainError as e:
                errors[e.field or "form"] = translate(e)
            else:
                flash(gettext("Shop settings saved."), "success")
                return redirect(url_for("merchant.settings"))
    form = (
        request.form
        if request.method == "POST"
        else settings_form(merchants.settings_dict(profile))
    )
    return (
        render_template(
            "merchant/settings.html",
            form=form,
            errors=errors,
            models=ATTRIBUTION_MODELS,
            model_labels=MODEL_LABELS,
            model_hints=MODEL_HINTS,
            window=merchants.WINDOW_DAYS,
        ),
        400 if errors else 200,
    )


# --- sales by content (attribution) ---------------------------------------------------

MODEL_LABELS = {
    "last_touch": _l("Last touch"),
    "first_touch": _l("First touch"),
    "linear": _l("Linear"),
    "time_decay": _l("Time decay"),
    "position_based": _l("Position based"),
}
MODEL_HINTS = {
    "last_touch": _l("All of a sale goes to the last post, link or live before it."),
    "first_touch": _l("All of a sale goes to the first one that brought the buyer."),
    "linear": _l("Every touch before the sale gets an equal share."),
    "time_decay": _l(
        "Recent touches get more: a touch a week older counts half as much."
    ),
    "position_based": _l(
        "40% to the first touch, 40% to the last; the touches between share 20%."
    ),
}
GROUP_LABELS = {
    "creator": _l("Creator"),
    "post": _l("Post"),
    "live": _l("Live session"),
    "share_link": _l("Share link"),
}


def _attribution_query():
    """The dashboard's query, or (None, errors) for a bad period, group or model."""
    try:
        return dashboards.Query(_me().id, request.args), {}
    except DomainError as e:
        return None, {e.field or "form": translate(e)}


@bp.route("/attribution")
def attribution():
    """Sales by content: which creator, post, live and share link sold what, under
    the stored model and (side by side) any other."""
    query, errors = _attribution_query()
    context = {
        "errors": errors,
        "query": query,
        "models": ATTRIBUTION_MODELS,
        "model_labels": MODEL_LABELS,
        "group_labels": GROUP_LABELS,
        "groups": GROUPS,
        "form": request.args,
    }
    if query is None:
        return render_template("merchant/attribution.html", **context), 400
    rows, totals, what_if_totals = query.compared()
    daily = query.daily()
    context.update(
        rows=rows,
        totals=totals,
        what_if_totals=what_if_totals,
        daily=daily,
        chart=json.dumps(daily, separators=(",", ":")),
        top=query.top_content(),
        currency=_currency(),
    )
    return render_template("merchant/attribution.html", **context)


def _currency():
    """The shop's currency: that of its latest order (CNY before any)."""
    latest = (
        Order.select(Order.currency)
        .where(Order.merchant == _me().id)
        .order_by(Order.id.desc())
        .first()
    )
    return latest.currency if latest else "CNY"


@bp.route("/attribution.csv")
def attribution_csv():
    """Every dashboard table as CSV: `table=rows` (the grouped sales, with the
    what-if beside them when another model is chosen) or `table=daily`."""
    query, errors = _attribution_query()
    table = request.args.get("table", "rows")
    if query is None or table not in ("rows", "daily"):
        message = next(iter(errors.values()), gettext("table must be rows or daily."))
        return Response(message + "\n", status=400, mimetype="text/plain")
    out = io.StringIO()
    writer = csv.writer(out)
    if table == "daily":
        writer.writerow(["date", "attributed", "direct", "total"])
        for day in query.daily():
            a, d = day["attributed_cents"], day["direct_cents"]
            writer.writerow(
                [
                    day["date"],
                    figures.amount(a),
                    figures.amount(d),
                    figures.amount(a + d),
                ]
            )
    else:
        rows, _totals, _other = query.compared()
        header = [query.group_by, "label", "views", "clicks", "orders", "units"]
        header += [f"revenue_{query.stored_model}", "commission"]
        if query.what_if:
            header += [f"revenue_{query.model}", "difference"]
        writer.writerow(header)
        for row in rows:
            line = [
                row["key"] if row["key"] is not None else "direct",
                csv_cell(row["label"] or ""),
                row["views"],
                row["clicks"],
                row["orders"],
                row["units"],
                figures.amount(row["revenue_cents"]),
                figures.amount(row["commission_cents"]),
            ]
            if query.what_if:
                line += [
                    figures.amount(row["what_if_revenue_cents"]),
                    figures.amount(row["difference_cents"]),
                ]
            writer.writerow(line)
    name = f"attribution-{table}-{query.first}-{query.last}.csv"
    return csv_download(out.getvalue(), name)
