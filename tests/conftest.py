"""Fixtures: `app` (fresh temp data dir per test), `client`, `auth`, `api`, images."""

import contextlib
import io
import itertools
import os
import queue
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from PIL import Image as PILImage

from app import create_app
from extensions import db

FAST_HASH = "pbkdf2:sha256:1000"  # the strong default is asserted in test_security
PASSWORD = "correct horse battery"

# The PostgreSQL pass (`make test-postgres`): with this set to a server's admin URL
# (postgresql://postgres@127.0.0.1:5432), every test gets a fresh database cloned
# from a migrated template, as LIVESTALL_DATABASE_URL (so `create_app` and
# LiveServer processes alike use it). Tests of the SQLite file itself are skipped.
TEST_PG = os.environ.get("LIVESTALL_TEST_DATABASE_URL", "").rstrip("/")


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "sqlite_only: tests the SQLite file itself (not on PostgreSQL)"
    )


def pytest_collection_modifyitems(config, items):
    if not TEST_PG:
        return
    skip = pytest.mark.skip(reason="tests the SQLite file; this pass is PostgreSQL")
    for item in items:
        if "sqlite_only" in item.keywords:
            item.add_marker(skip)


class PgDatabases:
    """Fresh PostgreSQL databases per test: CREATE DATABASE ... TEMPLATE of one
    migrated once per session. Two background threads (each with its own
    connection) keep the next databases cloned and drop the used ones, so a test
    waits for neither (~0.25 s each otherwise)."""

    CLONERS = 2  # a clone takes ~0.22 s here, often longer than a test

    def __init__(self, admin_url, tmp_dir):
        import psycopg2

        try:
            self.admin = psycopg2.connect(admin_url + "/postgres", connect_timeout=3)
        except psycopg2.OperationalError as exc:
            pytest.exit(f"LIVESTALL_TEST_DATABASE_URL: no PostgreSQL: {exc}", 2)
        self.admin.autocommit = True
        self.url = admin_url
        self.prefix = f"livestall_t{os.getpid()}_"
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
                    cur.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
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


@pytest.fixture
def app(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(tmp_path / "data"),
            "SECRET_KEY": "test-secret",
            "PASSWORD_HASH_METHOD": FAST_HASH,
            "SESSION_COOKIE_SECURE": False,
            "REMEMBER_COOKIE_SECURE": False,
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


class Api:
    """JSON API calls with an optional bearer token."""

    def __init__(self, client):
        self.client = client

    def call(self, method, path, token=None, **kw):
        headers = kw.pop("headers", {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return self.client.open(path, method=method, headers=headers, **kw)

    def user(self, username, role="shopper", password=PASSWORD):
        resp = self.call(
            "POST",
            "/api/v1/users",
            json={
                "username": username,
                "email": f"{username}@example.com",
                "password": password,
                "role": role,
            },
        )
        assert resp.status_code == 201, resp.get_json()
        return resp.get_json()["token"]

    def product(self, token, **fields):
        body = {
            "title": "Hand Blender 手持料理棒",
            "price_cents": 12900,
            "category": "kitchen",
            "stock": 10,
            **fields,
        }
        resp = self.call("POST", "/api/v1/products", token=token, json=body)
        assert resp.status_code == 201, resp.get_json()
        return resp.get_json()["product"]

    def bank_details(self, token, **fields):
        """Give a merchant bank details, so buyers may pay them by transfer."""
        body = {
            "bank_name": "招商银行 杭州分行",
            "bank_account_name": "西湖茶社有限公司",
            "bank_account_number": "6225 8801 2345 6789",
            **fields,
        }
        resp = self.call("PUT", "/api/v1/merchant/settings", token=token, json=body)
        assert resp.status_code == 200, resp.get_json()
        return resp.get_json()["settings"]


@pytest.fixture
def api(client):
    return Api(client)


def image_bytes(fmt="PNG", size=(64, 48), color=(200, 30, 60), **save):
    buf = io.BytesIO()
    mode = "RGBA" if fmt == "PNG" and save.pop("alpha", False) else "RGB"
    PILImage.new(mode, size, color).save(buf, fmt, **save)
    return buf.getvalue()


@pytest.fixture
def png():
    return image_bytes()


# --- Browser journeys: a real server process and Debian's Chromium via Playwright ---

ARTIFACTS = Path(__file__).with_name("artifacts")


def _chromium_path():
    return shutil.which("chromium") or (
        "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None
    )


def _browser_required():
    return bool(os.environ.get("CI") or os.environ.get("LIVESTALL_REQUIRE_BROWSER"))


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """`python app.py` in its own process, on a free port, with its own data dir."""

    def __init__(self, data_dir, async_mode="gevent", extra_env=None):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.data_dir = data_dir
        env = {
            **os.environ,
            "LIVESTALL_DATA_DIR": str(data_dir),
            "LIVESTALL_ENV": "development",
            "LIVESTALL_PASSWORD_HASH_METHOD": FAST_HASH,
            "LIVESTALL_ASYNC_MODE": async_mode,
            **(extra_env or {}),
        }
        self.log = open(data_dir / "server.log", "w+b")  # noqa: SIM115
        root = Path(__file__).resolve().parent.parent
        self.proc = subprocess.Popen(
            [sys.executable, "app.py", "--host", "127.0.0.1", "--port", str(self.port)],
            cwd=root,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.output()}")
            try:
                urllib.request.urlopen(self.url + "/", timeout=1).read()
                return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"server did not start: {self.output()}")

    def output(self, limit=4000):
        self.log.flush()
        self.log.seek(0)
        return self.log.read().decode(errors="replace")[-limit:]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.log.close()


@pytest.fixture
def live_server(tmp_path, request):
    data = tmp_path / "live"
    data.mkdir()
    server = LiveServer(data)
    request.node.live_servers = [*getattr(request.node, "live_servers", []), server]
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    chromium = _chromium_path()
    if not chromium:
        message = "Debian's chromium is not installed (make chromium installs it)"
        if _browser_required():
            pytest.fail(message + "; browser tests are required here")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


_DESCRIBE_PAGE = """() => Array.from(
  document.querySelectorAll('.flash, .error, .has-error, [role=alert], .alert')
).map(e => e.textContent.trim().replace(/\\s+/g, ' ')).filter(Boolean).slice(0, 8)"""


def _describe_failure(item):
    """What a failed journey's pages and server showed: a screenshot of each page
    into its artifacts, and a few lines for the report (CI logs keep only a tail)."""
    from playwright.sync_api import Error as PlaywrightError

    lines = []
    shot_dir = ARTIFACTS / item.name.replace("[", "-").replace("]", "")
    for n, page in enumerate(getattr(item, "open_pages", []), 1):
        try:
            if page.is_closed():
                continue
            shot_dir.mkdir(parents=True, exist_ok=True)
            page.set_default_timeout(5000)  # a hung page must not hang the report
            shot = shot_dir / f"failed-page{n}.png"
            page.screenshot(path=str(shot), full_page=True, timeout=5000)
            notes = page.evaluate(_DESCRIBE_PAGE)
            lines.append(f"page {n}: {page.url} | {page.title()} | {notes}")
        except PlaywrightError as e:  # a crashed page leaves the others to describe
            lines.append(f"page {n}: not described ({type(e).__name__}: {e})")
        if page.errors or page.bad_responses:
            lines.append(f"  errors {page.errors[-5:]} bad {page.bad_responses[-5:]}")
    for server in getattr(item, "live_servers", []):
        if not server.log.closed:
            kept = [
                line
                for line in server.output(60000).splitlines()
                if "GET /static/" not in line and "/socket.io/" not in line
            ]
            tail = "\n".join(kept[-25:])
            lines.append(f"server {server.url} log, static files left out:\n{tail}")
    return "\n".join(lines)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed and hasattr(item, "open_pages"):
        report.sections.append(("pages at failure", _describe_failure(item)))


class Shots:
    """Screenshots of a journey into tests/artifacts/<journey>/NN-step.png."""

    def __init__(self, name):
        self.dir = ARTIFACTS / name
        self.dir.mkdir(parents=True, exist_ok=True)
        self.n = 0

    def __call__(self, page, step):
        self.n += 1
        page.screenshot(path=str(self.dir / f"{self.n:02d}-{step}.png"), full_page=True)


@pytest.fixture
def shots(request):
    return Shots(request.node.name.replace("[", "-").replace("]", ""))


@pytest.fixture
def new_page(browser, request):
    """Open pages in fresh browser contexts; fail on console errors (CSP included)."""
    contexts = []
    request.node.open_pages = pages = []

    def make(locale="en-US", viewport=None):
        context = browser.new_context(
            locale=locale, viewport=viewport or {"width": 1280, "height": 900}
        )
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.bad_responses = []  # (status, url): the console's 404s name no URL
        page.on("pageerror", lambda exc: page.errors.append(str(exc)))
        page.on(
            "response",
            lambda r: (
                page.bad_responses.append((r.status, r.url))
                if r.status >= 400
                else None
            ),
        )
        page.on(
            "console",
            lambda msg: page.errors.append(msg.text) if msg.type == "error" else None,
        )
        pages.append(page)
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(autouse=True)
def _fresh_live_state():
    """The live rooms keep per-process state in module globals (presence, chat
    buckets, cached sale rooms, grabs in flight): every test starts without any,
    since ids repeat from one test database to the next."""
    from blueprints.live import events, flash_events

    def reset():
        for name in ("conns", "rooms", "dirty", "likes"):
            state = getattr(events.presence, name, None)
            if state is not None:
                state.clear()
        events._buckets.clear()
        flash_events._sales.clear()
        flash_events._in_flight.clear()
        flash_events._dirty.clear()

    reset()
    yield
    reset()
