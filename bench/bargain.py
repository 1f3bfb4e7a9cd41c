"""Bargaining under contention: H friends help one record of N cuts over HTTP.

Starts `python app.py` (gevent, as users run it) on a temp data dir, makes one
product, a campaign of N helpers and a record started by its owner; then H
helpers help that record at the same moment. Exactly N must win, the price must
land exactly on the floor and the cuts must add up to start - floor. Prints
helps/s and p50/p99 next to plain checkouts of the same product by the same
number of buyers (`POST /api/v1/orders`), measured the same way in the same run.

    .venv/bin/python bench/bargain.py [--helpers 300] [--needed 100]
"""

import argparse
import datetime
import os
import subprocess
import sys
import tempfile

from bench.checkout import ROOT, SHIP, burst, call, summary
from bench.group_buy import _user, _wait

START, FLOOR = 100_000, 1_000


def run(port, helpers, needed):
    shop = _user(port, "benchshop", "merchant")
    product = {"title": "Bench item", "price_cents": START, "category": "kitchen"}
    product["stock"] = 100_000
    pid = call(port, "POST", "/api/v1/products", product, token=shop)[1]["product"]
    ends = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=1)
    body = {
        "product_id": pid["id"],
        "start_price_cents": START,
        "floor_price_cents": FLOOR,
        "helpers_needed": needed,
        "record_window_s": 3600,
        "ends_at": ends.isoformat(),
        "units": 10,
        "per_user_limit": 1,
    }
    bargain = call(port, "POST", "/api/v1/bargains", body, token=shop)[1]["bargain"]
    owner = _user(port, "owner")
    path = f"/api/v1/bargains/{bargain['id']}/records"
    record = call(port, "POST", path, {}, token=owner)[1]["record"]
    tokens = [_user(port, f"friend{i:05d}") for i in range(helpers)]
    plain = summary(
        "POST /api/v1/orders",
        *burst(
            helpers,
            lambda i: call(
                port,
                "POST",
                "/api/v1/orders",
                {
                    "items": [{"product_id": pid["id"], "qty": 1}],
                    "shipping": SHIP,
                    "idempotency_key": f"plain-{i:08d}",
                },
                token=tokens[i],
            )[0],
        ),
    )
    help_path = f"/api/v1/bargain-records/{record['id']}/help"
    elapsed, results = burst(
        helpers, lambda i: call(port, "POST", help_path, {}, token=tokens[i])[0]
    )
    helps = summary("POST /bargain-records/ID/help", elapsed, results)
    statuses = [r[1] for r in results]
    after = call(port, "GET", f"/api/v1/bargain-records/{record['id']}")[1]["record"]
    return plain, helps, statuses, after


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--helpers", type=int, default=300)
    parser.add_argument("--needed", type=int, default=100)
    parser.add_argument("--port", type=int, default=5096)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        env = {
            **os.environ,
            "LIVESTALL_DATA_DIR": data_dir,
            "LIVESTALL_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "LIVESTALL_ORDER_RATE_MAX": "0",
            "LIVESTALL_SIGNUP_PER_IP": "0",
            "LIVESTALL_SIGNUP_PER_NETWORK": "0",
            "LIVESTALL_BARGAIN_HELPS_PER_IP": "0",
        }
        proc = subprocess.Popen(
            [sys.executable, "app.py", "--port", str(args.port)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            _wait(args.port)
            plain, helps, statuses, record = run(args.port, args.helpers, args.needed)
        finally:
            proc.terminate()
            proc.wait(10)
    won = statuses.count(201)
    cuts = [h["cut_cents"] for h in record["helps"]]
    print(
        f"bargaining: {args.helpers} friends help one record of {args.needed} cuts"
        " at once, gevent server, SQLite synchronous=FULL"
    )
    print(f"{'request':<32}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}")
    for row in (plain, helps):
        print(
            f"{row['name']:<32}{row['rate']:>9.0f}{row['p50']:>9.1f}{row['p99']:>9.1f}"
        )
    print(f"helps/s vs plain checkouts/s: {helps['rate'] / plain['rate']:.2f}x")
    print(
        f"helped {won} (must be {args.needed}), refused {statuses.count(409)},"
        f" other {len(statuses) - won - statuses.count(409)};"
        f" record {record['status']}, price {record['price_cents']}"
        f" (floor {record['floor_price_cents']}), cuts {len(cuts)} adding up to"
        f" {sum(cuts)} (must be {START - FLOOR}), smallest {min(cuts or [0])}"
    )


if __name__ == "__main__":
    main()
