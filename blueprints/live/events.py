"""Socket.IO namespace `/live`: one room per live session (docs/API.md).

The server is the authority. `join` answers with the whole room state and a client
that reconnects simply joins again. Handlers are thin: they check the payload, call
`livestall.live`, and broadcast what it returns. Every handler answers through its
ack, `{ok: true, ...}` or `{ok: false, error: {code, message}}`; none raises into
the socket (a bad payload never disconnects anyone).

Who is who: `connect` authenticates once (bearer token in `auth`, else the site's
session cookie) and remembers the user id and session version of the socket; every
event re-reads the user, so a socket whose user logged out, changed password or was
suspended is refused and disconnected.
"""

import contextvars
import logging
import threading
import time
from dataclasses import dataclass, field
from functools import wraps

from blinker import Signal
from flask import current_app, request
from flask_login import current_user
from flask_socketio import ConnectionRefusedError, join_room, leave_room

from blueprints.common import VISITOR_COOKIE, translate
from blueprints.live import join_state
from extensions import db, socketio
from livestall.accounts import rules as accounts
from livestall.accounts import signals as accounts_signals
from livestall.accounts.models import User
from livestall.attribution import touchpoints
from livestall.db.base import Prepared, isoformat, on_commit, utcnow
from livestall.errors import DomainError, Invalid, NotAuthenticated, RateLimited
from livestall.flash import sales as flash_sales
from livestall.live import chat, hearts, moderation, sales, sessions
from livestall.live import signals as live_signals
from livestall.live.models import LiveSession
from livestall.orders.signals import order_placed
from livestall.platform import ratelimit, shared

NS = "/live"
log = logging.getLogger(__name__)


def room(session_id):
    return f"live:{session_id}"


def mods_room(session_id):
    return f"live-mods:{session_id}"


def user_room(user_id):
    return f"user:{user_id}"


@dataclass(slots=True)
class Conn:
    user_id: int | None
    version: int | None
    visitor_id: str | None
    rooms: set = field(default_factory=set)


class Presence:
    """Who is in which room, in this process: viewer counts and likes to flush.

    Counts are coalesced: joins and leaves mark a room dirty and a background task
    broadcasts `viewers` at most once per `FLUSH_S`; likes are summed the same way
    and written with one UPDATE per room per flush."""

    def __init__(self):
        self.lock = threading.Lock()
        self.conns = {}  # sid -> Conn
        self.rooms = {}  # session id -> set of sids
        self.dirty = set()
        self.likes = {}  # session id -> taps not yet written

    def join(self, sid, session_id):
        with self.lock:
            members = self.rooms.setdefault(session_id, set())
            if sid not in members:
                members.add(sid)
                self.dirty.add(session_id)
            return len(members)

    def leave(self, sid, session_id):
        with self.lock:
            members = self.rooms.get(session_id)
            if members and sid in members:
                members.discard(sid)
                self.dirty.add(session_id)
                if not members:
                    del self.rooms[session_id]

    def count(self, session_id):
        """Viewers of the room: in this process, or in every process (Redis)."""
        with self.lock:
            local = len(self.rooms.get(session_id, ()))
        if shared.redis_client() is None:
            return local
        try:
            return shared.totals({session_id: local})[session_id]
        except Exception:  # Redis away: this process's count beats no page
            log.exception("viewer count from Redis failed")
            return local

    def local_count(self, session_id):
        """Viewers of the room in this process."""
        with self.lock:
            return len(self.rooms.get(session_id, ()))

    def local_rooms(self):
        with self.lock:
            return {s: len(members) for s, members in self.rooms.items()}

    def sids_of_user(self, user_id):
        with self.lock:
            return [sid for sid, c in self.conns.items() if c.user_id == user_id]

    def add_likes(self, session_id, n):
        with self.lock:
            self.likes[session_id] = self.likes.get(session_id, 0) + n

    def take_pending(self):
        with self.lock:
            dirty, self.dirty = self.dirty, set()
            likes, self.likes = self.likes, {}
            counts = {s: len(self.rooms.get(s, ())) for s in dirty}
            return counts, likes


presence = Presence()
FLUSH_S = 1.0
REFRESH_EVERY = 3  # flushes between re-counts of every room (several processes)
_flusher = {"started": False, "lock": threading.Lock()}
_sent = {}  # session id -> the last viewer total this process broadcast
_buckets = {}
_hearts = hearts.HeartLimiter()  # taps per socket and per room, in this process
# Sent before a session's new status goes out to its room: flash_events ends the
# sales of an ended live (and tells the room) before the room hears it ended.
session_broadcast = Signal("live-session-broadcast")
# What rides with the pinned product (join state, `pinned`): receivers return a dict
# of keys; group_events adds `group_buy` (the pinned product's running deal),
# bargain_events `bargain` (its running bargain campaign).
pin_extras = Signal("live-pin-extras")
# What else a (re)joining viewer's room state carries, as every viewer sees it
# (kept a second, blueprints/live/join_state.py): receivers get `session` and a
# `keep` dict for objects the viewers' parts need, and return a dict of keys;
# pk_events adds `pk`, interaction_events `poll`, `draw` and `announcement`,
# promo_events `red_packets` and `coupon_drops` (the open ones).
state_extras = Signal("live-state-extras")
# A signed-in viewer's own part of those keys (session, user, `state`: the room's
# part, shared, so copy what you change, `keep`): receivers return the keys they
# replace (the viewer's poll vote and draw entry, red-packet grabs, coupons held).
viewer_extras = Signal("live-viewer-extras")
# A chat message was posted (session, user, message): receivers return a dict of
# keys for the sender's ack; interaction_events enters a lucky draw whose keyword
# it is (`draw_entered`).
chat_posted = Signal("live-chat-posted")


def reset():
    """Forget this process's rooms: presence, chat buckets, viewer totals sent (for
    tests, whose ids repeat from one test database to the next)."""
    with presence.lock:
        presence.conns.clear()
        presence.rooms.clear()
        presence.dirty.clear()
        presence.likes.clear()
    join_state.reset()
    _buckets.clear()
    _hearts.reset()
    _sent.clear()


def chat_buckets():
    config = current_app.config
    key = (config["CHAT_BURST"], config["CHAT_REFILL_S"], id(shared.redis_client()))
    if key not in _buckets:
        _buckets[key] = ratelimit.buckets("chat", *key[:2])
    return _buckets[key]


def flush(refresh=False):
    """Write batched likes, raise peaks, broadcast viewers and likes (one pass).

    With several processes each publishes its counts to Redis and broadcasts the
    rooms' totals; `refresh` re-sends every room of this process (the flusher does
    every few seconds, so a dead process's viewers leave the count)."""
    counts, likes = presence.take_pending()
    if shared.redis_client() is not None:
        dirty = set(counts)
        if refresh:
            counts = {**presence.local_rooms(), **counts}
        if counts:
            counts = shared.publish_viewers(counts)
        else:
            shared.heartbeat()
        counts = {  # a refresh re-sends only the totals that changed
            s: n for s, n in counts.items() if s in dirty or _sent.get(s) != n
        }
        _sent.update(counts)
        for session_id in set(_sent) - set(presence.local_rooms()):
            del _sent[session_id]
    with db.connection_context():
        for session_id, n in likes.items():
            total = chat.add_likes(session_id, n)
            if total is not None:
                socketio.emit(
                    "likes",
                    {"session_id": session_id, "count": total},
                    to=room(session_id),
                    namespace=NS,
                )
        for session_id, count in counts.items():
            sales.note_viewers(session_id, count)
            socketio.emit(
                "viewers",
                {"session_id": session_id, "count": count},
                to=room(session_id),
                namespace=NS,
            )


def _flush_forever():
    n = 0
    while True:
        socketio.sleep(FLUSH_S)
        n += 1
        try:
            flush(refresh=n % REFRESH_EVERY == 0)
        except Exception:  # keep flushing whatever one pass hit
            log.exception("live flush failed")


def _ensure_flusher():
    if _flusher["started"] or current_app.config.get("TESTING"):
        return  # tests call flush() themselves, deterministically
    with _flusher["lock"]:
        if not _flusher["started"]:
            _flusher["started"] = True
            socketio.start_background_task(_flush_forever)
    shared.ensure_listener(socketio.start_background_task)


# --- plumbing -------------------------------------------------------------------------


def _error(e):
    body = {"code": e.code, "message": translate(e)}
    if getattr(e, "retry_after_s", None) is not None:
        body["retry_after_s"] = e.retry_after_s
    return {"ok": False, "error": body}


def _lazily_connected(fn, data):
    """`fn(data)` connected only from its first statement (peewee connects on
    use), and given back at its end: a crowd's handlers then do not queue for the
    pool's connections to do work that needs none (see `event`)."""
    try:
        return {"ok": True, **(fn(data) or {})}
    finally:
        if not db.is_closed():
            db.close()


def event(name, database=True, bare=False):
    """Register a handler that takes a dict payload and answers through its ack
    (with a database connection for the handler's length, unless it needs none;
    `database="lazy"`: from its first statement, as a `grab` that a batch
    runs elsewhere needs no connection of its own).

    `bare` handlers (the hot ones: `grab`, `chat`, `like`) skip Flask-SocketIO's
    per-event request context (a Request built from the socket's environ, its URL
    matched, its session opened: measured at about twice the server CPU of a no-op
    event, bench/event_plumbing.py). They are registered on python-socketio itself
    and run in a plain app context (`current_app` works) with the socket's id in
    `current_sid()`; `flask.request` is not there, so a bare handler must not use
    it, nor `current_user`. An error's message is translated in the request context
    Flask-SocketIO would have given (the socket's language, as before)."""

    def decorator(fn):
        def run(data, extra, error):
            try:
                if not isinstance(data, dict) or extra:
                    raise Invalid("Send one JSON object.")
                if database == "lazy":
                    return _lazily_connected(fn, data)
                if not database:
                    return {"ok": True, **(fn(data) or {})}
                with db.connection_context():
                    return {"ok": True, **(fn(data) or {})}
            except DomainError as e:
                return error(e)
            except Exception as exc:
                if (unavailable := shared.outage(exc)) is not None:
                    return error(unavailable)
                log.exception("live event %s failed", name)
                return {
                    "ok": False,
                    "error": {
                        "code": "server_error",
                        "message": "Something went wrong.",
                    },
                }

        if not bare:

            @wraps(fn)
            def handler(data=None, *extra):
                return run(data, extra, _error)

            socketio.on_event(name, handler, namespace=NS)
            return fn

        @wraps(fn)
        def bare_handler(sid, data=None, *extra):
            environ = socketio.server.get_environ(sid, namespace=NS)
            if not environ:
                return "", 400  # as Flask-SocketIO answers a socket it never saw
            app = environ["flask.app"]

            def error(e):
                with app.request_context(environ):
                    request.sid, request.namespace = sid, NS
                    return _error(e)

            token = _sid.set(sid)
            try:
                with app.app_context():
                    return run(data, extra, error)
            finally:
                _sid.reset(token)

        if socketio.server is None:  # kept for every server init_app creates
            socketio.handlers.append((name, bare_handler, NS))
        else:
            socketio.server.on(name, bare_handler, namespace=NS)
        return fn

    return decorator


# the socket of the event a bare handler (`event(..., bare=True)`) is handling
_sid = contextvars.ContextVar("live_event_sid", default=None)


def current_sid():
    """The socket whose event is being handled (bare handler or Flask-SocketIO's)."""
    sid = _sid.get()
    return request.sid if sid is None else sid


def current_conn():
    return presence.conns.get(current_sid())


_USER = Prepared(lambda uid: User.select().where(User.id == uid))
# the grab's fast path needs the id only: just the columns that say "still signed in"
_USER_STATE = Prepared(
    lambda uid: User.select(User.id, User.session_version, User.status).where(
        User.id == uid
    )
)


def _signed_in(query, required=True):
    """The socket's user, re-read with `query`: None for anonymous sockets (or
    raises); a socket whose user signed out, changed password or was suspended is
    told so and disconnected."""
    conn = current_conn()
    if conn is None or conn.user_id is None:
        if required:
            raise NotAuthenticated("Sign in to do this.")
        return None
    user = query.first(conn.user_id)
    if user is None or user.session_version != conn.version or not user.is_active:
        raise signed_out()
    return user


def signed_out():
    """The socket's user signed out, changed password or was suspended since it
    connected: it is told so and disconnected; the error to answer with."""
    sid = current_sid()
    socketio.emit("signed_out", {}, to=sid, namespace=NS)
    _disconnect_later(sid)
    return NotAuthenticated("You were signed out. Sign in again.")


def _user(required=True):
    return _signed_in(_USER, required)


def current_user_id():
    return _signed_in(_USER_STATE).id


def connected_user():
    """(user id, session version) the socket connected with, not re-read: for a
    caller that checks them itself at use (a grab's batch, one query for all)."""
    conn = current_conn()
    if conn is None or conn.user_id is None:
        raise NotAuthenticated("Sign in to do this.")
    return conn.user_id, conn.version


def socket_user():
    """The socket's signed-in user, or None for an anonymous socket."""
    return _user(required=False)


def _disconnect_later(sid):
    """Disconnect after the current ack has gone out."""

    def later():
        socketio.sleep(0.05)
        socketio.server.disconnect(sid, namespace=NS)  # a no-op if already gone

    socketio.start_background_task(later)


def _session_id(data, key="session_id"):
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid("%(key)s must be a whole number.", key=key)
    return value


# --- connection -----------------------------------------------------------------------


@socketio.on("connect", namespace=NS)
def on_connect(auth=None):
    with db.connection_context():
        user = None
        token = auth.get("token") if isinstance(auth, dict) else None
        if token is not None:
            user = accounts.user_for_token(token) if isinstance(token, str) else None
            if user is None:
                raise ConnectionRefusedError(
                    {
                        "code": "invalid_token",
                        "message": "The token is wrong or revoked.",
                    }
                )
        elif current_user.is_authenticated:
            user = current_user._get_current_object()
    presence.conns[request.sid] = Conn(
        user_id=user.id if user else None,
        version=user.session_version if user else None,
        visitor_id=(request.cookies.get(VISITOR_COOKIE) or "")[:40] or None,
    )
    if user is not None:
        join_room(user_room(user.id))
    _ensure_flusher()


@socketio.on("disconnect", namespace=NS)
def on_disconnect(*_reason):
    conn = presence.conns.pop(request.sid, None)
    _hearts.forget(request.sid)
    if conn:
        for session_id in conn.rooms:
            presence.leave(request.sid, session_id)


def disconnect_user(user_id):
    """Tell a user's sockets they are signed out and close them, in every process."""
    _disconnect_local(user_id)
    shared.publish("disconnect_user", user_id=user_id)


@shared.on_control("disconnect_user")
def _disconnect_local(user_id):
    """Each process tells its own sockets, straight (not through the message queue:
    a queued `signed_out` could arrive after the disconnect), then closes them."""
    for sid in presence.sids_of_user(user_id):
        socketio.emit("signed_out", {}, to=sid, namespace=NS, ignore_queue=True)
        socketio.server.disconnect(sid, namespace=NS)  # a no-op if already gone


accounts_signals.sessions_ended.connect(
    lambda user_id: disconnect_user(user_id), weak=False
)


# --- the room -------------------------------------------------------------------------


def pin_state(session, card):
    """The keys that ride with the pinned `card` (`group_buy`, `bargain`: null
    without a deal or a campaign)."""
    out = {"group_buy": None, "bargain": None}
    for _receiver, extra in pin_extras.send(None, session=session, card=card):
        out.update(extra or {})
    return out


def _room_part(session):
    """What every viewer of the room sees alike (blueprints/live/join_state.py),
    and `keep`: objects the viewers' parts need (receivers of `state_extras` add
    theirs)."""
    about = sessions.session_dict(session)
    pinned = about["pinned_product"]
    part = {
        "session": about,
        "pinned_product": pinned,
        **pin_state(session, pinned),
        "flash_sales": [
            flash_sales.sale_dict(sale) for sale in flash_sales.open_sales(session)
        ],
        "chat": [chat.message_dict(m) for m in chat.recent_chat(session)],
    }
    keep = {}
    for _receiver, extra in state_extras.send(None, session=session, keep=keep):
        part.update(extra or {})
    return part, keep


def room_state(session, user, moderator, sanction):
    """The state a joining `user` gets (`moderator`: `sessions.is_moderator`,
    `sanction`: `moderation.sanction_of`, as the join read them)."""
    part, keep = join_state.room_part(session.id, lambda: _room_part(session))
    banned, muted_until = sanction
    viewers = presence.count(session.id)
    state = {
        **part,
        "session": {**part["session"], "viewers": viewers, "likes": session.likes},
        "viewers": viewers,
        "likes": session.likes,
        "server_time": isoformat(utcnow()),
        "server_time_ms": int(time.time() * 1000),
        "you": {
            "user": sessions.user_dict(user),
            "is_host": bool(user and user.id == session.host_id),
            "is_moderator": moderator,
            "muted_until": isoformat(muted_until) if muted_until else None,
            "can_chat": bool(user)
            and not banned
            and not muted_until
            and session.status == "live",
        },
    }
    if moderator:
        state["held"] = [chat.message_dict(m) for m in chat.held_messages(session)]
    if user is not None:
        for _receiver, extra in viewer_extras.send(
            None, session=session, user=user, state=state, keep=keep
        ):
            state.update(extra or {})
    return state


@event("join")
def on_join(data):
    session = sessions.get_session(_session_id(data))
    user = _user(required=False)
    moderator = sessions.is_moderator(user, session)
    sanction = moderation.sanction_of(session, user.id) if user else (False, None)
    if sanction[0] and not moderator:
        raise moderation.Banned("You were banned from this room.")
    conn = current_conn()
    join_room(room(session.id))
    if moderator:
        join_room(mods_room(session.id))
    if session.id not in conn.rooms:
        conn.rooms.add(session.id)
        touchpoints.record(
            "live_watch",
            conn.visitor_id or f"sid:{request.sid}"[:40],
            user.id if user else None,
            creator_id=session.host_id,
            live_session_id=session.id,
        )
    presence.join(request.sid, session.id)
    return {"state": room_state(session, user, moderator, sanction)}


@event("clock", database=False)
def on_clock(_data):
    """The server's clock, for countdowns (and the cheapest acknowledged event:
    benchmarks use it as their baseline)."""
    return {"server_time_ms": int(time.time() * 1000)}


@event("leave")
def on_leave(data):
    session_id = _session_id(data)
    conn = current_conn()
    leave_room(room(session_id))
    leave_room(mods_room(session_id))
    if conn and session_id in conn.rooms:
        conn.rooms.discard(session_id)
        presence.leave(request.sid, session_id)
    return {}


@event("chat", bare=True)
def on_chat(data):
    user = _user()
    session = sessions.get_session(_session_id(data))
    chat.clean_chat(data.get("body"))  # a malformed message costs no token
    wait = chat_buckets().take(user.id)
    if wait:
        error = moderation.SlowMode(
            "You are sending messages too fast.", code="rate_limited"
        )
        error.retry_after_s = int(wait) + 1
        raise error
    message = chat.post_chat(session, user, data.get("body"))
    payload = chat.message_dict(message)
    if message.status == "visible":
        socketio.emit("chat", payload, to=room(session.id), namespace=NS)
    else:
        socketio.emit("held", payload, to=mods_room(session.id), namespace=NS)
    out = {"message": payload}
    for _receiver, extra in chat_posted.send(
        None, session=session, user=user, message=message
    ):
        out.update(extra or {})
    return out


@event("like", bare=True)
def on_like(data):
    session_id = _session_id(data)
    count = data.get("count", 1)
    if (
        isinstance(count, bool)
        or not isinstance(count, int)
        or not 1 <= count <= chat.LIKES_MAX_PER_EVENT
    ):
        raise Invalid("count must be 1 to %(n)d.", n=chat.LIKES_MAX_PER_EVENT)
    conn = current_conn()
    if session_id not in conn.rooms:
        raise Invalid("Join the room first.")
    # bounded before any database read: a flood is refused from memory
    allowed, wait = _hearts.take(current_sid(), count)
    if not allowed:
        error = RateLimited("You are sending hearts too fast.")
        error.retry_after_s = int(wait) + 1
        raise error
    hearts.check_live(session_id)
    counted = _hearts.count(session_id, allowed)  # the rest dropped silently
    if counted:
        presence.add_likes(session_id, counted)
    return {}


def moderators_changed(sender, host_id, user_ids, **_):
    """A host named or removed moderators: their sockets join or leave the
    moderators' rooms at once, here and in every other process."""
    _moderators_local(host_id, list(user_ids))
    shared.publish("moderators", host_id=host_id, user_ids=list(user_ids))


live_signals.moderators_changed.connect(moderators_changed, weak=False)


@shared.on_control("moderators")
def _moderators_local(host_id, user_ids):
    """Each process moves its own sockets of these users (in the host's rooms they
    joined) into or out of the moderators' rooms, and tells them
    `moderator {session_id, is_moderator}`."""
    sids = {uid: presence.sids_of_user(uid) for uid in user_ids}
    if not any(sids.values()):
        return
    if db.is_closed():  # a control message: no handler's connection to borrow
        with db.connection_context():
            return _moderators_local(host_id, user_ids)
    for user_id, user_sids in sids.items():
        user = _USER.first(user_id) if user_sids else None
        for sid in user_sids:
            conn = presence.conns.get(sid)
            joined = list(conn.rooms) if conn else []
            if not joined:
                continue
            for session in LiveSession.select().where(
                LiveSession.id.in_(joined) & (LiveSession.host == host_id)
            ):
                moderator = user is not None and sessions.is_moderator(user, session)
                if moderator:
                    socketio.server.enter_room(sid, mods_room(session.id), namespace=NS)
                else:
                    socketio.server.leave_room(sid, mods_room(session.id), namespace=NS)
                socketio.emit(
                    "moderator",
                    {"session_id": session.id, "is_moderator": moderator},
                    to=sid,
                    namespace=NS,
                    ignore_queue=True,
                )


@event("delete_message")
def on_delete_message(data):
    session, message = moderation.delete_message(_user(), data.get("message_id"))
    socketio.emit(
        "chat_deleted",
        {"session_id": session.id, "message_id": message.id},
        to=room(session.id),
        namespace=NS,
    )
    return {}


@event("release_message")
def on_release_message(data):
    session, message = moderation.release_message(_user(), data.get("message_id"))
    socketio.emit("chat", chat.message_dict(message), to=room(session.id), namespace=NS)
    return {"message": chat.message_dict(message)}


@event("mute")
def on_mute(data):
    session = sessions.get_session(_session_id(data))
    target, until = moderation.mute(
        _user(), session, data.get("user_id"), data.get("minutes")
    )
    socketio.emit(
        "muted",
        {"session_id": session.id, "until": isoformat(until) if until else None},
        to=user_room(target.id),
        namespace=NS,
    )
    return {"until": isoformat(until) if until else None}


@event("ban")
def on_ban(data):
    session = sessions.get_session(_session_id(data))
    target = moderation.ban(_user(), session, data.get("user_id"))
    socketio.emit(
        "banned", {"session_id": session.id}, to=user_room(target.id), namespace=NS
    )
    _ban_local(target.id, session.id, session.host_id)
    shared.publish(
        "ban", user_id=target.id, session_id=session.id, host_id=session.host_id
    )
    return {}


@shared.on_control("ban")
def _ban_local(user_id, session_id, host_id):
    """Take a banned user's sockets in this process out of the host's rooms."""
    sids = presence.sids_of_user(user_id)
    if not sids:
        return
    if db.is_closed():  # a control message: no handler's connection to borrow
        with db.connection_context():
            return _ban_local(user_id, session_id, host_id)
    for sid in sids:
        conn = presence.conns.get(sid)
        joined = list(conn.rooms) if conn else []
        same_host = LiveSession.select(LiveSession.id).where(
            LiveSession.id.in_(joined) & (LiveSession.host == host_id)
        )
        for sid_session in {session_id, *(s.id for s in same_host)}:
            socketio.server.leave_room(sid, room(sid_session), namespace=NS)
            presence.leave(sid, sid_session)
            if conn:
                conn.rooms.discard(sid_session)


@event("unban")
def on_unban(data):
    session = sessions.get_session(_session_id(data))
    moderation.unban(_user(), session, data.get("user_id"))
    return {}


@event("slow_mode")
def on_slow_mode(data):
    session = sessions.get_session(_session_id(data))
    seconds = moderation.set_slow_mode(_user(), session, data.get("seconds"))
    socketio.emit(
        "slow_mode",
        {"session_id": session.id, "seconds": seconds},
        to=room(session.id),
        namespace=NS,
    )
    return {"seconds": seconds}


@event("pin")
def on_pin(data):
    session = sessions.get_session(_session_id(data))
    session = sessions.pin(session, _user(), data.get("product_id"))
    broadcast_pin(session)
    return {"pinned_product": sessions.pinned_card(session)}


# --- called from HTTP views -----------------------------------------------------------


def broadcast_pin(session):
    card = sessions.pinned_card(session)
    socketio.emit(
        "pinned",
        {"session_id": session.id, "product": card, **pin_state(session, card)},
        to=room(session.id),
        namespace=NS,
    )


def broadcast_session(session):
    """The session started or ended: everyone re-renders its status (and when it
    ended, its flash sales end with it)."""
    session_broadcast.send(None, session=session)
    socketio.emit(
        "session",
        {"session": sessions.session_dict(session, viewers=presence.count(session.id))},
        to=room(session.id),
        namespace=NS,
    )


def announce_purchases(orders):
    """ "Mei*** just bought ...": one `purchase` per line bought from a live room."""
    for session_id, payload in sales.purchases(orders):
        socketio.emit("purchase", payload, to=room(session_id), namespace=NS)


@order_placed.connect
def _order_placed(sender, orders, **placed):
    on_commit(announce_purchases, orders)
