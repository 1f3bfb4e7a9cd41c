"""Browser journey: coupons (优惠券) on a 390x844 phone, without the live room. A shop
offers ¥20 off over ¥100 and ¥5 off with no minimum; mei claims both on the tea's
product page (the strip says "Claimed"), adds two teas to the cart, and checkout
pre-selects the ¥20 coupon and shows the saving; she switches to no coupon and back
(the page recalculates), places the order, and its page shows the coupon line. My
coupons lists the used one with its order and the one still to use; in Chinese
the strip reads 满¥100.00可用. axe runs on the product page, checkout and My
coupons."""

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


def _coupons(base):
    tea, cup = merchant_with_two_products(base)
    shop = call_api(
        base, "POST", "/api/v1/tokens", body={"login": "xihu_tea", "password": PASSWORD}
    )["token"]
    ends = (
        datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=3)
    ).isoformat()
    made = []
    for body in (
        {"amount_off_cents": 2000, "min_spend_cents": 10000},
        {"amount_off_cents": 500, "min_spend_cents": 0},
    ):
        made.append(
            call_api(
                base,
                "POST",
                "/api/v1/coupons",
                shop,
                body={
                    "kind": "amount_off",
                    "total": 50,
                    "claim_ends_at": ends,
                    "valid_days": 7,
                    **body,
                },
            )["coupon"]
        )
    return tea, cup, made


def test_phone_shopper_claims_coupons_and_checkout_uses_the_best(
    live_server, new_page, shots
):
    base = live_server.url
    tea, _cup, _made = _coupons(base)
    api_user(base, "mei", "shopper")
    page = new_page(viewport=PHONE)
    login(page, base, "mei")
    page.wait_for_url(base + "/")
    page.goto(f"{base}/products/{tea['id']}")
    strip = page.locator(".coupon-strip")
    strip.wait_for()
    assert strip.locator(".coupon").count() == 2
    assert "Over ¥100.00" in strip.inner_text() and "No minimum" in strip.inner_text()
    page.wait_for_load_state("load")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
    shots(page, "product-coupons-phone")
    assert_accessible(page, "product page with coupons, phone")
    for _ in range(2):
        strip.locator(".coupon-claim button").first.click()
        page.wait_for_load_state()
    assert strip.locator(".coupon-state", has_text="Claimed").count() == 2
    assert "Coupon claimed" in page.locator(".flash").first.inner_text()
    shots(page, "coupons-claimed-phone")

    page.fill("#f-qty", "2")
    page.locator(".add-to-cart button[type=submit]").click()
    page.wait_for_load_state()
    page.goto(base + "/checkout")
    select = page.locator("select[data-coupon-select]")
    chosen = select.locator("option:checked").inner_text()
    assert "¥20" in chosen and "−¥20.00" in chosen
    summary = page.locator(".checkout-summary")
    assert "−¥20.00" in summary.inner_text()
    assert "Saved ¥20.00" in page.locator(".checkout-total").inner_text()
    assert "¥316.00" in page.locator(".checkout-total").inner_text()  # 336 - 20
    shots(page, "checkout-best-coupon-phone")
    assert_accessible(page, "checkout with a coupon, phone")

    select.select_option("none")  # the page recalculates at once
    total = page.locator(".checkout-total")
    total.locator(".price", has_text="¥336.00").wait_for()
    assert "Saved" not in total.inner_text()
    page.wait_for_load_state()  # checkout.js listens again (deferred)
    page.locator("select[data-coupon-select]").select_option(index=0)  # best first
    total.locator(".checkout-saved", has_text="Saved ¥20.00").wait_for()
    page.fill("#f-name", "王小明")
    page.fill("#f-phone", "138 0013 8000")
    page.fill("#f-address", "浙江省杭州市西湖区龙井路 1 号")
    page.locator(".checkout-place").click()
    page.wait_for_url("**/orders/*")
    coupon_row = page.locator(".order-coupon")
    assert "−¥20.00" in coupon_row.inner_text()
    assert "¥316.00" in page.locator(".order-total").inner_text()
    assert page.locator(".line-coupon").count() == 1
    shots(page, "order-with-coupon-phone")

    page.goto(base + "/me/coupons")
    mine = page.locator(".coupon-mine")
    assert mine.locator(".coupon").count() == 1  # the ¥5 one, still to use
    assert "No minimum" in mine.inner_text()
    page.locator(".coupon-tabs a[href$='status=used']").click()
    page.wait_for_load_state()
    used = page.locator(".coupon-mine .coupon-used")
    assert "saved ¥20.00" in used.inner_text() and "Order #" in used.inner_text()
    page.wait_for_load_state("load")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
    shots(page, "my-coupons-used-phone")
    assert_accessible(page, "my coupons, phone")

    zh = new_page(locale="zh-CN", viewport=PHONE)
    zh.goto(f"{base}/products/{tea['id']}")
    assert "满¥100.00可用" in zh.locator(".coupon-strip").inner_text()
    shots(zh, "product-coupons-zh-phone")
    assert not page.errors and not zh.errors, (page.errors, zh.errors)
