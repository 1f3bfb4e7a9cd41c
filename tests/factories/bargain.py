"""Bargaining (砍价) by the API: a campaign (`campaign_body`, `campaign`,
`made_campaign`), records (`start`, `help_cut`, `buy`), and reading what the
rules wrote (`record_row`, `campaign_row`, `helps`). `world` is the orders world
(teashop's tea, mei) with one campaign of the tea, as the `bargain_world`
fixture."""

import itertools

from livestall.bargain.models import Bargain, BargainHelp, BargainRecord
from tests.factories import orders
from tests.factories.group_buy import ends_in
from tests.factories.orders import SHIP
from tests.plugins.app import read_db

_KEYS = itertools.count(1)


def key(prefix="bargain"):
    """A fresh idempotency key."""
    return f"{prefix}-{next(_KEYS):06d}"


def campaign_body(product_id, **fields):
    """POST /api/v1/bargains's body: from ¥100.00 to ¥10.00 in 3 helps, records
    open an hour, 5 units, 1 a shopper, ending in a day; `fields` override (None
    drops a field)."""
    body = {
        "product_id": product_id,
        "start_price_cents": 10000,
        "floor_price_cents": 1000,
        "helpers_needed": 3,
        "record_window_s": 3600,
        "ends_at": ends_in(),
        "units": 5,
        "per_user_limit": 1,
        **fields,
    }
    return {k: v for k, v in body.items() if v is not None}


def campaign(api, merchant_token, product_id, **fields):
    """POST /api/v1/bargains (the response)."""
    return api.call(
        "POST",
        "/api/v1/bargains",
        token=merchant_token,
        json=campaign_body(product_id, **fields),
    )


def made_campaign(api, merchant_token, product_id, **fields):
    """A campaign that must be created: its `bargain` dict."""
    resp = campaign(api, merchant_token, product_id, **fields)
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()["bargain"]


def start(api, token, bargain_id):
    """POST /api/v1/bargains/ID/records (the response)."""
    return api.call("POST", f"/api/v1/bargains/{bargain_id}/records", token=token)


def started(api, token, bargain_id):
    """A record that must start: its `record` dict."""
    resp = start(api, token, bargain_id)
    assert resp.status_code in (200, 201), resp.get_json()
    return resp.get_json()["record"]


def help_cut(api, token, record_id, **kw):
    """POST /api/v1/bargain-records/ID/help (the response)."""
    return api.call(
        "POST", f"/api/v1/bargain-records/{record_id}/help", token=token, **kw
    )


def buy(api, token, record_id, idempotency_key=None, **fields):
    """POST /api/v1/orders with `bargain_record_id` (the response)."""
    body = {
        "bargain_record_id": record_id,
        "idempotency_key": idempotency_key or key(),
        "shipping": SHIP,
        "payment_method": "cod",
        **fields,
    }
    return api.call("POST", "/api/v1/orders", token=token, json=body)


def record_row(record_id):
    return read_db(lambda: BargainRecord.get_by_id(record_id))


def campaign_row(bargain_id):
    return read_db(lambda: Bargain.get_by_id(bargain_id))


def helps(record_id):
    """[(helper username, cut_cents, nth)] of the record, first cut first."""
    return read_db(
        lambda: [
            (h.helper.username, h.cut_cents, h.nth)
            for h in BargainHelp.select()
            .where(BargainHelp.record == record_id)
            .order_by(BargainHelp.nth)
        ]
    )


def world(api, **campaign_fields):
    """The orders world (tea only) and a campaign of the tea (`bargain`)."""
    found = orders.world(api, only=["tea"])
    found["bargain"] = made_campaign(
        api, found["merchant"], found["tea"], **campaign_fields
    )
    return found
