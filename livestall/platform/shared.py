"""State the server processes share: Redis when LIVESTALL_MESSAGE_QUEUE is set.

Embedded (no message queue, one process): login throttling counts in the database
(platform.ratelimit), chat token buckets and the flash-sale in-flight guard in this
process, viewer counts of this process's sockets. Nothing to start.

Cluster (`LIVESTALL_MESSAGE_QUEUE=redis://...`, several processes): the same
interfaces, kept in Redis under one key prefix (the channel name,
`LIVESTALL_MESSAGE_QUEUE_CHANNEL`, default "livestall"):

- `<p>:rate:<key>`            login/comment throttling: a hash window -> hits with
                               HINCRBY + EXPIRE (the DB counters' sliding estimate)
- `<p>:bucket:<name>:<key>`   chat token buckets: one Lua script, Redis's clock
- `<p>:grab:<user id>`        the grab in-flight guard: SET NX PX, released by
                               compare-and-delete (a crashed process's guard expires)
- `<p>:viewers:<session id>`  a hash node id -> that node's viewer count; a node
- `<p>:node:<node id>`        counts only while its heartbeat key lives (refreshed
                               every flush, expiring after NODE_TTL_S), so the sockets
                               of a killed process age out of every count
- channel `<p>:control`       control messages to every process (sign-out
                               disconnects, ban clean-up): each acts on its own sockets

Socket.IO broadcasts themselves go through Flask-SocketIO's Redis manager on the
channel `<p>` (app.py). Pub/sub ignores Redis database numbers, hence the prefix.
"""

import json
import logging
import os
import threading
import time
import uuid

from livestall.errors import Conflict, Unavailable

log = logging.getLogger(__name__)

NODE = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
NODE_TTL_S = 5
# How long a user's grab in flight blocks their next one when its process died
# before releasing it: a shopper whose node crashed mid-grab must be able to grab
# again on another node within seconds, while the sale is still on. A grab that
# runs longer (a long queue) lets the user's next grab in: harmless, because the
# per-user limit is enforced inside the grab's own transaction.
GRAB_GUARD_MS = 15_000

_state = {"redis": None, "prefix": "livestall", "url": None}
_handlers = {}
_listener = {"started": False, "lock": threading.Lock()}


def configure(url, channel="livestall"):
    """Use Redis at `url` (redis:// or rediss://) or nothing (embedded)."""
    _state["prefix"] = channel or "livestall"
    if not url or not url.startswith(("redis://", "rediss://", "unix://")):
        _state["redis"] = _state["url"] = None
        return
    if _state["url"] != url:
        import redis

        # A crowd's grabs each take the grab guard at once: a blocking pool makes
        # the 65th wait for a connection instead of failing ("Too many
        # connections" from the default pool, seen at 200 sockets a process).
        pool = redis.BlockingConnectionPool.from_url(
            url, max_connections=64, timeout=10, socket_timeout=10
        )
        _state["redis"] = redis.Redis(connection_pool=pool)
        _state["url"] = url


def redis_client():
    """The Redis client when the processes share state, else None."""
    return _state["redis"]


def key(*parts):
    return ":".join([_state["prefix"], *map(str, parts)])


# --- rate limiting --------------------------------------------------------------------


def rate_hit(name, window):
    """Count a hit in a fixed window: a hash per key, window number -> hits."""
    current, window_s = window
    k = key("rate", name)
    pipe = _state["redis"].pipeline()
    pipe.hincrby(k, current, 1)
    pipe.hdel(k, current - 2)
    pipe.expire(k, window_s * 2 + 5)
    pipe.execute()


def rate_counts(name, current):
    """(hits in the current window, hits in the previous one)."""
    now, prev = _state["redis"].hmget(key("rate", name), current, current - 1)
    return int(now or 0), int(prev or 0)


def rate_reset(name):
    _state["redis"].delete(key("rate", name))


# KEYS[1] bucket; ARGV capacity, refill seconds, ttl seconds. Returns the seconds to
# wait (as a string: Lua numbers become integers in replies), "0" when taken.
_BUCKET_LUA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1e6
local cap = tonumber(ARGV[1])
local refill = tonumber(ARGV[2])
local s = redis.call('HMGET', KEYS[1], 'tokens', 'last')
local tokens = tonumber(s[1]) or cap
local last = tonumber(s[2]) or now
tokens = math.min(cap, tokens + (now - last) / refill)
local wait = 0
if tokens < 1 then
  wait = (1 - tokens) * refill
else
  tokens = tokens - 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'last', tostring(now))
redis.call('EXPIRE', KEYS[1], ARGV[3])
return tostring(wait)
"""


class RedisTokenBuckets:
    """TokenBuckets (platform.ratelimit) kept in Redis: every process takes from
    the same bucket, so a user's sockets on two processes share one allowance."""

    def __init__(self, name, capacity, refill_s):
        self.name = name
        self.capacity = capacity
        self.refill_s = refill_s
        self.ttl = max(1, int(capacity * refill_s) + 1)
        self._script = _state["redis"].register_script(_BUCKET_LUA)

    def take(self, bucket_key, now=None):
        """Take one token; return 0 if allowed, else the seconds to wait."""
        wait = float(
            self._script(
                keys=[key("bucket", self.name, bucket_key)],
                args=[self.capacity, self.refill_s, self.ttl],
            )
        )
        return wait if wait > 0 else 0


# --- the grab in-flight guard ---------------------------------------------------------

_RELEASE_LUA = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""
_release = {}


def acquire_grab(user_id):
    """Claim the user's one grab in flight across processes: a token, or None.

    Redis unreachable (down, restarting): the guard cannot be taken, so the grab
    is refused at once with the sale's retryable `busy` (the code a failed batch
    commit answers), not a `server_error` and a traceback per grab: a crowd
    keeps clicking through an outage."""
    import redis

    token = uuid.uuid4().hex
    r = _state["redis"]
    try:
        taken = r.set(key("grab", user_id), token, nx=True, px=GRAB_GUARD_MS)
    except redis.RedisError as exc:
        _warn_unreachable(exc)
        raise Conflict("The sale is too busy. Try again.", code="busy") from exc
    return token if taken else None


_warned = {"at": 0.0}


def _warn_unreachable(exc, every_s=5.0):
    """One log line per `every_s` while Redis is away (not one per request)."""
    now = time.monotonic()
    if now - _warned["at"] >= every_s:
        _warned["at"] = now
        log.warning("Redis unreachable, answering unavailable or busy: %s", exc)


def outage(exc):
    """An `Unavailable` error for `exc` when it is Redis out of reach (down,
    restarting, a dropped connection), logged once per few seconds; else None.
    Chat, likes, sign-in's throttle... answer it (503, or an ack with code
    `unavailable`) instead of a traceback and `server_error` per request."""
    try:
        import redis
    except ImportError:  # (Redis is optional)
        return None
    if not isinstance(exc, redis.RedisError):
        return None
    _warn_unreachable(exc)
    return Unavailable("This is briefly unavailable. Try again in a moment.")


def release_grab(user_id, token):
    r = _state["redis"]
    script = _release.get(id(r))
    if script is None:
        script = _release[id(r)] = r.register_script(_RELEASE_LUA)
    script(keys=[key("grab", user_id)], args=[token])


# --- viewers across processes ---------------------------------------------------------


def heartbeat():
    """This process is alive: its viewer counts count for NODE_TTL_S more."""
    _state["redis"].set(key("node", NODE), "1", ex=NODE_TTL_S)


def publish_viewers(counts):
    """Record this node's count per room; return {session id: cluster total}."""
    r = _state["redis"]
    pipe = r.pipeline()
    pipe.set(key("node", NODE), "1", ex=NODE_TTL_S)
    for session_id, count in counts.items():
        if count:
            pipe.hset(key("viewers", session_id), NODE, count)
        else:
            pipe.hdel(key("viewers", session_id), NODE)
        pipe.expire(key("viewers", session_id), 24 * 3600)
    pipe.execute()
    return totals(counts)


def totals(local_counts):
    """{session id: viewers on every live node}, this node's from `local_counts`.
    Fields of nodes whose heartbeat expired are removed on the way."""
    if not local_counts:
        return {}
    r = _state["redis"]
    ids = list(local_counts)
    pipe = r.pipeline()
    for session_id in ids:
        pipe.hgetall(key("viewers", session_id))
    per_room = pipe.execute()
    nodes = {n.decode() for fields in per_room for n in fields} - {NODE}
    nodes = sorted(nodes)
    alive = dict(
        zip(
            nodes, r.mget([key("node", n) for n in nodes]) if nodes else [], strict=True
        )
    )
    out = {}
    dead = []
    for session_id, fields in zip(ids, per_room, strict=True):
        total = local_counts[session_id]
        for node, count in fields.items():
            node = node.decode()
            if node == NODE:
                continue
            if alive.get(node) is None:
                dead.append((session_id, node))
            else:
                total += int(count)
        out[session_id] = total
    if dead:
        pipe = r.pipeline()
        for session_id, node in dead:
            pipe.hdel(key("viewers", session_id), node)
        pipe.execute()
    return out


# --- control messages to every process ------------------------------------------------


def on_control(op):
    """Register `fn(**data)` to run in every process when `op` is published."""

    def decorator(fn):
        _handlers[op] = fn
        return fn

    return decorator


def publish(op, **data):
    """Run handler `op` in every other process (this one already acted)."""
    r = _state["redis"]
    if r is None:
        return
    r.publish(key("control"), json.dumps({"node": NODE, "op": op, "data": data}))


def ensure_listener(start_task):
    """Listen to control messages, once per process (start_task: the async mode's
    way to start a background task)."""
    if _state["redis"] is None or _listener["started"]:
        return
    with _listener["lock"]:
        if _listener["started"]:
            return
        _listener["started"] = True
    start_task(_listen)


def _listen():
    channel = key("control")
    while True:
        try:
            # (`with`: a failed subscription gives its connection back to the
            # pool now, not whenever the collector gets to it)
            with _state["redis"].pubsub(ignore_subscribe_messages=True) as pubsub:
                pubsub.subscribe(channel)
                for message in pubsub.listen():
                    dispatch(message.get("data"))
        except Exception:  # Redis went away: reconnect after a pause
            log.exception("control channel failed; reconnecting")
            time.sleep(1)


def dispatch(raw):
    try:
        message = json.loads(raw)
    except (TypeError, ValueError):
        return
    if message.get("node") == NODE:
        return
    handler = _handlers.get(message.get("op"))
    if handler is None:
        return
    try:
        handler(**message.get("data", {}))
    except Exception:
        log.exception("control message %s failed", message.get("op"))
