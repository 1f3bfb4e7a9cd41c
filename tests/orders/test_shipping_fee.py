"""A shop's shipping fee (issue 16): settings (API and form), the fee fixed on
each shop's order at placement (满X包邮 threshold), the order and product JSON,
and the checkout, order and list pages that show it as a line."""

import re

import pytest

from livestall.orders.models import Order, OrderLine
from tests.factories.orders import Browser, move, order_id, place
from tests.plugins.app import error_of, plain, read_db, text

SETTINGS = "/api/v1/merchant/settings"


@pytest.fixture
def shops(app, orders_world):
    """teashop (tea ¥168, cup ¥89; ¥8 shipping, free over ¥200), potshop (teapot
    ¥399; free shipping), and a buyer, mei."""
    world = orders_world()
    set_shipping(world["api"], world["merchant"], 800, 20000)
    return world


def set_shipping(api, token, fee, over=None):
    body = {"shipping_fee_cents": fee, "free_shipping_over_cents": over}
    resp = api.call("PATCH", SETTINGS, token=token, json=body)
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()["settings"]


def buy(world, items, key, payment="cod"):
    resp = place(world["api"], world["buyer"], items, payment, key)
    assert resp.status_code in (200, 201), resp.get_json()
    return resp


def lines_cents(oid):
    return read_db(
        lambda: sum(
            line.qty * line.unit_price_cents
            for line in OrderLine.select().where(OrderLine.order == oid)
        )
    )


# --- the rules ------------------------------------------------------------------------


def test_fee_is_added_to_the_order_total_and_what_the_buyer_pays(shops):
    resp = buy(shops, [{"product_id": shops["cup"], "qty": 1}], "ship-key-0001")
    assert resp.status_code == 201
    order = resp.get_json()["order"]
    assert order["goods_cents"] == 8900
    assert order["shipping_cents"] == 800
    assert order["total_cents"] == 9700
    assert order["items"] == [
        {
            "product_id": shops["cup"],
            "qty": 1,
            "unit_price_cents": 8900,
            "discount_cents": 0,  # no coupon (issue 18)
            "price_kind": None,  # the list price (issue 21)
            "saved_cents": 0,
            "title": "青瓷杯",
        }
    ]
    assert order["payment"]["amount_cents"] == 9700  # cash on delivery collects it
    assert lines_cents(order["id"]) == order["goods_cents"]  # lines: goods only
    # bank transfer: the amount to transfer is the total too
    resp = buy(
        shops,
        [{"product_id": shops["cup"], "qty": 1}],
        "ship-key-0002",
        "bank_transfer",
    )
    assert resp.get_json()["order"]["payment"]["amount_cents"] == 9700


def test_threshold_exactly_reached_ships_free_one_cent_below_does_not(shops):
    api, shop = shops["api"], shops["merchant"]
    set_shipping(api, shop, 800, 16800)
    order = buy(shops, [{"product_id": shops["tea"], "qty": 1}], "ship-key-0101")
    order = order.get_json()["order"]
    assert (order["shipping_cents"], order["total_cents"]) == (0, 16800)
    set_shipping(api, shop, 800, 16801)
    order = buy(shops, [{"product_id": shops["tea"], "qty": 1}], "ship-key-0102")
    order = order.get_json()["order"]
    assert (order["shipping_cents"], order["total_cents"]) == (800, 17600)
    # two of them reach it: the threshold is on the order's goods, not a line's
    order = buy(shops, [{"product_id": shops["cup"], "qty": 2}], "ship-key-0103")
    order = order.get_json()["order"]
    assert (order["goods_cents"], order["shipping_cents"]) == (17800, 0)
    # no threshold: the fee always applies; a fee of 0 is free shipping
    set_shipping(api, shop, 1500, None)
    order = buy(shops, [{"product_id": shops["tea"], "qty": 3}], "ship-key-0105")
    assert order.get_json()["order"]["shipping_cents"] == 1500
    set_shipping(api, shop, 0, None)
    order = buy(shops, [{"product_id": shops["cup"], "qty": 1}], "ship-key-0106")
    assert order.get_json()["order"]["total_cents"] == 8900


def test_two_shops_in_one_checkout_each_charge_their_own_fee(shops):
    set_shipping(shops["api"], shops["other"], 1200, 50000)
    resp = buy(
        shops,
        [
            {"product_id": shops["cup"], "qty": 1},
            {"product_id": shops["pot"], "qty": 1},
        ],
        "ship-key-0201",
    )
    by_shop = {o["items"][0]["product_id"]: o for o in resp.get_json()["orders"]}
    cup, pot = by_shop[shops["cup"]], by_shop[shops["pot"]]
    assert (cup["goods_cents"], cup["shipping_cents"], cup["total_cents"]) == (
        8900,
        800,
        9700,
    )
    assert (pot["goods_cents"], pot["shipping_cents"], pot["total_cents"]) == (
        39900,
        1200,
        41100,
    )
    assert cup["merchant_id"] != pot["merchant_id"]


def test_cancel_and_refund_keep_the_totals_and_the_replay_is_unchanged(shops):
    api, buyer, shop = shops["api"], shops["buyer"], shops["merchant"]
    items = [{"product_id": shops["cup"], "qty": 1}]
    first = buy(shops, items, "ship-key-0301").get_json()["order"]
    # the shop's fee changes afterwards: the order keeps the fee it was placed with
    set_shipping(api, shop, 2000, None)
    replay = buy(shops, items, "ship-key-0301")
    assert replay.status_code == 200
    assert replay.get_json()["order"] == first
    cancelled = move(api, buyer, first["id"], "cancelled").get_json()["order"]
    assert cancelled["status"] == "cancelled"
    assert (cancelled["total_cents"], cancelled["shipping_cents"]) == (9700, 800)
    assert cancelled["goods_cents"] + cancelled["shipping_cents"] == 9700
    # a paid order refunded: the amounts stay as they were paid
    paid = buy(shops, items, "ship-key-0302", "bank_transfer").get_json()["order"]
    assert paid["shipping_cents"] == 2000 and paid["total_cents"] == 10900
    assert move(api, shop, paid["id"], "paid").status_code == 200
    refunded = move(api, shop, paid["id"], "refunded").get_json()["order"]
    assert refunded["status"] == "refunded"
    assert (refunded["goods_cents"], refunded["shipping_cents"]) == (8900, 2000)
    assert refunded["total_cents"] == 10900
    stored = read_db(lambda: Order.get_by_id(paid["id"]))
    assert (stored.total_cents, stored.shipping_cents) == (10900, 2000)


# --- the API --------------------------------------------------------------------------


def test_settings_api_validates_the_fee_and_threshold(shops):
    api, token = shops["api"], shops["other"]
    got = api.call("GET", SETTINGS, token=token).get_json()["settings"]
    assert got["shipping_fee_cents"] == 0 and got["free_shipping_over_cents"] is None
    cases = [
        ({"shipping_fee_cents": -1}, "shipping_fee_cents"),
        ({"shipping_fee_cents": 100001}, "shipping_fee_cents"),
        ({"shipping_fee_cents": "800"}, "shipping_fee_cents"),
        ({"shipping_fee_cents": 8.5}, "shipping_fee_cents"),
        ({"shipping_fee_cents": True}, "shipping_fee_cents"),
        ({"shipping_fee_cents": None}, "shipping_fee_cents"),
        ({"free_shipping_over_cents": 0}, "free_shipping_over_cents"),
        ({"free_shipping_over_cents": -100}, "free_shipping_over_cents"),
        ({"free_shipping_over_cents": "9900"}, "free_shipping_over_cents"),
        ({"free_shipping_over_cents": 100_000_001}, "free_shipping_over_cents"),
        ({"shipping_fee_cents": 500, "free_shipping_over_cents": False}, None),
    ]
    for body, field in cases:
        resp = api.call("PATCH", SETTINGS, token=token, json=body)
        assert resp.status_code == 400, body
        error = resp.get_json()["error"]
        assert error["field"] == (field or "free_shipping_over_cents"), body
        assert error["code"] == "invalid"
    # nothing half-saved by the refusals
    got = api.call("GET", SETTINGS, token=token).get_json()["settings"]
    assert got["shipping_fee_cents"] == 0
    # the highest fee, a threshold, then the threshold cleared with null
    saved = set_shipping(api, token, 100000, 9900)
    assert (saved["shipping_fee_cents"], saved["free_shipping_over_cents"]) == (
        100000,
        9900,
    )
    resp = api.call(
        "PUT", SETTINGS, token=token, json={"free_shipping_over_cents": None}
    )
    assert resp.get_json()["settings"]["free_shipping_over_cents"] is None
    assert resp.get_json()["settings"]["shipping_fee_cents"] == 100000
    # a shopper has no shop and so no fee to set
    resp = api.call(
        "PATCH", SETTINGS, token=shops["buyer"], json={"shipping_fee_cents": 1}
    )
    assert resp.status_code == 403


def test_product_json_says_what_its_shop_charges_for_shipping(shops):
    api = shops["api"]
    got = api.call("GET", f"/api/v1/products/{shops['tea']}").get_json()["product"]
    assert got["shipping"] == {"fee_cents": 800, "free_over_cents": 20000}
    got = api.call("GET", f"/api/v1/products/{shops['pot']}").get_json()["product"]
    assert got["shipping"] == {"fee_cents": 0, "free_over_cents": None}


def test_order_json_lists_carry_goods_and_shipping(shops):
    api, buyer = shops["api"], shops["buyer"]
    oid = buy(shops, [{"product_id": shops["cup"], "qty": 2}], "ship-key-0401")
    oid = oid.get_json()["order"]["id"]
    got = api.call("GET", f"/api/v1/orders/{oid}", token=buyer).get_json()["order"]
    assert (got["goods_cents"], got["shipping_cents"], got["total_cents"]) == (
        17800,
        800,
        18600,
    )
    listed = api.call("GET", "/api/v1/orders", token=buyer).get_json()["items"]
    assert [(o["id"], o["shipping_cents"]) for o in listed] == [(oid, 800)]


# --- the pages ------------------------------------------------------------------------


def test_checkout_page_shows_each_shops_shipping_and_a_total_with_it(app, shops):
    set_shipping(shops["api"], shops["other"], 1200, None)
    mei = Browser(app, "mei", signup=False)
    mei.add(shops["cup"])
    page = plain(mei.get("/checkout"))
    assert "Shipping ¥8.00" in page
    assert "Free over ¥200.00" in page
    assert re.search(r"Total ¥97\.00 Place order", page), page[-300:]
    # two shops: one line each, named
    mei.add(shops["pot"])
    page = plain(mei.get("/checkout"))
    assert "Shipping · teashop ¥8.00" in page
    assert "Shipping · potshop ¥120" not in page  # ¥12.00, no threshold hint
    assert "Shipping · potshop ¥12.00" in page
    assert re.search(r"Total ¥508\.00 Place order", page)  # 89 + 8 + 399 + 12
    # over the threshold the line says free, and the hint goes
    mei.add(shops["tea"])
    page = plain(mei.get("/checkout"))
    assert "Shipping · teashop Free" in page and "Free over" not in page
    assert re.search(r"Total ¥668\.00 Place order", page)  # 257 + 0 + 399 + 12


def test_checkout_page_places_the_order_the_page_showed(app, shops):
    mei = Browser(app, "mei", signup=False)
    mei.add(shops["cup"])
    resp, _key = mei.checkout()
    oid = order_id(resp)
    page = plain(mei.get(f"/orders/{oid}"))
    assert "Goods ¥89.00 Shipping ¥8.00 Order total ¥97.00" in page
    listed = plain(mei.get("/orders"))
    assert "¥97.00 incl. ¥8.00 shipping" in listed
    desk = Browser(app, "teashop", signup=False)
    assert "¥97.00 incl. ¥8.00 shipping" in plain(desk.get("/merchant/orders"))
    csv_body = desk.get("/merchant/orders.csv").get_data().decode("utf-8-sig")
    assert csv_body.splitlines()[0].endswith(",tracking,shipping")
    assert ",97.00,CNY," in csv_body and csv_body.splitlines()[1].endswith(",8.00")
    # a free-shipping shop's order says so
    mei.add(shops["pot"])
    oid = order_id(mei.checkout(key="ship-page-key-02")[0])
    page = plain(mei.get(f"/orders/{oid}"))
    assert "Goods ¥399.00 Shipping Free Order total ¥399.00" in page
    assert "¥399.00 Free shipping" in plain(mei.get("/orders"))


def test_chinese_checkout_shows_the_fee_line(app, shops):
    mei = Browser(app, "mei", signup=False)
    mei.add(shops["cup"])
    page = plain(mei.get("/checkout", headers={"Accept-Language": "zh-CN"}))
    assert "运费 ¥8.00" in page and "满¥200.00包邮" in page


def test_settings_form_sets_the_fee_in_yuan_with_every_error_at_once(app, shops):
    desk = Browser(app, "potshop", signup=False)
    page = text(desk.get("/merchant/settings"))
    assert 'name="shipping_fee" type="text" value="0.00"' in page
    assert 'name="free_shipping_over" type="text" value=""' in page
    form = {
        "accepts_cod": "1",
        "bank_name": "工商银行",  # without the account: one more mistake
        "bank_account_name": "",
        "bank_account_number": "",
        "bank_note": "",
        "attribution_model": "last_touch",
        "attribution_window_days": "7",
        "shipping_fee": "8.505",
        "free_shipping_over": "-1",
    }
    resp = desk.post("/merchant/settings", form)
    assert resp.status_code == 400
    page = text(resp)
    assert "Check 4 fields" in page
    assert "at most 2 decimals (0 is free shipping)" in error_of(page, "shipping_fee")
    assert "or leave it empty" in error_of(page, "free_shipping_over")
    assert error_of(page, "bank_account_name") and error_of(page, "bank_account_number")
    assert 'value="8.505"' in page  # what was typed is kept
    for bad in ("1000.01", "abc", "-3", "8.5.1"):
        resp = desk.post(
            "/merchant/settings",
            {**form, "bank_name": "", "shipping_fee": bad, "free_shipping_over": ""},
        )
        assert resp.status_code == 400, bad
        assert error_of(text(resp), "shipping_fee"), bad
    resp = desk.post(
        "/merchant/settings",
        {**form, "bank_name": "", "shipping_fee": "¥12.5", "free_shipping_over": "99"},
    )
    assert resp.status_code == 302
    got = shops["api"].call("GET", SETTINGS, token=shops["other"]).get_json()
    assert got["settings"]["shipping_fee_cents"] == 1250
    assert got["settings"]["free_shipping_over_cents"] == 9900
    page = text(desk.get("/merchant/settings"))
    assert 'value="12.50"' in page and 'value="99.00"' in page
    # blank: free shipping, no threshold
    resp = desk.post(
        "/merchant/settings",
        {**form, "bank_name": "", "shipping_fee": "", "free_shipping_over": ""},
    )
    assert resp.status_code == 302
    got = shops["api"].call("GET", SETTINGS, token=shops["other"]).get_json()
    assert got["settings"]["shipping_fee_cents"] == 0
    assert got["settings"]["free_shipping_over_cents"] is None
