"""The peewee base model, database binding and transaction helper."""

import datetime
import json
import logging
import threading
import time

from peewee import Model, SqliteDatabase, TextField
from playhouse.db_url import connect as connect_url
from playhouse.db_url import parse as parse_url
from playhouse.pool import (
    MaxConnectionsExceeded,
    PooledDatabase,
    PooledPostgresqlDatabase,
    PooledSqliteDatabase,
)

from extensions import db

log = logging.getLogger(__name__)


def utcnow():
    """Return the current UTC time as a naive datetime (the database convention)."""
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)


def isoformat(value):
    """Format a stored naive-UTC datetime as ISO 8601 with a Z suffix."""
    if value is None:
        return None
    return value.replace(microsecond=0).isoformat() + "Z"


class JSONField(TextField):
    """A list or dict stored as JSON text (portable across SQLite and PostgreSQL)."""

    def db_value(self, value):
        return None if value is None else json.dumps(value, ensure_ascii=False)

    def python_value(self, value):
        return None if value is None else json.loads(value)


class BaseModel(Model):
    class Meta:
        database = db
        legacy_table_names = False


class PostgresDatabase(PooledPostgresqlDatabase):
    """PostgreSQL, pooled. Its text cannot hold NUL characters, which SQLite's can
    and which arrive in forms, query strings and JSON ("\\u0000"): psycopg2 refuses
    such a parameter outright (a 500). They become U+FFFD, as a lookup or a stored
    value, so both engines answer the same input the same way."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._freed = threading.Condition()

    def connect(self, reuse_if_open=False):
        """Wait for a connection woken by the next one returned (not peewee's
        polling every 0.1 s, where a waiter could lose to newcomers for seconds:
        grab p99 7 s in a 1,000-socket sale)."""
        expires = time.monotonic() + (self._wait_timeout or 0)
        while True:
            try:
                return super(PooledDatabase, self).connect(reuse_if_open)
            except MaxConnectionsExceeded:
                left = expires - time.monotonic()
                if left <= 0:
                    raise
                with self._freed:
                    self._freed.wait(min(left, 0.05))

    def _close(self, conn, close_conn=False):
        super()._close(conn, close_conn)
        with self._freed:
            self._freed.notify()

    def execute_sql(self, sql, params=None, *args, **kwargs):
        if params and isinstance(params, (list, tuple)):
            params = [
                p.replace("\x00", "\ufffd") if isinstance(p, str) and "\x00" in p else p
                for p in params
            ]
        return super().execute_sql(sql, params, *args, **kwargs)


def _cooperative_psycopg2():
    """Under gevent, let psycopg2 wait for the server as a greenlet (psycogreen's
    recipe): otherwise every query blocks the whole process for its round trip,
    and every commit for its fsync."""
    try:
        from gevent import monkey
    except ImportError:  # pragma: no cover - gevent is a requirement
        return
    if not monkey.is_module_patched("socket"):
        return
    import psycopg2
    from gevent.socket import wait_read, wait_write
    from psycopg2 import extensions

    def wait(conn, timeout=None):
        while True:
            state = conn.poll()
            if state == extensions.POLL_OK:
                return
            if state == extensions.POLL_READ:
                wait_read(conn.fileno(), timeout=timeout)
            elif state == extensions.POLL_WRITE:
                wait_write(conn.fileno(), timeout=timeout)
            else:
                raise psycopg2.OperationalError(f"bad state from poll: {state!r}")

    extensions.set_wait_callback(wait)


def open_database(config):
    """Create the peewee database named by the config (SQLite file by default)."""
    url = config.get("DATABASE_URL")
    if url:
        # A pool keeps connections open across requests.
        if url.startswith(("postgresql://", "postgres://")):
            # timeout: a full pool makes a request wait for a connection (polling
            # every 0.1 s, a greenlet under gevent) instead of failing; a crowd of
            # sockets joining at once is far larger than the pool. 32 per process
            # keeps N processes under max_connections (100 by default).
            _cooperative_psycopg2()
            return PostgresDatabase(
                **parse_url(url), max_connections=32, stale_timeout=300, timeout=30
            )
        return connect_url(url, max_connections=32, stale_timeout=300, timeout=30)
    path = f"{config['DATA_DIR']}/livestall.db"
    # Pooled: a request reuses an open connection instead of paying for a new one
    # and its pragmas (measured: 5 extra statements on every request).
    # check_same_thread=False: the pool hands a connection to one thread at a time,
    # but not always the thread that opened it (threading mode, tests).
    return PooledSqliteDatabase(
        path,
        max_connections=64,
        stale_timeout=300,
        check_same_thread=False,
        timeout=config["SQLITE_BUSY_TIMEOUT_MS"] / 1000,
        pragmas={
            "journal_mode": "wal",
            "busy_timeout": config["SQLITE_BUSY_TIMEOUT_MS"],
            "foreign_keys": 1,
            "synchronous": config["SQLITE_SYNCHRONOUS"],
            "cache_size": -16000,
        },
    )


def is_sqlite():
    return isinstance(db.obj, SqliteDatabase)


# Callbacks waiting for the outermost `transaction()` of this thread (greenlet,
# under gevent's patched threading.local) to commit; None when none is open.
_pending = threading.local()


class transaction:  # noqa: N801 - used as `with transaction():`, like db.atomic()
    """Open a write transaction: BEGIN IMMEDIATE on SQLite, a plain one elsewhere.

    Taking SQLite's write lock up front means a transaction never fails half-way
    with SQLITE_BUSY on upgrade from a read lock; it waits (busy_timeout) instead.
    Nested, it is a savepoint. The outermost one runs the `on_commit` callbacks
    registered inside it once it has committed (and drops them on a rollback).
    """

    def __enter__(self):
        self.outer = not db.in_transaction()
        if self.outer:
            _pending.queue = []
        lock = {"lock_type": "IMMEDIATE"} if self.outer and is_sqlite() else {}
        self.atomic = db.atomic(**lock)
        try:
            return self.atomic.__enter__()
        except BaseException:
            if self.outer:
                _pending.queue = None
            raise

    def __exit__(self, exc_type, exc, tb):
        try:
            result = self.atomic.__exit__(exc_type, exc, tb)
        finally:
            if self.outer:
                queue, _pending.queue = _pending.queue, None
        if self.outer and exc_type is None:
            for fn, args, kwargs in queue:
                try:
                    fn(*args, **kwargs)
                except Exception:  # committed: one failed follow-up stops no other
                    log.exception("on_commit %s failed", getattr(fn, "__name__", fn))
        return result


def on_commit(fn, *args, **kwargs):
    """Call `fn(*args, **kwargs)` once the open `transaction()` has committed (not at
    all if it rolls back); at once when no `transaction()` is open. For what must
    not happen before the rows are visible: broadcasts, search index writes."""
    queue = getattr(_pending, "queue", None)
    if queue is None:
        fn(*args, **kwargs)
    else:
        queue.append((fn, args, kwargs))


class Prepared:
    """A SELECT compiled to SQL once, run again with new parameters.

    Building a peewee query costs more than SQLite takes to run it (measured on the
    chat path: half its time went to writing SQL). `build(*args)` returns the query;
    the first call per database paramstyle compiles it and keeps it when its
    parameters are exactly `args` in order (otherwise it is built every time, which
    is only slower). Rows come back as the original query would give them, joined
    models included.

        get_user = Prepared(lambda uid: User.select().where(User.id == uid))
        user = get_user.first(42)
    """

    def __init__(self, build):
        self.build = build
        self.compiled = {}  # paramstyle -> (sql, query) or None (not reusable)

    def rows(self, *args):
        key = db.obj.param  # SQLite and PostgreSQL differ by paramstyle only
        if key not in self.compiled:
            query = self.build(*args)
            sql, params = query.sql()
            reusable = list(params) == list(args)
            self.compiled[key] = (sql, query) if reusable else None
            return list(query)
        if self.compiled[key] is None:
            return list(self.build(*args))
        sql, query = self.compiled[key]
        return list(query._get_cursor_wrapper(db.execute_sql(sql, args)))

    def first(self, *args):
        found = self.rows(*args)
        return found[0] if found else None


class PreparedInsert:
    """An INSERT of `fields` (of one model) compiled once per paramstyle; calling it
    with the values in the same order inserts a row and returns its id. (peewee
    writes the columns in the model's order, whatever order `fields` are in: the
    parameters follow it.)"""

    def __init__(self, *fields):
        self.fields = fields
        self.model = fields[0].model
        # (by identity: a field's == builds an SQL expression)
        at = {id(f): i for i, f in enumerate(fields)}
        self.order = [at[id(f)] for f in self.model._meta.sorted_fields if id(f) in at]
        self.compiled = {}

    def __call__(self, *values):
        row = dict(zip(self.fields, values, strict=True))
        params = [self.fields[i].db_value(values[i]) for i in self.order]
        key = db.obj.param
        sql = self.compiled.get(key)
        if sql is None:
            sql, built = self.model.insert(row).sql()
            if list(built) != params:  # defaults or conversions: build each time
                return self.model.insert(row).execute()
            self.compiled[key] = sql
        cursor = db.execute_sql(sql, params)
        return cursor.lastrowid if is_sqlite() else cursor.fetchone()[0]
