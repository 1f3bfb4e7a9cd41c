"""Fixed-window counters in the database, so every server process sees the same count.

Used for login throttling (per account and per IP). The weighted sum of the current
and previous windows approximates a sliding window without storing every hit.
"""

import random
import time

from models import RateCounter, transaction


def _windows(window_s, now):
    current = int(now // window_s)
    elapsed = (now % window_s) / window_s
    return current, elapsed


def hit(key, window_s, now=None):
    """Count one event for `key`; return the sliding count including it."""
    now = time.time() if now is None else now
    current, _ = _windows(window_s, now)
    with transaction():
        (
            RateCounter.insert(key=key, window=current, hits=1)
            .on_conflict(
                conflict_target=[RateCounter.key, RateCounter.window],
                update={RateCounter.hits: RateCounter.hits + 1},
            )
            .execute()
        )
        if random.random() < 0.01:
            RateCounter.delete().where(RateCounter.window < current - 1).execute()
    return count(key, window_s, now)


def count(key, window_s, now=None):
    """Return the approximate number of events for `key` in the last window_s."""
    now = time.time() if now is None else now
    current, elapsed = _windows(window_s, now)
    rows = dict(
        RateCounter.select(RateCounter.window, RateCounter.hits)
        .where(
            (RateCounter.key == key) & (RateCounter.window.in_([current - 1, current]))
        )
        .tuples()
    )
    return rows.get(current, 0) + int(rows.get(current - 1, 0) * (1 - elapsed))


def reset(key):
    RateCounter.delete().where(RateCounter.key == key).execute()


def retry_after(window_s, now=None):
    """Seconds until the current window ends (a safe Retry-After)."""
    now = time.time() if now is None else now
    return max(1, int(window_s - (now % window_s)))
