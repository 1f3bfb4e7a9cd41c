"""A takedown on one process removes the content on the other at once: two
`python app.py` processes on one PostgreSQL and one Redis (the cluster set-up of
tests/site/test_cluster.py). A chat message leaves a socket's screen on the other
process, a post answers 404 there and leaves its search, a live taken down ends
for its viewers there and answers 404."""

import urllib.parse

import pytest

from bench.sioclient import connect
from tests.factories.flash import call, live_room, user
from tests.plugins.app import run_async
from tests.site.test_cluster import (  # noqa: F401 - fixtures
    Inbox,
    _eventually,
    backends,
    cluster,
    sql,
)

pytestmark = [pytest.mark.slow, pytest.mark.serial]


def _admin(port, store, name):
    token = user(port, name)
    ((uid,),) = sql(store, 'SELECT id FROM "user" WHERE username = %s', (name,))
    conn = store["pg"]()
    with conn, conn.cursor() as cur:
        cur.execute(
            "INSERT INTO user_role (user_id, role) VALUES (%s, 'admin')", (uid,)
        )
    conn.close()
    return token


def _report(port, token, kind, target_id, reason="spam"):
    status, body = call(
        port,
        "POST",
        "/api/v1/reports",
        token,
        {"kind": kind, "id": target_id, "reason": reason},
    )
    assert status == 201, body
    return body["report"]["id"]


def _take_down(port, admin, report_id):
    status, body = call(
        port,
        "POST",
        f"/api/v1/admin/reports/{report_id}/resolve",
        admin,
        {"action": "take_down", "note": "cluster"},
    )
    assert status == 200, body


def _post_hits(port, q):
    status, body = call(
        port, "GET", "/api/v1/search?type=posts&q=" + urllib.parse.quote(q)
    )
    assert status == 200, body
    return [item["id"] for item in body["items"]]


def test_a_takedown_on_one_process_is_gone_on_the_other(cluster, backends):  # noqa: F811
    a, b = cluster()
    room = live_room(a.port, units=0)
    sid, pid = room["session_id"], room["product_id"]
    mei, rose = user(b.port, "mei"), user(b.port, "rose")
    boss = _admin(a.port, backends, "boss")
    status, made = call(
        a.port,
        "POST",
        "/api/v1/posts",
        room["host"],
        {"body": "碧螺春 Biluochun spring tea", "product_ids": [pid]},
    )
    assert status == 201, made
    post_id = made["post"]["id"]
    assert _eventually(lambda: _post_hits(b.port, "碧螺春") == [post_id])

    async def scenario():
        on_b = Inbox()
        viewer = await connect("127.0.0.1", b.port, token=rose, on_event=on_b)
        talker = await connect("127.0.0.1", b.port, token=mei)
        for c in (viewer, talker):
            _, ack = await c.emit("join", {"session_id": sid})
            assert ack["ok"], ack
        _, ack = await talker.emit("chat", {"session_id": sid, "body": "骗子 spam"})
        assert ack["ok"], ack
        message_id = ack["message"]["id"]
        await on_b.wait(lambda n, p: n == "chat" and p["id"] == message_id)

        # the chat message, taken down through A, leaves B's screens
        _take_down(a.port, boss, _report(b.port, rose, "chat", message_id))
        got = await on_b.wait(lambda n, p: n == "chat_deleted")
        assert got == {"session_id": sid, "message_id": message_id}
        late = await connect("127.0.0.1", b.port, token=rose)
        _, ack = await late.emit("join", {"session_id": sid})
        assert message_id not in [m["id"] for m in ack["state"]["chat"]]
        late.close()

        # the live, taken down through A, ends for B's viewers
        seen = on_b.mark()
        _take_down(a.port, boss, _report(b.port, rose, "live", sid))
        ended = await on_b.wait(lambda n, p: n == "session", since=seen)
        assert ended["session"]["status"] == "removed"
        for c in (viewer, talker):
            c.close()

    run_async(scenario())
    assert call(b.port, "GET", f"/api/v1/live/{sid}")[0] == 404
    assert call(b.port, "GET", f"/api/v1/live/{sid}", room["host"])[0] == 200

    # the post, taken down through A: a 404 on B at once, and gone from its search
    assert call(b.port, "GET", f"/api/v1/posts/{post_id}", mei)[0] == 200
    _take_down(a.port, boss, _report(b.port, mei, "post", post_id))
    assert call(b.port, "GET", f"/api/v1/posts/{post_id}", mei)[0] == 404
    assert call(b.port, "GET", f"/api/v1/posts/{post_id}", room["host"])[0] == 200
    assert _eventually(lambda: _post_hits(b.port, "碧螺春") == [])
