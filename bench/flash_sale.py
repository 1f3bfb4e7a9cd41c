"""Flash-sale throughput: U units grabbed by C WebSocket clients, on SQLite and on
PostgreSQL, against the same server's no-op acknowledged event in the same run.

For each database it starts `python app.py` (gevent, as users run it), creates C
shoppers, a live session and a sale of U units (per-user limit high enough for
the crowd to sell out), then:

1. baseline: every client sends the `clock` event (acknowledged, no database) in
   a loop for a few seconds: acks/s and server CPU per ack;
2. the sale: every client grabs one unit at a time, as fast as its acks come
   back, until the sale answers sold out.

It prints time to sell out, grabs/s, p50/p99 grab latency, server CPU per grab,
the oversell check (reservations in the database and `sold + held + remaining ==
quantity`; oversell must be 0) and the ratio of grab throughput to the no-op.
Clients are thin asyncio sockets (bench/sioclient.py) split over --procs
processes.

    .venv/bin/python bench/flash_sale.py [--units 100000] [--clients 1000]
        [--procs 2] [--db sqlite,postgres] [--servers 2] [--limit 10] [--quick]

`--servers 2` runs PostgreSQL's side on two app processes sharing Redis (as
`make run-cluster`), the clients split between them, CPU summed.

Measured here: see the end of this docstring (filled in after a run).
"""

import argparse
import asyncio
import concurrent.futures
import http.client
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import cpu_seconds, wait_ready  # noqa: E402
from bench.sioclient import connect  # noqa: E402

PASSWORD = "bench-password-2026"  # noqa: S105 - throwaway bench accounts
CLK_TCK = os.sysconf("SC_CLK_TCK")
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
REDIS = os.environ.get("LIVESTALL_TEST_REDIS", "redis://127.0.0.1:6379") + "/3"


def call(port, method, path, body=None, token=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    conn.request(method, path, json.dumps(body or {}), headers)
    resp = conn.getresponse()
    data = json.loads(resp.read() or b"null")
    conn.close()
    if resp.status >= 300:
        raise SystemExit(f"{method} {path}: HTTP {resp.status} {data}")
    return data


def start_server(port, data_dir, database_url=None, extra_env=None):
    env = {
        **os.environ,
        "LIVESTALL_DATA_DIR": str(data_dir),
        "LIVESTALL_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "LIVESTALL_ASYNC_MODE": "gevent",
        "LIVESTALL_LOGIN_LIMIT_PER_IP": "100000",
        # a bench signs up its whole crowd from one address (0: no limit)
        "LIVESTALL_SIGNUP_PER_IP": "0",
        "LIVESTALL_SIGNUP_PER_NETWORK": "0",
    }
    env.pop("LIVESTALL_MESSAGE_QUEUE", None)
    env.pop("LIVESTALL_DATABASE_URL", None)
    if database_url:
        env["LIVESTALL_DATABASE_URL"] = database_url
    env.update(extra_env or {})
    Path(data_dir).mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(
        [sys.executable, "app.py", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(Path(data_dir) / "server.log", "wb"),  # noqa: SIM115
    )
    return wait_ready(proc, port, f"{data_dir}/server.log")


def setup(port, units, clients, limit=None):
    def user(name, role="shopper"):
        return call(
            port,
            "POST",
            "/api/v1/users",
            {
                "username": name,
                "email": f"{name}@example.com",
                "password": PASSWORD,
                "role": role,
            },
        )["token"]

    shop, host = user("benchshop", "merchant"), user("benchhost", "creator")
    pid = call(
        port,
        "POST",
        "/api/v1/products",
        {
            "title": "Bench 龙井",
            "price_cents": 9900,
            "stock": units,
            "category": "tea-drinks",
            # the merchant's consent to the sale below: all units, from ¥49
            "flash_min_price_cents": 4900,
            "flash_max_units": units,
        },
        shop,
    )["product"]["id"]
    sid = call(
        port,
        "POST",
        "/api/v1/live",
        {"title": "Bench sale", "product_ids": [pid]},
        host,
    )["session"]["id"]
    call(port, "POST", f"/api/v1/live/{sid}/start", {}, host)
    with concurrent.futures.ThreadPoolExecutor(8) as pool:  # 10,000: minutes alone
        tokens = list(pool.map(user, (f"fan{i:05d}" for i in range(clients))))
    limit = limit or min(10_000, max(1, -(-units // clients) * 2))
    sale = call(
        port,
        "POST",
        f"/api/v1/live/{sid}/flash-sales",
        {
            "product_id": pid,
            "price_cents": 4900,
            "quantity": units,
            "per_user_limit": limit,
            "duration_s": 6 * 3600,
        },
        host,
    )["flash_sale"]
    return sid, sale["id"], tokens


# --- clients --------------------------------------------------------------------------


async def _client_main(port, tokens, sid, sale_id, phase, seconds, start_at):
    gate = asyncio.Semaphore(50)  # handshakes at a time (10,000 sockets: paced)

    async def arrive(token):
        async with gate:
            client = await connect("127.0.0.1", port, token=token)
            await client.emit("join", {"session_id": sid})
            return client

    clients = await asyncio.gather(*(arrive(t) for t in tokens))
    while time.time() < start_at:  # every process starts together
        await asyncio.sleep(0.005)
    latencies, won, refused, first_win, last_win = [], 0, {}, None, None
    deadline = time.monotonic() + seconds

    async def noop_loop(c):
        nonlocal won
        while time.monotonic() < deadline:
            t0 = time.monotonic_ns()
            recv, ack = await c.emit("clock", {})
            latencies.append(recv - t0)
            won += 1

    async def grab_loop(c):
        nonlocal won, first_win, last_win
        while True:
            t0 = time.monotonic_ns()
            recv, ack = await c.emit("grab", {"flash_sale_id": sale_id, "qty": 1})
            latencies.append(recv - t0)
            if ack["ok"]:
                won += 1
                now = time.time()
                first_win = first_win or now
                last_win = now
                continue
            code = ack["error"]["code"]
            refused[code] = refused.get(code, 0) + 1
            if code in ("out_of_stock", "limit_reached", "sale_ended"):
                return
            if code == "grab_in_flight":
                await asyncio.sleep(0.001)

    loop = noop_loop if phase == "noop" else grab_loop
    t0 = time.time()
    await asyncio.gather(*(loop(c) for c in clients))
    t1 = time.time()
    for c in clients:
        c.close()
    return {
        "latencies": latencies,
        "won": won,
        "refused": refused,
        "t0": t0,
        "t1": t1,
        "first_win": first_win,
        "last_win": last_win,
    }


def _proc_main(queue, *args):
    queue.put(asyncio.run(_client_main(*args)))


def run_phase(port, server_pid, tokens, sid, sale_id, phase, procs, seconds=5.0):
    """`port`/`server_pid` may be lists (several servers): each client process
    talks to one server, in turn, and the CPU is the servers' sum."""
    ports = port if isinstance(port, list) else [port]
    pids = server_pid if isinstance(server_pid, list) else [server_pid]
    procs = max(procs, len(ports))
    start_at = time.time() + 3 + len(tokens) / 400  # time to connect and join
    queue = multiprocessing.Queue()
    chunks = [tokens[i::procs] for i in range(procs)]
    workers = [
        multiprocessing.Process(
            target=_proc_main,
            args=(
                queue,
                ports[i % len(ports)],
                chunk,
                sid,
                sale_id,
                phase,
                seconds,
                start_at,
            ),
        )
        for i, chunk in enumerate(chunks)
    ]
    for w in workers:
        w.start()
    while time.time() < start_at:
        time.sleep(0.001)
    cpu0 = sum(cpu_seconds(pid) for pid in pids)
    results = [queue.get() for _ in workers]
    cpu1 = sum(cpu_seconds(pid) for pid in pids)
    for w in workers:
        w.join()
    lat = sorted(x for r in results for x in r["latencies"])
    acks = len(lat)
    elapsed = max(r["t1"] for r in results) - min(r["t0"] for r in results)
    wins = [r["first_win"] for r in results if r["first_win"]]
    lasts = [r["last_win"] for r in results if r["last_win"]]
    refused = {}
    for r in results:
        for code, n in r["refused"].items():
            refused[code] = refused.get(code, 0) + n
    return {
        "acks": acks,
        "won": sum(r["won"] for r in results),
        "elapsed": elapsed,
        "sell_out_s": (max(lasts) - min(wins)) if wins else None,
        "p50_ms": lat[len(lat) // 2] / 1e6 if lat else 0,
        "p99_ms": lat[min(len(lat) - 1, int(len(lat) * 0.99))] / 1e6 if lat else 0,
        "cpu_s": cpu1 - cpu0,
        "refused": refused,
    }


# --- a whole run per database ---------------------------------------------------------


def bench_database(kind, args):
    port = 5900 + (os.getpid() % 50) + (0 if kind == "sqlite" else 50)
    url = None
    if kind == "postgres":
        import psycopg2

        name = f"livestall_bench_{os.getpid()}"
        admin = psycopg2.connect(PG_ADMIN)
        admin.autocommit = True
        admin.cursor().execute(f'CREATE DATABASE "{name}"')
        url = f"postgresql://postgres@127.0.0.1:5432/{name}"
    servers = getattr(args, "servers", 1) if url else 1
    keep = os.environ.get("BENCH_KEEP_DIR")  # keep the servers' logs and data
    with tempfile.TemporaryDirectory(dir=keep) as data:
        cluster = {}
        if servers > 1:  # the processes of `make run-cluster`: one queue, one key
            cluster = {
                "LIVESTALL_MESSAGE_QUEUE": REDIS,
                "LIVESTALL_MESSAGE_QUEUE_CHANNEL": f"bench{os.getpid()}",
                "LIVESTALL_SECRET_KEY": "bench-" + "k" * 40,
                "LIVESTALL_MEDIA_DIR": str(Path(data) / "media"),
            }
        ports = [port + 100 * i for i in range(servers)]
        procs = [
            start_server(p, Path(data) / f"node{i}", url, cluster)
            for i, p in enumerate(ports)
        ]
        pids = [p.pid for p in procs]
        try:
            print(
                f"[{kind}] {servers} server process(es); setting up "
                f"{args.clients} shoppers...",
                flush=True,
            )
            sid, sale_id, tokens = setup(port, args.units, args.clients, args.limit)
            noop = run_phase(
                ports, pids, tokens, sid, sale_id, "noop", args.procs, args.noop_s
            )
            print(f"[{kind}] grabbing {args.units:,} units...", flush=True)
            sale = run_phase(ports, pids, tokens, sid, sale_id, "grab", args.procs)
            books = call(port, "GET", f"/api/v1/flash-sales/{sale_id}")["flash_sale"]
        finally:
            for proc in procs:
                proc.terminate()
            for proc in procs:
                proc.wait(20)
        if url:
            import psycopg2

            conn = psycopg2.connect(url)
            cur = conn.cursor()
            cur.execute("SELECT COALESCE(SUM(qty), 0), COUNT(*) FROM reservation")
            units_held, rows = cur.fetchone()
            conn.close()
            admin.cursor().execute(f'DROP DATABASE "{name}"')
            admin.close()
        else:
            import sqlite3

            conn = sqlite3.connect(Path(data) / "node0" / "livestall.db")
            units_held, rows = conn.execute(
                "SELECT COALESCE(SUM(qty), 0), COUNT(*) FROM reservation"
            ).fetchone()
            conn.close()
    return noop, sale, books, units_held, rows


def report(kind, args, noop, sale, books, units_held, rows):
    noop_rate = noop["acks"] / noop["elapsed"]
    grab_rate = sale["won"] / sale["sell_out_s"] if sale["sell_out_s"] else 0
    oversell = max(0, units_held - books["quantity"])
    balanced = books["sold"] + books["held"] + books["remaining"] == books["quantity"]
    print(
        f"\n== {kind}: {args.units:,} units, {args.clients:,} clients, "
        f"{args.procs} client processes, "
        f"{getattr(args, 'servers', 1) if kind == 'postgres' else 1} server(s)"
    )
    print(
        f"  no-op `clock`:  {noop_rate:10,.0f} acks/s   p50 {noop['p50_ms']:.1f} ms  "
        f"p99 {noop['p99_ms']:.1f} ms   server CPU "
        f"{noop['cpu_s'] / max(1, noop['acks']) * 1e3:.3f} ms/ack"
    )
    print(
        f"  grab:           {grab_rate:10,.0f} grabs/s  p50 {sale['p50_ms']:.1f} ms  "
        f"p99 {sale['p99_ms']:.1f} ms   server CPU "
        f"{sale['cpu_s'] / max(1, sale['acks']) * 1e3:.3f} ms/ack"
    )
    print(
        f"  sold out in {sale['sell_out_s']:.1f} s; {sale['won']:,} grabs won, "
        f"refusals {sale['refused']}"
    )
    print(
        f"  reservations in the database: {rows:,} rows, {units_held:,} units; "
        f"oversell {oversell}; sold+held+remaining==quantity: {balanced}"
    )
    print(f"  ratio grab/no-op throughput: {grab_rate / noop_rate:.2f}x")
    return oversell == 0 and balanced and units_held == books["quantity"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=1_000)
    parser.add_argument("--procs", type=int, default=2)
    parser.add_argument("--limit", type=int, default=None, help="per person")
    parser.add_argument("--db", default="sqlite,postgres")
    parser.add_argument(
        "--servers", type=int, default=1, help="PostgreSQL: app processes (+Redis)"
    )
    parser.add_argument("--noop-s", type=float, default=5.0)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.units, args.clients, args.noop_s = 5_000, 200, 3.0
    ok = True
    for kind in args.db.split(","):
        ok &= report(kind, args, *bench_database(kind.strip(), args))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
