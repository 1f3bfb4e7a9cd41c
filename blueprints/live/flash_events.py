"""Flash sales in the `/live` room: the `grab` event, stock broadcasts, expiry.

Stock broadcasts are coalesced: a grab marks its sale dirty and a background task
emits `stock` for dirty sales at most every STOCK_FLUSH_S, each time reading the
true counters from the database, so a sell-out of thousands of units sends a few
messages per second and always ends with the final number. The same task expires
holds and closes sales whose time is up (safe in several processes at once).
"""

import logging
import queue
import threading
from types import SimpleNamespace

from flask import current_app

from blueprints.live import events
from extensions import db, socketio
from livestall.db.base import is_sqlite, isoformat, on_commit
from livestall.errors import Conflict, NotFound
from livestall.flash import rules as flash_sale
from livestall.flash.models import FlashSale
from livestall.live import moderation
from livestall.live.models import LiveSession
from livestall.orders import sources
from livestall.orders.signals import order_placed
from livestall.platform import shared

log = logging.getLogger(__name__)
STOCK_FLUSH_S = 0.25
REAP_EVERY = 4  # reap and close every 4th stock flush (about once a second)

_lock = threading.Lock()
_dirty = set()
_in_flight = set()  # and across processes: services.shared.acquire_grab
_sales = {}  # sale id -> (session id, host id): never change, cached
_loop = {"started": False}


def reset():
    """Forget this process's sale state: cached rooms, grabs in flight, stock to
    broadcast (for tests, whose ids repeat from one test database to the next)."""
    with _lock:
        _sales.clear()
        _in_flight.clear()
        _dirty.clear()


def _sale_room(sale_id):
    """(session-like object with id and host_id) for a sale, cached per process."""
    if sale_id not in _sales:
        row = (
            FlashSale.select(FlashSale.session, LiveSession.host)
            .join(LiveSession)
            .where(FlashSale.id == sale_id)
            .tuples()
            .first()
        )
        if row is None:
            raise NotFound("No such flash sale.")
        _sales[sale_id] = row
    session_id, host_id = _sales[sale_id]
    return SimpleNamespace(id=session_id, host_id=host_id)


def grab_for(user, sale_id, qty, visitor_id=None):
    """A grab from the socket or the HTTP API: fairness checks, then the hot path."""
    if (
        isinstance(sale_id, bool)
        or not isinstance(sale_id, int)
        or not 0 < sale_id < 2**53
    ):
        raise NotFound("No such flash sale.")
    room = _sale_room(sale_id)
    banned, muted_until = moderation.sanction_of(room, user.id)
    if banned:
        raise moderation.Banned("You were banned from this room.")
    if muted_until:
        raise moderation.Muted("Muted users cannot grab.")
    with _lock:
        if user.id in _in_flight:
            raise Conflict("Your last grab is still on its way.", code="grab_in_flight")
        _in_flight.add(user.id)
    gevent = current_app.config["ASYNC_MODE"] == "gevent"
    if gevent:
        # Give the connection back before waiting (for Redis, then for the batch's
        # commit): hundreds of grabs may wait at once, and the pool is far smaller
        # than a crowd (measured: 28 grabs/s on PostgreSQL + Redis when the waits
        # held their connections, the pool's waiters polling every 0.1 s).
        db.close()
    guard = None
    if shared.redis_client() is not None:  # the user's sockets on other processes
        try:
            guard = shared.acquire_grab(user.id)
        except Exception:
            with _lock:
                _in_flight.discard(user.id)
            raise
        if guard is None:
            with _lock:
                _in_flight.discard(user.id)
            raise Conflict("Your last grab is still on its way.", code="grab_in_flight")
    touch = {
        "visitor_id": visitor_id or f"user:{user.id}",
        "creator_id": room.host_id,
        "live_session_id": room.id,
    }
    hold_s = current_app.config["FLASH_HOLD_S"]
    try:
        if gevent:
            reservation, _remaining = _batcher.submit(
                current_app._get_current_object(),
                (sale_id, user.id, qty, touch),
                hold_s,
            )
        else:
            reservation, _remaining = flash_sale.grab(
                sale_id, user, qty, hold_s=hold_s, touch=touch
            )
    finally:
        with _lock:
            _in_flight.discard(user.id)
        if guard is not None:
            try:
                shared.release_grab(user.id, guard)
            except Exception:  # it expires by itself (GRAB_GUARD_MS)
                log.exception("releasing the grab guard failed")
    with _lock:
        _dirty.add(sale_id)
    _ensure_loop()
    return reservation


class GrabBatcher:
    """Group commit for grabs under gevent: grabs that arrive while a commit is on
    its way wait in a queue, and the next transaction takes them all at once, one
    savepoint each (services.flash_sale.grab_batch). Under load a sell-out costs
    one fsync per batch instead of one per unit; alone, a grab waits for nothing.
    Every grab is acknowledged only after the commit that made it durable."""

    # SQLite: one fsync per batch, and savepoints are cheap. PostgreSQL: many
    # updates of the one hot row inside one transaction leave a chain of row
    # versions each update must walk (and past 64 savepoints pg_subtrans reads);
    # measured here, batches of 48 ran 118 grabs/s against 150 unbatched.
    BATCH_MAX = 256
    BATCH_MAX_POSTGRES = 1

    def __init__(self):
        self.queue = queue.Queue()
        self.started = False
        self.lock = threading.Lock()

    def submit(self, app, request_, hold_s):
        slot = {"request": request_, "hold_s": hold_s, "done": threading.Event()}
        with self.lock:
            if not self.started:
                self.started = True
                socketio.start_background_task(self._run, app)
        self.queue.put(slot)
        if not slot["done"].wait(60):
            raise Conflict("The sale is too busy. Try again.", code="busy")
        if slot["error"] is not None:
            raise slot["error"]
        return slot["result"]

    def _run(self, app):
        while True:
            batch = [self.queue.get()]
            socketio.sleep(0)  # let grabs that are ready join this batch
            most = self.BATCH_MAX if is_sqlite() else self.BATCH_MAX_POSTGRES
            while len(batch) < most:
                try:
                    nxt = self.queue.get_nowait()
                except queue.Empty:
                    break
                if nxt["hold_s"] != batch[0]["hold_s"]:
                    self.queue.put(nxt)
                    break
                batch.append(nxt)
            try:
                with app.app_context(), db.connection_context():
                    results = flash_sale.grab_batch(
                        [slot["request"] for slot in batch], batch[0]["hold_s"]
                    )
            except Exception as error:  # the commit failed: nobody got anything
                log.exception("grab batch failed")
                failure = Conflict("The sale is too busy. Try again.", code="busy")
                failure.__cause__ = error
                results = [(None, failure)] * len(batch)
            for slot, (result, error) in zip(batch, results, strict=True):
                slot["result"], slot["error"] = result, error
                slot["done"].set()


_batcher = GrabBatcher()


@events.event("grab")
def on_grab(data):
    user = SimpleNamespace(id=events._user_id())  # the grab needs only the id
    conn = events._conn()
    reservation = grab_for(
        user, data.get("flash_sale_id"), data.get("qty", 1), conn.visitor_id
    )
    return {"reservation": reservation}


# --- broadcasts -----------------------------------------------------------------------


def _emit(name, payload, session_id):
    socketio.emit(name, payload, to=events.room(session_id), namespace=events.NS)


def announce_started(sale):
    _emit(
        "flash_sale",
        {"event": "started", "flash_sale": flash_sale.sale_dict(sale)},
        sale.session_id,
    )
    _ensure_loop()


def announce_ended(sale):
    _emit(
        "flash_sale",
        {
            "event": "ended",
            "flash_sale": flash_sale.sale_dict(sale),
            "summary": flash_sale.summary(sale),
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
        "status": flash_sale.status_of(sale),
        "sold_out_at": isoformat(sale.sold_out_at),
    }


def flush_stock():
    """Emit `stock` once for every sale grabbed from since the last flush."""
    with _lock:
        dirty = set(_dirty)
        _dirty.clear()
    if not dirty:
        return 0
    with db.connection_context():
        for sale in FlashSale.select().where(FlashSale.id.in_(list(dirty))):
            _emit("stock", stock_payload(sale), sale.session_id)
    return len(dirty)


def tick():
    """Expire holds (units return to their sale) and close sales whose time is up."""
    with db.connection_context():
        touched = flash_sale.reap()
        with _lock:
            _dirty.update(touched)
        for sale in flash_sale.close_due():
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


def session_ended(session):
    """A live ended: its sales close and the room hears it."""
    for sale in flash_sale.close_session_sales(session):
        announce_ended(sale)
