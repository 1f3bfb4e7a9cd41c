"""Crash safety of flash sales: the server is killed with SIGKILL at random moments
during a sale, ten times; after each restart the books add up and every grab the
server acknowledged is in the database (SECURITY.md: durability)."""

import http.client
import json
import random
import sqlite3
import threading
import time

import pytest

from tests.factories.flash import call, live_room, user
from tests.plugins.browser import LiveServer

pytestmark = [pytest.mark.slow, pytest.mark.sqlite_only]
ROUNDS = 10


def grabber(port, tokens, sale_id, acked, stop):
    """Grab one unit at a time on a keep-alive connection until the server dies."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    i = 0
    while not stop.is_set():
        token = tokens[i % len(tokens)]
        i += 1
        try:
            conn.request(
                "POST",
                f"/api/v1/flash-sales/{sale_id}/grab",
                body=b'{"qty": 1}',
                headers={
                    "Content-Type": "application/json",
                    "Authorization": f"Bearer {token}",
                },
            )
            resp = conn.getresponse()
            body = resp.read()
        except (OSError, http.client.HTTPException):
            return  # the server is gone
        if resp.status == 201:
            acked.append(json.loads(body)["reservation"]["id"])


def test_sigkill_during_a_sale_loses_no_acknowledged_grab(tmp_path):
    data = tmp_path / "crash"
    data.mkdir()
    server = LiveServer(data)
    try:
        port = server.port
        tokens = [user(port, f"fan{i:02d}") for i in range(30)]
        room = live_room(port, units=3000, limit=99, duration_s=3600)
        pid, sale_id = room["product_id"], room["sale_id"]
        acked = []
        rng = random.Random(4242)
        for _ in range(ROUNDS):
            stop = threading.Event()
            threads = [
                threading.Thread(
                    target=grabber,
                    args=(server.port, tokens[k::4], sale_id, acked, stop),
                )
                for k in range(4)
            ]
            for t in threads:
                t.start()
            time.sleep(rng.uniform(0.15, 0.6))
            server.proc.kill()  # SIGKILL: no shutdown code runs
            server.proc.wait(10)
            stop.set()
            for t in threads:
                t.join(10)
            server.log.close()
            server = LiveServer(data)  # restart on the same data
            status, got = call(server.port, "GET", f"/api/v1/flash-sales/{sale_id}")
            assert status == 200
            books = got["flash_sale"]
            assert books["sold"] + books["held"] + books["remaining"] == 3000
        assert len(acked) > 0, "no grab was acknowledged before the kills"
        db = sqlite3.connect(data / "livestall.db")
        try:
            found = {
                row[0]
                for row in db.execute(
                    "SELECT id FROM reservation WHERE status = 'held'"
                )
            }
            held, per_user = db.execute(
                "SELECT held, (SELECT SUM(qty) FROM flash_buyer WHERE sale_id = ?) "
                "FROM flash_sale WHERE id = ?",
                (sale_id, sale_id),
            ).fetchone()
            most = db.execute("SELECT MAX(qty) FROM flash_buyer").fetchone()[0]
            units = db.execute(
                "SELECT COALESCE(SUM(qty), 0) FROM reservation WHERE status = 'held'"
            ).fetchone()[0]
            stock = db.execute(
                "SELECT stock FROM product WHERE id = ?", (pid,)
            ).fetchone()[0]
        finally:
            db.close()
        assert set(acked) <= found, "an acknowledged grab was lost"
        assert units == held == per_user  # holds, counters and limits agree
        assert most <= 99
        assert stock == 2000  # the 3000 set aside never leaked back or twice
    finally:
        server.stop()
