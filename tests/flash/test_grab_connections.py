"""Grabs and the database's connections (issue 24: 10,000 buyers on PostgreSQL
once queued for a pool of 32 and got `server_error`): a `grab` event connects only
when it runs a statement, and a busy batcher keeps one connection from batch to
batch instead of queueing for it again behind the crowd each time. The suite runs
this on SQLite and again on PostgreSQL."""

import queue
import threading

import pytest

from blueprints.live import events
from extensions import db
from livestall.errors import NotFound
from livestall.flash import guard
from livestall.flash.models import FlashSale
from tests.flash.test_allotment import _touch, sale  # noqa: F401 - the fixture


def _in_thread(fn):
    """`fn()` on a thread of its own (its own connection state), its outcome."""
    out = {}

    def run():
        try:
            out["value"] = fn()
        except Exception as error:  # noqa: BLE001 - handed to the test
            out["error"] = error
        out["closed"] = db.is_closed()

    worker = threading.Thread(target=run)
    worker.start()
    worker.join(30)
    return out


def test_a_lazy_event_connects_on_its_first_statement_and_gives_it_back(sale):  # noqa: F811
    states = []

    def no_statement(_data):
        states.append(db.is_closed())
        return {"n": 1}

    def reads(_data):
        states.append(db.is_closed())
        count = FlashSale.select().count()
        states.append(db.is_closed())
        return {"n": count}

    def refuses(_data):
        FlashSale.select().count()
        raise NotFound("No such flash sale.")

    done = _in_thread(lambda: events._lazily_connected(no_statement, {}))
    assert done == {"value": {"ok": True, "n": 1}, "closed": True}
    assert states == [True]  # never connected
    done = _in_thread(lambda: events._lazily_connected(reads, {}))
    assert done == {"value": {"ok": True, "n": 1}, "closed": True}
    assert states[1:] == [True, False]  # connected by the statement
    done = _in_thread(lambda: events._lazily_connected(refuses, {}))
    assert isinstance(done["error"], NotFound) and done["closed"]


@pytest.mark.parametrize("batch_max", [2])
def test_a_busy_batcher_keeps_one_connection_from_batch_to_batch(
    sale,  # noqa: F811
    monkeypatch,
    batch_max,
):
    seen = []  # (the batch's size, its connection, whether open)

    def recording(real):
        def run(requests, *args, **kwargs):
            seen.append((len(requests), db.connection(), not db.is_closed()))
            return real(requests, *args, **kwargs)

        return run

    for module in (guard.grabs, guard.allotment):
        monkeypatch.setattr(module, "grab_batch", recording(module.grab_batch))
    connects = []
    kind = type(db.obj)
    real_connect = kind.connect

    def connect(self, *args, **kwargs):
        connects.append(threading.current_thread().name)
        return real_connect(self, *args, **kwargs)

    monkeypatch.setattr(kind, "connect", connect)
    batcher = guard.GrabBatcher(spawn=None, sleep=lambda _s: None)
    monkeypatch.setattr(batcher, "BATCH_MAX", batch_max)
    slots = []
    for buyer in sale["buyers"]:  # five buyers, one unit each: all queued at once
        slot = {
            "request": (sale["id"], buyer, 1, _touch(buyer)),
            "hold_s": 300,
            "done": threading.Event(),
        }
        slots.append(slot)
        batcher.queue.put(slot)
    stop = {"request": None, "hold_s": None, "done": threading.Event()}

    def run():
        try:
            batcher._run()
        except _Stop:
            pass

    real_get = batcher.queue.get

    def get(block=True, timeout=None):  # (get_nowait calls get(block=False))
        if block and all(s["done"].is_set() for s in slots):  # idle, after it all
            stop["closed"] = db.is_closed()
            raise _Stop
        return real_get(block, timeout)

    monkeypatch.setattr(batcher.queue, "get", get)
    worker = threading.Thread(target=run, name="batcher")
    worker.start()
    worker.join(30)
    assert not worker.is_alive()
    assert all(s["done"].is_set() and s["error"] is None for s in slots)
    assert connects.count("batcher") == 1  # not once per batch
    assert sum(r[0]["qty"] for r in (s["result"] for s in slots)) == 5
    # three batches (2, 2, 1) on one open connection, given back once idle
    assert [n for n, _conn, _open in seen] == [2, 2, 1]
    assert len({id(conn) for _n, conn, _open in seen}) == 1
    assert all(is_open for _n, _conn, is_open in seen)
    assert stop["closed"] is True


class _Stop(Exception):
    """Ends the batcher's loop in the test."""


def test_a_failed_batch_is_refused_as_busy_and_the_next_one_runs(
    sale,  # noqa: F811
    monkeypatch,
):
    calls = []
    real = guard.grabs.grab_batch, guard.allotment.grab_batch

    def flaky(real_fn):
        def run(requests, *args, **kwargs):
            calls.append(len(requests))
            if len(calls) == 1:
                raise RuntimeError("the database went away")
            return real_fn(requests, *args, **kwargs)

        return run

    monkeypatch.setattr(guard.grabs, "grab_batch", flaky(real[0]))
    monkeypatch.setattr(guard.allotment, "grab_batch", flaky(real[1]))
    batcher = guard.GrabBatcher(spawn=None, sleep=lambda _s: None)
    monkeypatch.setattr(batcher, "BATCH_MAX", 1)
    q = queue.Queue()
    first, second = (
        {
            "request": (sale["id"], b, 1, _touch(b)),
            "hold_s": 300,
            "done": threading.Event(),
        }
        for b in sale["buyers"][:2]
    )
    for slot in (first, second):
        q.put(slot)
    monkeypatch.setattr(batcher, "queue", q)
    real_get = q.get

    def get(block=True, timeout=None):
        if block and first["done"].is_set() and second["done"].is_set():
            raise _Stop
        return real_get(block, timeout)

    monkeypatch.setattr(q, "get", get)

    def run():
        try:
            batcher._run()
        except _Stop:
            pass

    worker = threading.Thread(target=run)
    worker.start()
    worker.join(30)
    assert not worker.is_alive()
    assert first["result"] is None and first["error"].code == "busy"
    assert second["error"] is None and second["result"][0]["qty"] == 1


def test_the_batch_checks_its_grabbers_are_still_signed_in(sale, caplog):  # noqa: F811
    """Under gevent a grab is not re-read per socket event: its batch reads the
    grabbers' session versions and statuses in one query, at use. A stale
    version (signed out, new password) or a suspended account gets nothing."""
    from livestall.accounts.models import User
    from tests.plugins.app import read_db

    current, stale, suspended = sale["buyers"][:3]
    version = read_db(
        lambda: {u.id: u.session_version for u in User.select()}
    )  # fmt: skip
    read_db(
        lambda: User.update(status="suspended").where(User.id == suspended).execute()
    )
    batcher = guard.GrabBatcher(spawn=None, sleep=lambda _s: None)
    slots = [
        {
            "request": (sale["id"], uid, 1, _touch(uid)),
            "hold_s": 300,
            "version": version[uid] + (1 if uid == stale else 0),
            "done": threading.Event(),
        }
        for uid in (current, stale, suspended)
    ]
    with_no_check = {
        "request": (sale["id"], sale["buyers"][3], 1, _touch(sale["buyers"][3])),
        "hold_s": 300,
        "version": None,  # (the HTTP API's own request checked its user)
        "done": threading.Event(),
    }
    read_db(lambda: batcher._serve([*slots, with_no_check]))
    ok, old, off = slots
    assert ok["error"] is None and ok["result"][0]["qty"] == 1
    for refused in (old, off):
        assert isinstance(refused["error"], guard.SignedOut)
        assert refused["result"] is None and refused["done"].is_set()
    assert with_no_check["error"] is None
    held = read_db(
        lambda: {r.user_id for r in guard.FlashSale.get_by_id(sale["id"]).reservations}
    )
    assert held == {current, sale["buyers"][3]}
    # a batch of none still signed in: refused alike, no failed batch
    alone = {**old, "done": threading.Event(), "error": None, "result": None}
    read_db(lambda: batcher._serve([alone]))
    assert isinstance(alone["error"], guard.SignedOut)
    assert "grab batch failed" not in caplog.text


@pytest.mark.slow
@pytest.mark.sqlite_only  # (the session version is changed in the server's file)
def test_a_socket_signed_out_elsewhere_is_refused_by_the_batch(live_server):
    """On the real server (gevent, batches): the account's session version
    changes behind the socket's back (as another process signing it out does);
    its next grab is refused `not_signed_in` and the socket is told so."""
    import asyncio
    import sqlite3

    from bench.sioclient import connect
    from tests.factories.flash import live_room, user
    from tests.plugins.app import run_async

    port = live_server.port
    fan, other = user(port, "fan"), user(port, "fan2")
    room = live_room(port, units=10, limit=2)
    heard = []

    async def scenario():
        mine = await connect(
            "127.0.0.1", port, token=fan, on_event=lambda n, *_: heard.append(n)
        )
        theirs = await connect("127.0.0.1", port, token=other)
        for c in (mine, theirs):
            _, ack = await c.emit("join", {"session_id": room["session_id"]})
            assert ack["ok"], ack
        grab = {"flash_sale_id": room["sale_id"], "qty": 1}
        _, first = await mine.emit("grab", grab)
        db = sqlite3.connect(live_server.data_dir / "livestall.db")
        with db:
            db.execute(
                "UPDATE user SET session_version = session_version + 1 "
                "WHERE username = 'fan'"
            )
        db.close()
        _, second = await mine.emit("grab", grab)
        _, bystander = await theirs.emit("grab", grab)
        await asyncio.sleep(0.3)
        mine.close()
        theirs.close()
        return first, second, bystander

    first, second, bystander = run_async(scenario())
    assert first["ok"], first
    assert second == {
        "ok": False,
        "error": {
            "code": "not_signed_in",
            "message": "You were signed out. Sign in again.",
        },
    }
    assert "signed_out" in heard
    assert bystander["ok"], bystander
