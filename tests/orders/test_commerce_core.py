"""The commerce core's three owners: price (pricing.price_lines, adjustments stored
per order line), stock (catalog.inventory, guarded, signalling stock_changed) and
"an order was placed" (orders.checkout.place_order, one order_placed signal); the
line source type, and transaction()'s on_commit."""

from types import SimpleNamespace

import pytest

from extensions import db
from livestall.catalog import inventory
from livestall.catalog.models import Product
from livestall.catalog.signals import stock_changed
from livestall.db.base import on_commit, transaction
from livestall.orders import sources
from livestall.orders.models import CartItem, LineAdjustment, OrderLine
from livestall.orders.signals import order_placed
from livestall.orders.sources import LineSource
from livestall.pricing import rules as pricing
from tests.factories.orders import SHIP
from tests.plugins.app import read_db


@pytest.fixture
def room(flash_world):
    world = flash_world()
    return {**world, "tea": world["catalog"]["tea"]}


def order(api, token, key, **body):
    return api.call(
        "POST",
        "/api/v1/orders",
        token=token,
        json={"shipping": SHIP, "idempotency_key": key, **body},
    )


def launch_and_grab(room, buyer, qty=2, price=9900):
    api = room["api"]
    resp = api.call(
        "POST",
        f"/api/v1/live/{room['sid']}/flash-sales",
        token=room["host"],
        json={
            "product_id": room["tea"]["id"],
            "price_cents": price,
            "quantity": 10,
            "per_user_limit": 5,
            "duration_s": 120,
        },
    )
    sale_id = resp.get_json()["flash_sale"]["id"]
    resp = api.call(
        "POST", f"/api/v1/flash-sales/{sale_id}/grab", token=buyer, json={"qty": qty}
    )
    return sale_id, resp.get_json()["reservation"]["id"]


# --- line sources --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("post:12", LineSource("post", 12)),
        ("live:3", LineSource("live", 3)),
        ("share:7", LineSource("share", 7)),
        ("flash:5", LineSource("flash", 5)),
        ("post:007", LineSource("post", 7)),
        ("post:", None),
        ("post:1x", None),
        ("voucher:1", None),
        ("POST:1", None),
        ("post:1234567890123", None),
        ("post:١٢", None),
        (12, None),
        (None, None),
    ],
)
def test_a_line_source_parses_only_known_kinds_and_whole_ids(text, parsed):
    assert LineSource.parse(text) == parsed
    if parsed is not None:
        assert sources.clean(text) == str(parsed) == sources.of(*parsed)


@pytest.mark.parametrize("text", ["group:3", "coupon:1"])
def test_server_only_sources_parse_but_no_client_may_name_them(text):
    assert LineSource.parse(text) is not None
    assert sources.clean(text) is None


def test_line_source_kinds_can_be_narrowed():
    assert LineSource.parse("share:3", kinds=sources.ROOM_KINDS) is None
    assert LineSource.parse("flash:3", kinds=sources.ROOM_KINDS) == ("flash", 3)
    assert sources.clean("live:4", kinds=("post",)) is None
    assert sources.ids_of(["flash:1", "post:2", None, "bad", "flash:9"], "flash") == {
        1,
        9,
    }


# --- the price pipeline --------------------------------------------------------------


def product(pid=1, price=10000, merchant=7):
    return SimpleNamespace(
        id=pid, price_cents=price, merchant_id=merchant, currency="CNY"
    )


def test_a_line_pays_the_lowest_single_price_it_is_entitled_to_never_a_stack():
    tea = product(price=10000)
    offers = [
        pricing.Offer("member", 9000, LineSource("post", 1)),
        pricing.Offer("flash", 8500, LineSource("flash", 2)),
        pricing.Offer("group", 8800),
    ]
    line = pricing.price_line(tea, 3, offers=offers)
    assert line.unit_price_cents == 8500 and line.list_price_cents == 10000
    assert line.adjustments == (
        pricing.Adjustment("flash", 3 * 1500, LineSource("flash", 2)),
    )
    assert line.total_cents == 3 * 8500
    # an offer no lower than the list price changes nothing
    plain = pricing.price_line(tea, 2, offers=[pricing.Offer("member", 10500)])
    assert plain.adjustments == () and plain.total_cents == 20000
    with pytest.raises(ValueError):
        pricing.best_offer(10000, [pricing.Offer("coupon", 100)])


def test_a_hold_binds_its_sale_price_whatever_the_list_price_does():
    tea = product(price=8000)  # the list price fell under the sale's since the grab
    hold = SimpleNamespace(
        id=4, sale_id=2, qty=2, price_cents=9900, sale=SimpleNamespace(product=tea)
    )
    line = pricing.hold_line(hold)
    assert (line.unit_price_cents, line.reservation_id) == (9900, 4)
    assert line.source == LineSource("flash", 2)
    assert line.adjustments == (
        pricing.Adjustment("flash", 2 * (8000 - 9900), LineSource("flash", 2)),
    )


def test_price_lines_group_by_shop_in_a_stable_order():
    a, b, c = product(1, merchant=9), product(2, merchant=3), product(3, merchant=9)
    lines = pricing.price_lines(
        {1: (1, "post:5"), 2: (2, None), 3: (1, "nonsense")}, {1: a, 2: b, 3: c}
    )
    assert [(line.merchant_id, line.product.id) for line in lines] == [
        (3, 2),
        (9, 1),
        (9, 3),
    ]
    assert lines[1].source == LineSource("post", 5) and lines[2].source is None


def test_checkout_stores_each_lines_adjustments_as_paid(room):
    api = room["api"]
    mei = api.user("mei")
    sale_id, hold = launch_and_grab(room, mei, qty=2, price=9900)
    resp = order(
        api,
        mei,
        "key-core-00001",
        reservation_ids=[hold],
        items=[{"product_id": room["tea"]["id"], "qty": 1}],
    )
    assert resp.status_code == 201, resp.get_json()
    order_id = resp.get_json()["order"]["id"]
    rows = read_db(
        lambda: [
            (line.unit_price_cents, line.source, a.kind, a.amount_cents, a.source)
            for line in OrderLine.select().where(OrderLine.order == order_id)
            for a in LineAdjustment.select().where(LineAdjustment.line == line.id)
        ]
    )
    # the flash line saved (16800 - 9900) x 2; the list-price line has no adjustment
    assert rows == [(9900, f"flash:{sale_id}", "flash", 2 * 6900, f"flash:{sale_id}")]
    assert resp.get_json()["order"]["total_cents"] == 2 * 9900 + 16800


# --- stock --------------------------------------------------------------------------


def test_inventory_moves_are_guarded_and_signal_each_change(room, app):
    pid = room["tea"]["id"]  # stock 100
    heard = []

    def listen(sender, product_ids, reason):
        heard.append((tuple(product_ids), reason))

    stock_changed.connect(listen)
    try:
        with app.app_context(), db.connection_context():
            with transaction():
                assert inventory.take(pid, 30)
                assert not inventory.take(pid, 71)  # 70 left: nothing taken
                assert inventory.set_aside(pid, 70)
                assert not inventory.set_aside(pid, 1)
                assert inventory.left(pid) == 0
                inventory.give_back(pid, 5)
                inventory.settle(pid, 10)
                inventory.count_sold(pid, 3)
            tea = Product.get_by_id(pid)
    finally:
        stock_changed.disconnect(listen)
    assert (tea.stock, tea.sales_count) == (15, 30 - 5 + 3)
    assert heard == [
        ((pid,), "taken"),
        ((pid,), "set_aside"),
        ((pid,), "given_back"),
        ((pid,), "settled"),
    ]


def test_inventory_takes_nothing_from_an_archived_product(room, app):
    pid = room["tea"]["id"]
    with app.app_context(), db.connection_context():
        Product.update(status="archived").where(Product.id == pid).execute()
        assert not inventory.take(pid, 1) and not inventory.set_aside(pid, 1)
        assert Product.get_by_id(pid).stock == 100


# --- "an order was placed" ---------------------------------------------------------


def test_order_placed_is_sent_once_per_checkout_and_never_on_a_replay(room):
    api = room["api"]
    mei = api.user("mei")
    tea = room["tea"]["id"]
    heard = []

    def listen(sender, orders, lines_of, products, taken, buyer, placed_at, claim):
        heard.append(([o.id for o in orders], taken, buyer.username, claim))

    order_placed.connect(listen)
    try:
        body = {"items": [{"product_id": tea, "qty": 2}]}
        first = order(api, mei, "key-once-00001", **body)
        again = order(api, mei, "key-once-00001", **body)
    finally:
        order_placed.disconnect(listen)
    assert (first.status_code, again.status_code) == (201, 200)
    assert heard == [([first.get_json()["order"]["id"]], {tea: 2}, "mei", None)]


def test_the_cart_lets_go_of_what_was_bought_through_the_api(room, client):
    api = room["api"]
    mei = api.user("mei")
    tea = room["tea"]["id"]
    mei_id = api.call("GET", "/api/v1/me", token=mei).get_json()["user"]["id"]
    read_db(lambda: CartItem.create(user=mei_id, product=tea, qty=3))
    resp = order(api, mei, "key-cart-00001", items=[{"product_id": tea, "qty": 1}])
    assert resp.status_code == 201
    assert (
        read_db(lambda: CartItem.select().where(CartItem.user == mei_id).count()) == 0
    )


def test_on_commit_runs_after_the_commit_and_never_after_a_rollback(app):
    ran = []
    with app.app_context(), db.connection_context():
        with transaction():
            on_commit(ran.append, "outer")
            with transaction():  # a savepoint: still waits for the outer commit
                on_commit(ran.append, "inner")
            assert ran == []
        assert ran == ["outer", "inner"]
        with pytest.raises(RuntimeError), transaction():
            on_commit(ran.append, "rolled back")
            raise RuntimeError
        on_commit(ran.append, "no transaction: at once")

        def boom():
            raise ValueError("a failed follow-up")

        with transaction():  # one failing callback does not stop the next
            on_commit(boom)
            on_commit(ran.append, "after a failure")
    assert ran == ["outer", "inner", "no transaction: at once", "after a failure"]
