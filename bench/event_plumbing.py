"""Server CPU per acknowledged Socket.IO event: Flask-SocketIO's handler against the
plain python-socketio one (issue 24, "event plumbing").

It starts one server process (the app as `python app.py` builds it, gevent, SQLite)
with two extra no-op events on `/live`, answering `{ok: true}`:

- `noop_flask`: registered with `socketio.on_event` (Flask-SocketIO pushes an app
  and a request context per event, sets `request.sid`, ...);
- `noop_plain`: registered with `socketio.server.on` (python-socketio calls the
  handler with the sid; no Flask context);

and the app's own `clock` (the cheapest event of `blueprints/live/events.py`, through
its `event()` plumbing). N sockets send each event in a loop (each waits for its
ack) in alternating rounds; the server's CPU (user + sys from /proc/PID/stat)
across a round over the events acked is the CPU per event.

    .venv/bin/python -m bench.event_plumbing [--sockets 50] [--events 20000]
        [--rounds 3]
"""

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import cpu_seconds, wait_ready  # noqa: E402

NAMES = ("noop_flask", "noop_plain", "clock")


def serve(port):  # pragma: no cover - runs in the server process
    from gevent import monkey

    monkey.patch_all()
    os.environ["LIVESTALL_ASYNC_MODE"] = "gevent"
    sys.path.insert(0, str(ROOT))
    import app as livestall
    from extensions import socketio

    application = livestall.create_app()

    def noop_flask(data=None):
        return {"ok": True}

    def noop_plain(sid, data=None):
        return {"ok": True}

    socketio.on_event("noop_flask", noop_flask, namespace="/live")
    socketio.server.on("noop_plain", noop_plain, namespace="/live")
    livestall.serve_gevent(application, "127.0.0.1", port)


def start(port, data_dir):
    env = {
        **os.environ,
        "LIVESTALL_ENV": "production",
        "LIVESTALL_SECRET_KEY": "bench",
        "LIVESTALL_DATA_DIR": str(data_dir),
    }
    for key in ("LIVESTALL_MESSAGE_QUEUE", "LIVESTALL_DATABASE_URL"):
        env.pop(key, None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.event_plumbing", "--serve", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(Path(data_dir) / "server.log", "wb"),  # noqa: SIM115
    )
    return wait_ready(proc, port, f"{data_dir}/server.log")


async def _round(clients, name, total):
    per = max(1, total // len(clients))

    async def loop(client):
        for _ in range(per):
            _, ack = await client.emit(name, {})
            if not ack.get("ok"):
                raise RuntimeError(f"{name}: {ack}")

    await asyncio.gather(*(loop(c) for c in clients))
    return per * len(clients)


async def measure_async(port, pid, sockets, events, rounds):
    sys.path.insert(0, str(ROOT))
    from bench.sioclient import connect

    clients = [await connect("127.0.0.1", port) for _ in range(sockets)]
    for name in NAMES:  # warm up
        await _round(clients, name, sockets * 20)
    out = {name: [] for name in NAMES}
    for _ in range(rounds):
        for name in NAMES:
            cpu0, t0 = cpu_seconds(pid), time.perf_counter()
            n = await _round(clients, name, events)
            cpu1, t1 = cpu_seconds(pid), time.perf_counter()
            out[name].append({"us": (cpu1 - cpu0) / n * 1e6, "per_s": n / (t1 - t0)})
    for c in clients:
        c.close()
    return out


def measure(sockets=50, events=20000, rounds=3, port=5196):
    """{name: {us: median server CPU µs per event, us_range: (lo, hi), per_s}} and
    `plain/flask`, the ratio of the medians."""
    with tempfile.TemporaryDirectory(prefix="livestall-plumbing-") as tmp:
        proc = start(port, tmp)
        try:
            raw = asyncio.run(measure_async(port, proc.pid, sockets, events, rounds))
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
    out = {}
    for name, runs in raw.items():
        us = [r["us"] for r in runs]
        out[name] = {
            "us": statistics.median(us),
            "us_range": (min(us), max(us)),
            "per_s": statistics.median(r["per_s"] for r in runs),
        }
    out["plain/flask"] = out["noop_plain"]["us"] / out["noop_flask"]["us"]
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--sockets", type=int, default=50)
    parser.add_argument("--events", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--port", type=int, default=5196)
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.serve)
        return
    res = measure(args.sockets, args.events, args.rounds, args.port)
    print("| event | server CPU per event | range | acks/s |")
    print("| --- | ---: | ---: | ---: |")
    for name in NAMES:
        r = res[name]
        lo, hi = r["us_range"]
        print(
            f"| {name} | {r['us']:.0f} µs | {lo:.0f}-{hi:.0f} µs | {r['per_s']:,.0f} |"
        )
    print(f"plain/flask: {res['plain/flask']:.2f}")


if __name__ == "__main__":
    main()
