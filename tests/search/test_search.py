"""Full-text search (issue 7): the index service, the API and the search page."""

import html
import os
import re
import sys
import types
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extensions import db
from livestall.accounts import rules as accounts
from livestall.catalog import rules as catalog
from livestall.catalog.models import Product
from livestall.content import rules as content
from livestall.search import jobs as search_jobs
from livestall.search import query as search_query
from livestall.search import store as search_store
from livestall.search import writer as search_writer
from livestall.search.models import SearchJob
from tests.factories.search import CATALOGUE, catalogue, make_user


@pytest.fixture
def world(search_world):
    """A merchant with the catalogue and a creator with a post, indexed as they go."""
    return search_world()


def titles(result):
    return [i["title"] for i in result["items"]]


def search(q, **kw):
    kw.setdefault("per_page", 100)
    return search_query.search_products(q, **kw)


# --- relevance -----------------------------------------------------------------------


def test_chinese_two_character_word_inside_a_longer_title(world):
    assert titles(search("料理")) == ["Lumi 手持料理棒 Hand Blender 600W"]
    assert titles(search("耳机"))[0].startswith("真无线蓝牙耳机")
    assert titles(search("绿茶"))[0].startswith("西湖龙井")
    # The highlight marks the word inside the title, and nothing else is HTML.
    mark = search("料理")["items"][0]["highlight"]
    assert "<mark>料理</mark>" in mark


def test_english_stemming(world):
    found = titles(search("blenders"))
    assert set(found) == {CATALOGUE[0][0], CATALOGUE[1][0]}
    assert titles(search("earbud")) == [CATALOGUE[5][0]]
    assert search("running shoe")["total"] == 1


def test_mixed_query_needs_every_word(world):
    found = titles(search("iPhone 手机壳"))
    assert found == ["iPhone 15 手机壳 透明防摔"]
    assert search("iphone")["total"] == 2
    assert not search("iPhone 手机壳")["relaxed"]


def test_title_and_brand_outrank_description(world):
    # "Lumi" is the brand of two products and only in the description of none;
    # "blender" in the title beats a description mention.
    merchant = world["merchant"]
    catalog.create_product(
        merchant,
        {
            "title": "Smoothie Cups 随行杯",
            "price_cents": 900,
            "category": "kitchen",
            "description": "Fits any blender jar.",
        },
    )
    found = titles(search("blender"))
    assert found[-1] == "Smoothie Cups 随行杯" and len(found) == 3


def test_relaxed_or_when_no_product_has_every_word(world):
    result = search("blender lipstick")
    assert result["relaxed"] and result["total"] == 3


# --- filters, facets, sorts ----------------------------------------------------------


def brute_force(q_words, category=None, brand=None, lo=None, hi=None, in_stock=False):
    """Active products matching by the test's own reading of the catalogue."""
    rows = []
    for p in Product.select().where(Product.status == "active"):
        text = f"{p.title} {p.brand} {p.description} {' '.join(p.tags)}".lower()
        if not all(w in text for w in q_words):
            continue
        if category and p.category != category:
            continue
        if brand and p.brand != brand:
            continue
        if lo is not None and p.price_cents < lo:
            continue
        if hi is not None and p.price_cents > hi:
            continue
        if in_stock and p.stock <= 0:
            continue
        rows.append(p)
    return rows


@pytest.mark.parametrize(
    "kw",
    [
        {},
        {"category": "electronics"},
        {"brand": "Nova"},
        {"min_price": 2000, "max_price": 40000},
        {"max_price": 5000},
        {"in_stock": True},
        {"category": "kitchen", "in_stock": True, "min_price": 10000},
    ],
)
def test_filters_and_facets_add_up(world, kw):
    result = search("demo", per_page=3, **kw)  # every product is tagged "demo"
    expected = brute_force(
        ["demo"],
        kw.get("category"),
        kw.get("brand"),
        kw.get("min_price"),
        kw.get("max_price"),
        kw.get("in_stock", False),
    )
    assert result["total"] == len(expected)
    assert len(result["items"]) == min(3, len(expected))
    cats = Counter(p.category for p in expected)
    brands = Counter(p.brand for p in expected if p.brand)
    assert {f["value"]: f["count"] for f in result["facets"]["category"]} == cats
    assert {f["value"]: f["count"] for f in result["facets"]["brand"]} == brands
    assert sum(f["count"] for f in result["facets"]["category"]) == result["total"]
    # Every page together is the whole result set, once each.
    seen = []
    for page in range(1, 6):
        seen += [i["id"] for i in search("demo", per_page=3, page=page, **kw)["items"]]
    assert sorted(seen) == sorted(p.id for p in expected)


def test_text_query_with_price_range_and_small_limit_counts_right(world):
    # whoosh-reloaded miscounts a NumericRange AND-ed into the query: use filter=.
    result = search("blender", min_price=30000, per_page=1)
    assert result["total"] == 1 and titles(result) == [CATALOGUE[1][0]]


@pytest.mark.parametrize(
    ("sort", "key", "reverse"),
    [
        ("price_asc", "price_cents", False),
        ("price_desc", "price_cents", True),
        ("best_selling", "sales_count", True),
        ("newest", "id", True),
    ],
)
def test_sorts(world, sort, key, reverse):
    ids = [i["id"] for i in search("demo", sort=sort)["items"]]
    rows = {p.id: p for p in Product.select()}
    values = [getattr(rows[i], key) for i in ids]
    assert len(ids) == len(CATALOGUE)
    if sort == "newest":  # same second: created ties; check the created times
        created = [rows[i].created_at for i in ids]
        assert created == sorted(created, reverse=True)
    else:
        assert values == sorted(values, reverse=reverse)


def test_typo_suggestion(world):
    result = search("blendr")
    assert result["total"] == 0 and result["suggestion"] == "blender"
    assert search("lipstik")["suggestion"] == "lipstick"
    assert search("blender")["suggestion"] is None
    assert search("料理")["suggestion"] is None


# --- the index follows the database --------------------------------------------------


def test_archived_products_disappear_and_come_back(world):
    blender = world["products"][0]
    catalog.archive_product(blender)
    assert blender.id not in [i["id"] for i in search("blender")["items"]]
    assert search("料理")["total"] == 0
    catalog.restore_product(blender)
    assert search("料理")["total"] == 1


def test_updates_reach_the_index(world):
    pan = world["products"][2]
    catalog.update_product(pan, {"title": "Cast Iron Skillet 铸铁锅"})
    assert titles(search("skillet")) == ["Cast Iron Skillet 铸铁锅"]
    assert titles(search("frying")) == ["Cast Iron Skillet 铸铁锅"]  # description
    accounts.update_profile(world["merchant"], display_name="Chef Corner 厨房角")
    assert search("厨房角")["total"] == len(CATALOGUE)


def test_posts_and_creators(world):
    posts = search_query.search_posts("奶昔")
    assert posts["total"] == 1 and "<mark>奶昔</mark>" in posts["items"][0]["highlight"]
    assert search_query.search_posts("blender")["total"] == 1  # tagged product title
    creators = search_query.search_creators("莉莉")
    assert [c["username"] for c in creators["items"]] == ["lily_eats"]
    content.delete_post(world["post"], world["creator"])
    assert search_query.search_posts("奶昔")["total"] == 0
    accounts.set_roles(world["creator"], ["shopper"])
    assert search_query.search_creators("莉莉")["total"] == 0


def test_a_failed_index_write_keeps_the_change_and_is_retried(world, monkeypatch):
    def broken(name):
        raise OSError("disk full")

    monkeypatch.setattr(search_writer, "open_writer", broken)
    product = catalog.create_product(
        world["merchant"],
        {
            "title": "Espresso Machine 意式咖啡机",
            "price_cents": 99900,
            "category": "kitchen",
        },
    )
    assert Product.get_by_id(product.id).title.startswith("Espresso")  # committed
    assert search("espresso")["total"] == 0
    job = SearchJob.get()
    assert (job.kind, job.object_id) == ("product", product.id)
    assert "disk full" in job.error
    catalog.update_product(product, {"stock": 3})  # fails again: one row, two tries
    assert SearchJob.select().count() == 1 and SearchJob.get().attempts == 2
    monkeypatch.undo()
    # The next write of anything else retries it.
    catalog.update_product(world["products"][3], {"stock": 49})
    assert search("espresso")["total"] == 1
    assert SearchJob.select().count() == 0


def test_reindex_equals_incremental_index(world):
    catalog.archive_product(world["products"][1])
    catalog.update_product(world["products"][2], {"title": "Wok 炒锅"})
    queries = ["demo", "blender", "料理", "iphone 手机壳", "tea", "wok", "莉莉"]

    def snapshot():
        out = {q: search(q, sort="price_asc") for q in queries}
        out["posts"] = search_query.search_posts("料理棒")
        out["creators"] = search_query.search_creators("lily")
        return out, search_store.count_documents()

    before = snapshot()
    counts = search_jobs.rebuild()
    assert counts == before[1]
    assert snapshot() == before


def test_reindex_command_and_seed_leave_an_index(app, tmp_path):
    runner = app.test_cli_runner()
    with db.connection_context():
        merchant = make_user("mshop", "merchant")
        catalogue(merchant)
    search_store.configure(None)  # the writes above went to the index; start over
    import shutil

    shutil.rmtree(tmp_path / "data" / "index")
    search_store.configure(tmp_path / "data" / "index")
    result = runner.invoke(args=["reindex"])
    assert result.exit_code == 0, result.output
    assert "Indexed 10 products, 0 posts and 0 creators." in result.output
    with db.connection_context():
        assert search("blender")["total"] == 2


def test_an_index_an_older_release_wrote_is_rebuilt(app, monkeypatch):
    """Whoosh keeps the schema pickled, analyzer classes included: an index written
    when the analyzer lived in a module that has since moved is not an import error
    at start-up but an index of an older release, built again."""
    from whoosh.filedb.filestore import FileStorage

    from livestall.search.analysis import JiebaTokenizer
    from livestall.search.documents import SCHEMAS

    moved = types.ModuleType("search_module_that_moved")

    class OldTokenizer(JiebaTokenizer):
        pass

    OldTokenizer.__module__ = moved.__name__
    OldTokenizer.__qualname__ = "OldTokenizer"
    moved.OldTokenizer = OldTokenizer
    monkeypatch.setitem(sys.modules, moved.__name__, moved)
    path = search_store.state.path
    search_store.configure(None)
    os.makedirs(path, exist_ok=True)
    storage = FileStorage(path)
    for name, schema in SCHEMAS.items():
        schema = schema()
        if name == "creators":
            schema["bio"].analyzer = OldTokenizer()
        storage.create_index(schema, indexname=name)
    monkeypatch.delitem(sys.modules, moved.__name__)
    with db.connection_context():
        make_user("lily_eats", "creator", display_name="莉莉爱吃")
        search_store.configure(path)
        assert not search_store.index_exists()
        assert search_jobs.ensure_index()
        assert search_store.index_exists()
        hits = search_query.search_creators("莉莉")["items"]
        assert [c["username"] for c in hits] == ["lily_eats"]


# --- bad input -----------------------------------------------------------------------


BAD = [
    "",
    "   ",
    '"unbalanced',
    "title:(AND OR NOT",
    "*?~^2",
    "a" * 10_000,
    "料理" * 5000,
    "\x00\x01\x1b[31m blender",
    "\u202e\u200b blender \ufeff",
    "\ud800",
    "𝔟𝔩𝔢𝔫𝔡𝔢𝔯",
    "ｂｌｅｎｄｅｒ",
    "the of and",
    "<script>alert(1)</script>",
]


@pytest.mark.parametrize("q", BAD)
def test_bad_queries_never_raise(world, q):
    result = search(q)
    assert result["total"] >= 0
    for item in result["items"]:
        assert "<script" not in item["highlight"]
    search_query.suggest(q)
    search_query.search_posts(q)
    search_query.search_creators(q)


def test_fullwidth_and_control_characters_are_plain_text(world):
    assert search("ｂｌｅｎｄｅｒ")["total"] == 2
    assert search("\x00blender\x07")["total"] == 2


def test_highlights_are_escaped(world):
    catalog.create_product(
        world["merchant"],
        {
            "title": "<b>Bold</b> Blender & Co",
            "price_cents": 100,
            "category": "kitchen",
        },
    )
    marks = [i["highlight"] for i in search("bold blender")["items"]]
    assert marks == [
        "&lt;b&gt;<mark>Bold</mark>&lt;/b&gt; <mark>Blender</mark> &amp; Co"
    ]
    stripped = re.sub(r"</?mark>", "", marks[0])
    assert html.unescape(stripped) == "<b>Bold</b> Blender & Co"


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(q=st.text(max_size=300))
def test_fuzzed_queries_through_the_api(world, client, q):
    for path in ("/api/v1/search", "/api/v1/search/suggest", "/search"):
        resp = client.get(path, query_string={"q": q})
        assert resp.status_code == 200, (path, q)


# --- API and pages -------------------------------------------------------------------


def test_api_shape(world, client):
    resp = client.get(
        "/api/v1/search",
        query_string={"q": "blender", "per_page": 1, "sort": "price_desc"},
    )
    assert resp.status_code == 200
    body = resp.get_json()
    assert set(body) >= {"items", "total", "page", "per_page", "facets", "suggestion"}
    assert body["total"] == 2 and body["page"] == 1 and body["per_page"] == 1
    (item,) = body["items"]
    keys = {"id", "title", "price_cents", "category", "brand", "url", "highlight"}
    assert set(item) >= keys
    assert item["price_cents"] == 59900 and item["url"] == f"/products/{item['id']}"
    assert body["facets"] == {
        "category": [{"value": "kitchen", "count": 2}],
        "brand": [{"value": "Lumi", "count": 2}],
    }
    assert body["suggestion"] is None
    typo = client.get("/api/v1/search?q=blendr").get_json()
    assert typo["suggestion"] == "blender" and typo["items"] == []
    filtered = client.get(
        "/api/v1/search?q=demo&category=electronics&brand=Nova&min_price=2000&max_price=20000"
    ).get_json()
    found = {i["title"] for i in filtered["items"]}
    assert found == {CATALOGUE[3][0], CATALOGUE[5][0]}


@pytest.mark.parametrize(
    "qs",
    [
        {"sort": "cheapest"},
        {"min_price": "12.5"},
        {"max_price": "-1"},
        {"category": "nope"},
        {"page": "0"},
        {"per_page": "101"},
        {"in_stock": "maybe"},
    ],
)
def test_api_rejects_bad_parameters_with_400(world, client, qs):
    resp = client.get("/api/v1/search", query_string={"q": "blender", **qs})
    assert resp.status_code == 400
    assert "error" in resp.get_json()


def test_api_posts_creators_and_suggest(world, client):
    posts = client.get("/api/v1/search?q=奶昔&type=posts").get_json()
    assert posts["total"] == 1 and posts["items"][0]["url"].startswith("/posts/")
    creators = client.get("/api/v1/search?q=lily&type=creators").get_json()
    assert creators["items"][0]["url"] == "/u/lily_eats"
    items = client.get("/api/v1/search/suggest?q=blen").get_json()["items"]
    assert {i["text"] for i in items} == {CATALOGUE[0][0], CATALOGUE[1][0]}
    assert all(i["url"].startswith("/products/") for i in items)
    items = client.get("/api/v1/search/suggest?q=li").get_json()["items"]
    assert items[0] == {
        "kind": "creator",
        "text": "莉莉爱吃 lily_eats",
        "id": world["creator"].id,
        "username": "lily_eats",
        "url": "/u/lily_eats",
    }
    assert client.get("/api/v1/search/suggest?q=").get_json() == {"items": []}


def test_search_page_without_javascript(world, client):
    page = client.get("/search?q=blender").get_data(as_text=True)
    assert "2 products" in page
    assert "Hand <mark>Blender</mark>" in page
    assert 'href="/search?q=blender&amp;category=kitchen"' in page  # facet link
    filtered = client.get("/search?q=blender&in_stock=1").get_data(as_text=True)
    assert "1 product" in filtered and "Countertop" not in filtered
    priced = client.get("/search?q=blender&min=500").get_data(as_text=True)
    assert "Countertop" in priced and "Hand <mark>" not in priced
    typo = client.get("/search?q=blendr").get_data(as_text=True)
    assert "Did you mean" in typo and 'href="/search?q=blender"' in typo
    empty = client.get("/search").get_data(as_text=True)
    assert "Type what you are looking for" in empty
    posts = client.get("/search?q=奶昔&type=posts").get_data(as_text=True)
    assert "<mark>奶昔</mark>" in posts
    creators = client.get("/search?q=莉莉&type=creators").get_data(as_text=True)
    assert 'href="/u/lily_eats"' in creators
    header = client.get("/").get_data(as_text=True)
    assert 'role="search"' in header and "js/search.js" in header


def test_search_page_in_chinese(world, client):
    client.set_cookie("lang", "zh")
    resp = client.get("/search?q=料理", headers={"Accept-Language": "zh-CN"})
    assert resp.status_code == 200
    assert "<mark>料理</mark>" in resp.get_data(as_text=True)


def test_ranking_matches_whoosh_own_collector(world):
    searcher = search_store.searcher("products")
    for q in ("demo", "blender", "iphone 手机壳", "tea 绿茶"):
        query = search_query.build_query(q, search_query.PRODUCT_FIELDS)
        expected = [int(hit["id"]) for hit in searcher.search(query, limit=None)]
        assert [i["id"] for i in search(q)["items"]] == expected


def test_a_sell_out_and_a_restock_reach_in_stock_only(world):
    from livestall.orders import checkout
    from livestall.orders import lifecycle as orders

    lipstick = next(p for p in world["products"] if "Lipstick" in p.title)
    buyer = make_user("mei", "shopper")
    assert titles(search("lipstick", in_stock=True)) == [lipstick.title]
    placed, _ = checkout.place_order(
        buyer,
        [{"product_id": lipstick.id, "qty": lipstick.stock}],
        {
            "name": "王小明",
            "address": "杭州市西湖区龙井路 1 号",
            "phone": "13800000000",
        },
        "key-sell-out-1",
    )
    assert titles(search("lipstick", in_stock=True)) == []  # sold out: gone at once
    assert titles(search("lipstick")) == [lipstick.title]
    orders.move(buyer, placed[0], "cancelled")  # the units come back
    assert titles(search("lipstick", in_stock=True)) == [lipstick.title]


def test_stock_moves_reindex_after_the_commit_what_may_have_flipped(world, monkeypatch):
    from livestall.catalog.signals import stock_changed
    from livestall.db.base import transaction

    pan, glass = world["products"][2], world["products"][4]  # 8 in stock, none
    calls = []
    monkeypatch.setattr(
        search_writer, "changed", lambda kind, *ids: calls.append((kind, ids))
    )
    with transaction():
        stock_changed.send(None, product_ids=[pan.id, glass.id], reason="taken")
        assert calls == []  # the index waits for the commit
    assert calls == [("product", (glass.id,))]  # only the sold-out one
    calls.clear()
    stock_changed.send(None, product_ids=[pan.id], reason="set_aside")
    assert calls == []
    stock_changed.send(None, product_ids=[pan.id, glass.id], reason="given_back")
    stock_changed.send(None, product_ids=[pan.id], reason="settled")
    assert calls == [("product", (pan.id, glass.id)), ("product", (pan.id,))]
    calls.clear()
    with pytest.raises(RuntimeError), transaction():
        stock_changed.send(None, product_ids=[glass.id], reason="given_back")
        raise RuntimeError("rolled back")
    assert calls == []  # a rolled-back move never reaches the index


def test_an_empty_catalogue_searches_without_error(app, client):
    """A new site (no product ever indexed) answers every search with nothing."""
    with app.app_context(), db.connection_context():
        search_jobs.rebuild()
    for path in (
        "/api/v1/search?q=tea",
        "/api/v1/search?q=&sort=price_asc&category=kitchen",
        "/api/v1/search?q=龙井&type=posts",
        "/api/v1/search?q=lily&type=creators",
    ):
        resp = client.get(path)
        assert resp.status_code == 200, (path, resp.get_data(as_text=True)[:300])
        assert resp.get_json()["items"] == [] and resp.get_json()["total"] == 0
    page = client.get("/search?q=tea")
    assert page.status_code == 200
    assert "No products match" in page.get_data(as_text=True)
