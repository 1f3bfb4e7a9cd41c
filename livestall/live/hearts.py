"""Hearts (likes) in a live room: who may add how many, and when.

Taps are cheap for the server (the room sums them in memory and writes one UPDATE
per room a second), but unbounded they are a counter anyone can inflate: one
anonymous socket added 5,000 hearts in a second. So:

- per socket, a token bucket of taps: SOCKET_BURST at once, then SOCKET_PER_S a
  second (a fast thumb taps about ten; the page sends one batch a second). A
  socket whose bucket is empty is answered `rate_limited` with `retry_after_s`;
  a batch larger than what is left counts what is left.
- per room, at most ROOM_PER_S taps a second in each server process, whatever the
  number of sockets: the rest are dropped silently (the `likes` broadcast stays
  the true count).
- only while the session is live (`NotLive` otherwise).

Sockets live in one process, so their buckets are this process's memory (no
round trip to shared storage per tap); `forget(sid)` when a socket goes.
"""

import threading
import time

from livestall.db.base import Prepared
from livestall.live.models import LiveSession
from livestall.live.sessions import NotLive

SOCKET_BURST = 100  # taps: two of the page's full batches
SOCKET_PER_S = 20.0
ROOM_PER_S = 2000  # per room and server process
ROOMS_KEPT = 10_000  # room counters kept before the stale ones are dropped

_STATUS = Prepared(
    lambda session_id: LiveSession.select(LiveSession.status).where(
        LiveSession.id == session_id
    )
)


def check_live(session_id):
    """NotLive unless the session is on air (one primary-key read)."""
    row = _STATUS.first(session_id)
    if row is None or row.status != "live":
        raise NotLive("Hearts count only while the live is on.")


class HeartLimiter:
    """The per-socket buckets and per-room counters of one server process."""

    def __init__(self, burst=SOCKET_BURST, per_s=SOCKET_PER_S, room_per_s=ROOM_PER_S):
        self.burst = burst
        self.per_s = per_s
        self.room_per_s = room_per_s
        self._lock = threading.Lock()
        self._sockets = {}  # sid -> (tokens, last time)
        self._rooms = {}  # session id -> (second, taps counted in it)

    def take(self, sid, n, now=None):
        """Take up to `n` taps from the socket's bucket: (taps allowed, seconds to
        wait); none allowed (0, wait > 0) when the bucket is empty."""
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, last = self._sockets.get(sid, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.per_s)
            allowed = min(n, int(tokens))
            self._sockets[sid] = (tokens - allowed, now)
        if allowed < 1:
            return 0, (1 - tokens) / self.per_s
        return allowed, 0

    def count(self, session_id, n, now=None):
        """Of `n` taps for a room, how many its per-second allowance still takes."""
        second = int(time.monotonic() if now is None else now)
        with self._lock:
            at, used = self._rooms.get(session_id, (second, 0))
            if at != second:
                used = 0
            counted = max(0, min(n, self.room_per_s - used))
            if session_id not in self._rooms and len(self._rooms) >= ROOMS_KEPT:
                self._rooms = {s: v for s, v in self._rooms.items() if v[0] == second}
            self._rooms[session_id] = (second, used + counted)
        return counted

    def forget(self, sid):
        with self._lock:
            self._sockets.pop(sid, None)

    def reset(self):
        with self._lock:
            self._sockets.clear()
            self._rooms.clear()
