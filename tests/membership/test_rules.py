"""Shop membership's rules through the API: the programme's plans, joining a free
plan (active at once), buying a paid one (pending until the merchant marks it paid,
by bank transfer only, refused past its deadline), the trial taken once, renewal
extending from the current end, expiry exact to the second at checkout, member
prices through checkout (never stacked with a campaign price; a coupon on top),
refunds, and the sweep's expiry, cancellations and warnings."""

import pytest

from livestall.membership import rules
from livestall.orders.models import LineAdjustment, OrderLine
from tests.factories import membership as mf
from tests.factories import orders as of
from tests.factories import promotions as pf
from tests.plugins.app import read_db


@pytest.fixture
def world(membership_world):
    return membership_world()


def _err(resp):
    return resp.status_code, resp.get_json()["error"]["code"]


_KEYS = iter(range(1, 10_000))


def buy(api, world, product="tea", qty=1, **extra):
    resp = api.call(
        "POST",
        "/api/v1/orders",
        token=world["buyer"],
        json={
            "items": [{"product_id": world[product], "qty": qty}],
            "shipping": of.SHIP,
            "idempotency_key": f"member-{next(_KEYS)}",
            "payment_method": "cod",
            **extra,
        },
    )
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()["orders"][0]


def adjustments(order_id):
    return read_db(
        lambda: [
            (a.kind, a.amount_cents, a.source)
            for a in LineAdjustment.select()
            .join(OrderLine)
            .where(OrderLine.order == order_id)
        ]
    )


# --- the programme ---------------------------------------------------------------


def test_plans_are_validated_and_retired_not_deleted(api, world):
    merchant = world["merchant"]
    for bad in (
        [{"name": "", "price_cents": 0}],
        [{"name": "年卡", "price_cents": 9900}],  # a paid plan needs days
        [{"name": "年卡", "price_cents": -1, "days": 30}],
        [{"name": "入会", "price_cents": 0, "trial_days": 7}],
        [{"name": "年卡", "price_cents": 9900, "days": 0}],
        "plans",
    ):
        assert _err(mf.configure(api, merchant, bad)) == (400, "invalid"), bad
    assert _err(mf.configure(api, merchant, [])) == (400, "invalid")  # enabled, none
    resp = mf.configure(api, world["buyer"])
    assert _err(resp) == (403, "forbidden")
    # keep gold (renamed), drop free: free is retired
    kept = mf.configured(
        api, merchant, [{**mf.GOLD, "id": world["gold"], "name": "金卡"}]
    )
    assert [(p["id"], p["name"]) for p in kept["plans"]] == [(world["gold"], "金卡")]
    assert _err(mf.join(api, world["buyer"], world["merchant_id"], world["free"])) == (
        404,
        "not_found",
    )
    resp = mf.configure(api, merchant, [{**mf.FREE, "id": 999999}])
    assert _err(resp) == (404, "not_found")


def test_a_closed_programme_takes_no_members(api, world):
    mf.configured(api, world["merchant"], enabled=False)
    resp = mf.join(api, world["buyer"], world["merchant_id"], world["free"])
    assert _err(resp) == (409, "membership_closed")
    shown = api.call("GET", f"/api/v1/shops/{world['merchant_id']}/membership")
    assert shown.get_json()["membership"]["enabled"] is False
    assert shown.get_json()["membership"]["plans"] == []


# --- joining and paying ----------------------------------------------------------


def test_a_free_plan_is_active_at_once_and_gives_member_prices(api, world):
    before = buy(api, world)
    assert before["items"][0]["unit_price_cents"] == 16800
    resp = mf.join(api, world["buyer"], world["merchant_id"], world["free"])
    assert resp.status_code == 201, resp.get_json()
    member = resp.get_json()["member"]
    assert member["status"] == "active" and member["ends_at"] is None
    assert member["plan"]["free"] is True
    order = buy(api, world, qty=2)
    assert order["items"][0]["unit_price_cents"] == 14800
    assert order["total_cents"] == 2 * 14800 + order["shipping_cents"]
    row = mf.member_row(world["buyer_id"], world["merchant_id"])
    assert adjustments(order["id"]) == [("member", 4000, f"member:{row.id}")]
    # a product without a member price stays at its price
    assert buy(api, world, "cup")["items"][0]["unit_price_cents"] == 8900
    # joining again is harmless
    again = mf.join(api, world["buyer"], world["merchant_id"], world["free"])
    assert again.status_code == 201 and again.get_json()["member"]["status"] == "active"
    mine = api.call("GET", "/api/v1/me/memberships", token=world["buyer"]).get_json()
    assert [m["merchant_id"] for m in mine] == [world["merchant_id"]]
    assert mine[0]["saved_this_year_cents"] == 4000


def test_a_paid_plan_waits_for_the_merchants_mark(api, world):
    shop, gold = world["merchant_id"], world["gold"]
    resp = mf.join(api, world["buyer"], shop, gold, payment_method="cod")
    assert _err(resp) == (400, "invalid")
    assert _err(mf.join(api, world["buyer"], shop, gold)) == (400, "invalid")
    resp = mf.join(api, world["buyer"], shop, gold, payment_method="bank_transfer")
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert body["member"]["status"] == "pending"
    assert body["purchase"]["status"] == "pending" and body["purchase"]["pay_by"]
    # pending pays the list price; a second purchase waits for the first
    assert buy(api, world)["items"][0]["unit_price_cents"] == 16800
    again = mf.join(api, world["buyer"], shop, gold, payment_method="bank_transfer")
    assert _err(again) == (409, "purchase_pending")
    # only this shop's merchant marks it paid
    other = api.user("potshop", role="merchant")
    assert _err(mf.mark_paid(api, other, body["purchase"]["id"])) == (404, "not_found")
    paid = mf.mark_paid(api, world["merchant"], body["purchase"]["id"])
    assert paid.status_code == 200, paid.get_json()
    assert paid.get_json()["purchase"]["status"] == "paid"
    assert _err(mf.mark_paid(api, world["merchant"], body["purchase"]["id"])) == (
        409,
        "conflict",
    )
    row = mf.member_row(world["buyer_id"], shop)
    assert row.status == "active"
    assert 364 <= (row.ends_at - row.starts_at).days <= 365
    assert buy(api, world)["items"][0]["unit_price_cents"] == 14800


def test_a_purchase_not_paid_in_time_is_cancelled_and_cannot_be_marked(api, world):
    resp = mf.join(
        api,
        world["buyer"],
        world["merchant_id"],
        world["gold"],
        payment_method="bank_transfer",
    )
    purchase = resp.get_json()["purchase"]
    mf.age_purchase(purchase["id"], hours=73)
    # checked at use, before any sweep
    assert _err(mf.mark_paid(api, world["merchant"], purchase["id"])) == (
        409,
        "payment_too_late",
    )
    assert mf.member_row(world["buyer_id"], world["merchant_id"]).status == "expired"
    # and a new purchase may start
    resp = mf.join(
        api,
        world["buyer"],
        world["merchant_id"],
        world["gold"],
        payment_method="bank_transfer",
    )
    assert resp.status_code == 201


def test_the_trial_is_taken_once(api, world):
    shop, gold = world["merchant_id"], world["gold"]
    resp = mf.join(api, world["buyer"], shop, gold, trial=True)
    assert resp.status_code == 201, resp.get_json()
    member = resp.get_json()["member"]
    assert member["status"] == "active" and member["trial_used"] is True
    row = mf.member_row(world["buyer_id"], shop)
    assert 6 <= (row.ends_at - row.starts_at).days <= 7
    mf.set_ends(world["buyer_id"], shop, seconds=-1)
    assert _err(mf.join(api, world["buyer"], shop, gold, trial=True)) == (
        409,
        "trial_used",
    )
    resp = mf.join(api, world["buyer"], shop, world["free"], trial=True)
    assert _err(resp) == (400, "invalid")  # a free plan has no trial... nor payment
    assert mf.join(api, world["buyer"], shop, world["free"]).status_code == 201


def test_renewing_early_extends_from_the_current_end(api, world):
    shop = world["merchant_id"]
    first = mf.join(
        api, world["buyer"], shop, world["gold"], payment_method="bank_transfer"
    )
    mf.mark_paid(api, world["merchant"], first.get_json()["purchase"]["id"])
    ends = mf.set_ends(world["buyer_id"], shop, days=10)
    second = mf.join(
        api, world["buyer"], shop, world["gold"], payment_method="bank_transfer"
    )
    assert second.get_json()["member"]["status"] == "active"  # still a member meanwhile
    paid = mf.mark_paid(api, world["merchant"], second.get_json()["purchase"]["id"])
    row = mf.member_row(world["buyer_id"], shop)
    assert abs((row.ends_at - ends).total_seconds() - 365 * 86400) < 1
    assert paid.get_json()["purchase"]["starts_at"].startswith(ends.isoformat()[:19])


def test_expiry_is_exact_to_the_second_at_checkout(api, world):
    shop = world["merchant_id"]
    mf.join(api, world["buyer"], shop, world["gold"], trial=True)
    mf.set_ends(world["buyer_id"], shop, seconds=30)
    assert buy(api, world)["items"][0]["unit_price_cents"] == 14800
    mf.set_ends(world["buyer_id"], shop, seconds=-1)
    # the sweep has not run: the row still says active
    assert mf.member_row(world["buyer_id"], shop).status == "active"
    assert buy(api, world)["items"][0]["unit_price_cents"] == 16800
    mine = api.call("GET", "/api/v1/me/memberships", token=world["buyer"]).get_json()
    assert mine[0]["status"] == "expired"


def test_member_price_never_stacks_with_a_campaign_price(api, world):
    from tests.factories import group_buy as gf

    mf.join(api, world["buyer"], world["merchant_id"], world["free"])
    deal = gf.made_deal(api, world["merchant"], world["tea"], price_cents=9900)
    seat = gf.open_team(
        api, world["buyer"], deal["id"], payment_method="cod", shipping=of.SHIP
    )
    assert seat.status_code == 201, seat.get_json()
    order = seat.get_json()["order"]
    assert order["items"][0]["unit_price_cents"] == 9900  # the lower single price
    assert [k for k, _c, _s in adjustments(order["id"])] == ["group"]


def test_a_coupon_comes_on_top_of_a_member_price(api, world):
    mf.join(api, world["buyer"], world["merchant_id"], world["free"])
    coupon = pf.made_coupon(api, world["merchant"], min_spend_cents=10000)
    held = pf.claimed(api, world["buyer"], coupon["id"])
    order = buy(api, world, coupon_ids=[held["id"]])
    assert order["items"][0]["unit_price_cents"] == 14800
    assert order["discount_cents"] == 2000
    kinds = sorted(k for k, _c, _s in adjustments(order["id"]))
    assert kinds == ["coupon", "member"]


def test_a_refund_returns_what_was_paid_at_the_member_price(api, world):
    mf.join(api, world["buyer"], world["merchant_id"], world["free"])
    order = buy(api, world)
    shipped = of.move(
        api, world["merchant"], order["id"], "shipped", tracking_number="SF1234567"
    )
    assert shipped.status_code == 200, shipped.get_json()
    assert of.move(api, world["merchant"], order["id"], "delivered").status_code == 200
    refunded = of.move(api, world["merchant"], order["id"], "refunded")
    assert refunded.status_code == 200, refunded.get_json()
    # a refunded order's saving no longer counts
    mine = api.call("GET", "/api/v1/me/memberships", token=world["buyer"]).get_json()
    assert mine[0]["saved_this_year_cents"] == 0


def test_the_sweep_expires_cancels_and_warns_once(app, api, world):
    shop = world["merchant_id"]
    mf.join(api, world["buyer"], shop, world["gold"], trial=True)
    lan = api.user("lan")
    mf.join(api, lan, shop, world["gold"], payment_method="bank_transfer")
    lan_purchase = read_db(
        lambda: rules.MemberPurchase.get(
            rules.MemberPurchase.user == mf.user_id(api, lan)
        )
    )
    mf.age_purchase(lan_purchase.id, hours=73)
    # mei's trial ends in 3 days: she is told, once
    mf.set_ends(world["buyer_id"], shop, days=3)
    first = read_db(rules.expire_due)
    assert first == {"expired": 0, "cancelled": 1, "warned": 1}
    assert read_db(rules.expire_due) == {"expired": 0, "cancelled": 0, "warned": 0}
    told = of.notes(api, world["buyer"])["items"]
    assert [n["kind"] for n in told] == ["membership_expiring"]
    mf.set_ends(world["buyer_id"], shop, seconds=-1)
    assert read_db(rules.expire_due)["expired"] == 1
    assert mf.member_row(world["buyer_id"], shop).status == "expired"


def test_member_prices_are_validated(api, world):
    for cents in (0, 16800, 20000, "100"):
        resp = api.call(
            "PATCH",
            f"/api/v1/products/{world['tea']}",
            token=world["merchant"],
            json={"member_price_cents": cents},
        )
        assert _err(resp) == (400, "invalid"), cents
    cleared = mf.member_price(api, world["merchant"], world["tea"], None)
    assert cleared["product"]["member_price_cents"] is None
    mf.join(api, world["buyer"], world["merchant_id"], world["free"])
    assert buy(api, world)["items"][0]["unit_price_cents"] == 16800


def test_a_merchant_cannot_join_their_own_shop(api, world):
    resp = mf.join(api, world["merchant"], world["merchant_id"], world["free"])
    assert _err(resp) == (403, "forbidden")
