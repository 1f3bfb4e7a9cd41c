"""The merchant's pages: catalog (list, create, edit, archive, images), settings."""

from flask import (
    Blueprint,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext
from flask_login import current_user

from blueprints.common import role_required, store_upload, translate
from models import MerchantProfile, Product
from services import catalog, merchants
from services.errors import DomainError

bp = Blueprint("merchant", __name__, url_prefix="/merchant")


@bp.before_request
@role_required("merchant")
def _merchants_only():
    """Every page here is for merchants (and admins)."""


def _me():
    return current_user._get_current_object()


def _form_data(form):
    """Turn the form's text into the service's types; validation stays in services."""
    data = {field: form.get(field) for field in catalog.FIELDS if field in form}
    for field in ("stock", "commission_bps"):
        data[field] = _whole(data.get(field))
    if "price" in form:
        data["price_cents"] = parse_price(form.get("price"))
    return {k: v for k, v in data.items() if k in form or k == "price_cents"}


def _whole(text):
    text = (text or "").strip()
    if text.isascii() and text.lstrip("-").isdecimal() and len(text) < 19:
        return int(text)
    return text  # let validation report it


def parse_price(text):
    """Read a price typed by a person ('129', '129.9', '1,299.00') into cents."""
    text = (text or "").strip().replace(",", "").replace("¥", "").replace("$", "")
    sign = -1 if text.startswith("-") else 1  # negative: the range check says why
    whole, _, frac = text.lstrip("-").partition(".")
    if not whole.isdecimal() or (frac and (not frac.isdecimal() or len(frac) > 2)):
        return text  # let validation report it ('²' is a digit, not a decimal)
    try:
        return sign * (int(whole) * 100 + int((frac + "00")[:2]))
    except ValueError:  # more digits than int() will read
        return text


@bp.route("/products")
def products():
    items = Product.with_images(Product.of_merchant(_me()))
    return render_template("merchant/products.html", products=items)


@bp.route("/products/new", methods=["GET", "POST"])
def new_product():
    errors = {}
    if request.method == "POST":
        try:
            data = _form_data(request.form)
            catalog.clean(data)  # report form mistakes before storing any upload
            uploads = [f for f in request.files.getlist("images") if f.filename]
            stored = [store_upload(f, _me()) for f in uploads[: catalog.IMAGES_MAX]]
            product = catalog.create_product(_me(), data)
            for image in stored:
                catalog.add_image(product, image)
        except DomainError as e:
            errors[e.field or "form"] = translate(e)
        else:
            flash(gettext("Product created."), "success")
            return redirect(url_for("merchant.edit_product", product_id=product.id))
    return (
        render_template(
            "merchant/product_form.html",
            form=request.form,
            errors=errors,
            product=None,
            images=[],
        ),
        400 if errors else 200,
    )


@bp.route("/products/<int:product_id>/edit", methods=["GET", "POST"])
def edit_product(product_id):
    product = catalog.owned_product(_me(), product_id)
    errors = {}
    if request.method == "POST":
        try:
            product = catalog.update_product(product, _form_data(request.form))
        except DomainError as e:
            errors[e.field or "form"] = translate(e)
        else:
            flash(gettext("Product saved."), "success")
            return redirect(url_for("merchant.edit_product", product_id=product.id))
    form = request.form if request.method == "POST" else None
    return (
        render_template(
            "merchant/product_form.html",
            form=form,
            errors=errors,
            product=product,
            images=catalog.images_of(product),
        ),
        400 if errors else 200,
    )


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
    catalog.restore_product(product)
    flash(gettext("Product restored."), "success")
    return redirect(url_for("merchant.products"))


@bp.route("/settings", methods=["GET", "POST"])
def settings():
    """Shop settings: cash on delivery on or off, bank details for transfers."""
    errors = {}
    profile = MerchantProfile.of(_me().id)
    if request.method == "POST":
        data = {f: request.form.get(f, "") for f in merchants.TEXT_FIELDS}
        data["accepts_cod"] = request.form.get("accepts_cod") == "1"
        try:
            merchants.update_settings(_me(), data)
        except DomainError as e:
            errors[e.field or "form"] = translate(e)
        else:
            flash(gettext("Shop settings saved."), "success")
            return redirect(url_for("merchant.settings"))
    form = (
        request.form if request.method == "POST" else merchants.settings_dict(profile)
    )
    return (
        render_template("merchant/settings.html", form=form, errors=errors),
        400 if errors else 200,
    )
