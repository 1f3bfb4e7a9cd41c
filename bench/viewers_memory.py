"""Memory per viewer: one server process, N anonymous viewers joined in one live room.

Starts `python app.py` (gevent, as users run it) on a fresh temp data dir with one
creator and one live session on air (made through the API), warms it up (pages and
a few sockets that join and leave), reads its RSS (VmRSS in /proc/PID/status),
then connects N anonymous viewers over WebSocket, each `join`ing the room, waits
for every join's ack, lets the server settle and reads its RSS again.

The viewers are bench/sioclient.py's thin asyncio clients (Engine.IO 4 / Socket.IO 5
over a hand-written WebSocket) spread over a few client processes (--client-procs),
each connecting at most --concurrency sockets at a time (connect, namespace, join:
the next starts when one is acked), so the server's accept queue never holds more
than procs x concurrency handshakes.

    .venv/bin/python bench/viewers_memory.py [--viewers 10000] [--quick]

`measure(viewers)` returns {"viewers", "rss_empty_mb", "rss_mb", "kb_per_viewer"}
(bench/run.py).
"""

import argparse
import asyncio
import multiprocessing
import os
import resource
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import wait_ready  # noqa: E402
from bench.sioclient import SocketClient  # noqa: E402

PASSWORD = "memory-bench-2026"  # noqa: S105 - a bench account on a temp site
PORT = 5131


def rss_mb(pid):
    """Resident set size of a process in MB (VmRSS, /proc/PID/status)."""
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def raise_fd_limit():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


# --- the server -----------------------------------------------------------------------


def start_server(data_dir, port, log, extra_env=None):
    env = {
        **os.environ,
        "LIVESTALL_DATA_DIR": str(data_dir),
        "LIVESTALL_MEDIA_DIR": f"{data_dir}/media",
        "LIVESTALL_ENV": "production",
        "LIVESTALL_SECURE_COOKIES": "0",
        "LIVESTALL_SECRET_KEY": "bench",
        "LIVESTALL_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "LIVESTALL_ASYNC_MODE": "gevent",
        **(extra_env or {}),
    }
    env.pop("LIVESTALL_MESSAGE_QUEUE", None)
    env.pop("LIVESTALL_DATABASE_URL", None)
    proc = subprocess.Popen(
        [sys.executable, "app.py", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        preexec_fn=raise_fd_limit,
    )
    return wait_ready(proc, port)


def seed(port):
    """A creator and one live session on air: its id."""
    from bench.chat_fanout import setup_livestall

    session_id, _tokens = setup_livestall(port, senders=0)
    return session_id


# --- the viewers ----------------------------------------------------------------------


class Viewer(SocketClient):
    """A viewer that ignores the room's broadcasts (viewer counts) undecoded."""

    def event_received(self, raw, now):
        pass


async def open_viewers(port, session_id, n, concurrency, timeout=120):
    """Connect n viewers, `concurrency` handshakes at a time, each joining the
    room; returns (clients, failures)."""
    loop = asyncio.get_running_loop()
    sem = asyncio.Semaphore(concurrency)
    failures, retries = [], []

    async def one():
        async with sem:
            for attempt in range(3):
                client = None
                try:
                    _, client = await loop.create_connection(
                        lambda: Viewer("127.0.0.1", port, "/live"), "127.0.0.1", port
                    )
                    await asyncio.wait_for(client.connected, timeout)
                    _, ack = await asyncio.wait_for(
                        client.emit("join", {"session_id": session_id}), timeout
                    )
                    if not ack.get("ok"):
                        failures.append(f"join: {ack}")
                        client.close()
                        return None
                    return client
                except (TimeoutError, OSError) as exc:
                    if client is not None:
                        client.close()
                    retries.append(f"{type(exc).__name__}: {exc}")
                    if attempt == 2:
                        failures.append(retries[-1])
                    await asyncio.sleep(0.5)
            return None

    clients = await asyncio.gather(*(one() for _ in range(n)))
    return [c for c in clients if c], failures, retries


def client_main(conn, port, session_id, n, concurrency):
    """A client process: opens its viewers, reports, holds them until told."""
    raise_fd_limit()

    async def run():
        loop = asyncio.get_running_loop()
        t0 = time.perf_counter()
        clients, failures, retries = await open_viewers(
            port, session_id, n, concurrency
        )
        conn.send(
            {
                "joined": len(clients),
                "failures": len(failures),
                "retries": len(retries),
                "errors": sorted(set(retries))[:5],
                "seconds": time.perf_counter() - t0,
            }
        )
        await loop.run_in_executor(None, conn.recv)  # "close"
        alive = sum(1 for c in clients if not c.closed)
        for c in clients:
            c.close()
        await asyncio.sleep(0.2)
        conn.send(alive)

    asyncio.run(run())


class Crowd:
    """N viewers over `procs` client processes (forked), held until close()."""

    def __init__(self, port, session_id, n, procs, concurrency):
        ctx = multiprocessing.get_context("fork")
        self.workers = []
        for i in range(procs):
            share = (i + 1) * n // procs - i * n // procs
            parent, child = ctx.Pipe()
            proc = ctx.Process(
                target=client_main,
                args=(child, port, session_id, share, concurrency),
                daemon=True,
            )
            proc.start()
            self.workers.append((proc, parent))

    def _answers(self, limit_s=900):
        out = []
        deadline = time.monotonic() + limit_s
        for proc, pipe in self.workers:
            while not pipe.poll(1):
                if not proc.is_alive():
                    raise SystemExit(f"client process {proc.pid} died")
                if time.monotonic() > deadline:
                    raise SystemExit("viewers did not connect in time")
            out.append(pipe.recv())
        return out

    def joined(self):
        reports = self._answers()
        return {
            "joined": sum(r["joined"] for r in reports),
            "failures": sum(r["failures"] for r in reports),
            "retries": sum(r["retries"] for r in reports),
            "errors": sorted({e for r in reports for e in r["errors"]})[:5],
            "seconds": max(r["seconds"] for r in reports),
        }

    def close(self):
        """Close every viewer; returns how many were still connected."""
        for _, pipe in self.workers:
            pipe.send("close")
        alive = sum(self._answers(120))
        for proc, _ in self.workers:
            proc.join(5)
            if proc.is_alive():
                proc.kill()
        return alive


def warm_up(port, session_id):
    """Pages and a few sockets that join and leave: what every server has touched
    after its first minutes, so the empty RSS is not a cold one."""
    for path in ("/healthz", "/", f"/live/{session_id}", "/shop"):
        for _ in range(5):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30)
            except OSError:
                pass
    crowd = Crowd(port, session_id, 50, procs=1, concurrency=10)
    crowd.joined()
    crowd.close()


def settle(pid, seconds=3.0):
    """Wait while the server is busy (viewer broadcasts, closes), then a bit."""
    time.sleep(seconds)
    return rss_mb(pid)


def measure(viewers, procs=None, concurrency=50, port=PORT, extra_env=None, out=None):
    """One server, `viewers` anonymous sockets joined in one room: RSS empty and
    full in MB, and KB per viewer."""
    procs = procs or max(1, min(4, viewers // 2000 + 1))
    raise_fd_limit()
    with tempfile.TemporaryDirectory(prefix="livestall-mem-") as tmp:
        log = open(Path(tmp) / "server.log", "wb")  # noqa: SIM115
        proc = start_server(Path(tmp) / "data", port, log, extra_env)
        try:
            session_id = seed(port)
            warm_up(port, session_id)
            empty = settle(proc.pid)
            crowd = Crowd(port, session_id, viewers, procs, concurrency)
            joined = crowd.joined()
            full = settle(proc.pid, 5.0)
            if out is not None:
                out(joined)
            alive = crowd.close()
        finally:
            proc.terminate()
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
            log.close()
            if proc.returncode not in (0, -15):
                sys.stderr.write((Path(tmp) / "server.log").read_text()[-3000:])
    if joined["joined"] != viewers or alive != viewers:
        raise SystemExit(
            f"{joined['joined']}/{viewers} joined, {alive} still connected at the "
            f"end; {joined['failures']} failed: {joined['errors']}"
        )
    return {
        "viewers": viewers,
        "rss_empty_mb": round(empty, 1),
        "rss_mb": round(full, 1),
        "kb_per_viewer": round((full - empty) * 1024 / viewers, 1),
        "join_s": round(joined["seconds"], 1),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--viewers", type=int, default=10000)
    parser.add_argument("--quick", action="store_true", help="1,000 viewers")
    parser.add_argument("--client-procs", type=int, default=None)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--port", type=int, default=PORT)
    parser.add_argument(
        "--env", action="append", default=[], help="KEY=VALUE for the server"
    )
    args = parser.parse_args()
    viewers = 1000 if args.quick else args.viewers
    r = measure(
        viewers,
        procs=args.client_procs,
        concurrency=args.concurrency,
        port=args.port,
        extra_env=dict(kv.split("=", 1) for kv in args.env),
        out=lambda j: print(
            f"joined {j['joined']} in {j['seconds']:.1f} s "
            f"({j['retries']} retried, {j['failures']} failed {j['errors']})",
            flush=True,
        ),
    )
    print(f"{'viewers':>8}{'RSS empty MB':>14}{'RSS full MB':>13}{'KB/viewer':>11}")
    print(
        f"{r['viewers']:>8}{r['rss_empty_mb']:>14.1f}{r['rss_mb']:>13.1f}"
        f"{r['kb_per_viewer']:>11.1f}"
    )


if __name__ == "__main__":
    main()
