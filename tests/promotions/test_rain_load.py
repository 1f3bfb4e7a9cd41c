"""A red packet rain on a real server (gevent, as users run it): 500 WebSocket
clients (250 people, two sockets each) tap `grab_red_packet` on a pool of 50 at
once. Exactly 50 win, each person at most once, the winners' packets add up to
the pool to the cent, everyone else hears sold_out (or limit_reached on their
second socket), and the rows agree."""

import asyncio
import sqlite3
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from bench.sioclient import connect
from tests.factories.flash import call, user
from tests.plugins.app import run_async

pytestmark = [pytest.mark.slow, pytest.mark.sqlite_only]
PEOPLE = 250
CLIENTS = 2 * PEOPLE  # each person on two sockets: the second must not win too
PACKETS = 50
TOTAL = 88_888  # ¥888.88


def rain(port):
    """teashop's tea in lily's live, on air, and a pool of PACKETS packets
    (random split) opened by the host: (session id, red packet id)."""
    shop = user(port, "teashop", "merchant")
    host = user(port, "lily", "creator")
    status, product = call(
        port,
        "POST",
        "/api/v1/products",
        shop,
        {"title": "龙井", "price_cents": 16800, "stock": 10, "category": "tea-drinks"},
    )
    assert status == 201, product
    pid = product["product"]["id"]
    status, live = call(
        port, "POST", "/api/v1/live", host, {"title": "红包雨", "product_ids": [pid]}
    )
    assert status == 201, live
    sid = live["session"]["id"]
    assert call(port, "POST", f"/api/v1/live/{sid}/start", host)[0] == 200
    status, made = call(
        port,
        "POST",
        "/api/v1/red-packets",
        shop,
        {
            "live_id": sid,
            "total_cents": TOTAL,
            "count": PACKETS,
            "split": "random",
            "valid_days": 3,
            "grab_window_s": 120,
        },
    )
    assert status == 201, made
    rp_id = made["red_packet"]["id"]
    status, opened = call(port, "POST", f"/api/v1/red-packets/{rp_id}/open", host)
    assert status == 200 and opened["red_packet"]["status"] == "open", opened
    return sid, rp_id


async def crowd(port, tokens, session_id, rp_id):
    pools = []

    def on_event(name, payload, _now):
        if name == "red_packet":
            pools.append(payload)

    clients = []
    for start in range(0, len(tokens), 50):  # fifty sockets opening at a time
        clients += await asyncio.gather(
            *(
                connect(
                    "127.0.0.1", port, token=t, on_event=on_event if i == 0 else None
                )
                for i, t in enumerate(tokens[start : start + 50], start)
            )
        )
    joins = await asyncio.gather(
        *(c.emit("join", {"session_id": session_id}) for c in clients)
    )
    assert all(ack["ok"] for _, ack in joins)
    # a rejoining viewer's room state shows the pool raining
    state = joins[0][1]["state"]
    assert [p["id"] for p in state["red_packets"]] == [rp_id]
    acks = await asyncio.gather(
        *(c.emit("grab_red_packet", {"red_packet_id": rp_id}) for c in clients)
    )
    await asyncio.sleep(1.0)  # the coalesced `red_packet` broadcast
    for c in clients:
        c.close()
    return [ack for _, ack in acks], pools


def test_five_hundred_sockets_grab_fifty_packets(live_server):
    port = live_server.port
    with ThreadPoolExecutor(8) as pool:  # sign-ups in parallel: a few seconds less
        people = list(pool.map(lambda i: user(port, f"fan{i:03d}"), range(PEOPLE)))
    sid, rp_id = rain(port)
    tokens = people + people
    acks, pools = run_async(crowd(port, tokens, sid, rp_id))

    won = [(i % PEOPLE, a) for i, a in enumerate(acks) if a["ok"]]
    refused = Counter(a["error"]["code"] for a in acks if not a["ok"])
    assert len(won) == PACKETS, Counter(str(a.get("error")) for a in acks)
    assert sum(refused.values()) == CLIENTS - PACKETS
    assert set(refused) <= {"sold_out", "limit_reached"}, refused
    assert refused["limit_reached"] <= PACKETS  # only a winner's second socket
    winners = [person for person, _ in won]
    assert len(set(winners)) == PACKETS  # nobody twice, whichever socket won
    amounts = [a["amount_cents"] for _, a in won]
    assert sum(amounts) == TOTAL and min(amounts) >= 1
    assert all(
        a["user_coupon"]["amount_off_cents"] == a["amount_cents"] for _, a in won
    )
    assert all(a["user_coupon"]["status"] == "unused" for _, a in won)
    # the room heard it run out (coalesced: a few broadcasts, not one a grab)
    assert pools and pools[-1]["id"] == rp_id and pools[-1]["count_left"] == 0
    assert len(pools) < PACKETS // 2, len(pools)
    status, got = call(port, "GET", f"/api/v1/red-packets/{rp_id}", people[0])
    assert status == 200 and got["red_packet"]["count_left"] == 0
    assert got["red_packet"]["grabbed_cents"] == TOTAL

    db = sqlite3.connect(live_server.data_dir / "livestall.db")
    try:
        grabbed, grabbed_cents = db.execute(
            "SELECT grabbed, grabbed_cents FROM red_packet WHERE id = ?", (rp_id,)
        ).fetchone()
        shares = db.execute(
            "SELECT user_id, amount_cents, user_coupon_id FROM red_packet_share"
            " WHERE red_packet_id = ?",
            (rp_id,),
        ).fetchall()
        held = db.execute(
            "SELECT user_id, amount_off_cents FROM user_coupon WHERE red_packet_id = ?",
            (rp_id,),
        ).fetchall()
    finally:
        db.close()
    assert (grabbed, grabbed_cents) == (PACKETS, TOTAL)
    assert len(shares) == PACKETS and all(u and uc for u, _, uc in shares)
    assert len({u for u, _, _ in shares}) == PACKETS
    assert sorted(a for _, a, _ in shares) == sorted(amounts)
    assert sorted(held) == sorted((u, a) for u, a, _ in shares)
