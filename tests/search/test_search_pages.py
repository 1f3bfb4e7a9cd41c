"""Search, phone first (issue 16): cards titled by the product's name with the
match as a second line and the sales count, one search box, filters in a drawer,
creators on the products tab, a cover grid of posts, two-typo corrections."""

import re

import pytest

from livestall.catalog import rules as catalog
from livestall.catalog.models import Product
from livestall.search import query as search_query
from livestall.search import spelling
from livestall.search import writer as search_writer
from tests.factories.search import make_user
from tests.search.dom import parse


@pytest.fixture
def world(search_world):
    return search_world()


def _add(merchant, title, description="", sales=0, category="kitchen", price=1000):
    product = catalog.create_product(
        merchant,
        {
            "title": title,
            "price_cents": price,
            "category": category,
            "stock": 5,
            "description": description,
        },
    )
    if sales:
        Product.update(sales_count=sales).where(Product.id == product.id).execute()
        search_writer.product_changed(product.id)
    return product


def soup(resp):
    assert resp.status_code == 200
    return parse(resp.get_data(as_text=True))


# --- 1. the card's title is the product's name ----------------------------------------


def test_a_description_match_keeps_the_name_as_the_title(world, client):
    _add(
        world["merchant"],
        "Glass Teapot 玻璃壶",
        "Brews 绿茶 and flushes in small amounts, never bitter.",
        sales=12345,
    )
    result = search_query.search_products("绿茶", per_page=10)
    item = next(i for i in result["items"] if i["title"] == "Glass Teapot 玻璃壶")
    assert item["title_highlight"] == "Glass Teapot 玻璃壶"
    assert "<mark>绿茶</mark>" in item["snippet"]
    assert item["highlight"] == item["snippet"]  # the API's older field is unchanged
    assert item["sales_count"] == 12345

    page = soup(client.get("/search?q=绿茶"))
    cards = {
        c.select_one(".card-title").get_text(): c for c in page.select(".search-hit")
    }
    assert "Glass Teapot 玻璃壶" in cards
    assert "flushes" not in cards["Glass Teapot 玻璃壶"].select_one(".card-title").text
    snippet = cards["Glass Teapot 玻璃壶"].select_one(".hit-snippet")
    assert snippet.select_one("mark").get_text() == "绿茶"
    assert cards["Glass Teapot 玻璃壶"].select_one(".sold").get_text() == "12.3K sold"
    assert cards["Glass Teapot 玻璃壶"].select_one(".price").get_text() == "¥10.00"
    # A title match marks the title, with no second line.
    longjing = next(t for t in cards if t.startswith("西湖龙井"))
    assert cards[longjing].select_one(".card-title mark").get_text() == "绿茶"
    assert cards[longjing].select_one(".hit-snippet") is None
    assert cards[longjing].select_one(".sold").get_text() == "60 sold"


def test_sales_counts_read_the_chinese_way_in_chinese(world, client):
    _add(world["merchant"], "Glass Teapot 玻璃壶", "绿茶", sales=12345)
    client.set_cookie("lang", "zh")
    page = soup(client.get("/search?q=玻璃壶", headers={"Accept-Language": "zh-CN"}))
    assert page.select_one(".search-hit .sold").get_text() == "已售 1.2万"
    assert page.select_one(".filters-toggle").get_text().strip() == "筛选"


def test_the_api_adds_the_card_fields(world, client):
    body = client.get("/api/v1/search?q=料理").get_json()
    item = body["items"][0]
    assert item["title_highlight"] == "Lumi 手持<mark>料理</mark>棒 Hand Blender 600W"
    assert item["snippet"] == "" and item["sales_count"] == 40
    assert item["highlight"] == item["title_highlight"]


# --- 2, 3. one search box; results first, filters in a drawer ------------------------


def test_one_search_box_carrying_the_query(world, client):
    page = soup(client.get("/search?q=blender&category=kitchen"))
    boxes = [b for b in page.select("input[name=q]") if b.get("type") != "hidden"]
    assert [b.get("id") for b in boxes] == ["site-search"]
    assert page.select_one("#site-search")["value"] == "blender"
    assert len(page.find_all("h1")) == 1
    empty = soup(client.get("/search"))
    assert empty.select("input[type=search]")[0]["id"] == "site-search"
    assert "Type what you are looking for" in empty.get_text()


def test_filters_are_a_labelled_drawer_next_to_the_results(world, client):
    page = soup(client.get("/search?q=blender&category=kitchen&in_stock=1"))
    drawer = page.select_one("aside#search-filters")
    title = page.select_one("#" + drawer["aria-labelledby"])
    assert title.get_text() == "Filters"
    toggle = page.select_one(".results-bar .filters-toggle")
    assert toggle["href"] == "#search-filters"
    assert toggle["aria-controls"] == "search-filters"
    assert "2 filters on" in toggle.get_text()  # category and in stock
    assert drawer.select_one(".drawer-close")["aria-label"] == "Close filters"
    # Sort, price, category and brand are all in the drawer.
    assert drawer.select_one("select[name=sort]")
    assert drawer.select_one("input[name=min]") and drawer.select_one("input[name=max]")
    assert (
        drawer.select_one(".facet-category a.facet.active")["data-value"] == "kitchen"
    )
    assert drawer.select_one(".facet-brand a.facet")["data-value"] == "Lumi"
    assert page.select_one(".search-results h2").get_text() == "1 product"
    assert page.select_one("label[for=search-sort]")


def test_facets_filters_and_exact_totals_still_add_up(world, client):
    page = soup(client.get("/search?q=iphone"))
    assert page.select_one(".search-results h2").get_text() == "2 products"
    counts = {
        a["data-value"]: int(a.select_one(".count").get_text())
        for a in page.select(".facet-brand a.facet")
    }
    assert counts == {"Nova": 2}
    cheap = soup(client.get("/search?q=iphone&max=20"))
    assert cheap.select_one(".search-results h2").get_text() == "1 product"


# --- 5. a creator named like the query on the products tab ----------------------------


def test_a_creator_named_like_the_query_shows_on_the_products_tab(world, client):
    page = soup(client.get("/search?q=莉莉"))
    row = page.select(".creator-row a.creator-chip")
    assert [a["href"] for a in row] == ["/u/lily_eats"]
    assert "@lily_eats" in row[0].get_text()
    assert page.select_one(".search-results h2").get_text() == "0 products"
    # Only names: a word of the bio does not bring the creator up here.
    assert not soup(client.get("/search?q=吃货")).select(".creator-row")
    assert not soup(client.get("/search?q=blender")).select(".creator-row")
    assert not soup(client.get("/search?q=lily&page=2")).select(".creator-row")
    make_user("lily_bakes", "shopper", display_name="Lily Bakes")  # not a creator
    row = soup(client.get("/search?q=lily")).select(".creator-row a.creator-chip")
    assert [a["href"] for a in row] == ["/u/lily_eats"]


# --- 6. posts as a cover grid -------------------------------------------------------


def test_the_posts_tab_is_a_cover_grid(world, client):
    page = soup(client.get("/search?q=奶昔&type=posts"))
    tiles = page.select("ul.post-grid > li.post-tile")
    assert len(tiles) == 1
    tile = tiles[0]
    assert tile.select_one("a.tile-link")["href"] == f"/posts/{world['post'].id}"
    assert tile.select_one(".tile-title mark").get_text() == "奶昔"
    assert tile.select_one(".tile-cover")  # text cover: the post has no photo
    author = tile.select_one("a.tile-author")
    assert author["href"] == "/u/lily_eats" and "莉莉爱吃" in author.get_text()
    assert re.sub(r"\s+", " ", tile.select_one(".tile-likes").get_text()).strip() == (
        "0 likes"
    )
    assert page.select_one("#site-search")["value"] == "奶昔"
    assert not soup(client.get("/search?q=nothing-like-it&type=posts")).select(
        ".post-grid"
    )


def test_the_creators_tab_lists_people_with_avatars(world, client):
    page = soup(client.get("/search?q=tea&type=creators"))
    hit = page.select_one(".creator-list .search-hit")
    assert hit.select_one("a.creator-chip")["href"] == "/u/lily_eats"
    assert hit.select_one(".hit-snippet mark").get_text() == "tea"


# --- 7. two typos ---------------------------------------------------------------------


def test_two_typos_get_a_correction(world, client):
    _add(
        world["merchant"],
        "Mechanical Keyboard 机械键盘 87 keys",
        category="electronics",
    )
    result = search_query.search_products("mechanicl keybord")
    assert result["total"] == 0
    assert result["suggestion"] == "mechanical keyboard"
    assert search_query.search_products("Mechanicl 键盘")["suggestion"] == (
        "mechanical 键盘"
    )
    # Two edits in a long word; short words allow one.
    assert search_query.search_products("keybaord")["suggestion"] == "keyboard"
    assert spelling.max_edits("pan") == 1 and spelling.max_edits("blender") == 2
    assert search_query.search_products("mechanical keyboard")["suggestion"] is None

    page = soup(client.get("/search?q=mechanicl keybord"))
    link = page.select_one(".search-empty .did-you-mean a")
    assert link.get_text() == "mechanical keyboard"
    assert link["href"] == "/search?q=mechanical+keyboard"
    assert len(page.select(".did-you-mean")) == 1
    fixed = soup(client.get(link["href"]))
    assert (
        fixed.select_one(".search-hit .card-title")
        .get_text()
        .startswith("Mechanical Keyboard")
    )
    api = client.get("/api/v1/search?q=mechanicl+keybord").get_json()
    assert api["suggestion"] == "mechanical keyboard" and api["total"] == 0


def test_bad_page_arguments_are_not_errors(world, client):
    for qs in (
        "q=blender&min=abc&max=-5&sort=nope&page=x",
        "q=blender&type=nope",
        "q=%00%ff&type=posts&page=999",
        "q=lily&type=creators&page=-1",
    ):
        assert client.get("/search?" + qs).status_code == 200, qs


def test_the_closest_word_wins_over_a_commoner_one(world):
    # "pilow" is one edit from "pillow" and two from "pills", which is commoner.
    for n in range(4):
        _add(world["merchant"], f"Vitamin Pills {n}", category="beauty")
    _add(world["merchant"], "Memory Foam Pillow 记忆枕")
    assert search_query.search_products("pilow")["suggestion"] == "pillow"
    assert search_query.search_products("pils")["suggestion"] == "pills"
