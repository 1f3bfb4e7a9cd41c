"""PK battles (连麦PK) in the `/live` room (docs/API.md, "PK battles").

- host `pk_invite {session_id, opponent_session_id, duration_s}` → ack `{pk}`; both
  hosts' sockets hear `pk {pk}` (status `invited`).
- invited host `pk_accept {pk_id}` / `pk_refuse {pk_id}` → ack `{pk}`; both rooms
  (and both hosts' sockets) hear `pk {pk}`.
- either host `pk_end {pk_id}` → ack `{pk}` (the result); whoever settles it
  broadcasts, the others only read it.
- While a PK runs, both rooms hear `pk {pk}` with the scores about once a second
  (one process of a cluster sends each second's: a Redis lease), and soon after an
  order is placed from either room (coalesced to FLUSH_S). The same loop ends PKs
  at `ends_at` and lapses unanswered invitations; a live that ends settles its PK.
- A (re)joining viewer's state has `pk`: the running PK of the room, or the one
  that ended in the past 120 s, or null.

The loop starts lazily, never under TESTING: tests call `flush()`, `sweep()` and
`tick()` themselves.
"""

import logging
import threading

from flask import current_app, has_app_context

from blueprints.live import events
from extensions import db, socketio
from livestall.db.base import on_commit, utcnow
from livestall.errors import NotAuthenticated
from livestall.interaction import pk as pks
from livestall.live import sales
from livestall.orders.signals import order_placed
from livestall.platform import shared

log = logging.getLogger(__name__)
FLUSH_S = 0.25  # scores after orders: at most this late
TICK_EVERY = 4  # flushes between score broadcasts and sweeps (about 1 s)
LEASE_MS = 900  # one process of a cluster sends a PK's scores each second

_lock = threading.Lock()
_dirty = set()  # running PK ids whose scores the next flush sends
_loop = {"started": False}


def reset():
    """Forget this process's pending broadcasts (tests: ids repeat)."""
    with _lock:
        _dirty.clear()


def _user():
    user = events.socket_user()
    if user is None:
        raise NotAuthenticated("Sign in to do this.")
    return user


def send(pk, payload=None, rooms=True, hosts=True):
    """`pk {pk}` to both rooms and/or both hosts' sockets: the payload sent."""
    payload = payload or pks.pk_dict(pk)
    to = []
    if rooms:
        to += [events.room(pk.session_a_id), events.room(pk.session_b_id)]
    if hosts:
        to += [events.user_room(pk.host_a_id), events.user_room(pk.host_b_id)]
    socketio.emit("pk", payload, to=to, namespace=events.NS)
    return payload


@events.event("pk_invite")
def on_pk_invite(data):
    pk = pks.invite(
        _user(),
        data.get("session_id"),
        data.get("opponent_session_id"),
        data.get("duration_s"),
    )
    _ensure_loop()
    return {"pk": send(pk, rooms=False)}


@events.event("pk_accept")
def on_pk_accept(data):
    pk = pks.accept(_user(), data.get("pk_id"))
    _ensure_loop()
    return {"pk": send(pk)}


@events.event("pk_refuse")
def on_pk_refuse(data):
    pk = pks.refuse(_user(), data.get("pk_id"))
    return {"pk": send(pk)}


@events.event("pk_end")
def on_pk_end(data):
    pk, settled = pks.end(_user(), data.get("pk_id"))
    payload = pks.pk_dict(pk)
    if settled:
        send(pk, payload)
    return {"pk": payload}


# --- the room's state, the live's end, orders -----------------------------------------


@events.state_extras.connect
def _state_extras(sender, session, keep):
    _ensure_loop()
    found = pks.current(session.id)
    if found is not None and found.status == "running" and found.ends_at <= utcnow():
        found, settled = pks.settle(found.id)  # checked at use: its time is over
        if settled:
            send(found)
    return {"pk": pks.pk_dict(found) if found is not None else None}


@events.session_broadcast.connect
def _session_broadcast(sender, session):
    if session.status in ("ended", "removed"):  # over, or taken down
        for pk in pks.end_for_session(session.id):
            send(pk)


@order_placed.connect
def _order_placed(sender, orders, lines_of=None, **_):
    rooms = set()
    for order in orders:
        for line in (lines_of or {}).get(order.id, ()):
            session_id = sales.session_of_source(line.source)
            if session_id is not None:
                rooms.add(session_id)
    if rooms:
        on_commit(_bought_in, rooms)


def _bought_in(session_ids):
    """Orders came from these rooms: their running PKs' scores go out soon."""
    found = pks.running_with(session_ids)
    if found:
        with _lock:
            _dirty.update(found)
        _ensure_loop()


# --- the loop -------------------------------------------------------------------------


def to_send():
    with _lock:
        return set(_dirty)


def flush(now=None):
    """Send the scores of the PKs bought in since the last flush: how many."""
    with _lock:
        dirty = set(_dirty)
        _dirty.clear()
    if not dirty:
        return 0
    with db.connection_context():
        found = pks.running(now, ids=dirty)
        for pk in found:
            send(pk, rooms=True, hosts=False)
    return len(found)


def sweep(now=None):
    """Lapse the invitations past their time and settle the PKs past `ends_at`;
    what this call moved is broadcast. Returns the PKs it moved."""
    moved = []
    with db.connection_context():
        for pk in pks.lapse_due(now):
            send(pk)
            moved.append(pk)
        for pk_id in pks.due(now):
            pk, settled = pks.settle(pk_id, now)
            if settled:
                send(pk)
                moved.append(pk)
    return moved


def _lease(pk_id):
    r = shared.redis_client()
    if r is None:
        return True
    try:
        key = shared.key("pk-tick", pk_id)
        return bool(r.set(key, shared.NODE, nx=True, px=LEASE_MS))
    except Exception:  # Redis away: better twice than never
        log.exception("PK score lease failed")
        return True


def tick(now=None):
    """One second of the loop: the sweep, then every running PK's scores (in a
    cluster, by the process that takes the second's lease)."""
    moved = sweep(now)
    with db.connection_context():
        for pk in pks.running(now):
            if _lease(pk.id):
                send(pk, rooms=True, hosts=False)
    return moved


def _run_forever():
    n = 0
    while True:
        socketio.sleep(FLUSH_S)
        n += 1
        try:
            flush()
            if n % TICK_EVERY == 0:
                tick()
        except Exception:  # one bad pass must not stop the loop
            log.exception("PK loop failed")


def _ensure_loop():
    if _loop["started"] or not has_app_context() or current_app.config.get("TESTING"):
        return  # tests call flush(), sweep() and tick() themselves
    with _lock:
        if _loop["started"]:
            return
        _loop["started"] = True
    socketio.start_background_task(_run_forever)
