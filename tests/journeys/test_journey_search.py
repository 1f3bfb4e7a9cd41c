"""Browser journeys: a shopper searches from the header box (suggestions, Esc keeps
the query), sees results first on a phone, narrows them in the filters drawer and
looks at the posts tab's cover grid, in English and in Chinese; the desktop keeps
the filters beside the results. axe runs on every results page."""

import pytest

from tests.factories.journeys import call_api
from tests.plugins.api import image_bytes
from tests.plugins.axe import assert_accessible

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
PRODUCTS = [
    ("Lumi 手持料理棒 Hand Blender 600W", "kitchen", 29900, (230, 120, 60)),
    ("Countertop Blender 破壁机 1.5L", "kitchen", 59900, (80, 120, 200)),
    ("Blender Bottle 摇摇杯 Sports Shaker", "sports", 4900, (60, 170, 110)),
    ("真无线蓝牙耳机 Wireless Earbuds", "electronics", 19900, (120, 120, 130)),
]
POSTS = [
    ("My morning **blender** smoothie: 料理棒 makes it in a minute.", (240, 180, 90)),
    ("Three blender soups for cold days, 料理棒 again.", (170, 90, 140)),
    ("Blender or juicer? 料理 tips from a tiny kitchen.", None),
]


def _user(base, username, role, name):
    return call_api(
        base,
        "POST",
        "/api/v1/users",
        body={
            "username": username,
            "email": f"{username}@example.com",
            "password": "correct horse battery",
            "role": role,
            "display_name": name,
        },
    )["token"]


def _catalogue(base, photos=False):
    token = _user(base, "lumi_shop", "merchant", "Lumi Kitchen")
    ids = []
    for title, category, price, colour in PRODUCTS:
        product = call_api(
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
        )["product"]
        ids.append(product["id"])
        if photos and category != "electronics":
            call_api(
                base,
                "POST",
                f"/api/v1/products/{product['id']}/images",
                token,
                files=("p.jpg", image_bytes("JPEG", size=(480, 480), color=colour)),
            )
    return ids


def _creator_with_posts(base, product_ids):
    token = _user(base, "blender_betty", "creator", "Blender Betty 料理达人")
    for body, colour in POSTS:
        images = []
        if colour:
            image = call_api(
                base,
                "POST",
                "/api/v1/images",
                token,
                files=("c.jpg", image_bytes("JPEG", size=(600, 800), color=colour)),
            )["image"]
            images.append(image["id"])
        call_api(
            base,
            "POST",
            "/api/v1/posts",
            token,
            body={
                "body": body,
                # a post needs a product or a photo: the text one tags the
                # earbuds, which have no photo either
                "product_ids": product_ids[:1] if colour else product_ids[3:],
                "image_ids": images,
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
    assert page.locator(".filters-toggle").is_hidden()  # inline on a desktop
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


def _in_view(page, selector):
    box = page.locator(selector).first.bounding_box()
    return box is not None and box["y"] < PHONE["height"] and box["height"] > 0


@pytest.mark.parametrize(
    "locale, typed, query, kitchen, filters, posts_tab",
    [
        ("en-US", "blen", "blender", 2, "Filters", "Posts"),
        ("zh-CN", "料理", "料理", 1, "筛选", "笔记"),
    ],
    ids=["en", "zh"],
)
def test_search_on_a_phone(
    live_server, new_page, shots, locale, typed, query, kitchen, filters, posts_tab
):
    ids = _catalogue(live_server.url, photos=True)
    _creator_with_posts(live_server.url, ids)
    page = new_page(locale=locale, viewport=PHONE)
    page.goto(live_server.url + "/shop")

    # Type: suggestions as a listbox; arrows select; Esc closes and keeps the text.
    box = page.locator("#site-search")
    box.click()
    box.press_sequentially(typed, delay=40)
    options = page.locator("#site-search-list [role=option]")
    options.first.wait_for()
    assert box.get_attribute("aria-expanded") == "true"
    assert page.locator("#site-search-list").get_attribute("aria-label")
    box.press("ArrowDown")
    assert options.first.get_attribute("aria-selected") == "true"
    assert box.get_attribute("aria-activedescendant") == options.first.get_attribute(
        "id"
    )
    shots(page, "suggestions")
    assert_accessible(page, f"suggestions, phone, {locale}")
    box.press("Escape")
    assert page.locator("#site-search-list").is_hidden()
    assert box.get_attribute("aria-expanded") == "false"
    assert box.input_value() == typed
    box.press("Escape")  # a second Esc does not clear the search box either
    assert box.input_value() == typed
    shots(page, "esc-keeps-query")

    # Search: results first, the creator named like the query above them.
    box.fill(query)
    box.press("Enter")
    page.wait_for_url("**/search?q=**")
    assert box.input_value() == query  # the header box carries the query
    assert page.locator("main input[name=q]:not([type=hidden])").count() == 0
    assert page.locator(".search-filters").is_hidden()
    assert _in_view(page, ".search-hit")
    assert _in_view(page, ".filters-toggle")
    chip = page.locator(".creator-row a.creator-chip")
    assert chip.count() == 1 and "@blender_betty" in chip.inner_text()
    titles = page.locator(".search-hit .card-title").all_inner_texts()
    assert titles and all(t in [p[0] for p in PRODUCTS] for t in titles)
    shots(page, "results")
    assert_accessible(page, f"search results, phone, {locale}")

    # The filters drawer: a labelled dialog; focus goes in, Esc returns it.
    toggle = page.locator(".filters-toggle")
    assert toggle.inner_text().strip() == filters
    toggle.click()
    drawer = page.locator("#search-filters")
    assert drawer.is_visible()
    assert drawer.get_attribute("role") == "dialog"
    assert drawer.get_attribute("aria-modal") == "true"
    assert toggle.get_attribute("aria-expanded") == "true"
    assert page.evaluate("document.activeElement.classList.contains('drawer-close')")
    page.keyboard.press("Shift+Tab")  # focus stays inside the drawer
    assert page.evaluate(
        "document.getElementById('search-filters').contains(document.activeElement)"
    )
    shots(page, "filters-drawer")
    assert_accessible(page, f"filters drawer, phone, {locale}")
    page.keyboard.press("Escape")
    assert drawer.is_hidden()
    assert page.evaluate("document.activeElement.classList.contains('filters-toggle')")

    # Apply a filter from the drawer.
    toggle.click()
    drawer.locator(".facet-category a.facet[data-value=kitchen]").click()
    page.wait_for_url("**category=kitchen**")
    assert page.locator(".search-hit").count() == kitchen
    assert page.locator(".filters-on").first.inner_text().startswith("1")
    page.locator(".filters-toggle").click()
    page.select_option("#search-sort", "price_asc")
    page.locator("#search-filters button[type=submit]").click()
    page.wait_for_url("**sort=price_asc**")
    assert "category=kitchen" in page.url
    prices = page.locator(".search-hit .price").all_inner_texts()
    assert prices == sorted(prices, key=lambda p: float(p.strip("¥").replace(",", "")))
    shots(page, "filtered")

    # The posts tab: a two-column cover grid.
    page.locator(".search-tabs a", has_text=posts_tab).click()
    page.wait_for_url("**type=posts**")
    tiles = page.locator(".post-grid .post-tile")
    assert tiles.count() == 3
    a, b = tiles.nth(0).bounding_box(), tiles.nth(1).bounding_box()
    assert abs(a["y"] - b["y"]) < 2 and b["x"] > a["x"] + a["width"] - 1
    assert a["width"] < PHONE["width"] / 2
    assert tiles.locator(".tile-cover img").count() == 2  # the text post has none
    first = tiles.first
    assert "Blender Betty" in first.locator(".tile-author").inner_text()
    assert first.locator(".tile-likes").inner_text().strip().startswith("0")
    assert box.input_value() == query
    shots(page, "posts-grid")
    assert_accessible(page, f"posts tab, phone, {locale}")
    assert page.errors == []


def test_search_results_on_a_desktop_pass_axe(live_server, new_page, shots):
    ids = _catalogue(live_server.url, photos=True)
    _creator_with_posts(live_server.url, ids)
    page = new_page(viewport=DESKTOP)
    page.goto(live_server.url + "/search?q=blender")
    filters = page.locator("#search-filters")
    assert filters.is_visible() and page.locator(".filters-toggle").is_hidden()
    aside, results = (
        filters.bounding_box(),
        page.locator("#search-results").bounding_box(),
    )
    assert aside["x"] + aside["width"] <= results["x"]  # beside, not above
    assert abs(aside["y"] - results["y"]) < 40
    assert filters.get_attribute("role") is None
    shots(page, "desktop-results")
    assert_accessible(page, "search results, desktop")
    page.goto(live_server.url + "/search?q=blender&type=posts")
    tiles = page.locator(".post-grid .post-tile")
    assert tiles.count() == 3
    assert tiles.nth(2).bounding_box()["y"] == tiles.nth(0).bounding_box()["y"]
    shots(page, "desktop-posts")
    assert_accessible(page, "posts tab, desktop")
    page.goto(live_server.url + "/search?q=blendr+bottel")
    assert page.locator(".did-you-mean a").inner_text() == "blender bottle"
    assert page.errors == []
