"""Coupons and red packets by the API: `coupon_body`/`coupon`/`made_coupon` (a
merchant's coupon), `claim`, `order_with` (a checkout using coupons), and a live
on air (`live_on`: a creator's, selling teashop's products) for red packets and
drops (`red_packet`)."""

import datetime
import itertools

from tests.factories.orders import SHIP

_KEYS = itertools.count(1)


def key(prefix="cpn"):
    return f"{prefix}-{next(_KEYS):06d}"


def at(**delta):
    """An ISO time `delta` from now."""
    return (
        datetime.datetime.now(datetime.UTC) + datetime.timedelta(**delta)
    ).isoformat()


def coupon_body(**fields):
    """¥20 off over ¥100, 10 of them, one each, claimable for a day, valid 7 days;
    `fields` override (None drops a field)."""
    body = {
        "kind": "amount_off",
        "amount_off_cents": 2000,
        "min_spend_cents": 10000,
        "total": 10,
        "per_user_limit": 1,
        "claim_ends_at": at(days=1),
        "valid_days": 7,
        **fields,
    }
    return {k: v for k, v in body.items() if v is not None}


def coupon(api, merchant_token, **fields):
    return api.call(
        "POST", "/api/v1/coupons", token=merchant_token, json=coupon_body(**fields)
    )


def made_coupon(api, merchant_token, **fields):
    resp = coupon(api, merchant_token, **fields)
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()["coupon"]


def claim(api, token, coupon_id):
    return api.call("POST", f"/api/v1/coupons/{coupon_id}/claim", token=token)


def claimed(api, token, coupon_id):
    """A user coupon that must have been claimed: its dict."""
    resp = claim(api, token, coupon_id)
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()["user_coupon"]


def order_with(api, token, items, coupon_ids, payment="cod", **extra):
    """POST /api/v1/orders with `items` [(product id, qty)] and `coupon_ids`."""
    body = {
        "items": [{"product_id": p, "qty": q} for p, q in items],
        "shipping": SHIP,
        "idempotency_key": key("order"),
        "payment_method": payment,
        "coupon_ids": coupon_ids,
        **extra,
    }
    return api.call("POST", "/api/v1/orders", token=token, json=body)


def live_on(api, product_ids, host="lily", title="春茶直播"):
    """A live on air, hosted by a new creator (`host`) and featuring `product_ids`:
    (session id, host token)."""
    host_token = api.user(host, role="creator")
    resp = api.call(
        "POST",
        "/api/v1/live",
        token=host_token,
        json={"title": title, "product_ids": product_ids},
    )
    assert resp.status_code == 201, resp.get_json()
    sid = resp.get_json()["session"]["id"]
    resp = api.call("POST", f"/api/v1/live/{sid}/start", token=host_token)
    assert resp.status_code == 200, resp.get_json()
    return sid, host_token


def red_packet(api, merchant_token, live_id, **fields):
    body = {
        "live_id": live_id,
        "total_cents": 1000,
        "count": 5,
        "split": "random",
        "min_spend_cents": 0,
        "valid_days": 3,
        **fields,
    }
    body = {k: v for k, v in body.items() if v is not None}
    return api.call("POST", "/api/v1/red-packets", token=merchant_token, json=body)
