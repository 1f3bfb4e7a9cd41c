"""Browser journey: a shopper puts two products in the cart, checks out with cash on
delivery and sees the order; the merchant ships it with a tracking number; the
shopper reloads the order page and sees it shipped."""

import re

import pytest

from tests.factories.journeys import login, merchant_with_two_products, signup

pytestmark = pytest.mark.browser


def test_shopper_buys_two_products_and_the_merchant_ships(live_server, new_page, shots):
    base = live_server.url
    products = merchant_with_two_products(base)

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
    shopper.click("main a[href^='/signup']")  # the phone header has no Sign up
    signup(shopper, base, "mei", "shopper")
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
    cod = "To be shipped · pay on delivery"  # an unpaid COD order (issue 16)
    assert shopper.locator(".order-status", has_text=cod).is_visible()
    assert shopper.locator("td", has_text="Longjing").is_visible()
    assert shopper.locator(".nav-cart .badge").count() == 0  # the cart is empty
    shots(shopper, "order-placed")

    merchant = new_page()
    login(merchant, base, "xihu_tea")
    merchant.wait_for_url(re.compile(r".*/merchant/products.*|.*/$"))
    merchant.click(".nav-me-btn")  # the account menu holds the role links
    merchant.click("nav.nav >> text=Orders")
    merchant.wait_for_url(base + "/merchant/orders")
    row = merchant.locator("tr", has_text="Longjing")
    assert row.locator(".status", has_text=cod).is_visible()
    shots(merchant, "merchant-orders")
    # the merchant's long nav still shows the language switch on screen
    box = merchant.locator(".lang-switch button[value=zh]").bounding_box()
    assert box and box["x"] + box["width"] <= merchant.viewport_size["width"]
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

    # The parcel arrives; the shopper sends it back within the 7 days and the
    # merchant refunds the order when it is back.
    shopper.click("button:has-text('Mark as delivered')")
    shopper.wait_for_selector("text=is now: Delivered.")
    returns = shopper.locator(".returns-until", has_text="send the goods back")
    assert returns.is_visible()
    shots(shopper, "shopper-delivered-returns-open")
    merchant.reload()
    assert merchant.locator(".returns-until", has_text="goods come back").is_visible()
    merchant.click("button:has-text('Refund')")
    merchant.wait_for_selector("text=is now: Refunded.")
    assert merchant.locator(".returns-until").count() == 0
    shots(merchant, "merchant-refunded-return")
    shopper.reload()
    assert shopper.locator(".order-status", has_text="Refunded").is_visible()
    assert shopper.locator(".order-history li").count() == 4

    assert not shopper.errors and not merchant.errors


def test_bank_transfer_from_shop_settings_to_paid_with_notifications(
    live_server, new_page, shots
):
    base = live_server.url
    products = merchant_with_two_products(base)

    merchant = new_page()
    login(merchant, base, "xihu_tea")
    merchant.wait_for_url(re.compile(r".*/merchant/products.*|.*/$"))
    merchant.click(".nav-me-btn")
    merchant.click("nav.nav >> text=Shop settings")
    merchant.wait_for_url(base + "/merchant/settings")
    merchant.fill("#f-bank_name", "招商银行 杭州分行")
    merchant.fill("#f-bank_account_name", "西湖茶舍")
    merchant.click("button:has-text('Save settings')")  # the number is missing
    merchant.wait_for_selector("text=together")
    # the refused form answers 400, which the browser logs; nothing else may
    assert [e for e in merchant.errors if "400" not in e] == []
    merchant.errors.clear()
    merchant.fill("#f-bank_account_number", "6225 8801 2345 6789")
    shots(merchant, "shop-settings")
    merchant.click("button:has-text('Save settings')")
    merchant.wait_for_selector("text=Shop settings saved.")

    shopper = new_page()
    shopper.goto(base + "/signup")
    signup(shopper, base, "mei", "shopper")
    shopper.wait_for_selector("button:has-text('Sign out')", state="attached")
    shopper.goto(base + products[0]["url"])
    shopper.click("form.add-to-cart button:has-text('Add to cart')")
    shopper.wait_for_url(base + "/cart")
    shopper.click("a:has-text('Check out')")
    shopper.fill("#f-name", "王小明")
    shopper.fill("#f-address", "浙江省杭州市西湖区龙井路 1 号")
    shopper.fill("#f-phone", "138 0000 0000")
    shopper.check("input[name=payment_method][value=bank_transfer]")
    shopper.click("button:has-text('Place order')")
    shopper.wait_for_selector("text=Thank you! Your order is placed.")
    order_url = shopper.url
    oid = int(order_url.rsplit("/", 1)[1])
    box = shopper.locator(".pay-box")
    assert box.locator("dd", has_text="6225 8801 2345 6789").is_visible()
    assert box.locator(".pay-reference").inner_text() == f"LS-{oid:06d}"
    assert "or the order is cancelled" in box.locator(".pay-by").inner_text()
    shots(shopper, "bank-transfer-details")

    merchant.reload()
    assert merchant.locator(".nav-notifications .badge").inner_text() == "1"
    merchant.click(".nav-notifications")
    merchant.wait_for_url(base + "/notifications")
    item = merchant.locator(".notification.unread", has_text=f"New order #{oid}")
    assert item.is_visible()
    shots(merchant, "merchant-notifications")
    item.locator("a").click()
    merchant.wait_for_url(order_url)
    assert merchant.locator(".nav-notifications .badge").count() == 0
    merchant.click("button:has-text('Mark as paid')")
    merchant.wait_for_selector("text=is now: Paid.")

    shopper.reload()
    assert shopper.locator(".order-status", has_text="Paid").is_visible()
    assert shopper.locator(".pay-box").count() == 0
    assert shopper.locator(".nav-notifications .badge").inner_text() == "2"
    shopper.click(".nav-notifications")
    assert shopper.locator(
        ".notification", has_text="The shop received your payment"
    ).is_visible()
    shots(shopper, "shopper-notifications")
    assert not shopper.errors and not merchant.errors
