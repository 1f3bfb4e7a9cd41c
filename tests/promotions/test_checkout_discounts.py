"""Coupons at checkout (`POST /api/v1/orders` with `coupon_ids`): one a shop order,
valid at use, the minimum spend on the lines in scope, split onto the lines in
whole cents that add up to the order's discount and never make a line negative;
never on group-buy lines, on flash lines only when allowed; commissions on the
price after discount; and the coupon back exactly once on cancel or refund."""

import datetime

import pytest

from livestall.accounts.models import User
from livestall.attribution.models import AttributionCredit, CommissionEntry
from livestall.catalog.models import Product
from livestall.db.base import utcnow
from livestall.group_buy.models import GroupBuy, TeamMember
from livestall.group_buy.teams import SeatClaim
from livestall.merchants.models import MerchantProfile
from livestall.orders import checkout
from livestall.orders import lifecycle as orders
from livestall.orders.models import LineAdjustment, Order, OrderLine
from livestall.promotions import coupons
from livestall.promotions.models import UserCoupon
from tests.factories import promotions as promo
from tests.factories.orders import SHIP, move
from tests.plugins.app import read_db

PAST = datetime.datetime(2020, 1, 1)


@pytest.fixture
def world(orders_world):
    """teashop (tea ¥168 x20, cup ¥89 x5; takes bank transfers), potshop (pot
    ¥399 x3) and mei."""
    return orders_world()


def err(resp):
    body = resp.get_json() or {}
    error = body.get("error") or {}
    return resp.status_code, error.get("code")


def given(api, shop, buyer, **fields):
    """A coupon of `shop`'s (fields over promo.coupon_body) claimed by `buyer`."""
    return promo.claimed(api, buyer, promo.made_coupon(api, shop, **fields)["id"])


def uc_row(uc_id):
    return read_db(lambda: UserCoupon.get_by_id(uc_id))


def books():
    """(orders, {product id: stock}, {user coupon id: (status, order id)})."""

    def run():
        return (
            Order.select().count(),
            {p.id: p.stock for p in Product.select()},
            {uc.id: (uc.status, uc.order_id) for uc in UserCoupon.select()},
        )

    return read_db(run)


def placed(resp):
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


def line_discounts(order_id):
    """[(product id, line discount, line paid, sum of its coupon adjustments)]."""

    def run():
        out = []
        for line in OrderLine.select().where(OrderLine.order == order_id):
            adj = sum(
                a.amount_cents
                for a in LineAdjustment.select().where(
                    (LineAdjustment.line == line.id) & (LineAdjustment.kind == "coupon")
                )
            )
            out.append((line.product_id, line.discount_cents, line.paid_cents, adj))
        return out

    return read_db(run)


def assert_adds_up(order):
    """The order's lines' discounts add up to its own, and its total is the goods
    after discount plus shipping; every line paid >= 0. Returns {product id:
    (discount, paid, coupon adjustments)} (None when a product has two lines)."""
    lines = line_discounts(order["id"])
    assert sum(d for _, d, _, _ in lines) == order["discount_cents"]
    assert all(d == adj and paid >= 0 for _, d, paid, adj in lines)
    goods = sum(i["qty"] * i["unit_price_cents"] for i in order["items"])
    assert (
        order["total_cents"]
        == goods - order["discount_cents"] + (order["shipping_cents"])
    )
    row = read_db(lambda: Order.get_by_id(order["id"]))
    assert row.discount_cents == order["discount_cents"]
    by_product = {pid: tuple(rest) for pid, *rest in lines}
    return by_product if len(by_product) == len(lines) else None


# --- refused: a 400 naming the coupon, and nothing saved ----------------------------


def test_refusals_are_400s_and_nothing_is_saved(world):
    api, shop, mei, tea, cup = (
        world["api"],
        world["merchant"],
        world["buyer"],
        world["tea"],
        world["cup"],
    )
    a = given(api, shop, mei)
    b = given(api, shop, mei, amount_off_cents=500, min_spend_cents=0)
    big = given(
        api, shop, mei, title="满500减50", amount_off_cents=5000, min_spend_cents=50000
    )
    cups = given(
        api, shop, mei, product_ids=[cup], amount_off_cents=1000, min_spend_cents=10000
    )
    ann = api.user("ann")
    hers = given(api, shop, ann)
    pots = given(api, world["other"], mei, amount_off_cents=500, min_spend_cents=0)
    stale = given(api, shop, mei, amount_off_cents=300, min_spend_cents=0)
    read_db(
        lambda: (
            UserCoupon.update(valid_until=PAST)
            .where(UserCoupon.id == stale["id"])
            .execute()
        )
    )
    before = books()
    cases = [
        # two coupons of one shop
        ([(tea, 2)], [a["id"], b["id"]], "coupon_not_applicable", None),
        # under the minimum spend: the 400 names the coupon
        ([(tea, 1)], [big["id"]], "coupon_min_spend", "满500减50"),
        # the spend counts only the lines in scope: cups 89.00 < 100.00
        ([(tea, 1), (cup, 1)], [cups["id"]], "coupon_min_spend", None),
        # a coupon whose products are not in the basket
        ([(tea, 1)], [pots["id"]], "coupon_not_applicable", None),
        # past its end (the sweep has not run): checked at use
        ([(tea, 1)], [stale["id"]], "coupon_unusable", None),
        # another's coupon reads as none at all, and so does a made-up id
        ([(tea, 1)], [hers["id"]], "coupon_not_found", None),
        ([(tea, 1)], [a["id"], 999_999], "coupon_not_found", None),
    ]
    for items, ids, code, named in cases:
        resp = promo.order_with(api, mei, items, ids)
        assert err(resp) == (400, code), (ids, resp.get_json())
        assert resp.get_json()["error"]["field"] == "coupon_ids"
        if named:
            assert named in resp.get_json()["error"]["message"]
        assert books() == before, ids  # no order, stock back, coupons unused
    for bad in ("1", [True], [0], [a["id"], a["id"]], list(range(1, 12)), [2**63]):
        resp = promo.order_with(api, mei, [(tea, 1)], bad)
        assert err(resp)[0] == 400 and resp.get_json()["error"]["field"] == (
            "coupon_ids"
        ), (bad, resp.get_json())
    assert books() == before
    assert uc_row(stale["id"]).status == "unused"  # the refusal swept nothing
    # what was refused is usable as it should be
    ok = placed(promo.order_with(api, mei, [(tea, 1)], [a["id"]]))["order"]
    assert ok["discount_cents"] == 2000
    assert uc_row(a["id"]).status == "used" and uc_row(b["id"]).status == "unused"


def test_an_expired_coupon_shows_expired_and_cannot_be_used(world):
    api, shop, mei, tea = world["api"], world["merchant"], world["buyer"], world["tea"]
    uc = given(api, shop, mei, valid_days=1)
    read_db(
        lambda: (
            UserCoupon.update(valid_until=utcnow())
            .where(UserCoupon.id == uc["id"])
            .execute()
        )
    )
    resp = promo.order_with(api, mei, [(tea, 1)], [uc["id"]])
    assert err(resp) == (400, "coupon_unusable")
    assert "expired" in resp.get_json()["error"]["message"]
    mine = api.call("GET", "/api/v1/me/coupons", token=mei).get_json()
    assert [m["status"] for m in mine] == ["expired"]


# --- how much, on which lines -------------------------------------------------------


def test_a_product_scoped_coupon_only_on_its_products(world):
    api, shop, mei, tea, cup = (
        world["api"],
        world["merchant"],
        world["buyer"],
        world["tea"],
        world["cup"],
    )
    uc = given(
        api, shop, mei, product_ids=[cup], amount_off_cents=1000, min_spend_cents=0
    )
    order = placed(promo.order_with(api, mei, [(tea, 1), (cup, 2)], [uc["id"]]))
    order = order["order"]
    lines = assert_adds_up(order)
    assert lines[tea] == (0, 16800, 0)
    assert lines[cup] == (1000, 2 * 8900 - 1000, 1000)
    assert order["discount_cents"] == 1000
    row = uc_row(uc["id"])
    assert (row.status, row.order_id, row.discount_cents) == ("used", order["id"], 1000)


def test_percent_off_with_a_cap_split_with_the_odd_cent_on_the_largest_line(world):
    api, shop, mei, tea, cup = (
        world["api"],
        world["merchant"],
        world["buyer"],
        world["tea"],
        world["cup"],
    )
    pct = {
        "kind": "percent_off",
        "amount_off_cents": None,
        "percent_off": 10,
        "max_discount_cents": 2000,
        "min_spend_cents": 0,
        "per_user_limit": 2,
    }
    c = promo.made_coupon(api, shop, **pct)
    first, second = (promo.claimed(api, mei, c["id"]) for _ in range(2))
    small = placed(promo.order_with(api, mei, [(tea, 1)], [first["id"]]))["order"]
    assert small["discount_cents"] == 1680  # 10% of 168.00, under the cap
    assert_adds_up(small)
    # 2 teas + a cup = 425.00; 10% is 42.50, capped at 20.00: split 336:89
    # -> 1581.17 and 418.82 rounded down, the odd cent on the teas
    big = placed(promo.order_with(api, mei, [(tea, 2), (cup, 1)], [second["id"]]))
    lines = assert_adds_up(big["order"])
    assert big["order"]["discount_cents"] == 2000
    assert lines[tea][0] == 1582 and lines[cup][0] == 418


def test_a_coupon_larger_than_the_goods_takes_them_to_zero_never_below(world):
    api, shop, mei, cup = world["api"], world["merchant"], world["buyer"], world["cup"]
    uc = given(api, shop, mei, amount_off_cents=50000, min_spend_cents=0)
    order = placed(promo.order_with(api, mei, [(cup, 1)], [uc["id"]]))["order"]
    lines = assert_adds_up(order)
    assert order["discount_cents"] == 8900 and lines[cup] == (8900, 0, 8900)
    assert order["total_cents"] == order["shipping_cents"]
    assert uc_row(uc["id"]).discount_cents == 8900


def test_two_shops_two_coupons_each_on_its_own_order(world):
    api, mei, tea, cup, pot = (
        world["api"],
        world["buyer"],
        world["tea"],
        world["cup"],
        world["pot"],
    )
    teas = given(api, world["merchant"], mei, amount_off_cents=2500)
    pots = given(
        api,
        world["other"],
        mei,
        kind="percent_off",
        amount_off_cents=None,
        percent_off=15,
        min_spend_cents=0,
    )
    body = placed(
        promo.order_with(
            api, mei, [(tea, 1), (cup, 1), (pot, 2)], [pots["id"], teas["id"]]
        )
    )
    by_shop = {o["merchant_id"]: o for o in body["orders"]}
    assert len(by_shop) == 2
    tea_order = by_shop[teas["merchant_id"]]
    pot_order = by_shop[pots["merchant_id"]]
    assert tea_order["discount_cents"] == 2500
    assert pot_order["discount_cents"] == 2 * 39900 * 15 // 100
    for order in (tea_order, pot_order):
        assert_adds_up(order)
    assert uc_row(teas["id"]).order_id == tea_order["id"]
    assert uc_row(pots["id"]).order_id == pot_order["id"]
    assert uc_row(pots["id"]).discount_cents == pot_order["discount_cents"]


def test_a_red_packet_pays_as_a_coupon_of_its_amount(world):
    api, shop, mei, tea = world["api"], world["merchant"], world["buyer"], world["tea"]
    sid, lily = promo.live_on(api, [tea])
    rp = promo.red_packet(api, shop, sid, total_cents=777, count=1, min_spend_cents=0)
    rp = rp.get_json()["red_packet"]
    api.call("POST", f"/api/v1/red-packets/{rp['id']}/open", token=lily)
    got = api.call("POST", f"/api/v1/red-packets/{rp['id']}/grab", token=mei)
    assert got.status_code == 201, got.get_json()
    uc = got.get_json()["user_coupon"]
    assert got.get_json()["amount_cents"] == 777 == uc["amount_off_cents"]
    order = placed(promo.order_with(api, mei, [(tea, 1)], [uc["id"]]))["order"]
    assert order["discount_cents"] == 777
    assert_adds_up(order)
    # a pool with a minimum spend: its packets carry it
    rp = promo.red_packet(
        api, shop, sid, total_cents=500, count=1, min_spend_cents=20000
    )
    rp = rp.get_json()["red_packet"]
    api.call("POST", f"/api/v1/red-packets/{rp['id']}/open", token=lily)
    got = api.call("POST", f"/api/v1/red-packets/{rp['id']}/grab", token=mei)
    uc = got.get_json()["user_coupon"]
    assert (uc["amount_off_cents"], uc["min_spend_cents"]) == (500, 20000)
    resp = promo.order_with(api, mei, [(tea, 1)], [uc["id"]])
    assert err(resp) == (400, "coupon_min_spend")
    order = placed(promo.order_with(api, mei, [(tea, 2)], [uc["id"]]))["order"]
    assert order["discount_cents"] == 500


# --- campaign lines -----------------------------------------------------------------


def test_coupons_never_apply_to_group_buy_lines(group_buy_world):
    world = group_buy_world(stock=20)
    api, shop, mei = world["api"], world["merchant"], world["buyer"]
    uc = given(api, shop, mei, amount_off_cents=500, min_spend_cents=0)
    deal_id = world["deal"]["id"]

    def seat_with_coupon():
        buyer = User.get(User.username == "mei")
        claim = SeatClaim(GroupBuy.get_by_id(deal_id), None, 1, None)
        return checkout.place_order(
            buyer, None, SHIP, "seat-coupon-1", claim=claim, coupon_ids=[uc["id"]]
        )

    before = books()
    with pytest.raises(Exception) as refused:
        read_db(seat_with_coupon)
    assert getattr(refused.value, "code", None) == "coupon_not_applicable"
    assert books() == before
    assert read_db(lambda: TeamMember.select().count()) == 0
    # a seat through the API pays the deal's price; the coupon stays the buyer's
    resp = api.call(
        "POST",
        f"/api/v1/group-buys/{deal_id}/teams",
        token=mei,
        json={
            "qty": 1,
            "idempotency_key": "seat-coupon-2",
            "shipping": SHIP,
            "payment_method": "cod",
            "coupon_ids": [uc["id"]],
        },
    )
    assert resp.status_code == 201, resp.get_json()
    order = resp.get_json()["order"]
    assert order["discount_cents"] == 0
    assert order["items"][0]["unit_price_cents"] == world["deal"]["price_cents"]
    assert uc_row(uc["id"]).status == "unused"


@pytest.fixture
def flash_room(flash_world):
    """lily's live on air featuring teashop's tea (¥168, open to flash sales), a
    flash sale of it at ¥99, and mei holding 2 units of it."""
    world = flash_world()
    api = world["api"]
    tea = world["catalog"]["tea"]["id"]
    resp = api.call(
        "POST",
        f"/api/v1/live/{world['sid']}/flash-sales",
        token=world["host"],
        json={
            "product_id": tea,
            "price_cents": 9900,
            "quantity": 10,
            "per_user_limit": 5,
            "duration_s": 300,
        },
    )
    assert resp.status_code == 201, resp.get_json()
    sale_id = resp.get_json()["flash_sale"]["id"]
    mei = api.user("mei")

    def hold(qty=2):
        resp = api.call(
            "POST", f"/api/v1/flash-sales/{sale_id}/grab", token=mei, json={"qty": qty}
        )
        assert resp.status_code == 201, resp.get_json()
        return resp.get_json()["reservation"]["id"]

    return {**world, "tea": tea, "mei": mei, "hold": hold}


def test_flash_lines_take_a_coupon_only_when_the_merchant_allows_it(flash_room):
    api, shop, mei, tea = (
        flash_room["api"],
        flash_room["merchant"],
        flash_room["mei"],
        flash_room["tea"],
    )
    plain = given(api, shop, mei, amount_off_cents=1000, min_spend_cents=0)
    flash_ok = given(
        api, shop, mei, amount_off_cents=1000, min_spend_cents=0, allow_flash=True
    )
    hold = flash_room["hold"](2)
    before = books()
    resp = promo.order_with(api, mei, [], [plain["id"]], reservation_ids=[hold])
    assert err(resp) == (400, "coupon_not_applicable"), resp.get_json()
    assert books() == before
    # with a list-price tea beside the hold: the plain coupon is all on the tea
    order = placed(
        promo.order_with(api, mei, [(tea, 1)], [plain["id"]], reservation_ids=[hold])
    )["order"]
    assert_adds_up(order)
    lines = read_db(
        lambda: sorted(
            (ln.unit_price_cents, ln.discount_cents)
            for ln in OrderLine.select().where(OrderLine.order == order["id"])
        )
    )
    assert lines == [(9900, 0), (16800, 1000)]
    # allowed: on the sale price, 2 x 99.00
    second = flash_room["hold"](2)
    order = placed(
        promo.order_with(api, mei, [], [flash_ok["id"]], reservation_ids=[second])
    )["order"]
    assert_adds_up(order)
    assert order["discount_cents"] == 1000
    assert [(i["unit_price_cents"], i["discount_cents"]) for i in order["items"]] == [
        (9900, 1000)
    ]
    assert order["total_cents"] == 2 * 9900 - 1000 + order["shipping_cents"]


# --- commissions --------------------------------------------------------------------


def test_commissions_are_on_the_price_after_discount(journey):
    """The journey's tea is ¥100.00 at 10% commission; under last touch creator C's
    live earns the line. 2 teas and a cup (¥50) with 10% off: the teas pay
    200.00 - 20.00, so C earns 18.00, and a cancel reverses exactly that."""
    teashop, tea, cup = journey["merchant"], journey["tea"], journey["cup"]

    def buy():
        MerchantProfile.insert(
            user=teashop.id, attribution_model="last_touch"
        ).on_conflict(
            conflict_target=[MerchantProfile.user],
            update={MerchantProfile.attribution_model: "last_touch"},
        ).execute()
        coupon = coupons.create(
            teashop,
            {
                "kind": "percent_off",
                "percent_off": 10,
                "total": 5,
                "claim_ends_at": promo.at(days=1),
            },
        )
        mei = User.get(User.username == "mei")
        uc = coupons.claim(mei, coupon.id)
        placed_, _ = checkout.place_order(
            mei,
            [{"product_id": tea, "qty": 2}, {"product_id": cup, "qty": 1}],
            SHIP,
            "key-coupon-journey",
            coupon_ids=[uc.id],
        )
        return placed_[0], uc.id

    order, uc_id = read_db(buy)
    assert order.discount_cents == 2500 and order.goods_cents == 25000 - 2500
    credits = read_db(
        lambda: {
            c.product_id: (c.kind, c.revenue_cents, c.commission_cents)
            for c in AttributionCredit.select().where(
                AttributionCredit.order_id == order.id
            )
        }
    )
    assert credits[tea] == ("live_watch", 18000, 1800)
    assert credits[cup][1] == 4500  # the cup's revenue after its share too
    assert sum(rev for _, rev, _ in credits.values()) == order.goods_cents

    def ledger():
        return [
            (e.kind, e.amount_cents)
            for e in CommissionEntry.select()
            .where(CommissionEntry.order_id == order.id)
            .order_by(CommissionEntry.id)
        ]

    assert read_db(ledger) == [("accrual", 1800)]
    buyer = journey["users"]["mei"]
    read_db(lambda: orders.move(buyer, Order.get_by_id(order.id), "cancelled"))
    assert read_db(ledger) == [("accrual", 1800), ("reversal", -1800)]
    assert uc_row(uc_id).status == "unused"


# --- the coupon back, once ----------------------------------------------------------


def test_cancel_gives_the_coupon_back_once(world):
    api, shop, mei, tea = world["api"], world["merchant"], world["buyer"], world["tea"]
    uc = given(api, shop, mei)
    first = placed(promo.order_with(api, mei, [(tea, 1)], [uc["id"]]))["order"]
    assert move(api, mei, first["id"], "cancelled").status_code == 200
    row = uc_row(uc["id"])
    assert (row.status, row.order_id, row.used_at) == ("unused", None, None)
    # used again, on a second order; the first order cannot be closed again
    second = placed(promo.order_with(api, mei, [(tea, 1)], [uc["id"]]))["order"]
    for status, token in (("cancelled", mei), ("refunded", shop)):
        assert move(api, token, first["id"], status).status_code == 403
    row = uc_row(uc["id"])
    assert (row.status, row.order_id) == ("used", second["id"])
    assert move(api, shop, second["id"], "cancelled").status_code == 200
    assert uc_row(uc["id"]).status == "unused"
    # the merchant's figures count no use of it any more
    c_id = uc["coupon_id"]
    stats = api.call("GET", f"/api/v1/coupons/{c_id}/stats", token=shop).get_json()
    assert stats["stats"]["claimed"] == 1
    assert (stats["stats"]["used"], stats["stats"]["discount_cents"]) == (0, 0)
    assert stats["stats"]["gmv_cents"] == 0


def test_a_refund_of_a_paid_order_gives_it_back(world):
    api, shop, mei, tea = world["api"], world["merchant"], world["buyer"], world["tea"]
    uc = given(api, shop, mei)
    order = placed(
        promo.order_with(api, mei, [(tea, 1)], [uc["id"]], payment="bank_transfer")
    )["order"]
    assert move(api, shop, order["id"], "paid").status_code == 200
    assert uc_row(uc["id"]).status == "used"
    assert move(api, shop, order["id"], "refunded").status_code == 200
    assert uc_row(uc["id"]).status == "unused"
    # a second refund is refused and gives nothing back twice
    again = placed(promo.order_with(api, mei, [(tea, 1)], [uc["id"]]))["order"]
    assert move(api, shop, order["id"], "refunded").status_code == 403
    assert (uc_row(uc["id"]).status, uc_row(uc["id"]).order_id) == ("used", again["id"])


def test_given_back_past_its_end_it_is_expired(world):
    api, shop, mei, tea = world["api"], world["merchant"], world["buyer"], world["tea"]
    uc = given(api, shop, mei)
    order = placed(promo.order_with(api, mei, [(tea, 1)], [uc["id"]]))["order"]
    read_db(
        lambda: (
            UserCoupon.update(valid_until=PAST)
            .where(UserCoupon.id == uc["id"])
            .execute()
        )
    )
    assert move(api, mei, order["id"], "cancelled").status_code == 200
    row = uc_row(uc["id"])
    assert (row.status, row.order_id) == ("expired", None)
    mine = api.call("GET", "/api/v1/me/coupons", token=mei).get_json()
    assert [m["status"] for m in mine] == ["expired"]


def test_an_unpaid_order_swept_gives_the_coupon_back(world):
    api, shop, mei, tea = world["api"], world["merchant"], world["buyer"], world["tea"]
    uc = given(api, shop, mei)
    order = placed(
        promo.order_with(api, mei, [(tea, 1)], [uc["id"]], payment="bank_transfer")
    )["order"]
    later = utcnow() + datetime.timedelta(days=30)
    swept = read_db(lambda: orders.expire_unpaid(now=later))
    assert [o.id for o in swept] == [order["id"]]
    assert read_db(lambda: orders.expire_unpaid(now=later)) == []
    assert uc_row(uc["id"]).status == "unused"


def test_a_replayed_checkout_takes_no_second_coupon(world):
    api, shop, mei, tea = world["api"], world["merchant"], world["buyer"], world["tea"]
    c = promo.made_coupon(api, shop, per_user_limit=2)
    one, two = promo.claimed(api, mei, c["id"]), promo.claimed(api, mei, c["id"])
    body = {
        "items": [{"product_id": tea, "qty": 1}],
        "shipping": SHIP,
        "idempotency_key": "key-replay-0001",
        "payment_method": "cod",
        "coupon_ids": [one["id"]],
    }
    first = api.call("POST", "/api/v1/orders", token=mei, json=body)
    assert first.status_code == 201
    replay = api.call("POST", "/api/v1/orders", token=mei, json=body)
    assert replay.status_code == 200
    assert replay.get_json()["order"]["id"] == first.get_json()["order"]["id"]
    # the same key with the other coupon: a conflict, and the other coupon stays
    other = api.call(
        "POST", "/api/v1/orders", token=mei, json={**body, "coupon_ids": [two["id"]]}
    )
    assert err(other) == (409, "idempotency_conflict")
    assert read_db(lambda: Order.select().count()) == 1
    assert uc_row(one["id"]).status == "used" and uc_row(two["id"]).status == "unused"
    stats = api.call("GET", f"/api/v1/coupons/{c['id']}/stats", token=shop).get_json()
    assert stats["stats"]["used"] == 1 and stats["stats"]["orders"] == 1


def test_a_coupon_that_would_take_nothing_off_is_refused_not_burnt(world):
    """A free gift (¥0) with a no-threshold coupon, or 1% of ¥0.99: nothing to take
    off. The coupon must not be spent on it (it would be `used` with no order,
    and no cancel could give it back)."""
    api, shop, mei = world["api"], world["merchant"], world["buyer"]
    gift = api.product(shop, title="赠品 茶匙", price_cents=0, stock=5)["id"]
    cheap = api.product(shop, title="茶包", price_cents=99, stock=5)["id"]
    flat = given(api, shop, mei, amount_off_cents=500, min_spend_cents=0)
    pct = given(
        api,
        shop,
        mei,
        kind="percent_off",
        amount_off_cents=None,
        percent_off=1,
        min_spend_cents=0,
    )
    before = books()
    for items, uc in (([(gift, 1)], flat), ([(cheap, 1)], pct)):
        resp = promo.order_with(api, mei, items, [uc["id"]])
        assert err(resp) == (400, "coupon_not_applicable"), resp.get_json()
        assert books() == before
    # with something to take off, both work
    order = placed(promo.order_with(api, mei, [(gift, 1), (cheap, 2)], [flat["id"]]))
    assert order["order"]["discount_cents"] == 198
    assert uc_row(flat["id"]).order_id == order["order"]["id"]
