"""Shop membership's pages (会员): the merchant's console (the programme's form
and its errors, the purchases waiting for a transfer with Mark paid, the
members), the product form's member price, a shop's membership page (join free
in one tap, buy by bank transfer with its instructions, the trial once, renewing
early), my memberships with what member prices saved, the member price on cards
and the product page, the cart and the order page, the expiry notification, the
maintenance pass, access (another shop's purchase is a 404, shoppers get 403 on
the console) and the Chinese pages."""

import re

import pytest

from blueprints.maintenance import maintenance_pass
from livestall.catalog.models import Product
from livestall.membership import plans, rules
from livestall.membership.models import MemberPurchase
from tests.factories import membership as mf
from tests.factories.orders import Browser, order_id
from tests.plugins.app import error_of, plain, read_db, text


@pytest.fixture
def world(app, membership_world):
    """membership_world (teashop's tea ¥168, member price ¥148, and cup ¥89; a
    free plan and 金卡年卡 ¥99 for 365 days with a 7-day trial; mei) with
    browsers for mei, the shop, another shop and an anonymous visitor."""
    w = membership_world()
    w["app"] = app
    w["mei_b"] = Browser(app, "mei", signup=False)
    w["shop_b"] = Browser(app, "teashop", signup=False)
    w["anon"] = Browser(app)
    return w


def _flashes(resp):
    return " ".join(
        re.sub(r"<[^>]+>", "", m)
        for m in re.findall(r'<p class="flash flash-\w+">(.*?)</p>', text(resp), re.S)
    )


def _page(w):
    return f"/shops/{w['merchant_id']}/membership"


def _join(w, plan, mode, browser=None):
    browser = browser or w["mei_b"]
    return browser.post(f"{_page(w)}/join", {"plan_id": str(w[plan]), "mode": mode})


def _pending(w):
    return read_db(
        lambda: MemberPurchase.get(
            (MemberPurchase.user == w["buyer_id"])
            & (MemberPurchase.status == "pending")
        )
    )


def _plans(w):
    return read_db(
        lambda: [
            (p.name, p.price_cents, p.days, p.trial_days)
            for p in plans.plans_of(w["merchant_id"])
        ]
    )


# --- the merchant's console -----------------------------------------------------


def test_console_lists_plans_purchases_and_members(world):
    shop = world["shop_b"]
    bought = _join(world, "gold", "buy")
    assert bought.status_code == 302 and bought.location.endswith("#pay")
    purchase = _pending(world)
    page = shop.get("/merchant/membership")
    assert page.status_code == 200
    body = plain(page)
    assert "Shop membership" in body and "入会有礼" in body and "金卡年卡" in body
    assert 'value="99.00"' in text(page) and 'value="365"' in text(page)
    reference = f"LM-{purchase.id:06d}"
    assert "Waiting for payment 1" in body
    assert f"mei · 金卡年卡 · ¥99.00 Reference: {reference}" in body
    assert "pay by" in body and "Mark paid" in body
    assert "Active members 0" in body and "Waiting for payment 0" not in body
    paid = shop.post(f"/merchant/membership/purchases/{purchase.id}/paid")
    assert paid.status_code == 302 and paid.location.endswith("#members")
    after = shop.get("/merchant/membership")
    assert f"Marked paid: mei is a member now ({reference})." in _flashes(after)
    body = plain(after)
    assert "No purchase is waiting for payment." in body
    assert "Active members 1" in body and "Expired members 0" in body
    assert "Member Plan Ends mei 金卡年卡 " in body
    again = shop.post(f"/merchant/membership/purchases/{purchase.id}/paid")
    assert "already dealt with" in _flashes(shop.get(again.location))
    assert read_db(lambda: rules.active_member(world["buyer_id"], world["merchant_id"]))


def test_a_late_payment_is_a_message(world):
    _join(world, "gold", "buy")
    purchase = _pending(world)
    mf.age_purchase(purchase.id, hours=73)
    shop = world["shop_b"]
    resp = shop.post(f"/merchant/membership/purchases/{purchase.id}/paid")
    assert resp.status_code == 302
    page = shop.get(resp.location)
    assert "The payment deadline has passed: it was cancelled." in _flashes(page)
    assert "No purchase is waiting for payment." in plain(page)


def test_console_access(world, app):
    _join(world, "gold", "buy")
    purchase = _pending(world)
    path = f"/merchant/membership/purchases/{purchase.id}/paid"
    other = Browser(app, "potshop", role="merchant")
    assert other.post(path).status_code == 404  # another shop's purchase
    assert other.post("/merchant/membership/purchases/999999/paid").status_code == 404
    assert world["mei_b"].get("/merchant/membership").status_code == 403
    assert world["mei_b"].post(path).status_code == 403
    anon = world["anon"].get("/merchant/membership")
    assert anon.status_code == 302 and "/login" in anon.location
    assert _pending(world).status == "pending"
    # the other shop's console shows its own (nothing), never teashop's
    body = plain(other.get("/merchant/membership"))
    assert (
        "Reference: LM-" not in body and "No purchase is waiting for payment." in body
    )


def _form(rows, enabled=True, **extra):
    data = {"enabled": "1"} if enabled else {}
    for i, row in enumerate(rows):
        data.update({f"plan-{i}-{k}": v for k, v in row.items()})
    return {**data, **extra}


def test_console_saves_plans(world):
    shop = world["shop_b"]
    ids = read_db(lambda: [p.id for p in plans.plans_of(world["merchant_id"])])
    form = _form(
        [
            {"id": ids[0], "name": "入会", "price": "", "days": "", "trial": ""},
            {"id": ids[1], "name": "金卡", "price": "99", "days": "365", "remove": "1"},
            {"name": "月卡", "price": "19.90", "days": "30", "trial": "3"},
            {"name": "", "price": "", "days": "", "trial": ""},  # blank: skipped
        ]
    )
    resp = shop.post("/merchant/membership", form)
    assert resp.status_code == 302, error_of(text(resp), "plan-2-price")
    assert "Membership saved." in _flashes(shop.get("/merchant/membership"))
    assert _plans(world) == [("入会", 0, None, 0), ("月卡", 1990, 30, 3)]
    # turning it off keeps the plans, and the shop's page says it is closed
    ids = read_db(lambda: [p.id for p in plans.plans_of(world["merchant_id"])])
    rows = [{"id": ids[0], "name": "入会"}, {"id": ids[1], "name": "月卡"}]
    rows[1].update(price="19.90", days="30")
    assert shop.post("/merchant/membership", _form(rows, False)).status_code == 302
    assert "This shop has no membership open." in plain(world["anon"].get(_page(world)))
    store = plain(world["anon"].get(f"/shops/{world['merchant_id']}"))
    assert "Membership" not in store


def test_console_form_errors_are_messages(world):
    shop = world["shop_b"]
    form = _form(
        [
            {"name": "", "price": "10", "days": "30"},
            {"name": "年卡", "price": "abc", "days": "30"},
            {"name": "年卡", "price": "99", "days": ""},
            {"name": "入会", "price": "0", "trial": "7"},
            {"name": "周卡", "price": "9", "days": "0", "trial": "200"},
        ]
    )
    resp = shop.post("/merchant/membership", form)
    assert resp.status_code == 400
    html = text(resp)
    assert error_of(html, "plan-0-name") == "Give each plan a name."
    assert "(0 is a free plan)" in error_of(html, "plan-1-price")
    assert error_of(html, "plan-2-days") == "A paid plan lasts a number of days."
    assert error_of(html, "plan-3-trial") == "Only a paid plan has a free trial."
    assert error_of(html, "plan-4-days") == "Enter a whole number from 1 to 3660."
    assert error_of(html, "plan-4-trial") == "Enter a whole number from 0 to 90."
    assert "Check 6 fields" in plain(resp)
    assert 'value="abc"' in html  # what was typed stays
    # seven plans: too many; open with none: refused by the rules
    seven = _form([{"name": f"P{i}", "price": "0"} for i in range(7)])
    resp = shop.post("/merchant/membership", seven)
    assert resp.status_code == 400 and "Give at most 6 plans." in plain(resp)
    resp = shop.post("/merchant/membership", {"enabled": "1"})
    assert resp.status_code == 400
    assert "Add a plan to open the membership." in plain(resp)
    assert len(_plans(world)) == 2  # nothing changed


def test_add_another_plan_shows_a_row_without_saving(world):
    shop = world["shop_b"]
    page = text(shop.get("/merchant/membership"))
    assert 'name="plan-2-name"' in page and 'name="plan-3-name"' not in page
    form = _form([{"name": "A", "price": "0"}, {"name": "B", "price": "5"}])
    resp = shop.post("/merchant/membership", {**form, "add": "1"})
    assert resp.status_code == 200
    html = text(resp)
    assert 'name="plan-2-name"' in html and 'value="B"' in html
    assert [p[0] for p in _plans(world)] == ["入会有礼", "金卡年卡"]


# --- the product form -----------------------------------------------------------


def test_product_form_member_price(world):
    shop = world["shop_b"]
    path = f"/merchant/products/{world['tea']}/edit"
    html = text(shop.get(path))
    assert 'name="member_price"' in html and 'value="148.00"' in html

    def stored():
        return read_db(lambda: Product.get_by_id(world["tea"]).member_price_cents)

    assert shop.post(path, {"member_price": "150.5"}).status_code == 302
    assert stored() == 15050
    resp = shop.post(path, {"member_price": "168"})
    assert resp.status_code == 400
    msg = "The member price must be below the price."
    assert error_of(text(resp), "member_price") == msg
    resp = shop.post(path, {"member_price": "12,x"})
    assert resp.status_code == 400 and "148.00" in error_of(text(resp), "member_price")
    assert stored() == 15050
    assert shop.post(path, {"member_price": ""}).status_code == 302
    assert stored() is None
    made = shop.post(
        "/merchant/products/new",
        {
            "title": "白茶",
            "price": "80",
            "member_price": "70",
            "currency": "CNY",
            "stock": "3",
            "commission": "10",
            "category": "kitchen",
        },
    )
    assert made.status_code == 302, plain(made)[:2000]
    new_id = int(re.search(r"/products/(\d+)/edit", made.location).group(1))
    assert read_db(lambda: Product.get_by_id(new_id).member_price_cents) == 7000


# --- a shop's membership page ---------------------------------------------------


def test_join_free_in_one_tap(world):
    page = world["anon"].get(_page(world))
    assert page.status_code == 200
    body = plain(page)
    assert "teashop membership" in body
    assert "入会有礼 Free · no end date Join free" in body
    assert "金卡年卡 ¥99.00 for 365 days 7-day free trial, once" in body
    assert "Start a 7-day free trial" in body and "Buy · ¥99.00" in body
    store = text(world["anon"].get(f"/shops/{world['merchant_id']}"))
    assert f'href="{_page(world)}"' in store
    anon = _join(world, "free", "free", world["anon"])
    assert anon.status_code == 302 and anon.location.startswith("/login")
    resp = _join(world, "free", "free")
    assert resp.status_code == 302 and resp.location.endswith("#status")
    after = world["mei_b"].get(_page(world))
    assert "Welcome! You are a member now" in _flashes(after)
    body = plain(after)
    assert "Your membership Membership active 入会有礼 · no end date" in body
    assert "Join free" not in body and "Your plan" in body
    assert world["anon"].get("/shops/999999/membership").status_code == 404
    bad = world["mei_b"].post(f"{_page(world)}/join", {"plan_id": "x"})
    assert bad.status_code == 302
    assert "plan_id must be a whole number." in _flashes(
        world["mei_b"].get(_page(world))
    )


def test_buy_shows_the_bank_transfer(world):
    resp = _join(world, "gold", "buy")
    purchase = _pending(world)
    page = world["mei_b"].get(resp.location.split("#")[0])
    assert "transfer ¥99.00 with the reference" in _flashes(page)
    body = plain(page)
    assert "Waiting for payment" in body
    assert "Your purchase of 金卡年卡 is waiting for your transfer." in body
    assert "Transfer ¥99.00 to: Bank 招商银行 杭州分行" in body
    assert "Account number 6225 8801 2345 6789" in body
    assert f"Reference LM-{purchase.id:06d}" in body
    assert "Pay by" in body and "or the purchase is cancelled" in body
    assert 'id="pay"' in text(page)
    again = _join(world, "gold", "buy")
    msg = "A purchase of this membership is waiting for payment."
    assert msg in _flashes(world["mei_b"].get(again.location))
    mine = plain(world["mei_b"].get("/me/memberships"))
    assert "teashop Waiting for payment 金卡年卡" in mine
    assert f"LM-{purchase.id:06d}" in mine


def test_trial_once_and_renewing_early(world):
    resp = _join(world, "gold", "trial")
    page = world["mei_b"].get(resp.location.split("#")[0])
    assert "Your 7-day free trial has started" in _flashes(page)
    body = plain(page)
    assert "金卡年卡 · active until" in body
    assert "Renew early · ¥99.00" in body
    assert "Renewing now adds 365 days to your current end" in body
    assert "Start a 7-day free trial" not in body
    mf.set_ends(world["buyer_id"], world["merchant_id"], seconds=-1)
    body = plain(world["mei_b"].get(_page(world)))
    assert "Membership expired" in body and "Renew it to pay member prices" in body
    assert "Start a 7-day free trial" not in body and "Buy · ¥99.00" in body
    again = _join(world, "gold", "trial")
    msg = "You have had this shop's free trial already."
    assert msg in _flashes(world["mei_b"].get(again.location))


def test_own_shop_has_no_buttons(world):
    body = plain(world["shop_b"].get(_page(world)))
    assert "This is your shop. Edit its membership" in body
    assert "Join free" not in body and "Buy" not in body


# --- prices ---------------------------------------------------------------------


def test_member_price_to_non_members_and_members(world):
    product = f"/products/{world['tea']}"
    for browser in (world["anon"], world["mei_b"]):
        html = text(browser.get(product))
        body = plain(browser.get(product))
        assert "¥168.00 Member price ¥148.00 Join the shop's membership" in body
        assert f'href="{_page(world)}"' in html
        cards = plain(browser.get(f"/shops/{world['merchant_id']}"))
        assert "龙井 250g ¥168.00 Member price ¥148.00" in cards
        assert "青瓷杯 ¥89.00 teashop" in cards  # no member price: nothing
    _join(world, "free", "free")
    body = plain(world["mei_b"].get(product))
    assert "Member price ¥148.00 Original price ¥168.00" in body
    assert "you save ¥20.00 on each" in body and "Join the shop's" not in body
    for path in (f"/shops/{world['merchant_id']}", "/shop"):
        cards = plain(world["mei_b"].get(path))
        assert "龙井 250g Member price ¥148.00 Original price ¥168.00" in cards
    found = world["mei_b"].get("/search", query_string={"q": "龙井"})
    assert found.status_code == 200
    if "龙井 250g" in plain(found):  # when the index has it already
        assert "Member price ¥148.00 Original price ¥168.00" in plain(found)
    # a lapsed member sees the list price again
    mf.set_ends(world["buyer_id"], world["merchant_id"], seconds=-1)
    assert "¥168.00 Member price ¥148.00 Join" in plain(world["mei_b"].get(product))


def test_cards_ask_once_per_page(world, monkeypatch):
    calls = []
    real = rules.member_shops
    monkeypatch.setattr(rules, "member_shops", lambda *a: calls.append(a) or real(*a))
    _join(world, "free", "free")
    for n in range(3):
        world["api"].product(world["merchant"], title=f"茶 {n}", member_price_cents=1)
    calls.clear()
    world["mei_b"].get("/shop")
    assert len(calls) == 1
    world["anon"].get("/shop")
    assert len(calls) == 1  # nobody signed in: no question


def test_cart_and_order_say_member_price_and_saved(world):
    mei = world["mei_b"]
    _join(world, "free", "free")
    mei.add(world["tea"], 2)
    mei.add(world["cup"], 1)
    cart = plain(mei.get("/cart"))
    assert "Member price ¥148.00 Original price ¥168.00" in cart
    assert "¥296.00" in cart
    placed, _ = mei.checkout()
    page = mei.get(f"/orders/{order_id(placed)}")
    body = plain(page)
    assert "龙井 250g ¥148.00 Member price · saved ¥40.00 × 2 ¥296.00" in body
    assert "青瓷杯 ¥89.00 × 1" in body
    seller = plain(world["shop_b"].get(f"/orders/{order_id(placed)}"))
    assert "Member price · saved ¥40.00" in seller
    mine = plain(mei.get("/me/memberships"))
    assert "You saved ¥40.00 this year with member prices." in mine
    assert "Saved ¥40.00 this year" in mine
    me = text(mei.get("/me"))
    assert 'href="/me/memberships"' in me


def test_my_memberships_empty_and_signed_out(world):
    resp = world["mei_b"].get("/me/memberships")
    assert "No memberships yet." in plain(resp)
    anon = world["anon"].get("/me/memberships")
    assert anon.status_code == 302 and "/login" in anon.location


# --- the reminder and the sweep -------------------------------------------------


def test_expiring_notification_links_to_the_shop(world, app):
    _join(world, "gold", "trial")
    mf.set_ends(world["buyer_id"], world["merchant_id"], days=3)
    with app.app_context():
        done = read_db(lambda: maintenance_pass(app)["memberships"])
    assert done["warned"] == 1
    page = world["mei_b"].get("/notifications")
    body = plain(page)
    assert "Your 金卡年卡 membership ends" in body
    assert "renew it to keep paying member prices" in body
    assert f'href="{_page(world)}"' in text(page)
    items = (
        world["api"]
        .call("GET", "/api/v1/notifications", token=world["buyer"])
        .get_json()["items"]
    )
    found = [n for n in items if n["kind"] == "membership_expiring"]
    assert found and found[0]["url"] == _page(world)


def test_maintenance_pass_expires_memberships(world, app):
    _join(world, "free", "free")
    mf.set_ends(world["buyer_id"], world["merchant_id"], seconds=-1)
    _join(world, "gold", "buy")
    mf.age_purchase(_pending(world).id, hours=73)
    with app.app_context():
        done = read_db(lambda: maintenance_pass(app))
    assert done["memberships"] == {"expired": 1, "cancelled": 1, "warned": 0}


# --- Chinese --------------------------------------------------------------------


def test_pages_in_chinese(world):
    for browser in (world["mei_b"], world["shop_b"]):
        browser.post("/language", {"lang": "zh", "next": "/"})
    mei, shop = world["mei_b"], world["shop_b"]
    body = plain(mei.get(_page(world)))
    assert "teashop 会员" in body and "免费入会" in body
    assert "开始 7 天免费试用" in body and "¥99.00 / 365 天" in body
    assert "会员价 ¥148.00" in plain(mei.get(f"/products/{world['tea']}"))
    _join(world, "free", "free")
    assert "会员有效" in plain(mei.get(_page(world)))
    assert "会员价 ¥148.00 原价 ¥168.00" in plain(mei.get(f"/products/{world['tea']}"))
    mei.add(world["tea"], 1)
    placed, _ = mei.checkout()
    assert "会员价 · 省 ¥20.00" in plain(mei.get(f"/orders/{order_id(placed)}"))
    assert "今年会员价已为你节省 ¥20.00。" in plain(mei.get("/me/memberships"))
    console = plain(shop.get("/merchant/membership"))
    assert "店铺会员" in console and "有效会员 1" in console
    assert "会员价" in plain(shop.get(f"/merchant/products/{world['tea']}/edit"))
