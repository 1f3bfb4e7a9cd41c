"""Group buying under contention: B buyers race for the seats of one team over HTTP.

Starts `python app.py` (gevent, as users run it) on a temp data dir, makes one
product, a deal for teams of T and a team opened by its leader; then B buyers join
that team at the same moment. Exactly T-1 must win and the team must form once.
Prints joins/s and p50/p99 next to plain checkouts of the same product by the same
number of buyers (`POST /api/v1/orders`), measured the same way in the same run.

    .venv/bin/python bench/group_buy.py [--buyers 200] [--team 50]
"""

import argparse
import datetime
import os
import subprocess
import sys
import tempfile
import time
import urllib.request

from bench.checkout import ROOT, SHIP, burst, call, summary


def _user(port, name, role="shopper"):
    body = {
        "username": name,
        "email": f"{name}@example.com",
        "password": "bench password 1",
        "role": role,
    }
    return call(port, "POST", "/api/v1/users", body)[1]["token"]


def _wait(port):
    for _ in range(300):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz")
            return
        except OSError:
            time.sleep(0.1)


def _seat(port, token, path, key):
    body = {"qty": 1, "idempotency_key": key, "shipping": SHIP}
    return call(port, "POST", path, body, token=token)


def run(port, buyers, team_size):
    shop = _user(port, "benchshop", "merchant")
    product = {"title": "Bench item", "price_cents": 1000, "category": "kitchen"}
    product["stock"] = 100_000
    pid = call(port, "POST", "/api/v1/products", product, token=shop)[1]["product"]
    ends = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=1)
    deal = {
        "product_id": pid["id"],
        "price_cents": 800,
        "team_size": team_size,
        "team_window_s": 3600,
        "ends_at": ends.isoformat(),
        "per_user_limit": 1,
    }
    deal = call(port, "POST", "/api/v1/group-buys", deal, token=shop)[1]["group_buy"]
    leader = _user(port, "leader")
    team = _seat(port, leader, f"/api/v1/group-buys/{deal['id']}/teams", "lead-0001")
    team_id = team[1]["team"]["id"]
    tokens = [_user(port, f"buyer{i:05d}") for i in range(buyers)]
    plain = summary(
        "POST /api/v1/orders",
        *burst(
            buyers,
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
    elapsed, results = burst(
        buyers,
        lambda i: _seat(
            port, tokens[i], f"/api/v1/teams/{team_id}/join", f"join-{i:08d}"
        )[0],
    )
    joins = summary("POST /teams/ID/join", elapsed, results)
    statuses = [r[1] for r in results]
    after = call(port, "GET", f"/api/v1/teams/{team_id}")[1]["team"]
    return plain, joins, statuses, after


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--buyers", type=int, default=200)
    parser.add_argument("--team", type=int, default=50)
    parser.add_argument("--port", type=int, default=5097)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        env = {
            **os.environ,
            "LIVESTALL_DATA_DIR": data_dir,
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
            plain, joins, statuses, team = run(args.port, args.buyers, args.team)
        finally:
            proc.terminate()
            proc.wait(10)
    won = statuses.count(201)
    print(
        f"group buying: {args.buyers} buyers join one team of {args.team} at once"
        " (leader seated), gevent server, SQLite synchronous=FULL"
    )
    print(f"{'request':<22}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}")
    for row in (plain, joins):
        print(
            f"{row['name']:<22}{row['rate']:>9.0f}{row['p50']:>9.1f}{row['p99']:>9.1f}"
        )
    print(f"joins/s vs plain checkouts/s: {joins['rate'] / plain['rate']:.2f}x")
    print(
        f"joined {won} (must be {args.team - 1}), refused {statuses.count(409)},"
        f" other {len(statuses) - won - statuses.count(409)};"
        f" team {team['status']}, seats left {team['seats_left']},"
        f" members {len(team['members'])}"
    )


if __name__ == "__main__":
    main()
