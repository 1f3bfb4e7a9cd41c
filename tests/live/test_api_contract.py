"""The upstream contract (/work/shared/API.md, "Live selling"), call by call, each
sending only the fields API.md names: a client that knows nothing of this site's
extensions (no `product_ids`) schedules a live, starts it, pins any product, runs a
flash sale of a product whose merchant consented, and its viewers grab (issue 15)."""

import datetime

import pytest

TOMORROW = (datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=1)).strftime(
    "%Y-%m-%dT%H:%M:%SZ"
)
SESSION_KEYS = {"id", "title", "status", "creator", "pinned_product", "url"}
SALE_KEYS = {
    "id",
    "product_id",
    "price_cents",
    "quantity",
    "remaining",
    "held",
    "sold",
    "per_user_limit",
    "starts_at",
    "ends_at",
    "status",
}


@pytest.fixture
def world(api):
    """A merchant's product (API.md's fields) open to flash sales from ¥99 for up to
    20 units; lily, a creator; mei, a shopper."""
    merchant = api.user("teashop", role="merchant")
    resp = api.call(
        "POST",
        "/api/v1/products",
        token=merchant,
        json={
            "title": "明前龙井 Longjing",
            "description": "今年的新茶",
            "price_cents": 16800,
            "currency": "CNY",
            "stock": 100,
            "category": "tea-drinks",
            "brand": "西湖",
            "tags": ["龙井"],
            "commission_bps": 800,
        },
    )
    assert resp.status_code == 201, resp.get_json()
    product = resp.get_json()["product"]["id"]
    resp = api.call(
        "PATCH",
        f"/api/v1/products/{product}",
        token=merchant,
        json={"flash_min_price_cents": 9900, "flash_max_units": 20},
    )
    assert resp.status_code == 200, resp.get_json()
    return {
        "api": api,
        "merchant": merchant,
        "product": product,
        "host": api.user("lily", role="creator"),
        "shopper": api.user("mei"),
    }


def call(world, method, path, who="host", body=None):
    return world["api"].call(method, path, token=world[who], json=body)


def session_of(resp, status):
    assert resp.status_code == status, resp.get_json()
    session = resp.get_json()["session"]
    assert set(session) >= SESSION_KEYS
    return session


def create(world):
    resp = call(
        world,
        "POST",
        "/api/v1/live",
        body={
            "title": "今晚八点 新茶",
            "description": "龙井专场",
            "scheduled_at": TOMORROW,
        },
    )
    return session_of(resp, 201)


def on_air(world):
    sid = create(world)["id"]
    session_of(call(world, "POST", f"/api/v1/live/{sid}/start"), 200)
    return sid


def launch(world, sid, **fields):
    body = {
        "product_id": world["product"],
        "price_cents": 9900,
        "quantity": 10,
        "per_user_limit": 2,
        "duration_s": 600,
        **fields,
    }
    return call(world, "POST", f"/api/v1/live/{sid}/flash-sales", body=body)


def sale_of(resp, status):
    assert resp.status_code == status, resp.get_json()
    sale = resp.get_json()["flash_sale"]
    assert set(sale) >= SALE_KEYS
    assert sale["sold"] + sale["held"] + sale["remaining"] == sale["quantity"]
    return sale


def test_create(world):
    session = create(world)
    assert session["status"] == "scheduled" and session["title"] == "今晚八点 新茶"
    assert session["creator"]["username"] == "lily"
    assert session["pinned_product"] is None


def test_start(world):
    sid = create(world)["id"]
    assert (
        session_of(call(world, "POST", f"/api/v1/live/{sid}/start"), 200)["status"]
        == "live"
    )


def test_end(world):
    sid = on_air(world)
    assert (
        session_of(call(world, "POST", f"/api/v1/live/{sid}/end"), 200)["status"]
        == "ended"
    )


def test_pin(world):
    sid = on_air(world)
    resp = call(
        world, "POST", f"/api/v1/live/{sid}/pin", body={"product_id": world["product"]}
    )
    assert session_of(resp, 200)["pinned_product"]["id"] == world["product"]


def test_flash_sales(world):
    sid = on_air(world)
    sale = sale_of(launch(world, sid), 201)
    assert (sale["product_id"], sale["price_cents"]) == (world["product"], 9900)
    assert (sale["quantity"], sale["remaining"], sale["per_user_limit"]) == (10, 10, 2)
    assert sale["status"] == "open"
    # beyond the merchant's consent (API.md: "Merchant consent for creator-run sales")
    for fields in ({"price_cents": 9800}, {"quantity": 11}):
        resp = launch(world, sid, **fields)
        assert resp.status_code == 403, resp.get_json()
        assert resp.get_json()["error"]["code"] == "not_allowed_by_merchant"


def test_get_flash_sale(world):
    sale = sale_of(launch(world, on_air(world)), 201)
    got = sale_of(call(world, "GET", f"/api/v1/flash-sales/{sale['id']}"), 200)
    assert got["id"] == sale["id"] and got["remaining"] == 10


def test_grab(world):
    sale = sale_of(launch(world, on_air(world)), 201)
    resp = call(
        world,
        "POST",
        f"/api/v1/flash-sales/{sale['id']}/grab",
        who="shopper",
        body={"qty": 2},
    )
    assert resp.status_code == 201, resp.get_json()
    reservation = resp.get_json()["reservation"]
    assert set(reservation) >= {"id", "qty", "expires_at"} and reservation["qty"] == 2
    got = sale_of(call(world, "GET", f"/api/v1/flash-sales/{sale['id']}"), 200)
    assert (got["held"], got["remaining"]) == (2, 8)
