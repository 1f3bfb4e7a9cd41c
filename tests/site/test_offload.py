"""livestall.platform.offload: CPU-heavy work runs in gevent's native threads, not on
the event loop (issue 15, finding 2). gevent must patch a process before anything
else is imported, so each check runs in a Python process of its own, as
`python app.py` does; tests/site/test_loop_stall.py measures the real server."""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from livestall.platform import offload, settings

ROOT = Path(__file__).resolve().parents[2]
PRELUDE = """
from gevent import monkey

monkey.patch_all()

import json, sys, time
import gevent
from livestall.platform import offload, settings

settings.use({"OFFLOAD_CPU": __OFFLOAD__})
native = monkey.get_original("_thread", "get_ident")
real_sleep = monkey.get_original("time", "sleep")


def loop_lag(work):
    '''The longest the loop waited past a 5 ms sleep while `work` ran.'''
    lags, done = [], []

    def tick():
        while not done:
            start = time.perf_counter()
            gevent.sleep(0.005)
            lags.append(time.perf_counter() - start - 0.005)

    ticker = gevent.spawn(tick)
    gevent.sleep(0.02)
    try:
        result = work()
    finally:
        done.append(True)
        ticker.join()
    return max(lags), result
"""


def run_patched(body, offload=True):
    """Run `body` after PRELUDE in a gevent-patched process; return what it printed
    as JSON."""
    script = PRELUDE.replace("__OFFLOAD__", repr(offload)) + textwrap.dedent(body)
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    # an exception raised in a worker is the caller's to handle, not a crash
    assert "Traceback" not in done.stderr, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_results_and_exceptions_come_back_from_another_native_thread():
    got = run_patched(
        """
        from livestall.errors import TooLarge

        def where(x):
            return [native(), x * 2]

        def refuse():
            raise TooLarge("That image has too many pixels.", code="image_too_large")

        thread, doubled = offload.run("image", where, 21)
        try:
            offload.run("image", refuse)
            caught = None
        except TooLarge as e:
            caught = [e.code, e.status]
        print(json.dumps({"other_thread": thread != native(), "value": doubled,
                          "caught": caught}))
        """
    )
    assert got == {
        "other_thread": True,
        "value": 42,
        "caught": ["image_too_large", 413],
    }


def test_each_kind_runs_at_most_its_limit_at_once():
    got = run_patched(
        """
        import threading
        lock = threading.Lock()
        running, peak = [0], [0]

        def job():
            with lock:
                running[0] += 1
                peak[0] = max(peak[0], running[0])
            real_sleep(0.05)
            with lock:
                running[0] -= 1

        jobs = [gevent.spawn(offload.run, "password", job) for _ in range(8)]
        jobs += [gevent.spawn(offload.run, "search", job) for _ in range(3)]
        gevent.joinall(jobs, raise_error=True)
        print(json.dumps({"peak": peak[0]}))
        """
    )
    # 2 password hashes and 1 search at a time, never more (LIMITS)
    assert got["peak"] == offload.LIMITS["password"] + offload.LIMITS["search"]


SCRYPT = """
from livestall.accounts import passwords

def work():
    hashes = [gevent.spawn(passwords.hash_password, "correct horse battery",
                           "scrypt:131072:8:1") for _ in range(2)]
    gevent.joinall(hashes, raise_error=True)
    return passwords.verify_password(hashes[0].value, "correct horse battery")

lag, ok = loop_lag(work)
print(json.dumps({"lag_ms": lag * 1000, "ok": ok}))
"""


@pytest.mark.serial
def test_scrypt_hashes_leave_the_loop_free():
    got = run_patched(SCRYPT)
    assert got["ok"] is True
    # two hashes of 0.4 s each; the loop still wakes within a few milliseconds
    assert got["lag_ms"] < 100, got


def test_without_the_offload_the_same_hashes_stall_the_loop():
    """The control: the same work on the loop holds it for a whole hash."""
    got = run_patched(SCRYPT, offload=False)
    assert got["ok"] is True
    assert got["lag_ms"] > 250, got


def test_run_reading_reads_on_a_connection_of_its_own(tmp_path):
    got = run_patched(
        f"""
        from app import create_app
        from extensions import db
        from livestall.accounts.models import User

        app = create_app({{"TESTING": True, "DATA_DIR": {str(tmp_path)!r},
                          "SECRET_KEY": "x"}})
        settings.use(app.config)
        app.config["OFFLOAD_CPU"] = True

        def count():
            return [id(db.connection()), User.select().count()]

        with db.connection_context():
            User.create(username="ann", email="ann@example.com", password_hash="x")
            mine = id(db.connection())
            theirs, seen = offload.run_reading("report", count)
        print(json.dumps({{"own_connection": theirs != mine, "seen": seen}}))
        """
    )
    assert got == {"own_connection": True, "seen": 1}


def test_without_gevent_the_work_runs_in_the_callers_thread(app):
    """Here (pytest, threading): nothing to offload, nothing changes."""
    import threading

    assert settings.get("OFFLOAD_CPU") is True
    assert not offload.active()
    assert offload.run("search", threading.get_ident) == threading.get_ident()
    with pytest.raises(ZeroDivisionError):
        offload.run("image", lambda: 1 / 0)
    with pytest.raises(ValueError):
        offload.run("no-such-kind", print)


# --- worker processes (livestall/platform/workers.py): images and password hashes ---


def test_a_worker_process_answers_results_and_domain_errors():
    from livestall.errors import TooLarge, UnsupportedMedia
    from livestall.media import images
    from livestall.platform.workers import Worker, run_job
    from tests.plugins.api import image_bytes

    worker = Worker()
    try:
        assert run_job(worker, os.getpid, (), {}) == worker.pid != os.getpid()
        photo = image_bytes("JPEG", size=(900, 600))
        there = run_job(worker, images.process, (photo, 25_000_000, 120), {})
        assert there == images.process(photo, 25_000_000, 120)  # same bytes, same hash
        with pytest.raises(UnsupportedMedia) as refused:
            run_job(worker, images.process, (b"not an image", 25_000_000, 120), {})
        assert refused.value.code == "unsupported_media_type"
        with pytest.raises(TooLarge) as big:
            run_job(worker, images.process, (photo, 1000, 120), {})
        assert (big.value.code, big.value.status, big.value.params) == (
            "image_too_large",
            413,
            {"n": 1000},
        )
        assert big.value.message == "That image has too many pixels (at most 1000)."
    finally:
        worker.close()


def test_a_worker_that_dies_mid_job_is_an_invalid_upload_then_replaced():
    from livestall.errors import Invalid
    from livestall.platform.workers import Workers, run_job

    workers = Workers()
    worker = workers.take()
    try:
        with pytest.raises(Invalid) as died:
            run_job(worker, os._exit, (3,), {})  # the process ends mid-job
        assert died.value.code == "invalid_image"
        assert not worker.alive()
        workers.give_back(worker)  # a dead one is not kept
        assert workers.idle == []
        fresh = workers.take()
        assert fresh.alive() and run_job(fresh, os.getpid, (), {}) == fresh.pid
        workers.give_back(fresh)
        assert workers.idle == [fresh]
    finally:
        workers.close()


def test_a_worker_that_overruns_is_killed():
    from livestall.platform.workers import Worker, WorkerDied

    worker = Worker()
    try:
        with pytest.raises(WorkerDied):
            worker.call("time", "sleep", (30,), {}, timeout=0.5)
        assert not worker.alive()
    finally:
        worker.close()


def test_under_gevent_images_and_hashes_run_in_worker_processes():
    got = run_patched(
        """
        import os
        from livestall.accounts import passwords
        from livestall.media import images
        from livestall.platform import offload as off

        def pid_in_worker():
            return off.run_in_process("image", os.getpid)

        pid = pid_in_worker()
        digest = passwords.hash_password("correct horse battery", "pbkdf2:sha256:1000")
        print(json.dumps({
            "other_process": pid != os.getpid(),
            "verifies": passwords.verify_password(digest, "correct horse battery"),
            "workers": len(off._state.workers.idle),
        }))
        """
    )
    assert got == {"other_process": True, "verifies": True, "workers": 1}
