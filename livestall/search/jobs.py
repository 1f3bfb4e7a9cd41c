"""Search jobs: the queue of index writes that failed, and the full rebuild.

A failed index write (disk full, lock timeout, a bug) never touches the database
change: its (kind, id) pairs are recorded in the `search_job` table
(`search.models.SearchJob`, one row per object however often it failed) and
`writer` retries them with its next index write. `flask --app app reindex` calls
`rebuild()`, which reads everything from the database again; `ensure_index()` builds
a missing index at start-up.

A rebuild adds every document in one writer per index and commits with `CLEAR`, so
searches see the old index until the new one is complete. DESIGN.md's scale-out
choice (issue 10) is one index per node: every node rebuilds its own from the shared
database (run `flask reindex` from cron on every node).
"""

import logging
import os

from whoosh import writing

from livestall.accounts.models import User
from livestall.catalog import availability
from livestall.catalog.models import Product
from livestall.content.models import Post
from livestall.search.documents import (
    SCHEMAS,
    creator_doc,
    creators_query,
    post_doc,
    post_titles,
    posts_query,
    product_doc,
    products_query,
)
from livestall.search.models import SearchJob
from livestall.search.store import (
    WRITE_TIMEOUT_S,
    index_exists,
    is_configured,
    open_index,
    state,
)

log = logging.getLogger(__name__)
PARALLEL_FROM = 5000  # documents from which a rebuild analyses on several cores


# --- the retry queue ------------------------------------------------------------------


def pending_jobs(limit=500):
    """{(kind, object id): job id} of the oldest failed index writes."""
    try:
        return {
            (j.kind, j.object_id): j.id
            for j in SearchJob.select().order_by(SearchJob.id).limit(limit)
        }
    except Exception:  # the table may be unreachable too; the write still goes ahead
        log.exception("search: could not read pending index jobs")
        return {}


def record_failure(jobs, error):
    """Keep (kind, id) `jobs` for a later retry, with the error that stopped them."""
    message = f"{type(error).__name__}: {error}"[:200]
    try:
        for kind, object_id in jobs:
            SearchJob.insert(kind=kind, object_id=object_id, error=message).on_conflict(
                conflict_target=[SearchJob.kind, SearchJob.object_id],
                update={
                    SearchJob.attempts: SearchJob.attempts + 1,
                    SearchJob.error: message,
                },
            ).execute()
    except Exception:
        log.exception("search: could not record %d failed index jobs", len(jobs))


def clear_jobs(job_ids):
    """Forget the jobs that have now been indexed."""
    try:
        SearchJob.delete().where(SearchJob.id.in_(list(job_ids))).execute()
    except Exception:  # harmless: they are indexed again next time
        log.exception("search: could not clear pending index jobs")


def pending_count():
    return SearchJob.select().count()


# --- the rebuild ----------------------------------------------------------------------


def plan():
    """The number of `progress(1)` steps `rebuild()` reports."""
    return (
        products_query().where(availability.for_sale()).count()
        + Post.select().where(Post.status == "published").count()
        + creators_query().count()
    )


def rebuild(progress=None, chunk=500, procs=None):
    """Rebuild every index from the database; return {index: documents}.

    Each index is filled by one writer and committed with CLEAR, so searches keep
    the old index until the new one is complete. Pending jobs older than the
    rebuild are dropped (the rebuild read their rows).
    """
    if not is_configured():
        raise RuntimeError("the search index is not configured")
    progress = progress or (lambda n: None)
    last_job = SearchJob.select(SearchJob.id).order_by(SearchJob.id.desc()).first()
    counts = {}

    def fill(name, docs, size):
        # Analysis (jieba) is the slow part: large indexes are built by
        # `procs` processes (measured: 630 -> 1,190 docs/s on two cores).
        n_procs = procs or (min(2, os.cpu_count() or 1) if size > PARALLEL_FROM else 1)
        with state.write_lock:
            writer = open_index(name).writer(
                timeout=WRITE_TIMEOUT_S * 12,
                limitmb=128,
                procs=n_procs,
                multisegment=n_procs > 1,
            )
            n = 0
            try:
                for doc in docs:
                    writer.add_document(**doc)
                    n += 1
                    progress(1)
            except BaseException:
                writer.cancel()
                raise
            writer.commit(mergetype=writing.CLEAR)
        counts[name] = n

    def products():
        query = (
            products_query()
            .where(availability.for_sale())
            .order_by(Product.id)
            .iterator()
        )
        for p in query:
            yield product_doc(p)

    def posts():
        ids = [p.id for p in Post.select(Post.id).where(Post.status == "published")]
        for start in range(0, len(ids), chunk):
            part = ids[start : start + chunk]
            titles = post_titles(part)
            for p in posts_query().where(Post.id.in_(part)).order_by(Post.id):
                yield post_doc(p, titles[p.id])

    def creators():
        for u in creators_query().order_by(User.id):
            yield creator_doc(u)

    fill("products", products(), Product.select().count())
    fill("posts", posts(), Post.select().count())
    fill("creators", creators(), 0)
    if last_job is not None:
        SearchJob.delete().where(SearchJob.id <= last_job.id).execute()
    return counts


def ensure_index(small=5000):
    """Create a missing index: rebuilt at once for a small database, else left empty
    with a warning to run `flask reindex`. Return True if it had to be created."""
    if not is_configured() or index_exists():
        return False
    documents = plan()
    if not documents:
        return False  # created on the first write or search
    if documents <= small:
        rebuild()
    else:
        for name in SCHEMAS:
            open_index(name)
        log.warning("search index created empty: run `flask --app app reindex`")
    return True
