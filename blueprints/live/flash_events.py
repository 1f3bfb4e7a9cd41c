"""Flash sales in the `/live` room: the `grab` event, stock broadcasts, expiry.

Stock broadcasts are coalesced: a grab marks its sale dirty and a background task
emits `stock` for dirty sales at most every STOCK_FLUSH_S, each time reading the
true counters from the database, so a sell-out of thousands of units sends a few
messages per second and always ends with the final number. The same task expires
holds and closes sales whose time is up (safe in several processes at once).
"""

import logging
import threading
import time
from types import SimpleNamespace

from flask import current_app

from blueprints.live import events
from extensions import db, socketio
from livestall.db.base import isoformat, on_commit
from livestall.flash import guard
from livestall.flash import sales as flash_sales
from livestall.flash.models import FlashSale
from livestall.orders import sources
from livestall.orders.signals import order_placed

log = logging.getLogger(__name__)
STOCK_FLUSH_S = 0.25
# `stock` frames a second this process sends one room at most: a room of up to
# 2,500 local viewers hears every flush, a bigger one less often (10,000 viewers:
# once a second), as big rooms' counters refresh more slowly in the apps users
# know; each frame is a write to every viewer's socket (issue 24)
STOCK_FRAMES_PER_S = 10_000
REAP_EVERY = 4  # reap and close every 4th stock flush (about once a second)

_lock = threading.Lock()
_dirty = set()
_sent_at = {}  # sale id -> when its last `stock` went out (monotonic)
_loop = {"started": False}
_batcher = guard.GrabBatcher(socketio.start_background_task, socketio.sleep)


def reset():
    """Forget this process's sale state: cached rooms, grabs in flight, stock to
    broadcast (for tests, whose ids repeat from one test database to the next)."""
    guard.reset()
    with _lock:
        _dirty.clear()
        _sent_at.clear()


def stock_to_send():
    """The ids of the sales whose stock the next flush broadcasts."""
    with _lock:
        return set(_dirty)


def batched():
    """Whether grabs go through the group-commit batcher (under gevent)."""
    return current_app.config["ASYNC_MODE"] == "gevent"


def grab_for(user, sale_id, qty, visitor_id=None):
    """A grab from the socket or the HTTP API (`flash.guard`); the room hears the
    new stock at the next flush."""
    reservation = guard.grab_for(
        user,
        sale_id,
        qty,
        visitor_id,
        hold_s=current_app.config["FLASH_HOLD_S"],
        batcher=_batcher if batched() else None,
    )
    with _lock:
        _dirty.add(sale_id)
    _ensure_loop()
    return reservation


@events.event("grab", bare=True, database="lazy")
def on_grab(data):
    if batched():
        # the batch checks its grabbers are still signed in, in one query
        # (guard.GrabBatcher): a grab takes no pool connection of its own
        user_id, version = events.connected_user()
        user = SimpleNamespace(id=user_id, session_version=version)
    else:
        user = SimpleNamespace(id=events.current_user_id())  # only the id
    conn = events.current_conn()
    try:
        reservation = grab_for(
            user, data.get("flash_sale_id"), data.get("qty", 1), conn.visitor_id
        )
    except guard.SignedOut:
        raise events.signed_out() from None
    return {"reservation": reservation}


# --- broadcasts -----------------------------------------------------------------------


def _emit(name, payload, session_id):
    socketio.emit(name, payload, to=events.room(session_id), namespace=events.NS)


def announce_started(sale):
    _emit(
        "flash_sale",
        {"event": "started", "flash_sale": flash_sales.sale_dict(sale)},
        sale.session_id,
    )
    _ensure_loop()


def announce_ended(sale):
    _emit(
        "flash_sale",
        {
            "event": "ended",
            "flash_sale": flash_sales.sale_dict(sale),
            "summary": flash_sales.summary(sale),
        },
        sale.session_id,
    )


def stock_payload(sale):
    return {
        "flash_sale_id": sale.id,
        "remaining": sale.remaining,
        "held": sale.held,
        "sold": sale.sold,
        "quantity": sale.quantity,
        "status": flash_sales.status_of(sale),
        "sold_out_at": isoformat(sale.sold_out_at),
    }


def stock_interval(session_id):
    """Seconds between two `stock` frames to this room (see STOCK_FRAMES_PER_S)."""
    viewers = events.presence.local_count(session_id)
    return max(STOCK_FLUSH_S, viewers / STOCK_FRAMES_PER_S)


def flush_stock():
    """Emit `stock` once for every sale grabbed from since the last flush, but
    to a big room no sooner than `stock_interval` after the last (the sale stays
    to send, with its numbers as they are then)."""
    with _lock:
        dirty = set(_dirty)
        _dirty.clear()
    if not dirty:
        return 0
    now, later, sent = time.monotonic(), set(), 0
    with db.connection_context():
        for sale in FlashSale.select().where(FlashSale.id.in_(list(dirty))):
            interval = stock_interval(sale.session_id)
            if interval > STOCK_FLUSH_S and now - _sent_at.get(sale.id, 0) < interval:
                later.add(sale.id)
                continue
            _sent_at[sale.id] = now
            _emit("stock", stock_payload(sale), sale.session_id)
            sent += 1
    with _lock:
        _dirty.update(later)
        if len(_sent_at) > 10_000:  # old sales' times: forgotten now and then
            _sent_at.clear()
    return sent


def tick():
    """Expire holds (units return to their sale) and close sales whose time is up."""
    with db.connection_context():
        touched = flash_sales.reap()
        with _lock:
            _dirty.update(touched)
        for sale in flash_sales.close_due():
            announce_ended(sale)


def _run_forever():
    n = 0
    while True:
        socketio.sleep(STOCK_FLUSH_S)
        n += 1
        try:
            flush_stock()
            if n % REAP_EVERY == 0:
                tick()
        except Exception:  # one bad pass must not stop the loop
            log.exception("flash-sale loop failed")


def _ensure_loop():
    if _loop["started"] or current_app.config.get("TESTING"):
        return  # tests call flush_stock() and tick() themselves
    with _lock:
        if _loop["started"]:
            return
        _loop["started"] = True
    socketio.start_background_task(_run_forever)


def mark_sold(sale_ids):
    """Holds became order lines (held -> sold): the rooms hear the new numbers."""
    if sale_ids:
        with _lock:
            _dirty.update(sale_ids)
        _ensure_loop()


@order_placed.connect
def _order_placed(sender, lines_of, **placed):
    texts = (line.source for lines in lines_of.values() for line in lines)
    on_commit(mark_sold, sources.ids_of(texts, "flash"))


@events.session_broadcast.connect
def _session_broadcast(sender, session):
    if session.status in ("ended", "removed"):  # over, or taken down
        session_ended(session)


def session_ended(session):
    """A live ended: its sales close and the room hears it."""
    for sale in flash_sales.close_session_sales(session):
        announce_ended(sale)
