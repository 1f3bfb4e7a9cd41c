"""CPU-heavy work off the event loop.

Under gevent (`python app.py`) every request, socket and chat message of a process
shares one native thread: a password hash (scrypt, n=2^17: 0.4 s), an image
decode (up to a second) or a search run there stalls all of them. `run(kind, fn,
...)` runs such work in a native thread of a gevent ThreadPool while the calling
greenlet waits without blocking the loop. hashlib.scrypt, Pillow's decoders,
encoders and resampling, and sqlite3 release the GIL while they work, so the loop
runs alongside them; pure-Python work (whoosh) still shares the GIL, but the loop
gets it back every few milliseconds (sys.getswitchinterval) instead of waiting
for the whole job. (A process pool would also free the GIL, at the price of
pickling images and index state across processes; the work here does not need it.)

Each kind of work has its own bound (`LIMITS`): a burst waits in line, as
greenlets holding only their input, instead of running fifty 128 MB scrypt hashes
at once, and one kind cannot take the threads another needs. Exceptions raised in
the thread are raised in the caller. On Linux the threads run at a lower CPU
priority (`WORKER_NICE`): when the cores are busy hashing, the loop, which every
request and socket waits on, still gets one as soon as it wakes.

The work must not use the caller's database connection (peewee keeps one per
greenlet, and a thread has its own): `run` is for pure functions, `run_reading`
gives the function a connection of its own for reads.

`run_in_process` sends the work to a worker process instead (platform.workers):
for work that holds the GIL in spans the loop would wait for (Pillow's encoders)
or that slows the loop's process even without it (scrypt's 128 MB); the image
pipeline and password hashing use it.

Without gevent (the threading server, the CLI, the tests), or with the
`OFFLOAD_CPU` setting off, the work runs in the caller's thread: there, threads
do not stall one another.
"""

import functools
import os
import sys
import threading

from livestall.db.base import db
from livestall.platform import settings

# Concurrent jobs per kind. scrypt and Pillow run in C without the GIL: two at a
# time keep two cores busy (and scrypt's 128 MB each bounded). whoosh and the
# what-if are mostly Python, and the searchers are shared (`search.store`): one
# at a time.
LIMITS = {"password": 2, "image": 2, "search": 1, "report": 1}
WORKER_NICE = 10  # added to a worker thread's niceness (Linux: per thread)


class _State:
    pool = None  # gevent.threadpool.ThreadPool, made on first use
    thread_id = None  # the native thread of the loop that owns the pool
    gates = {}  # kind -> gevent.lock.BoundedSemaphore
    niced = set()  # native ids of the worker threads already made nicer
    workers = None  # platform.workers.Workers: the image processes, made on use


_state = _State()


def _native_thread_id():
    from gevent import monkey

    return monkey.get_original("_thread", "get_ident")()


def active():
    """True when `run` would hand work to a thread: gevent has patched this
    process, the setting is on, and the caller is on the loop's own thread."""
    if not settings.get("OFFLOAD_CPU", True):
        return False
    try:
        from gevent import monkey
    except ImportError:  # pragma: no cover - gevent is a requirement
        return False
    if not monkey.is_module_patched("threading"):
        return False
    if _state.thread_id is None:
        return True  # the first caller makes the pool (on the loop, see _pool)
    return _native_thread_id() == _state.thread_id


def _pool():
    if _state.pool is None:
        from gevent.threadpool import ThreadPool

        _state.thread_id = _native_thread_id()
        _state.pool = ThreadPool(sum(LIMITS.values()))
    return _state.pool


def _gate(kind):
    gate = _state.gates.get(kind)
    if gate is None:
        from gevent.lock import BoundedSemaphore

        gate = _state.gates[kind] = BoundedSemaphore(LIMITS[kind])
    return gate


def run(kind, fn, *args, **kwargs):
    """Return fn(*args, **kwargs), computed off the loop when `active()`.

    `kind` is a key of LIMITS. `fn` must not touch the database (see
    `run_reading`) nor anything the loop's greenlets change meanwhile.
    """
    if kind not in LIMITS:
        raise ValueError(kind)
    if not active():
        return fn(*args, **kwargs)
    pool = _pool()
    with _gate(kind):
        ok, value = pool.apply(_in_worker, (fn, args, kwargs))
    if not ok:
        raise value
    return value


def run_in_process(kind, fn, *args, **kwargs):
    """`run` in a worker process (`platform.workers`) instead of a thread: for
    work that holds the GIL in spans long enough to delay the loop (Pillow's
    encoders). `fn` must be a module-level function; its arguments and result
    are pickled across. Without `active()`, the work runs in the caller."""
    if kind not in LIMITS:
        raise ValueError(kind)
    if not active():
        return getattr(fn, "in_worker", fn)(*args, **kwargs)
    pool = _pool()
    if _state.workers is None:
        from livestall.platform.workers import Workers

        _state.workers = Workers()
    with _gate(kind):
        worker = _state.workers.take()  # on the loop: no lock needed
        try:
            ok, value = pool.apply(
                _in_worker, (_run_job, (worker, fn, args, kwargs), {})
            )
        finally:
            _state.workers.give_back(worker)
    if not ok:
        raise value
    return value


def _run_job(worker, fn, args, kwargs):
    from livestall.platform.workers import run_job

    return run_job(worker, fn, args, kwargs)


def _in_worker(fn, args, kwargs):
    """Run fn in a pool thread, made nicer than the loop the first time; return
    (True, its result) or (False, the exception it raised). An exception left to
    the pool would be printed with its traceback, as if it were a crash: a
    refused image is an answer, not a crash."""
    tid = threading.get_native_id()
    if tid not in _state.niced:
        _state.niced.add(tid)
        if sys.platform == "linux":  # elsewhere PRIO_PROCESS names the process
            try:
                os.setpriority(
                    os.PRIO_PROCESS,
                    tid,
                    os.getpriority(os.PRIO_PROCESS, tid) + WORKER_NICE,
                )
            except OSError:  # pragma: no cover - a sandbox may refuse it
                pass
    try:
        return True, fn(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001 - raised again in the caller
        return False, exc


def run_reading(kind, fn, *args, **kwargs):
    """`run` for a function that reads the database: off the loop, it reads on a
    connection of its own (from the pool, returned afterwards), in autocommit
    mode: only for reads, never inside the caller's transaction."""
    if not active():
        return fn(*args, **kwargs)
    return run(kind, _with_connection, fn, args, kwargs)


def _with_connection(fn, args, kwargs):
    with db.connection_context():
        return fn(*args, **kwargs)


def offloaded(kind, process=False):
    """Decorator: calls of the function run through `run(kind, ...)`, or
    `run_in_process` when `process` (the worker finds the decorated function by
    name and runs the undecorated one, `wrapper.in_worker`)."""

    def decorate(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            if process:
                return run_in_process(kind, wrapper, *args, **kwargs)
            return run(kind, fn, *args, **kwargs)

        wrapper.in_worker = fn  # what a worker process runs for `wrapper`

        return wrapper

    return decorate
