"""Claims under contention, each a request of its own (a thread, its own test
client and database connection), on SQLite and on PostgreSQL: a coupon never
over-issues (200 people for 5 coupons; one person's 20 taps against a limit of
2), a coupon pays for one order however many checkouts race with it, and a red
packet of 10 packets gives exactly 10 to 50 grabbers, adding up to its total."""

from collections import Counter

import pytest

from livestall.accounts import rules as accounts
from livestall.accounts.models import User, UserRole
from livestall.catalog.models import Product
from livestall.db.base import transaction
from livestall.orders.models import Order
from livestall.promotions.models import Coupon, RedPacket, RedPacketShare, UserCoupon
from tests.factories import promotions as promo
from tests.factories.orders import SHIP, run_threads
from tests.plugins.api import Api
from tests.plugins.app import read_db


@pytest.fixture
def world(orders_world):
    return orders_world(only=["tea", "cup"], stock={"tea": 50})


def crowd(prefix, n):
    """`n` shoppers made directly (a sign-up each through the API would take
    seconds): their bearer tokens."""

    def run():
        tokens = []
        with transaction():
            for i in range(n):
                name = f"{prefix}{i:03d}"
                user = User.create(
                    username=name,
                    email=f"{name}@example.com",
                    password_hash="!",
                    display_name=name,
                )
                UserRole.create(user=user, role="shopper")
                tokens.append(accounts.issue_token(user))
        return tokens

    return read_db(run)


def outcome(resp):
    body = resp.get_json() or {}
    return resp.status_code, (body.get("error") or {}).get("code")


def racing(app, n, call):
    """call(api, i) in `n` threads released together, each with its own client:
    [(response status, error code, body)]."""

    def go(i):
        resp = call(Api(app.test_client()), i)
        return (*outcome(resp), resp.get_json())

    return run_threads(n, go)


def claimed_rows(coupon_id):
    def run():
        coupon = Coupon.get_by_id(coupon_id)
        rows = [
            (uc.user_id, uc.nth)
            for uc in UserCoupon.select().where(UserCoupon.coupon == coupon_id)
        ]
        return coupon.claimed, rows

    return read_db(run)


@pytest.mark.slow
def test_two_hundred_people_claim_five_coupons(app, world):
    api, shop = world["api"], world["merchant"]
    c = promo.made_coupon(api, shop, total=5, per_user_limit=1)
    tokens = crowd("fan", 200)
    results = racing(
        app,
        200,
        lambda api, i: api.call(
            "POST", f"/api/v1/coupons/{c['id']}/claim", token=tokens[i]
        ),
    )
    got = Counter((s, code) for s, code, _ in results)
    assert got == {(201, None): 5, (409, "sold_out"): 195}, got
    claimed, rows = claimed_rows(c["id"])
    assert claimed == 5 and len(rows) == 5
    assert len({user for user, _ in rows}) == 5 and {n for _, n in rows} == {1}
    winners = {body["user_coupon"]["id"] for s, _, body in results if s == 201}
    assert len(winners) == 5
    after = api.call("GET", f"/api/v1/coupons/{c['id']}").get_json()["coupon"]
    assert (after["claimed"], after["left"], after["claim_state"]) == (
        5,
        0,
        "sold_out",
    )


def test_one_person_tapping_from_twenty_threads_gets_their_limit(app, world):
    api, shop, mei = world["api"], world["merchant"], world["buyer"]
    c = promo.made_coupon(api, shop, total=100, per_user_limit=2)
    results = racing(
        app,
        20,
        lambda api, i: api.call("POST", f"/api/v1/coupons/{c['id']}/claim", token=mei),
    )
    got = Counter((s, code) for s, code, _ in results)
    assert got == {(201, None): 2, (409, "limit_reached"): 18}, got
    claimed, rows = claimed_rows(c["id"])
    assert claimed == 2 and sorted(n for _, n in rows) == [1, 2]
    assert len({user for user, _ in rows}) == 1


def test_checkouts_racing_with_one_coupon_use_it_once(app, world):
    api, shop, mei, tea, cup = (
        world["api"],
        world["merchant"],
        world["buyer"],
        world["tea"],
        world["cup"],
    )
    uc = promo.claimed(api, mei, promo.made_coupon(api, shop, min_spend_cents=0)["id"])
    stock_before = read_db(lambda: Product.get_by_id(tea).stock)

    def checkout(api, i):
        items = [{"product_id": tea, "qty": 1}]
        if i % 2:
            items.append({"product_id": cup, "qty": 1})  # not the same body twice
        return api.call(
            "POST",
            "/api/v1/orders",
            token=mei,
            json={
                "items": items,
                "shipping": SHIP,
                "idempotency_key": f"race-coupon-{i:03d}",
                "payment_method": "cod",
                "coupon_ids": [uc["id"]],
            },
        )

    results = racing(app, 8, checkout)
    got = Counter((s, code) for s, code, _ in results)
    assert got == {(201, None): 1, (400, "coupon_unusable"): 7}, got
    won = next(body["order"] for s, _, body in results if s == 201)
    assert won["discount_cents"] == 2000

    def books():
        row = UserCoupon.get_by_id(uc["id"])
        return (
            Order.select().count(),
            Order.select().where(Order.discount_cents > 0).count(),
            (row.status, row.order_id, row.discount_cents),
            Product.get_by_id(tea).stock,
        )

    assert read_db(books) == (1, 1, ("used", won["id"], 2000), stock_before - 1)


@pytest.mark.slow
def test_fifty_grab_a_ten_packet_red_packet(app, world):
    api, shop = world["api"], world["merchant"]
    sid, host = promo.live_on(api, [world["tea"]])
    rp = promo.red_packet(api, shop, sid, total_cents=8888, count=10)
    rp = rp.get_json()["red_packet"]
    opened = api.call("POST", f"/api/v1/red-packets/{rp['id']}/open", token=host)
    assert opened.status_code == 200, opened.get_json()
    tokens = crowd("rain", 50)
    results = racing(
        app,
        50,
        lambda api, i: api.call(
            "POST", f"/api/v1/red-packets/{rp['id']}/grab", token=tokens[i]
        ),
    )
    got = Counter((s, code) for s, code, _ in results)
    assert got == {(201, None): 10, (409, "sold_out"): 40}, got
    amounts = [body["amount_cents"] for s, _, body in results if s == 201]
    assert sum(amounts) == 8888 and min(amounts) >= 1
    coupons = [body["user_coupon"] for s, _, body in results if s == 201]
    assert [uc["amount_off_cents"] for uc in coupons] == amounts
    assert {uc["red_packet_id"] for uc in coupons} == {rp["id"]}

    def books():
        packet = RedPacket.get_by_id(rp["id"])
        shares = list(
            RedPacketShare.select().where(RedPacketShare.red_packet == rp["id"])
        )
        held = list(UserCoupon.select().where(UserCoupon.red_packet == rp["id"]))
        return packet, shares, held

    packet, shares, held = read_db(books)
    assert (packet.grabbed, packet.grabbed_cents) == (10, 8888)
    assert all(s.user_id is not None and s.user_coupon_id for s in shares)
    assert len({s.user_id for s in shares}) == 10
    assert sorted(s.amount_cents for s in shares) == sorted(amounts)
    assert sorted((uc.user_id, uc.amount_off_cents) for uc in held) == sorted(
        (s.user_id, s.amount_cents) for s in shares
    )


def test_one_packet_each_when_people_tap_from_several_threads(app, world):
    """Ten people, three threads each, for a pool of twenty: one packet each."""
    api, shop = world["api"], world["merchant"]
    sid, host = promo.live_on(api, [world["tea"]])
    rp = promo.red_packet(api, shop, sid, total_cents=2000, count=20, split="equal")
    rp = rp.get_json()["red_packet"]
    opened = api.call("POST", f"/api/v1/red-packets/{rp['id']}/open", token=host)
    assert opened.status_code == 200, opened.get_json()
    tokens = crowd("tap", 10)
    results = racing(
        app,
        30,
        lambda api, i: api.call(
            "POST", f"/api/v1/red-packets/{rp['id']}/grab", token=tokens[i % 10]
        ),
    )
    got = Counter((s, code) for s, code, _ in results)
    assert got == {(201, None): 10, (409, "limit_reached"): 20}, got
    packet = read_db(lambda: RedPacket.get_by_id(rp["id"]))
    assert (packet.grabbed, packet.grabbed_cents) == (10, 1000)
    users = read_db(
        lambda: [
            s.user_id
            for s in RedPacketShare.select().where(
                (RedPacketShare.red_packet == rp["id"])
                & RedPacketShare.user.is_null(False)
            )
        ]
    )
    assert len(users) == len(set(users)) == 10


def test_cancels_racing_give_the_coupon_back_once(app, world):
    """The buyer and the merchant cancel the same order from six threads: one
    move wins, the coupon comes back once and the stock once."""
    api, shop, mei, tea = world["api"], world["merchant"], world["buyer"], world["tea"]
    uc = promo.claimed(api, mei, promo.made_coupon(api, shop)["id"])
    stock_before = read_db(lambda: Product.get_by_id(tea).stock)
    resp = promo.order_with(api, mei, [(tea, 1)], [uc["id"]])
    assert resp.status_code == 201, resp.get_json()
    order_id = resp.get_json()["order"]["id"]
    tokens = [mei, shop] * 3
    results = racing(
        app,
        6,
        lambda api, i: api.call(
            "POST",
            f"/api/v1/orders/{order_id}/status",
            token=tokens[i],
            json={"status": "cancelled"},
        ),
    )
    got = Counter(s for s, _, _ in results)
    assert got[200] == 1 and got[200] + got[403] + got[409] == 6, got

    def books():
        row = UserCoupon.get_by_id(uc["id"])
        return (
            Order.get_by_id(order_id).status,
            (row.status, row.order_id),
            Product.get_by_id(tea).stock,
        )

    assert read_db(books) == ("cancelled", ("unused", None), stock_before)


def test_replays_racing_place_one_order_with_one_coupon(app, world):
    """The same checkout (one key, one body) sent from five threads at once: one
    order, the coupon taken once, the others answered with that order."""
    api, shop, mei, tea = world["api"], world["merchant"], world["buyer"], world["tea"]
    c = promo.made_coupon(api, shop, per_user_limit=2)
    uc = promo.claimed(api, mei, c["id"])
    other = promo.claimed(api, mei, c["id"])
    body = {
        "items": [{"product_id": tea, "qty": 1}],
        "shipping": SHIP,
        "idempotency_key": "race-replay-0001",
        "payment_method": "cod",
        "coupon_ids": [uc["id"]],
    }
    results = racing(
        app, 5, lambda api, i: api.call("POST", "/api/v1/orders", token=mei, json=body)
    )
    got = Counter(s for s, _, _ in results)
    assert got == {201: 1, 200: 4}, [(s, c) for s, c, _ in results]
    ids = {b["order"]["id"] for _, _, b in results}
    assert len(ids) == 1

    def books():
        return (
            Order.select().count(),
            UserCoupon.get_by_id(uc["id"]).status,
            UserCoupon.get_by_id(other["id"]).status,
        )

    assert read_db(books) == (1, "used", "unused")
