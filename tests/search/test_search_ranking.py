"""Block-at-a-time matching and BM25 scoring (`search.ranking`) give exactly what
Whoosh's own matchers and collector give: the same documents, the same score
floats, the same order (score descending, then document number), over several
segments with deleted documents, with and without a filter set."""

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
