"""Search the way Chinese shoppers type (issue 25): pinyin (`kouhong`), initials
(`kh`), mixed input (`nova 手机壳`) and synonyms (`唇膏`), through the API, the
suggestions and the search page, with facets, filters and exact totals; English
words still win for English queries; the synonym table's format."""

import pytest

from livestall.search import pinyin, synonyms
from livestall.search import query as search_query


@pytest.fixture
def world(search_world):
    return search_world()


def titles(result):
    return [i["title"] for i in result["items"]]


LIPSTICK = "丝绒雾面口红 Velvet Matte Lipstick #05"
CASE = "iPhone 15 手机壳 透明防摔"
LONGJING = "西湖龙井 明前特级 绿茶 Dragon Well Green Tea 250g"


def test_readings_follow_phrases_and_keep_latin():
    assert pinyin.readings("口红") == ("kouhong", "kh")
    assert pinyin.readings("银行") == ("yinhang", "yh")  # 行 read in its phrase
    assert pinyin.readings("行走") == ("xingzou", "xz")
    assert pinyin.readings("绿茶") == ("lvcha", "lc")  # ü typed as v
    assert pinyin.readings("T恤") == ("txu", "tx")
    terms = pinyin.field_text("华为手机 Mate 60").split()
    # each word, and each pair of adjacent words, both ways; no one-letter term
    assert {"huawei", "hw", "shouji", "sj", "huaweishouji", "hwsj"} <= set(terms)
    assert "mate" not in terms and all(len(t) > 1 for t in terms)


@pytest.mark.parametrize("query", ["kouhong", "kh", "KouHong", "唇膏", "口红"])
def test_pinyin_initials_and_synonyms_find_lipstick_first(world, query):
    found = search_query.search_products(query)
    assert titles(found)[:1] == [LIPSTICK], (query, titles(found))


def test_mixed_input_and_adjacent_words(world):
    assert titles(search_query.search_products("nova 手机壳"))[:1] == [CASE]
    assert titles(search_query.search_products("iphone shoujike"))[:1] == [CASE]
    assert titles(search_query.search_products("sjk"))[:1] == [CASE]
    assert titles(search_query.search_products("xihu longjing"))[:1] == [LONGJING]
    assert titles(search_query.search_products("xhlj"))[:1] == [LONGJING]


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("kou hong", LIPSTICK),
        ("Kou  Hong", LIPSTICK),
        ("shou ji ke", CASE),
        ("iphone shou ji ke", CASE),
        ("xi hu long jing", LONGJING),
        ("lv cha green tea", LONGJING),
    ],
)
def test_pinyin_typed_apart_reads_as_one_word(world, query, first):
    found = search_query.search_products(query)
    assert titles(found)[:1] == [first], (query, titles(found))
    assert not found["relaxed"]  # every word matched: no "some words" fallback


def test_words_typed_apart_are_joined_only_into_known_pinyin(world):
    known = {"kouhong", "shoujike", "shouji"}.__contains__
    assert pinyin.spaced(["kou", "hong"], known) == [(0, 2, "kouhong")]
    # the longest known run from the left; English and Chinese words stay
    assert pinyin.spaced(["nova", "shou", "ji", "ke", "x1"], known) == [
        (1, 4, "shoujike")
    ]
    assert pinyin.spaced(["green", "tea"], known) == []
    assert pinyin.spaced(["口", "hong"], lambda term: True) == []
    # not joined: the words keep their own meaning (no product is `greentea`)
    assert titles(search_query.search_products("green tea"))[:1] == [LONGJING]
    assert search_query.search_products("hong kong")["total"] == 0
    # the page marks the words the joined reading matched
    found = search_query.search_products("kou hong")
    assert "<mark>口红</mark>" in found["items"][0]["title_highlight"]
    assert pinyin.spoken_words("Kou hong 口红 lv cha") == {
        "kou", "hong", "kouhong", "lv", "cha", "lvcha"
    }  # fmt: skip


def test_an_english_word_stays_an_english_word(world):
    # `tea` is English here: its products, and none matched only as pinyin
    found = search_query.search_products("tea")
    assert found["total"] == 2
    assert set(titles(found)) == {LONGJING, "Cold Brew Peach Black Tea Bags 冷泡红茶"}
    # an English word that is no pinyin finds what it did
    assert set(titles(search_query.search_products("blender"))) == {
        "Lumi 手持料理棒 Hand Blender 600W",
        "Countertop Blender 1.5L 破壁机",
    }


def test_facets_filters_and_totals_count_pinyin_matches(world):
    found = search_query.search_products("lvcha")
    assert found["total"] == 1 and titles(found) == [LONGJING]
    assert found["facets"]["category"] == [{"value": "tea-drinks", "count": 1}]
    assert search_query.search_products("lvcha", category="beauty")["total"] == 0
    assert search_query.search_products("kh", max_price=8900)["total"] == 1
    assert search_query.search_products("kh", max_price=8899)["total"] == 0
    cheap = search_query.search_products("唇膏", in_stock=True, sort="price_asc")
    assert titles(cheap) == [LIPSTICK]


def test_the_api_the_suggestions_and_the_page(world, client):
    body = client.get("/api/v1/search?q=kouhong").get_json()
    assert body["items"][0]["title"] == LIPSTICK and body["total"] == 1
    assert body["suggestion"] is None  # known as pinyin: no "did you mean"
    # the words read as the query are marked
    assert "<mark>口红</mark>" in body["items"][0]["title_highlight"]
    for typed in ("kouh", "kh", "kou"):
        items = client.get(f"/api/v1/search/suggest?q={typed}").get_json()["items"]
        assert LIPSTICK in [i["text"] for i in items], (typed, items)
    page = client.get("/search?q=%E5%94%87%E8%86%8F")  # 唇膏
    assert page.status_code == 200
    shown = page.get_data(as_text=True)
    # the product, with the synonyms it matched marked in its title
    assert "丝绒雾面<mark>口红</mark> Velvet Matte <mark>Lipstick</mark>" in shown


def test_the_synonym_table_format():
    table = synonyms.parse(
        "# a comment\n\n唇膏, 口红 ,Lipstick  # trailing\nsofa,couch\nsofa, settee\n"
        "lonely\n,,\n"
    )
    assert table["唇膏"] == ("口红", "lipstick")
    assert table["lipstick"] == ("唇膏", "口红")
    assert table["sofa"] == ("couch", "settee")  # in two groups: both
    assert "lonely" not in table
    # the shipped table parses, and has the groups the issue names
    shipped = synonyms.table()
    for a, b in (("唇膏", "口红"), ("耳机", "耳麦"), ("sofa", "couch")):
        assert b in shipped[a], (a, shipped.get(a))
    assert "tea" not in shipped  # an everyday word no synonym may widen
