"""The page cache: rendered public pages kept for a few seconds, dropped on change.

What a cached page may show, and how old it may be:

- **Bounded by age.** An entry lives `ttl_s` seconds (LIVESTALL_PAGE_CACHE_S, 2 by
  default): stock, sold counts, likes and comments on a cached page are never older
  than that. Nothing signals those (a flash sale changes stock hundreds of times a
  second); the bound is what keeps them honest.
- **Dropped on change.** `changed()` empties the cache at once: a product's price,
  status or details (catalog's `product_changed`), a post (`post_changed`), what the
  public sees of a user (`user_changed`: a name, a suspended shop) and every
  moderation decision (a takedown, a restore). In one process that is immediate.
- **Across processes** (PostgreSQL + Redis): `changed()` also increments a counter
  in Redis; each process reads it at most every `check_s` seconds (0.5) and drops
  its own entries when it moved, so a takedown on one process is gone from the
  others' caches within half a second. When Redis cannot be read the cache is
  bypassed (pages are rendered), never trusted blind.

Entries are whole responses for visitors who are not signed in (the web layer
decides what is cacheable and punches the CSRF token in per request); the store is
a bounded LRU per process. Core module: no Flask here.
"""

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field

from livestall.platform import shared

CHECK_S = 0.5  # how often a process looks at the cluster's change counter


@dataclass
class Entry:
    """A cached page."""

    body: bytes
    status: int
    content_type: str
    data: dict = field(default_factory=dict)  # what a hit needs (side effects)


@dataclass
class _Slot:
    value: object
    born: float
    generation: int


class PageCache:
    def __init__(self, ttl_s=2.0, size=1024, check_s=CHECK_S, clock=time.monotonic):
        self.ttl_s = ttl_s
        self.size = size
        self.check_s = check_s
        self.clock = clock
        self.generation = 0  # this process's: bumped by every change it sees
        self._entries = OrderedDict()
        self._lock = threading.Lock()
        self._shared = {"value": None, "checked": float("-inf")}
        self.hits = self.misses = 0

    @property
    def enabled(self):
        return self.ttl_s > 0

    # --- reading and writing -----------------------------------------------------

    def get(self, key):
        """The fresh value under `key`, or None (a miss: compute and `put`)."""
        if not self.enabled or not self._in_step():
            return None
        now = self.clock()
        with self._lock:
            slot = self._entries.get(key)
            if slot is None or slot.generation != self.generation:
                self.misses += 1
                return None
            if now - slot.born >= self.ttl_s:
                del self._entries[key]
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return slot.value

    def value(self, key, compute):
        """The fresh value under `key`, else `compute()`'s (kept for next time).
        For what many viewers share: a page of posts, a shop's listing."""
        found = self.get(key)
        if found is None:
            generation = self.start()
            found = compute()
            self.put(key, found, generation)
        return found

    def start(self):
        """The generation a render starts in: `put` drops a render that a change
        overtook (it may show what the change replaced)."""
        return self.generation

    def put(self, key, value, generation):
        if not self.enabled or generation != self.generation:
            return
        with self._lock:
            self._entries[key] = _Slot(value, self.clock(), generation)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def __len__(self):
        return len(self._entries)

    # --- invalidation ------------------------------------------------------------

    def changed(self, _sender=None, **_):
        """Something public changed: drop every entry here, and tell the cluster.
        (Takes and ignores a signal's keywords, so it can be a receiver.)"""
        self._drop()
        client = shared.redis_client()
        if client is not None:
            try:
                value = client.incr(shared.key("pages", "generation"))
            except Exception:  # noqa: BLE001 - the others fall back on the age bound
                return
            self._shared.update(value=value, checked=self.clock())

    def _drop(self):
        with self._lock:
            self.generation += 1
            self._entries.clear()

    def _in_step(self):
        """True when this process's entries may be used: no Redis (one process),
        or the cluster's change counter read in the last `check_s` seconds and
        acted on. False when Redis cannot be read."""
        client = shared.redis_client()
        if client is None:
            return True
        now = self.clock()
        if now - self._shared["checked"] < self.check_s:
            return True
        try:
            value = client.get(shared.key("pages", "generation"))
        except Exception:  # noqa: BLE001 - Redis down: render, don't guess
            self._shared["checked"] = float("-inf")
            return False
        if value != self._shared["value"]:
            self._drop()
            self._shared["value"] = value
        self._shared["checked"] = now
        return True


class Fragments:
    """Rendered pieces of the site's frame (its header, its tab bar), kept by what
    they are made of: the language, the viewer's roles, the page's tab. They hold
    no data from the database (a viewer's name, counts and tokens are holes filled
    on each answer), so nothing makes them stale: a bounded LRU, no age limit."""

    def __init__(self, size=512):
        self.size = size
        self._entries = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, key, value):
        with self._lock:
            self._entries[key] = value
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def __len__(self):
        return len(self._entries)
