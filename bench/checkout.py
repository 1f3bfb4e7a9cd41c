"""Checkout under contention: C buyers race for the last U units over HTTP.

Starts `python app.py` (gevent, as users run it) on a temp data dir, makes one
product with U units and C buyers, then every buyer submits one order for one unit
at the same moment. Prints orders/s, p50/p99 latency, outcomes and oversell (must be
0), next to /healthz throughput measured the same way in the same run.

    .venv/bin/python bench/checkout.py [--buyers 400] [--units 100]
"""

import argparse
import http.client
import json
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
SHIP = {"name": "Bench Buyer", "address": "1 Benchmark Road", "phone": "13800000000"}


def call(port, method, path, body=None, token=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    conn.request(
        method,
        path,
        body=json.dumps(body) if body is not None else None,
        headers=headers,
    )
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    return resp.status, json.loads(data) if data else None


def burst(n, fn):
    barrier, results = threading.Barrier(n), [None] * n

    def run(i):
        barrier.wait()
        t0 = time.perf_counter()
        out = fn(i)
        results[i] = (time.perf_counter() - t0, out)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - t0, results


def summary(name, elapsed, results):
    lat = sorted(r[0] for r in results)
    return {
        "name": name,
        "rate": len(results) / elapsed,
        "p50": statistics.median(lat) * 1000,
        "p99": lat[max(0, int(len(lat) * 0.99) - 1)] * 1000,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--buyers", type=int, default=400)
    parser.add_argument("--units", type=int, default=100)
    parser.add_argument("--port", type=int, default=5098)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        env = {
            **os.environ,
            "LIVESTALL_DATA_DIR": data_dir,
            "LIVESTALL_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        }
        proc = subprocess.Popen(
            [sys.executable, "app.py", "--port", str(args.port)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            for _ in range(300):
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{args.port}/healthz")
                    break
                except OSError:
                    time.sleep(0.1)
            port = args.port
            _, m = call(
                port,
                "POST",
                "/api/v1/users",
                {
                    "username": "benchshop",
                    "email": "b@example.com",
                    "password": "bench password 1",
                    "role": "merchant",
                },
            )
            _, p = call(
                port,
                "POST",
                "/api/v1/products",
                {
                    "title": "Bench item",
                    "price_cents": 100,
                    "category": "kitchen",
                    "stock": args.units,
                },
                token=m["token"],
            )
            pid = p["product"]["id"]
            tokens = []
            for i in range(args.buyers):
                _, u = call(
                    port,
                    "POST",
                    "/api/v1/users",
                    {
                        "username": f"buyer{i:05d}",
                        "email": f"b{i}@example.com",
                        "password": "bench password 1",
                    },
                )
                tokens.append(u["token"])
            base = summary(
                "GET /healthz",
                *burst(args.buyers, lambda i: call(port, "GET", "/healthz")[0]),
            )
            elapsed, results = burst(
                args.buyers,
                lambda i: call(
                    port,
                    "POST",
                    "/api/v1/orders",
                    {
                        "items": [{"product_id": pid, "qty": 1}],
                        "shipping": SHIP,
                        "idempotency_key": f"bench-{i:08d}",
                    },
                    token=tokens[i],
                )[0],
            )
            got = summary("POST /api/v1/orders", elapsed, results)
            statuses = [r[1] for r in results]
            _, after = call(port, "GET", f"/api/v1/products/{pid}")
        finally:
            proc.terminate()
            proc.wait(10)
    won, sold_out = statuses.count(201), statuses.count(409)
    oversell = max(0, won - args.units) + (1 if after["product"]["stock"] < 0 else 0)
    print(
        f"checkout: {args.buyers} buyers at once for {args.units} units, "
        "gevent server, SQLite synchronous=FULL"
    )
    print(f"{'request':<22}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}")
    for row in (base, got):
        print(
            f"{row['name']:<22}{row['rate']:>9.0f}{row['p50']:>9.1f}{row['p99']:>9.1f}"
        )
    print(f"orders/s vs /healthz req/s: {got['rate'] / base['rate']:.2f}x")
    print(
        f"orders {won}, sold out {sold_out}, other {len(statuses) - won - sold_out},"
        f" stock left {after['product']['stock']}, oversell {oversell}"
    )


if __name__ == "__main__":
    main()
