"""The cut-off under contention: fifty neighbours order at the very moment the
cut-off passes, each a request of its own (a thread, its own test client and
database connection). Each order is either placed and in its point's batch, or
refused with 409 `cutoff_passed` and nothing taken: never both, never neither."""

import datetime
import time
from collections import Counter

from livestall.community.models import CommunityBuy
from livestall.db.base import utcnow
from livestall.orders.models import Order
from tests.factories import community as cf
from tests.factories import orders
from tests.factories.orders import run_threads
from tests.plugins.app import read_db

N = 50


def test_orders_at_the_cutoff_are_in_the_batch_or_refused_never_both(api, app):
    world = orders.world(api, only=["tea"], stock={"tea": 500})
    boss = cf.admin(api)
    _lead, leader = cf.approved_leader(api, boss, "auntie_li")
    campaign = cf.made_campaign(
        api, world["merchant"], [{"product_id": world["tea"], "price_cents": 100}]
    )
    tokens = [api.user(f"neighbour{i:02d}") for i in range(N)]
    # the cut-off lands in the middle of the burst (the orders take their turns
    # at the database: some land before it, the rest after)
    soon = utcnow() + datetime.timedelta(milliseconds=500)
    read_db(
        lambda: (
            CommunityBuy.update(cutoff_at=soon)
            .where(CommunityBuy.id == campaign["id"])
            .execute()
        )
    )

    def go(i):
        resp = app.test_client().post(
            "/api/v1/orders",
            headers={"Authorization": f"Bearer {tokens[i]}"},
            json={
                "community_buy_id": campaign["id"],
                "leader_id": leader["id"],
                "items": [{"product_id": world["tea"], "qty": 1}],
                "idempotency_key": f"race-{i:04d}-key",
                "payment_method": "cod",
            },
        )
        body = resp.get_json()
        if resp.status_code == 201:
            return 201, body["order"]["id"]
        return resp.status_code, body["error"]["code"]

    results = run_threads(N, go)
    statuses = Counter(status for status, _ in results)
    assert set(statuses) <= {201, 409}, results
    assert all(code == "cutoff_passed" for s, code in results if s == 409)
    placed = sorted(order_id for s, order_id in results if s == 201)
    while utcnow() <= soon:  # the batch is read after the cut-off
        time.sleep(0.05)
    got = api.call(
        "GET",
        f"/api/v1/community-buys/{campaign['id']}/batches",
        token=world["merchant"],
    ).get_json()
    in_batch = sorted(o["order_id"] for b in got["batches"] for o in b["orders"])
    assert in_batch == placed
    assert read_db(lambda: Order.select().count()) == len(placed)
    product = api.call("GET", f"/api/v1/products/{world['tea']}").get_json()
    assert product["product"]["stock"] == 500 - len(placed)
    seqs = sorted(o["seq_no"] for b in got["batches"] for o in b["orders"])
    assert seqs == list(range(1, len(placed) + 1))
