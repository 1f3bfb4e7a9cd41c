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

from tests.conftest import PASSWORD, LiveServer

pytestmark = [pytest.mark.slow, pytest.mark.sqlite_only]
ROUNDS = 10


def call(port, method, path, token=None, body=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    conn.request(method, path, body=json.dumps(body or {}), headers=headers)
    resp = conn.getresponse()
    data = json.loads(resp.read() or b"{}")
    conn.close()
    return resp.status, data


def user(port, name, role="shopper"):
    status, data = call(
        port,
        "POST",
        "/api/v1/users",
        body={
            "username": name,
            "email": f"{name}@example.com",
            "password": PASSWORD,
            "role": role,
        },
    )
    assert status == 201, data
    return data["token"]


def live_room(port, units=40, limit=1, stock=5000, duration_s=600):
    """Over HTTP: a merchant's product, a creator whose live is on, and (unless
    `units` is 0) a flash sale of `units` at ¥99 with `limit` per person."""
    shop = user(port, "teashop", "merchant")
    host = user(port, "lily", "creator")
    _, product = call(
        port,
        "POST",
        "/api/v1/products",
        shop,
        {
            "title": "龙井",
            "price_cents": 16800,
            "stock": stock,
            "category": "tea-drinks",
        },
    )
    pid = product["product"]["id"]
    _, live = call(
        port, "POST", "/api/v1/live", host, {"title": "秒杀", "product_ids": [pid]}
    )
    sid = live["session"]["id"]
    status, _ = call(port, "POST", f"/api/v1/live/{sid}/start", host)
    assert status == 200
    room = {"host": host, "session_id": sid, "product_id": pid, "sale_id": None}
    if units:
        status, sale = call(
            port,
            "POST",
            f"/api/v1/live/{sid}/flash-sales",
            host,
            {
                "product_id": pid,
                "price_cents": 9900,
                "quantity": units,
                "per_user_limit": limit,
                "duration_s": duration_s,
            },
        )
        assert status == 201, sale
        room["sale_id"] = sale["flash_sale"]["id"]
    return room


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
