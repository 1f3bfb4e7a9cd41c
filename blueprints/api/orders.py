"""JSON API v1: orders (see docs/API.md)."""

from flask import jsonify, request

from blueprints.api.views import bp, json_body, me, pagination, require_role
from blueprints.common import visitor_id
from livestall.bargain import buying as bargain_buying
from livestall.community import ordering as pickup_ordering
from livestall.db.base import isoformat
from livestall.errors import Invalid
from livestall.merchants import rules as merchants
from livestall.merchants.models import MerchantProfile
from livestall.notifications import rules as notifications
from livestall.orders import checkout
from livestall.orders import lifecycle as orders


@bp.post("/orders")
def create_order():
    """Place an order; the same idempotency key returns the same order (200)."""
    buyer = me()
    data = json_body()
    if data.get("bargain_record_id") is not None:
        return _bargain_order(buyer, data)
    if data.get("community_buy_id") is not None:
        return _pickup_order(buyer, data)
    placed, created = checkout.place_order(
        buyer,
        data.get("items"),
        data.get("shipping"),
        data.get("idempotency_key"),
        data.get("payment_method", "cod"),
        reservation_ids=data.get("reservation_ids"),
        address_id=data.get("address_id"),
        coupon_ids=data.get("coupon_ids"),
    )
    body = [orders.order_dict(o) for o in placed]
    return jsonify(order=body[0], orders=body), 201 if created else 200


def _bargain_order(buyer, data):
    """`{bargain_record_id, ...}`: one unit at the record's price (docs/API.md,
    "Bargaining"); nothing else goes in the same order."""
    record_id = data.get("bargain_record_id")
    if isinstance(record_id, bool) or not isinstance(record_id, int):
        raise Invalid(
            "bargain_record_id must be a whole number.", field="bargain_record_id"
        )
    if any(data.get(k) for k in ("items", "reservation_ids", "coupon_ids")):
        raise Invalid(
            "A bargain is ordered on its own: send no items, holds or coupons with it.",
            field="bargain_record_id",
        )
    order, created = bargain_buying.buy(buyer, record_id, data, visitor_id=visitor_id())
    body = orders.order_dict(order)
    return jsonify(order=body, orders=[body]), 201 if created else 200


def _pickup_order(buyer, data):
    """`{community_buy_id, leader_id, items, ...}`: an order for pickup at a
    leader's point (docs/API.md, "Community group buying")."""
    if any(data.get(k) for k in ("reservation_ids", "coupon_ids")):
        raise Invalid(
            "An order for pickup takes no holds or coupons.", field="community_buy_id"
        )
    order, created = pickup_ordering.place(buyer, data, visitor_id=visitor_id())
    body = _order_body(order, buyer)
    return jsonify(order=body, orders=[body]), 201 if created else 200


def _order_body(order, viewer):
    """`order_dict`, with (extension) `pickup` {code (the buyer's only), seq_no,
    leader_id, point, community_buy_id} for an order placed for pickup."""
    body = orders.order_dict(order)
    found = pickup_ordering.pickup_of(order.id)
    if found is not None:
        point = found.leader
        body["pickup"] = {
            "community_buy_id": found.community_buy_id,
            "leader_id": found.leader_id,
            "point": {
                "name": point.point_name,
                "address": point.point_address,
                "hours": point.point_hours,
                "phone": point.point_phone,
            },
            "pickup_on": found.community_buy.pickup_on.isoformat(),
            "seq_no": found.seq_no,
            "code": found.pickup_code if viewer.id == order.buyer_id else None,
            "picked_up_at": isoformat(found.picked_up_at)
            if found.picked_up_at
            else None,
        }
    return body


@bp.get("/orders/<int:order_id>")
def get_order(order_id):
    user = me()
    return jsonify(order=_order_body(orders.visible_order(user, order_id), user))


@bp.get("/orders")
def list_orders():
    page, per_page = pagination()
    found, total = orders.orders_of_buyer(me(), page, per_page)
    return jsonify(
        items=[orders.order_dict(o) for o in found],
        page=page,
        per_page=per_page,
        total=total,
    )


@bp.post("/orders/<int:order_id>/status")
def change_status(order_id):
    """Move an order (merchant: paid, shipped, refunded; buyer: cancelled...)."""
    user = me()
    data = json_body()
    order = orders.visible_order(user, order_id)
    order = orders.move(
        user,
        order,
        data.get("status"),
        tracking_number=data.get("tracking_number"),
        note=data.get("note") if isinstance(data.get("note"), str) else "",
    )
    return jsonify(order=orders.order_dict(order))


# --- shop settings and notifications (extensions; docs/API.md) ------------------------


@bp.get("/merchant/settings")
def get_shop_settings():
    user = require_role("merchant")
    return jsonify(settings=merchants.settings_dict(MerchantProfile.of(user.id)))


@bp.route("/merchant/settings", methods=["PATCH", "PUT"])
def update_shop_settings():
    user = require_role("merchant")
    profile = merchants.update_settings(user, json_body())
    return jsonify(settings=merchants.settings_dict(profile))


def _notification_url(item):
    record_id = (
        (item.data or {}).get("record_id") if item.kind.startswith("bargain_") else None
    )
    if isinstance(record_id, int):
        return f"/bargain-records/{record_id}"
    group_id = (item.data or {}).get("group_id") if item.kind == "group_card" else None
    if isinstance(group_id, int):
        return f"/groups/{group_id}"
    if item.kind in ("draw_won", "pk_result"):
        session_id = (item.data or {}).get("session_id")
        if isinstance(session_id, int) and not isinstance(session_id, bool):
            return f"/live/{session_id}"
    if item.kind in ("content_removed", "appeal_decided"):
        decision_id = (item.data or {}).get("decision_id")
        if isinstance(decision_id, int) and not isinstance(decision_id, bool):
            return f"/moderation/decisions/{decision_id}"
    if item.kind == "report_resolved":
        return "/me/reports"
    if item.kind == "membership_expiring":
        shop_id = (item.data or {}).get("merchant_id")
        if isinstance(shop_id, int) and not isinstance(shop_id, bool):
            return f"/shops/{shop_id}/membership"
    return f"/orders/{item.order_id}" if item.order_id else None


def notification_dict(item):
    return {
        "id": item.id,
        "kind": item.kind,
        "order_id": item.order_id,
        "url": _notification_url(item),
        "data": item.data,
        "created_at": isoformat(item.created_at),
        "read": item.read_at is not None,
    }


@bp.get("/notifications")
def list_notifications():
    user = me()
    page, per_page = pagination()
    found, total = notifications.for_user(user, page, per_page)
    return jsonify(
        items=[notification_dict(n) for n in found],
        page=page,
        per_page=per_page,
        total=total,
        unread=notifications.unread_count(user),
    )


@bp.post("/notifications/read")
def read_notifications():
    """Mark all read, or those up to `up_to_id` (what the client has shown)."""
    user = me()
    data = json_body() if request.data else {}
    up_to = data.get("up_to_id")
    if up_to is not None and (isinstance(up_to, bool) or not isinstance(up_to, int)):
        raise Invalid("up_to_id must be a whole number.", field="up_to_id")
    marked = notifications.mark_read(user, up_to)
    return jsonify(marked=marked, unread=notifications.unread_count(user))
