"""Checkout and orders through the API: idempotency, no oversell, the state machine."""

import datetime
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from livestall.catalog.models import Product
from livestall.db.base import isoformat, utcnow
from livestall.orders.models import Order
from tests.factories.orders import SHIP, move, run_threads
from tests.plugins.app import read_db


@pytest.fixture
def shop(orders_world):
    """teashop's tea (stock 20) and cup (5), potshop's teapot (3), and mei (tokens)."""
    return orders_world(category="tea-drinks")


def order(api, token, items, key="key-00000001", **extra):
    body = {"items": items, "shipping": SHIP, "idempotency_key": key, **extra}
    return api.call("POST", "/api/v1/orders", token=token, json=body)


def stock(pid):
    return read_db(lambda: Product.get_by_id(pid).stock)


def test_order_takes_stock_and_prices_from_the_database(api, shop):
    resp = order(
        api,
        shop["buyer"],
        [
            {"product_id": shop["tea"], "qty": 2, "unit_price_cents": 1},
            {"product_id": shop["cup"], "qty": 1},
        ],
    )
    assert resp.status_code == 201, resp.get_json()
    got = resp.get_json()["order"]
    assert got["status"] == "pending_payment" and got["currency"] == "CNY"
    assert got["total_cents"] == 2 * 16800 + 8900
    assert {
        (i["product_id"], i["qty"], i["unit_price_cents"]) for i in got["items"]
    } == {(shop["tea"], 2, 16800), (shop["cup"], 1, 8900)}
    assert stock(shop["tea"]) == 18 and stock(shop["cup"]) == 4


def test_orders_split_by_merchant(api, shop):
    resp = order(
        api,
        shop["buyer"],
        [
            {"product_id": shop["tea"], "qty": 1},
            {"product_id": shop["pot"], "qty": 1},
        ],
    )
    orders = resp.get_json()["orders"]
    assert len(orders) == 2
    assert {o["total_cents"] for o in orders} == {16800, 39900}
    assert len({o["merchant_id"] for o in orders}) == 2


def test_same_key_same_order_and_different_body_409(api, shop):
    first = order(api, shop["buyer"], [{"product_id": shop["tea"], "qty": 1}])
    again = order(api, shop["buyer"], [{"product_id": shop["tea"], "qty": 1}])
    assert first.status_code == 201 and again.status_code == 200
    assert first.get_json()["order"]["id"] == again.get_json()["order"]["id"]
    assert stock(shop["tea"]) == 19
    other = order(api, shop["buyer"], [{"product_id": shop["tea"], "qty": 2}])
    assert other.status_code == 409
    assert other.get_json()["error"]["code"] == "idempotency_conflict"


def test_short_line_takes_nothing_and_says_which(api, shop):
    resp = order(
        api,
        shop["buyer"],
        [
            {"product_id": shop["tea"], "qty": 2},
            {"product_id": shop["pot"], "qty": 5},
        ],
    )
    assert resp.status_code == 409
    error = resp.get_json()["error"]
    assert error["code"] == "out_of_stock"
    assert error["message"] == "Only 3 left of “紫砂壶”."
    assert stock(shop["tea"]) == 20 and stock(shop["pot"]) == 3
    assert read_db(lambda: Order.select().count()) == 0


@pytest.mark.parametrize(
    "items",
    [
        [{"product_id": 1, "qty": 0}],
        [{"product_id": 1, "qty": -1}],
        [{"product_id": 1, "qty": 100}],
        [{"product_id": 1, "qty": 1.5}],
        [{"product_id": 1, "qty": "2"}],
        [{"product_id": 1, "qty": True}],
        [{"product_id": 99999, "qty": 1}],
        [{"product_id": "x", "qty": 1}],
        [],
        "everything",
        [1, 2],
    ],
)
def test_bad_quantities_and_products_are_400(api, shop, items):
    resp = order(api, shop["buyer"], items)
    assert resp.status_code == 400, resp.get_json()
    assert resp.get_json()["error"]["field"] == "items"


@pytest.mark.parametrize(
    ("shipping", "field"),
    [
        ({**SHIP, "phone": "call me"}, "shipping.phone"),
        ({**SHIP, "name": ""}, "shipping.name"),
        ({**SHIP, "address": "x"}, "shipping.address"),
        ({"name": "a"}, "shipping.address"),
        ("home", "shipping"),
    ],
)
def test_bad_shipping_is_400(api, shop, shipping, field):
    resp = api.call(
        "POST",
        "/api/v1/orders",
        token=shop["buyer"],
        json={
            "items": [{"product_id": shop["tea"], "qty": 1}],
            "shipping": shipping,
            "idempotency_key": "key-00000001",
        },
    )
    assert resp.status_code == 400 and resp.get_json()["error"]["field"] == field


def test_archived_product_is_not_sold(api, shop):
    api.call("DELETE", f"/api/v1/products/{shop['tea']}", token=shop["merchant"])
    resp = order(api, shop["buyer"], [{"product_id": shop["tea"], "qty": 1}])
    assert (
        resp.status_code == 400
        and "not for sale" in resp.get_json()["error"]["message"]
    )


def test_order_visibility(api, shop):
    placed = order(api, shop["buyer"], [{"product_id": shop["tea"], "qty": 1}])
    oid = placed.get_json()["order"]["id"]
    path = f"/api/v1/orders/{oid}"
    assert api.call("GET", path, token=shop["buyer"]).status_code == 200
    assert api.call("GET", path, token=shop["merchant"]).status_code == 200
    assert api.call("GET", path, token=shop["other"]).status_code == 404
    assert api.call("GET", path, token=api.user("nosy")).status_code == 404
    assert api.call("GET", path).status_code == 401
    assert (
        api.call("GET", "/api/v1/orders/99999", token=shop["buyer"]).status_code == 404
    )
    mine = api.call("GET", "/api/v1/orders", token=shop["buyer"]).get_json()
    assert [o["id"] for o in mine["items"]] == [oid] and mine["total"] == 1
    assert (
        api.call("GET", "/api/v1/orders", token=shop["other"]).get_json()["total"] == 0
    )


def test_life_of_an_order_and_who_may_move_it(api, shop):
    oid = order(
        api,
        shop["buyer"],
        [{"product_id": shop["tea"], "qty": 2}],
        payment_method="bank_transfer",
    ).get_json()["order"]["id"]
    assert move(api, shop["buyer"], oid, "paid").status_code == 403
    assert move(api, shop["other"], oid, "paid").status_code == 404
    assert (
        move(api, shop["merchant"], oid, "shipped", tracking_number="SF123").status_code
        == 403
    )  # unpaid transfer
    assert move(api, shop["merchant"], oid, "paid").status_code == 200
    assert move(api, shop["merchant"], oid, "shipped").status_code == 400
    resp = move(api, shop["merchant"], oid, "shipped", tracking_number="SF1234567")
    assert resp.get_json()["order"]["tracking_number"] == "SF1234567"
    delivered = move(api, shop["buyer"], oid, "delivered")
    assert delivered.status_code == 200
    assert delivered.get_json()["order"]["returns_until"].endswith("Z")
    # a return: only the merchant refunds it, once, and the units are back
    assert move(api, shop["buyer"], oid, "refunded").status_code == 403
    assert stock(shop["tea"]) == 18
    refunded = move(api, shop["merchant"], oid, "refunded")
    assert refunded.status_code == 200
    assert refunded.get_json()["order"]["returns_until"] is None
    assert move(api, shop["merchant"], oid, "refunded").status_code == 403
    assert stock(shop["tea"]) == 20


_keys = itertools.count()


def _delivered(api, shop, qty=2, days_ago=0):
    placed = order(
        api,
        shop["buyer"],
        [{"product_id": shop["tea"], "qty": qty}],
        key=f"key-delivered-{next(_keys)}",
        payment_method="bank_transfer",
    )
    oid = placed.get_json()["order"]["id"]
    assert move(api, shop["merchant"], oid, "paid").status_code == 200
    shipped = move(api, shop["merchant"], oid, "shipped", tracking_number="SF1")
    assert shipped.status_code == 200
    assert move(api, shop["buyer"], oid, "delivered").status_code == 200
    when = utcnow() - datetime.timedelta(days=days_ago)
    read_db(lambda: Order.update(updated_at=when).where(Order.id == oid).execute())
    return oid


def test_returns_close_seven_days_after_delivery(api, shop):
    open_oid = _delivered(api, shop, days_ago=6)
    closed_oid = _delivered(api, shop, days_ago=8)
    until = api.call("GET", f"/api/v1/orders/{closed_oid}", token=shop["buyer"])
    delivered_on = read_db(lambda: Order.get_by_id(closed_oid).updated_at)
    expected = isoformat(delivered_on + datetime.timedelta(days=7))
    assert until.get_json()["order"]["returns_until"] == expected
    late = move(api, shop["merchant"], closed_oid, "refunded")
    assert late.status_code == 403
    assert "Returns closed" in late.get_json()["error"]["message"]
    assert read_db(lambda: Order.get_by_id(closed_oid).status) == "delivered"
    assert stock(shop["tea"]) == 16
    assert move(api, shop["merchant"], open_oid, "refunded").status_code == 200
    assert stock(shop["tea"]) == 18


def test_the_return_window_is_a_setting(app, api, shop):
    app.config["RETURN_WINDOW_DAYS"] = 30
    oid = _delivered(api, shop, days_ago=20)
    assert move(api, shop["merchant"], oid, "refunded").status_code == 200
    app.config["RETURN_WINDOW_DAYS"] = 0  # no returns at all
    oid = _delivered(api, shop)
    assert move(api, shop["merchant"], oid, "refunded").status_code == 403


def test_cancel_and_refund_return_stock_exactly_once(api, shop):
    oid = order(api, shop["buyer"], [{"product_id": shop["cup"], "qty": 3}]).get_json()[
        "order"
    ]["id"]
    assert stock(shop["cup"]) == 2
    assert move(api, shop["buyer"], oid, "cancelled").status_code == 200
    assert move(api, shop["buyer"], oid, "cancelled").status_code == 403
    assert move(api, shop["merchant"], oid, "refunded").status_code == 403
    assert stock(shop["cup"]) == 5


@pytest.mark.slow
def test_two_hundred_buyers_race_for_the_last_twenty(app, api):
    merchant = api.user("flash", role="merchant")
    pid = api.product(merchant, title="限量款", stock=20, price_cents=100)["id"]
    tokens = [api.user(f"buyer{i:03d}") for i in range(200)]

    def buy(i):
        client = app.test_client()
        resp = client.post(
            "/api/v1/orders",
            headers={"Authorization": f"Bearer {tokens[i]}"},
            json={
                "items": [{"product_id": pid, "qty": 1}],
                "shipping": SHIP,
                "idempotency_key": f"race-{i:06d}",
            },
        )
        return resp.status_code, (resp.get_json() or {}).get("error", {}).get("code")

    results = run_threads(200, buy)
    assert sum(1 for s, _ in results if s == 201) == 20
    assert sum(1 for s, c in results if s == 409 and c == "out_of_stock") == 180
    assert stock(pid) == 0
    assert read_db(lambda: Order.select().count()) == 20


@pytest.mark.slow
def test_an_idempotency_storm_makes_one_order(app, api, shop):
    def submit(i):
        client = app.test_client()
        resp = client.post(
            "/api/v1/orders",
            headers={"Authorization": f"Bearer {shop['buyer']}"},
            json={
                "items": [{"product_id": shop["tea"], "qty": 1}],
                "shipping": SHIP,
                "idempotency_key": "same-key-storm",
            },
        )
        return resp.status_code, resp.get_json()["order"]["id"]

    results = run_threads(50, submit)
    assert sorted(s for s, _ in results) == [200] * 49 + [201]
    assert len({oid for _, oid in results}) == 1
    assert stock(shop["tea"]) == 19


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["order", "cancel", "pay", "refund", "ship", "deliver"]),
            st.integers(1, 4),
        ),
        max_size=25,
    )
)
def test_stock_plus_sold_is_constant(app, shop, steps):
    """Whatever happens, stock + units in live orders == the stock we started with."""
    from extensions import db
    from livestall.accounts.models import User
    from livestall.errors import DomainError
    from livestall.orders import checkout
    from livestall.orders import lifecycle as orders
    from livestall.orders.models import OrderLine

    with db.connection_context():
        buyer = User.get(User.username == "mei")
        merchant = User.get(User.username == "teashop")
        start = Product.get_by_id(shop["cup"]).stock + sum(
            line.qty
            for line in OrderLine.select()
            .join(Order)
            .where(
                (OrderLine.product == shop["cup"])
                & Order.status.not_in(["cancelled", "refunded"])
            )
        )
        placed = []
        for action, n in steps:
            try:
                if action == "order":
                    got, _ = checkout.place_order(
                        buyer,
                        [{"product_id": shop["cup"], "qty": n}],
                        SHIP,
                        f"prop-{id(steps)}-{len(placed)}-{n}",
                    )
                    placed.extend(got)
                elif placed:
                    o = Order.get_by_id(placed[n % len(placed)].id)
                    to, actor = {
                        "cancel": ("cancelled", buyer),
                        "pay": ("paid", merchant),
                        "refund": ("refunded", merchant),
                        "ship": ("shipped", merchant),
                        "deliver": ("delivered", buyer),
                    }[action]
                    orders.move(actor, o, to, tracking_number="SF0001")
            except DomainError:  # refused moves and sold-out orders are fine
                pass
            live = sum(
                line.qty
                for line in OrderLine.select()
                .join(Order)
                .where(
                    (OrderLine.product == shop["cup"])
                    & Order.status.not_in(["cancelled", "refunded"])
                )
            )
            current = Product.get_by_id(shop["cup"]).stock
            assert current >= 0 and current + live == start


JSONISH = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats()
    | st.text(max_size=40),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    body=st.dictionaries(
        st.sampled_from(
            [
                "items",
                "shipping",
                "idempotency_key",
                "payment_method",
                "reservation_ids",
                "x",
            ]
        ),
        JSONISH,
        max_size=5,
    )
)
def test_any_order_body_gets_a_4xx_not_a_500(api, shop, body):
    resp = api.call("POST", "/api/v1/orders", token=shop["buyer"], json=body)
    assert resp.status_code < 500, (body, resp.get_data(as_text=True)[:300])
    if resp.status_code >= 400:
        error = resp.get_json()["error"]
        assert error["code"] and error["message"]


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    body=st.dictionaries(
        st.sampled_from(["status", "tracking_number", "note"]), JSONISH, max_size=3
    )
)
def test_any_status_body_gets_a_4xx_not_a_500(api, shop, body):
    placed = order(
        api,
        shop["buyer"],
        [{"product_id": shop["tea"], "qty": 1}],
        key="fuzz-status-0001",
    )
    oid = placed.get_json()["order"]["id"]
    for token in (shop["merchant"], shop["buyer"]):
        resp = api.call("POST", f"/api/v1/orders/{oid}/status", token=token, json=body)
        assert resp.status_code < 500, (body, resp.get_data(as_text=True)[:300])
