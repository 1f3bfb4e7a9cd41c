"""Browser journey: a shopper puts two products in the cart, checks out with cash on
delivery and sees the order; the merchant ships it with a tracking number; the
shopper reloads the order page and sees it shipped."""

import re

import pytest

from tests.conftest import PASSWORD
from tests.test_journey_content import _merchant_with_two_products
from tests.test_journey_foundation import _signup

pytestmark = pytest.mark.browser


def _sign_in(page, base, username):
    page.goto(base + "/login")
    page.fill("#f-login", username)
    page.fill("#f-password", PASSWORD)
    page.click("form button[type=submit]:has-text('Sign in')")


def test_shopper_buys_two_products_and_the_merchant_ships(live_server, new_page, shots):
    base = live_server.url
    products = _merchant_with_two_products(base)

    shopper = new_page(viewport={"width": 390, "height": 844})  # a phone
    shopper.goto(base + f"/products/{products[0]['id']}?src=post:1")
    shopper.fill("#f-qty", "2")
    shots(shopper, "product-add-to-cart")
    shopper.click("form.add-to-cart button:has-text('Add to cart')")
    shopper.wait_for_url(base + "/cart")
    shopper.goto(base + products[1]["url"])
    shopper.click("form.add-to-cart button:has-text('Add to cart')")
    shopper.wait_for_selector("text=Added to your cart.")
    assert shopper.locator(".cart-line").count() == 2
    assert shopper.locator(".subtotals", has_text="¥425.00").is_visible()
    assert shopper.locator(".nav-cart .badge").inner_text() == "3"
    shots(shopper, "cart-anonymous")

    shopper.click("a:has-text('Check out')")
    shopper.wait_for_url(re.compile(r".*/login\?next=.*"))
    shopper.click("a:has-text('Sign up')")
    _signup(shopper, base, "mei", "shopper")
    shopper.goto(base + "/cart")  # the anonymous cart joined the new account
    assert shopper.locator(".cart-line").count() == 2
    shopper.click("a:has-text('Check out')")
    shopper.wait_for_url(base + "/checkout")
    shopper.fill("#f-name", "王小明")
    shopper.fill("#f-address", "浙江省杭州市西湖区龙井路 1 号")
    shopper.fill("#f-phone", "138 0000 0000")
    shopper.check("input[name=payment_method][value=cod]")
    shots(shopper, "checkout-form")
    shopper.click("button:has-text('Place order')")
    shopper.wait_for_selector("text=Thank you! Your order is placed.")
    order_url = shopper.url
    assert re.fullmatch(re.escape(base) + r"/orders/\d+", order_url)
    assert shopper.locator(".order-status", has_text="Pending payment").is_visible()
    assert shopper.locator("td", has_text="Longjing").is_visible()
    assert shopper.locator(".nav-cart .badge").count() == 0  # the cart is empty
    shots(shopper, "order-placed")

    merchant = new_page()
    _sign_in(merchant, base, "xihu_tea")
    merchant.wait_for_url(re.compile(r".*/merchant/products.*|.*/$"))
    merchant.click("nav.nav >> text=Orders")
    merchant.wait_for_url(base + "/merchant/orders")
    row = merchant.locator("tr", has_text="Longjing")
    assert row.locator(".status", has_text="Pending payment").is_visible()
    shots(merchant, "merchant-orders")
    row.locator("a").first.click()
    merchant.wait_for_url(order_url)
    merchant.fill("#f-tracking", "SF1234567890")
    shots(merchant, "merchant-ships")
    merchant.click("button:has-text('Mark as shipped')")
    merchant.wait_for_selector("text=is now: Shipped.")
    assert merchant.locator(".tracking", has_text="SF1234567890").is_visible()
    shots(merchant, "merchant-shipped")

    shopper.reload()
    assert shopper.locator(".order-status", has_text="Shipped").is_visible()
    assert shopper.locator(".tracking", has_text="SF1234567890").is_visible()
    assert shopper.locator(".order-history li").count() == 2
    shots(shopper, "shopper-sees-shipped")

    assert not shopper.errors and not merchant.errors
