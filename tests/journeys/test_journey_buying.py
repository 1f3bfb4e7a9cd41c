"""Browser journey (issue 16), on a 390x844 phone in English and Chinese: a shopper
adds a product, changes the quantity with the stepper (no page load), checks out
typing an address once; the second checkout uses the remembered address with no
typing, the total and Place order always in view; a cash-on-delivery order says
it is to be shipped. Axe on cart, checkout and order pages; the checkout on a
desktop too."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories.journeys import merchant_with_two_products
from tests.plugins.app import PASSWORD
from tests.plugins.axe import assert_accessible

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
WORDS = {
    "en-US": {"cod": "To be shipped · pay on delivery", "free": "Free"},
    "zh-CN": {"cod": "待发货 · 货到付款", "free": "包邮"},
}


def in_viewport(page, selector):
    box = page.locator(selector).bounding_box()
    size = page.viewport_size
    return (
        box is not None
        and box["y"] >= 0
        and box["y"] + box["height"] <= size["height"]
        and box["x"] + box["width"] <= size["width"]
    )


def signup(page, base, username):
    """Sign up as a shopper through the page, in whatever language it shows."""
    page.goto(base + "/signup")
    page.fill("#f-username", username)
    page.fill("#f-display_name", username.capitalize())
    page.fill("#f-email", f"{username}@example.com")
    page.fill("#f-password", PASSWORD)
    page.check("input[name=role][value=shopper]")
    page.click("main form button[type=submit]")
    page.wait_for_url(lambda url: "/signup" not in url)


def add_to_cart(page, base, product):
    page.goto(base + product["url"])
    page.click("form.add-to-cart button[type=submit]")
    page.wait_for_url(base + "/cart")


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_second_checkout_uses_the_remembered_address(
    live_server, new_page, shots, locale
):
    base = live_server.url
    words = WORDS[locale]
    products = merchant_with_two_products(base)
    shopper = new_page(locale=locale, viewport=PHONE)
    signup(shopper, base, "mei")

    # the cart: a thumbnail, and the stepper applies without a page load
    add_to_cart(shopper, base, products[0])
    line = shopper.locator(".cart-line").first
    assert line.locator(".cart-thumb img").is_visible()
    assert shopper.locator(".qty-update").first.is_hidden()  # no Update button
    shopper.evaluate("window.__samePage = true")
    line.locator("button.step[value='1']").click()
    expect(line.locator("input[name=qty]")).to_have_value("2")
    assert shopper.locator(".cart-line .cart-total").first.inner_text() == "¥336.00"
    assert shopper.locator(".subtotals", has_text="¥336.00").is_visible()
    assert shopper.evaluate("window.__samePage === true")  # updated in place
    expect(shopper.locator("#cart-status")).to_have_text(re.compile(r"\S"))
    assert_accessible(shopper, f"cart, phone, {locale}")
    shots(shopper, "cart-stepper")

    # first checkout: nothing saved yet, the address is typed once
    shopper.click(".cart-summary a[href='/checkout']")
    shopper.wait_for_url(base + "/checkout")
    assert shopper.locator("input[name=address_id]").count() == 0
    assert in_viewport(shopper, ".checkout-bar .checkout-place")
    assert shopper.locator(".shipping-line", has_text=words["free"]).is_visible()
    shopper.fill("#f-name", "王小明")
    shopper.fill("#f-phone", "+86 138-0013-8000")
    shopper.fill("#f-address", "上海市徐汇区漕溪北路 88 号 1 单元 101")
    assert_accessible(shopper, f"checkout, first, phone, {locale}")
    shots(shopper, "checkout-typed")
    shopper.click(".checkout-place")
    shopper.wait_for_url(re.compile(re.escape(base) + r"/orders/\d+$"))
    first_order = shopper.url
    assert shopper.locator(".order-status").inner_text() == words["cod"]
    assert shopper.locator(".order-facts", has_text="138 0013 8000").count() == 0
    assert shopper.locator(".order-facts", has_text="+86 138-0013-8000").is_visible()
    # times are localised by localtime.js (it titles each with the UTC instant)
    assert shopper.locator("time[data-local][title]").count() >= 2
    assert_accessible(shopper, f"order, phone, {locale}")
    shots(shopper, "order-cod")

    # second checkout: the remembered address, no typing
    add_to_cart(shopper, base, products[1])
    shopper.click(".cart-summary a[href='/checkout']")
    shopper.wait_for_url(base + "/checkout")
    card = shopper.locator(".address-card")
    assert card.is_visible() and "王小明" in card.inner_text()
    assert "138 0013 8000" in card.inner_text()
    assert shopper.locator("#address-choices").is_hidden()  # folded behind Change
    assert shopper.locator("#f-address").is_hidden()
    assert shopper.input_value("#f-address") == ""  # the test typed nothing
    assert shopper.input_value("#f-phone") == ""
    assert in_viewport(shopper, ".checkout-bar .checkout-total")
    assert in_viewport(shopper, ".checkout-bar .checkout-place")
    assert shopper.locator(".checkout-total", has_text="¥89.00").is_visible()
    assert_accessible(shopper, f"checkout, remembered, phone, {locale}")
    shots(shopper, "checkout-remembered")
    # Change shows the saved addresses and "New address" (which opens the fields)
    shopper.click(".address-change")
    assert shopper.locator("#address-choices").is_visible()
    shopper.check("input[name=address_id][value=new]")
    assert shopper.locator("#f-address").is_visible()
    assert_accessible(shopper, f"checkout, choosing, phone, {locale}")
    shots(shopper, "checkout-change")
    shopper.locator("input[name=address_id]").first.check()
    assert shopper.locator("#f-address").is_hidden()
    # scrolled to the bottom, the bar is still in view
    shopper.mouse.wheel(0, 3000)
    assert in_viewport(shopper, ".checkout-bar .checkout-place")
    shopper.click(".checkout-place")
    shopper.wait_for_url(re.compile(re.escape(base) + r"/orders/\d+$"))
    assert shopper.url != first_order
    facts = shopper.locator(".order-facts").inner_text()
    assert "王小明" in facts and "138 0013 8000" in facts and "漕溪北路 88 号" in facts
    assert shopper.locator(".order-status").inner_text() == words["cod"]
    shots(shopper, "second-order")

    # my orders: both, worded for cash on delivery
    shopper.goto(base + "/orders")
    assert shopper.locator(".status", has_text=words["cod"]).count() == 2
    assert_accessible(shopper, f"my orders, phone, {locale}")
    shots(shopper, "my-orders")

    # the address book (Me area) holds the remembered address, as the default
    shopper.goto(base + "/account/addresses")
    item = shopper.locator(".address-item.is-default")
    assert item.count() == 1 and "138 0013 8000" in item.inner_text()
    assert_accessible(shopper, f"address book, phone, {locale}")
    shots(shopper, "address-book")


def test_checkout_on_a_desktop_keeps_the_total_beside_the_lines(
    live_server, new_page, shots
):
    base = live_server.url
    products = merchant_with_two_products(base)
    shopper = new_page(viewport={"width": 1280, "height": 900})
    signup(shopper, base, "mei")
    add_to_cart(shopper, base, products[0])
    shopper.goto(base + "/checkout")
    bar = shopper.locator(".checkout-bar").bounding_box()
    delivery = shopper.locator(".checkout-delivery").bounding_box()
    assert bar["x"] > delivery["x"] + delivery["width"]  # in the side column
    assert (
        shopper.evaluate(
            "getComputedStyle(document.querySelector('.checkout-bar')).position"
        )
        == "static"
    )
    assert_accessible(shopper, "checkout, desktop")
    shots(shopper, "checkout-desktop")
    shopper.goto(base + "/account/addresses")
    assert_accessible(shopper, "address book, desktop")
