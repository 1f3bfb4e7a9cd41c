"""Attribution dashboard benchmark: the queries behind "Sales by content", the API
and the creator's earnings, at 1,000,000 touchpoints and 100,000 orders.

A temp SQLite database gets the app's real schema (create_app), then generated
users, products, posts, live sessions, touchpoints over 90 days, orders with their
lines, attribution credits (linear splits, largest remainder: every line's credits
sum to its revenue) and commission ledger rows, in big executemany transactions.
Then, for the busiest merchant (40% of the orders) over the last 30 days, each
dashboard query is timed (median of --repeat runs) against a baseline measured in
the same run: `SELECT COUNT(*)` of that merchant's orders in the period. Printed:
ms and the ratio to the baseline.

    .venv/bin/python bench/attribution.py            # 1,000,000 / 100,000
    .venv/bin/python bench/attribution.py --quick    # 20,000 / 2,000, a smoke run
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

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app  # noqa: E402
from extensions import db  # noqa: E402
from livestall.accounts.models import User, UserRole
from livestall.attribution import commissions, dashboards  # noqa: E402
from livestall.attribution.engine import split_cents, weights  # noqa: E402
from livestall.attribution.models import AttributionCredit, CommissionEntry, Touchpoint  # noqa: E402
from livestall.attribution.report import GROUPS, Report  # noqa: E402
from livestall.catalog.models import Product
from livestall.content.models import Post, PostProduct
from livestall.live.models import LiveProduct, LiveSession
from livestall.orders.models import Checkout, Order, OrderLine

DAYS = 90
KINDS = (
    ("post_view", 50),
    ("product_click", 20),
    ("share_visit", 10),
    ("live_watch", 15),
    ("flash_grab", 5),
)
STATUSES = (
    ("delivered", 55),
    ("shipped", 15),
    ("paid", 10),
    ("pending_payment", 10),
    ("cancelled", 7),
    ("refunded", 3),
)
CHUNK = 50_000


def insert_small(model, columns, rows):
    """Through the model, so the columns not given get their defaults."""
    dicts = [dict(zip(columns, row, strict=True)) for row in rows]
    for i in range(0, len(dicts), 500):
        model.insert_many(dicts[i : i + 500]).execute()


def insert(model, columns, rows):
    """Raw executemany in chunks, inside the caller's transaction (the big tables:
    every NOT NULL column is given)."""
    table = model._meta.table_name
    marks = ", ".join("?" * len(columns))
    names = ", ".join(f'"{c}"' for c in columns)
    sql = f'INSERT INTO "{table}" ({names}) VALUES ({marks})'
    cursor = db.cursor()
    for i in range(0, len(rows), CHUNK):
        cursor.executemany(sql, rows[i : i + CHUNK])


def pick(choices, rnd):
    names, ws = zip(*choices, strict=True)
    return rnd.choices(names, ws)[0]


def generate(n_touch, n_orders, seed=8):
    rnd = random.Random(seed)
    now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
    span = DAYS * 86400

    def moment():
        return now - datetime.timedelta(seconds=rnd.randrange(span))

    scale = max(1, n_orders // 2000)
    n_merchants, n_creators = 5, 40 * scale
    n_shoppers, n_products = 1000 * scale, 200 * n_merchants
    n_posts, n_lives = 400 * scale, 40 * scale

    users, roles = [], []
    uid = 0
    for role, count in (
        ("merchant", n_merchants),
        ("creator", n_creators),
        ("shopper", n_shoppers),
    ):
        for i in range(count):
            uid += 1
            name = f"{role[0]}{i}"
            users.append((uid, name, f"{name}@example.com", "x", name, now))
            roles.append((uid, role))
    merchants = list(range(1, n_merchants + 1))
    creators = list(range(n_merchants + 1, n_merchants + n_creators + 1))
    shoppers = list(range(n_merchants + n_creators + 1, uid + 1))

    products = []
    for pid in range(1, n_products + 1):
        merchant = merchants[(pid - 1) // 200]
        price = rnd.randrange(990, 39900, 10)
        bps = rnd.choice((0, 500, 1000, 1500))
        products.append(
            (pid, merchant, f"P{pid}", price, "CNY", 100, "tea-drinks", bps, now, now)
        )
    posts, post_products, author = [], [], {}
    for post_id in range(1, n_posts + 1):
        a = rnd.choice(creators)
        author[post_id] = a
        posts.append((post_id, a, f"post {post_id}", f"<p>post {post_id}</p>", now))
        for pos, prod in enumerate(rnd.sample(range(1, n_products + 1), 2)):
            post_products.append((post_id, prod, pos))
    lives, live_products, host = [], [], {}
    for live_id in range(1, n_lives + 1):
        h = rnd.choice(creators)
        host[live_id] = h
        lives.append((live_id, h, f"live {live_id}", "", "ended", moment(), now))
        for pos, prod in enumerate(rnd.sample(range(1, n_products + 1), 3)):
            live_products.append((live_id, prod, pos))

    touches = []
    for tid in range(1, n_touch + 1):
        kind = pick(KINDS, rnd)
        user = rnd.choice(shoppers) if rnd.random() < 0.7 else None
        creator = post = live = product = sharer = None
        if kind in ("post_view", "product_click"):
            post = rnd.randrange(1, n_posts + 1)
            creator = author[post]
            if kind == "product_click":
                product = rnd.randrange(1, n_products + 1)
        elif kind == "share_visit":
            sharer = rnd.choice(creators)
            product = rnd.randrange(1, n_products + 1)
        else:
            live = rnd.randrange(1, n_lives + 1)
            creator = host[live]
            if kind == "flash_grab":
                product = rnd.randrange(1, n_products + 1)
        touches.append(
            (tid, kind, f"v{user or tid}", user, creator, post, live, product, sharer)
            + (moment(),)
        )

    checkouts, orders, lines, credits, ledger = [], [], [], [], []
    line_id = credit_id = 0
    for oid in range(1, n_orders + 1):
        merchant = 1 if rnd.random() < 0.4 else rnd.choice(merchants[1:])
        buyer = rnd.choice(shoppers)
        at = moment()
        status = pick(STATUSES, rnd)
        checkouts.append((oid, buyer, f"k{oid}", "h", at))
        first = (merchant - 1) * 200 + 1
        total = 0
        for _ in range(rnd.choice((1, 1, 1, 2))):
            line_id += 1
            prod = rnd.randrange(first, first + 200)
            _, _, _, price, _, _, _, bps, _, _ = products[prod - 1]
            qty = rnd.choice((1, 1, 2))
            revenue = qty * price
            total += revenue
            lines.append((line_id, oid, prod, f"P{prod}", qty, price, None))
            n = rnd.choice((0, 1, 1, 2, 3))
            parts = [("direct", None, None, None, None)]
            if n:
                parts = []
                for _ in range(n):
                    kind = rnd.choice(("post_view", "share_visit", "live_watch"))
                    if kind == "post_view":
                        p = rnd.randrange(1, n_posts + 1)
                        parts.append((kind, author[p], p, None, None))
                    elif kind == "share_visit":
                        parts.append((kind, None, None, None, rnd.choice(creators)))
                    else:
                        live = rnd.randrange(1, n_lives + 1)
                        parts.append((kind, host[live], None, live, None))
            ws = weights("linear", [at] * len(parts), at)
            for (kind, creator, post, live, sharer), w, cents in zip(
                parts, ws, split_cents(revenue, ws), strict=True
            ):
                credit_id += 1
                earner = creator or sharer
                commission = cents * bps // 10_000 if earner else 0
                credits.append(
                    (credit_id, line_id, oid, merchant, buyer, prod, None, kind)
                    + (creator, post, live, sharer, "linear", w, qty * w, cents)
                    + (commission, earner, at)
                )
                if commission:
                    base = (earner, credit_id, oid)
                    ledger.append((*base, "pending", "accrual", commission, at))
                    if status == "delivered":
                        ledger.append((*base, "pending", "release", -commission, at))
                        ledger.append((*base, "payable", "release", commission, at))
                    elif status in ("cancelled", "refunded"):
                        ledger.append((*base, "pending", "reversal", -commission, at))
        orders.append(
            (oid, oid, buyer, merchant, status, "cod", total, "CNY", "n", "a", "1")
            + (at, at)
        )

    with db.atomic():
        insert_small(
            User,
            ["id", "username", "email", "password_hash", "display_name", "created_at"],
            users,
        )
        insert_small(UserRole, ["user_id", "role"], roles)
        insert_small(
            Product,
            ["id", "merchant_id", "title", "price_cents", "currency", "stock"]
            + ["category", "commission_bps", "created_at", "updated_at"],
            products,
        )
        insert_small(
            Post, ["id", "author_id", "body", "body_html", "published_at"], posts
        )
        insert_small(PostProduct, ["post_id", "product_id", "position"], post_products)
        insert_small(
            LiveSession,
            ["id", "host_id", "title", "description", "status", "scheduled_at"]
            + ["created_at"],
            lives,
        )
        insert_small(
            LiveProduct, ["session_id", "product_id", "position"], live_products
        )
    with db.atomic():
        insert(
            Touchpoint,
            ["id", "kind", "visitor_id", "user_id", "creator_id", "post_id"]
            + ["live_session_id", "product_id", "sharer_id", "created_at"],
            touches,
        )
    with db.atomic():
        insert(
            Checkout,
            ["id", "buyer_id", "idempotency_key", "request_hash", "created_at"],
            checkouts,
        )
        insert(
            Order,
            ["id", "checkout_id", "buyer_id", "merchant_id", "status"]
            + ["payment_method", "total_cents", "currency", "ship_name"]
            + ["ship_address", "ship_phone", "created_at", "updated_at"],
            orders,
        )
        insert(
            OrderLine,
            ["id", "order_id", "product_id", "title", "qty", "unit_price_cents"]
            + ["source"],
            lines,
        )
        insert(
            AttributionCredit,
            ["id", "order_line_id", "order_id", "merchant_id", "buyer_id"]
            + ["product_id", "touchpoint_id", "kind", "creator_id", "post_id"]
            + ["live_session_id", "sharer_id", "model", "weight", "units"]
            + ["revenue_cents", "commission_cents", "earner_id", "created_at"],
            credits,
        )
        insert(
            CommissionEntry,
            ["earner_id", "credit_id", "order_id", "state", "kind", "amount_cents"]
            + ["created_at"],
            ledger,
        )
    db.execute_sql("ANALYZE")
    top = max(
        creators,
        key=lambda c: sum(1 for row in ledger[:20000] if row[0] == c),
    )
    return {
        "touchpoints": len(touches),
        "orders": len(orders),
        "lines": len(lines),
        "credits": len(credits),
        "ledger": len(ledger),
        "top_creator": top,
    }


def timed(fn, repeat):
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - t) * 1000)
    return statistics.median(runs)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="20,000 / 2,000")
    parser.add_argument("--touchpoints", type=int, default=1_000_000)
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--what-if-days", type=int, default=7, help="period of the timed what-if"
    )
    parser.add_argument("--keep", help="build the database in this folder, keep it")
    args = parser.parse_args()
    if args.quick:
        args.touchpoints, args.orders = 20_000, 2_000
    tmp = Path(args.keep or tempfile.mkdtemp(prefix="bench-attribution-"))
    try:
        app = create_app(
            {
                "TESTING": True,
                "DATA_DIR": str(tmp / "data"),
                "SECRET_KEY": "bench",
                "SESSION_COOKIE_SECURE": False,
            }
        )
        with app.app_context(), db.connection_context():
            t = time.perf_counter()
            sizes = generate(args.touchpoints, args.orders)
            built = time.perf_counter() - t
            print(
                f"generated {sizes['touchpoints']:,} touchpoints, "
                f"{sizes['orders']:,} orders, {sizes['lines']:,} lines, "
                f"{sizes['credits']:,} credits, {sizes['ledger']:,} ledger rows "
                f"in {built:.1f}s"
            )
            run(sizes, args)
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


def run(sizes, args):
    merchant = 1
    first, last = dashboards.parse_period()
    start, end = dashboards.bounds(first, last)

    def baseline():
        return (
            Order.select()
            .where(
                (Order.merchant == merchant)
                & (Order.created_at >= start)
                & (Order.created_at < end)
            )
            .count()
        )

    base = timed(baseline, args.repeat)
    print(
        f"merchant {merchant}: {baseline():,} orders in the last 30 days; "
        f"baseline SELECT COUNT(*) {base:.2f} ms"
    )
    print(f"{'query':<34}{'ms':>10}{'x baseline':>12}")

    def show(name, ms):
        print(f"{name:<34}{ms:>10.1f}{ms / base:>12.1f}")

    for group in GROUPS:
        report = Report(merchant, start, end, group)
        show(f"Report.stored group_by={group}", timed(report.stored, args.repeat))
    for group in ("creator", "post"):
        report = Report(merchant, start, end, group)
        show(f"Report.funnel group_by={group}", timed(report.funnel, args.repeat))
    report = Report(merchant, start, end, "creator")
    show("Report.daily", timed(report.daily, args.repeat))
    query = dashboards.Query(merchant, {})
    show("dashboard page queries (all)", timed(lambda: page(query), args.repeat))
    top = sizes["top_creator"]
    show("commissions.balances", timed(lambda: commissions.balances(top), args.repeat))
    show(
        "creator earnings by post + live",
        timed(
            lambda: (
                dashboards.earnings_by(top, "post"),
                dashboards.earnings_by(top, "live"),
            ),
            args.repeat,
        ),
    )
    show(
        "creator ledger page 1",
        timed(lambda: dashboards.ledger(top, 1, 20), args.repeat),
    )
    wi_first = last - datetime.timedelta(days=args.what_if_days - 1)
    what_if = Report(merchant, *dashboards.bounds(wi_first, last), "creator")
    n = what_if._orders().count()
    show(
        f"what_if linear, {args.what_if_days} days ({n:,} orders)",
        timed(lambda: what_if.what_if("linear"), 1),
    )


def page(query):
    """What /merchant/attribution runs (stored, funnel, daily, top content)."""
    query.compared()
    query.daily()
    query.top_content()


if __name__ == "__main__":
    main()
