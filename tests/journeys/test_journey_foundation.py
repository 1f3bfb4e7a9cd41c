"""Browser journey: a merchant signs up and lists a product with a photo; a shopper
finds it and sees the thumbnail. Runs against `python app.py` in headless Chromium."""

import pytest

from tests.factories.journeys import image_loaded, signup
from tests.plugins.api import image_bytes

pytestmark = pytest.mark.browser


def test_merchant_lists_a_product_and_a_shopper_finds_it(
    live_server, new_page, shots, tmp_path
):
    base = live_server.url
    photo = tmp_path / "blender.jpg"
    photo.write_bytes(image_bytes("JPEG", size=(900, 700), color=(30, 120, 200)))

    merchant = new_page()
    signup(merchant, base, "lumi", "merchant")
    merchant.wait_for_url(base + "/merchant/products")
    assert merchant.locator("text=You have no products yet.").is_visible()
    shots(merchant, "merchant-signed-up")

    merchant.click("text=Add your first product")
    merchant.fill("#f-title", "Lumi 手持料理棒 Hand Blender 600W")
    merchant.fill("#f-description", "四档调速，不锈钢刀头。Four speeds, steel blades.")
    merchant.fill("#f-price", "129.90")
    merchant.fill("#f-stock", "25")
    merchant.select_option("#f-category", "kitchen")
    merchant.fill("#f-brand", "Lumi")
    merchant.fill("#f-tags", "料理棒, blender")
    merchant.set_input_files("#f-images", str(photo))
    shots(merchant, "product-form-filled")
    merchant.click("button:has-text('Create product')")
    merchant.wait_for_selector("text=Product created.")
    assert image_loaded(merchant, ".image-list img")
    shots(merchant, "product-created")

    merchant.click(".nav-me-btn")  # the account menu holds the role links
    merchant.click("#me-menu >> text=My products")
    row = merchant.locator("table tbody tr").first
    assert "Lumi 手持料理棒" in row.inner_text() and "¥129.90" in row.inner_text()
    merchant.click(".nav-me-btn")
    merchant.click("#me-menu button:has-text('Sign out')")
    merchant.wait_for_selector("text=You are signed out.")

    shopper = new_page(viewport={"width": 390, "height": 844})  # a phone
    signup(shopper, base, "mei", "shopper")
    shopper.wait_for_url(base + "/")
    shopper.click(".tabbar >> text=Shop")  # the phone's bottom tab bar
    shopper.wait_for_url(base + "/shop")
    assert shopper.get_attribute(".tabbar a[href='/shop']", "aria-current") == "page"
    card = shopper.locator(".product-card", has_text="Hand Blender")
    card.wait_for()
    assert image_loaded(shopper, ".product-card img")
    thumb_src = shopper.get_attribute(".product-card img", "src")
    assert thumb_src.startswith("/media/") and thumb_src.endswith("_t.webp")
    shots(shopper, "shopper-home-phone")

    shopper.click("a.chip:has-text('Kitchen')")
    shopper.wait_for_url(base + "/c/kitchen")
    shopper.click(".product-card a")
    shopper.wait_for_selector("h1:has-text('Hand Blender')")
    assert image_loaded(shopper, ".gallery-main")
    assert "¥129.90" in shopper.inner_text(".product-info")
    assert "In stock: 25" in shopper.inner_text(".product-info")
    shots(shopper, "shopper-product-page")
    assert merchant.errors == [] and shopper.errors == []


def test_site_speaks_chinese_by_accept_language_and_by_choice(
    live_server, new_page, shots
):
    base = live_server.url
    page = new_page(locale="zh-CN")
    page.goto(base + "/")
    assert page.get_attribute("html", "lang") == "zh-CN"
    assert page.locator("nav.nav >> text=登录").is_visible()
    page.goto(base + "/shop")
    assert page.locator("a.chip", has_text="厨房用品").is_visible()
    shots(page, "home-zh")

    english = new_page(locale="zh-CN")
    english.goto(base + "/login")
    english.click("button[name=lang][value=en]")
    english.wait_for_url(base + "/login")
    assert english.locator("h1", has_text="Sign in").is_visible()
    english.goto(base + "/")
    assert english.get_attribute("html", "lang") == "en"
    assert page.errors == [] and english.errors == []
