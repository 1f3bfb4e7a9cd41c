"""Page throughput: feed, shop, post, creator and live pages against /healthz.

Starts `python app.py` (gevent, as users run it) on a seeded temp data dir, drives it
with C keep-alive client threads for N requests per route, and prints requests/s,
p50/p99 latency and the ratio to the /healthz baseline.

    .venv/bin/python bench/pages.py [--requests 2000] [--clients 8] [--products 160]

Each page is driven twice: by anonymous visitors (the page cache serves them) and
by a signed-in demo shopper (each client signed in through the form, its session
cookie on every request).
"""

import argparse
import http.client
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import wait_ready  # noqa: E402


def start_server(data_dir, port):
    env = {**os.environ, "LIVESTALL_DATA_DIR": data_dir, "LIVESTALL_ENV": "development"}
    proc = subprocess.Popen(
        [sys.executable, "app.py", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return wait_ready(proc, port, tries=300)


SHOPPER, DEMO_PASSWORD = "xiaoyu_88", "livestall-demo"  # demo/json/shoppers.json


def sign_in(port):
    """A signed-in session cookie for the demo shopper (the real form, CSRF)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/login")
    resp = conn.getresponse()
    html = resp.read().decode()
    cookie = "; ".join(
        c.split(";", 1)[0] for c in resp.headers.get_all("Set-Cookie") or []
    )
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    body = urllib.parse.urlencode(
        {"csrf_token": token, "login": SHOPPER, "password": DEMO_PASSWORD}
    )
    conn.request(
        "POST",
        "/login",
        body=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": cookie,
        },
    )
    resp = conn.getresponse()
    resp.read()
    if resp.status != 302:
        raise SystemExit(f"sign-in failed: HTTP {resp.status}")
    session = [
        c.split(";", 1)[0]
        for c in resp.headers.get_all("Set-Cookie") or []
        if c.startswith("livestall_session=")
    ]
    return session[0]


def drive(port, path, total, clients, cookies=None):
    latencies, lock = [], threading.Lock()
    per_client = total // clients

    def worker(n):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Cookie": cookies[n]} if cookies else {}
        mine = []
        for _ in range(per_client):
            t0 = time.perf_counter()
            conn.request("GET", path, headers=headers)
            resp = conn.getresponse()
            resp.read()
            if resp.status != 200:
                raise SystemExit(f"{path}: HTTP {resp.status}")
            mine.append(time.perf_counter() - t0)
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
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
            signed_routes = ["/healthz", *ISSUE_24_PAGES]
            cookies = [sign_in(args.port) for _ in range(args.clients)]
            for path in routes:  # warm up
                drive(args.port, path, args.clients * 5, args.clients)
            results = {
                p: drive(args.port, p, args.requests, args.clients) for p in routes
            }
            signed = {
                p: drive(args.port, p, args.requests, args.clients, cookies)
                for p in signed_routes
            }
        finally:
            proc.terminate()
            proc.wait(10)
    report(args, "anonymous", results)
    report(args, f"signed in ({SHOPPER})", signed)


ISSUE_24_PAGES = ["/", "/shop", "/c/kitchen", "/products/1", "/posts/1", "/u/lily_eats"]


def report(args, who, results):
    base = results["/healthz"]["rps"]
    print(
        f"pages, {who}: {args.requests} requests/route, {args.clients} keep-alive "
        f"clients, gevent server, {args.products} products"
    )
    print(f"{'route':<14}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'vs /healthz':>14}")
    for path, r in results.items():
        print(
            f"{path:<14}{r['rps']:>10.0f}{r['p50']:>10.2f}{r['p99']:>10.2f}"
            f"{r['rps'] / base:>13.2f}x"
        )


if __name__ == "__main__":
    main()
