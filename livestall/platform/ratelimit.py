"""Fixed-window counters every server process sees: in the database (the embedded
default), or in Redis when the processes share one (platform.shared).

Used for sign-in and sign-up throttling, checkouts, uploads and comments. The
weighted sum of the current and previous windows approximates a sliding window
without storing every hit.
`buckets()` gives chat its token buckets: in this process, or in Redis.
"""

import hashlib
import random
import threading
import time

from livestall.db.base import transaction
from livestall.platform import shared
from livestall.platform.models import RateCounter

KEY_MAX = 200  # RateCounter.key: PostgreSQL enforces the length, SQLite does not


def _key(key):
    """A key that fits: a longer one (a pasted novel as a login name) becomes its
    head and its SHA-256, still one counter per distinct key."""
    if len(key) <= KEY_MAX:
        return key
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()
    return f"{key[: KEY_MAX - 65]}:{digest}"


def _db_key(key, window_s):
    """The row key: the window length first. Counters of every length share the
    table, and a row is stale after two windows of ITS length: cleaning with
    another length's window numbers once wiped live counters (a comment's 60 s
    windows numbered far above a login's 3,600 s ones)."""
    return _key(f"{window_s}:{key}")


def _windows(window_s, now):
    current = int(now // window_s)
    elapsed = (now % window_s) / window_s
    return current, elapsed


def hit(key, window_s, now=None):
    """Count one event for `key`; return the sliding count including it."""
    now = time.time() if now is None else now
    current, _ = _windows(window_s, now)
    if shared.redis_client() is not None:
        shared.rate_hit(_key(key), (current, window_s))
        return count(key, window_s, now)
    with transaction():
        (
            RateCounter.insert(key=_db_key(key, window_s), window=current, hits=1)
            .on_conflict(
                conflict_target=[RateCounter.key, RateCounter.window],
                update={RateCounter.hits: RateCounter.hits + 1},
            )
            .execute()
        )
        if random.random() < 0.01:
            RateCounter.delete().where(
                (RateCounter.window < current - 1)
                & RateCounter.key.startswith(f"{window_s}:")
            ).execute()
    return count(key, window_s, now)


def count(key, window_s, now=None):
    """Return the approximate number of events for `key` in the last window_s."""
    now = time.time() if now is None else now
    current, elapsed = _windows(window_s, now)
    if shared.redis_client() is not None:
        hits, previous = shared.rate_counts(_key(key), current)
        return hits + int(previous * (1 - elapsed))
    rows = dict(
        RateCounter.select(RateCounter.window, RateCounter.hits)
        .where(
            (RateCounter.key == _db_key(key, window_s))
            & (RateCounter.window.in_([current - 1, current]))
        )
        .tuples()
    )
    return rows.get(current, 0) + int(rows.get(current - 1, 0) * (1 - elapsed))


def reset(key, window_s):
    if shared.redis_client() is not None:
        shared.rate_reset(_key(key))
        return
    RateCounter.delete().where(RateCounter.key == _db_key(key, window_s)).execute()


def retry_after(window_s, now=None):
    """Seconds until the current window ends (a safe Retry-After)."""
    now = time.time() if now is None else now
    return max(1, int(window_s - (now % window_s)))


def buckets(name, capacity, refill_s):
    """Token buckets named `name`: shared through Redis when configured, else
    in this process (TokenBuckets)."""
    if shared.redis_client() is not None:
        return shared.RedisTokenBuckets(name, capacity, refill_s)
    return TokenBuckets(capacity, refill_s)


class TokenBuckets:
    """In-process token buckets, one per key: `capacity` at once, then one token
    every `refill_s` seconds. Used for chat, where a round trip to shared storage
    per message would cost more than the message; each server process limits its
    own sockets. With several processes, `buckets()` returns the Redis ones."""

    def __init__(self, capacity, refill_s, max_keys=100_000):
        self.capacity = capacity
        self.refill_s = refill_s
        self.max_keys = max_keys
        self._state = {}  # key -> (tokens, last time)
        self._lock = threading.Lock()

    def take(self, key, now=None):
        """Take one token; return 0 if allowed, else the seconds to wait."""
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, last = self._state.get(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) / self.refill_s)
            if tokens < 1:
                self._state[key] = (tokens, now)
                return (1 - tokens) * self.refill_s
            if len(self._state) >= self.max_keys and key not in self._state:
                self._forget_full(now)
            self._state[key] = (tokens - 1, now)
            return 0

    def _forget_full(self, now):
        """Drop buckets that have refilled (they hold no information)."""
        full = [
            k
            for k, (tokens, last) in self._state.items()
            if tokens + (now - last) / self.refill_s >= self.capacity
        ]
        for k in full:
            del self._state[k]
