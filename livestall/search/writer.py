"""Search writer: the only code that opens an index writer (DESIGN.md).

Writes. `changed(kind, *ids)` brings the index in line with the committed rows of
those products, posts or users: the documents are read again from the database, so
the index never holds anything the database does not. The other domains do not call
it: they send their signals (`catalog.product_changed`, `catalog.stock_changed`,
`content.post_changed`, `accounts.user_changed`) and `search.receivers` calls it once
their transaction has committed. A failed index write never touches the database
change: the jobs are recorded (`jobs.record_failure`) and retried with the next
index write. `batch()` groups the changes of a bulk job (the demo seeder) into one
commit.

Processes. Writers are serialised by a threading lock inside a process and by
Whoosh's own index lock file across processes on one node (`writer(timeout=...)`
waits for it; on time-out the job is recorded and retried). Every node keeps its
own index under its DATA_DIR: a change is published to the other processes
(`search_changed`, through Redis when there is one), which re-read the same rows
(`apply_remote`); a node that missed it catches up at its next `flask reindex`.
"""

import contextlib
import contextvars
import logging

from livestall.platform import shared
from livestall.search import jobs as queue
from livestall.search.documents import KINDS, documents_for, expand
from livestall.search.store import WRITE_TIMEOUT_S, is_configured, open_index, state

log = logging.getLogger(__name__)
_batch = contextvars.ContextVar("search_batch", default=None)


def open_writer(name):
    """A writer on index `name`: waits up to WRITE_TIMEOUT_S for another process."""
    return open_index(name).writer(timeout=WRITE_TIMEOUT_S)


def write(docs):
    """Apply {index: (delete ids, add docs)} with one commit per touched index."""
    with state.write_lock:
        for name, (delete, add) in docs.items():
            if not delete and not add:
                continue
            writer = open_writer(name)
            try:
                for doc_id in delete:
                    writer.delete_by_term("id", doc_id)
                for doc in add:
                    writer.add_document(**doc)
            except BaseException:
                writer.cancel()
                raise
            writer.commit()


def apply_jobs(jobs):
    """Index `jobs` plus any pending ones; on failure record them all as pending."""
    pending = queue.pending_jobs()
    everything = set(jobs) | set(pending)
    try:
        write(documents_for(expand(everything)))
    except Exception as e:
        log.exception("search: index write failed; will retry %d jobs", len(jobs))
        queue.record_failure(everything, e)
        return False
    if pending:
        queue.clear_jobs(pending.values())
    return True


def retry_pending():
    """Index the jobs that failed before; return True if none are left."""
    if not is_configured():
        return False
    if not queue.pending_jobs(limit=1):
        return True
    return apply_jobs(set())


def changed(kind, *ids):
    """Bring the index in line with the committed rows of `kind` ("product", "post",
    "user") `ids`, here and in every other process (through Redis, when there is
    one). Never raises: a failure is recorded and retried later."""
    if not is_configured() or not ids:
        return
    jobs = {(kind, int(i)) for i in ids}
    pending = _batch.get()
    if pending is not None:
        pending |= jobs
        return
    apply_jobs(jobs)
    _tell_others(jobs)


def _tell_others(jobs):
    """Other processes keep their own index: send them the changed ids; each
    re-reads those rows from the database, which stays the truth."""
    try:
        shared.publish("search_changed", jobs=sorted([k, i] for k, i in jobs))
    except Exception:  # Redis away: the others catch up at their next reindex
        log.exception("search: could not tell other processes of %d changes", len(jobs))


@shared.on_control("search_changed")
def apply_remote(jobs=()):
    """Index changes another process made (its `search_changed` message)."""
    from extensions import db

    if not is_configured():
        return
    jobs = {(str(k), int(i)) for k, i in jobs if k in KINDS}
    if not jobs:
        return
    with db.connection_context():
        write(documents_for(expand(jobs)))


def product_changed(*ids):
    changed("product", *ids)


def post_changed(*ids):
    changed("post", *ids)


def user_changed(*ids):
    changed("user", *ids)


@contextlib.contextmanager
def batch(apply=True):
    """Collect the changes made inside into one index commit at the end (or drop
    them, `apply=False`, when a rebuild follows). Nested batches join the outer one."""
    if _batch.get() is not None:
        yield
        return
    jobs = set()
    token = _batch.set(jobs)
    try:
        yield
    finally:
        _batch.reset(token)
    if apply and jobs and is_configured():
        apply_jobs(jobs)
        _tell_others(jobs)
