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
  from the first send to the last delivery, p50 delivery latency, and the servers'
  CPU (user + sys from /proc/PID/stat, summed over the set-up's processes) per
  delivery;
- flash sale: C signed-in sockets grab one unit at a time until a U-unit sale is
  sold out: grabs/s (U / time to sell out) and server CPU per grab;
- pages: home `/`, `/shop`, `/c/kitchen`, a product, a post and the creator page
  `/u/lily_eats`, anonymous and signed in (a browser's session cookie from the
  /login form), and search, against `/healthz` (hello world with one `SELECT 1`)
  on the same server: requests/s and the ratio to /healthz.

Measured once, outside the set-ups (each skipped if its bench is missing or fails):
bench/event_plumbing.py (server CPU per acked no-op event, Flask-SocketIO's handler
against the plain python-socketio one), bench/search.py `measure(products)` (Whoosh
against SQLite FTS5, p50/p95), bench/viewers_memory.py `measure(viewers)` (RSS per
viewer); with `--full` also bench/flash_sale.py at 100,000 units to 1,000 buyers on
SQLite and PostgreSQL.

Issue 24 comes first in one table, each figure against its same-run baseline:
server CPU per grab and per chat delivery on two processes over one (scale-out
honesty: at most 1.25x, so N cores give about N times the throughput), pages over
/healthz, FTS5 over Whoosh, memory per viewer, plain handler over Flask's.
Ratios in the detail table: `2p/1p` is two processes over one on PostgreSQL +
Redis; `2p/SQLite` is two processes over the embedded default. The load clients
run on the same machine and take CPU from the servers: on a 2-core box two server
processes and the clients share two cores, so throughput ratios stay modest there;
the CPU per operation is what shows the scaling. Notes written below the generated
part of bench/RESULTS.md are kept.

    .venv/bin/python -m bench.run [--full] [--out bench/RESULTS.md]
"""

import argparse
import asyncio
import datetime
import http.client
import http.cookiejar
import importlib
import inspect
import json
import os
import platform
import re
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

from bench import cpu_seconds, wait_ready  # noqa: E402
from bench.sioclient import connect  # noqa: E402

FAST_HASH = "pbkdf2:sha256:1000"
PASSWORD = "correct horse battery"  # noqa: S105 - bench accounts
PG = os.environ.get("LIVESTALL_TEST_PG", "postgresql://postgres@127.0.0.1:5432")
REDIS = os.environ.get("LIVESTALL_TEST_REDIS", "redis://127.0.0.1:6379")
CLK_TCK = os.sysconf("SC_CLK_TCK")
QUICK = {
    "viewers": 200,
    "senders": 10,
    "messages": 200,
    "grabbers": 200,
    "units": 2000,
    "http_clients": 8,
    "requests": 400,
    "products": 60,
    # measured once, outside the three set-ups
    "search_products": 5000,
    "memory_viewers": 1000,
    "plumbing_events": 10000,
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
    "search_products": 100_000,
    "memory_viewers": 10_000,
    "plumbing_events": 30000,
    # bench/flash_sale.py: 100,000 units to 1,000 buyers, SQLite and PostgreSQL
    "flash_units": 100_000,
    "flash_buyers": 1000,
}
CREATOR = "lily_eats"  # the creator page, /u/lily_eats, as in the demo
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
        wait_ready(proc, port)

    def port(self, i):
        return self.ports[i % len(self.ports)]

    def cpu(self):
        """Server CPU seconds (user + sys), summed over the set-up's processes."""
        return sum(cpu_seconds(proc.pid) for proc in self.procs)

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
    host = user(CREATOR, "creator")
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

    cpu0 = setup.cpu()
    start = time.monotonic_ns()
    await asyncio.gather(*(send(c) for c in senders))
    deadline = time.monotonic() + 60
    while received[0] < expected and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    cpu = setup.cpu() - cpu0
    for c in viewers + senders:
        c.close()
    elapsed = (last[0] - start) / 1e9
    latencies.sort()
    return {
        "deliveries/s": received[0] / elapsed if elapsed > 0 else 0,
        "p50 ms": latencies[len(latencies) // 2] / 1e6 if latencies else 0,
        "missing": expected - received[0],
        "cpu us/delivery": cpu / received[0] * 1e6 if received[0] else 0,
    }


async def noop(setup, world, sizes):
    """The same-run baseline of the CPU per operation: C sockets (split over the
    processes like the grabbers) send the acknowledged no-op `clock` in a loop
    (no database, no Redis): its 2p/1p is the plumbing's own, next to the grab's
    and the chat's."""
    clients = [
        await connect("127.0.0.1", setup.port(i)) for i in range(sizes["grabbers"])
    ]
    per = max(1, sizes["units"] * 2 // len(clients))

    async def loop(client):
        for _ in range(per):
            _, ack = await client.emit("clock", {})
            if not ack["ok"]:
                raise RuntimeError(f"clock refused: {ack}")

    cpu0, start = setup.cpu(), time.monotonic()
    await asyncio.gather(*(loop(c) for c in clients))
    elapsed, cpu = time.monotonic() - start, setup.cpu() - cpu0
    for c in clients:
        c.close()
    n = per * len(clients)
    return {"acks/s": n / elapsed, "cpu us/ack": cpu / n * 1e6}


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

    cpu0 = setup.cpu()
    start = time.monotonic()
    await asyncio.gather(*(grabber(c) for c in clients))
    elapsed = time.monotonic() - start
    cpu = setup.cpu() - cpu0
    for c in clients:
        c.close()
    if won[0] != sizes["units"]:
        raise RuntimeError(f"{won[0]} grabs won for {sizes['units']} units")
    return {
        "grabs/s": won[0] / elapsed,
        "sell-out s": elapsed,
        "cpu ms/grab": cpu / won[0] * 1e3,
    }


def drive(setup, paths, total, clients, headers=None):
    """Keep-alive GETs over `clients` threads, split over the processes (with
    `headers`: a signed-in browser's cookie)."""
    done, errors, lock = [], [], threading.Lock()
    per_client = max(1, total // clients)

    def worker(i):
        conn = http.client.HTTPConnection("127.0.0.1", setup.port(i), timeout=60)
        mine = []
        for n in range(per_client):
            path = paths[(i + n) % len(paths)]
            t0 = time.perf_counter()
            conn.request("GET", path, headers=headers or {})
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


PAGES = ("home /", "shop", "category", "product", "post", "creator")


def page_routes(world):
    return {
        "home /": ["/"],
        "shop": ["/shop"],
        "category": ["/c/kitchen"],
        "product": [f"/products/{world['product']}"],
        "post": [f"/posts/{world['post']}"],
        "creator": [f"/u/{CREATOR}"],
    }


def sign_in(port, login):
    """A browser's sign-in through the /login form: its Cookie header."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    base = f"http://127.0.0.1:{port}"
    page = opener.open(base + "/login", timeout=30).read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode(
        {"csrf_token": token, "login": login, "password": PASSWORD}
    ).encode()
    opener.open(base + "/login", data=body, timeout=30).read()
    cookies = {c.name: c.value for c in jar}
    if not any("session" in name for name in cookies):
        raise RuntimeError("bench sign-in set no session cookie")
    page = opener.open(base + "/", timeout=30).read().decode()
    if login not in page:
        raise RuntimeError("bench sign-in: the home page does not know the user")
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def pages(setup, world, sizes):
    """/healthz, the pages anonymous and signed in, and search: req/s each."""
    clients = sizes["http_clients"]
    cookie = {"Cookie": sign_in(setup.port(0), "b0000")}
    routes = [("/healthz", ["/healthz"], None)]
    for name, paths in page_routes(world).items():
        routes.append((name, paths, None))
        routes.append((name + " (signed in)", paths, cookie))
    search = [f"/search?q={urllib.parse.quote(q)}" for q in QUERIES]
    routes.append(("search", search, None))
    out = {}
    for name, paths, headers in routes:
        drive(setup, paths, clients * 5, clients, headers)  # warm up
        out[name] = drive(setup, paths, sizes["requests"], clients, headers)
    return out


# --- the run --------------------------------------------------------------------------


PER_PROCESS = ("senders", "messages", "grabbers", "units")


def per_process(sizes, nodes):
    """N processes get N times the load one got: the senders, their messages, the
    grabbers and the units (each process sees the chat senders and the grabbers one
    process saw; the viewers, hence the deliveries per message, stay). Measured at
    the same total load instead, each of two processes runs half loaded and pays
    more CPU per operation for it (fewer greenlets per wake-up of its loop, its
    queries' round trips less overlapped: 1.2-1.5x here, from run to run), which
    says nothing about N cores doing N times the work."""
    return {k: v * nodes if k in PER_PROCESS else v for k, v in sizes.items()}


def run_setup(name, nodes, shared, sizes, base_port):
    print(f"== {name}", flush=True)
    sizes = per_process(sizes, nodes)
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
        results["noop"] = asyncio.run(noop(setup, world, sizes))
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


def optional(module, label, *args, **options):
    """`module.measure(*args, **options)` (the options it takes), or None when that
    bench is not there yet (another helper's) or fails: the rest of the run goes
    on."""
    try:
        measure = importlib.import_module(module).measure
    except (ImportError, AttributeError) as e:
        print(f"   {label}: not measured ({e})", flush=True)
        return None
    taken = inspect.signature(measure).parameters
    options = {k: v for k, v in options.items() if k in taken}
    try:
        out = measure(*args, **options)
    except (Exception, SystemExit) as e:  # noqa: BLE001 - one failing spoils no other
        print(f"   {label}: failed ({e!r})", flush=True)
        return None
    print(f"   {label}: {out}", flush=True)
    return out


def full_flash_sale(sizes):
    """bench/flash_sale.py at the full size, on SQLite and on PostgreSQL."""
    from bench import flash_sale as fs

    args = argparse.Namespace(
        units=sizes["flash_units"],
        clients=sizes["flash_buyers"],
        procs=2,
        limit=None,
        noop_s=5.0,
    )
    out = {}
    for kind in ("sqlite", "postgres"):
        print(f"== flash sale, {args.units:,} units to {args.clients:,} ({kind})")
        noop, sale, books, units_held, _rows = fs.bench_database(kind, args)
        out[kind] = {
            "grabs/s": sale["won"] / sale["sell_out_s"] if sale["sell_out_s"] else 0,
            "sell-out s": sale["sell_out_s"],
            "cpu ms/grab": sale["cpu_s"] / max(1, sale["acks"]) * 1e3,
            "noop/s": noop["acks"] / noop["elapsed"],
            "noop cpu ms": noop["cpu_s"] / max(1, noop["acks"]) * 1e3,
            "oversell": max(0, units_held - books["quantity"]),
            "won": sale["won"],
        }
        print(f"   {kind}: {out[kind]}", flush=True)
    return out


def extras(sizes, full, base_port):
    """What is measured once, not per set-up: event plumbing, search, memory (and
    the full-size flash sale with --full)."""
    print("== once", flush=True)
    out = {
        "plumbing": optional(
            "bench.event_plumbing",
            "event plumbing",
            50,
            sizes["plumbing_events"],
            3,
        ),
        "search": optional("bench.search", "search", sizes["search_products"]),
        "memory": optional(
            "bench.viewers_memory",
            "viewers memory",
            sizes["memory_viewers"],
            port=base_port + 57,  # clear of another run of that bench alone
        ),
        "flash_full": None,
    }
    if full:
        try:
            out["flash_full"] = full_flash_sale(sizes)
        except (Exception, SystemExit) as e:  # noqa: BLE001
            print(f"   full flash sale: failed ({e!r})", flush=True)
    return out


def _ratio(a, b):
    return f"{a / b:.2f}x" if b else "-"


def summary(res, once):
    """Issue 24 in one table: each measure against its same-run baseline."""
    one, pg1, pg2 = res["1 x SQLite"], res["1 x PG+Redis"], res["2 x PG+Redis"]
    rows = []

    def row(item, measured, baseline, ratio, target="-"):
        rows.append(f"| {item} | {measured} | {baseline} | {ratio} | {target} |")

    grab1, grab2 = pg1["flash"]["cpu ms/grab"], pg2["flash"]["cpu ms/grab"]
    row(
        "server CPU per grab, 2 x PG+Redis, the same load per process (vs 1 x)",
        f"{grab2:.3f} ms",
        f"{grab1:.3f} ms",
        _ratio(grab2, grab1),
        "<= 1.25x",
    )
    del1, del2 = pg1["chat"]["cpu us/delivery"], pg2["chat"]["cpu us/delivery"]
    row(
        "server CPU per chat delivery, 2 x PG+Redis, the same load per process "
        "(vs 1 x)",
        f"{del2:.1f} µs",
        f"{del1:.1f} µs",
        _ratio(del2, del1),
        "<= 1.25x",
    )
    op1, op2 = pg1["noop"]["cpu us/ack"], pg2["noop"]["cpu us/ack"]
    row(
        "server CPU per acked no-op `clock`, 2 x PG+Redis, the same load per "
        "process (vs 1 x)",
        f"{op2:.0f} µs",
        f"{op1:.0f} µs",
        _ratio(op2, op1),
    )
    row(
        "server CPU per grab, 1 x SQLite (vs 1 x PG+Redis)",
        f"{one['flash']['cpu ms/grab']:.3f} ms",
        f"{grab1:.3f} ms",
        _ratio(one["flash"]["cpu ms/grab"], grab1),
    )
    row(
        "chat fan-out, 2 x PG+Redis (vs 1 x)",
        f"{pg2['chat']['deliveries/s']:,.0f}/s",
        f"{pg1['chat']['deliveries/s']:,.0f}/s",
        _ratio(pg2["chat"]["deliveries/s"], pg1["chat"]["deliveries/s"]),
        "(2 cores, load generator beside)",
    )
    row(
        "flash sale, 2 x PG+Redis (vs 1 x)",
        f"{pg2['flash']['grabs/s']:,.0f} grabs/s",
        f"{pg1['flash']['grabs/s']:,.0f} grabs/s",
        _ratio(pg2["flash"]["grabs/s"], pg1["flash"]["grabs/s"]),
        "(2 cores, load generator beside)",
    )
    plumbing = once.get("plumbing")
    if plumbing:
        plain, flask_ = plumbing["noop_plain"], plumbing["noop_flask"]
        row(
            "server CPU per acked no-op event, plain python-socketio handler "
            "(vs Flask-SocketIO's; `grab`, `chat`, `like` are plain)",
            f"{plain['us']:.0f} µs ({plain['us_range'][0]:.0f}-"
            f"{plain['us_range'][1]:.0f})",
            f"{flask_['us']:.0f} µs ({flask_['us_range'][0]:.0f}-"
            f"{flask_['us_range'][1]:.0f})",
            _ratio(plain["us"], flask_["us"]),
        )
    else:
        row("event plumbing (bench/event_plumbing.py)", "not measured", "-", "-")
    healthz = one["http"]["/healthz"]["req/s"]
    for name in PAGES:
        for suffix in ("", " (signed in)"):
            rps = one["http"][name + suffix]["req/s"]
            row(
                f"page {name}{suffix}, 1 x SQLite (vs /healthz)",
                f"{rps:,.0f} req/s",
                f"{healthz:,.0f} req/s",
                _ratio(rps, healthz),
            )
    search = once.get("search")
    if search:
        row(
            f"search p95, SQLite FTS5 (vs Whoosh), {search['products']:,} products",
            f"{search['fts5_p95_ms']:.1f} ms (p50 {search['fts5_p50_ms']:.1f})",
            f"{search['whoosh_p95_ms']:.1f} ms (p50 {search['whoosh_p50_ms']:.1f})",
            f"{search['ratio_p95']:.2f}x",
        )
    else:
        row("search (bench/search.py)", "not measured", "-", "-")
    memory = once.get("memory")
    if memory:
        row(
            f"memory per viewer, {memory['viewers']:,} viewers in one room "
            "(vs the empty server)",
            f"{memory['kb_per_viewer']:.1f} KB/viewer ({memory['rss_mb']:.0f} MB)",
            f"{memory['rss_empty_mb']:.0f} MB empty",
            _ratio(memory["rss_mb"], memory["rss_empty_mb"]),
        )
    else:
        row("memory per viewer (bench/viewers_memory.py)", "not measured", "-", "-")
    for kind, r in (once.get("flash_full") or {}).items():
        row(
            f"flash sale, {r['won']:,} units, {kind} (vs no-op `clock`)",
            f"{r['grabs/s']:,.0f} grabs/s, {r['cpu ms/grab']:.3f} ms CPU/grab, "
            f"oversell {r['oversell']}",
            f"{r['noop/s']:,.0f} acks/s, {r['noop cpu ms']:.3f} ms CPU/ack",
            _ratio(r["grabs/s"], r["noop/s"]),
        )
    return [
        "| issue 24 | measured | same-run baseline | ratio | target |",
        "| --- | ---: | ---: | ---: | --- |",
        *rows,
    ]


def table(res, sizes, full, once):
    one, pg1, pg2 = res["1 x SQLite"], res["1 x PG+Redis"], res["2 x PG+Redis"]
    rows = []

    def row(label, get, unit, fmt="{:,.0f}"):
        a, b, c = get(one), get(pg1), get(pg2)
        rows.append(
            f"| {label} | {fmt.format(a)} | {fmt.format(b)} | {fmt.format(c)} | "
            f"{_ratio(c, b)} | {_ratio(c, a)} | {unit} |"
        )

    row("chat fan-out", lambda r: r["chat"]["deliveries/s"], "deliveries/s")
    row("chat p50 latency", lambda r: r["chat"]["p50 ms"], "ms (lower is better)")
    row(
        "server CPU per chat delivery",
        lambda r: r["chat"]["cpu us/delivery"],
        "µs (lower is better)",
        "{:.1f}",
    )
    row("flash sale", lambda r: r["flash"]["grabs/s"], "grabs/s")
    row("no-op `clock`", lambda r: r["noop"]["acks/s"], "acks/s")
    row(
        "server CPU per no-op",
        lambda r: r["noop"]["cpu us/ack"],
        "µs (lower is better)",
        "{:.0f}",
    )
    row(
        "server CPU per grab",
        lambda r: r["flash"]["cpu ms/grab"],
        "ms (lower is better)",
        "{:.3f}",
    )
    names = ["/healthz", "search"]
    for name in PAGES:
        names += [name, name + " (signed in)"]
    for name in names:
        row(name, lambda r, n=name: r["http"][n]["req/s"], "req/s")
    page_vs = []
    for name in (*PAGES, "search"):
        cells = []
        for r in (one, pg1, pg2):
            base = r["http"]["/healthz"]["req/s"]
            cell = f"{r['http'][name]['req/s'] / base:.2f}"
            if name != "search":
                signed = r["http"][name + " (signed in)"]["req/s"]
                cell += f" / {signed / base:.2f}"
            cells.append(cell)
        page_vs.append(f"| {name} | {' | '.join(cells)} |")
    when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    sizes_text = ", ".join(f"{k} {v:,}" for k, v in sizes.items())
    missing = [r["chat"]["missing"] for r in (one, pg1, pg2)]
    return "\n".join(
        [
            "# Benchmark results",
            "",
            f"`make bench{' FULL=1' if full else ''}` (bench/run.py) on {when}.",
            "",
            f"Machine: {machine()}.",
            "",
            f"Sizes: {sizes_text}; 2 x PG+Redis gets twice the "
            f"{', '.join(PER_PROCESS)} (the same load per process). "
            "Load clients run on the same machine. Server CPU "
            "is user + sys time of the set-up's server processes (summed) across "
            "the workload, over the grabs won or the chat messages delivered.",
            "",
            *summary(res, once),
            "",
            "Each set-up in detail (`2p/1p`: 2 x PG+Redis over 1 x PG+Redis):",
            "",
            "| workload | 1 x SQLite | 1 x PG+Redis | 2 x PG+Redis | 2p/1p | "
            "2p/SQLite | unit |",
            "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
            *rows,
            "",
            "Pages against the hello-world route (`/healthz`) on the same server "
            "(req/s ratio, anonymous / signed in):",
            "",
            "| page | 1 x SQLite | 1 x PG+Redis | 2 x PG+Redis |",
            "| --- | ---: | ---: | ---: |",
            *page_vs,
            "",
            f"Chat deliveries missing (must be 0): {missing}. Every flash sale sold "
            "exactly its units.",
            "",
            END,
        ]
    )


END = "<!-- end of `make bench`'s output: notes below it are kept -->"


def write(path, text):
    """Write the results, keeping the notes after the generated part."""
    notes = ""
    if path.exists():
        old = path.read_text()
        if END in old:
            notes = old.split(END, 1)[1]
        elif "\n## " in old:
            notes = "\n\n" + old[old.index("\n## ") + 1 :]
    path.write_text(text + notes)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "RESULTS.md")
    parser.add_argument("--base-port", type=int, default=5140)
    args = parser.parse_args(argv)
    sizes = FULL if args.full else QUICK
    began = time.monotonic()
    results = {}
    for name, nodes, shared in (
        ("1 x SQLite", 1, False),
        ("1 x PG+Redis", 1, True),
        ("2 x PG+Redis", 2, True),
    ):
        results[name] = run_setup(name, nodes, shared, sizes, args.base_port)
    once = extras(sizes, args.full, args.base_port)
    text = table(results, sizes, args.full, once)
    write(args.out, text)
    print(text)
    print(f"({time.monotonic() - began:.0f} s)")


if __name__ == "__main__":
    main()
