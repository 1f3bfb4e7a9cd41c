"""The application under test: `app` (a fresh temp data dir per test), `client`,
`auth` (the real sign-up and sign-in forms), `csrf_token`, `read_db`, reading pages
(`text`, `plain`, `error_of`), and the test databases (on the PostgreSQL pass, a
fresh database per test cloned from a migrated template). Also the `sqlite_only`
marker and FAST_HASH / PASSWORD."""

import asyncio
import concurrent.futures
import contextlib
import itertools
import os
import queue
import re
import shutil
import sqlite3
import threading
from html import unescape

import pytest

from app import create_app
from extensions import db
from tests.plugins.parallel import worker_id

FAST_HASH = "pbkdf2:sha256:1000"  # the strong default is asserted in test_security
PASSWORD = "correct horse battery"

# The PostgreSQL pass (`make test-postgres`): with this set to a server's admin URL
# (postgresql://postgres@127.0.0.1:5432), every test gets a fresh database cloned
# from a migrated template, as LIVESTALL_DATABASE_URL (so `create_app` and
# LiveServer processes alike use it). Tests of the SQLite file itself are skipped.
TEST_PG = os.environ.get("LIVESTALL_TEST_DATABASE_URL", "").rstrip("/")


# The suite signs many people up from 127.0.0.1, in this process and in the servers
# it starts: the sign-up throttle (5 an hour per address) would refuse most of them.
# tests/accounts/test_throttling.py sets the limits it tests in create_app's config.
SUITE_ENV = {"LIVESTALL_SIGNUP_PER_IP": "0", "LIVESTALL_SIGNUP_PER_NETWORK": "0"}


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "sqlite_only: tests the SQLite file itself (not on PostgreSQL)"
    )
    for name, value in SUITE_ENV.items():
        os.environ.setdefault(name, value)


def pytest_collection_modifyitems(config, items):
    if not TEST_PG:
        return
    skip = pytest.mark.skip(reason="tests the SQLite file; this pass is PostgreSQL")
    for item in items:
        if "sqlite_only" in item.keywords:
            item.add_marker(skip)


class PgDatabases:
    """Fresh PostgreSQL databases per test: CREATE DATABASE ... TEMPLATE of one
    migrated once per session (per xdist worker). Background threads (each with its
    own connection) keep the next databases cloned and drop the used ones, so a
    test waits for neither (~0.1-0.2 s each otherwise)."""

    CLONERS = 2  # a clone takes ~0.1-0.2 s here, often longer than a test

    def __init__(self, admin_url, tmp_dir):
        import psycopg2

        try:
            self.admin = psycopg2.connect(admin_url + "/postgres", connect_timeout=3)
        except psycopg2.OperationalError as exc:
            pytest.exit(f"LIVESTALL_TEST_DATABASE_URL: no PostgreSQL: {exc}", 2)
        self.admin.autocommit = True
        self.url = admin_url
        # PostgreSQL 15's default clone (WAL_LOG) writes the copy through shared
        # buffers, which each DROP DATABASE's checkpoint then flushes: under two
        # xdist workers the drops waited 10-25 s each and fell hundreds behind
        # (12 MB each) while the tests ran slower. A file copy (the only way
        # before 15) leaves checkpoints little to do.
        self.strategy = (
            " STRATEGY FILE_COPY" if self.admin.server_version >= 150000 else ""
        )
        # one template and its clones per process: each xdist worker has its own
        self.prefix = f"livestall_t{worker_id()}_{os.getpid()}_"
        self.template = self.prefix + "template"
        self._sql(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)')
        self._sql(f'CREATE DATABASE "{self.template}"')
        create_app(
            {
                "TESTING": True,
                "DATA_DIR": str(tmp_dir),
                "SECRET_KEY": "template",
                "DATABASE_URL": f"{admin_url}/{self.template}",
            }
        )
        self.close_pool()
        self.ready = queue.Queue(maxsize=3)
        self.drops = queue.Queue()
        self.stopping = threading.Event()
        self.numbers = itertools.count(1)
        self.threads = [
            threading.Thread(target=self._drop, args=(self._admin(),), daemon=True),
            *(
                threading.Thread(target=self._clone, args=(self._admin(),), daemon=True)
                for _ in range(self.CLONERS)
            ),
        ]
        for thread in self.threads:
            thread.start()

    def _admin(self):
        import psycopg2

        conn = psycopg2.connect(self.url + "/postgres", connect_timeout=3)
        conn.autocommit = True
        return conn

    def _clone(self, conn):
        while not self.stopping.is_set():
            name = f"{self.prefix}{next(self.numbers)}"
            try:
                with conn.cursor() as cur:
                    cur.execute(
                        f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"'
                        + self.strategy
                    )
            except Exception as exc:  # noqa: BLE001 - reported to the waiting test
                self.ready.put(exc)
                return
            self.ready.put(name)
        conn.close()

    def _drop(self, conn):
        while (name := self.drops.get()) is not None:
            with conn.cursor() as cur:
                cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.close()

    def _sql(self, statement):
        with self.admin.cursor() as cur:
            cur.execute(statement)

    @staticmethod
    def close_pool():
        if db.obj is not None:
            if not db.is_closed():
                db.close()
            if hasattr(db.obj, "close_all"):
                db.obj.close_all()

    def fresh(self):
        name = self.ready.get(timeout=60)
        if isinstance(name, Exception):
            raise name
        # No fsync per commit: durability is tested on SQLite (test_flash_crash).
        return name, f"{self.url}/{name}?options=-c%20synchronous_commit%3Doff"

    def drop(self, name):
        self.close_pool()
        self.drops.put(name)

    def close(self):
        self.close_pool()
        self.stopping.set()
        while any(t.is_alive() for t in self.threads[1:]):  # cloners may wait to put
            with contextlib.suppress(queue.Empty):
                name = self.ready.get(timeout=0.1)
                if isinstance(name, str):
                    self.drops.put(name)
        while not self.ready.empty():
            name = self.ready.get()
            if isinstance(name, str):
                self.drops.put(name)
        self.drops.put(None)
        self.threads[0].join(60)
        self._sql(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)')
        self.admin.close()


@pytest.fixture(scope="session")
def _pg_databases(tmp_path_factory):
    if not TEST_PG:
        yield None
        return
    pg = PgDatabases(TEST_PG, tmp_path_factory.mktemp("pg-template"))
    yield pg
    pg.close()


@pytest.fixture(autouse=True)
def _test_database(request, _pg_databases, monkeypatch):
    """On the PostgreSQL pass, point this test at a fresh database of its own."""
    if _pg_databases is None or "sqlite_only" in request.keywords:
        yield
        return
    name, url = _pg_databases.fresh()
    monkeypatch.setenv("LIVESTALL_DATABASE_URL", url)
    yield
    _pg_databases.drop(name)


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory):
    """On the SQLite pass, a database file migrated once per process, copied for
    each test: creating the schema is most of `create_app`'s time (the app's
    `init_schema` finds the copy up to date). None on the PostgreSQL pass."""
    if TEST_PG:
        return None
    where = tmp_path_factory.mktemp("sqlite-template")
    create_app(
        {"TESTING": True, "DATA_DIR": str(where / "data"), "SECRET_KEY": "template"}
    )
    db.close()
    template = where / "template.db"
    with contextlib.closing(sqlite3.connect(where / "data" / "livestall.db")) as src:
        with contextlib.closing(sqlite3.connect(template)) as dst:
            src.backup(dst)  # a consistent copy, whatever is in the WAL
    return template


@pytest.fixture
def app(tmp_path, _sqlite_template):
    if _sqlite_template is not None:
        (tmp_path / "data").mkdir(exist_ok=True)
        shutil.copyfile(_sqlite_template, tmp_path / "data" / "livestall.db")
    app = create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(tmp_path / "data"),
            "SECRET_KEY": "test-secret",
            "PASSWORD_HASH_METHOD": FAST_HASH,
            "SESSION_COOKIE_SECURE": False,
            "REMEMBER_COOKIE_SECURE": False,
            # off, as tests change data and read pages at once; its own tests
            # turn it on (tests/site/test_page_cache.py)
            "PAGE_CACHE_S": 0,
            "LIVE_JOIN_STATE_S": 0,
        }
    )
    yield app
    if not db.is_closed():
        db.close()


@pytest.fixture
def client(app):
    return app.test_client()


def csrf_token(client, path="/login"):
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def text(resp):
    """A response's page, entities decoded."""
    return unescape(resp.get_data(as_text=True))


def plain(resp):
    """The page's text without tags (counts are bold: "<strong>1</strong> follower")."""
    return " ".join(re.sub(r"<[^>]+>", " ", text(resp)).split())


def error_of(html, field):
    """The form's message for `field`, or None."""
    match = re.search(rf'<small class="error" id="e-{field}">(.*?)</small>', html, re.S)
    return unescape(match.group(1)) if match else None


def read_db(fn):
    """Run `fn` on its own connection (outside any request) and return its result."""
    with db.connection_context():
        return fn()


class AuthActions:
    """Sign up, sign in and out through the real forms (CSRF included)."""

    def __init__(self, client):
        self.client = client

    def signup(self, username="alice", role="shopper", password=PASSWORD, **extra):
        token = csrf_token(self.client, "/signup")
        data = {
            "csrf_token": token,
            "username": username,
            "email": extra.pop("email", f"{username}@example.com"),
            "password": password,
            "role": role,
            **extra,
        }
        return self.client.post("/signup", data=data)

    def login(self, login="alice", password=PASSWORD):
        token = csrf_token(self.client, "/login")
        return self.client.post(
            "/login", data={"csrf_token": token, "login": login, "password": password}
        )

    def logout(self):
        token = csrf_token(self.client, "/")
        return self.client.post("/logout", data={"csrf_token": token})

    def token(self, path="/"):
        return csrf_token(self.client, path)


@pytest.fixture
def auth(client):
    return AuthActions(client)


def run_async(coro):
    """`asyncio.run(coro)` in a thread of its own: once a browser test has run in
    this process, Playwright's sync API leaves an event loop running in the main
    thread, where asyncio.run refuses to start."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()
