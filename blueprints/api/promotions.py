"""JSON API v1: coupons and red packets (docs/API.md, "Coupons and red packets")."""

from flask import jsonify, request
from flask_login import current_user

from blueprints.api.views import bp, json_body, me, require_role
from blueprints.live import promo_events
from livestall.errors import Invalid
from livestall.flash import grabs
from livestall.promotions import coupons, present, quote, red_packets, stats


def _viewer():
    return current_user._get_current_object() if current_user.is_authenticated else None


@bp.post("/coupons")
def create_coupon():
    coupon = coupons.create(require_role("merchant"), json_body())
    return jsonify(coupon=present.coupon_dict(coupon)), 201


@bp.get("/coupons/<int:coupon_id>")
def get_coupon(coupon_id):
    """Extension: a coupon's terms and what is left of it (`held`: how many the
    caller holds)."""
    viewer = _viewer()
    coupon = coupons.visible(coupon_id, viewer)
    held = coupons.held_counts(viewer, [coupon]).get(coupon.id, 0) if viewer else None
    return jsonify(coupon=present.coupon_dict(coupon, held))


@bp.post("/coupons/<int:coupon_id>/claim")
def claim_coupon(coupon_id):
    uc = promo_events.claim_for(me(), coupon_id)
    return jsonify(user_coupon=present.user_coupon_dict(uc)), 201


def _set_status(coupon_id, status):
    coupon = coupons.set_status(require_role("merchant"), coupon_id, status)
    return jsonify(coupon=present.coupon_dict(coupon))


@bp.post("/coupons/<int:coupon_id>/pause")
def pause_coupon(coupon_id):
    """Extension: stop claims for now (coupons already held still work)."""
    return _set_status(coupon_id, "paused")


@bp.post("/coupons/<int:coupon_id>/resume")
def resume_coupon(coupon_id):
    """Extension: claims open again (409 `coupon_ended` once ended)."""
    return _set_status(coupon_id, "active")


@bp.post("/coupons/<int:coupon_id>/end")
def end_coupon(coupon_id):
    """Extension: no more claims, for good (coupons already held still work)."""
    return _set_status(coupon_id, "ended")


@bp.get("/coupons/<int:coupon_id>/stats")
def coupon_stats(coupon_id):
    """Extension: claimed, used, use rate, discount given, orders and GMV."""
    coupon = coupons.of_merchant(require_role("merchant"), coupon_id)
    return jsonify(coupon_id=coupon.id, stats=stats.stats_of([coupon])[coupon.id])


@bp.get("/merchant/coupons")
def list_merchant_coupons():
    """Extension: the merchant's coupons, newest first, each with its `stats`."""
    rows = stats.merchant_coupons(require_role("merchant"))
    return jsonify(
        items=[{**present.coupon_dict(c), "stats": figures} for c, figures in rows]
    )


def _int_arg(name):
    value = request.args.get(name)
    if value is None or value == "":
        return None
    try:
        value = int(value)
    except ValueError:
        raise Invalid("%(name)s must be a whole number.", name=name) from None
    if not 0 < value < 2**53:
        raise Invalid("%(name)s must be a whole number.", name=name)
    return value


@bp.get("/shops/<int:merchant_id>/coupons")
def shop_coupons(merchant_id):
    """Extension: the shop's coupons open for claiming now (`?product_id=`: those
    that cover the product; `?live_id=`: with that live's own coupons)."""
    viewer = _viewer()
    found = coupons.claimable(
        merchant_id,
        product_id=_int_arg("product_id"),
        live_id=_int_arg("live_id"),
        shop_visible=True,
    )
    held = coupons.held_counts(viewer, found)
    return jsonify(
        items=[
            present.coupon_dict(c, held.get(c.id, 0) if viewer else None) for c in found
        ]
    )


@bp.get("/me/coupons")
def my_coupons():
    """The caller's coupons (a list; `?status=unused|used|expired`), unused first."""
    user = me()
    status = request.args.get("status") or None
    rows = coupons.of_user(user, status=status)
    return jsonify([present.user_coupon_dict(uc) for uc in rows])


@bp.post("/red-packets")
def create_red_packet():
    packet = red_packets.create(require_role("merchant"), json_body())
    return jsonify(red_packet=red_packets.red_packet_dict(packet)), 201


@bp.get("/red-packets/<int:packet_id>")
def get_red_packet(packet_id):
    """Extension: a pool's state (`mine_cents`: what the caller grabbed, or null)."""
    packet = red_packets.visible(packet_id, _viewer())
    viewer = _viewer()
    mine = red_packets.grabbed_by(viewer, [packet]).get(packet.id) if viewer else None
    return jsonify(
        red_packet={**red_packets.red_packet_dict(packet), "mine_cents": mine}
    )


@bp.post("/red-packets/<int:packet_id>/open")
def open_red_packet(packet_id):
    packet = promo_events.open_for(me(), packet_id)
    return jsonify(red_packet=red_packets.red_packet_dict(packet))


@bp.post("/red-packets/<int:packet_id>/grab")
def grab_red_packet(packet_id):
    """Extension: the socket's `grab_red_packet` over HTTP (the same rules)."""
    share, uc = promo_events.grab_for(me(), packet_id)
    return (
        jsonify(
            amount_cents=share.amount_cents, user_coupon=present.user_coupon_dict(uc)
        ),
        201,
    )


@bp.get("/live/<int:session_id>/red-packets")
def live_red_packets(session_id):
    """Extension: a live's pools; the merchant who funded one and the host see
    all of theirs, others the opened ones."""
    viewer = _viewer()
    rows = red_packets.visible_in(session_id, viewer)
    mine = red_packets.grabbed_by(viewer, rows)
    return jsonify(
        items=[
            {**red_packets.red_packet_dict(p), "mine_cents": mine.get(p.id)}
            for p in rows
        ]
    )


@bp.post("/coupons/best")
def best_coupons():
    """Extension: `{items: [{product_id, qty}], reservation_ids}` → the best coupon
    the caller holds for each shop of that basket (`coupons`, with the cents it
    takes off), their sum, and every coupon they could pick instead (`usable`)."""
    user, data = me(), json_body()
    items = quote.clean_items(data.get("items", []))
    reservation_ids = grabs.clean_ids(data.get("reservation_ids"))
    return jsonify(quote.best(user, quote.lines_for(user, items, reservation_ids)))
