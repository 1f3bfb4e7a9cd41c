"""The fair entry to a grab: who may grab, one grab in flight per person, and the
group commit that carries grabs under load. The socket event and the HTTP API both
come through `grab_for`; the hot path itself is `flash.grabs`.

One grab in flight per person: a second click while the first is on its way is
refused (`grab_in_flight`), in this process (a set) and across processes (a Redis
key with an expiry, `platform.shared.acquire_grab`), so a crowd of one person's
sockets cannot take more than their turn.

Group commit (`GrabBatcher`, under gevent): grabs that arrive while a commit is on
its way wait in a queue, and the next transaction takes them all at once, one
savepoint each (`grabs.grab_batch`). Under load a sell-out costs one fsync per
batch instead of one per unit; alone, a grab waits for nothing. Every grab is
acknowledged only after the commit that made it durable.
"""

import logging
import queue
import threading
from types import SimpleNamespace

from extensions import db
from livestall.accounts.models import User
from livestall.catalog import availability
from livestall.db.base import is_sqlite
from livestall.errors import Conflict, NotAuthenticated, NotFound
from livestall.flash import allotment, grabs
from livestall.flash.models import FlashSale
from livestall.live import moderation
from livestall.live.models import LiveSession
from livestall.platform import settings, shared

log = logging.getLogger(__name__)

_lock = threading.Lock()
_room_lock = threading.Lock()  # one lookup of a sale's room at a time
_in_flight = set()  # user ids with a grab on its way in this process
_rooms = {}  # sale id -> (session id, host id, product id): never change, cached


def reset():
    """Forget this process's grabs in flight and cached sale rooms (for tests,
    whose ids repeat from one test database to the next)."""
    with _lock:
        _in_flight.clear()
        _rooms.clear()


def claim_slot(user_id):
    """Take the user's one grab in flight in this process; False if taken."""
    with _lock:
        if user_id in _in_flight:
            return False
        _in_flight.add(user_id)
        return True


def release_slot(user_id):
    with _lock:
        _in_flight.discard(user_id)


def sale_room(sale_id):
    """(session-like object with id, host_id and the sale's product_id) for a sale,
    cached per process. One lookup per sale: a crowd's first grabs arrive together,
    and a thousand identical reads would queue for the pool's connections."""
    if sale_id not in _rooms:
        with _room_lock:
            if sale_id not in _rooms:
                _rooms[sale_id] = _room_row(sale_id)
    session_id, host_id, product_id = _rooms[sale_id]
    return SimpleNamespace(id=session_id, host_id=host_id, product_id=product_id)


def _room_row(sale_id):
    row = (
        FlashSale.select(FlashSale.session, LiveSession.host, FlashSale.product)
        .join(LiveSession)
        .where(FlashSale.id == sale_id)
        .tuples()
        .first()
    )
    if row is None:
        raise NotFound("No such flash sale.")
    return row


def grab_for(user, sale_id, qty, visitor_id=None, *, hold_s, batcher=None):
    """A grab: fairness checks, then the hot path (through `batcher`, a started
    GrabBatcher, when given). Returns the reservation as a dict."""
    if (
        isinstance(sale_id, bool)
        or not isinstance(sale_id, int)
        or not 0 < sale_id < 2**53
    ):
        raise NotFound("No such flash sale.")
    room = sale_room(sale_id)
    if batcher is None or not _locked():  # (a locked batch checks its whole crowd)
        availability.check_product(room.product_id)  # not while suspended
        banned, muted_until = moderation.sanction_of(room, user.id)
        if banned:
            raise moderation.Banned("You were banned from this room.")
        if muted_until:
            raise moderation.Muted("Muted users cannot grab.")
    if not claim_slot(user.id):
        raise Conflict("Your last grab is still on its way.", code="grab_in_flight")
    if batcher is not None:
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
            release_slot(user.id)
            raise
        if guard is None:
            release_slot(user.id)
            raise Conflict("Your last grab is still on its way.", code="grab_in_flight")
    touch = {
        "visitor_id": visitor_id or f"user:{user.id}",
        "creator_id": room.host_id,
        "live_session_id": room.id,
    }
    try:
        if batcher is not None:
            request_ = (sale_id, user.id, qty, touch)
            version = getattr(user, "session_version", None)
            reservation, _remaining = batcher.submit(request_, hold_s, version)
        else:
            reservation, _remaining = grabs.grab(
                sale_id, user, qty, hold_s=hold_s, touch=touch
            )
    finally:
        release_slot(user.id)
        if guard is not None:
            try:
                shared.release_grab(user.id, guard)
            except Exception:  # it expires by itself (GRAB_GUARD_MS)
                log.exception("releasing the grab guard failed")
    return reservation


def _locked():
    """Whether batches lock the sale's row once (flash.allotment) or run a
    savepoint per grab (grabs.grab_batch): setting FLASH_BATCH, `auto` choosing
    by engine (benchmarks compare both)."""
    mode = settings.get("FLASH_BATCH", "auto")
    if mode in ("locked", "savepoints"):
        return mode == "locked"
    return not is_sqlite()


class SignedOut(NotAuthenticated):
    """The grabber's socket is no longer signed in as it connected (signed out,
    changed password, suspended): checked by the batch, at use."""


class GrabBatcher:
    """Group commit for grabs (see the module's docstring). `spawn(fn)` starts
    the batcher's worker (a greenlet under gevent) on the first grab, `sleep(0)`
    yields to the grabs about to join a batch."""

    # SQLite: one fsync per batch, and savepoints are cheap. PostgreSQL: many
    # updates of the one hot row inside one transaction leave a chain of row
    # versions each update must walk (and past 64 savepoints pg_subtrans reads);
    # measured here, batches of 48 ran 118 grabs/s against 150 unbatched.
    # Locked batches (flash.allotment, PostgreSQL's default) cost a few statements
    # whatever their size; savepoint batches on PostgreSQL would walk the row's
    # versions, so without the lock a PostgreSQL batch is one grab.
    BATCH_MAX = 256

    def __init__(self, spawn, sleep):
        self.spawn = spawn
        self.sleep = sleep
        self.queue = queue.Queue()
        self.started = False
        self.lock = threading.Lock()

    def submit(self, request_, hold_s, version=None):
        """`request_` (sale_id, user_id, qty, touch); with `version`, the batch
        first checks the user is still signed in with that session version
        (`SignedOut` otherwise)."""
        slot = {
            "request": request_,
            "hold_s": hold_s,
            "version": version,
            "done": threading.Event(),
        }
        with self.lock:
            if not self.started:
                self.started = True
                self.spawn(self._run)
        self.queue.put(slot)
        if not slot["done"].wait(60):
            raise Conflict("The sale is too busy. Try again.", code="busy")
        if slot["error"] is not None:
            raise slot["error"]
        return slot["result"]

    def _run(self):
        while True:
            first = self.queue.get()  # idle: no connection held
            # Busy: one connection from batch to batch, given back when the queue
            # runs dry. Taken again for each batch, it waited in the pool's line
            # behind the crowd's other work, while every grab waited on it
            # (10,000 buyers on PostgreSQL: pool timeouts, server_error).
            with db.connection_context():
                while first is not None:
                    self._serve(self._batch(first))
                    try:
                        first = self.queue.get_nowait()
                    except queue.Empty:
                        first = None

    def _batch(self, first):
        batch = [first]
        self.sleep(0)  # let grabs that are ready join this batch
        most = self.BATCH_MAX if is_sqlite() or _locked() else 1
        while len(batch) < most:
            try:
                nxt = self.queue.get_nowait()
            except queue.Empty:
                break
            if nxt["hold_s"] != batch[0]["hold_s"]:
                self.queue.put(nxt)
                break
            batch.append(nxt)
        return batch

    def _serve(self, batch):
        try:
            batch = self._signed_in(batch)
            if not batch:  # all of them signed out
                return
            requests = [slot["request"] for slot in batch]
            if _locked():
                rooms = {r[0]: sale_room(r[0]) for r in requests}
                results = allotment.grab_batch(
                    requests, batch[0]["hold_s"], rooms=rooms
                )
            else:
                results = grabs.grab_batch(requests, batch[0]["hold_s"])
        except Exception as error:  # the commit failed: nobody got anything
            log.exception("grab batch failed")
            failure = Conflict("The sale is too busy. Try again.", code="busy")
            failure.__cause__ = error
            results = [(None, failure)] * len(batch)
            db.close()  # the next batch connects afresh (peewee connects on use)
        for slot, (result, error) in zip(batch, results, strict=True):
            slot["result"], slot["error"] = result, error
            slot["done"].set()

    @staticmethod
    def _signed_in(batch):
        """The slots whose users are still signed in as their sockets connected
        (one query for the batch); the others are answered `SignedOut`."""
        versions = {
            slot["request"][1]: slot["version"]
            for slot in batch
            if slot.get("version") is not None
        }
        if not versions:
            return batch
        current = (
            User.select(User.id, User.session_version, User.status)
            .where(User.id.in_(list(versions)))
            .tuples()
        )
        good = {
            uid
            for uid, version, status in current
            if version == versions[uid] and status == "active"
        }
        kept = []
        for slot in batch:
            uid = slot["request"][1]
            if slot.get("version") is None or uid in good:
                kept.append(slot)
            else:
                slot["result"] = None
                slot["error"] = SignedOut("You were signed out. Sign in again.")
                slot["done"].set()
        return kept
