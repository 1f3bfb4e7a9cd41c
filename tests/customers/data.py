"""Rows written straight into the test database (no checkout): people, orders
with a goods total, shipping and a time, and the brute-force figures the
customers' queries must agree with."""

import datetime
import itertools
from collections import defaultdict

from livestall.accounts.models import User
from livestall.customers import rfm
from livestall.orders.models import Checkout, Order

_seq = itertools.count(1)


def person(name=None):
    name = name or f"p{next(_seq)}"
    return User.create(
        username=name, email=f"{name}@example.com", password_hash="x", display_name=""
    )


def order(buyer_id, merchant_id, goods, when, status="paid", shipping=0):
    n = next(_seq)
    checkout = Checkout.create(
        buyer=buyer_id, idempotency_key=f"k{n}", request_hash="x", created_at=when
    )
    return Order.create(
        checkout=checkout.id,
        buyer=buyer_id,
        merchant=merchant_id,
        status=status,
        payment_method="cod",
        total_cents=goods + shipping,
        shipping_cents=shipping,
        currency="CNY",
        ship_name="王",
        ship_address="杭州",
        ship_phone="13800000000",
        created_at=when,
        updated_at=when,
    )


def brute(orders):
    """{buyer: {orders, spend, first, last, r, f, m, segment}} from
    [(buyer, status, goods, when)], by the documented rules, in Python."""
    per = {}
    for buyer, status, goods, when in orders:
        if status in rfm.CLOSED:
            continue
        row = per.setdefault(
            buyer, {"orders": 0, "spend": 0, "first": when, "last": when}
        )
        row["orders"] += 1
        row["spend"] += goods
        row["first"] = min(row["first"], when)
        row["last"] = max(row["last"], when)
    n = len(per)
    for row in per.values():
        for key, value in (("r", "last"), ("f", "orders"), ("m", "spend")):
            below = sum(1 for other in per.values() if other[value] < row[value])
            row[key] = 1 + 5 * below // n
        row["segment"] = rfm.segment_of(row["r"], row["f"], row["m"])
    return per


def brute_cohorts(orders):
    """{cohort month: {months since: buyers who ordered that month}}."""
    first = {}
    for buyer, status, _goods, when in orders:
        if status not in rfm.CLOSED:
            first[buyer] = min(first.get(buyer, when), when)
    seen = defaultdict(lambda: defaultdict(set))
    for buyer, status, _goods, when in orders:
        if status in rfm.CLOSED:
            continue
        start = first[buyer]
        k = (when.year - start.year) * 12 + when.month - start.month
        seen[f"{start:%Y-%m}"][k].add(buyer)
    return {c: {k: len(v) for k, v in ks.items()} for c, ks in seen.items()}


BASE = datetime.datetime(2026, 1, 1)
