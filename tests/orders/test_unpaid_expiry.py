"""Unpaid bank-transfer orders run out of time: cancelled by the system, stock
returned exactly once, both parties told, from the sweep and lazily on read."""

import itertools
from datetime import datetime, timedelta

import pytest

from blueprints.maintenance import maintenance_pass
from extensions import db
from livestall.catalog.models import Product
from livestall.errors import Conflict
from livestall.notifications.models import Notification
from livestall.orders import lifecycle as orders
from livestall.orders.models import Order, OrderEvent
from tests.factories.orders import Browser, move, notes, place
from tests.plugins.app import plain, read_db

HOURS = 72
_KEYS = itertools.count(1)  # a fresh idempotency key per order


@pytest.fixture
def shop(orders_world):
    """teashop (bank details) and its tea (stock 10), and mei (tokens)."""
    world = orders_world(only=["tea"], stock={"tea": 10})
    return {**world, "shop": world["merchant"]}


def _order(shop, payment="bank_transfer", qty=2, key=None):
    resp = place(
        shop["api"],
        shop["buyer"],
        [{"product_id": shop["tea"], "qty": qty}],
        payment,
        key or f"unpaid-key-{next(_KEYS):04d}",
    )
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()["order"]


def _backdate(order_id, hours):
    """Pretend the order was placed `hours` ago (the fake clock of these tests)."""

    def go():
        placed = Order.get_by_id(order_id).created_at
        Order.update(created_at=placed - timedelta(hours=hours)).where(
            Order.id == order_id
        ).execute()

    read_db(go)


def _stock(product_id):
    return read_db(lambda: Product.get_by_id(product_id).stock)


def _status(order_id):
    return read_db(lambda: Order.get_by_id(order_id).status)


def test_a_bank_transfer_order_says_when_it_must_be_paid(shop):
    order = _order(shop)
    placed = datetime.fromisoformat(order["created_at"].rstrip("Z"))
    pay_by = datetime.fromisoformat(order["payment"]["pay_by"].rstrip("Z"))
    assert pay_by - placed == timedelta(hours=HOURS)
    cod = _order(shop, "cod", qty=1)
    assert "pay_by" not in cod["payment"]  # cash on delivery never expires
    # once paid there is no deadline any more
    paid = move(shop["api"], shop["shop"], order["id"], "paid").get_json()["order"]
    assert paid["payment"]["pay_by"] is None


def test_the_sweep_cancels_only_overdue_unpaid_transfers_and_restocks_once(app, shop):
    late = _order(shop, qty=2)
    fresh = _order(shop, qty=1)
    paid = _order(shop, qty=1)
    cod = _order(shop, "cod", qty=1)
    move(shop["api"], shop["shop"], paid["id"], "paid")
    assert _stock(shop["tea"]) == 10 - 5
    for order in (late, paid, cod):
        _backdate(order["id"], HOURS)
    _backdate(fresh["id"], HOURS - 1)  # an hour left

    with app.app_context():
        first = maintenance_pass(app)["unpaid_cancelled"]
        # a second process sweeping too: nothing
        again = maintenance_pass(app)["unpaid_cancelled"]
    assert [o.id for o in first] == [late["id"]] and again == []
    assert _status(late["id"]) == "cancelled"
    assert [_status(o["id"]) for o in (fresh, paid, cod)] == [
        "pending_payment",
        "paid",
        "pending_payment",
    ]
    assert _stock(shop["tea"]) == 10 - 3  # the 2 units came back, once
    sales = read_db(lambda: Product.get_by_id(shop["tea"]).sales_count)
    assert sales == 3

    event = read_db(
        lambda: (
            OrderEvent.select()
            .where(OrderEvent.order == late["id"])
            .order_by(OrderEvent.id.desc())
            .get()
        )
    )
    assert (event.from_status, event.to_status) == ("pending_payment", "cancelled")
    assert event.actor_id is None and event.note == orders.UNPAID_NOTE
    # both sides are told why
    for token in (shop["buyer"], shop["shop"]):
        told = [
            n
            for n in notes(shop["api"], token)["items"]
            if n["kind"] == "order_cancelled"
        ]
        assert len(told) == 1 and told[0]["order_id"] == late["id"]
        assert told[0]["data"]["reason"] == "unpaid"


def test_the_time_to_pay_is_a_setting(app, shop):
    app.config["BANK_TRANSFER_PAY_WITHIN_H"] = 2
    order = _order(shop)
    _backdate(order["id"], 1)
    with app.app_context():
        assert maintenance_pass(app)["unpaid_cancelled"] == []
    _backdate(order["id"], 1)
    with app.app_context():
        cancelled = maintenance_pass(app)["unpaid_cancelled"]
        assert [o.id for o in cancelled] == [order["id"]]


def test_reading_an_overdue_order_cancels_it_first(shop):
    api = shop["api"]
    order = _order(shop)
    _backdate(order["id"], HOURS + 1)
    got = api.call("GET", f"/api/v1/orders/{order['id']}", token=shop["buyer"])
    assert got.status_code == 200
    assert got.get_json()["order"]["status"] == "cancelled"
    assert _stock(shop["tea"]) == 10
    # the merchant can no longer mark it paid: a clear refusal, nothing changes
    resp = move(api, shop["shop"], order["id"], "paid")
    assert resp.status_code == 409
    assert resp.get_json()["error"]["code"] == "payment_too_late"
    assert "paid" in resp.get_json()["error"]["message"]
    assert _status(order["id"]) == "cancelled" and _stock(shop["tea"]) == 10


@pytest.mark.parametrize("reader", ["buyer", "merchant"])
def test_order_lists_sweep_their_own_overdue_orders(shop, reader):
    api = shop["api"]
    order = _order(shop)
    _backdate(order["id"], HOURS + 1)
    if reader == "buyer":
        listing = api.call("GET", "/api/v1/orders", token=shop["buyer"]).get_json()
        assert [o["status"] for o in listing["items"]] == ["cancelled"]
    else:
        found, _total = read_db(
            lambda: orders.orders_of_merchant(
                read_db(lambda: Order.get_by_id(order["id"]).merchant)
            )
        )
        assert [o.status for o in found] == ["cancelled"]
    assert _stock(shop["tea"]) == 10


def test_a_merchant_marking_paid_with_a_stale_page_loses_to_the_sweep(app, shop):
    order_id = _order(shop)["id"]
    _backdate(order_id, HOURS + 1)
    with app.app_context(), db.connection_context():
        stale = Order.get_by_id(order_id)  # the merchant's page, loaded earlier
        merchant = stale.merchant
        orders.expire_unpaid()
        with pytest.raises(Conflict):
            orders.move(merchant, stale, "paid")
        # a stale overdue order not yet swept: the move sweeps it and refuses
        other = Order.get_by_id(_order(shop, key="k-second")["id"])
    _backdate(other.id, HOURS + 1)
    with app.app_context(), db.connection_context():
        other = Order.get_by_id(other.id)
        with pytest.raises(Conflict):
            orders.move(merchant, other, "paid")
    assert _status(order_id) == "cancelled" and _status(other.id) == "cancelled"
    assert _stock(shop["tea"]) == 10
    paid_events = read_db(
        lambda: OrderEvent.select().where(OrderEvent.to_status == "paid").count()
    )
    assert paid_events == 0


def test_pages_show_the_deadline_and_why_it_was_cancelled(app, shop):
    mei = Browser(app, "mei", signup=False)
    mei.add(shop["tea"])
    resp, _key = mei.checkout("bank_transfer")
    oid = int(resp.headers["Location"].rsplit("/", 1)[1])
    page = plain(mei.get(f"/orders/{oid}"))
    assert "or the order is cancelled" in page
    _backdate(oid, HOURS + 1)
    page = plain(mei.get(f"/orders/{oid}"))
    assert "or the order is cancelled" not in page
    assert "automatically · not paid in time" in page
    listing = plain(mei.get("/notifications"))
    assert f"Order #{oid} was cancelled: it was not paid in time." in listing
    merchant = Browser(app, "teashop", signup=False)
    assert "it was not paid in time" in plain(merchant.get("/notifications"))
    # in Chinese too
    mei.post("/language", {"lang": "zh", "next": "/"})
    assert "not paid in time" not in plain(mei.get(f"/orders/{oid}"))


def test_flask_expire_unpaid_command(app, shop):
    order = _order(shop)
    _backdate(order["id"], HOURS + 1)
    result = app.test_cli_runner().invoke(args=["expire-unpaid"])
    assert result.exit_code == 0, result.output
    assert "Cancelled 1 unpaid order(s)." in result.output
    assert _status(order["id"]) == "cancelled"
    told = Notification.select().where(Notification.order_id == order["id"])
    kinds = read_db(lambda: [n.kind for n in told])
    assert kinds.count("order_cancelled") == 2
