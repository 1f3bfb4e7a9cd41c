"""JSON API v1: the merchant's customers (CRM): the list with figures, RFM
segments and cohorts, tags, and coupons sent to a segment or a tag. Merchants
only (and admins, who see their own shop's, as any merchant); another shop's
buyer is a 404."""

from flask import jsonify, request

from blueprints.api.views import bp, json_body, pagination, require_role
from livestall.customers import cohorts, listing, rfm, sends, tags
from livestall.db.base import utcnow


@bp.get("/merchant/customers")
def merchant_customers():
    merchant = require_role("merchant")
    filters = listing.filters_of(request.args)
    page, per_page = pagination()
    rows, total = listing.customers(merchant.id, filters, utcnow(), page, per_page)
    return jsonify(
        items=[listing.customer_dict(r) for r in rows],
        total=total,
        page=page,
        per_page=per_page,
    )


@bp.get("/merchant/customers/segments")
def customer_segments():
    merchant = require_role("merchant")
    summary = rfm.summary(merchant.id, utcnow())
    summary["cohorts"] = cohorts.table(merchant.id)["cohorts"]
    return jsonify(summary)


@bp.put("/merchant/customers/<int:user_id>/tags")
def put_customer_tags(user_id):
    merchant = require_role("merchant")
    tags.customer_of(merchant.id, user_id)  # another shop's buyer: 404 first
    body = json_body()
    found = tags.set_tags(merchant.id, user_id, body.get("tags"))
    return jsonify(user_id=user_id, tags=found)


@bp.post("/merchant/customers/coupon-sends")
def create_coupon_send():
    merchant = require_role("merchant")
    made = sends.send(merchant, json_body())
    return jsonify(send=sends.send_dict(made)), 201


@bp.get("/merchant/customers/coupon-sends")
def coupon_sends():
    merchant = require_role("merchant")
    page, per_page = pagination()
    found, total = sends.sends_of(merchant, page, per_page)
    return jsonify(items=[sends.send_dict(s) for s in found], total=total, page=page)
