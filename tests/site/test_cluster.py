"""Two `python app.py` processes on one PostgreSQL database and one Redis (the
message queue): broadcasts, viewer counts, flash sales, bans and login throttling
cross processes, and killing one process mid-sale loses nothing acknowledged.

Needs the local PostgreSQL and Redis (LIVESTALL_TEST_PG, LIVESTALL_TEST_REDIS);
skipped with the reason elsewhere, failed under CI (env CI) when they are missing.
"""

import asyncio
import http.cookiejar
import io
import os
import random
import re
import signal
import time
import urllib.parse
import urllib.request
import uuid
from collections import Counter

import pytest

from bench.sioclient import connect
from tests.factories.flash import call, live_room, user
from tests.plugins.app import PASSWORD, run_async
from tests.plugins.browser import LiveServer

pytestmark = [pytest.mark.slow, pytest.mark.serial]
PG = os.environ.get("LIVESTALL_TEST_PG", "postgresql://postgres@127.0.0.1:5432")
REDIS = os.environ.get("LIVESTALL_TEST_REDIS", "redis://127.0.0.1:6379")


def _unavailable(what, exc):
    message = f"{what} is needed for the cluster tests: {exc}"
    if os.environ.get("CI"):
        pytest.fail(message + " (required under CI)")
    pytest.skip(message)


@pytest.fixture
def backends():
    """A fresh PostgreSQL database and a fresh Redis database + channel."""
    try:
        import psycopg2

        admin = psycopg2.connect(PG + "/postgres", connect_timeout=3)
    except Exception as exc:  # noqa: BLE001 - ImportError or OperationalError
        _unavailable(f"PostgreSQL at {PG}", exc)
    try:
        import redis

        n = random.randint(1, 15)
        r = redis.Redis.from_url(f"{REDIS}/{n}", socket_timeout=3)
        r.ping()
    except Exception as exc:  # noqa: BLE001 - any failure to reach it
        admin.close()
        _unavailable(f"Redis at {REDIS}", exc)
    admin.autocommit = True
    name = "livestall_cluster_" + uuid.uuid4().hex[:10]
    channel = "lstest-" + uuid.uuid4().hex[:10]
    with admin.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')
    yield {
        "url": f"{PG}/{name}",
        "queue": f"{REDIS}/{n}",
        "channel": channel,
        "redis": r,
        "pg": lambda: psycopg2.connect(f"{PG}/{name}"),
    }
    for k in r.scan_iter(match=channel + ":*", count=500):
        r.delete(k)
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


@pytest.fixture
def cluster(backends, tmp_path):
    """Start two processes (a function: tests may pass settings)."""
    servers = []

    def start(n=2, **settings):
        env = {
            "LIVESTALL_DATABASE_URL": backends["url"],
            "LIVESTALL_MESSAGE_QUEUE": backends["queue"],
            "LIVESTALL_MESSAGE_QUEUE_CHANNEL": backends["channel"],
            **{f"LIVESTALL_{k}": str(v) for k, v in settings.items()},
        }
        for _ in range(n):
            data = tmp_path / f"node{len(servers)}"
            data.mkdir()
            # one after the other: the first one migrates the schema
            servers.append(LiveServer(data, extra_env=env))
        return servers

    yield start
    for server in servers:
        server.stop()


def sql(backends, query, args=()):
    conn = backends["pg"]()
    try:
        with conn.cursor() as cur:
            cur.execute(query, args)
            return cur.fetchall()
    finally:
        conn.close()


class Inbox:
    """Events a client received, with a wait for the one a test expects."""

    def __init__(self):
        self.events = []

    def __call__(self, name, payload, _now):
        self.events.append((name, payload))

    def mark(self):
        return len(self.events)

    async def wait(self, predicate, timeout=10.0, since=0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for name, payload in self.events[since:]:
                if predicate(name, payload):
                    return payload
            await asyncio.sleep(0.05)
        raise AssertionError(f"not received; got {[n for n, _ in self.events]}")


def books_add_up(backends, sale_id):
    ((quantity, remaining, held, sold),) = sql(
        backends,
        "SELECT quantity, remaining, held, sold FROM flash_sale WHERE id = %s",
        (sale_id,),
    )
    assert remaining + held + sold == quantity and min(remaining, held, sold) >= 0
    ((holding,),) = sql(
        backends,
        "SELECT COALESCE(SUM(qty), 0) FROM reservation "
        "WHERE sale_id = %s AND status = 'held'",
        (sale_id,),
    )
    assert holding == held
    return quantity, remaining, held, sold


# --- broadcasts, viewers, bans, chat limits ----------------------------------------


def test_chat_pin_viewers_and_ban_cross_processes(cluster, backends):
    a, b = cluster(CHAT_BURST=2, CHAT_REFILL_S=30)
    room = live_room(a.port, units=0)
    sid = room["session_id"]
    alice, bob = user(a.port, "alice"), user(b.port, "bob")

    async def scenario():
        on_a, on_b, host_inbox = Inbox(), Inbox(), Inbox()
        ca = await connect("127.0.0.1", a.port, token=alice, on_event=on_a)
        cb = await connect("127.0.0.1", b.port, token=bob, on_event=on_b)
        host = await connect(
            "127.0.0.1", a.port, token=room["host"], on_event=host_inbox
        )
        for c in (ca, cb, host):
            _, ack = await c.emit("join", {"session_id": sid})
            assert ack["ok"], ack
        # Viewers are counted across both processes (3 sockets in the room).
        await on_b.wait(lambda n, p: n == "viewers" and p["count"] == 3)
        await on_a.wait(lambda n, p: n == "viewers" and p["count"] == 3)
        _, ack = await cb.emit("join", {"session_id": sid})
        assert ack["state"]["viewers"] == 3  # a join's state counts both, too
        # A chat message sent to process A reaches a client on process B.
        _, ack = await ca.emit("chat", {"session_id": sid, "body": "你好 from A"})
        assert ack["ok"], ack
        got = await on_b.wait(lambda n, p: n == "chat" and p["body"] == "你好 from A")
        assert got["user"]["username"] == "alice"
        # A pin on A appears on B.
        _, ack = await host.emit(
            "pin", {"session_id": sid, "product_id": room["product_id"]}
        )
        assert ack["ok"], ack
        pinned = await on_b.wait(lambda n, p: n == "pinned")
        assert pinned["product"]["id"] == room["product_id"]
        # Chat buckets are shared: alice's burst of 2, spent on two processes.
        ca2 = await connect("127.0.0.1", b.port, token=alice)
        _, ack = await ca2.emit("join", {"session_id": sid})
        await on_a.wait(lambda n, p: n == "viewers" and p["count"] == 4)
        _, ack = await ca2.emit("chat", {"session_id": sid, "body": "second, on B"})
        assert ack["ok"], ack
        _, ack = await ca.emit("chat", {"session_id": sid, "body": "third, on A"})
        assert not ack["ok"] and ack["error"]["code"] == "rate_limited", ack
        # A ban on A takes bob's socket on B out of the room (control message).
        _, ack = await cb.emit("chat", {"session_id": sid, "body": "bob here"})
        assert ack["ok"], ack
        got_bob = await on_a.wait(lambda n, p: n == "chat" and p["body"] == "bob here")
        bob_id = got_bob["user"]["id"]
        seen = on_a.mark()
        _, ack = await host.emit("ban", {"session_id": sid, "user_id": bob_id})
        assert ack["ok"], ack
        await on_b.wait(lambda n, p: n == "banned")
        await asyncio.sleep(0.5)
        _, ack = await host.emit("chat", {"session_id": sid, "body": "after the ban"})
        assert ack["ok"], ack
        await on_a.wait(lambda n, p: n == "chat" and p["body"] == "after the ban")
        await asyncio.sleep(0.5)
        assert not [p for n, p in on_b.events if n == "chat" and "after" in p["body"]]
        # ...and the room counts one viewer fewer everywhere.
        await on_a.wait(
            lambda n, p: n == "viewers" and p["count"] == 3, timeout=5, since=seen
        )
        for c in (ca, cb, ca2, host):
            c.close()

    run_async(scenario())


def _browser(port):
    """A cookie-keeping opener on `port` and a way to read a page's CSRF token."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    base = f"http://127.0.0.1:{port}"

    def post_form(path, fields):
        page = opener.open(base + path, timeout=10).read().decode()
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode({"csrf_token": token, **fields}).encode()
        return opener.open(base + path, data=body, timeout=10)

    return post_form


def test_a_password_change_on_one_process_signs_out_sockets_on_the_other(cluster):
    a, b = cluster()
    token = user(a.port, "mei")
    post_form = _browser(a.port)
    post_form("/login", {"login": "mei", "password": PASSWORD})

    async def scenario():
        inbox = Inbox()
        on_b = await connect("127.0.0.1", b.port, token=token, on_event=inbox)
        _, ack = await on_b.emit("clock", {})
        assert ack["ok"]
        # the password changes through a page served by A
        resp = await asyncio.to_thread(
            post_form,
            "/settings/password",
            {"current_password": PASSWORD, "new_password": PASSWORD + " 2"},
        )
        assert resp.status == 200 and b"Password changed" in resp.read()
        await inbox.wait(lambda n, _p: n == "signed_out")
        deadline = time.monotonic() + 10
        while not on_b.closed and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        assert on_b.closed  # B closed the socket of the signed-out user
        # and its token is gone: a new socket with it is refused
        with pytest.raises((ConnectionError, OSError)):
            await connect("127.0.0.1", b.port, token=token, timeout=10)

    run_async(scenario())


def test_login_throttling_is_shared_through_redis(cluster, backends):
    a, b = cluster(LOGIN_LIMIT_PER_ACCOUNT=3)
    user(a.port, "victim")
    for _ in range(3):
        status, _ = call(
            a.port,
            "POST",
            "/api/v1/tokens",
            body={"login": "victim", "password": "wrong password"},
        )
        assert status == 401
    status, body = call(
        b.port, "POST", "/api/v1/tokens", body={"login": "victim", "password": "nope"}
    )
    assert status == 429 and body["error"]["code"] == "rate_limited"
    # the counters live in Redis, not in the database
    assert sql(backends, "SELECT COUNT(*) FROM rate_counter") == [(0,)]
    assert list(backends["redis"].scan_iter(match=backends["channel"] + ":rate:*"))


# --- search ------------------------------------------------------------------------


def _search(port, q):
    status, body = call(port, "GET", "/api/v1/search?q=" + urllib.parse.quote(q))
    assert status == 200, body
    return [item["title"] for item in body["items"]]


def _eventually(check, limit_s=10):
    deadline = time.monotonic() + limit_s
    while True:
        got = check()
        if got or time.monotonic() > deadline:
            return got
        time.sleep(0.1)


def test_a_catalog_change_on_one_process_is_searchable_on_the_other(cluster):
    a, b = cluster()
    shop = user(a.port, "teashop", "merchant")
    status, made = call(
        a.port,
        "POST",
        "/api/v1/products",
        shop,
        {
            "title": "安吉白茶 Anji white tea",
            "price_cents": 9900,
            "stock": 5,
            "category": "tea-drinks",
        },
    )
    assert status == 201, made
    pid = made["product"]["id"]
    # made through A, found through B (and A) a moment later
    assert _eventually(lambda: _search(b.port, "白茶") == ["安吉白茶 Anji white tea"])
    assert _search(a.port, "anji") == ["安吉白茶 Anji white tea"]
    # renamed through B: A finds it by its new name and no longer by the old one
    status, _ = call(
        b.port, "PATCH", f"/api/v1/products/{pid}", shop, {"title": "黄山毛峰 Maofeng"}
    )
    assert status == 200
    assert _eventually(lambda: _search(a.port, "毛峰") == ["黄山毛峰 Maofeng"])
    assert _search(a.port, "白茶") == []
    # archived through A: gone from B's results
    status, _ = call(a.port, "DELETE", f"/api/v1/products/{pid}", shop)
    assert status == 204
    assert _eventually(lambda: _search(b.port, "毛峰") == [])


# --- flash sales -------------------------------------------------------------------

CLIENTS = 400
USERS = 200
UNITS = 40


def test_four_hundred_sockets_on_two_processes_grab_forty_units(cluster, backends):
    a, b = cluster()
    room = live_room(a.port, units=UNITS, limit=1)
    people = [user((a, b)[i % 2].port, f"fan{i:03d}") for i in range(USERS)]

    async def crowd():
        clients = []
        # each person on two sockets, one on each process
        for i, token in enumerate(people + people):
            port = (a, b)[i % 2 if i < USERS else (i + 1) % 2].port
            clients.append(await connect("127.0.0.1", port, token=token))
        joins = await asyncio.gather(
            *(c.emit("join", {"session_id": room["session_id"]}) for c in clients)
        )
        assert all(ack["ok"] for _, ack in joins), Counter(
            str(ack.get("error")) for _, ack in joins
        )
        acks = await asyncio.gather(
            *(
                c.emit("grab", {"flash_sale_id": room["sale_id"], "qty": 1})
                for c in clients
            )
        )
        for c in clients:
            c.close()
        return [ack for _, ack in acks]

    acks = run_async(crowd())
    won = [a["reservation"] for a in acks if a["ok"]]
    refused = Counter(a["error"]["code"] for a in acks if not a["ok"])
    assert len(won) == UNITS, refused
    assert set(refused) <= {"out_of_stock", "limit_reached", "grab_in_flight"}
    assert books_add_up(backends, room["sale_id"]) == (UNITS, 0, UNITS, 0)
    rows = sql(backends, "SELECT id, user_id, qty FROM reservation")
    assert len(rows) == UNITS
    assert {r["id"] for r in won} == {r[0] for r in rows}
    assert max(Counter(u for _, u, _ in rows).values()) == 1  # the per-user limit


def test_killing_a_process_mid_sale_loses_nothing_acknowledged(cluster, backends):
    a, b = cluster()
    units, limit, users = 600, 4, 120
    room = live_room(a.port, units=units, limit=limit)
    people = [user(a.port, f"fan{i:03d}") for i in range(users)]
    acked = []  # every reservation the server acknowledged
    where = {}  # token -> what its shopper is doing, on which port
    refusals = Counter()

    async def shopper(token, start_port):
        """Grab until refused for good; on a lost connection, reconnect to the
        other process (as nginx would), re-join and resync from the state."""
        port = start_port
        while True:
            try:
                where[token] = ("connect", port)
                client = await connect("127.0.0.1", port, token=token)
                where[token] = ("join", port)
                _, ack = await client.emit("join", {"session_id": room["session_id"]})
                where[token] = ("grab", port)
                assert ack["ok"], ack
                sale = [
                    s for s in ack["state"]["flash_sales"] if s["id"] == room["sale_id"]
                ]
                if not sale or sale[0]["remaining"] == 0:
                    client.close()
                    where[token] = ("done",)
                    return
                while True:
                    _, ack = await client.emit(
                        "grab", {"flash_sale_id": room["sale_id"], "qty": 1}
                    )
                    if ack["ok"]:
                        acked.append(ack["reservation"])
                        await asyncio.sleep(0.02)
                        continue
                    code = ack["error"]["code"]
                    where[token] = ("grab", port, code)
                    if code in ("grab_in_flight", "busy"):
                        await asyncio.sleep(0.05)
                        continue
                    refusals[code] += 1
                    client.close()
                    where[token] = ("done",)
                    return
            except (ConnectionError, OSError):
                port = a.port  # the survivor
                await asyncio.sleep(0.2)

    async def sale():
        on_a = Inbox()
        watcher = await connect("127.0.0.1", a.port, on_event=on_a)
        await watcher.emit("join", {"session_id": room["session_id"]})
        tasks = [
            asyncio.create_task(shopper(t, (a, b)[i % 2].port))
            for i, t in enumerate(people)
        ]
        await asyncio.sleep(1.0)
        b.proc.send_signal(signal.SIGKILL)  # mid-sale: grabs in flight on B
        # (the grabs in flight on B block their users until the guard lapses, 15 s)
        done, stuck = await asyncio.wait(tasks, timeout=180)
        if stuck:  # say where each one waits, and what the database does, then fail
            busy = {t[-6:]: w for t, w in where.items() if w[0] != "done"}
            busy["ports"] = (a.port, b.port)
            activity = sql(
                backends,
                "SELECT pid, state, wait_event_type, wait_event, xact_start,"
                " left(query, 100) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()",
            )
            stacks = io.StringIO()
            for task in stuck:
                task.print_stack(file=stacks)
            pytest.fail(
                f"{len(stuck)} shoppers never finished; where: {busy}; "
                f"stacks: {stacks.getvalue()}; database: {activity}"
            )
        for task in done:
            task.result()
        # Everyone left but the watcher: the dead process's viewers aged out too.
        await on_a.wait(
            lambda n, p: n == "viewers" and p["count"] == 1,
            timeout=15,
            since=on_a.mark(),
        )
        watcher.close()
        return on_a

    run_async(sale())
    b.proc.wait(10)
    quantity, remaining, held, sold = books_add_up(backends, room["sale_id"])
    rows = {
        r[0]: r[1:]
        for r in sql(
            backends,
            "SELECT id, user_id, qty, status FROM reservation WHERE sale_id = %s",
            (room["sale_id"],),
        )
    }
    missing = [r for r in acked if r["id"] not in rows]
    assert not missing, missing  # every acknowledged reservation exists
    assert held == sum(q for _, q, s in rows.values() if s == "held")
    per_user = Counter()
    for uid, q, _ in rows.values():
        per_user[uid] += q
    assert max(per_user.values()) <= limit
    assert len(acked) >= units // 2  # the sale really ran on both sides
    assert remaining == 0 or set(refusals) == {"limit_reached"}, refusals


def test_reapers_on_both_processes_return_each_hold_once(cluster, backends):
    a, b = cluster(FLASH_HOLD_S=1)
    room = live_room(a.port, units=30, limit=3)
    people = [user((a, b)[i % 2].port, f"fan{i:02d}") for i in range(10)]

    async def grab_all():
        clients = [
            await connect("127.0.0.1", (a, b)[i % 2].port, token=t)
            for i, t in enumerate(people)
        ]
        for c in clients:
            await c.emit("join", {"session_id": room["session_id"]})
        for _ in range(3):
            acks = await asyncio.gather(
                *(
                    c.emit("grab", {"flash_sale_id": room["sale_id"], "qty": 1})
                    for c in clients
                )
            )
            assert all(ack["ok"] for _, ack in acks), acks
        for c in clients:
            c.close()

    run_async(grab_all())
    # Both processes' loops reap (about once a second each) for a few seconds.
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if sql(backends, "SELECT COUNT(*) FROM reservation WHERE status = 'held'") == [
            (0,)
        ]:
            break
        time.sleep(0.3)
    time.sleep(2.5)  # more passes of both reapers over nothing left to do
    assert books_add_up(backends, room["sale_id"]) == (30, 30, 0, 0)
    assert sql(backends, "SELECT COUNT(*), MIN(qty) FROM flash_buyer") == [(10, 0)]
    assert sql(
        backends, "SELECT status, COUNT(*) FROM reservation GROUP BY status"
    ) == [("expired", 30)]


# --- the Redis implementations, in this process ---------------------------------------


@pytest.fixture
def shared_redis():
    from livestall.platform import shared

    try:
        import redis

        redis.Redis.from_url(REDIS, socket_timeout=3).ping()
    except Exception as exc:  # noqa: BLE001 - any failure to reach it
        _unavailable(f"Redis at {REDIS}", exc)
    channel = "lstest-" + uuid.uuid4().hex[:10]
    shared.configure(f"{REDIS}/{random.randint(1, 15)}", channel)
    yield shared
    r = shared.redis_client()
    for k in r.scan_iter(match=channel + ":*", count=500):
        r.delete(k)
    shared.configure("", "livestall")


def test_redis_counters_and_buckets_behave_like_the_embedded_ones(shared_redis):
    from livestall.platform import ratelimit

    now = 1_000_000.0
    for expected in (1, 2, 3):
        assert ratelimit.hit("login:acct:alice", 900, now) == expected
    assert ratelimit.count("login:acct:alice", 900, now) == 3
    # half-way through the next window, the previous one counts half
    assert ratelimit.count("login:acct:alice", 900, now + 900 + 450 - now % 900) == 1
    long_key = "login:acct:" + "x" * 5000
    assert ratelimit.hit(long_key, 900, now) == 1
    ratelimit.reset("login:acct:alice", 900)
    assert ratelimit.count("login:acct:alice", 900, now) == 0
    buckets = ratelimit.buckets("chat", 2, 30)
    assert isinstance(buckets, shared_redis.RedisTokenBuckets)
    assert buckets.take(7) == 0 and buckets.take(7) == 0
    wait = buckets.take(7)
    assert 0 < wait <= 30
    assert ratelimit.buckets("chat", 2, 30).take(8) == 0  # per key
    token = shared_redis.acquire_grab(42)
    assert token and shared_redis.acquire_grab(42) is None
    shared_redis.release_grab(42, "not-mine")  # only its owner releases it
    assert shared_redis.acquire_grab(42) is None
    shared_redis.release_grab(42, token)
    assert shared_redis.acquire_grab(42)
