"""500 real WebSocket clients grab a 50-unit flash sale on a real server (gevent,
as users run it): exactly 50 reservations, 450 clear refusals, the books add up
and nobody gets more than the per-user limit."""

import asyncio
import sqlite3
from collections import Counter

import pytest

from bench.sioclient import connect
from tests.factories.flash import call, live_room, user
from tests.plugins.app import run_async

pytestmark = [pytest.mark.slow, pytest.mark.sqlite_only]
CLIENTS = 500
USERS = 250  # two sockets per person: the second must not beat the limit
UNITS = 50


async def crowd(port, tokens, session_id, sale_id):
    stocks = []

    def on_event(name, payload, _now):
        if name == "stock":
            stocks.append(payload)

    clients = []
    for i, token in enumerate(tokens):
        clients.append(
            await connect(
                "127.0.0.1", port, token=token, on_event=on_event if i == 0 else None
            )
        )
    joins = await asyncio.gather(
        *(c.emit("join", {"session_id": session_id}) for c in clients)
    )
    assert all(ack["ok"] for _, ack in joins)
    acks = await asyncio.gather(
        *(c.emit("grab", {"flash_sale_id": sale_id, "qty": 1}) for c in clients)
    )
    await asyncio.sleep(1.0)  # let the coalesced stock broadcast arrive
    for c in clients:
        c.close()
    return [ack for _, ack in acks], stocks


def test_five_hundred_sockets_grab_fifty_units(live_server):
    port = live_server.port
    people = [user(port, f"fan{i:03d}") for i in range(USERS)]
    room = live_room(port, units=UNITS, limit=1, stock=100)
    sid, sale_id = room["session_id"], room["sale_id"]
    tokens = people + people  # each person on two sockets
    acks, stocks = run_async(crowd(port, tokens, sid, sale_id))

    won = [a for a in acks if a["ok"]]
    refused = Counter(a["error"]["code"] for a in acks if not a["ok"])
    assert len(won) == UNITS, Counter(str(a.get("error")) for a in acks)
    assert sum(refused.values()) == CLIENTS - UNITS
    assert set(refused) <= {"out_of_stock", "limit_reached", "grab_in_flight"}
    assert stocks and stocks[-1]["remaining"] == 0  # the final broadcast is true
    assert len(stocks) <= 10  # coalesced: a few, not one per grab
    status, got = call(port, "GET", f"/api/v1/flash-sales/{sale_id}")
    books = got["flash_sale"]
    assert (books["remaining"], books["held"], books["sold"]) == (0, UNITS, 0)
    db = sqlite3.connect(live_server.data_dir / "livestall.db")
    try:
        per_user = db.execute(
            "SELECT user_id, SUM(qty) FROM reservation GROUP BY user_id"
        ).fetchall()
        count = db.execute("SELECT COUNT(*) FROM reservation").fetchone()[0]
    finally:
        db.close()
    assert count == UNITS
    assert max(q for _, q in per_user) == 1  # the limit held on both sockets
