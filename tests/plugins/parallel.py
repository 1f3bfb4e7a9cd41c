"""Running the suite in parallel (pytest-xdist, `make test` runs `-n 2`).

Every test already works in its own temp data dir, on its own free ports, its own
PostgreSQL databases (named after the worker and its process) and its own Redis key
prefix; this plugin adds what keeps the workers of one run apart:

- `free_port()`: a free port on 127.0.0.1 that no other worker of the run hands out
  (each worker takes its own share of the kernel's ports) and that this worker has
  not handed out before: a port freed for one server is not bound twice.
- the `serial` marker: a test that measures time (event-loop lag, latency under
  load) or loads both cores itself runs with no other test of the run at the same
  time. Its worker takes an exclusive lock, the other workers wait between tests;
  under `--dist loadgroup` all serial tests go to one worker (xdist_group "serial"),
  so they run one after the other and the others wait only once per run of them.
  Without xdist all of this is a no-op.
"""

import contextlib
import fcntl
import os
import socket
from pathlib import Path

import pytest

SERIAL = "serial"


def worker_id():
    """xdist's worker id ("gw0", "gw1", ...), or "main" outside xdist."""
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def worker_index():
    name = os.environ.get("PYTEST_XDIST_WORKER", "")
    return int(name[2:]) if name.startswith("gw") and name[2:].isdigit() else 0


def worker_count():
    try:
        return max(1, int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")))
    except ValueError:
        return 1


_handed_out = set()


def free_port():
    """A port on 127.0.0.1 that is free now, that this worker has not handed out
    before, and that no other worker of this run hands out: the kernel's choice,
    kept if (port // 2) % workers is this worker's index (Linux prefers odd ports
    for bind(0), so not port % workers)."""
    index, count = worker_index(), worker_count()
    for _ in range(2000):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port not in _handed_out and (port // 2) % count == index:
            _handed_out.add(port)
            return port
    raise RuntimeError("no free port for this worker")


class _RunLock:
    """Readers-writer lock shared by the workers of one run (flock on two files in
    the run's base temp dir). Tests hold it shared, serial tests exclusive; the gate
    stops new shared holders while a serial test waits, so it is not starved."""

    def __init__(self, directory):
        directory.mkdir(parents=True, exist_ok=True)
        self.gate = open(directory / "livestall-serial.gate", "a+b")  # noqa: SIM115
        self.main = open(directory / "livestall-serial.lock", "a+b")  # noqa: SIM115
        self.held = None

    def shared(self):
        fcntl.flock(self.gate, fcntl.LOCK_SH)
        try:
            fcntl.flock(self.main, fcntl.LOCK_SH)
        finally:
            fcntl.flock(self.gate, fcntl.LOCK_UN)
        self.held = "shared"

    def exclusive(self):
        fcntl.flock(self.gate, fcntl.LOCK_EX)
        fcntl.flock(self.main, fcntl.LOCK_EX)
        self.held = "exclusive"

    def release(self):
        fcntl.flock(self.main, fcntl.LOCK_UN)
        if self.held == "exclusive":
            fcntl.flock(self.gate, fcntl.LOCK_UN)
        self.held = None

    def close(self):
        with contextlib.suppress(OSError):
            if self.held:
                self.release()
        self.gate.close()
        self.main.close()


_lock = None


def pytest_configure(config):
    global _lock
    config.addinivalue_line(
        "markers",
        f"{SERIAL}: measures time or loads every core itself: runs with no other test "
        "of a parallel run at the same time (tests/plugins/parallel.py)",
    )
    workerinput = getattr(config, "workerinput", None)
    if workerinput is not None and workerinput.get("workercount", 1) > 1:
        # xdist gives each worker <the run's basetemp>/popen-gwN: the parent is
        # the run's own, shared by its workers and no other run
        _lock = _RunLock(Path(config.option.basetemp).parent)


def pytest_unconfigure(config):
    global _lock
    if _lock is not None:
        _lock.close()
        _lock = None


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Serial tests form one xdist group (before xdist reads the groups)."""
    if not config.pluginmanager.hasplugin("xdist"):
        return
    for item in items:
        if item.get_closest_marker(SERIAL) and not item.get_closest_marker(
            "xdist_group"
        ):
            item.add_marker(pytest.mark.xdist_group(SERIAL))


def _serial(item):
    return item is not None and item.get_closest_marker(SERIAL) is not None


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_protocol(item, nextitem):
    """Around the whole test (set-up and teardown too, outside pytest-timeout's
    timer): the run lock, kept by a serial test while the next one is serial."""
    if _lock is None:
        yield
        return
    want = "exclusive" if _serial(item) else "shared"
    if _lock.held != want:
        if _lock.held:
            _lock.release()
        if want == "exclusive":
            _lock.exclusive()
        else:
            _lock.shared()
    try:
        yield
    finally:
        if want == "shared" or not _serial(nextitem):
            _lock.release()
