"""Group buying in the live room (Socket.IO /live with real test clients): the
pinned product's running deal rides in the room's state and its `pinned`
broadcast, a seat taken in one of its teams is announced to the rooms pinning it
(`team_joined`, then a coalesced `group_buy`), and a seat bought from the room is
attributed to the live."""

import datetime

import pytest

from blueprints.live import group_events
from extensions import socketio
from livestall.orders.models import OrderLine
from tests.factories.orders import SHIP
from tests.plugins.app import read_db

NS = "/live"


@pytest.fixture(autouse=True)
def _fresh_group_rooms():
    group_events.reset()
    yield
    group_events.reset()


@pytest.fixture
def world(live_world):
    return live_world(
        products={
            "tea": {"title": "龙井 250g", "price_cents": 16800, "stock": 20},
            "cup": {"title": "青瓷杯", "price_cents": 8900, "stock": 5},
        },
        people=[
            ("host", "lily", "creator"),
            ("shopper", "mei", "shopper"),
            ("lan", "lan", "shopper"),
            ("zhu", "zhu", "shopper"),
        ],
        ids=True,
        session="今晚上新",
    )


def deal_of(world, product_key="tea", **extra):
    ends = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=1)
    body = {
        "product_id": world[product_key],
        "price_cents": 9900,
        "team_size": 3,
        "team_window_s": 3600,
        "ends_at": ends.isoformat(),
        "per_user_limit": 2,
        **extra,
    }
    resp = world["api"].call(
        "POST", "/api/v1/group-buys", token=world["merchant"], json=body
    )
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()["group_buy"]


def pin(world, product_key, sid=None):
    resp = world["api"].call(
        "POST",
        f"/api/v1/live/{sid or world['sid']}/pin",
        token=world["tokens"]["host"],
        json={"product_id": world[product_key] if product_key else None},
    )
    assert resp.status_code == 200, resp.get_json()


def seat(world, role, path, key, source=None):
    body = {"qty": 1, "idempotency_key": key, "shipping": SHIP, "payment_method": "cod"}
    if source:
        body["source"] = source
    return world["api"].call("POST", path, token=world["tokens"][role], json=body)


def connect(world, role=None):
    auth = {"token": world["tokens"][role]} if role else None
    client = socketio.test_client(world["app"], namespace=NS, auth=auth)
    assert client.is_connected(NS)
    return client


def join(client, sid):
    ack = client.emit("join", {"session_id": sid}, namespace=NS, callback=True)
    assert ack["ok"], ack
    client.get_received(NS)
    return ack["state"]


def received(client, name):
    return [e["args"][0] for e in client.get_received(NS) if e["name"] == name]


def line_sources(order_id):
    return read_db(
        lambda: [
            line.source
            for line in OrderLine.select().where(OrderLine.order == order_id)
        ]
    )


def test_joining_a_room_pinning_a_deal_shows_the_deal_and_its_open_teams(world):
    deal = deal_of(world)
    opened = seat(
        world, "lan", f"/api/v1/group-buys/{deal['id']}/teams", "seat-live-0001"
    )
    assert opened.status_code == 201, opened.get_json()
    team = opened.get_json()["team"]
    pin(world, "tea")

    state = join(connect(world), world["sid"])

    assert state["pinned_product"]["id"] == world["tea"]
    group = state["group_buy"]
    assert group["id"] == deal["id"] and group["product_id"] == world["tea"]
    assert group["price_cents"] == 9900 and group["list_price_cents"] == 16800
    assert group["team_size"] == 3 and group["per_user_limit"] == 2
    assert [t["id"] for t in group["open_teams"]] == [team["id"]]
    row = group["open_teams"][0]
    assert row["leader"]["username"] == "lan" and row["seats_left"] == 2
    assert row["url"] == f"/teams/{team['id']}"


def test_a_seat_from_the_room_is_announced_and_attributed_to_the_live(world):
    sid = world["sid"]
    deal = deal_of(world)
    pin(world, "tea")
    watcher = connect(world)
    join(watcher, sid)
    buyer = connect(world, "shopper")  # mei watches first: her live source holds
    join(buyer, sid)
    other_sid = world["api"].call(
        "POST",
        "/api/v1/live",
        token=world["tokens"]["host"],
        json={"title": "另一场", "product_ids": [world["cup"]]},
    )
    other = connect(world)
    other_id = other_sid.get_json()["session"]["id"]
    join(other, other_id)

    resp = seat(
        world,
        "shopper",
        f"/api/v1/group-buys/{deal['id']}/teams",
        "seat-live-0002",
        source=f"live:{sid}",
    )
    assert resp.status_code == 201, resp.get_json()
    team, order = resp.get_json()["team"], resp.get_json()["order"]

    expected = {
        "session_id": sid,
        "team_id": team["id"],
        "group_buy_id": deal["id"],
        "username": "mei",
        "buyer": "m***i",  # her name, masked as "just bought" masks it
        "seats_left": 2,
        "status": "open",
    }
    heard = watcher.get_received(NS)
    assert [e["args"][0] for e in heard if e["name"] == "team_joined"] == [expected]
    # one ticker line per seat: a seat is not also a "just bought" purchase
    assert [e for e in heard if e["name"] == "purchase"] == []
    assert line_sources(order["id"]) == [f"live:{sid}"]
    assert received(other, "team_joined") == []  # that room pins nothing

    # the room's team list comes fresh, once, at the next flush
    assert group_events.to_refresh() == {sid}
    assert group_events.flush() == 1
    (refresh,) = received(watcher, "group_buy")
    assert refresh["session_id"] == sid
    assert [t["id"] for t in refresh["group_buy"]["open_teams"]] == [team["id"]]
    assert group_events.flush() == 0

    # lan joins, then zhu fills the team: the last seat says the team formed
    join_path = f"/api/v1/teams/{team['id']}/join"
    assert seat(world, "lan", join_path, "seat-live-0003").status_code == 201
    assert seat(world, "zhu", join_path, "seat-live-0004").status_code == 201
    got = received(watcher, "team_joined")
    assert [(e["username"], e["seats_left"], e["status"]) for e in got] == [
        ("lan", 1, "open"),
        ("zhu", 0, "succeeded"),
    ]
    group_events.flush()
    (refresh,) = received(watcher, "group_buy")
    assert refresh["group_buy"]["open_teams"] == []  # formed: no longer open
    assert refresh["group_buy"]["stats"]["teams_succeeded"] == 1


def test_a_seat_given_back_refreshes_the_room_without_a_ticker(world):
    sid = world["sid"]
    deal = deal_of(world)
    pin(world, "tea")
    opened = seat(
        world, "lan", f"/api/v1/group-buys/{deal['id']}/teams", "seat-live-0005"
    )
    team = opened.get_json()["team"]
    watcher = connect(world)
    join(watcher, sid)
    assert (
        seat(
            world, "zhu", f"/api/v1/teams/{team['id']}/join", "seat-live-0006"
        ).status_code
        == 201
    )
    group_events.flush()
    watcher.get_received(NS)

    left = world["api"].call(
        "POST", f"/api/v1/teams/{team['id']}/leave", token=world["tokens"]["zhu"]
    )
    assert left.status_code == 200, left.get_json()
    assert received(watcher, "team_joined") == []
    assert group_events.flush() == 1
    (refresh,) = received(watcher, "group_buy")
    assert refresh["group_buy"]["open_teams"][0]["seats_left"] == 2


def test_pinning_a_product_without_a_deal_sends_no_group_buy(world):
    sid = world["sid"]
    deal_of(world)  # the tea has a deal, the cup has none
    pin(world, "tea")
    watcher = connect(world)
    assert join(watcher, sid)["group_buy"]["product_id"] == world["tea"]

    pin(world, "cup")
    (pinned,) = received(watcher, "pinned")
    assert pinned["product"]["id"] == world["cup"] and pinned["group_buy"] is None
    assert join(connect(world), sid)["group_buy"] is None

    pin(world, "tea")
    (pinned,) = received(watcher, "pinned")
    assert pinned["group_buy"]["product_id"] == world["tea"]

    pin(world, None)
    (pinned,) = received(watcher, "pinned")
    assert pinned["product"] is None and pinned["group_buy"] is None


def test_an_ended_deal_leaves_the_room(world):
    deal = deal_of(world)
    pin(world, "tea")
    resp = world["api"].call(
        "POST", f"/api/v1/group-buys/{deal['id']}/end", token=world["merchant"]
    )
    assert resp.status_code == 200, resp.get_json()
    assert join(connect(world), world["sid"])["group_buy"] is None


def test_the_host_console_marks_products_with_a_running_deal(live_world):
    world = live_world(
        products={
            "tea": {"title": "龙井 250g", "price_cents": 16800, "stock": 20},
            "cup": {"title": "青瓷杯", "price_cents": 8900, "stock": 5},
        },
        browsers=True,
        session="今晚上新",
    )
    deal_of(world)
    resp = world["host"].get(f"/live/{world['sid']}/console")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    rows = html.split('class="console-pin')
    tea = next(r for r in rows if f'data-product-id="{world["tea"]}"' in r[:80])
    cup = next(r for r in rows if f'data-product-id="{world["cup"]}"' in r[:80])
    assert "Group buy ¥99.00 · teams of 3" in tea
    assert "tag-group" not in cup
