"""Red packet rain against the flash-sale grab, in the same run on the same server.

Starts `python app.py` (gevent, as users run it) on SQLite (and/or PostgreSQL),
makes a merchant, a host on air selling its product, C shoppers with C WebSocket
clients in the room, then three bursts, every client sending at the same moment:

1. flash: a sale of C/2 units, one `grab` per client (half win, half are refused);
2. rain: a red packet pool of C/2 packets, one `grab_red_packet` per client;
3. late taps: every client taps the finished pool again (refused in the process,
   without the database).

It prints, per burst, acks/s over the burst, p50/p99 ack latency and server CPU per
ack, the ratio rain/flash, and checks the books: exactly C/2 packets grabbed, each
winner once, the amounts adding up to the pool's total to the cent.

    .venv/bin/python bench/red_packets.py [--clients 1000] [--procs 2]
        [--db sqlite,postgres] [--quick]
"""

import argparse
import asyncio
import multiprocessing
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.flash_sale import (  # noqa: E402
    PASSWORD,
    PG_ADMIN,
    call,
    cpu_seconds,
    start_server,
)
from bench.sioclient import connect  # noqa: E402


def _user(port, name, role="shopper"):
    body = {
        "username": name,
        "email": f"{name}@example.com",
        "password": PASSWORD,
        "role": role,
    }
    return call(port, "POST", "/api/v1/users", body)["token"]


def setup(port, clients):
    shop, host = (
        _user(port, "benchshop", "merchant"),
        _user(port, "benchhost", "creator"),
    )
    half = clients // 2
    pid = call(
        port,
        "POST",
        "/api/v1/products",
        {
            "title": "Bench 龙井",
            "price_cents": 9900,
            "stock": half,
            "category": "tea-drinks",
            "flash_min_price_cents": 4900,
            "flash_max_units": half,
        },
        shop,
    )["product"]["id"]
    sid = call(
        port,
        "POST",
        "/api/v1/live",
        {"title": "Bench rain", "product_ids": [pid]},
        host,
    )["session"]["id"]
    call(port, "POST", f"/api/v1/live/{sid}/start", {}, host)
    tokens = [_user(port, f"fan{i:05d}") for i in range(clients)]
    sale = call(
        port,
        "POST",
        f"/api/v1/live/{sid}/flash-sales",
        {
            "product_id": pid,
            "price_cents": 4900,
            "quantity": half,
            "per_user_limit": 1,
            "duration_s": 3600,
        },
        host,
    )["flash_sale"]
    total = half * 188 + 7  # ¥1.88 a packet on average, and odd cents
    pool = call(
        port,
        "POST",
        "/api/v1/red-packets",
        {
            "live_id": sid,
            "total_cents": total,
            "count": half,
            "split": "random",
            "grab_window_s": 600,
        },
        shop,
    )["red_packet"]
    call(port, "POST", f"/api/v1/red-packets/{pool['id']}/open", {}, host)
    return sid, sale["id"], pool, tokens


async def _client_main(port, tokens, sid, sale_id, pool_id, start_at, gap):
    clients = [await connect("127.0.0.1", port, token=t) for t in tokens]
    await asyncio.gather(*(c.emit("join", {"session_id": sid}) for c in clients))
    out = {}
    bursts = (
        ("flash", "grab", {"flash_sale_id": sale_id, "qty": 1}),
        ("rain", "grab_red_packet", {"red_packet_id": pool_id}),
        ("late", "grab_red_packet", {"red_packet_id": pool_id}),
    )
    for i, (name, event, payload) in enumerate(bursts):
        while time.time() < start_at + i * gap:  # every process starts together
            await asyncio.sleep(0.002)

        async def one(c, event=event, payload=payload):
            t0 = time.monotonic_ns()
            recv, ack = await c.emit(event, payload)
            return recv - t0, ack

        t0 = time.time()
        results = await asyncio.gather(*(one(c) for c in clients))
        out[name] = {
            "t0": t0,
            "t1": time.time(),
            "lat": [lat for lat, _ in results],
            "won": [ack.get("amount_cents", 1) for _, ack in results if ack["ok"]],
            "codes": [ack["error"]["code"] for _, ack in results if not ack["ok"]],
        }
    for c in clients:
        c.close()
    return out


def _proc_main(queue, *args):
    queue.put(asyncio.run(_client_main(*args)))


def run(port, server_pid, tokens, sid, sale_id, pool_id, procs, gap=6.0):
    start_at = time.time() + 3 + len(tokens) / 300  # time to connect and join
    queue = multiprocessing.Queue()
    workers = [
        multiprocessing.Process(
            target=_proc_main,
            args=(queue, port, tokens[i::procs], sid, sale_id, pool_id, start_at, gap),
        )
        for i in range(procs)
    ]
    for w in workers:
        w.start()
    cpu = []
    for i in range(3):
        while time.time() < start_at + i * gap:
            time.sleep(0.001)
        cpu.append(cpu_seconds(server_pid))
        time.sleep(gap * 0.9)
        cpu[-1] = cpu_seconds(server_pid) - cpu[-1]
    results = [queue.get() for _ in workers]
    for w in workers:
        w.join()
    figures = {}
    for i, name in enumerate(("flash", "rain", "late")):
        parts = [r[name] for r in results]
        lat = sorted(x for p in parts for x in p["lat"])
        codes = {}
        for p in parts:
            for code in p["codes"]:
                codes[code] = codes.get(code, 0) + 1
        elapsed = max(p["t1"] for p in parts) - min(p["t0"] for p in parts)
        figures[name] = {
            "acks": len(lat),
            "rate": len(lat) / elapsed,
            "elapsed": elapsed,
            "p50_ms": lat[len(lat) // 2] / 1e6,
            "p99_ms": lat[min(len(lat) - 1, int(len(lat) * 0.99))] / 1e6,
            "cpu_ms": cpu[i] / max(1, len(lat)) * 1e3,
            "won": [a for p in parts for a in p["won"]],
            "codes": codes,
        }
    return figures


def bench_database(kind, args):
    port = 6000 + (os.getpid() % 50) + (0 if kind == "sqlite" else 50)
    url, admin, name = None, None, None
    if kind == "postgres":
        import psycopg2

        name = f"livestall_bench_rain_{os.getpid()}"
        admin = psycopg2.connect(PG_ADMIN)
        admin.autocommit = True
        admin.cursor().execute(f'CREATE DATABASE "{name}"')
        url = f"postgresql://postgres@127.0.0.1:5432/{name}"
    try:
        with tempfile.TemporaryDirectory() as data:
            proc = start_server(port, data, url)
            try:
                print(f"[{kind}] setting up {args.clients} shoppers...", flush=True)
                sid, sale_id, pool, tokens = setup(port, args.clients)
                figures = run(
                    port, proc.pid, tokens, sid, sale_id, pool["id"], args.procs
                )
                books = call(port, "GET", f"/api/v1/red-packets/{pool['id']}")
            finally:
                proc.terminate()
                proc.wait(20)
    finally:
        if admin is not None:
            admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.close()
    return figures, pool, books["red_packet"]


def report(kind, args, figures, pool, books):
    print(f"\n== {kind}: {args.clients:,} clients, {args.procs} client processes")
    for name, label in (
        ("flash", "flash-sale grab"),
        ("rain", "red packet grab"),
        ("late", "late taps"),
    ):
        f = figures[name]
        print(
            f"  {label:16} {f['rate']:8,.0f} acks/s  p50 {f['p50_ms']:7.1f} ms  "
            f"p99 {f['p99_ms']:7.1f} ms  server CPU {f['cpu_ms']:.3f} ms/ack  "
            f"won {len(f['won']):,}  refused {f['codes']}"
        )
    ratio = figures["rain"]["rate"] / figures["flash"]["rate"]
    print(f"  ratio red packet / flash grab throughput: {ratio:.2f}x")
    won = figures["rain"]["won"]
    exact = (
        len(won) == pool["count"]
        and sum(won) == pool["total_cents"]
        and books["grabbed_cents"] == pool["total_cents"]
        and books["count_left"] == 0
        and not figures["late"]["won"]
    )
    print(
        f"  books: {len(won):,} of {pool['count']:,} packets won, "
        f"{sum(won):,} of {pool['total_cents']:,} cents; the pool says "
        f"{books['grabbed_cents']:,} cents, {books['count_left']} left: "
        f"{'exact' if exact else 'WRONG'}"
    )
    return exact


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=1_000)
    parser.add_argument("--procs", type=int, default=2)
    parser.add_argument("--db", default="sqlite,postgres")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.clients = 200
    ok = True
    for kind in args.db.split(","):
        ok &= report(kind, args, *bench_database(kind.strip(), args))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
