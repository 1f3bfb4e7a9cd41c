"""Records whose time ran out, and records about to.

A record still buyable (open, or succeeded and not bought) past `expires_at`
becomes `failed` by one guarded UPDATE that only one sweeper wins; its owner can
no longer buy it (checked at use as well: a purchase's own UPDATE compares
`expires_at`). `succeeded_at` keeps whether it had reached the floor.

`warn_expiring` tells an owner once (`warned_at`, a guarded UPDATE) that their
record closes soon: within an hour, or a quarter of its window if that is
shorter. Both run in the maintenance pass and by `flask expire-bargains`;
`expire_records` also lazily before a record is read.
"""

import datetime

from livestall.bargain import signals
from livestall.bargain.models import BargainRecord
from livestall.db.base import on_commit, transaction, utcnow
from livestall.notifications import rules as notifications

BUYABLE = ("open", "succeeded")
WARN_S = 3600


def expire_records(now=None, record_ids=None, limit=500):
    """Close the buyable records past `expires_at`; returns their ids."""
    now = now or utcnow()
    query = BargainRecord.select(BargainRecord.id).where(
        BargainRecord.status.in_(BUYABLE) & (BargainRecord.expires_at <= now)
    )
    if record_ids is not None:
        query = query.where(BargainRecord.id.in_(list(record_ids)))
    # the ids first: writing while the SELECT is still being read would keep its
    # snapshot, and SQLite refuses such a write at once ("database is locked",
    # no busy wait) when another process wrote since
    due = [row.id for row in query.order_by(BargainRecord.expires_at).limit(limit)]
    closed = []
    for record_id in due:
        with transaction():
            won = (
                BargainRecord.update(status="failed", live_key=None, closed_at=now)
                .where(
                    (BargainRecord.id == record_id)
                    & BargainRecord.status.in_(BUYABLE)
                    & (BargainRecord.expires_at <= now)
                )
                .execute()
            )
            if won:
                closed.append(record_id)
                on_commit(
                    signals.record_changed.send,
                    None,
                    record_id=record_id,
                    event="failed",
                    username=None,
                )
    return closed


def _warn_at(record):
    window = (record.expires_at - record.created_at).total_seconds()
    return record.expires_at - datetime.timedelta(seconds=min(WARN_S, window / 4))


def warn_expiring(now=None, limit=500):
    """Tell owners whose records close soon (once each); returns how many."""
    now = now or utcnow()
    soon = (
        BargainRecord.select()
        .where(
            BargainRecord.status.in_(BUYABLE)
            & BargainRecord.warned_at.is_null()
            & (BargainRecord.expires_at > now)
            & (BargainRecord.expires_at <= now + datetime.timedelta(seconds=WARN_S))
        )
        .order_by(BargainRecord.expires_at)
        .limit(limit)
    )
    told = 0
    for record in list(soon):
        if _warn_at(record) > now:
            continue
        with transaction():
            won = (
                BargainRecord.update(warned_at=now)
                .where(
                    (BargainRecord.id == record.id)
                    & BargainRecord.warned_at.is_null()
                    & BargainRecord.status.in_(BUYABLE)
                )
                .execute()
            )
            if won:
                told += 1
                notifications.notify_people(
                    "bargain_expiring",
                    {record.owner_id: None},
                    {
                        "record_id": record.id,
                        "bargain_id": record.bargain_id,
                        "price_cents": record.price_cents,
                        "currency": record.bargain.currency,
                        "helpers": record.helpers,
                        "helpers_needed": record.helpers_needed,
                        "expires_at": record.expires_at.isoformat() + "Z",
                    },
                )
    return told
