"""Browser journey: group buying (拼团) on a 390x844 phone. Shopper A opens a team
from the product page (the seat form, no JavaScript needed); shopper B, in a
second browser, opens A's share link and joins; A's team page shows B at once
(Socket.IO), without a reload. axe runs on every page."""

import datetime

import pytest

from tests.factories.journeys import (
    api_user,
    call_api,
    login,
    merchant_with_two_products,
)
from tests.plugins.app import PASSWORD
from tests.plugins.axe import assert_accessible

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def _deal(base, product_id):
    shop = call_api(
        base, "POST", "/api/v1/tokens", body={"login": "xihu_tea", "password": PASSWORD}
    )["token"]
    ends = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=1)
    return call_api(
        base,
        "POST",
        "/api/v1/group-buys",
        shop,
        body={
            "product_id": product_id,
            "price_cents": 9900,
            "team_size": 3,
            "team_window_s": 3600,
            "ends_at": ends.isoformat(),
            "per_user_limit": 2,
        },
    )["group_buy"]


def _place(page):
    page.fill("#f-name", "王小明")
    page.fill("#f-phone", "138 0013 8000")
    page.fill("#f-address", "浙江省杭州市西湖区龙井路 1 号")
    page.click("button.gb-place")


def test_phone_shoppers_start_and_join_a_group_live(live_server, new_page, shots):
    base = live_server.url
    tea, _cup = merchant_with_two_products(base)
    _deal(base, tea["id"])
    api_user(base, "mei", "shopper", display_name="Mei")
    api_user(base, "lan", "shopper", display_name="Lan")

    a = new_page(viewport=PHONE)
    login(a, base, "mei")
    a.wait_for_url(base + "/")
    a.goto(f"{base}/products/{tea['id']}")
    start = a.locator("a.gb-start")
    assert "¥99.00" in start.inner_text() and "3-person group" in start.inner_text()
    assert "¥168.00" in a.locator("button.gb-alone").inner_text()
    alone, group = a.locator("button.gb-alone").bounding_box(), start.bounding_box()
    assert abs(alone["y"] - group["y"]) < 2 and group["width"] > alone["width"]
    assert a.evaluate("document.scrollingElement.scrollWidth") <= 390
    shots(a, "product-with-group-phone")
    assert_accessible(a, "product page with a group deal, phone")

    start.click()
    a.wait_for_selector("button.gb-place")
    shots(a, "start-form-phone")
    assert_accessible(a, "start a group form, phone")
    _place(a)
    a.wait_for_selector("[data-team-live]")
    assert "2 more to form the group" in a.locator("[data-team-banner]").inner_text()
    assert a.locator(".gb-seat-empty").count() == 2
    a.wait_for_function(
        "/^\\d\\d:\\d\\d:\\d\\d$/.test(document.querySelector('[data-countdown]')"
        ".textContent) && document.querySelector('[data-countdown]').textContent"
        " < '01:00:00'"
    )
    a.wait_for_selector("[data-copy]:not([hidden])")
    share = a.locator("[data-share-url]").input_value()
    assert "?s=" in share
    shots(a, "team-open-phone")
    assert_accessible(a, "team page, phone")

    b = new_page(viewport=PHONE)
    login(b, base, "lan")
    b.wait_for_url(base + "/")
    b.goto(share)
    b.locator("a.gb-big").click()  # Join
    b.wait_for_selector("button.gb-place")
    assert "Join Mei's group" in b.locator("h1").inner_text()
    shots(b, "join-form-phone")
    _place(b)
    b.wait_for_selector("[data-team-live]")
    assert "You're in! 1 more needed." in b.locator(".flashes").inner_text()
    assert "1 more to form the group" in b.locator("[data-team-banner]").inner_text()

    # A's page shows B without a reload.
    a.locator("[data-team-seats] [data-username=lan]").wait_for()
    assert "1 more to form the group" in a.locator("[data-team-banner]").inner_text()
    assert a.locator(".gb-seat-empty").count() == 1
    shots(a, "team-live-update-phone")
    assert_accessible(a, "team page after a join, phone")

    a.goto(f"{base}/me/teams")
    assert "Group forming: 1 more needed" in a.locator(".gb-mine").inner_text()
    shots(a, "my-groups-phone")
    assert_accessible(a, "my groups, phone")
    for page in (a, b):
        assert page.errors == [], page.errors
