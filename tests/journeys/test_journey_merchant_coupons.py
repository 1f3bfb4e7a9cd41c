"""Browser journey: a merchant's coupon and red-packet console on a phone (390x844).
The form shows only the chosen kind's fields; "Chosen products" with none chosen
is said next to the products with what was typed kept; the coupon is then created
(its end typed in the browser's zone, stored in UTC), paused, resumed and ended
("End" asks first); a pool of red packets is funded for a live featuring the
shop's tea. Every page passes axe, has one h1 and never scrolls sideways."""

import datetime

import pytest
from playwright.sync_api import expect

from tests.factories.journeys import api_user, call_api, live_on_air
from tests.journeys.test_journey_merchant import fits, sign_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def test_merchant_runs_coupons_and_red_packets_on_a_phone(live_server, new_page, shots):
    base = live_server.url
    token = api_user(base, "chaye_shop", "merchant", display_name="茶叶小铺")
    made = []
    goods = (("明前龙井 Longjing 250g 特级礼盒装", 16800), ("青瓷杯", 8900))
    for title, cents in goods:
        body = {"title": title, "price_cents": cents, "category": "kitchen", "stock": 9}
        made.append(call_api(base, "POST", "/api/v1/products", token, body)["product"])
    session, _ = live_on_air(base, made[:1], made[0], host="lily_host")

    page = new_page(viewport=PHONE)
    sign_in(page, base, "chaye_shop")
    page.goto(base + "/merchant/coupons")
    fits(page, "coupons, none yet")
    shots(page, "empty")

    # percent off: the amount field goes, the percent and its cap show
    assert page.is_visible("#f-amount_off") and not page.is_visible("#f-percent_off")
    assert not page.is_visible("#f-product_ids")
    page.check("#f-kind-percent")
    assert page.is_visible("#f-percent_off") and page.is_visible("#f-max_discount")
    assert not page.is_visible("#f-amount_off")
    page.fill("#f-percent_off", "15")
    page.fill("#f-max_discount", "30")
    page.fill("#f-min_spend", "100")
    page.check("#f-scope-products")
    assert page.is_visible("#f-product_ids")
    ends = (datetime.datetime.now() + datetime.timedelta(days=5)).replace(
        hour=20, minute=0, second=0, microsecond=0
    )
    page.fill("#f-claim_ends_at", ends.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#f-total", "200")
    page.fill("#f-title", "春茶节 85折")
    page.click("#coupon-form button[type=submit]")
    page.wait_for_selector("#error-summary")
    assert page.locator("#e-product_ids").inner_text() == "Choose at least one product."
    assert page.input_value("#f-percent_off") == "15"
    assert page.input_value("#f-title") == "春茶节 85折"
    assert page.is_checked("#f-kind-percent") and page.is_checked("#f-scope-products")
    expect(page.locator("#f-amount_off")).to_be_hidden()
    fits(page, "coupon form with an error")
    shots(page, "no-product-chosen")

    page.check(f"input[name=product_ids][value='{made[0]['id']}']")
    page.click("#coupon-form button[type=submit]")
    page.wait_for_selector("text=Coupon created.")
    card = page.locator(".pc-coupons .pc-card").first
    assert "春茶节 85折" in card.inner_text() and "0 / 200" in card.inner_text()
    fits(page, "coupons with one")
    shots(page, "created")
    [coupon] = call_api(base, "GET", "/api/v1/merchant/coupons", token)["items"]
    assert (coupon["percent_off"], coupon["max_discount_cents"]) == (15, 3000)
    assert coupon["product_ids"] == [made[0]["id"]]
    typed = ends.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M")
    assert coupon["claim_ends_at"].startswith(typed), (coupon["claim_ends_at"], typed)

    card.locator("button:has-text('Pause')").click()
    page.wait_for_selector("text=Coupon paused")
    card = page.locator(".pc-coupons .pc-card").first
    card.locator("button:has-text('Resume')").click()
    page.wait_for_selector("text=Coupon resumed")
    card = page.locator(".pc-coupons .pc-card").first
    card.locator("a:has-text('Details')").click()
    page.wait_for_selector(".pc-tiles")
    assert page.locator("#stat-claimed").inner_text() == "0 / 200"
    fits(page, "a coupon's page")
    shots(page, "coupon")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("button:has-text('End coupon')")
    page.wait_for_selector("text=Coupon ended")
    assert page.locator(".pc-head form").count() == 0

    # red packets for lily's live, which features the tea
    page.goto(base + "/merchant/coupons#red-packets")
    page.select_option("#f-rp_live_id", str(session["id"]))
    page.fill("#f-rp_total", "50")
    page.fill("#f-rp_count", "10")
    page.click("#red-packet-form button[type=submit]")
    page.wait_for_selector("text=Red packets ready")
    pool = page.locator(".pc-packet").first
    assert "0 / 10" in pool.inner_text() and "¥50.00" in pool.inner_text()
    assert "The host opens it in the live." in pool.inner_text()
    fits(page, "coupons and a pool")
    shots(page, "red-packets")
