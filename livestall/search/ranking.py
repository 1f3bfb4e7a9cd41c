"""Search ranking: a query's matches and BM25 scores, a posting block at a time.

Whoosh's collectors walk the matcher tree one posting at a time in Python (a few
microseconds a posting: 50-150 ms for a query matching tens of thousands of
products). Here the same tree, built by Whoosh itself (`q.matcher`), is evaluated
a block at a time: each leaf's document numbers and term weights are read whole
(cached per segment: segments never change, so the cache survives commits), and
the tree's unions and intersections become set and dict operations. Scores use
Whoosh's own BM25F formula, statistics and tree shape (the same additions in the
same order), so they are the same floats and the ranking is the same: score
descending, then document number ascending, as Whoosh's top collector orders.

A matcher this module does not know (a small segment's pre-loaded OR, a
coordination-scaled OR when scoring) raises `Unsupported`: the caller then asks
Whoosh's collector, which is always right, only slower.
"""

import heapq
import itertools
import operator
import threading
from array import array
from collections import OrderedDict

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher
from whoosh.matching import binary, mcore, wrappers
from whoosh.query import DisjunctionMax
from whoosh.scoring import BM25FScorer
from whoosh.util.numeric import byte_to_length

CACHE_POSTINGS = 4_000_000  # postings in the per-segment cache: 8 bytes each
CACHE_RESULTS = 600_000  # documents in the cached leaf sets and score dicts (35 MB)
CACHE_SEGMENTS = 64  # segments whose field lengths are kept
# Field-length bytes to lengths, as `reader.doc_field_length` decodes them (0: None).
_LENGTHS = [byte_to_length(b) if b else None for b in range(256)]


class BestMatcher(binary.DisjunctionMaxMatcher):
    """Whoosh's disjunction-max with the score of the current document: Whoosh's
    own takes the max of both sides' current scores even when they stand on
    different documents."""

    def score(self):
        a, b = self.a, self.b
        if not a.is_active():
            return b.score()
        if not b.is_active():
            return a.score()
        id_a, id_b = a.id(), b.id()
        if id_a < id_b:
            return a.score()
        if id_b < id_a:
            return b.score()
        return max(a.score(), b.score())


class Best(DisjunctionMax):
    """A document matching any of the subqueries scores as the best of them (a
    product matching 面霜 and "face cream" counts once): evaluated here a block
    at a time, and by Whoosh's matchers with the same scores."""

    def _matcher(self, subs, searcher, context):
        reader = searcher.reader()
        return self._tree_matcher(
            subs, BestMatcher, searcher, context, lambda q: q.estimate_size(reader)
        )


class Unsupported(Exception):
    """The matcher tree has a node this module does not evaluate."""


class _Cache:
    """LRU of per-segment data: a term's (doc numbers, weights), field lengths."""

    def __init__(self, budget):
        self.budget = budget
        self.size = 0
        self.items = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            value = self.items.get(key)
            if value is not None:
                self.items.move_to_end(key)
            return value

    def put(self, key, value, size):
        with self.lock:
            if key in self.items:
                return
            self.items[key] = value
            self.size += size
            while self.size > self.budget and len(self.items) > 1:
                _key, (old, old_size) = self.items.popitem(last=False)
                self.size -= old_size

    def clear(self):
        with self.lock:
            self.items.clear()
            self.size = 0


_cache = _Cache(CACHE_POSTINGS)  # (segment, term): (doc numbers, weights)
_results = _Cache(CACHE_RESULTS)  # a leaf's set or {docnum: score}, as evaluated
_lengths_cache = _Cache(CACHE_SEGMENTS)  # (segment, field): field lengths


def clear_cache():
    """Forget every cached posting list and leaf result (not the field lengths,
    read once per segment)."""
    _cache.clear()
    _results.clear()


def _segment_id(reader):
    segment = reader.segment()
    if segment is None:
        raise Unsupported("not a segment reader")
    return segment.segment_id()


def _postings(leaf, segid):
    """(doc numbers, weights) of a leaf matcher's whole posting list."""
    key = (segid, leaf._term)
    cached = _cache.get(key)
    if cached is not None:
        return cached[0]
    if leaf._byteids:  # term vectors, not postings
        raise Unsupported("byte ids")
    leaf.reset()  # a wrapping FilterMatcher may have moved it on already
    ids, weights = array("I"), array("f")  # 8 bytes a posting in the cache
    while leaf.is_active():
        if leaf._data is None:
            leaf._read_data()
        block = leaf._data[0]
        ids.extend(itertools.accumulate(block))  # stored as deltas
        leaf._read_weights()
        weights.extend(leaf._weights)
        leaf._next_block()
    value = (ids, weights)
    _cache.put(key, (value, len(ids) + 1), len(ids) + 1)
    return value


def _lengths(reader, segid, fieldname):
    """Field lengths of every document of a segment, as BM25 reads them
    (`reader.doc_field_length`, a column per segment)."""
    key = (segid, fieldname)
    cached = _lengths_cache.get(key)
    if cached is not None:
        return cached[0]
    perdoc = reader._perdoc
    lenfield = f"_{fieldname}_len"
    if not perdoc.has_column(lenfield):
        raise Unsupported("no field lengths")
    column = perdoc.column_reader(lenfield, LENGTHS_COLUMN)
    lengths = list(map(_LENGTHS.__getitem__, column))
    _lengths_cache.put(key, (lengths, 1), 1)
    return lengths


_shared = {"numbers": []}


def _numbers(count):
    """[0, 1, ... count - 1] as int objects every cached answer shares: a
    cached entry then costs its set or dict slot only, not a new int too (86
    bytes an entry before, 58 after, at 100,000 products)."""
    numbers = _shared["numbers"]
    if len(numbers) < count:
        numbers = _shared["numbers"] = list(range(max(count, len(numbers) * 2)))
    return numbers


class _Segment:
    """One segment's matcher tree evaluated to global document numbers: a set,
    or a dict {docnum: score} when `scored`."""

    def __init__(self, reader, offset, scored):
        self.reader = reader
        self.segid = _segment_id(reader)
        self.offset = offset
        self.scored = scored

    def globalise(self, docnums):
        """Global document numbers, as the shared int objects (`_numbers`)."""
        numbers = _numbers(self.offset + self.reader.doc_count_all())
        if self.offset:
            docnums = map(self.offset.__add__, docnums)
        return map(numbers.__getitem__, docnums)

    def stats(self, m):
        """A leaf's scoring statistics (None unscored)."""
        if not self.scored:
            return None
        scorer = m.scorer
        if type(scorer) is not BM25FScorer:
            raise Unsupported("scorer")
        return (scorer.idf, scorer.avgfl, scorer.B, scorer.K1)

    def leaf(self, m):
        """The leaf's documents (a set, or {docnum: score}), cached per segment,
        term, offset and scoring statistics. Never changed afterwards."""
        stats = self.stats(m)
        key = (self.segid, m.term(), self.offset, stats)
        cached = _results.get(key)
        if cached is not None:
            return cached[0]
        ids, weights = _postings(m, self.segid)
        if self.scored:
            found = self.scores(m, ids, weights, *stats)
        else:
            found = set(self.globalise(ids))
        _results.put(key, (found, len(ids) + 1), len(ids) + 1)
        return found

    def scores(self, m, ids, weights, idf, avgfl, B, K1):  # noqa: N803 - BM25's names
        lengths = _lengths(self.reader, self.segid, m.term()[0])
        pairs = list(zip(weights, map(lengths.__getitem__, ids), strict=True))
        # whoosh.scoring.bm25 once per distinct (tf, field length), with the
        # same operations in the same order:
        # idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl)))
        k1p, omb = K1 + 1, 1 - B
        table = {}
        for tf, fl in set(pairs):
            if fl is None:
                raise Unsupported("a posting without a field length")
            table[tf, fl] = idf * ((tf * k1p) / (tf + K1 * (omb + B * fl / avgfl)))
        return dict(
            zip(self.globalise(ids), map(table.__getitem__, pairs), strict=True)
        )

    def evaluate(self, m):
        kind = type(m)
        scored = self.scored
        if kind is W3LeafMatcher:  # (the codec inlines no posting lists)
            return self.leaf(m)
        if kind is mcore.NullMatcherClass:
            return {} if scored else set()
        if kind is binary.UnionMatcher:
            a, b = self.evaluate(m.a), self.evaluate(m.b)
            if not scored:
                return _union(a, b)
            return _merged(a, b, operator.add)  # a + b: one addition
        if kind is BestMatcher:  # the better of two scores where both match
            return self.best(m)
        if kind is binary.IntersectionMatcher:
            a, b = self.evaluate(m.a), self.evaluate(m.b)
            if not scored:
                return a & b
            return _combined(a, b, a.keys() & b.keys(), operator.add)
        if kind is wrappers.FilterMatcher:
            child = self.evaluate(m.child)
            ids = set(self.globalise(m._ids))
            if scored:
                keep = ids.__contains__
                if m._exclude:
                    child = {d: s for d, s in child.items() if d not in ids}
                else:
                    child = {d: s for d, s in child.items() if keep(d)}
            else:
                child = child - ids if m._exclude else child & ids
            return self.boosted(child, m.boost)
        if kind is wrappers.WrappingMatcher:
            return self.boosted(self.evaluate(m.child), m.boost)
        if kind is wrappers.CoordMatcher and not scored:
            return self.evaluate(m.child)  # changes scores only
        raise Unsupported(kind.__name__)

    def best(self, m, outermost=True):
        """A `Best` (a word or phrase and its synonyms): cached as a leaf is,
        by its tree's terms and statistics, so a synonym group costs what one
        word costs once it has been searched (the outermost node only)."""
        key = None
        signature = self.signature(m) if outermost else None
        if signature is not None:
            key = (self.segid, self.offset, self.scored, signature)
            cached = _results.get(key)
            if cached is not None:
                return cached[0]
        a, b = (
            self.best(child, False)
            if type(child) is BestMatcher
            else self.evaluate(child)
            for child in (m.a, m.b)
        )
        found = _merged(a, b, max) if self.scored else _union(a, b)
        if key is not None:
            _results.put(key, (found, len(found) + 1), len(found) + 1)
        return found

    def signature(self, m):
        """What a matcher tree computes: its shape, boosts, terms and their
        statistics; None when it holds a node whose answer may change while
        the segment stays (a filter of deleted documents) or an unknown one."""
        kind = type(m)
        if kind is W3LeafMatcher:
            return (m.term(), self.stats(m))
        if kind is mcore.NullMatcherClass:
            return ()
        if kind in _BINARY:
            a, b = self.signature(m.a), self.signature(m.b)
            return None if a is None or b is None else (_BINARY[kind], a, b)
        if kind is wrappers.WrappingMatcher:
            child = self.signature(m.child)
            return None if child is None else ("*", m.boost, child)
        return None

    def boosted(self, found, boost):
        if not self.scored or boost == 1.0:
            return found
        return dict(zip(found.keys(), map(boost.__rmul__, found.values()), strict=True))


_BINARY = {
    binary.UnionMatcher: "|",
    BestMatcher: "max",
    binary.IntersectionMatcher: "&",
}


def _combined(a, b, docnums, how):
    """{docnum: how(a's score, b's score)} for `docnums`, in C loops (a float
    addition gives the same result either way round)."""
    docnums = list(docnums)
    both = map(how, map(a.__getitem__, docnums), map(b.__getitem__, docnums))
    return dict(zip(docnums, both, strict=True))


def _union(a, b):
    """Two sets' union; an empty side gives the other back unchanged."""
    return a | b if a and b else a or b


def _merged(a, b, how):
    """The union of two {docnum: score}: `how` of both scores where both match.
    An empty side gives the other back unchanged (evaluated answers are never
    changed afterwards, so they can be shared)."""
    if not a or not b:
        return a or b
    out = dict(a)
    out.update(b)
    common = a.keys() & b.keys()
    if common:
        out.update(_combined(a, b, common, how))
    return out


def matches(searcher, q, scored):
    """The documents matching `q` (global numbers): a set, or when `scored` a
    dict {docnum: score} with Whoosh's BM25F scores. Raises `Unsupported`.
    The answer may be a cached object: read it, never change it."""
    context = searcher.context() if scored else searcher.boolean_context()
    parts = []
    for sub, offset in searcher.leaf_searchers():
        reader = sub.reader()
        if reader.doc_count_all() == 0:
            continue
        segment = _Segment(reader, offset, scored)
        parts.append(segment.evaluate(q.matcher(sub, context)))
    if len(parts) == 1:
        return parts[0]
    if scored:
        found = {}
        for part in parts:
            found.update(part)
        return found
    return set().union(*parts)


def top(scores, allowed, limit):
    """The `limit` best document numbers of {docnum: score} (only those in
    `allowed`, when given): score descending, then document number ascending."""
    if allowed is not None:
        scores = dict(zip(allowed, map(scores.__getitem__, allowed), strict=True))
    keys = scores.keys()
    if len(scores) > limit:  # C loops only: no Python call per match
        floor = heapq.nlargest(limit, scores.values())[-1]
        keys = list(itertools.compress(keys, map(floor.__le__, scores.values())))
        if len(keys) > 4 * limit:  # many ties at the floor: the lowest numbers
            above = [d for d in keys if scores[d] != floor]
            ties = sorted(d for d in keys if scores[d] == floor)
            keys = above + ties[: limit - len(above)]
    ranked = sorted(keys, key=lambda d: (-scores[d], d))
    return ranked[:limit]
