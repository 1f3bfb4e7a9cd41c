"""Live chat fan-out: N viewers in one room, senders at a fixed rate and in bursts.

Starts two servers as subprocesses: a bare python-socketio broadcast server
(bench/bare_socketio.py: same async mode, gevent pywsgi, no Flask, no database) and
Livestall (`python app.py`, gevent as users run it, fresh temp LIVESTALL_DATA_DIR).
Fills one live room on each with N anonymous viewers plus S signed-in senders (who
watch too), then, alternating between the servers phase by phase so that outside
load falls on both alike:

- fixed rate: the senders together send --rate chat messages/s for --duration s;
- bursts: --burst-rounds times, the senders send --burst messages at once without
  waiting for acks (rounds pooled into one row).

For each (server, phase) it prints messages sent and acked, deliveries (chat events
received by the room's sockets; missing = acked x sockets - deliveries),
deliveries/s, p50/p99 delivery latency (send to receive: the body carries
time.monotonic_ns(), CLOCK_MONOTONIC is shared by every process on the machine),
p99 ack latency, the server's CPU s per 1000 deliveries and per message (utime+stime
from /proc/PID/stat), and the livestall/bare ratios. Before each phase it waits for
the server to idle and (at most --quiet-wait s) for the machine to idle; the
`others` column is the cores other processes used meanwhile (from /proc/stat): when
it is not ~0, wall-clock figures (deliveries/s, latencies) are noisy and CPU per
delivery is the figure to trust.

The load comes from bench/sioclient.py's thin asyncio clients, Engine.IO 4 /
Socket.IO 5 over a hand-written WebSocket (asyncio.Protocol, no polling, no
python-socketio Client: that one costs ~0.3 ms CPU per message and saturates before
the server does), here reading chat events from their bytes without decoding the
JSON: ~10-17 us client CPU per delivery in bursts, ~35-65 us at a steady trickle
(one wake-up per frame). All clients share one event loop by default; on this 2-core
box a second client process (--client-procs 2) only steals the server's core (bare
burst CPU per delivery rose 0.016 -> 0.028 ms), so one is used. `client busy` is
the busiest client process's CPU share while deliveries arrived; above 85% it is
flagged, as latency then includes client queueing.

Livestall's chat limit is a token bucket per user (5 messages, one back per 2 s), so
senders are raised to max(--senders, 2 x rate, burst/4) and each burst waits for
the buckets to refill; `rate_limited` acks are counted and must be 0.

    .venv/bin/python bench/chat_fanout.py [--viewers 500] [--senders 20] [--rate 10]
        [--burst 80] [--burst-rounds 3] [--duration 20] [--client-procs 1]
        [--bare-only] [--quick] [--env LIVESTALL_SQLITE_SYNCHRONOUS=NORMAL]

Measured here (2 cores, shared with other engineers' test runs: `others` 1.2-1.5
cores, so latencies and deliveries/s are noisy; CPU per delivery moved up to ~50%
between runs for bare bursts; over six default runs the livestall/bare CPU per
delivery ratio was 1.05-1.45x at the fixed rate and 1.23-1.76x in bursts):

`.venv/bin/python bench/chat_fanout.py` (500 viewers + 20 senders, 520 sockets)
  joins: bare 1.6 s for 520 (ack p50 31 ms, p99 81 ms, 0.84 s server CPU);
         livestall 8.3 s (ack p50 364 ms, p99 736 ms, 3.66 s server CPU, ~7 ms/join)
  server    phase   deliv   deliv/s  p50 ms  p99 ms  ack p99  CPU s/1k  ms/msg
  bare      rate   104000     5214     65     708      938     0.058     30.2
  bare      burst  124800    23800    732    2620     2709     0.020     10.5
  livestall rate   104000     5099     74     484      590     0.074     38.4
  livestall burst  124800    21806   1269    1989     2016     0.028     14.5
  livestall/bare: rate CPU per delivery 1.27x, burst 1.38x, burst deliveries/s
  0.92x; 0 missing, 0 rate_limited. On a quieter machine (others 0.0-0.6 cores)
  bare bursts reached 53-63k deliveries/s (0.016 ms CPU each) and livestall
  18-33k/s (0.028 ms): 0.52-0.65x.

`.venv/bin/python bench/chat_fanout.py --quick` (50 viewers + 10 senders, 31 s)
  bare      rate 312/s p50 7 ms p99 25 ms, 0.100 ms CPU/delivery (6.0 ms/msg)
  bare      burst 15383/s p50 47 ms p99 91 ms, 0.046 ms (2.75 ms/msg)
  livestall rate 310/s p50 18 ms p99 266 ms, 0.167 ms (10.0 ms/msg): 1.67x
  livestall burst 10278/s p50 101 ms p99 124 ms, 0.087 ms (5.25 ms/msg): 1.91x

`... --viewers 0 --duration 5 --burst-rounds 2` (20 sender sockets only)
  bare 0.9-2.8 ms CPU/msg; livestall 5.8-8.6 ms/msg, bursts 79 msgs/s (ack p99
  1.2 s for 80 at once): Livestall's per-message work (about 8 SQL statements and
  a commit per chat) costs ~5-8 ms CPU before any fan-out, so one room's chat
  tops out near 100-170 msgs/s per server process; above ~500 viewers fan-out
  (~17 us per socket, 14 us bare) dominates and the ratio falls towards 1.2x.
"""

import argparse
import asyncio
import functools
import http.client
import json
import math
import multiprocessing
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import CLK_TCK, cpu_seconds  # noqa: E402
from bench.sioclient import SocketClient, connect  # noqa: E402

PASSWORD = "tea-garden-2026"  # noqa: S105 - bench accounts on a temp site
BUCKET_REFILL_S = 2.0  # Livestall: one chat token back per 2 s, 5 at most
BODY_RE = re.compile(rb"bench p(\d+) t(\d+)")


# --------------------------------------------------------------------------- client


class ChatClient(SocketClient):
    """bench/sioclient.py's client, reading chat events straight from their bytes
    (no JSON decoding: the least work per delivery) and counting into its worker's
    stats."""

    def __init__(self, host, port, namespace, token=None, on_event=None, *, stats):
        super().__init__(host, port, namespace, token, on_event)
        self.stats = stats

    def connection_lost(self, exc):
        self.stats["disconnects"] += 1
        super().connection_lost(exc)

    def handshake_failed(self, response):
        self.stats["errors"].append(response[:200].decode("latin-1"))

    def namespace_disconnected(self):
        self.stats["ns_disconnects"] += 1

    def event_received(self, raw, now):
        if raw.startswith(b'["chat"'):
            m = BODY_RE.search(raw)
            if m:
                self.stats["on_chat"](int(m.group(1)), int(m.group(2)), now)
            else:
                self.stats["other"]["chat?"] += 1
        else:
            name = raw[2 : raw.find(b'"', 2)].decode()
            self.stats["other"][name] = self.stats["other"].get(name, 0) + 1


def percentile(sorted_values, q):
    if not sorted_values:
        return float("nan")
    return sorted_values[min(len(sorted_values) - 1, int(len(sorted_values) * q))]


class Worker:
    """A client process: some viewers and some senders on one asyncio loop."""

    def __init__(self, cfg):
        self.cfg = cfg
        self.latencies = {}  # phase -> [ms]
        self.first_last = {}  # phase -> [first_ns, last_ns]
        self.cpu_span = {}  # phase -> [first_ns, cpu_s, sampled_ns, cpu_s]
        self.stats = {
            "on_chat": self.on_chat,
            "other": {"chat?": 0},
            "errors": [],
            "disconnects": 0,
            "ns_disconnects": 0,
        }
        self.client_factory = functools.partial(ChatClient, stats=self.stats)
        self.viewers, self.senders = [], []

    def on_chat(self, phase, sent_ns, now):
        lat = self.latencies.get(phase)
        if lat is None:
            lat = self.latencies[phase] = []
            self.first_last[phase] = [now, now]
            self.cpu_span[phase] = [now, time.process_time(), now, time.process_time()]
        lat.append((now - sent_ns) / 1e6)
        self.first_last[phase][1] = now
        if not len(lat) & 63:  # this process's CPU while deliveries arrive, sampled
            span = self.cpu_span[phase]
            span[2], span[3] = now, time.process_time()

    async def setup(self):
        cfg, host, port = self.cfg, self.cfg["host"], self.cfg["port"]
        sem = asyncio.Semaphore(cfg["connect_concurrency"])
        join_ms, failures = [], []

        async def one(token):
            async with sem:
                try:
                    client = await connect(
                        host, port, "/live", token, factory=self.client_factory
                    )
                    t0 = time.monotonic_ns()
                    now, ack = await asyncio.wait_for(
                        client.emit("join", {"session_id": cfg["session_id"]}), 120
                    )
                except (TimeoutError, OSError) as exc:
                    failures.append(f"{type(exc).__name__}: {exc}")
                    return None
                join_ms.append((now - t0) / 1e6)
                if not ack.get("ok"):
                    failures.append(f"join: {ack}")
                return client

        t0 = time.perf_counter()
        tasks = [one(None) for _ in range(cfg["viewers"])]
        tasks += [one(t) for t in cfg["tokens"]]
        clients = await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - t0
        self.viewers = [c for c in clients[: cfg["viewers"]] if c]
        self.senders = [c for c in clients[cfg["viewers"] :] if c]
        join_ms.sort()
        return {
            "connected": len(self.viewers) + len(self.senders),
            "failures": failures[:5],
            "n_failures": len(failures),
            "setup_s": elapsed,
            "join_p50": percentile(join_ms, 0.5),
            "join_p99": percentile(join_ms, 0.99),
        }

    def send_chat(self, sender, phase, seq):
        body = f"bench p{phase} t{time.monotonic_ns()} n{seq}"
        return sender.emit("chat", {"session_id": self.cfg["session_id"], "body": body})

    async def run_rate(self, phase, rate, count, offset, stride, start_ns):
        """Messages offset, offset+stride, ... of `count` sent at `rate` msg/s in all
        from start_ns, round robin over this worker's senders."""
        futs = []
        for j, k in enumerate(range(offset, count, stride)):
            due = start_ns + int(k * 1e9 / rate)
            delay = (due - time.monotonic_ns()) / 1e9
            if delay > 0:
                await asyncio.sleep(delay)
            sender = self.senders[j % len(self.senders)]
            futs.append((time.monotonic_ns(), self.send_chat(sender, phase, k)))
        return await self.collect_acks(futs)

    async def run_burst(self, phase, n, start_ns):
        delay = (start_ns - time.monotonic_ns()) / 1e9
        if delay > 0:
            await asyncio.sleep(delay)
        futs = []
        for k in range(n):  # sender 0 message 0, sender 1 message 0, ...
            sender = self.senders[k % len(self.senders)]
            futs.append((time.monotonic_ns(), self.send_chat(sender, phase, k)))
        return await self.collect_acks(futs)

    async def collect_acks(self, futs):
        ok, errors, ack_ms = 0, {}, []
        for t0, fut in futs:
            try:
                now, ack = await asyncio.wait_for(fut, 120)
            except (TimeoutError, ConnectionError) as exc:
                code = type(exc).__name__
                errors[code] = errors.get(code, 0) + 1
                continue
            ack_ms.append((now - t0) / 1e6)
            if ack.get("ok"):
                ok += 1
            else:
                code = (ack.get("error") or {}).get("code", "?")
                errors[code] = errors.get(code, 0) + 1
        return {"sent": len(futs), "ok": ok, "errors": errors, "ack_ms": ack_ms}

    def report(self):
        return {
            "latencies": self.latencies,
            "first_last": self.first_last,
            "busy": {
                p: (c1 - c0) / ((t1 - t0) / 1e9)
                for p, (t0, c0, t1, c1) in self.cpu_span.items()
                if t1 - t0 > 20_000_000
            },
            "other": dict(self.stats["other"]),
            "errors": self.stats["errors"][:5],
            "disconnects": self.stats["disconnects"],
            "ns_disconnects": self.stats["ns_disconnects"],
            "deliveries": {p: len(v) for p, v in self.latencies.items()},
        }


def worker_main(conn, cfg):
    async def serve():
        worker = Worker(cfg)
        loop = asyncio.get_running_loop()
        while True:
            cmd, *args = await loop.run_in_executor(None, conn.recv)
            if cmd == "setup":
                conn.send(await worker.setup())
            elif cmd == "rate":
                conn.send(await worker.run_rate(*args))
            elif cmd == "burst":
                conn.send(await worker.run_burst(*args))
            elif cmd == "counts":
                conn.send(
                    {p: len(v) for p, v in worker.latencies.items()}
                    | {"_disconnects": worker.stats["disconnects"]}
                )
            elif cmd == "report":
                conn.send(worker.report())
            elif cmd == "quit":
                for c in worker.viewers + worker.senders:
                    c.close()
                await asyncio.sleep(0.2)
                conn.send("bye")
                return

    asyncio.run(serve())


class Clients:
    """The client processes, driven over pipes."""

    def __init__(self, cfg, procs, tokens):
        ctx = multiprocessing.get_context("fork")
        self.workers = []
        for i in range(procs):
            lo, hi = i * cfg["viewers"] // procs, (i + 1) * cfg["viewers"] // procs
            mine = dict(cfg, viewers=hi - lo, tokens=tokens[i::procs])
            parent, child = ctx.Pipe()
            proc = ctx.Process(target=worker_main, args=(child, mine), daemon=True)
            proc.start()
            self.workers.append((proc, parent, len(mine["tokens"])))

    def call(self, cmd_for_worker):
        for i, (_, pipe, _) in enumerate(self.workers):
            pipe.send(cmd_for_worker(i))
        answers = []
        for proc, pipe, _ in self.workers:
            while not pipe.poll(1):
                if not proc.is_alive():
                    raise SystemExit(f"client process {proc.pid} died")
            answers.append(pipe.recv())
        return answers

    def cpu(self):
        return [cpu_seconds(p.pid) for p, _, _ in self.workers]

    def close(self):
        try:
            self.call(lambda i: ("quit",))
        finally:
            for proc, _, _ in self.workers:
                proc.join(5)
                if proc.is_alive():
                    proc.kill()


# --------------------------------------------------------------------------- servers


def wait_healthy(proc, port):
    for _ in range(300):
        if proc.poll() is not None:
            raise SystemExit(f"server exited with {proc.returncode}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("server did not start")


def call(port, method, path, body=None, token=None):
    for _ in range(30):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        payload = json.dumps(body) if body is not None else None
        conn.request(method, path, payload, headers)
        resp = conn.getresponse()
        data = resp.read()
        conn.close()
        if resp.status == 429:  # throttled: wait as told, then retry
            time.sleep(min(30, int(resp.getheader("Retry-After") or 1)))
            continue
        out = json.loads(data) if data else None
        if resp.status >= 300:
            raise SystemExit(f"{method} {path}: HTTP {resp.status} {out}")
        return out
    raise SystemExit(f"{method} {path}: still rate limited")


def setup_livestall(port, senders):
    def user(name, role):
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

    host = user("benchhost", "creator")
    session = call(
        port,
        "POST",
        "/api/v1/live",
        {
            "title": "Bench room",
            "description": "chat fan-out benchmark",
            "scheduled_at": "2026-01-01T00:00:00Z",
        },
        token=host,
    )["session"]
    started = call(port, "POST", f"/api/v1/live/{session['id']}/start", {}, token=host)
    if started["session"]["status"] != "live":
        raise SystemExit(f"session did not go live: {started}")
    tokens = [user(f"benchchat{i:04d}", "shopper") for i in range(senders)]
    return session["id"], tokens


def start_livestall(port, data_dir, log, extra_env=()):
    env = {
        **os.environ,
        "LIVESTALL_DATA_DIR": str(data_dir),
        "LIVESTALL_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "LIVESTALL_ASYNC_MODE": "gevent",
        # a bench signs up its whole crowd from one address (0: no limit)
        "LIVESTALL_SIGNUP_PER_IP": "0",
        "LIVESTALL_SIGNUP_PER_NETWORK": "0",
    }
    env.pop("LIVESTALL_MESSAGE_QUEUE", None)
    env.pop("LIVESTALL_DATABASE_URL", None)
    env.update(kv.split("=", 1) for kv in extra_env)
    return subprocess.Popen(
        [sys.executable, "app.py", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )


def start_bare(port, log):
    return subprocess.Popen(
        [sys.executable, "bench/bare_socketio.py", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )


# --------------------------------------------------------------------------- phases


def wait_idle(
    server_pid, quiet_s=0.5, threshold=0.02, limit_s=60, machine=0.15, quiet_limit_s=10
):
    """Wait until the server is idle (under `threshold` CPU s per `quiet_s`) and,
    for at most `quiet_limit_s`, until the whole machine is under `machine` cores
    busy (other people's test runs on a 2-core box swamp the figures)."""
    start = time.monotonic()
    last, last_all = cpu_seconds(server_pid), machine_busy_seconds()
    while time.monotonic() - start < limit_s:
        time.sleep(quiet_s)
        now, now_all = cpu_seconds(server_pid), machine_busy_seconds()
        server_quiet = now - last < threshold
        machine_quiet = now_all - last_all < machine * quiet_s
        waited = time.monotonic() - start
        if server_quiet and (machine_quiet or waited > quiet_limit_s):
            return
        last, last_all = now, now_all


def wait_drained(clients, phase, expected, limit_s=120):
    """Poll delivery counts until `expected` arrived or nothing arrived for 3 s."""
    got, stalled_since = -1, time.monotonic()
    end = time.monotonic() + limit_s
    while time.monotonic() < end:
        total = sum(c.get(phase, 0) for c in clients.call(lambda i: ("counts",)))
        if total >= expected:
            return total
        if total != got:
            got, stalled_since = total, time.monotonic()
        elif time.monotonic() - stalled_since > 3:
            return total
        time.sleep(0.1)
    return got


def machine_busy_seconds():
    """CPU seconds all cores spent busy (not idle or iowait), from /proc/stat."""
    with open("/proc/stat") as fh:
        fields = [int(x) for x in fh.readline().split()[1:9]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields
    return (user + nice + system + irq + softirq + steal) / CLK_TCK


def run_phase(
    clients, server_pid, phase, kind, amount, duration, receivers, quiet_limit_s
):
    n_senders = sum(s for _, _, s in clients.workers)
    n_workers = len(clients.workers)
    wait_idle(server_pid, quiet_limit_s=quiet_limit_s)
    cpu0, ccpu0, all0 = cpu_seconds(server_pid), clients.cpu(), machine_busy_seconds()
    start_ns = time.monotonic_ns() + 200_000_000
    t0 = time.perf_counter()
    if kind == "rate":
        acks = clients.call(
            lambda i: (
                "rate",
                phase,
                amount,
                round(amount * duration),
                i,
                n_workers,
                start_ns,
            )
        )
    else:
        acks = clients.call(
            lambda i: (
                "burst",
                phase,
                sum(1 for k in range(amount) if k % n_senders % n_workers == i),
                start_ns,
            )
        )
    ok = sum(a["ok"] for a in acks)
    wait_drained(clients, phase, ok * receivers)
    wall = time.perf_counter() - t0
    cpu1, ccpu1, all1 = cpu_seconds(server_pid), clients.cpu(), machine_busy_seconds()
    errors = {}
    for a in acks:
        for k, v in a["errors"].items():
            errors[k] = errors.get(k, 0) + v
    server_cpu = cpu1 - cpu0
    client_cpu = [b - a for a, b in zip(ccpu0, ccpu1, strict=True)]
    return {
        "phases": [phase],
        "sent": sum(a["sent"] for a in acks),
        "ok": ok,
        "errors": errors,
        "ack_ms": [x for a in acks for x in a["ack_ms"]],
        "expected": ok * receivers,
        "server_cpu": server_cpu,
        "client_cpu": client_cpu,
        "others_cpu": max(0.0, all1 - all0 - server_cpu - sum(client_cpu)),
        "wall": wall,
        "start_ns": start_ns,
    }


def combine(rounds):
    """Pool the rounds of one kind of phase into one row."""
    out = dict(rounds[0])
    for r in rounds[1:]:
        out["phases"] = out["phases"] + r["phases"]
        for key in ("sent", "ok", "expected", "server_cpu", "others_cpu", "wall"):
            out[key] += r[key]
        out["ack_ms"] = out["ack_ms"] + r["ack_ms"]
        pairs = zip(out["client_cpu"], r["client_cpu"], strict=True)
        out["client_cpu"] = [a + b for a, b in pairs]
        out["errors"] = dict(out["errors"])
        for k, v in r["errors"].items():
            out["errors"][k] = out["errors"].get(k, 0) + v
    out["rounds"] = rounds
    return out


def summarise(res, reports):
    lat, span_s, busy = [], 0.0, 0.0
    for r in res.get("rounds", [res]):
        phase = r["phases"][0]
        lat += [x for rep in reports for x in rep["latencies"].get(phase, [])]
        lasts = [
            rep["first_last"][phase][1] for rep in reports if phase in rep["first_last"]
        ]
        last = max(lasts, default=r["start_ns"])
        span_s += max(1e-9, (last - r["start_ns"]) / 1e9)
        busy = max([busy] + [rep["busy"].get(phase, 0) for rep in reports])
    lat.sort()
    ack = sorted(res["ack_ms"])
    res.update(
        deliveries=len(lat),
        per_s=len(lat) / span_s,
        span_s=span_s,
        p50=percentile(lat, 0.5),
        p99=percentile(lat, 0.99),
        ack_p50=percentile(ack, 0.5),
        ack_p99=percentile(ack, 0.99),
        cpu_per_1000=res["server_cpu"] / max(1, len(lat)) * 1000,
        client_busy=busy,
        client_us=sum(res["client_cpu"]) / max(1, len(lat)) * 1e6,
        others_cores=res["others_cpu"] / res["wall"],
    )
    res.pop("rounds", None)
    res.pop("ack_ms")


class Target:
    """One server under test, its room and its client processes."""

    def __init__(self, name, proc, port, session_id, tokens, args):
        self.name, self.proc, self.tokens = name, proc, tokens
        cfg = {
            "host": "127.0.0.1",
            "port": port,
            "session_id": session_id,
            "viewers": args.viewers,
            "connect_concurrency": args.connect_concurrency,
        }
        self.clients = Clients(cfg, args.client_procs, tokens)
        self.out = {"name": name}
        self.receivers = 0
        self.bursts = []
        self.last_phase_end = 0.0

    def setup(self):
        ccpu0, cpu0 = self.clients.cpu(), cpu_seconds(self.proc.pid)
        setups = self.clients.call(lambda i: ("setup",))
        self.out["setup"] = {
            "connected": sum(s["connected"] for s in setups),
            "n_failures": sum(s["n_failures"] for s in setups),
            "failures": [f for s in setups for f in s["failures"]][:5],
            "setup_s": max(s["setup_s"] for s in setups),
            "join_p50": max(s["join_p50"] for s in setups),
            "join_p99": max(s["join_p99"] for s in setups),
            "server_cpu": cpu_seconds(self.proc.pid) - cpu0,
            "client_cpu": sum(self.clients.cpu()) - sum(ccpu0),
        }
        self.receivers = self.out["setup"]["connected"]

    def rate(self, args):
        self.out["rate"] = run_phase(
            self.clients, self.proc.pid, 1, "rate", args.rate, args.duration,
            self.receivers, args.quiet_wait,
        )  # fmt: skip
        self.last_phase_end = time.monotonic()

    def burst(self, args, i):
        # Let every sender's token bucket hold its share of the burst again.
        per_sender = math.ceil(args.burst / len(self.tokens))
        refill = min(10.0, BUCKET_REFILL_S * per_sender + 0.5)
        time.sleep(max(0.0, self.last_phase_end + refill - time.monotonic()))
        self.bursts.append(
            run_phase(
                self.clients,
                self.proc.pid,
                2 + i,
                "burst",
                args.burst,
                0,
                self.receivers,
                args.quiet_wait,
            )  # fmt: skip
        )
        self.last_phase_end = time.monotonic()

    def finish(self):
        try:
            reports = self.clients.call(lambda i: ("report",))
        finally:
            self.clients.close()
        out = self.out
        out["burst"] = combine(self.bursts)
        summarise(out["rate"], reports)
        summarise(out["burst"], reports)
        other = {}
        for r in reports:
            for k, v in r["other"].items():
                other[k] = other.get(k, 0) + v
        out["other_events"] = {k: v for k, v in other.items() if v}
        out["disconnects"] = sum(r["disconnects"] for r in reports)
        out["ns_disconnects"] = sum(r["ns_disconnects"] for r in reports)
        out["client_errors"] = [e for r in reports for e in r["errors"]][:5]
        return out


def bench(args, servers, n_senders):
    """Set up every room, then alternate the servers phase by phase, so that load
    from outside the benchmark falls on both alike."""
    targets = []
    try:
        for name, proc, port in servers:
            wait_healthy(proc, port)
            if name == "bare":
                session_id, tokens = 1, [f"bare-token-{i}" for i in range(n_senders)]
            else:
                session_id, tokens = setup_livestall(port, n_senders)
            targets.append(Target(name, proc, port, session_id, tokens, args))
        for t in targets:
            wait_idle(t.proc.pid, quiet_limit_s=args.quiet_wait)
            t.setup()
        for t in targets:
            t.rate(args)
        for i in range(args.burst_rounds):
            for t in targets:
                t.burst(args, i)
        return [t.finish() for t in targets]
    finally:
        for t in targets:
            if any(p.is_alive() for p, _, _ in t.clients.workers):
                for p, _, _ in t.clients.workers:
                    p.kill()


# --------------------------------------------------------------------------- report


def print_results(results, args, n_senders):
    print(
        f"chat fan-out: {args.viewers} viewers + {n_senders} senders in one room, "
        f"fixed rate {args.rate:g} msg/s for {args.duration:g} s, "
        f"{args.burst_rounds} bursts of {args.burst} msgs (pooled); gevent servers; "
        f"{args.client_procs} client process(es) on {os.cpu_count()} cores"
        + (f"; Livestall env {' '.join(args.env)}" if args.env else "")
    )
    for r in results:
        s = r["setup"]
        print(
            f"  {r['name']}: {s['connected']} sockets joined in {s['setup_s']:.1f} s "
            f"(join ack p50 {s['join_p50']:.1f} ms, p99 {s['join_p99']:.1f} ms, "
            f"server CPU {s['server_cpu']:.2f} s), failures {s['n_failures']}"
            + (f" {s['failures']}" if s["failures"] else "")
        )
    head = (
        f"{'server':<10}{'phase':<7}{'sent':>6}{'ok':>6}{'deliveries':>11}"
        f"{'missing':>8}{'deliv/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'ack p99':>9}"
        f"{'srv CPU s/1k':>13}{'ms/msg':>8}{'client busy':>12}{'client us/d':>12}"
        f"{'others':>7}"
    )
    print(head)
    for r in results:
        for phase in ("rate", "burst"):
            x = r[phase]
            print(
                f"{r['name']:<10}{phase:<7}{x['sent']:>6}{x['ok']:>6}"
                f"{x['deliveries']:>11}{x['expected'] - x['deliveries']:>8}"
                f"{x['per_s']:>9.0f}{x['p50']:>9.1f}{x['p99']:>9.1f}"
                f"{x['ack_p99']:>9.1f}{x['cpu_per_1000']:>13.3f}"
                f"{x['server_cpu'] / max(1, x['ok']) * 1000:>8.2f}"
                f"{x['client_busy'] * 100:>11.0f}%{x['client_us']:>12.1f}"
                f"{x['others_cores']:>7.2f}"
            )
    if len(results) == 2:
        bare, live = results
        print("livestall / bare:")
        for phase in ("rate", "burst"):
            b, lv = bare[phase], live[phase]
            print(
                f"  {phase:<6} deliveries/s {lv['per_s'] / b['per_s']:.2f}x, "
                f"p50 {lv['p50'] / b['p50']:.1f}x, p99 {lv['p99'] / b['p99']:.1f}x, "
                f"CPU per delivery {lv['cpu_per_1000'] / b['cpu_per_1000']:.2f}x"
            )
    print(
        "  (deliveries = chat events received by the room's sockets; latency = send\n"
        "   to receive; srv CPU s/1k = server CPU s per 1000 deliveries; ms/msg =\n"
        "   server CPU ms per chat message; client busy = the busiest client\n"
        "   process's CPU share while deliveries arrived; client us/d = client CPU\n"
        "   per delivery; others = cores used by other processes meanwhile)"
    )
    for r in results:
        notes = []
        for phase in ("rate", "burst"):
            x = r[phase]
            if x["others_cores"] > 0.2:
                notes.append(
                    f"{phase}: other processes used {x['others_cores']:.2f} cores "
                    "meanwhile (figures noisy)"
                )
            if x["errors"]:
                notes.append(f"{phase} ack errors {x['errors']}")
            if x["client_busy"] > 0.85:
                notes.append(
                    f"{phase}: a client process was {x['client_busy']:.0%} busy "
                    "(saturated: latency includes client queueing; "
                    "try --client-procs 2)"
                )
        if r["disconnects"] or r["ns_disconnects"]:
            notes.append(
                f"disconnects {r['disconnects']}, namespace disconnects "
                f"{r['ns_disconnects']}"
            )
        if r["client_errors"]:
            notes.append(f"client errors {r['client_errors']}")
        notes.append(f"other events received {r['other_events']}")
        rl = sum(r[p]["errors"].get("rate_limited", 0) for p in ("rate", "burst"))
        notes.append(f"rate_limited acks {rl}")
        print(f"  {r['name']}: " + "; ".join(notes))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--viewers", type=int, default=500)
    parser.add_argument("--senders", type=int, default=20)
    parser.add_argument("--rate", type=float, default=10, help="messages/s in total")
    parser.add_argument("--burst", type=int, default=80, help="messages at once")
    parser.add_argument("--duration", type=float, default=20, help="fixed-rate s")
    parser.add_argument("--burst-rounds", type=int, default=3, help="bursts, pooled")
    parser.add_argument("--client-procs", type=int, default=1)
    parser.add_argument("--connect-concurrency", type=int, default=50)
    parser.add_argument("--port", type=int, default=5096)
    parser.add_argument("--bare-port", type=int, default=5097)
    parser.add_argument("--bare-only", action="store_true")
    parser.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="extra environment for the Livestall server, e.g. "
        "LIVESTALL_SQLITE_SYNCHRONOUS=NORMAL (repeatable)",
    )
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=10,
        help="before each phase, wait at most this many s for the machine to idle",
    )
    parser.add_argument("--quick", action="store_true", help="50 viewers, short run")
    args = parser.parse_args()
    if args.quick:
        args.viewers, args.senders, args.rate = 50, 10, 5
        args.burst, args.duration, args.burst_rounds = 20, 5, 2
        args.quiet_wait = min(args.quiet_wait, 2)
    n_senders = max(
        args.senders,
        math.ceil(args.rate * BUCKET_REFILL_S),
        math.ceil(args.burst / 4),
    )
    if n_senders != args.senders:
        print(f"(senders raised to {n_senders} for Livestall's chat rate limit)")
    with tempfile.TemporaryDirectory() as tmp:
        logs = {name: Path(tmp, f"{name}.log") for name in ("bare", "livestall")}
        servers = []
        try:
            with logs["bare"].open("wb") as log:
                proc = start_bare(args.bare_port, log)
            servers.append(("bare", proc, args.bare_port))
            if not args.bare_only:
                with logs["livestall"].open("wb") as log:
                    proc = start_livestall(args.port, Path(tmp, "data"), log, args.env)
                servers.append(("livestall", proc, args.port))
            results = bench(args, servers, n_senders)
        finally:
            for _, proc, _ in servers:
                proc.terminate()
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        for name, path in logs.items():
            text = path.read_text(errors="replace") if path.exists() else ""
            if "Traceback" in text or "Error" in text:
                lines = [ln for ln in text.splitlines() if ln.strip()]
                print(
                    f"{name} server stderr: {text.count('Traceback')} tracebacks; "
                    "last lines:\n  " + "\n  ".join(lines[-8:])
                )
    print_results(results, args, n_senders)


if __name__ == "__main__":
    main()
