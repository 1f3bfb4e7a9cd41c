"""The /live namespace on a real `python app.py` (gevent) with real Socket.IO
clients over WebSocket: fan-out, resync after a reconnect, the frame limit, the
same-origin check and bans."""

import http.client
import json
import threading
import time
import urllib.request

import pytest
import socketio

NS = "/live"
WAIT = 10


def call(server, method, path, token=None, body=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        server.url + path, data=data, method=method, headers=headers
    )
    with urllib.request.urlopen(request, timeout=WAIT) as resp:
        return json.loads(resp.read() or b"null")


def user(server, username, role="shopper"):
    got = call(
        server,
        "POST",
        "/api/v1/users",
        body={
            "username": username,
            "email": f"{username}@example.com",
            "password": "correct horse battery",
            "role": role,
        },
    )
    return got["token"], got["user"]["id"]


class Viewer:
    """A socketio.Client over WebSocket that records what the room sends it."""

    def __init__(self, server, token=None):
        self.events = []
        self.changed = threading.Condition()
        self.client = socketio.Client(reconnection=False)
        self.server = server
        self.token = token
        for name in ("chat", "banned", "viewers", "signed_out"):
            self.client.on(name, self._recorder(name), namespace=NS)

    def _recorder(self, name):
        def record(data):
            with self.changed:
                self.events.append((name, data))
                self.changed.notify_all()

        return record

    def connect(self):
        self.client.connect(
            self.server.url,
            transports=["websocket"],
            namespaces=[NS],
            auth={"token": self.token} if self.token else None,
            wait_timeout=WAIT,
        )
        return self

    def call(self, event, data):
        return self.client.call(event, data, namespace=NS, timeout=WAIT)

    def join(self, sid):
        ack = self.call("join", {"session_id": sid})
        assert ack["ok"], ack
        return ack["state"]

    def chats(self):
        return [data["body"] for name, data in self.events if name == "chat"]

    def wait_for(self, predicate, timeout=WAIT):
        deadline = time.monotonic() + timeout
        with self.changed:
            while not predicate():
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.changed.wait(left)
        return True

    def close(self):
        self.client.disconnect()


@pytest.fixture
def room(live_server):
    """A live session of a creator's on the real server, and its viewers' cleanup."""
    host_token, _ = user(live_server, "lily", role="creator")
    session = call(
        live_server, "POST", "/api/v1/live", host_token, {"title": "今晚上新"}
    )["session"]
    call(live_server, "POST", f"/api/v1/live/{session['id']}/start", host_token)
    viewers = []

    def viewer(token=None):
        v = Viewer(live_server, token).connect()
        viewers.append(v)
        return v

    host = viewer(host_token)
    host.join(session["id"])
    yield {"server": live_server, "sid": session["id"], "host": host, "viewer": viewer}
    for v in viewers:
        if v.client.connected:
            v.close()
    log = live_server.output()
    assert "Traceback" not in log, log


def test_one_message_reaches_fifty_viewers(room):
    sid = room["sid"]
    viewers = [room["viewer"]() for _ in range(50)]
    for v in viewers:
        v.join(sid)
    ack = room["host"].call("chat", {"session_id": sid, "body": "大家好 👋"})
    assert ack["ok"], ack
    for v in viewers:
        assert v.wait_for(lambda v=v: v.chats() == ["大家好 👋"]), v.events
    assert room["viewer"]().join(sid)["viewers"] == 52


def test_a_reconnecting_viewer_resyncs_from_the_join_state(room):
    sid, host = room["sid"], room["host"]
    assert host.call("chat", {"session_id": sid, "body": "before"})["ok"]
    viewer = room["viewer"]()
    assert [m["body"] for m in viewer.join(sid)["chat"]] == ["before"]
    viewer.close()
    for body in ("missed 1", "missed 2"):
        assert host.call("chat", {"session_id": sid, "body": body})["ok"]
    viewer = room["viewer"]()
    state = viewer.join(sid)
    assert [m["body"] for m in state["chat"]] == ["before", "missed 1", "missed 2"]
    assert host.call("chat", {"session_id": sid, "body": "after"})["ok"]
    assert viewer.wait_for(lambda: viewer.chats() == ["after"])


def test_a_frame_over_16_kb_is_refused_and_hurts_no_one(room):
    sid, host = room["sid"], room["host"]
    token, _ = user(room["server"], "mei")
    big, bystander = room["viewer"](token), room["viewer"]()
    big.join(sid)
    bystander.join(sid)
    big.client.emit("chat", {"session_id": sid, "body": "x" * 20_000}, namespace=NS)
    deadline = time.monotonic() + WAIT
    while big.client.connected and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not big.client.connected
    assert bystander.client.connected
    assert host.call("chat", {"session_id": sid, "body": "still here"})["ok"]
    assert bystander.wait_for(lambda: bystander.chats() == ["still here"])
    assert "x" * 200 not in json.dumps(bystander.events)
    # just under the limit is an ordinary (too long) chat message
    ack = room["viewer"](token).call("chat", {"session_id": sid, "body": "x" * 15_000})
    assert ack["error"]["code"] == "invalid"


def polling_handshake(server, origin=None):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=WAIT)
    headers = {"Origin": origin} if origin else {}
    conn.request("GET", "/socket.io/?EIO=4&transport=polling", headers=headers)
    resp = conn.getresponse()
    resp.read()
    conn.close()
    return resp.status


def test_engineio_refuses_a_foreign_origin(room):
    server = room["server"]
    assert polling_handshake(server, "http://evil.example") == 400
    assert polling_handshake(server, "null") == 400
    assert polling_handshake(server, f"http://127.0.0.1:{server.port + 1}") == 400
    assert polling_handshake(server) == 200
    assert polling_handshake(server, server.url) == 200
    evil = socketio.Client(reconnection=False)
    with pytest.raises(socketio.exceptions.ConnectionError):
        evil.connect(
            server.url,
            transports=["websocket"],
            namespaces=[NS],
            headers={"Origin": "http://evil.example"},
            wait_timeout=WAIT,
        )


def test_a_banned_user_is_refused_on_rejoin(room):
    sid, host = room["sid"], room["host"]
    token, troll_id = user(room["server"], "troll")
    troll = room["viewer"](token)
    troll.join(sid)
    assert host.call("ban", {"session_id": sid, "user_id": troll_id}) == {"ok": True}
    assert troll.wait_for(lambda: ("banned", {"session_id": sid}) in troll.events)
    assert host.call("chat", {"session_id": sid, "body": "bye"})["ok"]
    ack = troll.call("join", {"session_id": sid})
    assert ack["ok"] is False and ack["error"]["code"] == "banned"
    ack = troll.call("chat", {"session_id": sid, "body": "let me in"})
    assert ack["error"]["code"] == "banned"
    assert "bye" not in troll.chats()
    again = room["viewer"](token)
    assert again.call("join", {"session_id": sid})["error"]["code"] == "banned"
