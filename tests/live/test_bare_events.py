"""The hot events (`grab`, `chat`, `like`) run without Flask-SocketIO's request
context (blueprints/live/events.py, `event(..., bare=True)`): they still know their
socket, and their refusals come in the socket's language, as before."""

from extensions import socketio
from tests.factories.live import act, created
from tests.live import test_live_api

world = test_live_api.world  # lily hosts; mei shops
NS = "/live"
ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}


def emit(client, name, data):
    return client.emit(name, data, namespace=NS, callback=True)


def test_refusals_are_in_the_sockets_language(world):
    sid = created(world)["id"]
    act(world, sid, "start")
    zh = socketio.test_client(world["app"], namespace=NS, headers=ZH)
    en = socketio.test_client(world["app"], namespace=NS)
    for name, data in (
        ("chat", {"session_id": sid, "body": "你好"}),
        ("grab", {"flash_sale_id": 1}),
    ):
        assert emit(zh, name, data) == {
            "ok": False,
            "error": {"code": "not_signed_in", "message": "请先登录再进行此操作。"},
        }
        assert emit(en, name, data)["error"]["message"] == "Sign in to do this."
    ack = emit(zh, "like", {"session_id": sid})
    assert ack["error"] == {"code": "invalid", "message": "请先进入直播间。"}
    ack = emit(zh, "like", ["not", "an", "object"])
    assert ack["error"] == {"code": "invalid", "message": "请发送一个 JSON 对象。"}


def test_they_know_their_socket(world):
    sid = created(world)["id"]
    act(world, sid, "start")
    mei = socketio.test_client(
        world["app"], namespace=NS, auth={"token": world["tokens"]["shopper"]}
    )
    other = socketio.test_client(world["app"], namespace=NS)
    assert emit(mei, "join", {"session_id": sid})["ok"]
    assert emit(other, "join", {"session_id": sid})["ok"]
    other.get_received(NS)
    ack = emit(mei, "chat", {"session_id": sid, "body": "hello"})
    assert ack["ok"], ack
    assert ack["message"]["user"]["username"] == "mei"
    heard = [m["args"][0] for m in other.get_received(NS) if m["name"] == "chat"]
    assert [m["body"] for m in heard] == ["hello"]
    assert emit(mei, "like", {"session_id": sid, "count": 3}) == {"ok": True}
    # the other socket never joined through mei's sid: its own like is its own
    assert emit(other, "like", {"session_id": sid})["ok"]


def test_redis_out_of_reach_is_unavailable_not_a_server_error(world, monkeypatch):
    """A site of several processes keeps chat's token buckets (and the sign-in
    throttle) in Redis: while Redis is away a message is answered `unavailable`,
    in the socket's language, and an API call (a password reset, counted per
    address) 503, never `server_error`."""
    import redis

    from blueprints.live import events
    from livestall.platform import ratelimit

    sid = created(world)["id"]
    act(world, sid, "start")

    class Away:
        def take(self, _key):
            raise redis.exceptions.ConnectionError("Error 111 connecting to redis")

    monkeypatch.setattr(events, "chat_buckets", Away)
    mei = socketio.test_client(
        world["app"], namespace=NS, auth={"token": world["tokens"]["shopper"]},
        headers=ZH,
    )  # fmt: skip
    assert emit(mei, "join", {"session_id": sid})["ok"]
    assert emit(mei, "chat", {"session_id": sid, "body": "在吗"}) == {
        "ok": False,
        "error": {"code": "unavailable", "message": "暂时无法使用，请稍后再试。"},
    }

    def count(*_args, **_kwargs):
        raise redis.exceptions.TimeoutError("Timeout reading from socket")

    monkeypatch.setattr(ratelimit, "count", count)
    monkeypatch.setattr(ratelimit, "hit", count)
    api = world["api"]
    body = {"email": "mei@example.com"}  # counted per address, then per email
    resp = api.call("POST", "/api/v1/password-resets", json=body, headers=dict(ZH))
    assert resp.status_code == 503, resp.get_json()
    assert resp.get_json()["error"] == {
        "code": "unavailable",
        "message": "暂时无法使用，请稍后再试。",
    }
    # anything else is still a logged server error
    monkeypatch.setattr(ratelimit, "count", lambda *a, **k: 1 / 0)
    monkeypatch.setattr(ratelimit, "hit", lambda *a, **k: 1 / 0)
    resp = api.call("POST", "/api/v1/password-resets", json=body)
    assert resp.status_code == 500
    assert resp.get_json()["error"]["code"] == "server_error"
