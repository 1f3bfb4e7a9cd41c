"""The record page's live room: `watch_bargain` on the `/live` namespace, then
`bargain` events when the record changes (Flask-SocketIO's test client; the API
and the pages for the helps)."""

import datetime

import pytest

from extensions import socketio
from livestall.bargain import expiry
from tests.factories import bargain as bf
from tests.factories.orders import Browser
from tests.plugins.app import read_db

NS = "/live"


@pytest.fixture
def world(app, bargain_world):
    w = bargain_world()
    w["record"] = bf.started(w["api"], w["buyer"], w["bargain"]["id"])
    w["app"] = app
    return w


def _client(world):
    client = socketio.test_client(world["app"], namespace=NS)
    assert client.is_connected(NS)
    return client


def _events(client):
    return [e["args"][0] for e in client.get_received(NS) if e["name"] == "bargain"]


def _watch(client, record_id):
    ack = client.emit(
        "watch_bargain", {"record_id": record_id}, namespace=NS, callback=True
    )
    client.get_received(NS)
    return ack


def test_watch_bargain_acks_the_record(world):
    ack = _watch(_client(world), world["record"]["id"])
    assert ack["ok"] is True, ack
    record = ack["record"]
    assert record["id"] == world["record"]["id"] and record["status"] == "open"
    assert record["price_cents"] == 10000 and record["floor_price_cents"] == 1000
    assert record["helpers"] == 0 and record["helpers_needed"] == 3
    assert record["helps"] == [] and record["owner"] == "mei"


@pytest.mark.parametrize("bad", [None, "1", True, 1.5, 999999, 0, -1, 2**70, [1]])
def test_watch_bargain_refuses_bad_ids_in_its_ack(world, bad):
    client = _client(world)
    ack = client.emit("watch_bargain", {"record_id": bad}, namespace=NS, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] in ("invalid", "not_found")
    assert client.is_connected(NS)
    # the connection still works
    assert _watch(client, world["record"]["id"])["ok"] is True


@pytest.mark.parametrize("payload", ["x", 5, None, ["record_id", 1]])
def test_watch_bargain_refuses_what_is_not_an_object(world, payload):
    client = _client(world)
    ack = client.emit("watch_bargain", payload, namespace=NS, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "invalid"
    assert client.is_connected(NS)


def test_a_help_by_the_api_reaches_the_watchers_with_the_new_price(world):
    api, record_id = world["api"], world["record"]["id"]
    watcher, bystander = _client(world), _client(world)
    assert _watch(watcher, record_id)["ok"]
    bystander.get_received(NS)
    resp = bf.help_cut(api, api.user("lan"), record_id)
    assert resp.status_code == 201, resp.get_json()
    after = resp.get_json()["record"]
    got = _events(watcher)
    assert len(got) == 1
    assert got[0]["event"] == "helped" and got[0]["username"] == "lan"
    assert got[0]["record"]["price_cents"] == after["price_cents"] < 10000
    assert got[0]["record"]["helpers"] == 1
    assert [h["username"] for h in got[0]["record"]["helps"]] == ["lan"]
    assert _events(bystander) == []  # only the record's room hears it

    for name in ("zhu", "dan"):
        bf.help_cut(api, api.user(name), record_id)
    got = _events(watcher)
    assert [e["event"] for e in got] == ["helped", "succeeded"]
    assert got[-1]["record"]["status"] == "succeeded"
    assert got[-1]["record"]["price_cents"] == 1000
    assert got[-1]["record"]["progress"] == 100


def test_a_help_by_the_page_and_the_purchase_reach_the_watchers(world):
    record_id = world["record"]["id"]
    watcher = _client(world)
    _watch(watcher, record_id)
    world["api"].user("lan")
    lan = Browser(world["app"], "lan", signup=False)
    assert lan.post(f"/bargain-records/{record_id}/help").status_code == 302
    got = _events(watcher)
    assert got and got[-1]["username"] == "lan" and got[-1]["record"]["helpers"] == 1
    bought = bf.buy(world["api"], world["buyer"], record_id)
    assert bought.status_code == 201, bought.get_json()
    got = _events(watcher)
    assert got[-1]["event"] == "ordered" and got[-1]["record"]["status"] == "ordered"


def test_expiry_reaches_the_watchers(world):
    record_id = world["record"]["id"]
    watcher = _client(world)
    _watch(watcher, record_id)
    later = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
    with world["app"].app_context():
        read_db(lambda: expiry.expire_records(now=later + datetime.timedelta(hours=2)))
    got = _events(watcher)
    assert got and got[-1]["event"] == "failed"
    assert got[-1]["record"]["status"] == "failed"


def test_unwatch_leaves_the_room(world):
    api, record_id = world["api"], world["record"]["id"]
    watcher = _client(world)
    _watch(watcher, record_id)
    ack = watcher.emit(
        "unwatch_bargain", {"record_id": record_id}, namespace=NS, callback=True
    )
    assert ack["ok"] is True
    bf.help_cut(api, api.user("lan"), record_id)
    assert _events(watcher) == []
