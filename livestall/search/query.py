"""Search queries: user text to results, with highlights, facets and suggestions.

Queries never use Whoosh's query language: the text is normalised, cut to
`QUERY_MAX` characters, analysed and turned into term queries, so syntax errors,
unbalanced quotes, control characters and odd Unicode are plain text. A product
search first collects the exact set of matching products, with their BM25 scores
when it is ranked by relevance (`ranking`: Whoosh's own matcher tree and scores,
evaluated a posting block at a time), filters it on the cached columns (integer
cents: a float sortable NUMERIC crashes whoosh-reloaded, and a NumericRange AND-ed
into a scored query reports a wrong total at a small limit), counts the total and
the facets on that set (`facets`), and then ranks only the page: by a column
(walking the column's cached order), or by score. Only the page's products are
read from the stored fields and highlighted. Searchers, the product columns and
their orders come cached from `store`.

The four entry points run off the event loop (`platform.offload`, kind "search":
5-30 ms of Python each at 100,000 products), one at a time, so the cached searchers
are never read by two threads at once (tests/search/test_search_loop.py).
"""

import html
import unicodedata

import jieba
from whoosh import query as Q
from whoosh import sorting

from livestall.platform import offload
from livestall.search import facets, ranking, store
from livestall.search.analysis import ANALYZER, PLAIN, WORDISH, subwords_of
from livestall.search.snippets import snippet
from livestall.search.spelling import correct

QUERY_MAX = 100  # characters of a query that are used; the rest is ignored
TERMS_MAX = 12  # words of a query that are used
SORTS = ("relevance", "price_asc", "price_desc", "newest", "best_selling")
# Field weights: a word in the title or brand counts far more than in the text
# (products: one field, see `documents`; posts and creators: boosts).
PRODUCT_FIELDS = {"text": 1.0}
POST_FIELDS = {"text": 1.0, "author": 2.0, "products": 1.5}
CREATOR_FIELDS = {"name": 3.0, "bio": 1.0}


# --- queries --------------------------------------------------------------------


def clean_query(text):
    """Normalise user text: NFKC, no control or format characters, one space, cut."""
    if not isinstance(text, str):
        return ""
    text = unicodedata.normalize("NFKC", text[: QUERY_MAX * 4])
    text = "".join(
        " " if unicodedata.category(ch)[0] in "CZ" else ch
        for ch in text
        if unicodedata.category(ch) not in ("Cs", "Co", "Cn")
    )
    return " ".join(text.split())[:QUERY_MAX].strip()


def _groups(text):
    """The query's words: [(surface word, [alternative term lists])].

    A jieba word matches as itself or, when it is a long Chinese word, as all of
    its dictionary sub-words (a title segmented differently still matches).
    """
    out = []
    for word, _start, _end in jieba.tokenize(text):
        if not WORDISH.search(word):
            continue
        terms = [t.text for t in ANALYZER(word, removestops=True)]
        if not terms:
            continue
        whole = terms[0]
        subs = [g for g, _ in subwords_of(word)]
        alts = [[whole]]
        covered = set()
        for g in subs:
            i = word.find(g)
            covered |= set(range(i, i + len(g)))
        if subs and len(covered) == len(word):
            alts.append(sorted({g.lower() for g in subs}))
        out.append((word, alts))
        if len(out) >= TERMS_MAX:
            break
    return out


def _term_query(term, fields):
    return Q.Or([Q.Term(f, term, boost=b) for f, b in fields.items()])


def _group_query(alts, fields):
    options = [_term_query(alts[0][0], fields)]
    for alt in alts[1:]:
        options.append(Q.And([_term_query(t, fields) for t in alt], boost=0.8))
    return options[0] if len(options) == 1 else Q.Or(options)


def build_query(text, fields, match_all=True):
    """The scored query for user text (None when nothing searchable is left)."""
    groups = _groups(text)
    if not groups:
        return None
    parts = [_group_query(alts, fields) for _, alts in groups]
    if len(parts) == 1:
        return parts[0]
    return Q.And(parts) if match_all else Q.Or(parts, scale=0.9)


def query_terms(text):
    """Every analysed term of the text (for highlighting)."""
    return {t for _, alts in _groups(text) for alt in alts for t in alt}


def _match_set(searcher, q):
    """The set of documents matching `q` (no scores)."""
    try:
        return ranking.matches(searcher, q, scored=False)
    except ranking.Unsupported:
        return set(searcher.docs_for_query(q))


def empty_result(page=1, per_page=20, text=""):
    return {
        "query": text,
        "items": [],
        "total": 0,
        "page": page,
        "per_page": per_page,
        "facets": {"category": [], "brand": []},
        "suggestion": None,
        "relaxed": False,
    }


@offload.offloaded("search")
def search_products(
    text,
    *,
    category=None,
    brand=None,
    min_price=None,
    max_price=None,
    in_stock=False,
    sort="relevance",
    page=1,
    per_page=20,
):
    """Search active products.

    Return {query, items: [{id, title, price_cents, category, brand, merchant,
    in_stock, sales_count, highlight, title_highlight, snippet}], total, page,
    per_page, facets, suggestion, relaxed}.
    `relaxed` is True when no product had every word and products with some of
    them are shown. Totals and facets count every matching product exactly.
    """
    text = clean_query(text)
    result = empty_result(page, per_page, text)
    if not store.is_configured() or not text:
        return result
    searcher = store.searcher("products")
    columns = store.cached_columns("products", searcher)
    suggestion = correct(searcher, text, PRODUCT_FIELDS)
    q = build_query(text, PRODUCT_FIELDS)
    if q is None:
        result["suggestion"] = suggestion
        return result
    filters = (category, brand, min_price, max_price, in_stock)
    by_relevance = sort not in facets.FIELD_SORTS

    def matching(query, scored=False):
        """Exact matches: (those passing the filters, whether filters removed any,
        their scores or None). The total, the facets, the page come from them."""
        found = None
        if scored:
            try:
                found = ranking.matches(searcher, query, scored=True)
            except ranking.Unsupported:  # Whoosh's collector ranks the page
                pass
        every = found if found is not None else _match_set(searcher, query)
        passed = facets.filtered(every, columns, *filters)
        return passed, len(passed) != len(every), found

    docnums, q_narrowed, scores = matching(q, by_relevance)
    if not docnums:
        relaxed = build_query(text, PRODUCT_FIELDS, match_all=False)
        if relaxed is not None and relaxed != q:
            found = matching(relaxed, by_relevance)
            if found[0]:
                q, result["relaxed"] = relaxed, True
                docnums, q_narrowed, scores = found
    if suggestion:
        sq = build_query(suggestion, PRODUCT_FIELDS)
        if sq is None or not matching(sq)[0]:
            suggestion = None
    result["suggestion"] = suggestion
    result["total"] = len(docnums)
    result["facets"] = facets.counts(columns, docnums)
    start = (page - 1) * per_page
    if start >= len(docnums):
        return result
    if not by_relevance:

        def order(field):
            return store.cached_order("products", searcher, field)

        page_docs = facets.sorted_page(
            columns, order, docnums, sort, start, start + per_page
        )
    elif scores is not None:
        allow = docnums if q_narrowed else None
        page_docs = ranking.top(scores, allow, start + per_page)[start:]
    else:
        # Unfiltered, Whoosh skips blocks that cannot reach the top results
        # (block-max scoring); a filter set slows that, so it goes in only when
        # the filters removed something.
        allow = set(docnums) if q_narrowed else None
        hits = searcher.search(q, filter=allow, limit=start + per_page)
        page_docs = [hit.docnum for hit in hits[start : start + per_page]]
    terms = query_terms(text)
    for docnum in page_docs:
        stored = searcher.stored_fields(docnum)
        title = stored["title"]
        category = columns["category"][docnum]
        title_mark = snippet(title, terms, whole=True)
        desc = ""
        if "<mark>" not in title_mark:
            title_mark = html.escape(title, quote=False)
            desc = snippet(stored.get("description", ""), terms)
            desc = desc if "<mark>" in desc else ""
        result["items"].append(
            {
                "id": int(stored["id"]),
                "title": title,
                "price_cents": stored["price_cents"],
                "category": category,
                "brand": columns["brand_value"][docnum],
                "merchant": stored.get("merchant", ""),
                "in_stock": bool(columns["in_stock"][docnum]),
                "sales_count": int(columns["sales_count"][docnum]),
                # The title (its matched words marked) is always the card's
                # title; `snippet` is the description's match when the title has
                # none; `highlight` is the older one-line mix of the two.
                "highlight": desc or title_mark,
                "title_highlight": title_mark,
                "snippet": desc,
            }
        )
    return result


def _search_simple(name, fields, text, page, per_page, item, relax=True):
    text = clean_query(text)
    result = empty_result(page, per_page, text)
    del result["facets"], result["suggestion"]
    if not store.is_configured() or not text:
        return result
    q = build_query(text, fields)
    if q is None:
        return result
    searcher = store.searcher(name)
    docnums = list(searcher.docs_for_query(q))
    if not docnums and relax:
        relaxed = build_query(text, fields, match_all=False)
        docnums = list(searcher.docs_for_query(relaxed))
        q, result["relaxed"] = relaxed, bool(docnums)
    result["total"] = len(docnums)
    if (page - 1) * per_page >= len(docnums):
        return result
    terms = query_terms(text)
    for hit in searcher.search(q, limit=page * per_page)[
        (page - 1) * per_page : page * per_page
    ]:
        result["items"].append(item(hit, terms))
    return result


@offload.offloaded("search")
def search_posts(text, page=1, per_page=20):
    """Published posts: {items: [{id, author, username, highlight}], total, ...}."""

    def item(hit, terms):
        mark = snippet(hit["text"], terms) or snippet(hit["products"], terms)
        if "<mark>" not in mark:
            mark = html.escape(hit["text"][:160], quote=False)
        return {
            "id": int(hit["id"]),
            "author": hit["author"],
            "username": hit["username"],
            "highlight": mark,
        }

    return _search_simple("posts", POST_FIELDS, text, page, per_page, item)


def _creator_item(hit, terms):
    mark = snippet(hit["bio"], terms)
    if "<mark>" not in mark:
        mark = html.escape(hit["bio"][:160], quote=False)
    return {
        "id": int(hit["id"]),
        "username": hit["username"],
        "name": hit["name"],
        "highlight": mark,
    }


@offload.offloaded("search")
def search_creators(text, page=1, per_page=20):
    """Active creators: {items: [{id, username, name, highlight}], total, ...}."""
    return _search_simple(
        "creators", CREATOR_FIELDS, text, page, per_page, _creator_item
    )


@offload.offloaded("search")
def creators_named(text, limit=3):
    """Creators whose name has every word of the query (the products tab's row)."""
    found = _search_simple(
        "creators", {"name": 1.0}, text, 1, limit, _creator_item, relax=False
    )
    return found["items"]


def _prefix_query(text):
    """Every word but the last as a whole word, the last as a prefix (spell field)."""
    words = [t.text for t in PLAIN(text)]
    if not words:
        return None
    parts = [Q.Term("spell", w) for w in words[:-1]]
    parts.append(Q.Prefix("spell", words[-1]))
    return parts[0] if len(parts) == 1 else Q.And(parts)


@offload.offloaded("search")
def suggest(text, limit=8):
    """Completions for the search box: [{kind, text, id, username?}], titles first."""
    text = clean_query(text)
    if not store.is_configured() or not text:
        return []
    q = _prefix_query(text)
    if q is None:
        return []
    out = []
    for hit in store.searcher("creators").search(q, limit=3):
        out.append(
            {
                "kind": "creator",
                "text": hit["name"],
                "id": int(hit["id"]),
                "username": hit["username"],
            }
        )
    seen = set()
    for hit in store.searcher("products").search(
        q, limit=limit * 2, sortedby=sorting.FieldFacet("sales_count", reverse=True)
    ):
        if hit["title"] in seen:
            continue
        seen.add(hit["title"])
        out.append({"kind": "product", "text": hit["title"], "id": int(hit["id"])})
        if len(out) >= limit:
            break
    return out[:limit]
