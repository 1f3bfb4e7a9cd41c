"""Payment providers (cash on delivery, bank transfer), shop settings and the
in-site notifications that follow an order through its life."""

import pytest

from livestall.accounts.models import User
from livestall.notifications.models import Notification
from livestall.orders import payments
from livestall.orders.models import Order
from tests.factories.orders import Browser, move, notes, order_id, place
from tests.plugins.app import plain, read_db, text


@pytest.fixture
def shops(orders_world):
    """teashop's tea (stock 20; bank details with a note), potshop's teapot (5), mei."""
    world = orders_world(
        only=["tea", "pot"],
        stock={"pot": 5},
        bank={"bank_note": "请在备注中填写订单号"},
    )
    return {
        **world,
        "teashop_token": world["merchant"],
        "potshop_token": world["other"],
        "buyer_token": world["buyer"],
    }


# --- shop settings --------------------------------------------------------------------


def test_settings_api_validates_and_keeps_bank_details_whole(shops):
    api, token = shops["api"], shops["potshop_token"]
    got = api.call("GET", "/api/v1/merchant/settings", token=token).get_json()
    assert got["settings"] == {
        "bank_name": "",
        "bank_account_name": "",
        "bank_account_number": "",
        "bank_note": "",
        "accepts_cod": True,
        "attribution_model": "last_touch",
        "attribution_window_days": 7,
        "shipping_fee_cents": 0,
        "free_shipping_over_cents": None,
    }
    cases = [
        ({"bank_name": "ICBC"}, "bank_account_name"),  # details come as a set
        ({"bank_name": 5}, "bank_name"),
        ({"bank_account_number": "1" * 41}, "bank_account_number"),
        ({"accepts_cod": "no"}, "accepts_cod"),
        ({"accepts_cod": False}, "accepts_cod"),  # no way left to pay
    ]
    for body, field in cases:
        resp = api.call("PUT", "/api/v1/merchant/settings", token=token, json=body)
        assert resp.status_code == 400, body
        assert resp.get_json()["error"]["field"] == field, body
    # nothing half-saved by the refusals
    got = api.call("GET", "/api/v1/merchant/settings", token=token).get_json()
    assert got["settings"]["bank_name"] == "" and got["settings"]["accepts_cod"]
    settings = api.bank_details(token, accepts_cod=False)
    assert settings["accepts_cod"] is False and settings["bank_name"].startswith("招商")
    # a shopper has no shop settings
    resp = api.call("GET", "/api/v1/merchant/settings", token=shops["buyer_token"])
    assert resp.status_code == 403


def test_methods_offered_are_those_every_shop_in_the_checkout_takes(app, shops):
    api = shops["api"]
    with app.app_context():
        tea = User.get(User.username == "teashop").id
        pot = User.get(User.username == "potshop").id
        assert payments.methods_for({tea}) == ["cod", "bank_transfer"]
        assert payments.methods_for({pot}) == ["cod"]
        assert payments.methods_for({tea, pot}) == ["cod"]
    # bank transfer to a shop with no bank details is refused, and takes no stock
    resp = place(
        api,
        shops["buyer_token"],
        [{"product_id": shops["pot"], "qty": 1}],
        "bank_transfer",
        "key-pot-0001",
    )
    assert resp.status_code == 400
    assert "payment method" in resp.get_json()["error"]["message"]
    assert read_db(lambda: Order.select().count()) == 0
    resp = place(
        api,
        shops["buyer_token"],
        [{"product_id": shops["pot"], "qty": 1}],
        "card",
        "key-pot-0002",
    )
    assert resp.status_code == 400


def test_cash_on_delivery_ships_unpaid_and_is_paid_on_delivery(shops):
    api = shops["api"]
    resp = place(
        api,
        shops["buyer_token"],
        [{"product_id": shops["tea"], "qty": 1}],
        "cod",
        "key-cod-0001",
    )
    order = resp.get_json()["order"]
    ship_by = order["payment"].pop("ship_by")  # tests/orders/test_hoarding.py
    assert order["payment"] == {"method": "cod", "amount_cents": 16800}
    assert ship_by > order["created_at"]
    assert order["paid_at"] is None
    oid = order["id"]
    # no "mark paid" for cash on delivery: nothing has been paid yet
    assert move(api, shops["teashop_token"], oid, "paid").status_code == 403
    resp = move(api, shops["teashop_token"], oid, "shipped", tracking_number="SF9001")
    assert resp.get_json()["order"]["paid_at"] is None
    resp = move(api, shops["buyer_token"], oid, "delivered")
    got = resp.get_json()["order"]
    assert got["status"] == "delivered" and got["paid_at"] is not None


def test_bank_transfer_shows_account_and_reference_then_merchant_marks_paid(shops):
    api = shops["api"]
    resp = place(
        api,
        shops["buyer_token"],
        [{"product_id": shops["tea"], "qty": 2}],
        "bank_transfer",
        "key-bank-0001",
    )
    order = resp.get_json()["order"]
    pay = order["payment"]
    assert pay["method"] == "bank_transfer" and pay["amount_cents"] == 33600
    assert pay["account_number"] == "6225 8801 2345 6789"
    assert pay["reference"] == f"LS-{order['id']:06d}"
    assert pay["note"] == "请在备注中填写订单号"
    oid = order["id"]
    # the buyer cannot declare their own transfer received; the merchant can
    assert move(api, shops["buyer_token"], oid, "paid").status_code == 403
    resp = move(api, shops["teashop_token"], oid, "paid")
    assert resp.get_json()["order"]["paid_at"] is not None
    # details stay on old orders' pages even if the shop changes them later
    api.bank_details(shops["teashop_token"], bank_account_number="1111 2222")
    got = api.call("GET", f"/api/v1/orders/{oid}", token=shops["buyer_token"])
    assert got.get_json()["order"]["paid_at"] is not None


# --- notifications --------------------------------------------------------------------


def test_notifications_follow_the_order_for_buyer_and_merchant(shops):
    api = shops["api"]
    buyer, shop = shops["buyer_token"], shops["teashop_token"]
    oid = place(
        api,
        buyer,
        [{"product_id": shops["tea"], "qty": 1}],
        "bank_transfer",
        "k-n-0001",
    ).get_json()["order"]["id"]
    assert [n["kind"] for n in notes(api, buyer)["items"]] == ["order_placed"]
    merchant_view = notes(api, shop)
    assert [n["kind"] for n in merchant_view["items"]] == ["order_placed"]
    assert merchant_view["items"][0]["data"]["role"] == "merchant"
    assert merchant_view["items"][0]["url"] == f"/orders/{oid}"
    move(api, shop, oid, "paid")
    move(api, shop, oid, "shipped", tracking_number="YT778899")
    move(api, buyer, oid, "delivered")
    got = notes(api, buyer)
    assert [n["kind"] for n in got["items"]] == [
        "order_shipped",
        "order_paid",
        "order_placed",
    ]  # newest first; the buyer is not told of the delivery they confirmed
    assert got["items"][0]["data"]["tracking_number"] == "YT778899"
    assert got["unread"] == 3
    assert [n["kind"] for n in notes(api, shop)["items"]] == [
        "order_delivered",
        "order_placed",
    ]
    # marking read: up to an id, then all
    first = got["items"][-1]["id"]
    resp = api.call(
        "POST", "/api/v1/notifications/read", token=buyer, json={"up_to_id": first}
    )
    assert resp.get_json() == {"marked": 1, "unread": 2}
    resp = api.call("POST", "/api/v1/notifications/read", token=buyer, json={})
    assert resp.get_json() == {"marked": 2, "unread": 0}
    resp = api.call(
        "POST", "/api/v1/notifications/read", token=buyer, json={"up_to_id": "x"}
    )
    assert resp.status_code == 400
    # nobody else hears of it
    stranger = api.user("lin")
    assert notes(api, stranger)["total"] == 0


def test_cancel_tells_the_other_party_only(shops):
    api = shops["api"]
    buyer, shop = shops["buyer_token"], shops["teashop_token"]
    oid = place(
        api, buyer, [{"product_id": shops["tea"], "qty": 1}], "cod", "k-c-0001"
    ).get_json()["order"]["id"]
    move(api, buyer, oid, "cancelled")
    assert "order_cancelled" not in [n["kind"] for n in notes(api, buyer)["items"]]
    assert notes(api, shop)["items"][0]["kind"] == "order_cancelled"
    oid = place(
        api, buyer, [{"product_id": shops["tea"], "qty": 1}], "cod", "k-c-0002"
    ).get_json()["order"]["id"]
    move(api, shop, oid, "cancelled")
    assert notes(api, buyer)["items"][0]["kind"] == "order_cancelled"


def test_a_replayed_checkout_does_not_notify_twice(shops):
    api = shops["api"]
    for _ in range(3):
        place(
            api,
            shops["buyer_token"],
            [{"product_id": shops["tea"], "qty": 1}],
            "cod",
            "k-replay-01",
        )
    assert read_db(lambda: Notification.select().count()) == 2  # buyer + merchant


# --- pages ----------------------------------------------------------------------------


def test_merchant_settings_page_saves_and_explains_mistakes(app, shops):
    potshop = Browser(app, "potshop", signup=False)
    page = plain(potshop.get("/merchant/settings"))
    assert "Cash on delivery" in page and "Bank transfer" in page
    resp = potshop.post(
        "/merchant/settings", {"accepts_cod": "1", "bank_name": "工商银行"}
    )
    assert resp.status_code == 400
    assert "together" in plain(resp)
    html = text(resp)
    assert 'value="工商银行"' in html  # what was typed is kept
    resp = potshop.post("/merchant/settings", {})
    assert resp.status_code == 400 and "cash on delivery on" in plain(resp)
    resp = potshop.post(
        "/merchant/settings",
        {
            "accepts_cod": "1",
            "bank_name": "工商银行",
            "bank_account_name": "宜兴紫砂坊",
            "bank_account_number": "6222 0000 1111",
        },
    )
    assert resp.status_code == 302
    html = text(potshop.get("/merchant/settings"))
    assert 'value="6222 0000 1111"' in html and "checked" in html
    # a shopper cannot open it
    assert Browser(app, "lin").get("/merchant/settings").status_code == 403


def test_checkout_page_offers_only_methods_the_shops_take(app, shops):
    mei = Browser(app, "mei", signup=False)
    mei.add(shops["pot"])
    html = text(mei.get("/checkout"))
    assert 'value="cod"' in html and 'value="bank_transfer"' not in html
    # a forged choice is refused with a message, and nothing is ordered
    resp, _ = mei.checkout("bank_transfer")
    assert resp.status_code == 400 and "payment method" in plain(resp)
    assert read_db(lambda: Order.select().count()) == 0


def test_order_page_shows_transfer_details_and_the_badge_counts(app, shops):
    mei = Browser(app, "mei", signup=False)
    mei.add(shops["tea"])
    html = text(mei.get("/checkout"))
    assert 'value="bank_transfer"' in html
    resp, _ = mei.checkout("bank_transfer")
    oid = order_id(resp)
    page = plain(mei.get(f"/orders/{oid}"))
    assert "6225 8801 2345 6789" in page and f"LS-{oid:06d}" in page
    assert "Transfer ¥168.00 to:" in page
    # the header badge: one unread for the buyer until the list is opened
    html = text(mei.get("/"))
    assert 'class="nav-notifications' in html and "1 unread" in html
    listing = plain(mei.get("/notifications"))
    assert f"Your order #{oid} is placed: ¥168.00." in listing
    assert "1 unread" not in text(mei.get("/"))
    merchant = Browser(app, "teashop", signup=False)
    assert f"New order #{oid}: ¥168.00." in plain(merchant.get("/notifications"))
    merchant.post(f"/orders/{oid}/status", {"status": "paid"})
    page = plain(mei.get(f"/orders/{oid}"))
    assert "paid" in page and "6225 8801" not in page  # no transfer prompt once paid
    assert "received your payment" in plain(mei.get("/notifications"))
    # the notification list of a user with none says so
    assert "Nothing yet" in plain(Browser(app, "lin").get("/notifications"))


def test_zh_notifications_are_translated(app, shops):
    mei = Browser(app, "mei", signup=False)
    mei.add(shops["tea"])
    mei.checkout("cod")
    mei.post("/language", {"lang": "zh", "next": "/"})
    page = plain(mei.get("/notifications"))
    assert "通知" in page and "Your order" not in page
