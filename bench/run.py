"""`make bench`: chat fan-out, flash sale, search and page throughput on one process
and on two, written to bench/RESULTS.md with the date and the machine.

Three set-ups, each started fresh (`python app.py`, gevent, as users run it):

- `1 x SQLite`: one process, the embedded default (`make run`);
- `1 x PG+Redis`: one process on PostgreSQL with Redis as the message queue;
- `2 x PG+Redis`: two processes on PostgreSQL + Redis (`make run-cluster`'s
  processes, driven directly: clients are split evenly, as ip_hash would).

Workloads (quick sizes; `--full` for the full ones):

- chat fan-out: V anonymous viewers and S senders in one room, split over the
  processes; the senders send M messages (each waits for its ack); deliveries/s
  from the first send to the last delivery, and p50 delivery latency;
- flash sale: C signed-in sockets grab one unit at a time until a U-unit sale is
  sold out: grabs/s (U / time to sell out);
- search: GET /search?q=... from K keep-alive HTTP clients: requests/s;
- pages: the feed `/`, a post, a product, against `/healthz` (hello world with one
  `SELECT 1`) on the same server: requests/s and the ratio to /healthz.

Ratios: `2p/1p` is two processes over one on PostgreSQL + Redis (the scale-out
gain); `2p/SQLite` is two processes over the embedded default. The load clients
run on the same machine and take CPU from the servers: on a 2-core box two server
processes and the clients share two cores, so expect modest ratios there.

    .venv/bin/python -m bench.run [--full] [--out bench/RESULTS.md]
"""

import argparse
import asyncio
import datetime
import http.client
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.sioclient import connect  # noqa: E402

FAST_HASH = "pbkdf2:sha256:1000"
PASSWORD = "correct horse battery"  # noqa: S105 - bench accounts
PG = os.environ.get("LIVESTALL_TEST_PG", "postgresql://postgres@127.0.0.1:5432")
REDIS = os.environ.get("LIVESTALL_TEST_REDIS", "redis://127.0.0.1:6379")
QUICK = {
    "viewers": 200,
    "senders": 10,
    "messages": 200,
    "grabbers": 200,
    "units": 2000,
    "http_clients": 8,
    "requests": 600,
    "products": 60,
}
FULL = {
    "viewers": 1000,
    "senders": 20,
    "messages": 1000,
    "grabbers": 1000,
    "units": 20000,
    "http_clients": 16,
    "requests": 4000,
    "products": 400,
}
WORDS = [
    ("手持料理棒", "Hand Blender"),
    ("龙井绿茶", "Longjing Green Tea"),
    ("不粘锅", "Nonstick Pan"),
    ("蓝牙耳机", "Bluetooth Earbuds"),
    ("羊毛围巾", "Wool Scarf"),
]
QUERIES = ["blender", "绿茶", "tea", "耳机", "scarf wool", "料理"]


# --- servers --------------------------------------------------------------------------


def http_call(port, method, path, token=None, body=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    conn.request(method, path, body=json.dumps(body or {}), headers=headers)
    resp = conn.getresponse()
    data = json.loads(resp.read() or b"{}")
    conn.close()
    if resp.status >= 300:
        raise RuntimeError(f"{method} {path}: {resp.status} {data}")
    return data


class Setup:
    """N `python app.py` processes on SQLite (N=1) or PostgreSQL + Redis."""

    def __init__(self, name, nodes, shared, base_port):
        self.name, self.nodes, self.shared = name, nodes, shared
        self.tmp = tempfile.TemporaryDirectory(prefix="livestall-bench-")
        self.procs, self.ports = [], []
        env = {
            **os.environ,
            "LIVESTALL_ENV": "production",
            "LIVESTALL_SECURE_COOKIES": "0",
            "LIVESTALL_PASSWORD_HASH_METHOD": FAST_HASH,
            "LIVESTALL_SECRET_KEY": "bench",
            "LIVESTALL_CHAT_BURST": "1000000",  # measure fan-out, not the limit
            "LIVESTALL_CHAT_REFILL_S": "0.001",
            "LIVESTALL_MEDIA_DIR": f"{self.tmp.name}/media",
            # the bench signs its crowd up from one address (0: no limit)
            "LIVESTALL_SIGNUP_PER_IP": "0",
            "LIVESTALL_SIGNUP_PER_NETWORK": "0",
            "LIVESTALL_LOGIN_LIMIT_PER_IP": "100000",
        }
        self.db_name = None
        if shared:
            import psycopg2

            self.db_name = "livestall_bench_" + uuid.uuid4().hex[:8]
            admin = psycopg2.connect(PG + "/postgres")
            admin.autocommit = True
            with admin.cursor() as cur:
                cur.execute(f'CREATE DATABASE "{self.db_name}"')
            admin.close()
            env["LIVESTALL_DATABASE_URL"] = f"{PG}/{self.db_name}"
            env["LIVESTALL_MESSAGE_QUEUE"] = f"{REDIS}/0"
            env["LIVESTALL_MESSAGE_QUEUE_CHANNEL"] = "bench-" + uuid.uuid4().hex[:8]
        for i in range(nodes):
            port = base_port + i
            node_env = {**env, "LIVESTALL_DATA_DIR": f"{self.tmp.name}/node{i}"}
            log = open(f"{self.tmp.name}/node{i}.log", "wb")  # noqa: SIM115
            self.procs.append(
                subprocess.Popen(
                    [sys.executable, "app.py", "--port", str(port)],
                    cwd=ROOT,
                    env=node_env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
            self.ports.append(port)
            self._wait(port, self.procs[-1])

    @staticmethod
    def _wait(port, proc):
        for _ in range(600):
            if proc.poll() is not None:
                raise RuntimeError(f"server on {port} exited")
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"server on {port} did not start")

    def port(self, i):
        return self.ports[i % len(self.ports)]

    def stop(self):
        for proc in self.procs:
            proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
        if self.db_name:
            import psycopg2

            admin = psycopg2.connect(PG + "/postgres")
            admin.autocommit = True
            with admin.cursor() as cur:
                cur.execute(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
            admin.close()
        self.tmp.cleanup()


def seed(setup, sizes):
    """Through the API: a shop with products, a creator with a post and a live on."""
    port = setup.port(0)

    def user(name, role="shopper"):
        body = {
            "username": name,
            "email": f"{name}@example.com",
            "password": PASSWORD,
            "role": role,
        }
        return http_call(port, "POST", "/api/v1/users", body=body)["token"]

    shop = user("benchshop", "merchant")
    host = user("benchhost", "creator")
    ids = []
    for i in range(sizes["products"]):
        zh, en = WORDS[i % len(WORDS)]
        product = http_call(
            port,
            "POST",
            "/api/v1/products",
            shop,
            {
                "title": f"{en} {zh} No.{i}",
                "price_cents": 1000 + i,
                "stock": 1_000_000,
                "category": "kitchen",
                "description": f"A {en.lower()} for the bench, {zh}。",
                # open to the flash-sale workload (the merchant's consent)
                "flash_min_price_cents": 1,
                "flash_max_units": 1_000_000,
            },
        )
        ids.append(product["product"]["id"])
    post = http_call(
        port,
        "POST",
        "/api/v1/posts",
        host,
        {"body": "今天试了 **手持料理棒** and green tea.", "product_ids": ids[:3]},
    )["post"]
    live = http_call(
        port, "POST", "/api/v1/live", host, {"title": "bench", "product_ids": ids[:1]}
    )["session"]
    http_call(port, "POST", f"/api/v1/live/{live['id']}/start", host)
    n = max(sizes["senders"], sizes["grabbers"])
    shoppers = [user(f"b{i:04d}") for i in range(n)]
    return {
        "host": host,
        "product": ids[0],
        "post": post["id"],
        "session": live["id"],
        "shoppers": shoppers,
    }


# --- workloads ------------------------------------------------------------------------


async def chat_fanout(setup, world, sizes):
    latencies, received = [], [0]
    last = [0]

    def on_event(name, payload, now):
        if name == "chat":
            sent = int(payload["body"].split()[1])
            latencies.append(now - sent)
            received[0] += 1
            last[0] = now

    sid = world["session"]
    viewers = []
    for i in range(sizes["viewers"]):
        viewers.append(await connect("127.0.0.1", setup.port(i), on_event=on_event))
    senders = []
    for i, token in enumerate(world["shoppers"][: sizes["senders"]]):
        senders.append(await connect("127.0.0.1", setup.port(i), token=token))
    await asyncio.gather(*(c.emit("join", {"session_id": sid}) for c in viewers))
    await asyncio.gather(*(c.emit("join", {"session_id": sid}) for c in senders))
    per_sender = sizes["messages"] // len(senders)
    expected = per_sender * len(senders) * len(viewers)

    async def send(client):
        for _ in range(per_sender):
            _, ack = await client.emit(
                "chat", {"session_id": sid, "body": f"t {time.monotonic_ns()}"}
            )
            if not ack["ok"]:
                raise RuntimeError(f"chat refused: {ack}")

    start = time.monotonic_ns()
    await asyncio.gather(*(send(c) for c in senders))
    deadline = time.monotonic() + 60
    while received[0] < expected and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    for c in viewers + senders:
        c.close()
    elapsed = (last[0] - start) / 1e9
    latencies.sort()
    return {
        "deliveries/s": received[0] / elapsed if elapsed > 0 else 0,
        "p50 ms": latencies[len(latencies) // 2] / 1e6 if latencies else 0,
        "missing": expected - received[0],
    }


async def flash_sale(setup, world, sizes):
    sale = http_call(
        setup.port(0),
        "POST",
        f"/api/v1/live/{world['session']}/flash-sales",
        world["host"],
        {
            "product_id": world["product"],
            "price_cents": 990,
            "quantity": sizes["units"],
            "per_user_limit": min(10_000, sizes["units"]),
            "duration_s": 3600,
        },
    )["flash_sale"]
    clients = []
    for i, token in enumerate(world["shoppers"][: sizes["grabbers"]]):
        clients.append(await connect("127.0.0.1", setup.port(i), token=token))
    await asyncio.gather(
        *(c.emit("join", {"session_id": world["session"]}) for c in clients)
    )
    won = [0]

    async def grabber(client):
        while True:
            _, ack = await client.emit("grab", {"flash_sale_id": sale["id"], "qty": 1})
            if ack["ok"]:
                won[0] += 1
            elif ack["error"]["code"] in ("out_of_stock", "sale_ended"):
                return
            elif ack["error"]["code"] not in ("grab_in_flight", "busy"):
                raise RuntimeError(f"grab refused: {ack}")

    start = time.monotonic()
    await asyncio.gather(*(grabber(c) for c in clients))
    elapsed = time.monotonic() - start
    for c in clients:
        c.close()
    if won[0] != sizes["units"]:
        raise RuntimeError(f"{won[0]} grabs won for {sizes['units']} units")
    return {"grabs/s": won[0] / elapsed, "sell-out s": elapsed}


def drive(setup, paths, total, clients):
    """Keep-alive GETs over `clients` threads, split over the processes."""
    done, errors, lock = [], [], threading.Lock()
    per_client = max(1, total // clients)

    def worker(i):
        conn = http.client.HTTPConnection("127.0.0.1", setup.port(i), timeout=60)
        mine = []
        for n in range(per_client):
            path = paths[(i + n) % len(paths)]
            t0 = time.perf_counter()
            conn.request("GET", path)
            resp = conn.getresponse()
            resp.read()
            if resp.status != 200:
                errors.append((path, resp.status))
            mine.append(time.perf_counter() - t0)
        conn.close()
        with lock:
            done.extend(mine)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    if errors:
        raise RuntimeError(f"HTTP errors: {errors[:5]}")
    return {"req/s": len(done) / elapsed, "p50 ms": statistics.median(done) * 1000}


def pages(setup, world, sizes):
    routes = {
        "/healthz": ["/healthz"],
        "feed /": ["/"],
        "post": [f"/posts/{world['post']}"],
        "product": [f"/products/{world['product']}"],
        "search": [f"/search?q={urllib.parse.quote(q)}" for q in QUERIES],
    }
    out = {}
    for name, paths in routes.items():
        drive(setup, paths, sizes["http_clients"] * 5, sizes["http_clients"])  # warm
        out[name] = drive(setup, paths, sizes["requests"], sizes["http_clients"])
    return out


# --- the run --------------------------------------------------------------------------


def run_setup(name, nodes, shared, sizes, base_port):
    print(f"== {name}", flush=True)
    setup = Setup(name, nodes, shared, base_port)
    try:
        world = seed(setup, sizes)
        if nodes > 1:
            time.sleep(1.5)  # let the other node's index catch up (it rebuilds)
            for port in setup.ports[1:]:
                subprocess.run(
                    [sys.executable, "-m", "flask", "--app", "app", "reindex"],
                    cwd=ROOT,
                    env={
                        **os.environ,
                        "LIVESTALL_DATABASE_URL": f"{PG}/{setup.db_name}",
                        "LIVESTALL_DATA_DIR": setup.tmp.name
                        + f"/node{setup.ports.index(port)}",
                        "LIVESTALL_SECRET_KEY": "bench",
                    },
                    check=True,
                    stdout=subprocess.DEVNULL,
                )
        results = {"chat": asyncio.run(chat_fanout(setup, world, sizes))}
        results["flash"] = asyncio.run(flash_sale(setup, world, sizes))
        results["http"] = pages(setup, world, sizes)
        for key, value in results.items():
            print(f"   {key}: {value}", flush=True)
        return results
    finally:
        setup.stop()


def machine():
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.1f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return (
        f"{platform.node()}: {os.cpu_count()} cores ({cpu}){mem}, "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}"
    )


def table(res, sizes, full):
    one, pg1, pg2 = res["1 x SQLite"], res["1 x PG+Redis"], res["2 x PG+Redis"]

    def ratio(a, b):
        return f"{a / b:.2f}x" if b else "-"

    rows = []

    def row(label, get, unit):
        a, b, c = get(one), get(pg1), get(pg2)
        rows.append(
            f"| {label} | {a:,.0f} | {b:,.0f} | {c:,.0f} | {ratio(c, b)} | "
            f"{ratio(c, a)} | {unit} |"
        )

    row("chat fan-out", lambda r: r["chat"]["deliveries/s"], "deliveries/s")
    row("chat p50 latency", lambda r: r["chat"]["p50 ms"], "ms (lower is better)")
    row("flash sale", lambda r: r["flash"]["grabs/s"], "grabs/s")
    for name in ("search", "/healthz", "feed /", "post", "product"):
        row(name, lambda r, n=name: r["http"][n]["req/s"], "req/s")
    page_vs = []
    for name in ("feed /", "post", "product", "search"):
        cells = [
            f"{r['http'][name]['req/s'] / r['http']['/healthz']['req/s']:.2f}"
            for r in (one, pg1, pg2)
        ]
        page_vs.append(f"| {name} | {' | '.join(cells)} |")
    when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    sizes_text = ", ".join(f"{k} {v}" for k, v in sizes.items())
    missing = [r["chat"]["missing"] for r in (one, pg1, pg2)]
    return "\n".join(
        [
            "# Benchmark results",
            "",
            f"`make bench{' FULL=1' if full else ''}` (bench/run.py) on {when}.",
            "",
            f"Machine: {machine()}.",
            "",
            f"Sizes: {sizes_text}. Load clients run on the same machine.",
            "",
            "| workload | 1 x SQLite | 1 x PG+Redis | 2 x PG+Redis | 2p/1p | "
            "2p/SQLite | unit |",
            "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
            *rows,
            "",
            "Pages against the hello-world route (`/healthz`) on the same server "
            "(req/s ratio):",
            "",
            "| page | 1 x SQLite | 1 x PG+Redis | 2 x PG+Redis |",
            "| --- | ---: | ---: | ---: |",
            *page_vs,
            "",
            f"Chat deliveries missing (must be 0): {missing}. Every flash sale sold "
            "exactly its units.",
            "",
        ]
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "RESULTS.md")
    parser.add_argument("--base-port", type=int, default=5140)
    args = parser.parse_args(argv)
    sizes = FULL if args.full else QUICK
    results = {}
    for name, nodes, shared in (
        ("1 x SQLite", 1, False),
        ("1 x PG+Redis", 1, True),
        ("2 x PG+Redis", 2, True),
    ):
        results[name] = run_setup(name, nodes, shared, sizes, args.base_port)
    text = table(results, sizes, args.full)
    args.out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
