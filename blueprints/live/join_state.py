"""The part of a live room's join state that every viewer sees alike, built once
and handed to the joins that follow (issue 24: 10,000 viewers joining at a sale's
start each cost the whole room state, 36 statements).

A room's state (`events.room_state`) has two parts:

- the room's: the session, the pinned card and what rides with it, open flash
  sales, recent chat, the poll, draw, announcement, PK, red packets and coupon
  drops as an anonymous viewer sees them;
- the viewer's: `you`, held messages for moderators, their poll vote, draw entry,
  red-packet grabs and coupons held, laid over copies of the room's part.

The room's part is kept per session for `LIVE_JOIN_STATE_S` (1 s by default; 0
builds it every join) and is dropped at once whenever this process delivers a
message to the room, its own or another process's through the message queue: the
hooks are the Socket.IO manager's `emit` and, with a queue, `_handle_emit`, which
every message to a room goes through, whether anyone is in the room here or not
(`install`). A joiner is in the room
before its state is read, so a change is either in the copy it gets or in a
message it hears; only a change that sends no message to the room (a product's
description edited, say) can be up to `LIVE_JOIN_STATE_S` old, as the page
cache's shared pieces are.

A copy built while a message went out is not kept: each copy remembers the
delivery sequence number it started at and counts only if no delivery to its room
came after.
"""

import itertools
import threading
import time

from flask import current_app

from extensions import socketio

_ROOM_PREFIX = "live:"
_MAX_ROOMS = 10_000  # rooms remembered; past it every copy and mark is dropped

_lock = threading.Lock()
_seq = itertools.count(1)
_kept = {}  # session id -> (built at, monotonic; room part; keep)
_delivered = {}  # session id -> seq of the last delivery to its room
_floor = {"seq": 0}  # seq when the marks were last dropped: older copies don't count
_building = {}  # session id -> its build on the way (`_Flight`)
FLIGHT_WAIT_S = 10.0  # a join waits this long for another's build, then builds
FLIGHT_TRIES = 4  # builds a join waits for before it builds its own


def reset():
    with _lock:
        _kept.clear()
        _delivered.clear()
        _floor["seq"] = next(_seq)


def delivered(room):
    """A message is going to `room` in this process: its kept copy is stale."""
    if not isinstance(room, str) or not room.startswith(_ROOM_PREFIX):
        return
    try:
        session_id = int(room[len(_ROOM_PREFIX) :])
    except ValueError:
        return
    with _lock:
        if len(_delivered) >= _MAX_ROOMS:
            _kept.clear()
            _delivered.clear()
            _floor["seq"] = next(_seq)
        _delivered[session_id] = next(_seq)
        _kept.pop(session_id, None)


def _fresh(session_id, ttl):
    with _lock:
        entry = _kept.get(session_id)
    if entry is not None and time.monotonic() - entry[0] < ttl:
        return entry[1], entry[2]
    return None


class _Flight:
    """A build of a room's part on its way: its start (a sequence number), its
    answer once done (None if it failed), and the event set then."""

    def __init__(self, start):
        self.start = start
        self.answer = None
        self.done = threading.Event()


def room_part(session_id, build):
    """(room part, keep) for the room: the kept copy if it is fresh, else
    `build()`'s (kept when `LIVE_JOIN_STATE_S` > 0). Callers copy before changing
    either.

    One build at a time per room. A join that finds one on its way waits for it
    (up to `FLIGHT_WAIT_S`) and takes its answer when that build started after
    this join did (whatever went to the room after that, the joiner heard), or
    when it was kept (nothing went to the room while it ran); otherwise it waits
    for, or makes, the next build. On PostgreSQL a build yields at each statement,
    and at 10,000 viewers on two processes a crowd joining as the copy was dropped
    built it each: a third of the server's time."""
    ttl = current_app.config.get("LIVE_JOIN_STATE_S", 0)
    if ttl <= 0:
        return build()
    entered = next(_seq)  # (the joiner is in the room by now)
    for _attempt in range(FLIGHT_TRIES):
        found = _fresh(session_id, ttl)
        if found is not None:
            return found
        with _lock:
            flight = _building.get(session_id)
            mine = flight is None
            if mine:
                flight = _building[session_id] = _Flight(next(_seq))
        if mine:
            try:
                flight.answer = _build(session_id, build, flight.start)
                return flight.answer
            finally:
                with _lock:
                    _building.pop(session_id, None)
                flight.done.set()
        if not flight.done.wait(FLIGHT_WAIT_S):
            break
        if flight.answer is not None and flight.start > entered:
            return flight.answer
    return build()


def _build(session_id, build, start):
    now = time.monotonic()
    part, keep = build()
    with _lock:
        last = _delivered.get(session_id, 0)
        if start > last and start > _floor["seq"]:
            _kept[session_id] = (now, part, keep)
    return part, keep


def install():
    """Watch messages to rooms on this app's Socket.IO manager (after `init_app`,
    which makes a new server and manager): `emit` (this process's messages, sent
    or queued) and, with a message queue, `_handle_emit` (each one the queue
    brings, this process's own included). Both run whether or not anyone is in
    the room here: a room whose last viewer left still drops its kept part."""
    manager = socketio.server.manager
    if getattr(manager, "_livestall_watched", False):
        return
    emit = manager.emit

    def watched_emit(*args, **kwargs):
        _note(kwargs.get("to") or kwargs.get("room") or _positional_room(args))
        return emit(*args, **kwargs)

    manager.emit = watched_emit
    handle = getattr(manager, "_handle_emit", None)
    if handle is not None:

        def watched_handle(message):
            if isinstance(message, dict):
                _note(message.get("room"))
            return handle(message)

        manager._handle_emit = watched_handle
    manager._livestall_watched = True


def _positional_room(args):
    """`Manager.emit(event, data, namespace, room, ...)`'s room, if given so."""
    return args[3] if len(args) > 3 else None


def _note(room):
    if isinstance(room, str):
        delivered(room)
    elif isinstance(room, list | tuple):
        for one in room:
            delivered(one)
