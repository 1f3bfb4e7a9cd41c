"""The team page's live room: `watch_team` on the `/live` namespace, then `team`
events when seats change (Flask-SocketIO's test client, the API for the seats)."""

import datetime

import pytest

from extensions import socketio
from livestall.group_buy import expiry
from tests.factories.orders import SHIP
from tests.plugins.app import read_db

NS = "/live"


def _deal(api, merchant, product_id):
    ends = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=1)
    body = {
        "product_id": product_id,
        "price_cents": 9900,
        "team_size": 3,
        "team_window_s": 3600,
        "ends_at": ends.isoformat(),
        "per_user_limit": 2,
    }
    resp = api.call("POST", "/api/v1/group-buys", token=merchant, json=body)
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()["group_buy"]


def _seat(api, token, path, key):
    body = {"qty": 1, "idempotency_key": key, "shipping": SHIP, "payment_method": "cod"}
    resp = api.call("POST", path, token=token, json=body)
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()["team"]


@pytest.fixture
def world(app, orders_world):
    w = orders_world(only=["tea"])
    api = w["api"]
    deal = _deal(api, w["merchant"], w["tea"])
    w["team"] = _seat(
        api, w["buyer"], f"/api/v1/group-buys/{deal['id']}/teams", "k-mei-0001"
    )
    w["app"] = app
    return w


def _client(world):
    client = socketio.test_client(world["app"], namespace=NS)
    assert client.is_connected(NS)
    return client


def _teams(client):
    return [e["args"][0] for e in client.get_received(NS) if e["name"] == "team"]


def test_watch_team_acks_the_team(world):
    client = _client(world)
    ack = client.emit(
        "watch_team", {"team_id": world["team"]["id"]}, namespace=NS, callback=True
    )
    assert ack["ok"] is True, ack
    assert ack["team"]["id"] == world["team"]["id"]
    assert ack["team"]["seats_left"] == 2 and ack["team"]["status"] == "open"
    assert [m["username"] for m in ack["team"]["members"]] == ["mei"]


@pytest.mark.parametrize("bad", [None, "1", True, 999999, -1])
def test_watch_team_refuses_bad_ids_in_its_ack(world, bad):
    client = _client(world)
    ack = client.emit("watch_team", {"team_id": bad}, namespace=NS, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] in ("invalid", "not_found")
    assert client.is_connected(NS)


def test_a_join_by_the_api_reaches_the_watchers(world):
    api, team_id = world["api"], world["team"]["id"]
    watcher, bystander = _client(world), _client(world)
    assert watcher.emit(
        "watch_team", {"team_id": team_id}, namespace=NS, callback=True
    )["ok"]
    watcher.get_received(NS)
    bystander.get_received(NS)
    _seat(api, api.user("lan"), f"/api/v1/teams/{team_id}/join", "k-lan-0001")
    got = _teams(watcher)
    assert len(got) == 1
    assert got[0]["id"] == team_id and got[0]["seats_left"] == 1
    assert [m["username"] for m in got[0]["members"]] == ["mei", "lan"]
    assert _teams(bystander) == []  # only the team's room hears it

    _seat(api, api.user("zhu"), f"/api/v1/teams/{team_id}/join", "k-zhu-0001")
    got = _teams(watcher)
    assert got[-1]["status"] == "succeeded" and got[-1]["seats_left"] == 0


def test_expiry_reaches_the_watchers(world):
    team_id = world["team"]["id"]
    watcher = _client(world)
    watcher.emit("watch_team", {"team_id": team_id}, namespace=NS, callback=True)
    watcher.get_received(NS)
    later = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
    with world["app"].app_context():
        read_db(lambda: expiry.expire_teams(now=later + datetime.timedelta(hours=2)))
    got = _teams(watcher)
    assert got and got[-1]["status"] == "failed"


def test_a_member_leaving_reaches_the_watchers(world):
    api, team_id = world["api"], world["team"]["id"]
    lan = api.user("lan")
    _seat(api, lan, f"/api/v1/teams/{team_id}/join", "k-lan-0001")
    watcher = _client(world)
    watcher.emit("watch_team", {"team_id": team_id}, namespace=NS, callback=True)
    watcher.get_received(NS)
    resp = api.call("POST", f"/api/v1/teams/{team_id}/leave", token=lan)
    assert resp.status_code == 200, resp.get_json()
    got = _teams(watcher)
    assert got[-1]["seats_left"] == 2
    assert [m["username"] for m in got[-1]["members"]] == ["mei"]
