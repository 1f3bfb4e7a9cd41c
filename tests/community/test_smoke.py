"""A first pass through community group buying by the API: a neighbour applies to
lead a pickup point, an admin approves, a merchant runs a campaign, neighbours
order for pickup before the cut-off (and one is refused after it), the batch is
counted, shipped and received, the leader verifies a code once, and earns."""

import datetime

from livestall.accounts import rules as accounts
from livestall.accounts.models import User
from livestall.community.models import CommunityBuy, LeaderEntry
from livestall.orders.models import Order
from tests.plugins.app import read_db

POINT = {
    "name": "翠苑一区 3 号楼便利店",
    "address": "杭州市西湖区翠苑一区 3 幢 101",
    "hours": "08:00-21:00",
    "phone": "0571 8888 0001",
}


def _admin(api, name="boss"):
    token = api.user(name)
    read_db(lambda: accounts.set_roles(User.get(User.username == name), ["admin"]))
    return token


def _later(**delta):
    return datetime.datetime.now(datetime.UTC) + datetime.timedelta(**delta)


def _order(api, token, campaign_id, leader_id, product_id, key, qty=1):
    return api.call(
        "POST",
        "/api/v1/orders",
        token=token,
        json={
            "community_buy_id": campaign_id,
            "leader_id": leader_id,
            "items": [{"product_id": product_id, "qty": qty}],
            "idempotency_key": key,
            "payment_method": "cod",
        },
    )


def test_a_neighbour_orders_through_a_leader_and_picks_up(orders_world):
    world = orders_world(only=["tea"])
    api, merchant = world["api"], world["merchant"]
    lead = api.user("auntie_li")
    applied = api.call(
        "POST", "/api/v1/leaders", token=lead, json={"pickup_point": POINT}
    )
    assert applied.status_code == 201, applied.get_json()
    leader = applied.get_json()["leader"]
    assert leader["status"] == "pending"
    hidden = api.call("GET", f"/api/v1/leaders/{leader['id']}", token=world["buyer"])
    assert hidden.status_code == 404
    admin = _admin(api)
    approved = api.call(
        "POST", f"/api/v1/admin/leaders/{leader['id']}/approve", token=admin, json={}
    )
    assert approved.get_json()["leader"]["status"] == "approved"
    shown = api.call("GET", f"/api/v1/leaders/{leader['id']}", token=world["buyer"])
    assert shown.get_json()["leader"]["pickup_point"]["name"] == POINT["name"]

    pickup_day = (_later(days=1)).date().isoformat()
    made = api.call(
        "POST",
        "/api/v1/community-buys",
        token=merchant,
        json={
            "title": "明早到：龙井新茶",
            "items": [{"product_id": world["tea"], "price_cents": 12800}],
            "cutoff_at": _later(hours=2).isoformat(),
            "pickup_on": pickup_day,
            "leader_commission_bps": 1000,
        },
    )
    assert made.status_code == 201, made.get_json()
    campaign = made.get_json()["community_buy"]
    mei, lan = world["buyer"], api.user("lan")
    first = _order(
        api, mei, campaign["id"], leader["id"], world["tea"], "pickup-0001", 2
    )
    assert first.status_code == 201, first.get_json()
    order = first.get_json()["order"]
    assert order["total_cents"] == 2 * 12800 and order["shipping_cents"] == 0
    code = order["pickup"]["code"]
    assert len(code) == 8 and code.isdigit() and order["pickup"]["seq_no"] == 1
    second = _order(api, lan, campaign["id"], leader["id"], world["tea"], "pickup-0002")
    assert second.get_json()["order"]["pickup"]["seq_no"] == 2
    # the merchant sees the order but not its code
    seen = api.call("GET", f"/api/v1/orders/{order['id']}", token=merchant).get_json()
    assert seen["order"]["pickup"]["code"] is None
    early = api.call(
        "GET", f"/api/v1/community-buys/{campaign['id']}/batches", token=merchant
    )
    assert early.status_code == 409
    # lan cancels; then the cut-off passes
    cancel = api.call(
        "POST",
        f"/api/v1/orders/{second.get_json()['order']['id']}/status",
        token=lan,
        json={"status": "cancelled"},
    )
    assert cancel.status_code == 200, cancel.get_json()
    past = datetime.datetime.utcnow() - datetime.timedelta(seconds=1)
    read_db(
        lambda: (
            CommunityBuy.update(cutoff_at=past)
            .where(CommunityBuy.id == campaign["id"])
            .execute()
        )
    )
    late = _order(
        api, api.user("zhu"), campaign["id"], leader["id"], world["tea"], "pickup-0003"
    )
    assert (
        late.status_code == 409 and late.get_json()["error"]["code"] == "cutoff_passed"
    )
    got = api.call(
        "GET", f"/api/v1/community-buys/{campaign['id']}/batches", token=merchant
    ).get_json()
    assert got["stock_up"] == [
        {"product_id": world["tea"], "title": got["stock_up"][0]["title"], "qty": 2}
    ]
    [batch] = got["batches"]
    assert batch["lines"] == [{"product_id": world["tea"], "qty": 2}]
    assert [o["order_id"] for o in batch["orders"]] == [order["id"]]
    ship = api.call(
        "POST",
        f"/api/v1/community-buys/{campaign['id']}/batches/{leader['id']}/ship",
        token=merchant,
    )
    assert ship.get_json() == {"shipped": True, "changed": True}
    received = api.call(
        "POST", f"/api/v1/leader/batches/{campaign['id']}/receive", token=lead
    )
    assert received.get_json()["changed"] is True
    kinds = [
        n["kind"]
        for n in api.call("GET", "/api/v1/notifications", token=mei).get_json()["items"]
    ]
    assert "pickup_ready" in kinds
    # verification: a wrong code, then the right one, then again
    wrong = api.call(
        "POST",
        "/api/v1/leader/pickups",
        token=lead,
        json={"code": "00000000" if code != "00000000" else "11111111"},
    )
    assert wrong.status_code == 404
    stranger = api.call(
        "POST", "/api/v1/leader/pickups", token=mei, json={"code": code}
    )
    assert stranger.status_code == 403
    done = api.call("POST", "/api/v1/leader/pickups", token=lead, json={"code": code})
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["order"]["status"] == "delivered"
    again = api.call("POST", "/api/v1/leader/pickups", token=lead, json={"code": code})
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "already_picked_up"
    earned = api.call("GET", "/api/v1/leader/earnings", token=lead).get_json()
    assert earned["pending_cents"] == 2 * 12800 // 10 and earned["payable_cents"] == 0
    # a return refunds it: the commission is reversed
    refund = api.call(
        "POST",
        f"/api/v1/orders/{order['id']}/status",
        token=merchant,
        json={"status": "refunded"},
    )
    assert refund.status_code == 200, refund.get_json()
    earned = api.call("GET", "/api/v1/leader/earnings", token=lead).get_json()
    assert earned["pending_cents"] == 0 and earned["reversed_cents"] == 2 * 12800 // 10
    total = read_db(lambda: sum(e.amount_cents for e in LeaderEntry.select()))
    assert total == 0
    assert read_db(lambda: Order.get_by_id(order["id"]).status) == "refunded"
