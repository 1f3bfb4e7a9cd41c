"""Flash sales: launch, grab, per-user limits, holds that expire exactly once,
checkout at the sale price, settlement, and no oversell under concurrency."""

import datetime
import re
import threading
import time

import pytest

from blueprints.live import flash_events
from extensions import socketio
from livestall.accounts.models import User
from livestall.attribution.models import Touchpoint
from livestall.catalog.models import Product
from livestall.flash import guard
from livestall.flash import sales as flash_sales
from livestall.flash.models import FlashBuyer, FlashSale, Reservation
from livestall.live import moderation, sessions
from livestall.live import sales as live_sales
from livestall.orders.models import OrderLine
from tests.plugins.app import read_db

SHIP = {
    "name": "王小明",
    "address": "浙江省杭州市西湖区龙井路 1 号",
    "phone": "13800000000",
}


@pytest.fixture
def room(flash_world):
    """A live session of creator lily, featuring a tea of teashop's (stock 100)."""
    world = flash_world()
    return {**world, "tea": world["catalog"]["tea"]}


def launch(room, **fields):
    body = {
        "product_id": room["tea"]["id"],
        "price_cents": 9900,
        "quantity": 10,
        "per_user_limit": 2,
        "duration_s": 120,
        **fields,
    }
    return room["api"].call(
        "POST", f"/api/v1/live/{room['sid']}/flash-sales", token=room["host"], json=body
    )


def grab(room, token, sale_id, qty=1):
    return room["api"].call(
        "POST", f"/api/v1/flash-sales/{sale_id}/grab", token=token, json={"qty": qty}
    )


def books(sale_id):
    sale = read_db(lambda: FlashSale.get_by_id(sale_id))
    assert sale.sold + sale.held + sale.remaining == sale.quantity  # the invariant
    return sale


def stock(pid):
    return read_db(lambda: Product.get_by_id(pid).stock)


# --- launch -------------------------------------------------------------------------


def test_launch_sets_units_aside_and_only_the_host_may(room):
    api = room["api"]
    shopper = api.user("mei")
    assert launch(room | {"host": shopper}).status_code == 403
    cases = [
        ({"price_cents": 16801}, "price_cents"),  # above the list price
        ({"price_cents": 0}, "price_cents"),
        ({"quantity": 101}, "quantity"),  # more than in stock: 409 below
        ({"per_user_limit": 0}, "per_user_limit"),
        ({"duration_s": 5}, "duration_s"),
        ({"start_delay_s": -1}, "start_delay_s"),
        ({"product_id": 99999}, "product_id"),
        ({"quantity": "10"}, "quantity"),
    ]
    for fields, field in cases:
        resp = launch(room, **fields)
        assert resp.status_code in (400, 409), fields
        assert resp.get_json()["error"]["field"] == field, fields
    assert stock(room["tea"]["id"]) == 100  # nothing set aside by the refusals
    resp = launch(room)
    assert resp.status_code == 201
    sale = resp.get_json()["flash_sale"]
    assert sale["remaining"] == 10 and sale["held"] == sale["sold"] == 0
    assert sale["status"] == "open" and sale["price_cents"] == 9900
    assert stock(room["tea"]["id"]) == 90
    got = api.call("GET", f"/api/v1/flash-sales/{sale['id']}").get_json()
    assert got["flash_sale"]["quantity"] == 10


def test_no_sale_outside_a_live(room):
    api = room["api"]
    api.call("POST", f"/api/v1/live/{room['sid']}/end", token=room["host"])
    resp = launch(room)
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "not_live"


# --- grab ---------------------------------------------------------------------------


def test_grab_holds_units_at_the_sale_price_within_the_limit(room):
    sale_id = launch(room).get_json()["flash_sale"]["id"]
    mei = room["api"].user("mei")
    resp = grab(room, mei, sale_id, qty=2)
    assert resp.status_code == 201
    hold = resp.get_json()["reservation"]
    assert hold["qty"] == 2 and hold["price_cents"] == 9900 and hold["expires_at"]
    assert books(sale_id).held == 2
    resp = grab(room, mei, sale_id)  # the limit is 2 per person
    assert resp.status_code == 409
    assert resp.get_json()["error"]["code"] == "limit_reached"
    assert books(sale_id).held == 2  # the refused grab took nothing
    assert grab(room, mei, sale_id, qty=3).get_json()["error"]["code"] in (
        "limit_reached",
        "invalid",
    )
    for qty in (0, -1, 100, "1", True, None):
        resp = room["api"].call(
            "POST",
            f"/api/v1/flash-sales/{sale_id}/grab",
            token=mei,
            json={"qty": qty},
        )
        assert resp.status_code == 400, qty
    assert (
        room["api"]
        .call("POST", f"/api/v1/flash-sales/{sale_id}/grab", json={"qty": 1})
        .status_code
        == 401
    )
    assert grab(room, mei, 99999).status_code == 404
    # the grab is a touchpoint for attribution, written in the same transaction
    kinds = read_db(lambda: [t.kind for t in Touchpoint.select()])
    assert kinds.count("flash_grab") == 1


def test_sold_out_not_started_and_ended_are_clear(room):
    api = room["api"]
    sale_id = launch(room, quantity=3, per_user_limit=3).get_json()["flash_sale"]["id"]
    a, b = api.user("buyer_a"), api.user("buyer_b")
    assert grab(room, a, sale_id, qty=2).status_code == 201
    resp = grab(room, b, sale_id, qty=2)
    assert resp.get_json()["error"]["code"] == "out_of_stock"
    assert "Only 1 left" in resp.get_json()["error"]["message"]
    assert grab(room, b, sale_id).status_code == 201
    resp = grab(room, b, sale_id)
    assert resp.get_json()["error"] == {"code": "out_of_stock", "message": "Sold out."}
    sale = books(sale_id)
    assert sale.remaining == 0 and sale.sold_out_at is not None
    later = launch(room, quantity=2, start_delay_s=60).get_json()["flash_sale"]
    assert later["status"] == "scheduled"
    assert grab(room, a, later["id"]).get_json()["error"]["code"] == "sale_not_started"
    resp = api.call(
        "POST", f"/api/v1/flash-sales/{later['id']}/end", token=room["host"]
    )
    assert resp.get_json()["flash_sale"]["status"] == "ended"
    assert grab(room, a, later["id"]).get_json()["error"]["code"] == "sale_ended"
    assert stock(room["tea"]["id"]) == 100 - 3  # the ended sale's 2 units came back


def test_banned_muted_and_double_clicks_cannot_grab(room):
    api = room["api"]
    sale_id = launch(room).get_json()["flash_sale"]["id"]
    troll, fast = api.user("troll"), api.user("fast")
    host = read_db(lambda: User.get(User.username == "lily"))
    troll_id = read_db(lambda: User.get(User.username == "troll").id)
    fast_id = read_db(lambda: User.get(User.username == "fast").id)
    read_db(
        lambda: moderation.mute(host, sessions.get_session(room["sid"]), troll_id, 10)
    )
    assert grab(room, troll, sale_id).get_json()["error"]["code"] == "muted"
    read_db(lambda: moderation.ban(host, sessions.get_session(room["sid"]), troll_id))
    assert grab(room, troll, sale_id).get_json()["error"]["code"] == "banned"
    assert guard.claim_slot(fast_id)  # a first click still on its way
    assert grab(room, fast, sale_id).get_json()["error"]["code"] == "grab_in_flight"
    guard.release_slot(fast_id)
    assert grab(room, fast, sale_id).status_code == 201
    assert books(sale_id).held == 1


# --- expiry, checkout, settlement ---------------------------------------------------


def test_holds_expire_once_and_the_limit_comes_back(room):
    sale_id = launch(room, quantity=2, per_user_limit=2).get_json()["flash_sale"]["id"]
    mei = room["api"].user("mei")
    assert grab(room, mei, sale_id, qty=2).status_code == 201
    later = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
    later += datetime.timedelta(seconds=301)
    assert read_db(lambda: flash_sales.reap(later)) == {sale_id}
    assert read_db(lambda: flash_sales.reap(later)) == set()  # exactly once
    sale = books(sale_id)
    assert (sale.remaining, sale.held, sale.sold) == (2, 0, 0)
    assert read_db(lambda: Reservation.get().status) == "expired"
    assert read_db(lambda: FlashBuyer.get().qty) == 0
    assert grab(room, mei, sale_id, qty=2).status_code == 201  # may grab again


def test_lazy_expiry_on_read(room):
    sale_id = launch(room, quantity=1, per_user_limit=1).get_json()["flash_sale"]["id"]
    mei = room["api"].user("mei")
    grab(room, mei, sale_id)
    read_db(
        lambda: Reservation.update(expires_at=datetime.datetime(2020, 1, 1)).execute()
    )
    got = room["api"].call("GET", f"/api/v1/flash-sales/{sale_id}").get_json()
    assert got["flash_sale"]["remaining"] == 1 and got["flash_sale"]["held"] == 0


def order(room, token, key, **body):
    return room["api"].call(
        "POST",
        "/api/v1/orders",
        token=token,
        json={"shipping": SHIP, "idempotency_key": key, **body},
    )


def test_a_hold_becomes_an_order_line_at_the_sale_price(room):
    api = room["api"]
    sale_id = launch(room).get_json()["flash_sale"]["id"]
    mei, lin = api.user("mei"), api.user("lin")
    hold = grab(room, mei, sale_id, qty=2).get_json()["reservation"]
    # someone else's hold is not yours to check out
    resp = order(room, lin, "key-lin-00001", reservation_ids=[hold["id"]])
    assert resp.status_code == 409
    assert resp.get_json()["error"]["code"] == "reservation_expired"
    resp = order(
        room,
        mei,
        "key-mei-00001",
        reservation_ids=[hold["id"]],
        items=[{"product_id": room["tea"]["id"], "qty": 1}],
    )
    assert resp.status_code == 201, resp.get_json()
    got = resp.get_json()["order"]
    assert got["total_cents"] == 2 * 9900 + 16800
    lines = read_db(
        lambda: sorted(
            (ln.unit_price_cents, ln.qty, ln.source) for ln in OrderLine.select()
        )
    )
    assert lines == [(9900, 2, f"flash:{sale_id}"), (16800, 1, None)]
    sale = books(sale_id)
    assert (sale.remaining, sale.held, sale.sold) == (8, 0, 2)
    assert read_db(lambda: Reservation.get().order_id) == got["id"]
    # the same key again is the same order; the hold cannot be used twice
    assert (
        order(
            room,
            mei,
            "key-mei-00001",
            reservation_ids=[hold["id"]],
            items=[{"product_id": room["tea"]["id"], "qty": 1}],
        ).status_code
        == 200
    )
    resp = order(room, mei, "key-mei-00002", reservation_ids=[hold["id"]])
    assert resp.status_code == 409
    assert books(sale_id).sold == 2


def test_an_expired_hold_cannot_be_checked_out_and_nothing_is_taken(room):
    sale_id = launch(room).get_json()["flash_sale"]["id"]
    mei = room["api"].user("mei")
    hold = grab(room, mei, sale_id).get_json()["reservation"]
    read_db(
        lambda: Reservation.update(expires_at=datetime.datetime(2020, 1, 1)).execute()
    )
    before = stock(room["tea"]["id"])
    resp = order(
        room,
        mei,
        "key-mei-00003",
        reservation_ids=[hold["id"]],
        items=[{"product_id": room["tea"]["id"], "qty": 1}],
    )
    assert resp.status_code == 409
    assert stock(room["tea"]["id"]) == before  # the cart line was not taken either
    for bad in ("x", [0], [True], list(range(1, 30)), {"a": 1}):
        resp = order(room, mei, "key-mei-00004", reservation_ids=bad)
        assert resp.status_code == 400, bad


def test_unsold_units_return_to_stock_once_after_the_last_hold(room):
    api = room["api"]
    sale_id = launch(room, quantity=10).get_json()["flash_sale"]["id"]
    mei = api.user("mei")
    hold = grab(room, mei, sale_id, qty=2).get_json()["reservation"]
    api.call("POST", f"/api/v1/live/{room['sid']}/end", token=room["host"])
    sale = books(sale_id)
    assert sale.closed_at is not None and not sale.settled  # a hold is pending
    assert stock(room["tea"]["id"]) == 90
    assert (
        order(room, mei, "key-mei-00005", reservation_ids=[hold["id"]]).status_code
        == 201
    )
    sale = books(sale_id)
    assert sale.settled and sale.sold == 2
    assert stock(room["tea"]["id"]) == 98  # the 8 unsold came back, once
    read_db(lambda: flash_sales.settle(sale_id))
    assert stock(room["tea"]["id"]) == 98


# --- the room -----------------------------------------------------------------------


def test_socket_grab_and_coalesced_stock(app, room):
    api = room["api"]
    sale = launch(room, quantity=5, per_user_limit=1).get_json()["flash_sale"]
    viewer = socketio.test_client(app, namespace="/live")
    state = viewer.emit(
        "join", {"session_id": room["sid"]}, namespace="/live", callback=True
    )["state"]
    assert [s["id"] for s in state["flash_sales"]] == [sale["id"]]
    assert state["flash_sales"][0]["remaining"] == 5
    anon = viewer.emit(
        "grab",
        {"flash_sale_id": sale["id"], "qty": 1},
        namespace="/live",
        callback=True,
    )
    assert anon == {
        "ok": False,
        "error": {"code": "not_signed_in", "message": "Sign in to do this."},
    }
    viewer.get_received("/live")
    for i in range(7):
        client = socketio.test_client(
            app, namespace="/live", auth={"token": api.user(f"fan{i}")}
        )
        ack = client.emit(
            "grab",
            {"flash_sale_id": sale["id"], "qty": 1},
            namespace="/live",
            callback=True,
        )
        if i < 5:
            assert ack["ok"] and ack["reservation"]["qty"] == 1
        else:
            assert ack["error"]["code"] == "out_of_stock"
        client.disconnect(namespace="/live")
    for bad in ({"flash_sale_id": "1"}, {"flash_sale_id": sale["id"], "qty": 0}, [1]):
        client = socketio.test_client(
            app, namespace="/live", auth={"token": api.user(f"bad{len(str(bad))}")}
        )
        ack = client.emit("grab", bad, namespace="/live", callback=True)
        assert ack["ok"] is False and ack["error"]["code"] in ("invalid", "not_found")
    assert flash_events.flush_stock() == 1
    stock_events = [e for e in viewer.get_received("/live") if e["name"] == "stock"]
    assert len(stock_events) == 1  # five grabs, one broadcast, the final number
    assert stock_events[0]["args"][0]["remaining"] == 0
    assert stock_events[0]["args"][0]["status"] == "sold_out"
    assert flash_events.flush_stock() == 0


def test_a_big_room_hears_stock_less_often_and_the_last_number(app, room, monkeypatch):
    """Past STOCK_FRAMES_PER_S frames a second (here 4: two viewers make the
    interval 0.5 s), a flush that comes too soon keeps the sale to send; the
    next due flush sends the numbers as they are then."""
    api = room["api"]
    monkeypatch.setattr(flash_events, "STOCK_FRAMES_PER_S", 4)
    sale = launch(room, quantity=5, per_user_limit=1).get_json()["flash_sale"]
    viewers = [socketio.test_client(app, namespace="/live") for _ in range(2)]
    for viewer in viewers:
        viewer.emit(
            "join", {"session_id": room["sid"]}, namespace="/live", callback=True
        )
    assert flash_events.stock_interval(room["sid"]) == 0.5

    def grab_one(name):
        client = socketio.test_client(
            app, namespace="/live", auth={"token": api.user(name)}
        )
        ack = client.emit(
            "grab", {"flash_sale_id": sale["id"]}, namespace="/live", callback=True
        )
        assert ack["ok"], ack
        client.disconnect(namespace="/live")

    def heard():
        got = viewers[0].get_received("/live")
        return [e["args"][0]["remaining"] for e in got if e["name"] == "stock"]

    viewers[0].get_received("/live")
    grab_one("ann_fan")
    assert flash_events.flush_stock() == 1 and heard() == [4]
    grab_one("bo_fan")
    assert flash_events.flush_stock() == 0 and heard() == []  # too soon: kept
    assert flash_events.stock_to_send() == {sale["id"]}
    grab_one("cy_fan")
    time.sleep(0.55)
    assert flash_events.flush_stock() == 1 and heard() == [2]  # both grabs
    assert flash_events.flush_stock() == 0 and flash_events.stock_to_send() == set()
    # a room of normal size hears every flush, as before
    monkeypatch.setattr(flash_events, "STOCK_FRAMES_PER_S", 10_000)
    assert flash_events.stock_interval(room["sid"]) == flash_events.STOCK_FLUSH_S
    grab_one("di_fan")
    assert flash_events.flush_stock() == 1 and heard() == [1]
    grab_one("ed_fan")
    assert flash_events.flush_stock() == 1 and heard() == [0]


# --- concurrency --------------------------------------------------------------------


@pytest.mark.slow
def test_two_hundred_threads_grab_fifty_units_over_http(app, room):
    api = room["api"]
    sale_id = launch(room, quantity=50, per_user_limit=1).get_json()["flash_sale"]["id"]
    tokens = [api.user(f"fan{i:03d}") for i in range(200)]
    barrier = threading.Barrier(len(tokens))
    results = [None] * len(tokens)

    def run(i):
        client = app.test_client()
        barrier.wait()
        results[i] = client.post(
            f"/api/v1/flash-sales/{sale_id}/grab",
            json={"qty": 1},
            headers={"Authorization": f"Bearer {tokens[i]}"},
        ).status_code

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(tokens))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert results.count(201) == 50 and results.count(409) == 150
    sale = books(sale_id)
    assert (sale.remaining, sale.held) == (0, 50)
    assert read_db(lambda: Reservation.select().count()) == 50
    assert read_db(lambda: max(b.qty for b in FlashBuyer.select())) == 1


def test_cart_and_checkout_pages_carry_the_holds(app, room):
    from tests.factories.orders import SHIP as PAGE_SHIP
    from tests.factories.orders import Browser, order_id
    from tests.plugins.app import plain, text

    sale_id = launch(room).get_json()["flash_sale"]["id"]
    mei = Browser(app, "mei")
    # grab through the socket with the browser's own cookie session
    sock = socketio.test_client(app, namespace="/live", flask_test_client=mei.client)
    ack = sock.emit(
        "grab", {"flash_sale_id": sale_id, "qty": 2}, namespace="/live", callback=True
    )
    assert ack["ok"], ack
    page = plain(mei.get("/cart"))
    assert "Flash-sale units held for you" in page and "¥99.00" in page
    html = text(mei.get("/checkout"))
    rid = ack["reservation"]["id"]
    assert f'name="reservation_ids" value="{rid}"' in html
    assert "¥198.00" in plain(mei.get("/checkout"))  # the subtotal at the sale price
    key = re.search(r'name="idempotency_key" value="([^"]+)"', html).group(1)
    resp = mei.post(
        "/checkout",
        {
            **PAGE_SHIP,
            "payment_method": "cod",
            "idempotency_key": key,
            "reservation_ids": str(rid),  # the hidden field the page carries
        },
    )
    oid = order_id(resp)
    assert "¥198.00" in plain(mei.get(f"/orders/{oid}"))
    assert books(sale_id).sold == 2
    # with the hold used and the cart empty, checkout sends you to the cart
    assert mei.get("/checkout").status_code == 302


def test_flash_orders_count_in_the_room_and_its_ticker(app, room):
    sale_id = launch(room).get_json()["flash_sale"]["id"]
    viewer = socketio.test_client(app, namespace="/live")
    viewer.emit("join", {"session_id": room["sid"]}, namespace="/live", callback=True)
    viewer.get_received("/live")
    mei = room["api"].user("mei")
    hold = grab(room, mei, sale_id, qty=2).get_json()["reservation"]
    assert (
        order(room, mei, "key-mei-tick1", reservation_ids=[hold["id"]]).status_code
        == 201
    )
    ticker = [
        e["args"][0] for e in viewer.get_received("/live") if e["name"] == "purchase"
    ]
    assert ticker == [
        {
            "session_id": room["sid"],
            "buyer": "m***i",
            "product": {"id": room["tea"]["id"], "title": "明前龙井 Longjing"},
            "qty": 2,
        }
    ]
    sales = read_db(lambda: live_sales.sales(sessions.get_session(room["sid"])))
    assert sales == {"orders": 1, "units": 2, "gmv_cents": 2 * 9900}
    got = room["api"].call("GET", f"/api/v1/flash-sales/{sale_id}").get_json()
    starts = datetime.datetime.fromisoformat(got["flash_sale"]["starts_at"][:-1])
    assert got["flash_sale"]["starts_at_ms"] // 1000 == int(
        starts.replace(tzinfo=datetime.UTC).timestamp()
    )
