"""Browser journey: a shopper types in the header search box, sees suggestions,
submits, narrows by a category facet and sees highlighted results, in English and
in Chinese."""

import pytest

from tests.factories.journeys import call_api

pytestmark = pytest.mark.browser

PRODUCTS = [
    ("Lumi 手持料理棒 Hand Blender 600W", "kitchen", 29900),
    ("Countertop Blender 破壁机 1.5L", "kitchen", 59900),
    ("Blender Bottle 摇摇杯 Sports Shaker", "sports", 4900),
    ("真无线蓝牙耳机 Wireless Earbuds", "electronics", 19900),
]


def _catalogue(base):
    token = call_api(
        base,
        "POST",
        "/api/v1/users",
        body={
            "username": "lumi_shop",
            "email": "lumi@example.com",
            "password": "correct horse battery",
            "role": "merchant",
        },
    )["token"]
    for title, category, price in PRODUCTS:
        call_api(
            base,
            "POST",
            "/api/v1/products",
            token=token,
            body={
                "title": title,
                "category": category,
                "price_cents": price,
                "stock": 3,
            },
        )


def test_search_from_the_header(live_server, new_page, shots):
    _catalogue(live_server.url)
    page = new_page()
    page.goto(live_server.url + "/shop")
    box = page.locator("#site-search")
    box.click()
    box.press_sequentially("blen", delay=40)
    suggestions = page.locator("#site-search-list [role=option]")
    suggestions.first.wait_for()
    assert suggestions.count() == 3
    assert box.get_attribute("aria-expanded") == "true"
    shots(page, "autocomplete")

    box.fill("blenders")
    box.press("Enter")
    page.wait_for_url("**/search?q=blenders")
    assert page.locator(".search-results h2").inner_text() == "3 products"
    assert page.locator(".search-hit mark").first.inner_text() == "Blender"
    kitchen = page.locator(".facet-category a.facet[data-value=kitchen]")
    assert kitchen.locator(".count").inner_text() == "2"
    shots(page, "results")

    kitchen.click()
    page.wait_for_url("**category=kitchen**")
    assert page.locator(".search-results h2").inner_text() == "2 products"
    assert page.locator(".search-hit").count() == 2
    assert "Shaker" not in page.locator(".search-results").inner_text()
    shots(page, "facet-kitchen")

    page.select_option("select[name=sort]", "price_desc")
    page.locator(".search-filters button[type=submit]").click()
    page.wait_for_url("**sort=price_desc**")
    first = page.locator(".search-hit .card-title").first.inner_text()
    assert first.startswith("Countertop")

    page.goto(live_server.url + "/search?q=blendr")
    page.locator(".did-you-mean a").click()
    page.wait_for_url("**q=blender**")
    assert page.locator(".search-hit").count() == 3
    assert page.errors == []


def test_search_in_chinese(live_server, new_page, shots):
    _catalogue(live_server.url)
    page = new_page(locale="zh-CN")
    page.goto(live_server.url + "/")
    box = page.locator("#site-search")
    box.fill("料理")
    page.locator("#site-search-list [role=option]").first.wait_for()
    box.press("Enter")
    page.wait_for_url("**/search?q=**")
    mark = page.locator(".search-hit mark").first
    assert mark.inner_text() == "料理"
    shots(page, "zh-results")
    assert page.errors == []
