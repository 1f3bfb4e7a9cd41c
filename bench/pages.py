"""Page throughput: feed, shop, post, creator and live pages against /healthz.

Starts `python app.py` (gevent, as users run it) on a seeded temp data dir, drives it
with C keep-alive client threads for N requests per route, and prints requests/s,
p50/p99 latency and the ratio to the /healthz baseline.

    .venv/bin/python bench/pages.py [--requests 2000] [--clients 8] [--products 160]
"""

import argparse
import http.client
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def start_server(data_dir, port):
    env = {**os.environ, "LIVESTALL_DATA_DIR": data_dir, "LIVESTALL_ENV": "development"}
    proc = subprocess.Popen(
        [sys.executable, "app.py", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(300):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("server did not start")


def drive(port, path, total, clients):
    latencies, lock = [], threading.Lock()
    per_client = total // clients

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        for _ in range(per_client):
            t0 = time.perf_counter()
            conn.request("GET", path)
            resp = conn.getresponse()
            resp.read()
            if resp.status != 200:
                raise SystemExit(f"{path}: HTTP {resp.status}")
            mine.append(time.perf_counter() - t0)
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    latencies.sort()
    return {
        "rps": len(latencies) / elapsed,
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[int(len(latencies) * 0.99) - 1] * 1000,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--products", type=int, default=160)
    parser.add_argument("--port", type=int, default=5099)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        env = {
            **os.environ,
            "LIVESTALL_DATA_DIR": data_dir,
            "LIVESTALL_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        }
        subprocess.run(
            [
                sys.executable,
                "-m",
                "flask",
                "--app",
                "app",
                "seed-demo",
                "--products",
                str(args.products),
            ],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        proc = start_server(data_dir, args.port)
        try:
            routes = [
                "/healthz",
                "/",
                "/shop",
                "/c/kitchen",
                "/products/1",
                "/posts/1",
                "/u/lily_eats",
                "/login",
                "/live/1",  # demo/lives.py makes the replay, scheduled, on air
                "/live/3",  # the demo's live on air (issue 16: the phone-first room)
                "/me",
            ]
            for path in routes:  # warm up
                drive(args.port, path, args.clients * 5, args.clients)
            results = {
                p: drive(args.port, p, args.requests, args.clients) for p in routes
            }
        finally:
            proc.terminate()
            proc.wait(10)
    base = results["/healthz"]["rps"]
    print(
        f"pages: {args.requests} requests/route, {args.clients} keep-alive clients, "
        f"gevent server, {args.products} products"
    )
    print(f"{'route':<14}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'vs /healthz':>14}")
    for path, r in results.items():
        print(
            f"{path:<14}{r['rps']:>10.0f}{r['p50']:>10.2f}{r['p99']:>10.2f}"
            f"{r['rps'] / base:>13.2f}x"
        )


if __name__ == "__main__":
    main()
