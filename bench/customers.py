"""The merchant's customers (CRM) over a big shop: the customers page, the RFM
segments and the cohort table, each timed against a plain COUNT of the same
orders in the same run.

In process, on a SQLite database of its own: one merchant, B buyers and O orders
over ~18 months (bulk INSERTs straight into the tables: users, checkouts, orders,
one line each and its attribution credit; a tenth of the buyers are members),
with a skew (a few buyers order often, most once or twice) and a mix of statuses
(some pending, some cancelled or refunded). Then, median of --repeat runs:

- COUNT: `SELECT COUNT(*)` of the shop's orders that count (the baseline);
- page: `listing.customers` first page sorted by spend (the page's rows with
  their RFM scores, segment, member state, tags and first touch, plus the count);
- segments: `rfm.summary` (per-segment counts and revenue, repeat rate,
  members' share);
- cohorts: `cohorts.table` (first-order month x months since).

The page must answer in under a second.

    PYTHONPATH=. .venv/bin/python bench/customers.py [--orders 100000] [--buyers 20000]
"""

import argparse
import datetime
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench import inprocess

ROOT = Path(__file__).resolve().parents[1]
DAYS = 540  # ~18 months
KINDS = ("post_view", "share_visit", "live_watch", "direct")


def _timed(fn, repeat):
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - t) * 1000)
    return statistics.median(runs)


def seed(db, merchant_id, product_id, buyers, orders, now, rng):
    """Bulk rows for `buyers` people and `orders` orders; returns the buyer ids."""
    conn = db.connection()
    conn.execute("BEGIN")  # the connection autocommits: one transaction for all
    start_id = db.execute_sql('SELECT COALESCE(MAX(id), 0) FROM "user"').fetchone()[0]
    created = now - datetime.timedelta(days=DAYS + 30)
    conn.executemany(
        'INSERT INTO "user" (id, username, email, password_hash, display_name, bio, '
        "session_version, status, created_at) VALUES (?, ?, ?, 'x', ?, '', 1, "
        "'active', ?)",
        [
            (
                start_id + 1 + i,
                f"buyer{i:06d}",
                f"buyer{i:06d}@example.com",
                f"买家 {i}",
                created,
            )
            for i in range(buyers)
        ],
    )
    ids = [start_id + 1 + i for i in range(buyers)]
    # each buyer's first day; later orders fall after it (a skew: few often)
    first_day = [rng.uniform(0, DAYS) for _ in ids]
    statuses = (
        ["delivered"] * 70
        + ["paid"] * 10
        + ["shipped"] * 8
        + ["pending_payment"] * 6
        + ["cancelled"] * 4
        + ["refunded"] * 2
    )
    placed = []
    for n in range(orders):
        b = n if n < buyers else int(buyers * rng.random() ** 2)
        day = first_day[b] if n < buyers else rng.uniform(first_day[b], DAYS)
        placed.append((day, b))
    placed.sort()  # ids grow with time, as they do in a shop
    checkouts, rows, lines, credits = [], [], [], []
    for n, (day, b) in enumerate(placed):
        when = now - datetime.timedelta(days=DAYS - day)
        goods = rng.choice((990, 1990, 4990, 8800, 12800, 29900)) * rng.randint(1, 3)
        oid = n + 1
        checkouts.append((oid, ids[b], f"bench-{oid}", "x", when))
        rows.append(
            (
                oid,
                oid,
                ids[b],
                merchant_id,
                rng.choice(statuses),
                "cod",
                goods + 800,
                800,
                0,
                "CNY",
                "王",
                "杭州",
                "13800000000",
                when,
                when,
            )
        )
        lines.append((oid, oid, product_id, "Bench tea", 1, goods, 0))
        kind = rng.choice(KINDS)
        credits.append(
            (
                oid,
                oid,
                merchant_id,
                ids[b],
                product_id,
                kind,
                merchant_id if kind != "direct" else None,
                ids[(b + 1) % buyers] if kind == "share_visit" else None,
                "last_touch",
                1.0,
                1.0,
                goods,
                when,
            )
        )
    conn.executemany(
        "INSERT INTO checkout (id, buyer_id, idempotency_key, request_hash, "
        "created_at) VALUES (?, ?, ?, ?, ?)",
        checkouts,
    )
    conn.executemany(
        'INSERT INTO "order" (id, checkout_id, buyer_id, merchant_id, status, '
        "payment_method, total_cents, shipping_cents, discount_cents, currency, "
        "ship_name, ship_address, ship_phone, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    conn.executemany(
        "INSERT INTO order_line (id, order_id, product_id, title, qty, "
        "unit_price_cents, discount_cents) VALUES (?, ?, ?, ?, ?, ?, ?)",
        lines,
    )
    conn.executemany(
        "INSERT INTO attribution_credit (order_line_id, order_id, merchant_id, "
        "buyer_id, product_id, kind, creator_id, sharer_id, model, weight, units, "
        "revenue_cents, commission_cents, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)",
        credits,
    )
    conn.execute("COMMIT")
    return ids


def run(data_dir, orders, buyers, repeat):
    # building only at NORMAL: the reads are timed
    app = inprocess.create(data_dir, SQLITE_SYNCHRONOUS="NORMAL")
    from extensions import db
    from livestall.catalog import rules as catalog
    from livestall.customers import cohorts, listing, rfm
    from livestall.customers.rfm import counted
    from livestall.db.base import utcnow
    from livestall.membership.models import Member, MembershipPlan
    from livestall.orders.models import Order

    rng = random.Random(21)
    with app.app_context(), db.connection_context():
        shop = inprocess.person("benchshop", "merchant", "Bench shop")
        product = catalog.create_product(
            shop,
            {
                "title": "Bench tea",
                "price_cents": 990,
                "category": "fresh",
                "stock": 1_000_000,
            },
        )
        now = utcnow()
        t = time.perf_counter()
        ids = seed(db, shop.id, product.id, buyers, orders, now, rng)
        plan = MembershipPlan.create(merchant=shop.id, name="会员", price_cents=0)
        Member.insert_many(
            [
                {
                    "merchant": shop.id,
                    "user": uid,
                    "plan": plan.id,
                    "status": "active",
                    "starts_at": now,
                    "joined_at": now,
                }
                for uid in ids[::10]
            ]
        ).execute()
        seeded_s = time.perf_counter() - t
        db.execute_sql("ANALYZE")
        filters = listing.filters_of({"sort": "spend"})

        def count():
            return Order.select().where(counted(shop.id)).count()

        def page():
            return listing.customers(shop.id, filters, now, 1)

        def segments():
            return rfm.summary(shop.id, now)

        def table():
            return cohorts.table(shop.id)

        counted_orders = count()
        rows, total = page()
        summary = segments()
        made = table()
        base_ms = _timed(count, repeat)
        page_ms = _timed(page, repeat)
        seg_ms = _timed(segments, repeat)
        cohort_ms = _timed(table, repeat)
    return {
        "seeded_s": seeded_s,
        "orders": orders,
        "counted": counted_orders,
        "customers": total,
        "first": rows[0],
        "summary": summary,
        "cohorts": len(made["cohorts"]),
        "base_ms": base_ms,
        "page_ms": page_ms,
        "seg_ms": seg_ms,
        "cohort_ms": cohort_ms,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--buyers", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="bench-customers-")
    try:
        out = run(tmp, args.orders, args.buyers, args.repeat)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    s = out["summary"]
    print(
        f"seeded {out['orders']:,} orders of {args.buyers:,} buyers in "
        f"{out['seeded_s']:.1f} s; {out['counted']:,} count (not cancelled or "
        f"refunded), {out['customers']:,} customers"
    )
    print(
        f"repeat rate {s['repeat_rate']:.1%}, members' share of revenue "
        f"{s['members']['share']:.1%}, {out['cohorts']} cohorts; segments: "
        + ", ".join(f"{x['segment']} {x['customers']}" for x in s["segments"])
    )
    first = out["first"]
    print(
        f"top customer: {first['username']} {first['orders']} orders, "
        f"¥{first['spend_cents'] / 100:,.2f}, {first['segment']}"
    )
    base = out["base_ms"]
    print(f"{'COUNT of the same orders (baseline)':44s} {base:8.1f} ms")
    for label, key in (
        ("customers page (first page, by spend)", "page_ms"),
        ("segments (RFM, repeat rate, members)", "seg_ms"),
        ("cohort table", "cohort_ms"),
    ):
        ms = out[key]
        print(f"{label:44s} {ms:8.1f} ms  x{ms / base:6.1f} the COUNT")
    ok = out["page_ms"] < 1000
    print(f"customers page under 1 s: {'yes' if ok else 'NO'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
