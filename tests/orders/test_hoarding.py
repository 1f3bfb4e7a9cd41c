"""Inventory hoarding (issue 15, finding 6): a shopper placed cash-on-delivery orders
for 594 of 1,000 units that stayed pending for ever. Units of a product in a buyer's
unshipped orders are capped, checkouts are rate-limited per buyer, and cash-on-
delivery orders not shipped in time are cancelled with their stock back once."""

import itertools
from datetime import timedelta

import pytest

from blueprints.maintenance import maintenance_pass
from extensions import db
from livestall.catalog.models import Product
from livestall.errors import Conflict
from livestall.orders import lifecycle as orders
from livestall.orders.models import Order, OrderEvent
from tests.factories.orders import SHIP, Browser, move, notes, place, run_threads
from tests.plugins.app import plain, read_db

_KEYS = itertools.count(1)
TEA = "龙井 250g"


@pytest.fixture
def shop(orders_world):
    """teashop's tea (stock 100) and cup (stock 100); mei, a buyer (token)."""
    world = orders_world(only=["tea", "cup"], stock={"tea": 100, "cup": 100})
    return {**world, "shop": world["merchant"]}


def _place(shop, qty, product="tea", payment="cod", token=None, key=None):
    return place(
        shop["api"],
        token or shop["buyer"],
        [{"product_id": shop[product], "qty": qty}],
        payment,
        key or f"hoard-key-{next(_KEYS):05d}",
    )


def _stock(product_id):
    return read_db(lambda: Product.get_by_id(product_id).stock)


def _status(order_id):
    return read_db(lambda: Order.get_by_id(order_id).status)


def _error(resp):
    return resp.get_json()["error"]


def _backdate(order_id, days):
    def go():
        placed = Order.get_by_id(order_id).created_at
        Order.update(created_at=placed - timedelta(days=days)).where(
            Order.id == order_id
        ).execute()

    read_db(go)


# --- the cap on unshipped units per buyer and product ---------------------------------


def test_unshipped_units_of_a_product_are_capped_per_buyer(shop):
    api = shop["api"]
    assert _place(shop, 15).status_code == 201
    over = _place(shop, 6)
    assert over.status_code == 409
    assert _error(over)["code"] == "limit_reached"
    assert _error(over)["field"] == "items"
    message = _error(over)["message"]
    assert TEA in message and "20" in message and "you have 15" in message
    assert _stock(shop["tea"]) == 100 - 15  # nothing taken by the refusal
    # up to the cap is fine; the cap is per product, and per buyer
    assert _place(shop, 5).status_code == 201
    assert _place(shop, 20, product="cup").status_code == 201
    assert _place(shop, 1).status_code == 409
    lan = api.user("lan")
    assert _place(shop, 20, token=lan).status_code == 201
    # one order above the cap on its own: refused too
    zhou = api.user("zhou")
    assert _error(_place(shop, 21, token=zhou))["code"] == "limit_reached"
    assert _stock(shop["tea"]) == 100 - 20 - 20


def test_shipped_and_cancelled_orders_free_the_buyers_allowance(shop):
    api = shop["api"]
    first = _place(shop, 12).get_json()["order"]["id"]
    second = _place(shop, 8).get_json()["order"]["id"]
    assert _place(shop, 1).status_code == 409
    # shipped: the goods have left the shop
    shipped = move(api, shop["shop"], first, "shipped", tracking_number="SF100")
    assert shipped.status_code == 200
    assert _place(shop, 12).status_code == 201
    assert _place(shop, 1).status_code == 409
    # cancelled: the units are back on the shelf
    assert move(api, shop["buyer"], second, "cancelled").status_code == 200
    assert _place(shop, 8).status_code == 201
    # paid but not shipped still counts (bank transfer)
    assert _place(shop, 1, payment="bank_transfer").status_code == 409


def test_the_cap_is_a_setting_and_zero_turns_it_off(app, shop):
    app.config["ORDER_UNSHIPPED_UNITS_MAX"] = 3
    assert _place(shop, 3).status_code == 201
    assert "at most 3" in _error(_place(shop, 1))["message"].lower()
    app.config["ORDER_UNSHIPPED_UNITS_MAX"] = 0
    assert _place(shop, 50).status_code == 201


def test_the_checkout_page_says_why(app, shop):
    mei = Browser(app, "mei", signup=False)
    mei.add(shop["tea"], 21)
    resp, _key = mei.checkout("cod")
    assert resp.status_code == 400
    page = plain(resp)
    assert TEA in page and "per person in orders not yet shipped" in page
    assert _stock(shop["tea"]) == 100


def test_concurrent_orders_of_one_buyer_cannot_both_pass_the_cap(app, shop):
    """Eight checkouts of 5 units at once, cap 20: exactly four pass. On PostgreSQL
    the buyer's advisory lock is what keeps the others from counting before the
    first ones commit (SQLite serialises every writer anyway). The rate limit is
    off: its counter row, upserted in the checkout's transaction, would serialise
    them on its own with the database counter (not with Redis)."""
    app.config["ORDER_RATE_MAX"] = 0

    def buy(i):
        client = app.test_client()
        resp = client.post(
            "/api/v1/orders",
            headers={"Authorization": f"Bearer {shop['buyer']}"},
            json={
                "items": [{"product_id": shop["tea"], "qty": 5}],
                "shipping": SHIP,
                "idempotency_key": f"hoard-race-{i:04d}",
            },
        )
        return resp.status_code, (resp.get_json() or {}).get("error", {}).get("code")

    results = run_threads(8, buy)
    assert sorted(results) == [(201, None)] * 4 + [(409, "limit_reached")] * 4
    assert _stock(shop["tea"]) == 80
    units = read_db(
        lambda: sum(
            line.qty
            for o in Order.select().where(Order.status == "pending_payment")
            for line in o.lines
        )
    )
    assert units == 20


def test_flash_sale_units_count_neither_way(app, api, flash_world):
    """A hold is bounded by its sale's per-person limit (the merchant's consent):
    it is not refused by the cap, and shelf units are capped on their own."""
    room = flash_world()
    tea = room["tea"]
    app.config["ORDER_UNSHIPPED_UNITS_MAX"] = 3
    mei = api.user("mei")
    sale = api.call(
        "POST",
        f"/api/v1/live/{room['sid']}/flash-sales",
        token=room["host"],
        json={
            "product_id": tea,
            "price_cents": 9900,
            "quantity": 10,
            "per_user_limit": 5,
            "duration_s": 120,
        },
    ).get_json()["flash_sale"]
    grabbed = api.call(
        "POST", f"/api/v1/flash-sales/{sale['id']}/grab", token=mei, json={"qty": 5}
    )
    hold = grabbed.get_json()["reservation"]["id"]
    body = {"shipping": SHIP, "payment_method": "cod"}
    resp = api.call(
        "POST",
        "/api/v1/orders",
        token=mei,
        json={
            **body,
            "idempotency_key": "flash-cap-0001",
            "reservation_ids": [hold],
            "items": [{"product_id": tea, "qty": 3}],
        },
    )
    assert resp.status_code == 201, resp.get_json()
    assert sum(i["qty"] for i in resp.get_json()["order"]["items"]) == 8
    more = api.call(
        "POST",
        "/api/v1/orders",
        token=mei,
        json={
            **body,
            "idempotency_key": "flash-cap-0002",
            "items": [{"product_id": tea, "qty": 1}],
        },
    )
    assert more.status_code == 409 and _error(more)["code"] == "limit_reached"
    assert "you have 3" in _error(more)["message"]


# --- the rate of checkouts ----------------------------------------------------------


def test_checkouts_are_rate_limited_per_buyer_and_replays_do_not_count(app, shop):
    app.config["ORDER_RATE_MAX"] = 3
    first = _place(shop, 1, key="rate-key-0001")
    assert first.status_code == 201
    # replaying a key returns the same order and is not a new checkout
    for _ in range(5):
        again = _place(shop, 1, key="rate-key-0001")
        assert again.status_code == 200
        assert again.get_json()["order"]["id"] == first.get_json()["order"]["id"]
    assert _place(shop, 1, key="rate-key-0002").status_code == 201
    assert _place(shop, 1, key="rate-key-0003").status_code == 201
    refused = _place(shop, 1, key="rate-key-0004")
    assert refused.status_code == 429
    assert _error(refused)["code"] == "rate_limited"
    assert 1 <= int(refused.headers["Retry-After"]) <= 600
    assert _stock(shop["tea"]) == 100 - 3
    # a replay still answers while the buyer is limited; others are not limited
    assert _place(shop, 1, key="rate-key-0002").status_code == 200
    assert _place(shop, 1, token=shop["api"].user("lan")).status_code == 201
    # a refused attempt was not a checkout: the key can be used once allowed
    app.config["ORDER_RATE_MAX"] = 4
    assert _place(shop, 1, key="rate-key-0004").status_code == 201


def test_failed_checkouts_do_not_use_up_the_rate(app, shop):
    app.config["ORDER_RATE_MAX"] = 2
    app.config["ORDER_UNSHIPPED_UNITS_MAX"] = 2
    assert _place(shop, 2).status_code == 201
    for _ in range(3):  # refused by the cap: rolled back, not counted
        assert _place(shop, 1).status_code == 409
    assert _place(shop, 1, product="cup").status_code == 201
    assert _place(shop, 1, product="cup").status_code == 429


def test_the_checkout_form_is_rate_limited_too(app, shop):
    app.config["ORDER_RATE_MAX"] = 1
    mei = Browser(app, "mei", signup=False)
    mei.add(shop["tea"])
    resp, key = mei.checkout("cod")
    assert resp.status_code == 302
    mei.add(shop["tea"])
    resp, _key = mei.checkout("cod")
    assert resp.status_code == 429
    assert int(resp.headers["Retry-After"]) >= 1
    assert "many orders in a short time" in plain(resp)
    # the first form's double submit is a replay: still its order
    again = mei.post(
        "/checkout", {**SHIP, "payment_method": "cod", "idempotency_key": key}
    )
    assert again.status_code == 302
    assert _stock(shop["tea"]) == 99


# --- cash on delivery not shipped in time -------------------------------------------


def test_unshipped_cash_on_delivery_orders_are_cancelled_once_with_stock_back(
    app, shop
):
    api = shop["api"]
    late = _place(shop, 3).get_json()["order"]
    fresh = _place(shop, 2).get_json()["order"]
    shipped = _place(shop, 4).get_json()["order"]
    transfer = _place(shop, 1, payment="bank_transfer").get_json()["order"]
    move(api, shop["shop"], transfer["id"], "paid")
    move(api, shop["shop"], shipped["id"], "shipped", tracking_number="SF200")
    for order in (late, shipped, transfer):
        _backdate(order["id"], 7)
    _backdate(fresh["id"], 6)
    assert _stock(shop["tea"]) == 100 - 10

    with app.app_context():
        first = maintenance_pass(app)["unpaid_cancelled"]
        again = maintenance_pass(app)["unpaid_cancelled"]
    assert [o.id for o in first] == [late["id"]] and again == []
    assert [_status(o["id"]) for o in (late, fresh, shipped, transfer)] == [
        "cancelled",
        "pending_payment",
        "shipped",
        "paid",
    ]
    assert _stock(shop["tea"]) == 100 - 7  # the 3 units came back, once
    assert read_db(lambda: Product.get_by_id(shop["tea"]).sales_count) == 7
    event = read_db(
        lambda: (
            OrderEvent.select()
            .where(OrderEvent.order == late["id"])
            .order_by(OrderEvent.id.desc())
            .get()
        )
    )
    assert (event.from_status, event.to_status) == ("pending_payment", "cancelled")
    assert event.actor_id is None and event.note == orders.UNSHIPPED_NOTE
    for token in (shop["buyer"], shop["shop"]):  # both sides, once each
        told = [n for n in notes(api, token)["items"] if n["kind"] == "order_cancelled"]
        assert [n["order_id"] for n in told] == [late["id"]]
        assert told[0]["data"]["reason"] == "unshipped"


def test_concurrent_sweeps_return_the_stock_once(app, shop):
    orders_ = [_place(shop, 2).get_json()["order"]["id"] for _ in range(5)]
    for oid in orders_:
        _backdate(oid, 8)

    def sweep(_i):
        with app.app_context():
            return [o.id for o in maintenance_pass(app)["unpaid_cancelled"]]

    results = run_threads(4, sweep)
    assert sorted(oid for done in results for oid in done) == sorted(orders_)
    assert _stock(shop["tea"]) == 100
    assert read_db(lambda: Product.get_by_id(shop["tea"]).sales_count) == 0
    cancels = read_db(
        lambda: OrderEvent.select().where(OrderEvent.to_status == "cancelled").count()
    )
    assert cancels == 5


def test_the_ship_deadline_is_a_setting_shown_and_checked_on_read(app, shop):
    api = shop["api"]
    app.config["COD_SHIP_DAYS"] = 2
    order = _place(shop, 2).get_json()["order"]
    ship_by = order["payment"]["ship_by"]
    assert ship_by > order["created_at"] and "pay_by" not in order["payment"]
    _backdate(order["id"], 1)
    with app.app_context():
        assert maintenance_pass(app)["unpaid_cancelled"] == []
    merchant = Browser(app, "teashop", signup=False)
    page = plain(merchant.get(f"/orders/{order['id']}"))
    assert "To be shipped by" in page and "or the order is cancelled" in page
    _backdate(order["id"], 1)
    # the merchant ships an overdue order not yet swept: reading it sweeps it first
    late = move(api, shop["shop"], order["id"], "shipped", tracking_number="SF300")
    assert late.status_code == 403 and "shipped" in _error(late)["message"]
    assert _status(order["id"]) == "cancelled" and _stock(shop["tea"]) == 100
    got = api.call("GET", f"/api/v1/orders/{order['id']}", token=shop["buyer"])
    assert got.get_json()["order"]["payment"]["ship_by"] is None
    page = plain(merchant.get(f"/orders/{order['id']}"))
    assert "automatically · not shipped in time" in page
    assert f"Order #{order['id']} was cancelled: it was not shipped in time." in plain(
        merchant.get("/notifications")
    )
    # 0: cash on delivery never expires
    app.config["COD_SHIP_DAYS"] = 0
    other = _place(shop, 1).get_json()["order"]
    assert other["payment"]["ship_by"] is None
    _backdate(other["id"], 400)
    with app.app_context():
        assert maintenance_pass(app)["unpaid_cancelled"] == []


def test_a_stale_move_loses_to_the_sweep(app, shop):
    order_id = _place(shop, 2).get_json()["order"]["id"]
    _backdate(order_id, 8)
    with app.app_context(), db.connection_context():
        stale = Order.get_by_id(order_id)  # the merchant's page, loaded earlier
        merchant = stale.merchant
        orders.expire_unpaid()
        with pytest.raises(Conflict, match="not shipped in time"):
            orders.move(merchant, stale, "shipped", tracking_number="SF400")
        # overdue, not yet swept: the move sweeps it and refuses
        other = Order.get_by_id(_place(shop, 1).get_json()["order"]["id"])
    _backdate(other.id, 8)
    with app.app_context(), db.connection_context():
        other = Order.get_by_id(other.id)
        with pytest.raises(Conflict, match="not shipped in time"):
            orders.move(merchant, other, "shipped", tracking_number="SF401")
    assert _status(order_id) == "cancelled" and _status(other.id) == "cancelled"
    assert _stock(shop["tea"]) == 100
    shipped = read_db(
        lambda: OrderEvent.select().where(OrderEvent.to_status == "shipped").count()
    )
    assert shipped == 0
