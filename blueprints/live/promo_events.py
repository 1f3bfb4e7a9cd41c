"""Coupons and red packets in the `/live` room (docs/API.md, "Coupons and red packets").

- `grab_red_packet {red_packet_id}` → ack `{ok: true, amount_cents, user_coupon,
  red_packet: {id, count_left}}` or `{ok: false, error: {code}}` (`sold_out`,
  `limit_reached`, `not_open`). A process remembers the pools it saw run out and
  who already grabbed from which pool, so a rain's late taps are refused without
  touching the database; the claim itself is `red_packets.grab`'s guarded UPDATE.
- `claim_coupon {coupon_id}` → ack `{ok: true, user_coupon}` (same rules as
  `POST /api/v1/coupons/ID/claim`).
- host `drop_coupon {session_id, coupon_id, window_s}` → the room hears
  `coupon_drop {session_id, coupon, ends_at}`.
- host `open_red_packet {red_packet_id}` (as `POST /api/v1/red-packets/ID/open`)
  → the room hears `red_packet {id, count_left, ..., event: "opened"}`.
- `red_packet {id, session_id, count_left, status, ...}` after grabs is coalesced:
  at most once per RAIN_FLUSH_S a pool, read fresh, the last one exact.
- A (re)joining viewer's room state has `red_packets` (the open pools, with
  `mine_cents`) and `coupon_drops` (the live's coupons claimable now, `held`).
"""

import logging
import threading
from types import SimpleNamespace

from flask import current_app, has_app_context

from blueprints.live import events
from extensions import db, socketio
from livestall.db.base import isoformat
from livestall.errors import Invalid, LimitReached, NotFound
from livestall.live import sessions
from livestall.promotions import coupons, drops, present, red_packets

log = logging.getLogger(__name__)
RAIN_FLUSH_S = 0.25
SEEN_MAX = 100_000  # (pool, user) pairs remembered by a process

_lock = threading.Lock()
_dirty = set()  # pool ids whose `red_packet` the next flush sends
_gone = set()  # pool ids seen sold out or finished (never open again)
_grabbed = set()  # (pool id, user id) seen grabbing
_loop = {"started": False}


def reset():
    """Forget this process's pools (tests: ids repeat between tests)."""
    with _lock:
        _dirty.clear()
        _gone.clear()
        _grabbed.clear()


def _emit(name, payload, session_id):
    socketio.emit(name, payload, to=events.room(session_id), namespace=events.NS)


def _pool_payload(packet, event=None):
    out = red_packets.red_packet_dict(packet)
    out["session_id"] = packet.live_id
    if event:
        out["event"] = event
    return out


def grab_for(user, packet_id):
    """One packet for `user` (socket or HTTP): (share, user coupon)."""
    if isinstance(packet_id, bool) or not isinstance(packet_id, int | str):
        raise Invalid("red_packet_id must be a whole number.")
    whole = coupons.whole_id(packet_id)
    if whole is None and isinstance(packet_id, int):  # a number out of range
        raise NotFound("No such red packet.")
    if whole is None:
        raise Invalid("red_packet_id must be a whole number.")
    packet_id = whole
    with _lock:
        gone, mine = packet_id in _gone, (packet_id, user.id) in _grabbed
    if mine:
        raise LimitReached("You have grabbed one of these already.")
    if gone:
        raise red_packets.SoldOut("All the red packets are gone.")
    try:
        share, uc = red_packets.grab(user, packet_id)
    except red_packets.SoldOut:
        with _lock:
            _gone.add(packet_id)
        raise
    with _lock:
        if len(_grabbed) > SEEN_MAX:
            _grabbed.clear()
        _grabbed.add((packet_id, user.id))
        _dirty.add(packet_id)
    _ensure_loop()
    return share, uc


def open_for(user, packet_id):
    """The host opens a pool: the room sees it rain."""
    packet = red_packets.open_(user, packet_id)
    _emit("red_packet", _pool_payload(packet, "opened"), packet.live_id)
    _ensure_loop()
    return packet


def claim_for(user, coupon_id):
    """A coupon claim (socket or HTTP)."""
    return coupons.claim(user, coupon_id)


@events.event("grab_red_packet")
def on_grab_red_packet(data):
    user = SimpleNamespace(id=events.current_user_id())  # the grab needs the id
    share, uc = grab_for(user, data.get("red_packet_id"))
    return {
        "amount_cents": share.amount_cents,
        "user_coupon": present.user_coupon_dict(uc),
    }


@events.event("open_red_packet")
def on_open_red_packet(data):
    packet = open_for(events.socket_user() or _anonymous(), data.get("red_packet_id"))
    return {"red_packet": red_packets.red_packet_dict(packet)}


def _anonymous():
    from livestall.errors import NotAuthenticated

    raise NotAuthenticated("Sign in to do this.")


@events.event("claim_coupon")
def on_claim_coupon(data):
    user = events.socket_user() or _anonymous()
    uc = claim_for(user, data.get("coupon_id"))
    return {"user_coupon": present.user_coupon_dict(uc)}


@events.event("drop_coupon")
def on_drop_coupon(data):
    user = events.socket_user() or _anonymous()
    value = data.get("session_id")
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid("session_id must be a whole number.")
    session = sessions.get_session(value)
    coupon, ends = drops.drop(
        user, data.get("coupon_id"), session, data.get("window_s", 60)
    )
    payload = {
        "session_id": session.id,
        "coupon": present.coupon_dict(coupon),
        "ends_at": isoformat(ends),
    }
    _emit("coupon_drop", payload, session.id)
    return payload


# --- the room's state and the coalesced counts ------------------------------------


@events.state_extras.connect
def _state_extras(sender, session, keep):
    """Open red packets and coupon drops, as an anonymous viewer sees them."""
    pools = red_packets.open_in(session.id)
    dropped = drops.dropped_in(session)
    keep["pools"], keep["dropped"] = pools, dropped
    return {
        "red_packets": [{**_pool_payload(p), "mine_cents": None} for p in pools],
        "coupon_drops": [_drop_payload(session, c, None) for c in dropped],
    }


@events.viewer_extras.connect
def _viewer_extras(sender, session, user, state, keep):
    """The viewer's own grabs and the coupons they hold."""
    pools, dropped, out = keep.get("pools") or [], keep.get("dropped") or [], {}
    if pools:
        mine = red_packets.grabbed_by(user, pools)
        out["red_packets"] = [
            {**shown, "mine_cents": mine.get(shown["id"])}
            for shown in state["red_packets"]
        ]
    if dropped:
        held = coupons.held_counts(user, dropped)
        out["coupon_drops"] = [
            _drop_payload(session, c, held.get(c.id, 0)) for c in dropped
        ]
    return out


def _drop_payload(session, coupon, held):
    return {
        "session_id": session.id,
        "coupon": present.coupon_dict(coupon, held),
        "ends_at": isoformat(coupon.claim_ends_at),
    }


def to_send():
    with _lock:
        return set(_dirty)


def flush():
    """Send `red_packet` once for every pool grabbed from since the last flush."""
    with _lock:
        dirty = set(_dirty)
        _dirty.clear()
    if not dirty:
        return 0
    with db.connection_context():
        for packet in red_packets.RedPacket.select().where(
            red_packets.RedPacket.id.in_(list(dirty))
        ):
            if packet.grabbed >= packet.count:
                with _lock:
                    _gone.add(packet.id)
            _emit("red_packet", _pool_payload(packet), packet.live_id)
    return len(dirty)


def finish_due():
    """Close the pools whose window is over; their rooms hear it (`finished`)."""
    with db.connection_context():
        for packet in red_packets.finish_due():
            with _lock:
                _gone.add(packet.id)
            _emit("red_packet", _pool_payload(packet, "finished"), packet.live_id)


def _run_forever():
    n = 0
    while True:
        socketio.sleep(RAIN_FLUSH_S)
        n += 1
        try:
            flush()
            if n % 8 == 0:
                finish_due()
        except Exception:  # one bad pass must not stop the loop
            log.exception("red packet loop failed")


def _ensure_loop():
    if _loop["started"] or not has_app_context() or current_app.config.get("TESTING"):
        return  # tests call flush() themselves
    with _lock:
        if _loop["started"]:
            return
        _loop["started"] = True
    socketio.start_background_task(_run_forever)
