"""Browser journey: group buying (拼团) end to end, each shopper on a 390x844 touch
phone in a browser of their own. A merchant's tea has a deal for teams of 3 and is
pinned in a live on air. Mei starts a group from the product page (the seat form)
and reads its share link; Lan opens the link and joins, and Mei's team page shows
her at once; Tao, watching the live, sees the deal and Mei's team on the pinned
card, joins from the buy sheet and the group forms: Mei's page turns "Group
formed!", Lan's orders say so. Until then the shop cannot ship a seat; now it
ships Mei's with a tracking number and Mei's order reads Shipped. The API confirms
the three seats at the group price, one team_formed per member, stock down by 3.
axe runs on the team page and the live room."""

import datetime

import pytest

from tests.factories.journeys import (
    api_user,
    call_api,
    live_on_air,
    login,
    merchant_with_two_products,
)
from tests.plugins.app import PASSWORD
from tests.plugins.axe import assert_accessible

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
TRACKING = "SF1234567890"


@pytest.fixture
def phone_page(browser, new_page, request):
    """Pages in fresh touch-phone contexts (390x844, is_mobile, has_touch) that,
    like `new_page`'s, collect console errors and are described on failure."""
    contexts = []

    def make():
        context = browser.new_context(
            locale="en-US", viewport=PHONE, is_mobile=True, has_touch=True
        )
        contexts.append(context)
        page = context.new_page()
        page.errors, page.bad_responses = [], []
        page.on("pageerror", lambda exc: page.errors.append(str(exc)))
        page.on(
            "console",
            lambda msg: page.errors.append(msg.text) if msg.type == "error" else None,
        )
        page.on(
            "response",
            lambda r: (
                page.bad_responses.append((r.status, r.url))
                if r.status >= 400
                else None
            ),
        )
        request.node.open_pages.append(page)  # new_page's list: failure reports
        return page

    yield make
    for context in contexts:
        context.close()


def _token(base, username):
    body = {"login": username, "password": PASSWORD}
    return call_api(base, "POST", "/api/v1/tokens", body=body)["token"]


def _world(base):
    """xihu_tea's tea (20 in stock) with a ¥99.00 deal for teams of 3, pinned in
    lily's live on air: (tea, deal, session, shop token)."""
    tea, cup = merchant_with_two_products(base)
    shop = _token(base, "xihu_tea")
    ends = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=1)
    deal = call_api(
        base,
        "POST",
        "/api/v1/group-buys",
        shop,
        body={
            "product_id": tea["id"],
            "price_cents": 9900,
            "team_size": 3,
            "team_window_s": 3600,
            "ends_at": ends.isoformat(),
            "per_user_limit": 2,
        },
    )["group_buy"]
    session, _host = live_on_air(base, [tea, cup], pinned=tea)
    return tea, deal, session, shop


def _signed_in(make, base, username):
    page = make()
    login(page, base, username)
    page.wait_for_url(lambda url: "/login" not in url)  # a shop lands elsewhere
    return page


def _seat_orders(base, token):
    return call_api(base, "GET", "/api/v1/orders", token)["items"]


def _formed_notes(base, token):
    items = call_api(base, "GET", "/api/v1/notifications", token)["items"]
    return [n.get("data") or {} for n in items if n["kind"] == "team_formed"]


def _merchant_offers_ship(page):
    return page.locator(".order-actions input[name=status][value=shipped]").count()


def test_three_phone_shoppers_form_a_group_and_the_shop_ships_it(
    live_server, new_page, phone_page, shots
):
    base = live_server.url
    tea, deal, session, _shop = _world(base)
    stock_before = call_api(base, "GET", f"/api/v1/products/{tea['id']}")["product"]
    assert stock_before["stock"] == 20
    tokens = {
        name: api_user(base, name, "shopper", display_name=name.capitalize())
        for name in ("mei", "lan", "tao")
    }

    # 1-2. Mei taps "Start a group" on the product page and fills the seat form.
    a = _signed_in(phone_page, base, "mei")
    a.goto(f"{base}/products/{tea['id']}")
    start = a.locator("a.gb-start")
    assert "¥99.00" in start.inner_text() and "3-person group" in start.inner_text()
    a.wait_for_load_state("load")
    assert a.evaluate("document.scrollingElement.scrollWidth") <= 390
    shots(a, "a-product-phone")
    start.tap()
    a.wait_for_selector("button.gb-place")
    assert "Start a group" in a.locator("h1").inner_text()
    a.fill("#f-name", "王小明")
    a.fill("#f-phone", "138 0013 8000")
    a.fill("#f-address", "浙江省杭州市西湖区龙井路 1 号")
    a.check("input[name=payment_method][value=cod]")
    shots(a, "a-seat-form-phone")
    a.locator("button.gb-place").tap()
    a.wait_for_selector("[data-team-live]")
    team_url = a.url
    team_id = int(team_url.rstrip("/").rsplit("/", 1)[1])
    assert "2 more to form the group" in a.locator("[data-team-banner]").inner_text()
    assert a.locator(".gb-seat-empty").count() == 2
    a.wait_for_selector("[data-copy]:not([hidden])")
    share = a.locator("[data-share-url]").input_value()
    assert share.startswith(base) and f"/teams/{team_id}" in share and "?s=" in share
    a.wait_for_load_state("load")
    assert a.evaluate("document.scrollingElement.scrollWidth") <= 390
    shots(a, "a-team-open-phone")
    assert_accessible(a, "team page (leader, open), phone")
    (a_order,) = _seat_orders(base, tokens["mei"])

    # 3. Lan opens the shared link on her phone and joins; Mei's page hears it.
    b = _signed_in(phone_page, base, "lan")
    b.goto(share)
    assert "2 more to form the group" in b.locator("[data-team-banner]").inner_text()
    shots(b, "b-shared-link-phone")
    b.locator("a.gb-big").tap()  # Join the group at ¥99.00
    b.wait_for_selector("button.gb-place")
    assert "Join Mei's group" in b.locator("h1").inner_text()
    b.fill("#f-name", "李兰")
    b.fill("#f-phone", "139 0013 9000")
    b.fill("#f-address", "上海市黄浦区南京东路 100 号")
    b.check("input[name=payment_method][value=cod]")
    b.locator("button.gb-place").tap()
    b.wait_for_url(team_url.split("?")[0] + "*")
    assert "You're in! 1 more needed." in b.locator(".flashes").inner_text()
    shots(b, "b-joined-phone")

    a.locator("[data-team-seats] [data-username=lan]").wait_for()
    assert "1 more to form the group" in a.locator("[data-team-banner]").inner_text()
    assert a.locator(".gb-seat-empty").count() == 1
    assert a.url == team_url  # no reload
    shots(a, "a-team-after-join-phone")

    # Not formed yet: the shop's page for Mei's order offers no Ship.
    shop = _signed_in(lambda: new_page(viewport=DESKTOP), base, "xihu_tea")
    shop.goto(f"{base}/orders/{a_order['id']}")
    assert "Group forming: 1 more needed" in shop.locator(".gb-seat-state").inner_text()
    assert _merchant_offers_ship(shop) == 0
    assert shop.locator("#f-tracking").count() == 0
    shots(shop, "shop-order-unformed-desktop")

    # 4. Tao, in the live room, sees the deal and Mei's team on the pinned card.
    c = _signed_in(phone_page, base, "tao")
    c.goto(f"{base}/live/{session['id']}")
    c.wait_for_selector("#live-badge .live-badge-live")
    card = c.locator("#live-pinned")
    card.locator(".group-start").wait_for()
    assert "Group price ¥99.00" in card.inner_text()
    assert "Teams of 3" in card.inner_text()
    row = card.locator(f".group-team[data-team-id='{team_id}']")
    row.wait_for()
    assert "Mei" in row.inner_text() and "1 more needed" in row.inner_text()
    c.wait_for_load_state("load")
    assert c.evaluate("document.scrollingElement.scrollWidth") <= 390
    shots(c, "c-room-open-team-phone")
    assert_accessible(c, "live room with an open team, phone")

    row.locator(".group-join").tap()
    sheet = c.locator("#buy-sheet")
    sheet.locator("#buy-sheet-title", has_text="Join the group").wait_for()
    sheet.locator(".buy-price", has_text="¥99.00").wait_for()
    c.fill("#buy-name", "陶涛")
    c.fill("#buy-phone", "137 0013 7000")
    c.fill("#buy-address", "北京市东城区王府井大街 8 号")
    shots(c, "c-buy-sheet-phone")
    sheet.locator(".buy-place").tap()
    done = sheet.locator(".group-done")
    done.wait_for()
    assert "The group is complete!" in done.inner_text()
    assert done.locator(".group-seat.is-empty").count() == 0
    assert c.url.startswith(f"{base}/live/")  # still watching
    shots(c, "c-group-formed-sheet-phone")

    # Mei's team page turns formed by itself (拼团成功).
    a.locator("h1.gb-banner-ok").wait_for()
    assert "Group formed!" in a.locator("h1#gb-h").inner_text()
    seats = a.locator("[data-team-seats] [data-username]")
    assert [seats.nth(i).get_attribute("data-username") for i in range(3)] == [
        "mei",
        "lan",
        "tao",
    ]
    assert a.locator(".gb-seat-empty").count() == 0
    assert a.locator("[data-share-url]").count() == 0  # nothing left to share
    shots(a, "a-team-formed-phone")
    assert_accessible(a, "team page (formed), phone")

    b.goto(f"{base}/orders")
    assert "Group formed" in b.locator(".gb-seat-state").first.inner_text()
    shots(b, "b-orders-formed-phone")

    # 5. The shop: every seat may ship now; it ships Mei's with a tracking number.
    shop.goto(f"{base}/merchant/orders")
    assert shop.locator(".orders-table tbody tr").count() == 3
    shots(shop, "shop-orders-desktop")
    orders = {
        name: _seat_orders(base, token)[0]["id"] for name, token in tokens.items()
    }
    for order_id in orders.values():
        shop.goto(f"{base}/orders/{order_id}")
        assert "Group formed" in shop.locator(".gb-seat-state").inner_text()
        assert _merchant_offers_ship(shop) == 1
    shop.goto(f"{base}/merchant/orders")
    shop.locator(f".orders-table a[href$='/orders/{orders['mei']}']").click()
    shop.fill("#f-tracking", TRACKING)
    shots(shop, "shop-order-formed-desktop")
    shop.locator("form.order-move:has(#f-tracking) button[type=submit]").click()
    shop.locator(".order-status", has_text="Shipped").wait_for()
    assert (
        f"Order #{orders['mei']} is now: Shipped."
        in shop.locator(".flashes").inner_text()
    )

    a.goto(f"{base}/orders/{orders['mei']}")
    assert a.locator(".order-status").inner_text() == "Shipped"
    assert TRACKING in a.locator(".tracking").inner_text()
    shots(a, "a-order-shipped-phone")

    # The data: three seats at the group price, formed once, stock down by 3.
    for name, token in tokens.items():
        (order,) = _seat_orders(base, token)
        assert [
            (line["product_id"], line["unit_price_cents"], line["qty"])
            for line in order["items"]
        ] == [(tea["id"], 9900, 1)], name
        formed = _formed_notes(base, token)
        assert len(formed) == 1, (name, formed)
        assert formed[0]["team_id"] == team_id and formed[0]["virtual"] is False
    team = call_api(base, "GET", f"/api/v1/teams/{team_id}")["team"]
    assert team["status"] == "succeeded" and team["seats_left"] == 0
    assert [m["username"] for m in team["members"]] == ["mei", "lan", "tao"]
    found = call_api(base, "GET", f"/api/v1/group-buys/{deal['id']}")["group_buy"]
    assert found["stats"]["teams_succeeded"] == 1
    assert found["stats"]["teams_open"] == found["stats"]["teams_failed"] == 0
    after = call_api(base, "GET", f"/api/v1/products/{tea['id']}")["product"]
    assert after["stock"] == 20 - 3
    for page in (a, b, c, shop):
        assert page.errors == [], (page.url, page.errors)
