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
from whoosh.query.compound import DefaultOr

from livestall.platform import offload
from livestall.search import facets, pinyin, ranking, store, synonyms
from livestall.search.analysis import ANALYZER, PLAIN, WORDISH, subwords_of
from livestall.search.snippets import snippet
from livestall.search.spelling import correct

QUERY_MAX = 100  # characters of a query that are used; the rest is ignored
TERMS_MAX = 12  # words of a query that are used
SORTS = ("relevance", "price_asc", "price_desc", "newest", "best_selling")
# Field weights: a word in the title or brand counts far more than in the text
# (products: one field, see `documents`; posts and creators: boosts).
PRODUCT_FIELDS = {"text": 1.0}
SUBWORD_BOOST = 0.8  # all of a long word's sub-words, for the word
SYNONYM_BOOST = 0.8  # a synonym, for the word typed
PINYIN_BOOST = 0.5  # a Latin word as pinyin: below the same word in English
# Pinyin and synonyms on (bench/search.py turns them off to time the difference).
EXPAND = True
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


def _word_terms(word):
    return [t.text for t in ANALYZER(word, removestops=True)]


def _groups(text, with_pinyin=False):
    """The query's words: [(surface word, [alternatives])], an alternative being
    (terms that must all match, fields or None for the index's own, boost,
    kind: "word" as typed or its sub-words, "pinyin", "synonym").

    A jieba word matches as itself or, when it is a long Chinese word, as all of
    its dictionary sub-words (a title segmented differently still matches); as
    each of its synonyms (`synonyms`); and, `with_pinyin` (products) when it is
    plain Latin letters, as pinyin or initials, below an English match.
    """
    out = []
    for word, _start, _end in jieba.tokenize(text):
        if not WORDISH.search(word):
            continue
        terms = _word_terms(word)
        if not terms:
            continue
        alts = [([terms[0]], None, 1.0, "word")]
        subs = [g for g, _ in subwords_of(word)]
        covered = set()
        for g in subs:
            i = word.find(g)
            covered |= set(range(i, i + len(g)))
        if subs and len(covered) == len(word):
            alts.append(
                (sorted({g.lower() for g in subs}), None, SUBWORD_BOOST, "word")
            )
        for other in synonyms.of(word) if EXPAND else ():
            if found := _word_terms(other):  # its words' scores add up: share
                alts.append((found, None, SYNONYM_BOOST / len(found), "synonym"))
        lower = word.lower()
        if with_pinyin and EXPAND and pinyin.is_latin_word(lower):
            alts.append(([lower], {pinyin.FIELD: 1.0}, PINYIN_BOOST, "pinyin"))
        out.append((word, alts))
        if len(out) >= TERMS_MAX:
            break
    return out


def _term_query(term, fields, boost=1.0):
    return Q.Or([Q.Term(f, term, boost=b * boost) for f, b in fields.items()])


def _alt_query(alt, fields):
    terms, own_fields, boost, _kind = alt
    where = own_fields or fields
    if len(terms) == 1:
        return _term_query(terms[0], where, boost)
    return Q.And([_term_query(t, where) for t in terms], boost=boost)


def _group_query(alts, fields):
    """The word, all its sub-words and its pinyin, their scores adding up (a
    title with "Longjing" and 龙井 ranks above one with only either); else its
    synonyms: a product matching 面霜 counts for 面霜 alone, not again for "face
    cream"."""
    core = [_alt_query(a, fields) for a in alts if a[3] != "synonym"]
    extra = [_alt_query(a, fields) for a in alts if a[3] == "synonym"]
    return _otherwise(core[0] if len(core) == 1 else DefaultOr(core), extra)


def _otherwise(q, extra):
    """`q`, or the `extra` queries: a document matching several scores once, as
    the best of them."""
    return ranking.Best([q, *extra]) if extra else q


def _joined(groups, parts, known):
    """`parts` with each run of `pinyin.spaced` as one part: its words, or the
    run as one pinyin term, whichever scores better."""
    runs = pinyin.spaced([w.lower() for w, _ in groups], known)
    for start, stop, term in reversed(runs):
        spoken = _term_query(term, {pinyin.FIELD: 1.0}, PINYIN_BOOST)
        parts[start:stop] = [ranking.Best([Q.And(parts[start:stop]), spoken])]
    return parts


def build_query(text, fields, match_all=True, with_pinyin=False, known=None):
    """The scored query for user text (None when nothing searchable is left).
    With `known` (products), words typed apart also match as one pinyin term
    (`pinyin.spaced`)."""
    groups = _groups(text, with_pinyin)
    if not groups:
        return None
    parts = [_group_query(alts, fields) for _, alts in groups]
    if with_pinyin and EXPAND and known is not None and len(groups) > 1:
        parts = _joined(groups, parts, known)
    if len(parts) == 1:
        q = parts[0]
    else:
        q = Q.And(parts) if match_all else Q.Or(parts, scale=0.9)
    if len(groups) > 1 and EXPAND:  # a phrase's own synonyms ("power bank")
        phrases = [
            Q.And(
                [_term_query(t, fields) for t in found],
                boost=SYNONYM_BOOST / len(found),
            )
            for other in synonyms.of(text)
            if (found := _word_terms(other))
        ]
        q = _otherwise(q, phrases)
    return q


def product_query(text, match_all=True, known=None):
    """`build_query` for products: their fields, pinyin and initials too."""
    return build_query(text, PRODUCT_FIELDS, match_all, with_pinyin=True, known=known)


def query_terms(text):
    """Every analysed term of the text and its synonyms (for highlighting)."""
    return {t for _, alts in _groups(text) for alt in alts for t in alt[0]}


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
    suggestion = correct(searcher, text, (*PRODUCT_FIELDS, pinyin.FIELD))
    known = pinyin.known_in(searcher)
    q = product_query(text, known=known)
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
        relaxed = product_query(text, match_all=False, known=known)
        if relaxed is not None and relaxed != q:
            found = matching(relaxed, by_relevance)
            if found[0]:
                q, result["relaxed"] = relaxed, True
                docnums, q_narrowed, scores = found
    if suggestion:
        sq = product_query(suggestion, known=known)
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
    spoken = pinyin.spoken_words(text)
    for docnum in page_docs:
        stored = searcher.stored_fields(docnum)
        title = stored["title"]
        category = columns["category"][docnum]
        marks = terms | pinyin.words_read_as(title, spoken) if EXPAND else terms
        title_mark = snippet(title, marks, whole=True)
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


def _prefix_query(text, with_pinyin=False):
    """Every word but the last as a whole word, the last as a prefix (spell
    field); `with_pinyin` (products), Latin letters also as pinyin or initials:
    `kouh` and `kh` complete to 口红's titles."""
    words = [t.text for t in PLAIN(text)]
    if not words:
        return None
    parts = [Q.Term("spell", w) for w in words[:-1]]
    parts.append(Q.Prefix("spell", words[-1]))
    q = parts[0] if len(parts) == 1 else Q.And(parts)
    if with_pinyin and all(pinyin.is_latin_word(w) for w in words):
        spoken = [Q.Term(pinyin.FIELD, w) for w in words[:-1]]
        spoken.append(Q.Prefix(pinyin.FIELD, words[-1]))
        q = Q.Or([q, spoken[0] if len(spoken) == 1 else Q.And(spoken)])
    return q


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
        _prefix_query(text, with_pinyin=True),
        limit=limit * 2,
        sortedby=sorting.FieldFacet("sales_count", reverse=True),
    ):
        if hit["title"] in seen:
            continue
        seen.add(hit["title"])
        out.append({"kind": "product", "text": hit["title"], "id": int(hit["id"])})
        if len(out) >= limit:
            break
    return out[:limit]
