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
from tests.factories.orders import SHIP
from tests.journeys.test_journey_merchant import fits
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


# Controls a thumb taps (links inside running text aside) that are under 44px tall.
SMALL_TARGETS = """(root) => [...document.querySelectorAll(root + ' :is(a, button,'
  + ' input, select, label:has(input[type=checkbox], input[type=radio]))')]
  .filter(el => el.offsetParent !== null && !(el.matches('a') && el.closest('p, li')
    && getComputedStyle(el).display === 'inline'))
  .map(el => [el, el.getBoundingClientRect()])
  .filter(([el, box]) => box.height < 44
    && !(el.matches('input[type=checkbox], input[type=radio]') && el.closest('label')))
  .map(([el, box]) => (el.textContent.trim() || el.outerHTML).slice(0, 40)
    + ' ' + Math.round(box.height))"""


def _small_targets(page, root="main"):
    page.wait_for_load_state()  # styled
    return page.evaluate(SMALL_TARGETS, root)


def _box(page, selector):
    return page.locator(selector).bounding_box()


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
    a.wait_for_load_state("load")
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
    # the link has a row of its own, Copy below it; every control is thumb-sized
    link, copy = _box(a, "[data-share-url]"), _box(a, "[data-copy]")
    assert link["width"] > 280 and copy["y"] >= link["y"] + link["height"]
    assert _box(a, ".gb-leave-button")["height"] >= 44
    assert _small_targets(a) == []
    shots(a, "team-open-phone")
    assert_accessible(a, "team page, phone")

    b = new_page(viewport=PHONE)
    login(b, base, "lan")
    b.wait_for_url(base + "/")
    b.goto(f"{base}/products/{tea['id']}")
    assert _box(b, ".gb-join")["height"] >= 44
    b.goto(share)
    b.locator("a.gb-big").click()  # Join
    b.wait_for_selector("button.gb-place")
    assert "Join Mei's group" in b.locator("h1").inner_text()
    assert _small_targets(b) == [], _small_targets(b)
    shots(b, "join-form-phone")
    _place(b)
    b.wait_for_selector("[data-team-live]")
    assert "You're in! 1 more needed." in b.locator(".flashes").inner_text()
    assert "1 more to form the group" in b.locator("[data-team-banner]").inner_text()

    # A's page shows B without a reload.
    a.locator("[data-team-seats] [data-username=lan]").wait_for()
    assert "1 more to form the group" in a.locator("[data-team-banner]").inner_text()
    assert a.locator(".gb-seat-empty").count() == 1
    # A's "You're in! 2 more needed." from the start says the count now
    assert "You're in! 1 more needed." in a.locator(".flashes").inner_text()
    shots(a, "team-live-update-phone")
    assert_accessible(a, "team page after a join, phone")

    a.goto(f"{base}/me/teams")
    assert "Group forming: 1 more needed" in a.locator(".gb-mine").inner_text()
    shots(a, "my-groups-phone")
    assert_accessible(a, "my groups, phone")

    # A's order on the phone: the lines fit, the Total column whole
    a.locator(".gb-mine-order a").click()
    a.wait_for_selector("table.order-lines")
    a.wait_for_load_state("load")  # measured once its stylesheets are in
    lines = a.evaluate(
        "[document.querySelector('table.order-lines').scrollWidth,"
        " document.querySelector('table.order-lines').parentElement.clientWidth]"
    )
    assert lines[0] <= lines[1], lines
    assert "Group forming: 1 more needed" in a.locator(".gb-seat-state").inner_text()
    shots(a, "order-phone")
    fits(a, "a seat's order, phone")
    for page in (a, b):
        assert page.errors == [], page.errors


def test_phone_merchant_sees_seats_waiting_and_a_long_leader_name(
    live_server, new_page, shots
):
    """The shop's side on a phone: the group deals page's controls are thumb-sized,
    a deal's teams table does not stretch for a long leader name, and a seat of a
    team still forming says it ships once the group forms (orders list and page)."""
    base = live_server.url
    tea, _cup = merchant_with_two_products(base)
    deal = _deal(base, tea["id"])
    long_name = "Wang Xiaoming, a tea lover from Longjing village in Hangzhou"
    token = api_user(base, "wxm", "shopper", display_name=long_name)
    seat = {"qty": 1, "idempotency_key": "journey-wxm", "shipping": SHIP}
    placed = call_api(
        base,
        "POST",
        f"/api/v1/group-buys/{deal['id']}/teams",
        token,
        body={**seat, "payment_method": "cod"},
    )
    order_id = placed["order"]["id"]

    page = new_page(viewport=PHONE)
    login(page, base, "xihu_tea")
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto(f"{base}/merchant/group-buys")
    for name in ("+ New group deal", "Download CSV"):
        assert page.get_by_role("link", name=name).bounding_box()["height"] >= 44
    check = page.locator("label[for=f-virtual_fill]")
    box = check.bounding_box()
    assert box["height"] >= 44 and box["width"] > 250
    check.click(position={"x": box["width"] - 8, "y": box["height"] / 2})
    assert page.locator("#f-virtual_fill").is_checked()  # the whole row is the target
    assert _small_targets(page, ".page-head") == []
    shots(page, "merchant-group-buys-phone")

    page.goto(f"{base}/merchant/group-buys/{deal['id']}")
    name = page.locator(".gb-leader-name")
    assert name.get_attribute("title") == long_name
    assert name.bounding_box()["width"] <= 150  # wraps, two lines at most
    table = page.evaluate("document.querySelector('.gb-teams table').scrollWidth")
    assert table < 800, table  # ~1050 when the name did not wrap
    shots(page, "merchant-deal-teams-phone")
    fits(page, "a deal's teams, phone")

    page.goto(f"{base}/merchant/orders")
    row = page.locator("tr", has=page.locator(f"a[href='/orders/{order_id}']"))
    assert "Group buy" in row.inner_text()
    assert "Group forming: 2 more needed" in row.inner_text()
    shots(page, "merchant-orders-phone")
    assert_accessible(page, "merchant orders with a seat, phone")

    page.goto(f"{base}/orders/{order_id}")
    waits = page.locator(".gb-ship-wait").inner_text()
    assert "Group order: ships once its group forms (2 more needed)." in waits
    assert "It can ship once its group forms." in page.locator(".ship-by").inner_text()
    assert page.get_by_role("button", name="Mark as shipped").count() == 0
    shots(page, "merchant-seat-order-phone")
    fits(page, "the shop's page of a seat's order, phone")
    assert page.errors == [], page.errors
