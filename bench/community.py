"""Community group buying (社区团购) at the cut-off rush, and its batches.

1. Over HTTP: starts `python app.py` (gevent, as users run it) on a temp data
   dir, makes an admin (`flask create-admin`, as an operator would), P approved
   leaders' pickup points, one product and a campaign of it whose cut-off is a
   few minutes away; then B buyers each order it for pickup at the same moment
   (`POST /api/v1/orders` with `community_buy_id`, spread over the points).
   Every order must be placed, each point's 跟团号 must run 1..n without a gap
   or a double and the pickup codes must be unique. Prints orders/s and p50/p99
   next to plain checkouts of the same product by the same buyers, measured
   the same way in the same run (the baseline).
2. In process, on a database of its own: a campaign with O orders for pickup
   over Q points (placed by the rules before its cut-off, which has passed),
   then the merchant's stock-up list and batches (`batches.batches_of`) timed
   against a plain `SELECT COUNT(*)` of the same live orders (median of
   --repeat runs).

    .venv/bin/python -m bench.community            # 60 buyers at 4 points; 500 / 20
    .venv/bin/python -m bench.community --full     # 400 buyers at 10; 2,000 / 20

(each size also has its own flag: --buyers, --points, --orders, --batch-points).
"""

import argparse
import collections
import datetime
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from bench import inprocess
from bench.checkout import ROOT, SHIP, burst, call, summary
from bench.group_buy import _user, _wait

ADMIN = ("benchadmin", "bench password 1")
PRICE, CAMPAIGN_PRICE = 1000, 800
QUICK = {"buyers": 60, "points": 4, "orders": 500, "batch_points": 20}
FULL = {"buyers": 400, "points": 10, "orders": 2000, "batch_points": 20}


def _point(i):
    return {
        "name": f"Bench point {i:03d} 自提点",
        "address": f"{i} Benchmark Road",
        "hours": "08:00-21:00",
        "phone": "0571 8888 0001",
    }


def _admin(data_dir, env):
    """`flask create-admin` against the server's data dir; its bearer token is
    asked of the server afterwards."""
    username, password = ADMIN
    subprocess.run(
        [
            sys.executable,
            "-m",
            "flask",
            "--app",
            "app",
            "create-admin",
            "--username",
            username,
            "--email",
            f"{username}@example.com",
        ],
        input=f"{password}\n{password}\n",
        text=True,
        capture_output=True,
        cwd=ROOT,
        env={**env, "LIVESTALL_DATA_DIR": data_dir},
        check=True,
    )


def _order(port, token, body):
    return call(port, "POST", "/api/v1/orders", body, token=token)


# --- 1. the cut-off rush, over HTTP -----------------------------------------------


def rush(port, data_dir, env, buyers, points):
    shop = _user(port, "benchshop", "merchant")
    product = {"title": "Bench item", "price_cents": PRICE, "category": "fresh"}
    product["stock"] = 1_000_000
    pid = call(port, "POST", "/api/v1/products", product, token=shop)[1]["product"]
    _admin(data_dir, env)
    login = {"login": ADMIN[0], "password": ADMIN[1]}
    admin = call(port, "POST", "/api/v1/tokens", login)[1]["token"]
    leader_ids = []
    for i in range(points):
        token = _user(port, f"leader{i:03d}")
        body = {"pickup_point": _point(i)}
        leader = call(port, "POST", "/api/v1/leaders", body, token=token)[1]["leader"]
        path = f"/api/v1/admin/leaders/{leader['id']}/approve"
        call(port, "POST", path, {}, token=admin)
        leader_ids.append(leader["id"])
    now = datetime.datetime.now(datetime.UTC)
    campaign = {
        "title": "Bench campaign 邻里团",
        "items": [{"product_id": pid["id"], "price_cents": CAMPAIGN_PRICE}],
        "cutoff_at": (now + datetime.timedelta(minutes=10)).isoformat(),
        "pickup_on": (now + datetime.timedelta(days=1)).date().isoformat(),
        "leader_commission_bps": 1000,
    }
    made = call(port, "POST", "/api/v1/community-buys", campaign, token=shop)[1]
    campaign_id = made["community_buy"]["id"]
    tokens = [_user(port, f"buyer{i:05d}") for i in range(buyers)]
    plain = summary(
        "POST /api/v1/orders plain",
        *burst(
            buyers,
            lambda i: _order(
                port,
                tokens[i],
                {
                    "items": [{"product_id": pid["id"], "qty": 1}],
                    "shipping": SHIP,
                    "idempotency_key": f"plain-{i:08d}",
                },
            )[0],
        ),
    )
    elapsed, results = burst(
        buyers,
        lambda i: _order(
            port,
            tokens[i],
            {
                "community_buy_id": campaign_id,
                "leader_id": leader_ids[i % points],
                "items": [{"product_id": pid["id"], "qty": 1}],
                "idempotency_key": f"pickup-{i:08d}",
                "payment_method": "cod",
            },
        ),
    )
    pickup = summary(
        "POST /api/v1/orders pickup",
        elapsed,
        [(latency, out[0]) for latency, out in results],
    )
    placed = [out[1]["order"] for _, out in results if out[0] == 201]
    statuses = [out[0] for _, out in results]
    return plain, pickup, statuses, placed


def check_rush(placed):
    """(每个 point's 跟团号 run 1..n, the codes are unique) from the orders."""
    per_point = collections.defaultdict(list)
    codes = set()
    for order in placed:
        found = order["pickup"]
        per_point[found["leader_id"]].append(found["seq_no"])
        codes.add(found["code"])
    runs = all(sorted(s) == list(range(1, len(s) + 1)) for s in per_point.values())
    return runs, len(codes) == len(placed), len(per_point)


# --- 2. batches, in process -------------------------------------------------------


def batches(data_dir, orders, points, repeat):
    """(median ms of COUNT, of batches_of, batches made, orders counted)."""
    # building only at NORMAL: the reads are timed
    app = inprocess.create(data_dir, SQLITE_SYNCHRONOUS="NORMAL")
    from extensions import db
    from livestall.accounts import rules as accounts
    from livestall.catalog import rules as catalog
    from livestall.community import batches as community_batches
    from livestall.community import campaigns, leaders, ordering
    from livestall.community.models import PickupOrder
    from livestall.db.base import utcnow
    from livestall.orders.models import Order

    with app.app_context(), db.connection_context():
        person = inprocess.person

        admin = person("benchadmin")
        accounts.set_roles(admin, ["admin"])
        shop = person("benchshop", "merchant")
        product = catalog.create_product(
            shop,
            {
                "title": "Bench item",
                "price_cents": PRICE,
                "category": "fresh",
                "stock": 1_000_000,
            },
        )
        now = utcnow()
        opened = now - datetime.timedelta(days=1)
        point_ids = []
        for i in range(points):
            leader, _ = leaders.apply(
                person(f"leader{i:03d}"), {"pickup_point": _point(i)}, now=opened
            )
            point_ids.append(leaders.decide(admin, leader.id, "approve").id)
        campaign = campaigns.create(
            shop,
            {
                "title": "Bench campaign 邻里团",
                "items": [{"product_id": product.id, "price_cents": CAMPAIGN_PRICE}],
                "cutoff_at": now - datetime.timedelta(hours=1),
                "pickup_on": now.date().isoformat(),
                "leader_commission_bps": 1000,
            },
            now=opened,
        )
        buyers = [person(f"buyer{i:05d}") for i in range(min(orders, 200))]
        before = now - datetime.timedelta(hours=2)
        for n in range(orders):
            ordering.place(
                buyers[n % len(buyers)],
                {
                    "community_buy_id": campaign.id,
                    "leader_id": point_ids[n % points],
                    "items": [{"product_id": product.id, "qty": 1 + n % 3}],
                    "idempotency_key": f"batch-{n:08d}",
                    "payment_method": "cod",
                },
                now=before,
            )

        def count():
            return (
                PickupOrder.select()
                .join(Order, on=(PickupOrder.order == Order.id))
                .where(
                    (PickupOrder.community_buy == campaign.id)
                    & Order.status.not_in(community_batches.CLOSED)
                )
                .count()
            )

        def made():
            return community_batches.batches_of(campaign)

        counted = count()
        stock_up, made_batches = made()
        base_ms = _timed(count, repeat)
        batch_ms = _timed(made, repeat)
    return base_ms, batch_ms, len(made_batches), counted, stock_up


def _timed(fn, repeat):
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - t) * 1000)
    return statistics.median(runs)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help=f"sizes {FULL}")
    parser.add_argument("--buyers", type=int)
    parser.add_argument("--points", type=int)
    parser.add_argument("--orders", type=int)
    parser.add_argument("--batch-points", type=int)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--port", type=int, default=5095)
    args = parser.parse_args()
    sizes = dict(FULL if args.full else QUICK)
    for key in sizes:
        if getattr(args, key) is not None:
            sizes[key] = getattr(args, key)
    started = time.perf_counter()
    tmp = tempfile.mkdtemp(prefix="bench-community-")
    try:
        env = {
            **os.environ,
            "LIVESTALL_DATA_DIR": os.path.join(tmp, "server"),
            "LIVESTALL_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "LIVESTALL_ORDER_RATE_MAX": "0",
            "LIVESTALL_SIGNUP_PER_IP": "0",
            "LIVESTALL_SIGNUP_PER_NETWORK": "0",
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
            plain, pickup, statuses, placed = rush(
                args.port,
                env["LIVESTALL_DATA_DIR"],
                env,
                sizes["buyers"],
                sizes["points"],
            )
        finally:
            proc.terminate()
            proc.wait(10)
        base_ms, batch_ms, made, counted, stock_up = batches(
            os.path.join(tmp, "batches"),
            sizes["orders"],
            sizes["batch_points"],
            args.repeat,
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    won = statuses.count(201)
    runs, unique, used = check_rush(placed)
    print(
        f"community group buying: {sizes['buyers']} buyers order for pickup at once"
        f" at {sizes['points']} points before the cut-off, gevent server,"
        " SQLite synchronous=FULL"
    )
    print(f"{'request':<30}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}")
    for row in (plain, pickup):
        print(
            f"{row['name']:<30}{row['rate']:>9.0f}{row['p50']:>9.1f}{row['p99']:>9.1f}"
        )
    print(
        f"pickup orders/s vs plain checkouts/s: {pickup['rate'] / plain['rate']:.2f}x"
    )
    print(
        f"placed {won} (must be {sizes['buyers']}), refused {statuses.count(409)},"
        f" other {len(statuses) - won - statuses.count(409)}; {used} points,"
        f" 跟团号 1..n without gaps {'yes' if runs else 'NO'},"
        f" codes unique {'yes' if unique else 'NO'}"
    )
    units = sum(item["qty"] for item in stock_up.values())
    print(
        f"batches: {sizes['orders']} orders over {sizes['batch_points']} points"
        f" after the cut-off, in process, median of {args.repeat}"
    )
    print(f"{'query':<30}{'ms':>9}")
    print(f"{'COUNT(*) of the live orders':<30}{base_ms:>9.2f}")
    print(f"{'batches_of (stock-up, batches)':<30}{batch_ms:>9.2f}")
    print(f"batches_of vs COUNT: {batch_ms / base_ms:.1f}x")
    print(
        f"counted {counted} orders (must be {sizes['orders']}), {made} batches"
        f" (must be {sizes['batch_points']}), {units} units on the stock-up list;"
        f" ran {time.perf_counter() - started:.0f}s"
    )


if __name__ == "__main__":
    main()
