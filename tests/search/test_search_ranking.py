"""Block-at-a-time matching and BM25 scoring (`search.ranking`) give exactly what
Whoosh's own matchers and collector give: the same documents, the same score
floats, the same order (score descending, then document number), over several
segments with deleted documents, with and without a filter set."""

import operator
import random

import pytest

from livestall.search import documents, ranking
from livestall.search import query as search_query
from livestall.search import store as search_store
from livestall.search import writer as search_writer

WORDS = [
    "blender", "blenders", "tea", "green", "running", "shoes", "手机壳", "蓝牙耳机",
    "手持料理棒", "绿茶", "black", "case", "portable", "power", "bank", "yoga",
]  # fmt: skip
QUERIES = [
    "blender", "tea", "green tea", "running shoes", "手机壳", "料理", "蓝牙耳机",
    "绿茶 green tea", "black case", "portable power bank", "yoga tea shoes",
    "iphone 手机壳", "nothing matches this", "17", "tea 17", "blender 161",
]  # fmt: skip


def product(rng, i):
    title = " ".join(rng.choice(WORDS) for _ in range(rng.randrange(2, 6)))
    return documents.make_product_doc(
        id=i,
        title=f"{title} {i}",
        description=" ".join(rng.choice(WORDS) for _ in range(rng.randrange(0, 12))),
        brand=rng.choice(["Lumi", "Nova", "Peak"]),
        category=rng.choice(["kitchen", "electronics", "tea-drinks"]),
        tags=[rng.choice(WORDS)],
        merchant="shop",
        price_cents=rng.randrange(100, 10000),
        sales_count=rng.randrange(100),
        created=i,
        in_stock=rng.random() < 0.7,
    )


@pytest.fixture
def segmented_index(app):
    """Five commits without merging (five segments); each replaces some products
    of the ones before (deleted documents in the older segments)."""
    rng = random.Random(24)
    for batch in range(5):
        writer = search_writer.open_writer("products")
        for i in range(batch * 120 + 1, batch * 120 + 161):
            writer.delete_by_term("id", str(i))
            writer.add_document(**product(rng, i))
        writer.commit(merge=False)
    searcher = search_store.searcher("products")
    assert len(searcher.leaf_searchers()) > 1
    assert searcher.doc_count() < searcher.doc_count_all()  # some deleted
    return searcher


@pytest.mark.parametrize("text", QUERIES)
@pytest.mark.parametrize("match_all", [True, False])
def test_block_scoring_is_whoosh_scoring(segmented_index, text, match_all):
    searcher = segmented_index
    q = search_query.build_query(text, search_query.PRODUCT_FIELDS, match_all)
    expected = set(searcher.docs_for_query(q))
    assert ranking.matches(searcher, q, scored=False) == expected
    try:
        scores = ranking.matches(searcher, q, scored=True)
    except ranking.Unsupported:
        assert not match_all  # only the coordination-scaled relaxed OR
        return
    assert set(scores) == expected
    hits = searcher.search(q, limit=None)
    ranked = ranking.top(scores, None, len(scores) + 1)
    assert [(d, scores[d]) for d in ranked] == [(h.docnum, h.score) for h in hits]
    for limit in (1, 5, 20):
        assert ranking.top(scores, None, limit) == [h.docnum for h in hits[:limit]]
    allow = {d for d in expected if d % 3}
    filtered = searcher.search(q, filter=allow, limit=7)
    assert ranking.top(scores, sorted(allow), 7) == [h.docnum for h in filtered]


def test_ties_keep_the_lower_document_number(app):
    docs = [
        documents.make_product_doc(
            id=i, title="same blender", description="", brand="Lumi",
            category="kitchen", tags=[], merchant="shop", price_cents=100,
            sales_count=0, created=i, in_stock=True,
        )
        for i in range(1, 101)
    ]  # fmt: skip
    search_writer.write({"products": (set(), docs)})
    searcher = search_store.searcher("products")
    q = search_query.build_query("blender", search_query.PRODUCT_FIELDS)
    scores = ranking.matches(searcher, q, scored=True)
    assert len(set(scores.values())) == 1
    hits = searcher.search(q, limit=20)
    assert ranking.top(scores, None, 20) == [h.docnum for h in hits]
    assert ranking.top(scores, None, 20) == sorted(scores)[:20]


def _whoosh_scores(searcher, q):
    return {h.docnum: h.score for h in searcher.search(q, limit=None)}


def test_a_synonym_group_is_kept_and_answers_as_whoosh_does_after_commits(app):
    """A word's synonym group (`ranking.Best`) is evaluated once and kept like a
    term; the kept answer is only reused while the terms' statistics are the same:
    after a commit that adds products the scores are Whoosh's new ones."""
    rng = random.Random(5)
    search_writer.write({"products": (set(), [product(rng, i) for i in range(1, 301)])})
    q = search_query.product_query("phone case")  # 手机壳 and 保护壳 too
    assert "Best" in repr(q)
    searcher = search_store.searcher("products")
    ranking.clear_cache()
    first = ranking.matches(searcher, q, scored=True)
    assert first == _whoosh_scores(searcher, q) and first
    kept = len(ranking._results.items)
    again = ranking.matches(searcher, q, scored=True)
    assert again == first and len(ranking._results.items) == kept  # nothing new
    search_writer.write(
        {"products": (set(), [product(rng, i) for i in range(301, 401)])}
    )
    searcher = search_store.searcher("products")
    after = ranking.matches(searcher, q, scored=True)
    assert after == _whoosh_scores(searcher, q)
    assert set(after) > set(first)


def test_kept_answers_share_their_document_numbers(app):
    rng = random.Random(6)
    search_writer.write({"products": (set(), [product(rng, i) for i in range(1, 301)])})
    searcher = search_store.searcher("products")
    ranking.clear_cache()
    tea = ranking.matches(searcher, search_query.product_query("tea"), scored=False)
    green = ranking.matches(searcher, search_query.product_query("green"), True)
    both = tea & green.keys()
    assert both
    shared = {id(d) for d in green if d in both}
    assert {id(d) for d in tea if d in both} == shared  # one int object each


def test_a_union_with_an_empty_side_is_the_other_side():
    a = {1: 0.5, 700: 1.25}
    assert ranking._merged(a, {}, max) is a
    assert ranking._merged({}, a, max) is a
    assert ranking._merged(a, {700: 2.0, 9: 1.0}, max) == {1: 0.5, 700: 2.0, 9: 1.0}
    assert ranking._merged(a, {700: 2.0}, operator.add) == {1: 0.5, 700: 3.25}
