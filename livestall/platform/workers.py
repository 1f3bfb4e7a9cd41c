"""Worker processes for CPU work that holds the GIL.

`offload` moves heavy work into native threads, which frees the event loop while the
work runs in C without the GIL (scrypt, sqlite3). Pillow does not always let go:
its WebP encoder imports the pixels and its resampling sets up with the GIL held,
in spans of ~10 ms, and a loop that wakes up during one waits for it; under a
stream of uploads that was most of a chat message's p99. Image work therefore runs
in processes of its own (`Worker.call`), which share no GIL with the loop at all.

A worker is `python -m livestall.platform.workers`, started on first use with
`os.posix_spawn` (safe from any thread, gevent or not) and kept: it imports
Pillow once, then answers jobs for as long as the server runs. A job is one frame
on its stdin, `(module, function, args, kwargs)` pickled, answered by one frame
`(ok, result or exception)`; domain errors (`Invalid`, `TooLarge`...) come back
with their code, field and parameters. A worker that dies (a decoder crash, the
OOM killer) or takes longer than `TIMEOUT_S` is killed and replaced on the next
job; its job fails with a clear `Invalid`, never a 500.

Password hashing runs here too: scrypt releases the GIL, but two 128 MB hashes
in threads of the server's process still doubled a chat message's p99 against
the same hashes in workers (tests/site/test_loop_stall.py). Workers run at the
lowest CPU priority (`NICE`), so when every core is busy the loop still gets
one as soon as it wakes. Only the frames pass between processes:
the function must be importable by name and its arguments and result picklable.
The caller holds one worker per job (the `offload` gates bound how many run).
"""

import importlib
import os
import pickle
import signal
import struct
import sys
import time
from pathlib import Path

from livestall.errors import Invalid

TIMEOUT_S = 60.0
NICE = 19
_HEADER = struct.Struct("!Q")
_ROOT = str(Path(__file__).resolve().parents[2])  # the directory of `livestall/`


def _original(module, name):
    """The standard library's function even where gevent patched it: `call` runs
    in native threads, where gevent's cooperative versions must not."""
    try:
        from gevent import monkey
    except ImportError:  # pragma: no cover - gevent is a requirement
        return getattr(importlib.import_module(module), name)
    return monkey.get_original(module, name)


_select = _original("select", "select")
_waitpid = _original("os", "waitpid")


class WorkerDied(Exception):
    """The worker process ended or stalled mid-job (it has been killed)."""


def _write_all(fd, data):
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _read_exactly(fd, n, deadline=None):
    chunks, left = [], n
    while left:
        if deadline is not None:
            wait = deadline - time.monotonic()
            if wait <= 0 or not _select([fd], [], [], wait)[0]:
                raise TimeoutError
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _send(fd, obj):
    body = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    _write_all(fd, _HEADER.pack(len(body)) + body)


def _receive(fd, deadline=None):
    (size,) = _HEADER.unpack(_read_exactly(fd, _HEADER.size, deadline))
    return pickle.loads(_read_exactly(fd, size, deadline))  # noqa: S301 - our child


class Worker:
    """One worker process and the two pipes to it."""

    def __init__(self):
        to_child, self._in = os.pipe()  # we write jobs into _in
        self._out, from_child = os.pipe()  # we read answers from _out
        path = os.environ.get("PYTHONPATH")
        env = {**os.environ, "PYTHONPATH": _ROOT + (os.pathsep + path if path else "")}
        self.pid = os.posix_spawn(
            sys.executable,
            [sys.executable, "-m", "livestall.platform.workers"],
            env,
            file_actions=[
                (os.POSIX_SPAWN_DUP2, to_child, 0),
                (os.POSIX_SPAWN_DUP2, from_child, 1),
            ],
        )
        os.close(to_child)
        os.close(from_child)

    def call(self, module, name, args, kwargs, timeout=TIMEOUT_S):
        """(ok, value) of module.name(*args, **kwargs) in the worker; WorkerDied if
        it ended or overran `timeout` (then it is gone)."""
        try:
            _send(self._in, (module, name, args, kwargs))
            return _receive(self._out, time.monotonic() + timeout)
        except (OSError, EOFError, TimeoutError, pickle.UnpicklingError) as exc:
            self.close()
            raise WorkerDied(f"worker {self.pid}: {exc!r}") from None

    def alive(self):
        return self.pid is not None

    def close(self):
        """Stop the process (it is waiting for a job, or stuck in one)."""
        if self.pid is None:
            return
        for fd in (self._in, self._out):
            try:
                os.close(fd)
            except OSError:
                pass
        try:
            os.kill(self.pid, signal.SIGKILL)
            _waitpid(self.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        self.pid = None


class Workers:
    """Idle workers, started on demand and reused. `take` and `give_back` run on one
    thread (the event loop); `Worker.call` runs anywhere."""

    def __init__(self):
        self.idle = []

    def take(self):
        while self.idle:
            worker = self.idle.pop()
            if worker.alive():
                return worker
        return Worker()

    def give_back(self, worker):
        if worker.alive():
            self.idle.append(worker)

    def close(self):
        while self.idle:
            self.idle.pop().close()


def run_job(worker, fn, args, kwargs):
    """Run `fn` (a module-level function) in `worker`: its result, or the exception
    it raised. A worker that died is reported as an unprocessable input."""
    try:
        ok, value = worker.call(fn.__module__, fn.__qualname__, args, kwargs)
    except WorkerDied:
        raise Invalid(
            "That file could not be processed. Try another one.", code="invalid_image"
        ) from None
    if not ok:
        raise value
    return value


def main():
    """The worker's loop: jobs from stdin, answers to stdout (nothing else may
    write there: print() goes to stderr)."""
    answers = os.dup(1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    try:
        os.nice(NICE)
    except OSError:  # pragma: no cover - a sandbox may refuse it
        pass
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, then us
    while True:
        try:
            module, name, args, kwargs = _receive(0)
        except EOFError:  # the server closed the pipe: it is gone
            return
        try:
            fn = getattr(importlib.import_module(module), name)
            fn = getattr(fn, "in_worker", fn)  # offload.offloaded(..., process=True)
            answer = (True, fn(*args, **kwargs))
        except Exception as exc:  # noqa: BLE001 - sent back to be raised there
            answer = (False, exc)
        try:
            _send(answers, answer)
        except (pickle.PicklingError, TypeError, AttributeError) as exc:
            _send(answers, (False, RuntimeError(f"unpicklable answer: {exc!r}")))


if __name__ == "__main__":
    main()
