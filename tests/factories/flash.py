"""Flash sales: teashop's tea (stock 100) featured in lily's live, on air; in this
process (`world`) or over HTTP against a server process (`live_room`)."""

import http.client
import json

from tests.factories import live
from tests.plugins.app import PASSWORD

# The merchant's consent to flash sales at any price and quantity: these tests are
# about the sale itself (its limits are tests/flash/test_merchant_consent.py's).
CONSENT = {"flash_min_price_cents": 1, "flash_max_units": 1_000_000}
TEA = {"title": "明前龙井 Longjing", "price_cents": 16800, "stock": 100, **CONSENT}
CUP = {"title": "Celadon Cup 青瓷杯", "price_cents": 8900, "stock": 3, **CONSENT}
OTHER = {"title": "Not in this live", "price_cents": 5000, "stock": 9}  # no consent
TITLE = "今晚八点 秒杀"
PEOPLE = live.PEOPLE  # lily hosts; rose, another creator; mei, a shopper


def world(app, api, *, products=None, people=(live.PEOPLE[0],), **options):
    """`live.world` with the session "今晚八点 秒杀" on air: teashop's products
    ({"tea": TEA} unless told), lily the host (and whoever else `people` names);
    other options as `live.world`'s."""
    return live.world(
        app,
        api,
        products={"tea": TEA} if products is None else products,
        people=people,
        session=TITLE,
        **options,
    )


# --- over HTTP, against a server process (tests/plugins/browser.py LiveServer) ---


def call(port, method, path, token=None, body=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    conn.request(method, path, body=json.dumps(body or {}), headers=headers)
    resp = conn.getresponse()
    data = json.loads(resp.read() or b"{}")
    conn.close()
    return resp.status, data


def user(port, name, role="shopper"):
    status, data = call(
        port,
        "POST",
        "/api/v1/users",
        body={
            "username": name,
            "email": f"{name}@example.com",
            "password": PASSWORD,
            "role": role,
        },
    )
    assert status == 201, data
    return data["token"]


def live_room(port, units=40, limit=1, stock=5000, duration_s=600):
    """Over HTTP: a merchant's product (open to flash sales: CONSENT), a creator
    whose live is on, and (unless `units` is 0) a flash sale of `units` at ¥99
    with `limit` per person."""
    shop = user(port, "teashop", "merchant")
    host = user(port, "lily", "creator")
    _, product = call(
        port,
        "POST",
        "/api/v1/products",
        shop,
        {
            "title": "龙井",
            "price_cents": 16800,
            "stock": stock,
            "category": "tea-drinks",
            **CONSENT,
        },
    )
    pid = product["product"]["id"]
    _, live = call(
        port, "POST", "/api/v1/live", host, {"title": "秒杀", "product_ids": [pid]}
    )
    sid = live["session"]["id"]
    status, _ = call(port, "POST", f"/api/v1/live/{sid}/start", host)
    assert status == 200
    room = {"host": host, "session_id": sid, "product_id": pid, "sale_id": None}
    if units:
        status, sale = call(
            port,
            "POST",
            f"/api/v1/live/{sid}/flash-sales",
            host,
            {
                "product_id": pid,
                "price_cents": 9900,
                "quantity": units,
                "per_user_limit": limit,
                "duration_s": duration_s,
            },
        )
        assert status == 201, sale
        room["sale_id"] = sale["flash_sale"]["id"]
    return room
