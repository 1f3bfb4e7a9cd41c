"""Relevance guard (issue 25, "search the way Chinese shoppers type"): for each query
of tests/search/relevance.json, the product that must rank first, on two
catalogues: the demo catalogue (demo/seed.py's products, indexed as the seed indexes
them) and bench/search.py's generated products (a fixed seed, plus the few products
added here). Each case must rank its product first, and each catalogue's MRR@10
must stay at its floor; a failure lists every failing query, where its product
ranked and what ranked first. English, Chinese, pinyin (`kouhong`), initials
(`kh`), synonyms (`唇膏`) and mixed queries (`nova 充电宝`).

No database: the documents are built with `documents.make_product_doc` into
temporary indexes, as bench/search.py builds its own; the store is pointed back
where it was when the module is done. The cases, their MRR and the reports are
shared with the benchmark (bench/relevance.py).
"""

import pytest
from whoosh import writing

from bench import relevance
from bench import search as bench_search
from demo import seed as demo_seed
from demo.data import CATALOGUE, MERCHANTS
from livestall.search import documents, ranking
from livestall.search import store as search_store

KINDS = {"english", "chinese", "pinyin", "initials", "synonym", "mixed"}
# Products the generated catalogue lacks, as (title, brand, category, Chinese and
# English item names): what the synonym, pinyin and brand cases need, and titles
# with 特 (te) and 铁 (tie) that "tea" must not rank above a tea.
EXTRA = [
    ("华为 Mate 60 Pro 5G 手机 雅丹黑", "华为", "electronics", "手机", "Smartphone"),
    ("Linen House 布艺沙发 三人位 Fabric Sofa", "Linen House", "home", "沙发", "Sofa"),
    ("Peak 羽绒服 白鸭绒 Down Jacket", "Peak", "fashion", "羽绒服", "Down Jacket"),
    ("Nova 帆布小白鞋 Canvas Sneakers", "Nova", "shoes-bags", "小白鞋", "Sneakers"),
    ("Chef 铁艺置物架 三层 Iron Shelf", "Chef", "home", "置物架", "Iron Shelf"),
    ("Chef 特大号收纳箱 XL Storage Box", "Chef", "home", "收纳箱", "Storage Box"),
    ("Xihu 特浓牛奶 250ml×12 Whole Milk", "Xihu", "food", "牛奶", "Milk"),
    ("Chef 铁锅 无涂层 Cast Iron Wok", "Chef", "kitchen", "铁锅", "Iron Wok"),
]  # fmt: skip


# --- the catalogues ------------------------------------------------------------------


def demo_catalogue(products):
    """(index documents, {id: (item, brand)}) of demo/seed.py's catalogue: what
    `seed` creates and `documents.product_doc` indexes (no sales yet)."""
    english = {i["zh"]: i["en"] for c in CATALOGUE.values() for i in c["items"]}
    shops = {m["username"]: f"{m['display_name']} {m['username']}" for m in MERCHANTS}
    docs, items = [], {}
    for n, spec in enumerate(demo_seed.build_catalogue(products), 1):
        p = spec["data"]
        docs.append(
            documents.make_product_doc(
                id=n,
                title=p["title"],
                description=p["description"],
                brand=p["brand"],
                category=p["category"],
                tags=p["tags"],
                merchant=shops[spec["merchant"]],
                price_cents=p["price_cents"],
                sales_count=0,
                created=n,
                in_stock=p["stock"] > 0,
            )
        )
        items[n] = (english[spec["item"]], p["brand"])
    return docs, items


def generated_catalogue(products, seed):
    """(index documents, {id: (item, brand)}) of bench/search.py's generated
    products and EXTRA after them."""
    made = list(bench_search.products_of(products, seed=seed))
    template = made[0]
    for n, (title, brand, category, zh, en) in enumerate(EXTRA, products + 1):
        made.append(
            {
                **template,
                "id": n,
                "title": title,
                "brand": brand,
                "category": category,
                "tags": [zh, en.lower()],  # as the generator tags its products
                "description": "官方正品，假一赔十。",
            }
        )
    return [bench_search.whoosh_doc(p) for p in made], relevance.generated_items(made)


BUILDERS = {
    "demo": lambda spec: demo_catalogue(spec["products"]),
    "generated": lambda spec: generated_catalogue(spec["products"], spec["seed"]),
}


def build_index(path, docs):
    """A one-segment products index of `docs` in `path` (as bench/search.py's)."""
    search_store.configure(path)
    writer = search_store.open_index("products").writer(limitmb=128)
    for doc in docs:
        writer.add_document(**doc)
    writer.commit(mergetype=writing.CLEAR)


@pytest.fixture(scope="module")
def indexes(tmp_path_factory):
    """{catalogue: (its index directory, {id: (item, brand)})}; afterwards the store
    is configured as it was before (none, or another test's index)."""
    before = search_store.state.path
    built = {}
    try:
        for name, build in BUILDERS.items():
            docs, items = build(relevance.catalogue(name))
            path = tmp_path_factory.mktemp(f"relevance-{name}")
            build_index(path, docs)
            built[name] = (path, items)
        yield built
    finally:
        search_store.configure(before)
        ranking.clear_cache()  # the temporary indexes' posting lists


# --- the guard -----------------------------------------------------------------------


def report(name, spec, outcomes):
    """The failure message: each case not first, and the MRR@10 against its floor."""
    score = relevance.mrr(outcomes)
    failing = [o for o in outcomes if not o.first]
    lines = [
        f"{name}: {len(failing)} of {len(outcomes)} queries do not rank their "
        f"product first; MRR@{relevance.TOP} {score:.3f} (floor {spec['mrr_floor']})"
    ]
    lines += [f"  {o.describe()}" for o in failing]
    return "\n".join(lines)


@pytest.mark.parametrize("name", list(BUILDERS))
def test_each_query_ranks_its_product_first(indexes, name):
    spec = relevance.catalogue(name)
    path, items = indexes[name]
    known_items = {item.lower() for item, _ in items.values()}
    known_brands = {(brand or "").lower() for _, brand in items.values()}
    for case in spec["cases"]:  # a typo in the JSON is not a ranking failure
        assert case["kind"] in KINDS, case
        assert relevance.expected(case) <= known_items, case
        assert case.get("brand", "").lower() in known_brands | {""}, case
    search_store.configure(path)
    outcomes = relevance.evaluate(spec["cases"], items.__getitem__)
    failed = [o for o in outcomes if not o.first]
    if failed or relevance.mrr(outcomes) < spec["mrr_floor"]:
        pytest.fail(report(name, spec, outcomes), pytrace=False)


def test_mrr_is_the_mean_reciprocal_rank_in_the_top_ten():
    case = {"query": "q", "first": "x", "kind": "english"}
    outcomes = [relevance.Outcome(case, r, "") for r in (1, 2, 4, None)]
    assert relevance.mrr(outcomes) == pytest.approx((1 + 1 / 2 + 1 / 4 + 0) / 4)
    assert relevance.mrr([]) == 0.0
    brand = {**case, "first": ["X", "y"], "brand": "Nova"}
    assert relevance.is_expected(brand, "x", "nova")
    assert not relevance.is_expected(brand, "y", "Lumi")
    assert not relevance.is_expected(brand, "z", "Nova")
