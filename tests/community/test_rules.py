"""Community group buying's rules through the API: leaders and the admins'
decisions, campaigns' validation, orders for pickup (cut-off checked at use,
codes and 跟团号), batches against a brute-force count after cancels, pickup code
verification, and the leader's ledger through a refund and a release."""

import datetime
from collections import Counter

import pytest

from livestall.community import ledger
from livestall.community.models import Leader, PickupOrder
from livestall.db.base import utcnow
from livestall.orders.models import Order, OrderLine
from livestall.platform.models import AuditEntry
from tests.factories import community as cf
from tests.plugins.app import read_db


@pytest.fixture
def world(community_world):
    return community_world()


def _err(resp):
    return resp.status_code, resp.get_json()["error"]["code"]


# --- leaders ---------------------------------------------------------------------


def test_an_application_waits_for_an_admin_and_is_audited(api):
    boss = cf.admin(api)
    lin = api.user("lin")
    resp = cf.apply(api, lin)
    leader = resp.get_json()["leader"]
    assert resp.status_code == 201 and leader["status"] == "pending"
    assert api.call("GET", f"/api/v1/leaders/{leader['id']}").status_code == 404
    mine = api.call("GET", "/api/v1/me/leader", token=lin).get_json()["leader"]
    assert mine["status"] == "pending"
    assert _err(cf.decide(api, lin, leader["id"], "approve")) == (403, "forbidden")
    assert _err(cf.decide(api, boss, leader["id"], "reject")) == (400, "invalid")
    rejected = cf.decide(api, boss, leader["id"], "reject", "地址不完整")
    assert rejected.get_json()["leader"]["status"] == "rejected"
    assert rejected.get_json()["leader"]["reason"] == "地址不完整"
    # an edited application goes back to pending; then approval shows it to all
    edited = cf.apply(api, lin, address="杭州市西湖区翠苑一区 3 幢 101 室")
    assert edited.status_code == 200
    assert edited.get_json()["leader"]["status"] == "pending"
    assert cf.decide(api, boss, leader["id"], "approve").status_code == 200
    assert _err(cf.decide(api, boss, leader["id"], "approve")) == (409, "conflict")
    public = api.call("GET", f"/api/v1/leaders/{leader['id']}").get_json()["leader"]
    assert public["status"] == "approved" and "reason" not in public
    queue = api.call("GET", "/api/v1/admin/leaders?status=approved", token=boss)
    assert [x["id"] for x in queue.get_json()["items"]] == [leader["id"]]
    actions = read_db(
        lambda: [a.action for a in AuditEntry.select().order_by(AuditEntry.id)]
    )
    assert actions == ["leader.reject", "leader.approve"]


def test_disabling_hides_the_point_at_once_and_stops_orders(world, api):
    leader = world["leader"]
    resp = cf.decide(api, world["admin"], leader["id"], "disable", "投诉较多")
    assert resp.get_json()["leader"]["status"] == "disabled"
    assert api.call("GET", f"/api/v1/leaders/{leader['id']}").status_code == 404
    resp = cf.order(
        api,
        world["buyer"],
        world["campaign"]["id"],
        leader["id"],
        [{"product_id": world["tea"], "qty": 1}],
    )
    assert _err(resp) == (409, "leader_not_approved")
    again = cf.apply(api, world["leader_token"])
    assert again.status_code == 403


@pytest.mark.parametrize(
    "point, field",
    [
        ({"name": ""}, "pickup_point.name"),
        ({"address": "   "}, "pickup_point.address"),
        ({"hours": 8}, "pickup_point.hours"),
        ({"phone": "1" * 31}, "pickup_point.phone"),
    ],
)
def test_an_application_names_what_is_missing(api, point, field):
    resp = cf.apply(api, api.user("lin"), **point)
    assert resp.status_code == 400 and resp.get_json()["error"]["field"] == field


# --- campaigns -------------------------------------------------------------------


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"title": ""}, "title"),
        ({"items": []}, "items"),
        ({"cutoff_at": "yesterday"}, "cutoff_at"),
        ({"pickup_on": "2020-01-01"}, "pickup_on"),
        ({"pickup_on": "tomorrow"}, "pickup_on"),
        ({"leader_commission_bps": 3001}, "leader_commission_bps"),
        ({"leader_commission_bps": True}, "leader_commission_bps"),
    ],
)
def test_a_campaign_names_what_is_wrong(world, api, fields, field):
    body = cf.campaign_body(
        [{"product_id": world["tea"], "price_cents": 100}], **fields
    )
    resp = api.call(
        "POST", "/api/v1/community-buys", token=world["merchant"], json=body
    )
    assert resp.status_code == 400, resp.get_json()
    assert resp.get_json()["error"]["field"] == field


def test_a_campaign_sells_only_the_merchants_products_at_most_at_list(world, api):
    over = cf.campaign_body([{"product_id": world["tea"], "price_cents": 16801}])
    resp = api.call(
        "POST", "/api/v1/community-buys", token=world["merchant"], json=over
    )
    assert resp.status_code == 400
    other = api.user("potter", role="merchant")
    mine = cf.campaign_body([{"product_id": world["tea"], "price_cents": 100}])
    resp = api.call("POST", "/api/v1/community-buys", token=other, json=mine)
    assert resp.status_code == 400 and resp.get_json()["error"]["field"] == "items"
    shopper = api.call(
        "POST", "/api/v1/community-buys", token=world["buyer"], json=mine
    )
    assert shopper.status_code == 403


# --- orders for pickup -------------------------------------------------------------


def test_an_order_for_pickup_pays_the_campaign_price_with_no_shipping(world, api):
    resp = cf.order(
        api,
        world["buyer"],
        world["campaign"]["id"],
        world["leader"]["id"],
        [
            {"product_id": world["tea"], "qty": 2},
            {"product_id": world["cup"], "qty": 1},
        ],
        idempotency_key="pickup-same-0001",
    )
    assert resp.status_code == 201, resp.get_json()
    order = resp.get_json()["order"]
    assert order["total_cents"] == 2 * 12800 + 6900 and order["shipping_cents"] == 0
    prices = {i["product_id"]: i["unit_price_cents"] for i in order["items"]}
    assert prices == {world["tea"]: 12800, world["cup"]: 6900}
    row = read_db(lambda: Order.get_by_id(order["id"]))
    assert row.ship_address == cf.POINT["address"]
    kinds = read_db(
        lambda: {
            a.kind
            for line in OrderLine.select().where(OrderLine.order == order["id"])
            for a in line.adjustments
        }
    )
    assert kinds == {"community"}
    # the same key: the same order; nothing was saved to the address book
    replay = cf.order(
        api,
        world["buyer"],
        world["campaign"]["id"],
        world["leader"]["id"],
        [
            {"product_id": world["tea"], "qty": 2},
            {"product_id": world["cup"], "qty": 1},
        ],
        idempotency_key="pickup-same-0001",
    )
    assert replay.status_code == 200
    assert replay.get_json()["order"]["id"] == order["id"]
    book = api.call("GET", "/api/v1/addresses", token=world["buyer"]).get_json()
    assert book["items"] == []


@pytest.mark.parametrize(
    "items",
    [
        [],
        [{"product_id": 999999, "qty": 1}],
        [{"product_id": "x"}],
        "tea",
        [{"qty": 0}],
    ],
)
def test_bad_items_are_400_never_500(world, api, items):
    resp = cf.order(
        api, world["buyer"], world["campaign"]["id"], world["leader"]["id"], items
    )
    assert resp.status_code == 400, resp.get_json()


def test_codes_are_eight_digits_unique_and_seq_numbers_count_per_point(world, api):
    boss = world["admin"]
    _other_token, other = cf.approved_leader(api, boss, "uncle_wu", name="二区驿站")
    buyers = [api.user(f"neighbour{i}") for i in range(5)]
    seqs = {}
    for i, token in enumerate(buyers):
        leader = world["leader"] if i % 2 == 0 else other
        resp = cf.order(
            api,
            token,
            world["campaign"]["id"],
            leader["id"],
            [{"product_id": world["cup"], "qty": 1}],
        )
        pickup = resp.get_json()["order"]["pickup"]
        seqs.setdefault(leader["id"], []).append(pickup["seq_no"])
    assert seqs == {world["leader"]["id"]: [1, 2, 3], other["id"]: [1, 2]}
    codes = read_db(lambda: [p.pickup_code for p in PickupOrder.select()])
    assert len(set(codes)) == 5 and all(len(c) == 8 and c.isdigit() for c in codes)


def test_the_cutoff_is_checked_at_use(world, api):
    cf.pass_cutoff(world["campaign"]["id"])
    resp = cf.order(
        api,
        world["buyer"],
        world["campaign"]["id"],
        world["leader"]["id"],
        [{"product_id": world["tea"], "qty": 1}],
    )
    assert _err(resp) == (409, "cutoff_passed")
    stock = api.call("GET", f"/api/v1/products/{world['tea']}").get_json()
    assert stock["product"]["stock"] == 20  # nothing taken


# --- batches -----------------------------------------------------------------------


def test_batches_match_a_brute_force_count_after_cancels(world, api):
    _t, other = cf.approved_leader(api, world["admin"], "uncle_wu")
    placed = []
    for i in range(8):
        token = api.user(f"neighbour{i}")
        leader = world["leader"] if i < 5 else other
        items = [{"product_id": world["tea"], "qty": 1 + i % 2}]
        if i % 3 == 0:
            items.append({"product_id": world["cup"], "qty": 1})
        resp = cf.order(api, token, world["campaign"]["id"], leader["id"], items)
        placed.append((token, leader["id"], resp.get_json()["order"]))
    for token, _lid, order in placed[1::3]:  # a few neighbours cancel
        moved = api.call(
            "POST",
            f"/api/v1/orders/{order['id']}/status",
            token=token,
            json={"status": "cancelled"},
        )
        assert moved.status_code == 200
    cf.pass_cutoff(world["campaign"]["id"])
    got = api.call(
        "GET",
        f"/api/v1/community-buys/{world['campaign']['id']}/batches",
        token=world["merchant"],
    ).get_json()
    alive = [
        (lid, o)
        for _t2, lid, o in placed
        if o["id"] not in {p[2]["id"] for p in placed[1::3]}
    ]
    want_stock, want_batches = Counter(), {}
    for lid, o in alive:
        for item in o["items"]:
            want_stock[item["product_id"]] += item["qty"]
            want_batches.setdefault(lid, Counter())[item["product_id"]] += item["qty"]
    assert {s["product_id"]: s["qty"] for s in got["stock_up"]} == dict(want_stock)
    assert {
        b["leader"]["id"]: {line["product_id"]: line["qty"] for line in b["lines"]}
        for b in got["batches"]
    } == {lid: dict(c) for lid, c in want_batches.items()}
    listed = sorted(o["order_id"] for b in got["batches"] for o in b["orders"])
    assert listed == sorted(o["id"] for _lid, o in alive)


# --- pickup and the ledger -----------------------------------------------------------


def _picked_order(world, api):
    resp = cf.order(
        api,
        world["buyer"],
        world["campaign"]["id"],
        world["leader"]["id"],
        [{"product_id": world["tea"], "qty": 1}],
    )
    return resp.get_json()["order"]


def test_pickup_codes_are_refused_for_every_wrong_case(world, api):
    order = _picked_order(world, api)
    code = order["pickup"]["code"]
    lead = world["leader_token"]
    _other_token, _other = cf.approved_leader(api, world["admin"], "uncle_wu")
    wrong = "1" * 8 if code != "1" * 8 else "2" * 8
    verify = lambda token, c: api.call(  # noqa: E731
        "POST", "/api/v1/leader/pickups", token=token, json={"code": c}
    )
    assert verify(lead, wrong).status_code == 404
    assert verify(_other_token, code).status_code == 404  # another point's
    assert verify(lead, "12ab").status_code == 400
    assert verify(world["buyer"], code).status_code == 403
    # spaces and a dash, as typed from a phone, are fine
    spaced = f"{code[:4]} {code[4:]}"
    done = verify(lead, spaced)
    assert done.status_code == 200 and done.get_json()["order"]["status"] == "delivered"
    assert _err(verify(lead, code)) == (409, "already_picked_up")
    # a cancelled order's code no longer works
    second = _picked_order(world, api)
    api.call(
        "POST",
        f"/api/v1/orders/{second['id']}/status",
        token=world["buyer"],
        json={"status": "cancelled"},
    )
    assert verify(lead, second["pickup"]["code"]).status_code == 404


def test_the_commission_is_pending_then_payable_and_a_refund_reverses_it(world, api):
    order = _picked_order(world, api)
    lead = world["leader_token"]
    api.call(
        "POST",
        "/api/v1/leader/pickups",
        token=lead,
        json={"code": order["pickup"]["code"]},
    )
    earned = api.call("GET", "/api/v1/leader/earnings", token=lead).get_json()
    assert earned["pending_cents"] == 1280 and earned["payable_cents"] == 0
    # the return window ends: the maintenance pass makes it payable
    later = utcnow() + datetime.timedelta(days=8)
    released = read_db(lambda: ledger.release_due(now=later))
    assert released == [order["id"]]
    assert read_db(lambda: ledger.release_due(now=later)) == []  # once
    earned = api.call("GET", "/api/v1/leader/earnings", token=lead).get_json()
    assert (earned["pending_cents"], earned["payable_cents"]) == (0, 1280)
    assert cf.ledger_total(world["leader"]["id"]) == 1280
    # another picked-up order refunded by the merchant: its commission reverses
    second = _picked_order(world, api)
    api.call(
        "POST",
        "/api/v1/leader/pickups",
        token=lead,
        json={"code": second["pickup"]["code"]},
    )
    refund = api.call(
        "POST",
        f"/api/v1/orders/{second['id']}/status",
        token=world["merchant"],
        json={"status": "refunded"},
    )
    assert refund.status_code == 200, refund.get_json()
    earned = api.call("GET", "/api/v1/leader/earnings", token=lead).get_json()
    assert earned["reversed_cents"] == 1280 and earned["pending_cents"] == 0
    assert cf.ledger_total(world["leader"]["id"]) == 1280
    assert read_db(lambda: Leader.get_by_id(world["leader"]["id"]).status) == "approved"


def test_a_leader_earns_nothing_on_their_own_order(world, api):
    lead = world["leader_token"]
    resp = cf.order(
        api,
        lead,
        world["campaign"]["id"],
        world["leader"]["id"],
        [{"product_id": world["tea"], "qty": 1}],
    )
    code = resp.get_json()["order"]["pickup"]["code"]
    done = api.call("POST", "/api/v1/leader/pickups", token=lead, json={"code": code})
    assert done.status_code == 200
    earned = api.call("GET", "/api/v1/leader/earnings", token=lead).get_json()
    assert earned["pending_cents"] == 0 and earned["entries"] == []
