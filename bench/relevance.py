"""Search relevance: queries, each with the product that must rank first, and their
MRR@10 (mean reciprocal rank of that product in the top 10; 0 when it is not there).

The cases are in tests/search/relevance.json, per catalogue ("demo": demo/seed.py's
catalogue; "generated": bench/search.py's generated products). A case names the
product by its catalogue item ("first": the item's English name, or a list of
items any of which may come first) and, optionally, its brand ("brand").
tests/search/test_relevance.py requires every case first and the MRR@10 at its
catalogue's floor; bench/search.py prints the generated cases' MRR@10 on its own
index. Both search through the app's own `search_products` on whatever index
`search.store` is configured with.
"""

import json
from dataclasses import dataclass
from pathlib import Path

from livestall.search import query as search_query

CASES = Path(__file__).resolve().parent.parent / "tests" / "search" / "relevance.json"
TOP = 10


def catalogue(name):
    """relevance.json's entry for catalogue `name`: {mrr_floor, cases, ...}."""
    return json.loads(CASES.read_text(encoding="utf-8"))["catalogues"][name]


@dataclass
class Outcome:
    case: dict
    rank: int | None  # 1-based rank of the expected product in the top TOP
    top: str  # the title that ranked first ("" when nothing matched)

    @property
    def first(self):
        return self.rank == 1

    def describe(self):
        where = f"rank {self.rank}" if self.rank else f"not in the top {TOP}"
        brand = f" by {self.case['brand']}" if self.case.get("brand") else ""
        top = repr(self.top) if self.top else "nothing"
        return (
            f"{self.case['query']!r} ({self.case['kind']}): "
            f"{self.case['first']}{brand} {where}; first was {top}"
        )


def expected(case):
    """The case's acceptable items, lower-cased."""
    first = case["first"]
    return {i.lower() for i in ([first] if isinstance(first, str) else first)}


def is_expected(case, item, brand):
    """Whether a product of catalogue item `item` and brand `brand` answers the case."""
    wanted_brand = case.get("brand")
    if wanted_brand and (brand or "").lower() != wanted_brand.lower():
        return False
    return (item or "").lower() in expected(case)


def evaluate(cases, item_of):
    """An Outcome per case: `item_of(product id)` gives the (item, brand) of a
    product of the indexed catalogue."""
    out = []
    for case in cases:
        hits = search_query.search_products(case["query"], per_page=TOP)["items"]
        rank = next(
            (
                n
                for n, hit in enumerate(hits, 1)
                if is_expected(case, *item_of(hit["id"]))
            ),
            None,
        )
        out.append(Outcome(case, rank, hits[0]["title"] if hits else ""))
    return out


def mrr(outcomes):
    """MRR@TOP of the outcomes (0.0 for none)."""
    if not outcomes:
        return 0.0
    return sum(1 / o.rank for o in outcomes if o.rank) / len(outcomes)


def generated_items(products):
    """{product id: (item, brand)} for bench/search.py's generated products, whose
    tags are [the item's Chinese name, its English name lower-cased]."""
    return {p["id"]: (p["tags"][1], p["brand"]) for p in products}
