"""Browser journey (issue 25): on a phone, a shopper types pinyin initials into the
header box and the lipstick is suggested; `kouhong`, `kou hong` and the synonym
唇膏 all put it first on the results page, with its matched words marked; axe runs
on the results."""

import pytest

from tests.factories.journeys import api_user, call_api
from tests.plugins.axe import assert_accessible

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
PRODUCTS = [
    ("丝绒雾面口红 Velvet Matte Lipstick", "beauty", "Clearskin", 8900),
    ("口袋红茶 Pocket Black Tea", "tea-drinks", "Xihu", 2900),
    ("保湿面霜 Moisturising Cream", "beauty", "Clearskin", 12900),
    ("iPhone 15 手机壳 Phone Case", "electronics", "Nova", 3900),
]


def _catalogue(base):
    token = api_user(base, "clearskin_shop", "merchant", "初见 Clearskin")
    for title, category, brand, price in PRODUCTS:
        call_api(
            base,
            "POST",
            "/api/v1/products",
            token=token,
            body={
                "title": title,
                "category": category,
                "brand": brand,
                "price_cents": price,
                "stock": 5,
            },
        )


def test_a_phone_shopper_finds_lipstick_by_pinyin_initials_and_synonym(
    live_server, new_page, shots
):
    _catalogue(live_server.url)
    page = new_page(viewport=PHONE, locale="zh-CN")
    page.goto(live_server.url + "/")
    box = page.locator("#site-search")
    box.click()
    box.press_sequentially("kh", delay=60)
    suggestions = page.locator("#site-search-list [role=option]")
    suggestions.first.wait_for()
    assert "丝绒雾面口红" in suggestions.all_inner_texts()[0]
    shots(page, "pinyin-suggest")

    box.fill("kouhong")
    box.press("Enter")
    page.wait_for_url("**/search?q=kouhong")
    first = page.locator(".search-hit .card-title").first
    assert first.inner_text().startswith("丝绒雾面口红")
    assert page.locator(".search-hit").count() == 1  # not the 口袋红茶 tea
    assert first.locator("mark").first.inner_text() == "口红"  # read as kouhong
    shots(page, "pinyin-results")
    assert_accessible(page, "pinyin results")

    # syllables typed apart, as a phone keyboard's pinyin mode may leave them
    box = page.locator("#site-search")
    box.fill("kou hong")
    box.press("Enter")
    page.wait_for_url("**/search?q=kou*hong")
    first = page.locator(".search-hit .card-title").first
    assert first.inner_text().startswith("丝绒雾面口红")
    assert first.locator("mark").first.inner_text() == "口红"
    shots(page, "pinyin-spaced-results")

    page.goto(live_server.url + "/search?q=唇膏")
    first = page.locator(".search-hit .card-title").first
    assert first.inner_text().startswith("丝绒雾面口红")
    assert first.locator("mark").first.inner_text() == "口红"  # what matched
    shots(page, "synonym-results")
    assert page.errors == []
