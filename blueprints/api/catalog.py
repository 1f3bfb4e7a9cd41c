"""JSON API v1: the merchants' catalog (docs/API.md, "Products")."""

from flask import jsonify, request
from flask_login import current_user

from blueprints.api.views import bp, json_body, pagination, require_role
from blueprints.common import store_upload
from livestall.catalog import availability
from livestall.catalog import rules as catalog
from livestall.catalog.models import Product
from livestall.errors import Invalid, NotFound
from livestall.merchants import shipping
from livestall.merchants.models import MerchantProfile
from livestall.orders import payments


@bp.post("/products")
def create_product():
    merchant = require_role("merchant")
    product = catalog.create_product(merchant, json_body())
    return jsonify(product=catalog.product_dict(product, images=[])), 201


@bp.get("/products/<int:product_id>")
def get_product(product_id):
    product = catalog.get_product(product_id)
    viewer = current_user if current_user.is_authenticated else None
    if not availability.visible_to(product, viewer):  # a suspended merchant's
        raise NotFound("No such product.")
    out = catalog.product_dict(product)
    # what a buy sheet needs to offer (extension, issue 16): the payment methods
    # this product's shop takes now, and whether it can be bought at all
    out["payment_methods"] = payments.methods_for([product.merchant_id])
    out["available"] = availability.is_for_sale(product) and product.stock > 0
    # and what its shop charges for shipping: fee_cents, waived from free_over_cents
    out["shipping"] = shipping.shipping_dict(MerchantProfile.of(product.merchant_id))
    return jsonify(product=out)


@bp.patch("/products/<int:product_id>")
def update_product(product_id):
    merchant = require_role("merchant")
    product = catalog.owned_product(merchant, product_id)
    product = catalog.update_product(product, json_body())
    return jsonify(product=catalog.product_dict(product))


@bp.delete("/products/<int:product_id>")
def delete_product(product_id):
    merchant = require_role("merchant")
    catalog.archive_product(catalog.owned_product(merchant, product_id))
    return "", 204


@bp.post("/products/<int:product_id>/images")
def add_product_image(product_id):
    merchant = require_role("merchant")
    product = catalog.owned_product(merchant, product_id)
    upload = request.files.get("file")
    if upload is None:
        raise Invalid("Send the image as multipart field 'file'.", field="file")
    image = store_upload(upload, merchant)
    catalog.add_image(product, image)
    return jsonify(image=image.to_dict()), 201


@bp.get("/products")
def list_products():
    """The caller's own catalog (merchants), paginated."""
    merchant = require_role("merchant")
    page, per_page = pagination()
    query = Product.of_merchant(merchant)
    total = query.count()
    items = Product.with_images(query.paginate(page, per_page))
    return jsonify(
        items=[catalog.product_dict(p, images=p.gallery) for p in items],
        page=page,
        per_page=per_page,
        total=total,
    )
