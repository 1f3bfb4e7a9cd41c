"""Issue 15, finding 7: hearts are bounded per socket and per room and count only
while the live is on; a moderator the host removes stops receiving held messages at
once (and one the host names starts), in this process and across processes.

Flask-SocketIO's test client for the rules, then real Socket.IO clients against a
real `python app.py` (one process, then two sharing Redis)."""

import asyncio
import threading
import time

import pytest
import socketio

from blueprints.live import events
from extensions import socketio as flask_socketio
from livestall.live import hearts
from livestall.live.models import LiveSession
from tests.factories.flash import call, user
from tests.plugins.app import read_db, run_async
from tests.site.test_cluster import Inbox, backends, cluster  # noqa: F401 (fixtures)

NS = "/live"
WAIT = 10


@pytest.fixture
def world(live_world):
    """lily's room on air, with tom her moderator, mei a shopper, troll a spammer."""
    world = live_world(
        merchant=None,
        people=[
            ("host", "lily", "creator"),
            ("mod", "tom", "shopper"),
            ("shopper", "mei", "shopper"),
            ("troll", "troll", "shopper"),
        ],
        moderators=["tom"],
        ids=True,
        session="今晚上新",
    )
    resp = world["api"].call(
        "PUT",
        "/api/v1/live/blocked-words",
        token=world["tokens"]["host"],
        json={"words": ["spam"]},
    )
    assert resp.status_code == 200
    return world


def connect(world, role=None):
    auth = {"token": world["tokens"][role]} if role else None
    client = flask_socketio.test_client(world["app"], namespace=NS, auth=auth)
    assert client.is_connected(NS)
    return client


def send(client, event, data):
    return client.emit(event, data, namespace=NS, callback=True)


def in_room(world, *roles, sid=None):
    clients = [connect(world, role) for role in roles]
    for client in clients:
        ack = send(client, "join", {"session_id": sid or world["sid"]})
        assert ack["ok"], ack
        client.get_received(NS)
    return clients


def received(client, name):
    return [e["args"][0] for e in client.get_received(NS) if e["name"] == name]


def likes(sid):
    events.flush()
    return read_db(lambda: LiveSession.get_by_id(sid).likes)


def set_moderators(world, usernames):
    resp = world["api"].call(
        "PUT",
        "/api/v1/live/moderators",
        token=world["tokens"]["host"],
        json={"usernames": usernames},
    )
    assert resp.get_json() == {"usernames": usernames}, resp.get_json()


# --- hearts ---------------------------------------------------------------------------


def test_one_socket_cannot_add_5000_hearts_in_a_second(world):
    sid = world["sid"]
    (anon,) = in_room(world, None)
    started = time.monotonic()
    acks = [send(anon, "like", {"session_id": sid, "count": 50}) for _ in range(100)]
    elapsed = time.monotonic() - started
    refused = [a for a in acks if not a["ok"]]
    assert refused, "every batch was taken"
    assert {a["error"]["code"] for a in refused} == {"rate_limited"}
    assert all(a["error"]["retry_after_s"] >= 1 for a in refused)
    counted = likes(sid)
    allowed = hearts.SOCKET_BURST + hearts.SOCKET_PER_S * (elapsed + 0.1)
    assert hearts.SOCKET_BURST <= counted <= allowed, (counted, elapsed)
    # another viewer's hearts are their own allowance
    (shopper,) = in_room(world, "shopper")
    assert send(shopper, "like", {"session_id": sid, "count": 50}) == {"ok": True}
    assert likes(sid) == counted + 50


def test_a_socket_bucket_refills_and_a_big_batch_counts_what_is_left():
    limiter = hearts.HeartLimiter(burst=100, per_s=20, room_per_s=10_000)
    assert limiter.take("a", 50, now=0) == (50, 0)
    assert limiter.take("a", 50, now=0) == (50, 0)
    allowed, wait = limiter.take("a", 1, now=0)
    assert allowed == 0 and wait == pytest.approx(0.05)
    assert limiter.take("a", 50, now=1) == (20, 0)  # one second: 20 taps
    assert limiter.take("b", 50, now=1) == (50, 0)  # per socket
    assert limiter.take("a", 50, now=100) == (50, 0)  # full again, never above
    assert limiter.take("a", 50, now=100) == (50, 0)
    assert limiter.take("a", 50, now=100)[0] == 0
    limiter.forget("a")
    assert limiter.take("a", 50, now=100) == (50, 0)


def test_a_room_counts_at_most_its_allowance_a_second_whatever_the_sockets(
    world, monkeypatch
):
    monkeypatch.setattr(events._hearts, "room_per_s", 120)
    sid = world["sid"]
    clients = in_room(world, None, None, None, "shopper")
    for client in clients:  # 200 taps from four sockets within a second
        assert send(client, "like", {"session_id": sid, "count": 50}) == {"ok": True}
    assert likes(sid) == 120
    limiter = hearts.HeartLimiter(room_per_s=100)
    assert [limiter.count(7, 60, now=5.0), limiter.count(7, 60, now=5.5)] == [60, 40]
    assert limiter.count(7, 60, now=6.0) == 60  # a new second
    assert limiter.count(8, 60, now=6.0) == 60  # per room


def test_hearts_count_only_while_live(world):
    api, host = world["api"], world["tokens"]["host"]
    resp = api.call("POST", "/api/v1/live", token=host, json={"title": "明晚"})
    later = resp.get_json()["session"]["id"]
    (anon,) = in_room(world, None, sid=later)
    ack = send(anon, "like", {"session_id": later, "count": 5})
    assert ack["ok"] is False and ack["error"]["code"] == "not_live"
    assert likes(later) == 0

    sid = world["sid"]
    (viewer,) = in_room(world, None)
    assert send(viewer, "like", {"session_id": sid, "count": 5})["ok"]
    assert likes(sid) == 5
    resp = api.call("POST", f"/api/v1/live/{sid}/end", token=host)
    assert resp.status_code == 200
    ack = send(viewer, "like", {"session_id": sid, "count": 5})
    assert ack["ok"] is False and ack["error"]["code"] == "not_live"
    assert likes(sid) == 5


# --- moderators -----------------------------------------------------------------------


def test_a_removed_moderator_stops_receiving_held_messages_at_once(world):
    sid = world["sid"]
    host, mod, troll = in_room(world, "host", "mod", "troll")
    assert send(troll, "chat", {"session_id": sid, "body": "spam 1"})["ok"]
    (held,) = received(mod, "held")
    assert held["body"] == "spam 1"

    set_moderators(world, [])
    assert received(mod, "moderator") == [{"session_id": sid, "is_moderator": False}]
    assert send(troll, "chat", {"session_id": sid, "body": "spam 2"})["ok"]
    assert received(mod, "held") == []
    assert [m["body"] for m in received(host, "held")] == ["spam 1", "spam 2"]
    ack = send(mod, "release_message", {"message_id": held["id"]})
    assert ack["error"]["code"] == "forbidden"
    assert "held" not in send(mod, "join", {"session_id": sid})["state"]


def test_a_moderator_named_while_in_the_room_starts_receiving_them(world):
    sid = world["sid"]
    shopper, troll = in_room(world, "shopper", "troll")
    assert send(troll, "chat", {"session_id": sid, "body": "spam 1"})["ok"]
    assert received(shopper, "held") == []

    set_moderators(world, ["mei", "tom"])
    assert received(shopper, "moderator") == [{"session_id": sid, "is_moderator": True}]
    assert send(troll, "chat", {"session_id": sid, "body": "spam 2"})["ok"]
    assert [m["body"] for m in received(shopper, "held")] == ["spam 2"]


def test_the_console_form_moves_sockets_too(app, live_world):
    """The host's console form (not the API) goes through the same rule."""
    from tests.factories.accounts import Person

    world = live_world(
        merchant=None,
        people=[("host", "lily", "creator"), ("mod", "tom", "shopper")],
        browsers=True,
        moderators=(),
        session="今晚上新",
    )
    host, mod = world["host"], world["mod"]
    assert isinstance(host, Person)
    sid = world["sid"]
    client = flask_socketio.test_client(app, namespace=NS, flask_test_client=mod.client)
    assert send(client, "join", {"session_id": sid})["ok"]
    client.get_received(NS)
    resp = host.post(f"/live/{sid}/moderators", {"usernames": "tom"})
    assert resp.status_code == 302
    assert received(client, "moderator") == [{"session_id": sid, "is_moderator": True}]
    resp = host.post(f"/live/{sid}/moderators", {"usernames": ""})
    assert received(client, "moderator") == [{"session_id": sid, "is_moderator": False}]


# --- real clients, a real server ------------------------------------------------------


class Viewer:
    """A python-socketio client over WebSocket recording the room's events."""

    NAMES = ("held", "chat", "likes", "moderator")

    def __init__(self, url, token=None):
        self.events = []
        self.changed = threading.Condition()
        self.client = socketio.Client(reconnection=False)
        for name in self.NAMES:
            self.client.on(name, self._recorder(name), namespace=NS)
        self.client.connect(
            url,
            transports=["websocket"],
            namespaces=[NS],
            auth={"token": token} if token else None,
            wait_timeout=WAIT,
        )

    def _recorder(self, name):
        def record(data):
            with self.changed:
                self.events.append((name, data))
                self.changed.notify_all()

        return record

    def call(self, event, data):
        return self.client.call(event, data, namespace=NS, timeout=WAIT)

    def got(self, name):
        with self.changed:
            return [data for n, data in self.events if n == name]

    def wait_for(self, predicate, timeout=WAIT):
        deadline = time.monotonic() + timeout
        with self.changed:
            while not predicate():
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.changed.wait(left)
        return True


def room_on(port, moderators=("tom",)):
    """lily's live on the server at `port`, tom her moderator, troll a spammer."""
    host = user(port, "lily", "creator")
    people = {name: user(port, name) for name in ("tom", "mei", "troll")}
    status, _ = call(
        port, "PUT", "/api/v1/live/blocked-words", host, {"words": ["spam"]}
    )
    assert status == 200
    status, _ = call(
        port, "PUT", "/api/v1/live/moderators", host, {"usernames": list(moderators)}
    )
    assert status == 200
    _, live = call(port, "POST", "/api/v1/live", host, {"title": "今晚上新"})
    sid = live["session"]["id"]
    assert call(port, "POST", f"/api/v1/live/{sid}/start", host)[0] == 200
    return {"host": host, "sid": sid, **people}


def test_real_clients_hearts_and_a_removed_moderator(live_server):
    port, url = live_server.port, live_server.url
    room = room_on(port)
    sid = room["sid"]
    viewers = []
    try:
        host, mod, troll, anon, watcher = (
            Viewer(url, token)
            for token in (room["host"], room["tom"], room["troll"], None, None)
        )
        viewers += [host, mod, troll, anon, watcher]
        for v in viewers:
            assert v.call("join", {"session_id": sid})["ok"]

        # one anonymous socket taps 5,000 hearts within a second
        started = time.monotonic()
        acks = [anon.call("like", {"session_id": sid, "count": 50}) for _ in range(100)]
        elapsed = time.monotonic() - started
        assert any(a["error"]["code"] == "rate_limited" for a in acks if not a["ok"])
        allowed = hearts.SOCKET_BURST + hearts.SOCKET_PER_S * (elapsed + 0.5)
        assert watcher.wait_for(lambda: watcher.got("likes"))
        time.sleep(1.5)  # every flush that could count more has run
        total = watcher.got("likes")[-1]["count"]
        assert hearts.SOCKET_BURST <= total <= allowed, (total, elapsed)

        # the moderator hears held messages until the host removes them
        assert troll.call("chat", {"session_id": sid, "body": "spam 1"})["ok"]
        assert mod.wait_for(lambda: len(mod.got("held")) == 1)
        status, _ = call(
            port, "PUT", "/api/v1/live/moderators", room["host"], {"usernames": []}
        )
        assert status == 200
        assert mod.wait_for(lambda: mod.got("moderator"))
        assert mod.got("moderator") == [{"session_id": sid, "is_moderator": False}]
        assert troll.call("chat", {"session_id": sid, "body": "spam 2"})["ok"]
        assert host.wait_for(lambda: len(host.got("held")) == 2)
        time.sleep(0.3)
        assert [m["body"] for m in mod.got("held")] == ["spam 1"]
        # named again, without reconnecting
        call(
            port, "PUT", "/api/v1/live/moderators", room["host"], {"usernames": ["tom"]}
        )
        assert mod.wait_for(lambda: len(mod.got("moderator")) == 2)
        assert troll.call("chat", {"session_id": sid, "body": "spam 3"})["ok"]
        assert mod.wait_for(lambda: len(mod.got("held")) == 2)
    finally:
        for v in viewers:
            v.client.disconnect()
    log = live_server.output()
    assert "Traceback" not in log, log


# --- across processes (PostgreSQL + Redis, as tests/site/test_cluster.py) ------------


@pytest.mark.slow
@pytest.mark.serial
def test_a_moderator_removed_on_one_process_leaves_the_room_on_the_other(request):
    from bench.sioclient import connect as raw_connect

    a, b = request.getfixturevalue("cluster")()
    room = room_on(a.port)
    sid = room["sid"]

    async def scenario():
        on_mod, on_host = Inbox(), Inbox()
        mod = await raw_connect("127.0.0.1", b.port, token=room["tom"], on_event=on_mod)
        host = await raw_connect(
            "127.0.0.1", a.port, token=room["host"], on_event=on_host
        )
        troll = await raw_connect("127.0.0.1", a.port, token=room["troll"])
        for client in (mod, host, troll):
            _, ack = await client.emit("join", {"session_id": sid})
            assert ack["ok"], ack
        _, ack = await troll.emit("chat", {"session_id": sid, "body": "spam 1"})
        assert ack["ok"], ack
        await on_mod.wait(lambda n, p: n == "held" and p["body"] == "spam 1")

        status, _ = call(
            a.port, "PUT", "/api/v1/live/moderators", room["host"], {"usernames": []}
        )
        assert status == 200
        await on_mod.wait(
            lambda n, p: (
                n == "moderator" and p == {"session_id": sid, "is_moderator": False}
            )
        )
        _, ack = await troll.emit("chat", {"session_id": sid, "body": "spam 2"})
        assert ack["ok"], ack
        await on_host.wait(lambda n, p: n == "held" and p["body"] == "spam 2")
        await asyncio.sleep(0.5)
        assert [p["body"] for n, p in on_mod.events if n == "held"] == ["spam 1"]

        seen = on_mod.mark()
        status, _ = call(
            a.port,
            "PUT",
            "/api/v1/live/moderators",
            room["host"],
            {"usernames": ["tom"]},
        )
        assert status == 200
        await on_mod.wait(
            lambda n, p: n == "moderator" and p["is_moderator"] is True, since=seen
        )
        _, ack = await troll.emit("chat", {"session_id": sid, "body": "spam 3"})
        assert ack["ok"], ack
        await on_mod.wait(lambda n, p: n == "held" and p["body"] == "spam 3")
        for client in (mod, host, troll):
            client.close()

    run_async(scenario())
    for server in (a, b):
        log = server.output()
        assert "Traceback" not in log, log
