"""Browser journeys: `python app.py` in its own process (`LiveServer`, `live_server`),
Debian's Chromium through Playwright (`browser`, `new_page`), screenshots (`shots`),
and what a failed journey's pages and servers showed, in its report."""

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.plugins.app import FAST_HASH
from tests.plugins.parallel import free_port

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"


def _chromium_path():
    return shutil.which("chromium") or (
        "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None
    )


def _browser_required():
    return bool(os.environ.get("CI") or os.environ.get("LIVESTALL_REQUIRE_BROWSER"))


def _listens(pid, port):
    """Whether process `pid` holds the socket listening on 127.0.0.1:`port` (not some
    other program that took the port first). True where /proc cannot tell."""
    try:
        with open("/proc/net/tcp") as table:
            inodes = {
                fields[9]
                for fields in (line.split() for line in list(table)[1:])
                if fields[1] == f"0100007F:{port:04X}" and fields[3] == "0A"
            }
        fds = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return True
    sockets = {f"socket:[{inode}]" for inode in inodes}
    for fd in fds:
        try:
            if os.readlink(f"/proc/{pid}/fd/{fd}") in sockets:
                return True
        except OSError:
            continue
    return False


class LiveServer:
    """`python app.py` in its own process, on a free port, with its own data dir."""

    def __init__(self, data_dir, async_mode="gevent", extra_env=None):
        self.data_dir = data_dir
        self.env = {
            **os.environ,
            "LIVESTALL_DATA_DIR": str(data_dir),
            "LIVESTALL_ENV": "development",
            "LIVESTALL_PASSWORD_HASH_METHOD": FAST_HASH,
            "LIVESTALL_ASYNC_MODE": async_mode,
            **(extra_env or {}),
        }
        self.log = open(data_dir / "server.log", "w+b")  # noqa: SIM115
        # A port is free when chosen, not always when bound (another run on this
        # machine may take it in between): then start again on another one.
        for _attempt in range(3):
            if self._start():
                return
        raise RuntimeError(f"server did not start: {self.output()}")

    def _start(self):
        """Start `python app.py` on a free port: True once it answers there, False
        if the port was taken first."""
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log.seek(0)
        self.log.truncate()
        self.proc = subprocess.Popen(
            [sys.executable, "app.py", "--host", "127.0.0.1", "--port", str(self.port)],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                if "Address already in use" in self.output():
                    return False
                raise RuntimeError(f"server exited: {self.output()}")
            try:
                urllib.request.urlopen(self.url + "/", timeout=1).read()
            except OSError:
                time.sleep(0.1)
                continue
            if _listens(self.proc.pid, self.port):
                return True
            time.sleep(0.1)  # someone else's server: ours will fail to bind
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


SETTLE = """() => Promise.all(document.getAnimations()
  .filter(a => a.effect && a.effect.getComputedTiming().iterations !== Infinity)
  .map(a => a.finished.catch(() => null)))"""


class Shots:
    """Screenshots of a journey into tests/artifacts/<journey>/NN-step.png."""

    def __init__(self, name):
        self.dir = ARTIFACTS / name
        self.dir.mkdir(parents=True, exist_ok=True)
        self.n = 0

    def __call__(self, page, step):
        self.n += 1
        page.evaluate(SETTLE)  # no half-finished slide or fade in the picture
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
