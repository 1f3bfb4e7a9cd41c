"""PK battles settle exactly once with two `python app.py` processes on one
PostgreSQL database and one Redis (tests/site/test_cluster.py's cluster):

- both hosts end their PK at the same moment, each on its own process: one
  settlement (two `pk_result` notifications), one `ended` broadcast per room;
- PKs whose time is up, swept at the same instant by two more processes (and by
  the servers' own loops): each settled once, its scores stopping at `ends_at`.

Needs the local PostgreSQL and Redis (skipped without them, like test_cluster).
"""

import asyncio
import datetime
import json
import os
import subprocess
import sys
import time

import pytest

from bench.sioclient import connect
from tests.factories.flash import call, live_room, user
from tests.plugins.app import run_async
from tests.site.test_cluster import Inbox, backends, cluster, sql  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.slow, pytest.mark.serial]  # two servers: alone
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TEA = 16800
SHIP = {
    "name": "王小明",
    "address": "浙江省杭州市西湖区龙井路 1 号",
    "phone": "138 0000 0000",
}

# One more process: loads the app (no loops: TESTING), says "ready", waits for the
# instant it is given on stdin, sweeps once and prints the PKs it settled.
SWEEPER = """
import json, os, sys, time
from app import create_app
from blueprints.live import pk_events
app = create_app({"TESTING": True})
print("ready", flush=True)
at = float(sys.stdin.readline())
with app.app_context():
    time.sleep(max(0.0, at - time.time()))
    moved = pk_events.sweep()
print(json.dumps([pk.id for pk in moved if pk.status == "ended"]), flush=True)
os._exit(0)
"""


def creator_live(port, name, product_id):
    """A creator whose live (featuring `product_id`) is on air: (token, id)."""
    token = user(port, name, "creator")
    status, live = call(
        port,
        "POST",
        "/api/v1/live",
        token,
        {"title": name, "product_ids": [product_id]},
    )
    assert status == 201, live
    sid = live["session"]["id"]
    status, _ = call(port, "POST", f"/api/v1/live/{sid}/start", token)
    assert status == 200
    return token, sid


def notes_of(store, pk_id):
    ((n,),) = sql(
        store,
        "SELECT count(*) FROM notification WHERE kind = 'pk_result' "
        "AND (data::json->>'pk_id')::int = %s",
        (pk_id,),
    )
    return n


def ended(inbox, pk_id):
    return [
        p
        for name, p in inbox.events
        if name == "pk" and p["id"] == pk_id and p["status"] == "ended"
    ]


async def ack_of(client, event, data):
    _, ack = await client.emit(event, data)
    assert ack["ok"], (event, ack)
    return ack


def sweepers(store, tmp_path, n=2):
    env = {
        **os.environ,
        "LIVESTALL_DATABASE_URL": store["url"],
        "LIVESTALL_MESSAGE_QUEUE": store["queue"],
        "LIVESTALL_MESSAGE_QUEUE_CHANNEL": store["channel"],
        "LIVESTALL_ASYNC_MODE": "threading",
        "LIVESTALL_ENV": "development",
    }
    procs = []
    for i in range(n):
        data = tmp_path / f"sweeper{i}"
        data.mkdir()
        procs.append(
            subprocess.Popen(
                [sys.executable, "-c", SWEEPER],
                cwd=ROOT,
                env={**env, "LIVESTALL_DATA_DIR": str(data)},
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
        )
    for proc in procs:
        assert proc.stdout.readline().strip() == "ready"
    return procs


def test_pk_settles_once_across_two_processes(request, tmp_path):
    store = request.getfixturevalue("backends")
    a, b = request.getfixturevalue("cluster")()
    room = live_room(a.port, units=0)  # teashop's tea; lily's live on A's side
    pid = room["product_id"]
    lily, lily_sid = room["host"], room["session_id"]
    rose, rose_sid = creator_live(b.port, "rose", pid)
    pairs = [creator_live(s.port, f"host{i}", pid) for i, s in enumerate([a, b] * 3)]
    mei = user(a.port, "mei")

    async def scenario():
        inbox = {k: Inbox() for k in ("lily", "rose", "va", "vb")}
        host_a = await connect("127.0.0.1", a.port, token=lily, on_event=inbox["lily"])
        host_b = await connect("127.0.0.1", b.port, token=rose, on_event=inbox["rose"])
        va = await connect("127.0.0.1", a.port, on_event=inbox["va"])
        vb = await connect("127.0.0.1", b.port, on_event=inbox["vb"])
        shopper = await connect("127.0.0.1", b.port, token=mei)
        for client, sid in (
            (host_a, lily_sid),
            (va, lily_sid),
            (shopper, lily_sid),
            (host_b, rose_sid),
            (vb, rose_sid),
        ):
            await ack_of(client, "join", {"session_id": sid})
        # lily (on A) invites rose (on B): rose's socket hears it
        pk = (
            await ack_of(
                host_a,
                "pk_invite",
                {
                    "session_id": lily_sid,
                    "opponent_session_id": rose_sid,
                    "duration_s": 600,
                },
            )
        )["pk"]
        await inbox["rose"].wait(lambda n, p: n == "pk" and p["status"] == "invited")
        await ack_of(host_b, "pk_accept", {"pk_id": pk["id"]})
        for key in ("va", "vb", "lily"):
            await inbox[key].wait(lambda n, p: n == "pk" and p["status"] == "running")
        # mei buys from lily's room on B: both rooms see lily's score soon
        status, order = await asyncio.to_thread(
            call,
            b.port,
            "POST",
            "/api/v1/orders",
            mei,
            {
                "items": [{"product_id": pid, "qty": 1, "source": f"live:{lily_sid}"}],
                "shipping": SHIP,
                "idempotency_key": "pk-cluster-0001",
            },
        )
        assert status == 201, order
        for key in ("va", "vb"):
            await inbox[key].wait(
                lambda n, p: n == "pk" and p["sides"][0]["gmv_cents"] == TEA
            )
        # both hosts end it at the same moment, each on their own process
        acks = await asyncio.gather(
            ack_of(host_a, "pk_end", {"pk_id": pk["id"]}),
            ack_of(host_b, "pk_end", {"pk_id": pk["id"]}),
        )
        assert acks[0]["pk"] == acks[1]["pk"]
        assert acks[0]["pk"]["winner_session_id"] == lily_sid
        for key in ("va", "vb"):
            await inbox[key].wait(lambda n, p: n == "pk" and p["status"] == "ended")
        await asyncio.sleep(2)  # room for a second broadcast, were there one
        for key in ("va", "vb", "lily", "rose"):
            assert len(ended(inbox[key], pk["id"])) == 1, key
        assert notes_of(store, pk["id"]) == 2

        # four PKs at once (lily and rose again, and three pairs, hosts on A and B)
        hosts = [(host_a, lily_sid), (host_b, rose_sid)]
        for i, (token, sid) in enumerate(pairs):
            port = a.port if i % 2 == 0 else b.port
            client = await connect("127.0.0.1", port, token=token)
            await ack_of(client, "join", {"session_id": sid})
            hosts.append((client, sid))
        pk_ids = []
        for (inviter, sid), (invited, other) in zip(
            hosts[::2], hosts[1::2], strict=True
        ):
            body = {"session_id": sid, "opponent_session_id": other, "duration_s": 60}
            got = (await ack_of(inviter, "pk_invite", body))["pk"]
            await ack_of(invited, "pk_accept", {"pk_id": got["id"]})
            pk_ids.append(got["id"])
        mark = {k: box.mark() for k, box in inbox.items()}
        # two more processes sweep at the same instant, when all four fall due
        procs = await asyncio.to_thread(sweepers, store, tmp_path)
        at = time.time() + 1.5
        due = datetime.datetime.fromtimestamp(at, datetime.UTC).replace(tzinfo=None)
        sql_update(store, due, pk_ids)
        outs = []
        for proc in procs:
            out, _ = await asyncio.to_thread(proc.communicate, f"{at}\n", 60)
            outs.append(json.loads(out.strip().splitlines()[-1]))
        swept = [set(o) for o in outs]
        assert not swept[0] & swept[1], outs  # never both
        await asyncio.sleep(3)  # the servers' loops would have settled the rest
        rows = sql(
            store,
            "SELECT id, status, ended_at, ends_at FROM live_pk WHERE id = ANY(%s)",
            (pk_ids,),
        )
        assert len(rows) == 4
        for pk_id, status, ended_at, ends_at in rows:
            assert status == "ended" and ended_at == ends_at == due, pk_id
            assert notes_of(store, pk_id) == 2, pk_id
        first = pk_ids[0]  # lily's and rose's rooms heard theirs end once
        for key in ("va", "vb"):
            got = [
                p
                for name, p in inbox[key].events[mark[key] :]
                if name == "pk" and p["status"] == "ended"
            ]
            assert [p["id"] for p in got] == [first], key
        for client, _ in hosts:
            client.close()
        for client in (va, vb, shopper):
            client.close()

    run_async(scenario())


def sql_update(store, due, pk_ids):
    conn = store["pg"]()
    try:
        with conn, conn.cursor() as cur:
            cur.execute(
                "UPDATE live_pk SET ends_at = %s WHERE id = ANY(%s) "
                "AND status = 'running'",
                (due, pk_ids),
            )
            assert cur.rowcount == len(pk_ids)
    finally:
        conn.close()
