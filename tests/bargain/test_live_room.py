"""Bargaining in the live room (Socket.IO /live with real test clients): the pinned
product's running campaign rides in the room's state and its `pinned` broadcast,
and a signed-in viewer starts bargaining from the room (`start_bargain`), which
acks the record and its page's path; every refusal is an error ack, never a
crash."""

import pytest

from extensions import socketio
from livestall.bargain.models import BargainRecord
from tests.factories import bargain as bf
from tests.plugins.app import read_db

NS = "/live"


@pytest.fixture
def world(live_world):
    found = live_world(
        products={
            "tea": {"title": "龙井 250g", "price_cents": 16800, "stock": 20},
            "cup": {"title": "青瓷杯", "price_cents": 8900, "stock": 5},
        },
        people=[
            ("host", "lily", "creator"),
            ("shopper", "mei", "shopper"),
            ("lan", "lan", "shopper"),
        ],
        ids=True,
        session="今晚上新",
    )
    found["bargain"] = bf.made_campaign(found["api"], found["merchant"], found["tea"])
    return found


def pin(world, product_key):
    resp = world["api"].call(
        "POST",
        f"/api/v1/live/{world['sid']}/pin",
        token=world["tokens"]["host"],
        json={"product_id": world[product_key] if product_key else None},
    )
    assert resp.status_code == 200, resp.get_json()


def connect(world, token=None):
    client = socketio.test_client(
        world["app"], namespace=NS, auth={"token": token} if token else None
    )
    assert client.is_connected(NS)
    return client


def viewer(world, role=None):
    return connect(world, world["tokens"][role] if role else None)


def join(client, sid):
    ack = client.emit("join", {"session_id": sid}, namespace=NS, callback=True)
    assert ack["ok"], ack
    client.get_received(NS)
    return ack["state"]


def send(client, name, data):
    return client.emit(name, data, namespace=NS, callback=True)


def code(ack):
    assert ack["ok"] is False, ack
    return ack["error"]["code"]


def received(client, name):
    return [e["args"][0] for e in client.get_received(NS) if e["name"] == name]


def campaign_now(world):
    """The campaign as shoppers read it over the API now."""
    resp = world["api"].call("GET", f"/api/v1/bargains/{world['bargain']['id']}")
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()["bargain"]


def test_the_room_state_carries_the_pinned_products_running_bargain(world):
    sid = world["sid"]
    assert join(viewer(world), sid)["bargain"] is None  # nothing pinned
    pin(world, "tea")

    state = join(viewer(world, "shopper"), sid)

    assert state["pinned_product"]["id"] == world["tea"]
    assert state["bargain"] == campaign_now(world)
    assert state["bargain"]["id"] == world["bargain"]["id"]
    assert state["bargain"]["product_id"] == world["tea"]
    assert state["bargain"]["floor_price_cents"] == 1000
    assert state["bargain"]["status"] == "active"

    pin(world, "cup")  # no campaign on the cup
    assert join(viewer(world), sid)["bargain"] is None


def test_an_ended_campaign_leaves_the_room(world):
    pin(world, "tea")
    resp = world["api"].call(
        "POST",
        f"/api/v1/bargains/{world['bargain']['id']}/end",
        token=world["merchant"],
    )
    assert resp.status_code == 200, resp.get_json()
    state = join(viewer(world), world["sid"])
    assert state["pinned_product"]["id"] == world["tea"] and state["bargain"] is None


def test_the_pinned_broadcast_carries_the_bargain(world):
    sid = world["sid"]
    watcher = viewer(world)
    join(watcher, sid)

    pin(world, "tea")
    (pinned,) = received(watcher, "pinned")
    assert pinned["session_id"] == sid and pinned["product"]["id"] == world["tea"]
    assert pinned["bargain"] == campaign_now(world)

    pin(world, "cup")
    (pinned,) = received(watcher, "pinned")
    assert pinned["product"]["id"] == world["cup"] and pinned["bargain"] is None

    pin(world, None)
    (pinned,) = received(watcher, "pinned")
    assert pinned["product"] is None and pinned["bargain"] is None


def test_a_viewer_starts_bargaining_from_the_room_once(world):
    sid, bargain_id = world["sid"], world["bargain"]["id"]
    pin(world, "tea")
    mei = viewer(world, "shopper")
    join(mei, sid)

    ack = send(mei, "start_bargain", {"bargain_id": bargain_id})

    assert ack["ok"] is True, ack
    record = ack["record"]
    assert ack["url"] == f"/bargain-records/{record['id']}" == record["url"]
    assert ack["created"] is True
    assert record["bargain_id"] == bargain_id and record["owner"] == "mei"
    assert record["status"] == "open" and record["price_cents"] == 10000
    assert record["floor_price_cents"] == 1000
    assert "?s=" in record["share_url"]
    row = read_db(lambda: BargainRecord.get_by_id(record["id"]))
    assert row.owner_id == world["ids"]["shopper"] and row.bargain_id == bargain_id
    # the API reads the same record
    got = world["api"].call("GET", f"/api/v1/bargain-records/{record['id']}")
    assert got.get_json()["record"]["owner"] == "mei"

    again = send(mei, "start_bargain", {"bargain_id": bargain_id})
    assert again["ok"] is True, again
    assert again["record"]["id"] == record["id"] and again["url"] == ack["url"]
    assert again["created"] is False
    count = read_db(
        lambda: (
            BargainRecord.select()
            .where(BargainRecord.owner == world["ids"]["shopper"])
            .count()
        )
    )
    assert count == 1

    # another viewer gets a record of their own
    lan = send(viewer(world, "lan"), "start_bargain", {"bargain_id": bargain_id})
    assert lan["ok"] and lan["record"]["id"] != record["id"], lan
    assert lan["record"]["owner"] == "lan"


def test_an_anonymous_viewer_is_told_to_sign_in(world):
    pin(world, "tea")
    anon = viewer(world)
    join(anon, world["sid"])
    ack = send(anon, "start_bargain", {"bargain_id": world["bargain"]["id"]})
    assert code(ack) == "not_signed_in"
    assert ack["error"]["message"]
    # the same error the other room events give an anonymous socket
    chat = send(anon, "chat", {"session_id": world["sid"], "body": "hi"})
    assert code(chat) == "not_signed_in"
    assert anon.is_connected(NS)
    assert read_db(lambda: BargainRecord.select().count()) == 0


@pytest.mark.parametrize(
    "payload, expected",
    [
        ({"bargain_id": 987654}, "not_found"),
        ({"bargain_id": "1"}, "invalid"),
        ({"bargain_id": "abc"}, "invalid"),
        ({"bargain_id": True}, "invalid"),
        ({"bargain_id": None}, "invalid"),
        ({"bargain_id": 0}, "invalid"),
        ({"bargain_id": -3}, "invalid"),
        ({"bargain_id": 2**80}, "invalid"),
        ({"bargain_id": 1.5}, "invalid"),
        ({"bargain_id": [1]}, "invalid"),
        ({}, "invalid"),
    ],
)
def test_a_bad_bargain_id_is_an_error_ack_never_a_crash(world, payload, expected):
    mei = viewer(world, "shopper")
    join(mei, world["sid"])
    assert code(send(mei, "start_bargain", payload)) == expected
    assert mei.is_connected(NS)
    # the socket is fine: the next start works
    ack = send(mei, "start_bargain", {"bargain_id": world["bargain"]["id"]})
    assert ack["ok"], ack


def test_a_payload_that_is_not_an_object_is_refused(world):
    mei = viewer(world, "shopper")
    for payload in (None, "1", 1, [1]):
        assert code(send(mei, "start_bargain", payload)) == "invalid", payload
    assert mei.is_connected(NS)


def test_the_merchant_cannot_bargain_on_their_own_product(world):
    shop = connect(world, world["merchant"])
    ack = send(shop, "start_bargain", {"bargain_id": world["bargain"]["id"]})
    assert code(ack) == "forbidden"


def test_an_ended_campaign_starts_no_record(world):
    world["api"].call(
        "POST",
        f"/api/v1/bargains/{world['bargain']['id']}/end",
        token=world["merchant"],
    )
    mei = viewer(world, "shopper")
    ack = send(mei, "start_bargain", {"bargain_id": world["bargain"]["id"]})
    assert code(ack) == "bargain_closed"
