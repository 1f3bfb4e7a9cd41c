"""Full-text search: the Whoosh index of products, posts and creators.

This module is the only code that opens an index writer (DESIGN.md). It owns three
Whoosh indexes in one directory (`configure(DATA_DIR/index)`): `products`, `posts`
and `creators`, all analysed by `ANALYZER`, which segments Chinese with jieba (search
mode: a long word also yields its dictionary sub-words, so "料理" finds "手持料理棒")
and lower-cases and stems English in the same field ("blenders" finds "blender").

Writes. Services call `changed(kind, id)` right after their transaction commits
(`product_changed`, `post_changed`, `user_changed`). The index is then updated from
the database rows, so it never holds anything the database does not. A failed index
write (disk full, lock timeout, a bug) never touches the database change: the job is
recorded in the `search_job` table (models/search.py) and retried on the next index
write, and `flask --app app reindex` rebuilds everything from the database.
`batch()` groups the changes of a bulk job (the demo seeder) into one commit.

Processes. Writers are serialised by a threading lock inside a process and by
Whoosh's own index lock file across processes on one node (`writer(timeout=...)`
waits for it; on time-out the job is recorded and retried). DESIGN.md's scale-out
choice (issue 10) is one index per node, one writer per node: every node keeps its
own index under its DATA_DIR and rebuilds it from the shared database with
`flask reindex`; a change made on one node reaches the other nodes' indexes at their
next reindex (run it from cron on every node). A rebuild adds every document in one
writer and commits with `CLEAR`, so searches see the old index until the new one is
complete.

Reads. A searcher per index is cached and replaced only when a commit made it stale
(opening an index and a searcher costs ~40 ms), with the product columns (category,
brand, price, sales, created, in stock) loaded into lists once per index version.
Queries never use Whoosh's query language: the text is normalised, cut to
`QUERY_MAX` characters, analysed and turned into term queries, so syntax errors,
unbalanced quotes, control characters and odd Unicode are plain text. A query first
collects the exact set of matching products (no scoring), filters it on the columns
(integer cents: a float sortable NUMERIC crashes whoosh-reloaded, and a NumericRange
AND-ed into a scored query reports a wrong total at a small limit), counts the total
and the facets on that set, and then ranks only the page: by a column, or by BM25
through Whoosh's collector with the filtered set as `filter=`.
"""

import contextlib
import contextvars
import datetime
import functools
import html
import logging
import os
import re
import threading
import unicodedata
from pathlib import Path

import jieba
from whoosh import columns, highlight, sorting, writing
from whoosh import query as Q
from whoosh.analysis import (
    STOP_WORDS,
    LowercaseFilter,
    StemFilter,
    StopFilter,
    Token,
    Tokenizer,
)
from whoosh.fields import COLUMN, ID, NUMERIC, STORED, TEXT, Schema
from whoosh.filedb.filestore import FileStorage

from livestall.platform import shared

log = logging.getLogger(__name__)
jieba.setLogLevel(logging.WARNING)

QUERY_MAX = 100  # characters of a query that are used; the rest is ignored
TERMS_MAX = 12  # words of a query that are used
WRITE_TIMEOUT_S = 5.0  # how long a writer waits for another process's lock
SORTS = ("relevance", "price_asc", "price_desc", "newest", "best_selling")
KINDS = ("product", "post", "user")
# Field weights: a word in the title or brand counts far more than in the text.
# Products are matched in one field, "text": the title three times, the brand
# twice, then tags, category names, the shop's name and the description. Repetition
# weights title and brand words above description words (BM25 term frequency), and
# one field per term lets Whoosh skip blocks that cannot reach the top results:
# measured on 20k products, an OR of the four fields with boosts (title 4, brand 3,
# extras 1.5, description 1) queried 3-10x slower (bench/search.py).
PRODUCT_FIELDS = {"text": 1.0}
TITLE_REPEAT, BRAND_REPEAT = 3, 2
POST_FIELDS = {"text": 1.0, "author": 2.0, "products": 1.5}
CREATOR_FIELDS = {"name": 3.0, "bio": 1.0}
# Chinese function words that match nearly everything.
ZH_STOP = frozenset("的 了 和 与 及 是 在 也 都 就 而 或 之 等 把 被 让 给 个".split())
_WORDISH = re.compile(r"\w", re.UNICODE)
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"^[a-z]{3,}$")


# --- analysis --------------------------------------------------------------------


def _subwords(word):
    """The dictionary 2- and 3-character words inside a longer Chinese word.

    This is jieba's search mode ("cut_for_search"), spelled out so the whole word can
    come first (highlighting then marks the longest match).
    """
    if len(word) <= 2 or not _CJK.search(word):
        return []
    freq = jieba.dt.FREQ
    out = []
    for n in (2, 3):
        if len(word) > n:
            for i in range(len(word) - n + 1):
                gram = word[i : i + n]
                if freq.get(gram):
                    out.append((gram, i))
    return out


class JiebaTokenizer(Tokenizer):
    """Words from jieba (Chinese segmented, Latin runs kept whole), with sub-words.

    Whitespace and punctuation are dropped; positions count emitted tokens and
    character offsets point into the original text (for highlighting).
    """

    def __init__(self, subwords=True):
        self.subwords = subwords

    def __eq__(self, other):
        return type(self) is type(other) and self.subwords == other.subwords

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        pos = start_pos
        for text, start in _segment_lines(value, self.subwords):
            t.text = text
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = text
            if positions:
                t.pos = pos
                pos += 1
            if chars:
                t.startchar = start_char + start
                t.endchar = t.startchar + len(text)
            yield t


CACHE_MAX_CHARS = 300


def _segment(value, subwords=True):
    """(word, start offset) for each jieba word (then its sub-words), punctuation and
    spaces dropped."""
    out = []
    for word, start, _end in jieba.tokenize(value):
        if not _WORDISH.search(word):
            continue
        out.append((word, start))
        if subwords:
            out.extend((gram, start + offset) for gram, offset in _subwords(word))
    return tuple(out)


# Brands, shop names, category names and tags repeat across many products, and a
# title is also in the spelling field: jieba, the slow part of indexing, runs once
# per distinct short line.
_segment_cached = functools.lru_cache(maxsize=50_000)(_segment)


def _segment_lines(value, subwords=True):
    """`_segment` line by line (documents join their parts with newlines)."""
    offset = 0
    for line in value.split("\n"):
        if line:
            if len(line) <= CACHE_MAX_CHARS:
                pieces = _segment_cached(line, subwords)
            else:
                pieces = _segment(line, subwords)
            for text, start in pieces:
                yield text, offset + start
        offset += len(line) + 1


STOPS = frozenset(STOP_WORDS) | ZH_STOP
# One analyzer for every text field: jieba words, lower case, stop words, stems.
ANALYZER = (
    JiebaTokenizer()
    | LowercaseFilter()
    | StopFilter(stoplist=STOPS, minsize=1)
    | StemFilter()
)
# Unstemmed words: spelling suggestions and prefix completion.
PLAIN = JiebaTokenizer() | LowercaseFilter()


def _text():
    return TEXT(analyzer=ANALYZER, phrase=False)


SCHEMAS = {
    "products": lambda: Schema(
        id=ID(stored=True, unique=True),
        text=_text(),  # see PRODUCT_FIELDS
        title=STORED(),
        description=STORED(),
        brand=STORED(),
        tags=STORED(),
        merchant=STORED(),
        # Filters, facets and sorts read per-document columns, not postings:
        # column-only fields index nothing. (Every posting of a field without a
        # length column costs whoosh-reloaded a stat() call while indexing.)
        # Prices stay a sortable integer NUMERIC (never float: a float sortable
        # NUMERIC crashes) with one term per value (shift_step=bits) for NumericRange.
        price_cents=NUMERIC(int, bits=32, shift_step=32, stored=True, sortable=True),
        brand_value=COLUMN(columns.VarBytesColumn()),
        category=COLUMN(columns.RefBytesColumn()),
        sales_count=COLUMN(columns.NumericColumn("q")),
        created=COLUMN(columns.NumericColumn("q")),
        in_stock=COLUMN(columns.NumericColumn("b")),  # 1 or 0
        status=STORED(),
        spell=TEXT(analyzer=PLAIN, phrase=False),
    ),
    "posts": lambda: Schema(
        id=ID(stored=True, unique=True),
        text=TEXT(analyzer=ANALYZER, phrase=False, stored=True),
        author=TEXT(analyzer=ANALYZER, phrase=False, stored=True),
        username=ID(stored=True),
        products=TEXT(analyzer=ANALYZER, phrase=False, stored=True),
        created=NUMERIC(int, bits=64, stored=True, sortable=True),
    ),
    "creators": lambda: Schema(
        id=ID(stored=True, unique=True),
        username=ID(stored=True),
        name=TEXT(analyzer=ANALYZER, phrase=False, stored=True),
        bio=TEXT(analyzer=ANALYZER, phrase=False, stored=True),
        spell=TEXT(analyzer=PLAIN, phrase=False),
    ),
}
INDEX_OF = {"product": "products", "post": "posts", "user": "creators"}


# --- state: the index directory, open indexes, cached searchers -------------------


class _State:
    def __init__(self):
        self.path = None
        self.indexes = {}
        self.searchers = {}
        self.columns = {}
        self.lock = threading.RLock()  # guards the caches
        self.write_lock = threading.Lock()  # one writer per process


_state = _State()
_batch = contextvars.ContextVar("search_batch", default=None)


def configure(path):
    """Use the index in directory `path` (created on first use); None switches off."""
    with _state.lock:
        for searcher, _generation in _state.searchers.values():
            searcher.close()
        _state.searchers.clear()
        _state.columns.clear()
        _state.indexes.clear()
        _state.path = str(path) if path else None
    if path:
        jieba.initialize()  # once per process (~1 s), not on the first search


def is_configured():
    return _state.path is not None


def _storage():
    Path(_state.path).mkdir(parents=True, exist_ok=True)
    return FileStorage(_state.path)


def _index(name):
    """The open index `name`, created empty if missing or of an older schema."""
    with _state.lock:
        ix = _state.indexes.get(name)
        if ix is not None:
            return ix
        storage = _storage()
        schema = SCHEMAS[name]()
        if storage.index_exists(name):
            ix = storage.open_index(name)
            if sorted(ix.schema.names()) != sorted(schema.names()):
                ix = storage.create_index(schema, indexname=name)
        else:
            ix = storage.create_index(schema, indexname=name)
        _state.indexes[name] = ix
        return ix


def index_exists():
    """True when every index exists, with this release's schema."""
    if not is_configured() or not Path(_state.path).is_dir():
        return False
    storage = FileStorage(_state.path)
    for name, schema in SCHEMAS.items():
        if not storage.index_exists(name):
            return False
        stored = storage.open_index(name).schema.names()
        if sorted(stored) != sorted(schema().names()):
            return False  # an older release's index: rebuild it
    return True


def _searcher(name):
    """A cached searcher on `name`, refreshed when a commit made it stale."""
    with _state.lock:
        ix = _index(name)
        generation = ix.latest_generation()  # one directory listing
        cached = _state.searchers.get(name)
        if cached is not None and cached[1] == generation:
            return cached[0]
        # Not Searcher.up_to_date(): it answered True for a stale multi-segment
        # searcher here. The old searcher is left to the garbage collector, as a
        # request on another thread may still be reading it.
        searcher = ix.searcher()
        _state.searchers[name] = (searcher, generation)
        _state.columns.pop(name, None)
        return searcher


COLUMNS = (
    "category",
    "brand_value",
    "price_cents",
    "sales_count",
    "created",
    "in_stock",
)


def _columns(name, searcher):
    """The product columns as Python lists indexed by document number, loaded once
    per index generation: filters, facets and sorts then cost a list lookup per
    matching document instead of a column-reader call."""
    with _state.lock:
        cached = _state.columns.get(name)
        if cached is not None and cached[0] is searcher:
            return cached[1]
        reader = searcher.reader()
        empty = reader.doc_count_all() == 0  # no segment: no column readers either
        loaded = {}
        for field in COLUMNS:
            values = [] if empty else list(reader.column_reader(field, translate=True))
            if values and isinstance(values[0], bytes):
                values = [v.decode() for v in values]
            loaded[field] = values
        _state.columns[name] = (searcher, loaded)
        return loaded


def _open_writer(name):
    """A writer on index `name`: waits up to WRITE_TIMEOUT_S for another process."""
    return _index(name).writer(timeout=WRITE_TIMEOUT_S)


# --- documents from the database ---------------------------------------------------


def _epoch(value):
    """Microseconds since 1970 (a stored naive-UTC datetime): exact newest-first."""
    if value is None:
        return 0
    delta = value - datetime.datetime(1970, 1, 1)
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds


def _plain(html_text):
    """Text of sanitised post HTML (tags dropped, entities decoded)."""
    return html.unescape(re.sub(r"<[^>]+>", " ", html_text or "")).strip()


def product_doc(product):
    """The index document of an active product (merchant joined)."""
    return make_product_doc(
        id=product.id,
        title=product.title,
        description=product.description,
        brand=product.brand,
        category=product.category,
        tags=product.tags,
        merchant=f"{product.merchant.name} {product.merchant.username}",
        price_cents=product.price_cents,
        sales_count=product.sales_count,
        created=_epoch(product.created_at),
        in_stock=product.stock > 0,
        status=product.status,
    )


def make_product_doc(
    *,
    id,  # noqa: A002 - the document's field name
    title,
    description,
    brand,
    category,
    tags,
    merchant,
    price_cents,
    sales_count,
    created,
    in_stock,
    status="active",
):
    """A product document from plain values (the benchmark uses it too)."""
    from livestall.catalog.rules import CATEGORIES

    labels = " ".join(CATEGORIES.get(category, ()))
    tags = " ".join(tags or [])
    return {
        "id": str(id),
        "title": title,
        "description": description or "",
        "brand": brand or "",
        "text": "\n".join(
            [title] * TITLE_REPEAT
            + [brand or ""] * BRAND_REPEAT
            + [tags, f"{category} {labels}", merchant, description or ""]
        ),
        "tags": tags,
        "merchant": merchant,
        "brand_value": (brand or "").encode(),
        "category": category.encode(),
        "price_cents": int(price_cents),
        "sales_count": int(sales_count or 0),
        "created": int(created),
        "in_stock": 1 if in_stock else 0,
        "status": status,
        "spell": f"{title}\n{brand or ''}\n{tags}",
    }


def post_doc(post, titles):
    return {
        "id": str(post.id),
        "text": _plain(post.body_html),
        "author": f"{post.author.name} {post.author.username}",
        "username": post.author.username,
        "products": " / ".join(titles),
        "created": _epoch(post.published_at or post.created_at),
    }


def creator_doc(user):
    return {
        "id": str(user.id),
        "username": user.username,
        "name": f"{user.name} {user.username}",
        "bio": user.bio or "",
        "spell": f"{user.name} {user.username}",
    }


def _products_query():
    from livestall.accounts.models import User
    from livestall.catalog.models import Product

    return Product.select(Product, User).join(User)


def _posts_query():
    from livestall.accounts.models import User
    from livestall.content.models import Post

    return Post.select(Post, User).join(User).where(Post.status == "published")


def _post_titles(post_ids):
    from livestall.catalog.models import Product
    from livestall.content.models import PostProduct

    titles = {pid: [] for pid in post_ids}
    if post_ids:
        rows = (
            PostProduct.select(PostProduct.post, Product.title)
            .join(Product)
            .where(PostProduct.post.in_(list(post_ids)))
            .order_by(PostProduct.position)
        )
        for row in rows:
            titles[row.post_id].append(row.product.title)
    return titles


def _creators_query():
    from livestall.accounts.models import User, UserRole

    creators = UserRole.select(UserRole.user).where(UserRole.role == "creator")
    return User.select().where((User.status == "active") & User.id.in_(creators))


def _expand(jobs):
    """Add the documents that show a changed object's text: a product's title is in
    the posts tagging it; a user's name is in their products and posts."""
    from livestall.catalog.models import Product
    from livestall.content.models import Post, PostProduct

    jobs = set(jobs)
    products = [i for k, i in jobs if k == "product"]
    users = [i for k, i in jobs if k == "user"]
    if products:
        tagged = PostProduct.select(PostProduct.post).where(
            PostProduct.product.in_(products)
        )
        jobs |= {("post", row.post_id) for row in tagged}
    if users:
        jobs |= {
            ("product", p.id)
            for p in Product.select(Product.id).where(Product.merchant.in_(users))
        }
        jobs |= {
            ("post", p.id) for p in Post.select(Post.id).where(Post.author.in_(users))
        }
    return jobs


def _documents(jobs):
    """{index name: (ids to delete, documents to add)} for a set of (kind, id)."""
    from livestall.accounts.models import User
    from livestall.catalog.models import Product
    from livestall.content.models import Post

    out = {name: (set(), []) for name in SCHEMAS}
    ids = {kind: {i for k, i in jobs if k == kind} for kind in KINDS}
    if ids["product"]:
        found = {
            p.id: p
            for p in _products_query().where(Product.id.in_(list(ids["product"])))
        }
        for pid in ids["product"]:
            out["products"][0].add(str(pid))
            p = found.get(pid)
            if p is not None and p.status == "active":
                out["products"][1].append(product_doc(p))
    if ids["post"]:
        found = {p.id: p for p in _posts_query().where(Post.id.in_(list(ids["post"])))}
        titles = _post_titles(list(found))
        for pid in ids["post"]:
            out["posts"][0].add(str(pid))
            if pid in found:
                out["posts"][1].append(post_doc(found[pid], titles[pid]))
    if ids["user"]:
        found = {
            u.id: u for u in _creators_query().where(User.id.in_(list(ids["user"])))
        }
        for uid in ids["user"]:
            out["creators"][0].add(str(uid))
            if uid in found:
                out["creators"][1].append(creator_doc(found[uid]))
    return out


# --- writing ------------------------------------------------------------------------


def changed(kind, *ids):
    """Bring the index in line with the committed rows of `kind` ("product", "post",
    "user") `ids`, here and in every other process (through Redis, when there is
    one). Never raises: a failure is recorded and retried later."""
    if not is_configured() or not ids:
        return
    jobs = {(kind, int(i)) for i in ids}
    pending = _batch.get()
    if pending is not None:
        pending |= jobs
        return
    _apply(jobs)
    _tell_others(jobs)


def _tell_others(jobs):
    """Other processes keep their own index: send them the changed ids; each
    re-reads those rows from the database, which stays the truth."""
    try:
        shared.publish("search_changed", jobs=sorted([k, i] for k, i in jobs))
    except Exception:  # Redis away: the others catch up at their next reindex
        log.exception("search: could not tell other processes of %d changes", len(jobs))


@shared.on_control("search_changed")
def apply_remote(jobs=()):
    """Index changes another process made (its `search_changed` message)."""
    from extensions import db

    if not is_configured():
        return
    jobs = {(str(k), int(i)) for k, i in jobs if k in ("product", "post", "user")}
    if not jobs:
        return
    with db.connection_context():
        _write(_documents(_expand(jobs)))


def product_changed(*ids):
    changed("product", *ids)


def post_changed(*ids):
    changed("post", *ids)


def user_changed(*ids):
    changed("user", *ids)


@contextlib.contextmanager
def batch(apply=True):
    """Collect the changes made inside into one index commit at the end (or drop
    them, `apply=False`, when a rebuild follows). Nested batches join the outer one."""
    if _batch.get() is not None:
        yield
        return
    jobs = set()
    token = _batch.set(jobs)
    try:
        yield
    finally:
        _batch.reset(token)
    if apply and jobs and is_configured():
        _apply(jobs)
        _tell_others(jobs)


def _pending_jobs(limit=500):
    from livestall.search.models import SearchJob

    try:
        return {
            (j.kind, j.object_id): j.id
            for j in SearchJob.select().order_by(SearchJob.id).limit(limit)
        }
    except Exception:  # the table may be unreachable too; the write still goes ahead
        log.exception("search: could not read pending index jobs")
        return {}


def _record_failure(jobs, error):
    from livestall.search.models import SearchJob

    message = f"{type(error).__name__}: {error}"[:200]
    try:
        for kind, object_id in jobs:
            SearchJob.insert(kind=kind, object_id=object_id, error=message).on_conflict(
                conflict_target=[SearchJob.kind, SearchJob.object_id],
                update={
                    SearchJob.attempts: SearchJob.attempts + 1,
                    SearchJob.error: message,
                },
            ).execute()
    except Exception:
        log.exception("search: could not record %d failed index jobs", len(jobs))


def _write(docs):
    """Apply {index: (delete ids, add docs)} with one commit per touched index."""
    with _state.write_lock:
        for name, (delete, add) in docs.items():
            if not delete and not add:
                continue
            writer = _open_writer(name)
            try:
                for doc_id in delete:
                    writer.delete_by_term("id", doc_id)
                for doc in add:
                    writer.add_document(**doc)
            except BaseException:
                writer.cancel()
                raise
            writer.commit()


def _apply(jobs):
    """Index `jobs` plus any pending ones; on failure record them all as pending."""
    from livestall.search.models import SearchJob

    pending = _pending_jobs()
    everything = set(jobs) | set(pending)
    try:
        _write(_documents(_expand(everything)))
    except Exception as e:
        log.exception("search: index write failed; will retry %d jobs", len(jobs))
        _record_failure(everything, e)
        return False
    if pending:
        try:
            SearchJob.delete().where(SearchJob.id.in_(list(pending.values()))).execute()
        except Exception:  # harmless: they are indexed again next time
            log.exception("search: could not clear pending index jobs")
    return True


def retry_pending():
    """Index the jobs that failed before; return True if none are left."""
    if not is_configured():
        return False
    if not _pending_jobs(limit=1):
        return True
    return _apply(set())


def pending_count():
    from livestall.search.models import SearchJob

    return SearchJob.select().count()


def plan():
    """The number of `progress(1)` steps `rebuild()` reports."""
    from livestall.catalog.models import Product
    from livestall.content.models import Post

    return (
        Product.select().where(Product.status == "active").count()
        + Post.select().where(Post.status == "published").count()
        + _creators_query().count()
    )


PARALLEL_FROM = 5000  # documents from which a rebuild analyses on several cores


def rebuild(progress=None, chunk=500, procs=None):
    """Rebuild every index from the database; return {index: documents}.

    Each index is filled by one writer and committed with CLEAR, so searches keep
    the old index until the new one is complete. Pending jobs older than the
    rebuild are dropped (the rebuild read their rows).
    """
    from livestall.accounts.models import User
    from livestall.catalog.models import Product
    from livestall.content.models import Post
    from livestall.search.models import SearchJob

    if not is_configured():
        raise RuntimeError("the search index is not configured")
    progress = progress or (lambda n: None)
    last_job = SearchJob.select(SearchJob.id).order_by(SearchJob.id.desc()).first()
    counts = {}

    def fill(name, docs, size):
        # Analysis (jieba) is the slow part: large indexes are built by
        # `procs` processes (measured: 630 -> 1,190 docs/s on two cores).
        n_procs = procs or (min(2, os.cpu_count() or 1) if size > PARALLEL_FROM else 1)
        with _state.write_lock:
            writer = _index(name).writer(
                timeout=WRITE_TIMEOUT_S * 12,
                limitmb=128,
                procs=n_procs,
                multisegment=n_procs > 1,
            )
            n = 0
            try:
                for doc in docs:
                    writer.add_document(**doc)
                    n += 1
                    progress(1)
            except BaseException:
                writer.cancel()
                raise
            writer.commit(mergetype=writing.CLEAR)
        counts[name] = n

    def products():
        query = (
            _products_query()
            .where(Product.status == "active")
            .order_by(Product.id)
            .iterator()
        )
        for p in query:
            yield product_doc(p)

    def posts():
        ids = [p.id for p in Post.select(Post.id).where(Post.status == "published")]
        for start in range(0, len(ids), chunk):
            part = ids[start : start + chunk]
            titles = _post_titles(part)
            for p in _posts_query().where(Post.id.in_(part)).order_by(Post.id):
                yield post_doc(p, titles[p.id])

    def creators():
        for u in _creators_query().order_by(User.id):
            yield creator_doc(u)

    fill("products", products(), Product.select().count())
    fill("posts", posts(), Post.select().count())
    fill("creators", creators(), 0)
    if last_job is not None:
        SearchJob.delete().where(SearchJob.id <= last_job.id).execute()
    return counts


def ensure_index(small=5000):
    """Create a missing index: rebuilt at once for a small database, else left empty
    with a warning to run `flask reindex`. Return True if it had to be created."""
    if not is_configured() or index_exists():
        return False
    documents = plan()
    if not documents:
        return False  # created on the first write or search
    if documents <= small:
        rebuild()
    else:
        for name in SCHEMAS:
            _index(name)
        log.warning("search index created empty: run `flask --app app reindex`")
    return True


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
        if not _WORDISH.search(word):
            continue
        terms = [t.text for t in ANALYZER(word, removestops=True)]
        if not terms:
            continue
        whole = terms[0]
        subs = [g for g, _ in _subwords(word)]
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


class MarkFormatter(highlight.Formatter):
    """Escaped text with matched words in <mark>: safe to show with |safe."""

    between = " … "

    def _text(self, text):
        return html.escape(text, quote=False)

    def format_token(self, text, token, replace=False):
        return (
            "<mark>" + self._text(highlight.get_text(text, token, replace)) + "</mark>"
        )


_FORMATTER = MarkFormatter()


def snippet(text, terms, whole=False, maxchars=160):
    """Highlighted, escaped HTML of `text` (a fragment around the matches), or ""."""
    if not text or not terms:
        return ""
    fragmenter = (
        highlight.WholeFragmenter(charlimit=None)
        if whole
        else highlight.ContextFragmenter(maxchars=maxchars, surround=50, charlimit=None)
    )
    try:
        return highlight.highlight(
            text, frozenset(terms), ANALYZER, fragmenter, _FORMATTER, top=1
        )
    except Exception:  # a snippet is decoration: never fail a search for it
        log.exception("search: highlighting failed")
        return ""


def _filtered(docnums, columns, category, brand, min_price, max_price, in_stock):
    """The documents that pass the filters, read from the cached columns.

    This is the `filter=` of the search (a set of document numbers), computed only
    over the documents the text matched: no NumericRange term expansion and no
    filter query over the whole index on every search.
    """
    checks = []
    if category:
        col = columns["category"]
        checks.append(lambda d: col[d] == category)
    if brand:
        col_b = columns["brand_value"]
        checks.append(lambda d: col_b[d] == brand)
    if min_price is not None:
        col_p = columns["price_cents"]
        checks.append(lambda d: col_p[d] >= min_price)
    if max_price is not None:
        col_q = columns["price_cents"]
        checks.append(lambda d: col_q[d] <= max_price)
    if in_stock:
        col_s = columns["in_stock"]
        checks.append(lambda d: col_s[d])
    if not checks:
        return docnums
    return [d for d in docnums if all(check(d) for check in checks)]


# sort name -> (column, descending)
FIELD_SORTS = {
    "price_asc": ("price_cents", False),
    "price_desc": ("price_cents", True),
    "newest": ("created", True),
    "best_selling": ("sales_count", True),
}


def _facets(columns, docnums, limit=20):
    """{category: [{value, count}], brand: [...]} over the given documents."""
    out = {}
    for name, field in (("category", "category"), ("brand", "brand_value")):
        column = columns[field]
        counts = {}
        for d in docnums:
            value = column[d]
            if value:
                counts[value] = counts.get(value, 0) + 1
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
        out[name] = [{"value": v, "count": c} for v, c in ranked]
    return out


def _known(reader, word):
    """True if the word, or its stem, is in any searchable product field."""
    if reader.doc_frequency("spell", word):
        return True
    stems = [t.text for t in ANALYZER(word)]
    return any(reader.doc_frequency(f, t) for t in stems for f in PRODUCT_FIELDS)


def _suggestion(searcher, text):
    """A corrected query for misspelled English words (None if nothing to correct)."""
    reader = searcher.reader()
    words = text.split()
    changed_any = False
    corrected = []
    for word in words:
        lower = word.lower()
        if _LATIN_WORD.match(lower) and not _known(reader, lower):
            options = searcher.suggest("spell", lower, limit=1, maxdist=2, prefix=1)
            if options and options[0] != lower:
                corrected.append(options[0])
                changed_any = True
                continue
        corrected.append(word)
    return " ".join(corrected) if changed_any else None


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
    in_stock, highlight}], total, page, per_page, facets, suggestion, relaxed}.
    `relaxed` is True when no product had every word and products with some of
    them are shown. Totals and facets count every matching product exactly.
    """
    text = clean_query(text)
    result = empty_result(page, per_page, text)
    if not is_configured() or not text:
        return result
    searcher = _searcher("products")
    columns = _columns("products", searcher)
    suggestion = _suggestion(searcher, text)
    q = build_query(text, PRODUCT_FIELDS)
    if q is None:
        result["suggestion"] = suggestion
        return result
    filters = (category, brand, min_price, max_price, in_stock)
    narrowed = False

    def matching(query):
        """Exact matches (no scoring): the total, the facets, the filter set."""
        nonlocal narrowed
        every = list(searcher.docs_for_query(query))
        passed = _filtered(every, columns, *filters)
        narrowed = len(passed) != len(every)
        return passed

    docnums, q_narrowed = matching(q), narrowed
    if not docnums:
        relaxed = build_query(text, PRODUCT_FIELDS, match_all=False)
        if relaxed is not None and relaxed != q:
            docnums = matching(relaxed)
            if docnums:
                q, q_narrowed, result["relaxed"] = relaxed, narrowed, True
    if suggestion:
        sq = build_query(suggestion, PRODUCT_FIELDS)
        if sq is None or not matching(sq):
            suggestion = None
    result["suggestion"] = suggestion
    result["total"] = len(docnums)
    result["facets"] = _facets(columns, docnums)
    start = (page - 1) * per_page
    if start >= len(docnums):
        return result
    if sort in FIELD_SORTS:
        field, descending = FIELD_SORTS[sort]
        column = columns[field]
        # Ties keep the newer document first, as a stable order.
        ranked = sorted(docnums, key=lambda d: (column[d], d), reverse=descending)
        page_docs = ranked[start : start + per_page]
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
        mark = snippet(title, terms, whole=True)
        if "<mark>" not in mark:
            desc = snippet(stored.get("description", ""), terms)
            mark = desc if "<mark>" in desc else html.escape(title, quote=False)
        result["items"].append(
            {
                "id": int(stored["id"]),
                "title": title,
                "price_cents": stored["price_cents"],
                "category": category,
                "brand": columns["brand_value"][docnum],
                "merchant": stored.get("merchant", ""),
                "in_stock": bool(columns["in_stock"][docnum]),
                "highlight": mark,
            }
        )
    return result


def _search_simple(name, fields, text, page, per_page, item):
    text = clean_query(text)
    result = empty_result(page, per_page, text)
    del result["facets"], result["suggestion"]
    if not is_configured() or not text:
        return result
    q = build_query(text, fields)
    if q is None:
        return result
    searcher = _searcher(name)
    docnums = list(searcher.docs_for_query(q))
    if not docnums:
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


def search_creators(text, page=1, per_page=20):
    """Active creators: {items: [{id, username, name, highlight}], total, ...}."""

    def item(hit, terms):
        mark = snippet(hit["bio"], terms)
        if "<mark>" not in mark:
            mark = html.escape(hit["bio"][:160], quote=False)
        return {
            "id": int(hit["id"]),
            "username": hit["username"],
            "name": hit["name"],
            "highlight": mark,
        }

    return _search_simple("creators", CREATOR_FIELDS, text, page, per_page, item)


def _prefix_query(text):
    """Every word but the last as a whole word, the last as a prefix (spell field)."""
    words = [t.text for t in PLAIN(text)]
    if not words:
        return None
    parts = [Q.Term("spell", w) for w in words[:-1]]
    parts.append(Q.Prefix("spell", words[-1]))
    return parts[0] if len(parts) == 1 else Q.And(parts)


def suggest(text, limit=8):
    """Completions for the search box: [{kind, text, id, username?}], titles first."""
    text = clean_query(text)
    if not is_configured() or not text:
        return []
    q = _prefix_query(text)
    if q is None:
        return []
    out = []
    for hit in _searcher("creators").search(q, limit=3):
        out.append(
            {
                "kind": "creator",
                "text": hit["name"],
                "id": int(hit["id"]),
                "username": hit["username"],
            }
        )
    seen = set()
    for hit in _searcher("products").search(
        q, limit=limit * 2, sortedby=sorting.FieldFacet("sales_count", reverse=True)
    ):
        if hit["title"] in seen:
            continue
        seen.add(hit["title"])
        out.append({"kind": "product", "text": hit["title"], "id": int(hit["id"])})
        if len(out) >= limit:
            break
    return out[:limit]


def count_documents():
    """{index name: live documents} (for tests and the reindex summary)."""
    return {name: _searcher(name).doc_count() for name in SCHEMAS}
