"""Browser journey: a shop's shipping fee (issue 16) on a 390x844 phone, in English
and Chinese. The shop charges ¥8 shipping, free over ¥99. A shopper checks out one
¥89 cup: checkout shows the ¥8 line and the free-over hint, and the total (sticky
at the bottom) includes it; the order page shows goods, shipping and total. Then,
in a live room's buy sheet, the same line: free once two cups pass ¥99, ¥8 again
for one, and the order placed from the sheet charges what the sheet showed. axe
passes on the checkout page, the order page and the sheet."""

import re

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
WORDS = {  # what the pages say, by locale
    "en-US": {"free": "Free", "free_over": "Free over ¥99.00"},
    "zh-CN": {"free": "包邮", "free_over": "满¥99.00包邮"},
}


def _world(base):
    """xihu_tea (¥8 shipping, free over ¥99) with its tea and cup; lily's live
    selling both, the cup pinned; mei, a shopper."""
    tea, cup = merchant_with_two_products(base)
    shop = call_api(
        base, "POST", "/api/v1/tokens", body={"login": "xihu_tea", "password": PASSWORD}
    )["token"]
    settings = call_api(
        base,
        "PATCH",
        "/api/v1/merchant/settings",
        shop,
        {"shipping_fee_cents": 800, "free_shipping_over_cents": 9900},
    )["settings"]
    assert settings["shipping_fee_cents"] == 800
    session, _host = live_on_air(base, [tea, cup], pinned=cup)
    return cup, session, api_user(base, "mei", "shopper")


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_phone_shopper_sees_the_shops_fee_at_checkout_and_in_the_buy_sheet(
    live_server, new_page, shots, locale
):
    base = live_server.url
    words = WORDS[locale]
    cup, session, buyer = _world(base)
    page = new_page(locale=locale, viewport=PHONE)
    login(page, base, "mei")
    page.wait_for_url(base + "/")

    # One ¥89 cup: below ¥99, so ¥8 shipping, and the total says ¥97.
    page.goto(base + cup["url"])
    page.click("form.add-to-cart button[type=submit]")
    page.wait_for_url(base + "/cart")
    page.goto(base + "/checkout")
    summary = page.locator(".checkout-summary")
    assert summary.locator(".shipping-fee").inner_text() == "¥8.00"
    assert summary.locator(".shipping-hint").inner_text() == words["free_over"]
    total = page.locator(".checkout-bar .checkout-total .price")
    assert total.inner_text() == "¥97.00"
    page.fill("#f-name", "王小明")
    page.fill("#f-phone", "138 0013 8000")
    page.fill("#f-address", "浙江省杭州市西湖区龙井路 1 号")
    page.locator(".checkout-summary").scroll_into_view_if_needed()
    box = page.locator(".checkout-bar").bounding_box()  # the sticky total, in view
    assert box and box["y"] + box["height"] <= PHONE["height"]
    page.wait_for_load_state("load")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]
    shots(page, f"checkout-fee-{locale}")
    assert_accessible(page, f"checkout with a shipping fee ({locale})")
    page.click(".checkout-place")
    page.wait_for_url(re.compile(r".*/orders/\d+$"))
    assert page.locator("tr.order-shipping td").inner_text() == "¥8.00"
    assert page.locator("tr.order-goods td").inner_text() == "¥89.00"
    assert page.locator("tr.order-total td").inner_text() == "¥97.00"
    shots(page, f"order-fee-{locale}")
    assert_accessible(page, f"order page with a shipping fee ({locale})")
    orders = call_api(base, "GET", "/api/v1/orders", buyer)["items"]
    assert [(o["shipping_cents"], o["total_cents"]) for o in orders] == [(800, 9700)]

    # Second time, in the live room's buy sheet, with the remembered address.
    page.goto(f"{base}/live/{session['id']}")
    page.wait_for_selector("#live-pinned a.live-buy")
    page.click("#live-pinned a.live-buy")
    sheet = page.locator("#buy-sheet")
    sheet.locator(".buy-product-title").wait_for()
    shipping = sheet.locator(".buy-sum-shipping dd")
    assert shipping.inner_text() == f"¥8.00 ({words['free_over']})"
    assert sheet.locator(".buy-sum-total dd").inner_text() == "¥97.00"
    assert sheet.locator("input[name=address_id]:checked").count() == 1
    shots(page, f"buy-sheet-fee-{locale}")
    assert_accessible(page, f"buy sheet with a shipping fee ({locale})")
    sheet.locator(".stepper-btn").last.click()  # two cups: ¥178, over ¥99
    assert shipping.inner_text() == words["free"]
    assert sheet.locator(".buy-sum-total dd").inner_text() == "¥178.00"
    assert sheet.locator(".buy-footer-total strong").inner_text() == "¥178.00"
    shots(page, f"buy-sheet-free-{locale}")
    sheet.locator(".stepper-btn").first.click()  # back to one
    assert shipping.inner_text().startswith("¥8.00")
    sheet.locator(".buy-place").click()
    done = sheet.locator(".buy-done")
    done.wait_for()
    assert "¥97.00" in done.inner_text()  # the courier collects goods + shipping
    assert page.url == f"{base}/live/{session['id']}"
    orders = call_api(base, "GET", "/api/v1/orders", buyer)["items"]
    assert [(o["shipping_cents"], o["total_cents"]) for o in orders] == [
        (800, 9700),
        (800, 9700),
    ]
