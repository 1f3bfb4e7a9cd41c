"""Search store: the index directory, its open indexes and their cached searchers.

Three Whoosh indexes live in one directory (`configure(DATA_DIR/index)`):
`products`, `posts` and `creators` (schemas in `documents`). An index missing, of an
older schema, or written by an older release whose analyzer can no longer be loaded
is created afresh (empty; `jobs.ensure_index` and `flask reindex` fill it).

Reads. A searcher per index is cached and replaced only when a commit made it stale
(opening an index and a searcher costs ~40 ms), with the product columns (category,
brand, price, sales, created, in stock) loaded into lists once per index version,
and each sort column's order of documents built on first use (`cached_order`).
Posting lists and field lengths are cached per segment in `ranking` (a segment
never changes, so that cache outlives commits).
"""

import pickle
import threading
from pathlib import Path

import jieba
from whoosh.filedb.filestore import FileStorage

from livestall.search.documents import SCHEMAS

WRITE_TIMEOUT_S = 5.0  # how long a writer waits for another process's lock
COLUMNS = (
    "category",
    "brand_value",
    "price_cents",
    "sales_count",
    "created",
    "in_stock",
)
# What reading the pickled schema of an index written by an older release may raise
# (its analyzer's class was defined in a module that has since moved).
UNREADABLE = (ImportError, AttributeError, pickle.UnpicklingError)


class State:
    def __init__(self):
        self.path = None
        self.indexes = {}
        self.searchers = {}
        self.columns = {}
        self.lock = threading.RLock()  # guards the caches
        self.write_lock = threading.Lock()  # one writer per process


state = State()


def configure(path):
    """Use the index in directory `path` (created on first use); None switches off."""
    with state.lock:
        for searcher_, _generation in state.searchers.values():
            searcher_.close()
        state.searchers.clear()
        state.columns.clear()
        state.indexes.clear()
        state.path = str(path) if path else None
    if path:
        jieba.initialize()  # once per process (~1 s), not on the first search


def is_configured():
    return state.path is not None


def _storage():
    Path(state.path).mkdir(parents=True, exist_ok=True)
    return FileStorage(state.path)


def _open_stored(storage, name):
    """Stored index `name` as it is on disk; None if missing or unreadable."""
    try:
        if storage.index_exists(name):
            return storage.open_index(name)
    except UNREADABLE:
        pass
    return None


def open_index(name):
    """The open index `name`, created empty if missing or of an older schema."""
    with state.lock:
        ix = state.indexes.get(name)
        if ix is not None:
            return ix
        storage = _storage()
        schema = SCHEMAS[name]()
        ix = _open_stored(storage, name)
        if ix is None or sorted(ix.schema.names()) != sorted(schema.names()):
            ix = storage.create_index(schema, indexname=name)
        state.indexes[name] = ix
        return ix


def index_exists():
    """True when every index exists, with this release's schema."""
    if not is_configured() or not Path(state.path).is_dir():
        return False
    storage = FileStorage(state.path)
    for name, schema in SCHEMAS.items():
        stored = _open_stored(storage, name)
        if stored is None:
            return False
        if sorted(stored.schema.names()) != sorted(schema().names()):
            return False  # an older release's index: rebuild it
    return True


def searcher(name):
    """A cached searcher on `name`, refreshed when a commit made it stale."""
    with state.lock:
        ix = open_index(name)
        generation = ix.latest_generation()  # one directory listing
        cached = state.searchers.get(name)
        if cached is not None and cached[1] == generation:
            return cached[0]
        # Not Searcher.up_to_date(): it answered True for a stale multi-segment
        # searcher here. The old searcher is left to the garbage collector, as a
        # request on another thread may still be reading it.
        fresh = ix.searcher()
        state.searchers[name] = (fresh, generation)
        state.columns.pop(name, None)
        return fresh


def cached_columns(name, searcher_):
    """The product columns as Python lists indexed by document number, loaded once
    per index generation: filters, facets and sorts then cost a list lookup per
    matching document instead of a column-reader call."""
    with state.lock:
        cached = state.columns.get(name)
        if cached is not None and cached[0] is searcher_:
            return cached[1]
        reader = searcher_.reader()
        empty = reader.doc_count_all() == 0  # no segment: no column readers either
        loaded = {}
        for field in COLUMNS:
            values = [] if empty else list(reader.column_reader(field, translate=True))
            if values and isinstance(values[0], bytes):
                values = [v.decode() for v in values]
            loaded[field] = values
        state.columns[name] = (searcher_, loaded)
        return loaded


def cached_order(name, searcher_, field):
    """Every document number sorted by (column value, docnum), built once per index
    generation and sort field (`facets.sorted_page` walks it)."""
    columns = cached_columns(name, searcher_)
    key = ("order", field)
    with state.lock:
        order = columns.get(key)
        if order is None:
            order = columns[key] = sorted(
                range(len(columns[field])), key=columns[field].__getitem__
            )
        return order


def count_documents():
    """{index name: live documents} (for tests and the reindex summary)."""
    return {name: searcher(name).doc_count() for name in SCHEMAS}
