"""Search facets: filters, facet counts and column sorts over a set of matches.

Everything reads the product columns `store` caches as lists (one per index
generation) and runs in C loops (`map`, `compress`, `Counter`, `filter`): a
Python function call per matching product cost more than the search itself at
100,000 products.
"""

import functools
import itertools
import operator
from collections import Counter

# sort name -> (column, descending)
FIELD_SORTS = {
    "price_asc": ("price_cents", False),
    "price_desc": ("price_cents", True),
    "newest": ("created", True),
    "best_selling": ("sales_count", True),
}
FACETS = (("category", "category"), ("brand", "brand_value"))


def _keep(docnums, column, test):
    values = map(column.__getitem__, docnums)
    return list(itertools.compress(docnums, map(test, values) if test else values))


def filtered(docnums, columns, category, brand, min_price, max_price, in_stock):
    """The documents (a list) that pass the filters, read from the cached columns."""
    docnums = list(docnums)
    if category:
        docnums = _keep(
            docnums, columns["category"], functools.partial(operator.eq, category)
        )
    if brand:
        docnums = _keep(
            docnums, columns["brand_value"], functools.partial(operator.eq, brand)
        )
    if min_price is not None:
        docnums = _keep(
            docnums, columns["price_cents"], functools.partial(operator.le, min_price)
        )
    if max_price is not None:
        docnums = _keep(
            docnums, columns["price_cents"], functools.partial(operator.ge, max_price)
        )
    if in_stock:
        docnums = _keep(docnums, columns["in_stock"], None)
    return docnums


def counts(columns, docnums, limit=20):
    """{category: [{value, count}], brand: [...]} over the given documents."""
    out = {}
    for name, field in FACETS:
        counted = Counter(map(columns[field].__getitem__, docnums))
        ranked = sorted(
            ((v, c) for v, c in counted.items() if v), key=lambda vc: (-vc[1], vc[0])
        )[:limit]
        out[name] = [{"value": v, "count": c} for v, c in ranked]
    return out


def sorted_page(columns, order, docnums, sort, start, stop):
    """Documents start..stop of `docnums` sorted by the column of `sort` (ties:
    the newer document first when descending, the older when ascending).

    `order(field)` gives every document number sorted by (value, docnum), cached
    per index generation: a large match set is then paged by walking that order
    until the page is full, instead of sorting the set on every search.
    """
    field, descending = FIELD_SORTS[sort]
    column = columns[field]
    if len(docnums) * 16 < len(column):
        ranked = sorted(docnums, reverse=descending)
        ranked.sort(key=column.__getitem__, reverse=descending)  # stable
        return ranked[start:stop]
    allowed = docnums if isinstance(docnums, (set, frozenset)) else set(docnums)
    walk = reversed(order(field)) if descending else iter(order(field))
    return list(itertools.islice(filter(allowed.__contains__, walk), start, stop))
