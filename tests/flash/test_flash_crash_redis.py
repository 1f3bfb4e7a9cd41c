"""Killing Redis mid-sale (issue 24): two `python app.py` processes on PostgreSQL and
a private `redis-server` (message queue, grab guards, counters, control messages).
Redis is SIGKILLed while a crowd on both processes grabs, stays down a few seconds
while the crowd keeps grabbing, and comes back empty on the same port. No
acknowledged grab is lost, no unit is sold twice, the grabs made while Redis was
down are refused at once with an error code (no hang, no crashed process), and once
Redis is back the processes grab, chat and act on control messages across each
other again.

Needs the local PostgreSQL (LIVESTALL_TEST_PG) and the `redis-server` binary; the
system Redis is never touched. Skipped with the reason elsewhere, failed under CI.
"""

import asyncio
import random
import shutil
import signal
import subprocess
import time
import urllib.request
import uuid
from collections import Counter

import pytest

from bench.sioclient import connect
from tests.factories.flash import live_room, user
from tests.plugins.app import run_async
from tests.plugins.parallel import free_port
from tests.site.test_cluster import (  # noqa: F401 - fixtures
    PG,
    Inbox,
    _unavailable,
    books_add_up,
    cluster,
    sql,
)

pytestmark = [pytest.mark.slow, pytest.mark.serial]

UNITS, LIMIT, USERS = 300, 4, 100  # 400 wanted, 300 for sale: it sells out
DOWN_S = 3.0  # how long Redis stays dead while the crowd keeps grabbing
ACK_LIMIT_S = 15.0  # an ack later than this counts as a hang


class RedisServer:
    """A private `redis-server` on a free port, in memory only: killed and started
    again on the same port, it comes back empty (as after a crash without AOF)."""

    def __init__(self, data_dir):
        self.dir = data_dir
        self.log = open(data_dir / "redis.log", "w+b")  # noqa: SIM115
        for _attempt in range(3):
            self.port = free_port()
            if self.start():
                return
        raise RuntimeError(f"redis-server did not start: {self.output()}")

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}"

    def start(self):
        self.proc = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.dir),
            ],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        import redis

        client = redis.Redis(port=self.port, socket_timeout=1)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False  # the port was taken in between
            try:
                client.ping()
                return True
            except redis.RedisError:
                time.sleep(0.05)
            finally:
                client.close()
        self.stop()
        raise RuntimeError(f"redis-server did not answer: {self.output()}")

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(5)

    def output(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read().decode(errors="replace")[-2000:]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


@pytest.fixture
def private_redis(tmp_path):
    if not shutil.which("redis-server"):
        _unavailable("redis-server", "not on PATH")
    data = tmp_path / "redis"
    data.mkdir()
    server = RedisServer(data)
    yield server
    server.stop()
    server.log.close()


@pytest.fixture
def backends(private_redis):
    """test_cluster's `backends` (a fresh PostgreSQL database) with the private
    Redis in place of the system one (`cluster` uses this fixture)."""
    try:
        import psycopg2

        admin = psycopg2.connect(PG + "/postgres", connect_timeout=3)
    except Exception as exc:  # noqa: BLE001 - ImportError or OperationalError
        _unavailable(f"PostgreSQL at {PG}", exc)
    admin.autocommit = True
    name = "livestall_redis_crash_" + uuid.uuid4().hex[:10]
    with admin.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')
    yield {
        "url": f"{PG}/{name}",
        "queue": private_redis.url + "/0",
        "channel": "lstest-" + uuid.uuid4().hex[:10],
        "pg": lambda: psycopg2.connect(f"{PG}/{name}"),
    }
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def healthy(server):
    with urllib.request.urlopen(server.url + "/healthz", timeout=5) as resp:
        return resp.status == 200 and resp.read().strip().startswith(b"{")


def test_killing_redis_mid_sale_loses_nothing_and_recovers(
    cluster,  # noqa: F811 - the fixture imported above
    backends,
    private_redis,
):
    began = time.monotonic()
    a, b = cluster(CHAT_BURST=50, CHAT_REFILL_S=0.2)
    room = live_room(a.port, units=UNITS, limit=LIMIT)
    sale_id, session_id = room["sale_id"], room["session_id"]
    people = [user(a.port, f"fan{i:03d}") for i in range(USERS)]
    acked = []  # (reservation, sent at) of every grab acknowledged
    answers = []  # (phase, seconds to the ack, port, "ok" or the error code)
    hangs = []
    timeline = {"kill": None, "dead": None, "restart": None, "up": None}

    def phase(sent, answered=None):
        """before the kill, down (sent once Redis was dead and answered before it
        started again), after (sent once it answered again), else in between."""
        if timeline["kill"] is None or sent < timeline["kill"]:
            return "before"
        dead, restart = timeline["dead"], timeline["restart"]
        if (
            dead is not None
            and dead <= sent
            and (restart is None or answered < restart)
        ):
            return "down"
        if timeline["up"] is not None and sent >= timeline["up"]:
            return "after"
        return "between"

    async def shopper(token, port):
        """Grab until the sale says no for good: out of stock or at the limit.
        Any other refusal (Redis away, a grab in flight) is tried again."""
        client = await connect("127.0.0.1", port, token=token)
        _, ack = await client.emit("join", {"session_id": session_id})
        assert ack["ok"], ack
        while True:
            sent = time.monotonic()
            try:
                _, ack = await asyncio.wait_for(
                    client.emit("grab", {"flash_sale_id": sale_id, "qty": 1}),
                    ACK_LIMIT_S,
                )
            except TimeoutError:
                hangs.append((phase(sent, time.monotonic()), port))
                client.close()
                return
            answered = time.monotonic()
            took = answered - sent
            where = phase(sent, answered)
            if ack["ok"]:
                answers.append((where, took, port, "ok"))
                acked.append((ack["reservation"], sent))
                await asyncio.sleep(0.05)
                continue
            code = ack["error"]["code"]
            answers.append((where, took, port, code))
            if code in ("out_of_stock", "limit_reached"):
                client.close()
                return
            await asyncio.sleep(0.1 + random.random() * 0.1)

    async def sale():
        tasks = [
            asyncio.create_task(shopper(t, (a, b)[i % 2].port))
            for i, t in enumerate(people)
        ]
        deadline = time.monotonic() + 30
        while len(acked) < UNITS // 4:  # mid-sale: a quarter sold, grabs in flight
            assert time.monotonic() < deadline, Counter(c for *_, c in answers)
            await asyncio.sleep(0.01)
        timeline["kill"] = time.monotonic()
        await asyncio.to_thread(private_redis.kill)  # (returns once it is dead)
        timeline["dead"] = time.monotonic()
        await asyncio.sleep(DOWN_S)
        timeline["restart"] = time.monotonic()
        await asyncio.to_thread(private_redis.start)  # (returns once it answers)
        timeline["up"] = time.monotonic()
        done, stuck = await asyncio.wait(tasks, timeout=60)
        assert not stuck, f"{len(stuck)} shoppers never finished"
        for task in done:
            task.result()

    run_async(sale())
    sale_s = time.monotonic() - timeline["kill"]

    # No grab hung, and none crashed a process: both are up and healthy.
    assert not hangs, hangs
    assert a.proc.poll() is None and b.proc.poll() is None
    assert healthy(a) and healthy(b)
    # Grabs made while Redis was dead were refused with an error code, at once.
    down = [(took, code) for where, took, _, code in answers if where == "down"]
    down_codes = Counter(code for _, code in down)
    refused = [took for took, _ in down]
    assert down_codes["busy"] > 0, down_codes  # the sale's retryable refusal
    assert set(down_codes) <= {"busy", "grab_in_flight"}, down_codes
    everything = Counter(code for *_, code in answers)
    assert "server_error" not in everything, everything
    assert max(refused) < 5.0, (max(refused), down_codes)
    # After Redis is back, grabs succeed again (on both processes).
    after = [(port, code) for where, _, port, code in answers if where == "after"]
    assert {port for port, code in after if code == "ok"} == {a.port, b.port}, after

    # The books: every acknowledged grab is a reservation, once; no other exists.
    quantity, remaining, held, sold = books_add_up(backends, sale_id)
    rows = sql(
        backends,
        "SELECT id, user_id, qty FROM reservation WHERE sale_id = %s",
        (sale_id,),
    )
    ids = [r["id"] for r, _ in acked]
    assert len(ids) == len(set(ids))  # no reservation acknowledged twice
    assert set(ids) == {r[0] for r in rows}
    assert sum(r["qty"] for r, _ in acked) == sum(q for *_, q in rows) == held + sold
    assert quantity == UNITS and remaining == 0  # sold out: none lost, none twice
    per_user = Counter()
    for _, uid, qty in rows:
        per_user[uid] += qty
    assert max(per_user.values()) <= LIMIT

    # Across processes again: a chat sent to A reaches a viewer on B, and a ban on
    # A (a control message) takes the banned viewer's socket on B out of the room.
    host, mei, bob = room["host"], user(a.port, "mei"), user(a.port, "bob")
    recovered = run_async(chat_and_ban_cross(a, b, host, mei, bob, session_id))
    total_s = time.monotonic() - began
    print(
        f"redis down {DOWN_S}s mid-sale: {len(acked)} grabs acknowledged, "
        f"refusals while down {dict(down_codes)}, slowest refusal "
        f"{max(refused):.2f}s; sale over {sale_s:.1f}s after the kill; chat "
        f"across processes {recovered:.1f}s after the check began; test {total_s:.1f}s"
    )


async def chat_and_ban_cross(a, b, host_token, mei_token, bob_token, session_id):
    """Chat from A until a viewer on B hears it (the Socket.IO queue's listeners
    reconnect by themselves): the seconds that took. Then a ban from A."""
    on_mei, on_bob = Inbox(), Inbox()
    host = await connect("127.0.0.1", a.port, token=host_token)
    mei = await connect("127.0.0.1", b.port, token=mei_token, on_event=on_mei)
    bob = await connect("127.0.0.1", b.port, token=bob_token, on_event=on_bob)
    for c in (host, mei, bob):
        _, ack = await c.emit("join", {"session_id": session_id})
        assert ack["ok"], ack
    start = time.monotonic()
    for i in range(60):
        _, ack = await host.emit("chat", {"session_id": session_id, "body": f"#{i}"})
        assert ack["ok"], ack
        try:
            await on_mei.wait(lambda n, p: n == "chat", timeout=0.5)
            break
        except AssertionError:
            continue
    recovered = time.monotonic() - start
    _, ack = await host.emit("chat", {"session_id": session_id, "body": "再来一次"})
    assert ack["ok"], ack
    await on_mei.wait(lambda n, p: n == "chat" and p["body"] == "再来一次", timeout=5)
    await on_bob.wait(lambda n, p: n == "chat" and p["body"] == "再来一次", timeout=5)
    _, ack = await bob.emit("chat", {"session_id": session_id, "body": "bob"})
    assert ack["ok"], ack
    got = await on_mei.wait(lambda n, p: n == "chat" and p["body"] == "bob")
    bob_id = got["user"]["id"]
    _, ack = await host.emit("ban", {"session_id": session_id, "user_id": bob_id})
    assert ack["ok"], ack
    await on_bob.wait(lambda n, p: n == "banned", timeout=5)
    await asyncio.sleep(0.5)  # the control message reaches B
    _, ack = await host.emit("chat", {"session_id": session_id, "body": "after"})
    assert ack["ok"], ack
    await on_mei.wait(lambda n, p: n == "chat" and p["body"] == "after", timeout=5)
    await asyncio.sleep(0.3)
    assert not [p for n, p in on_bob.events if n == "chat" and p["body"] == "after"]
    for c in (host, mei, bob):
        c.close()
    return recovered
