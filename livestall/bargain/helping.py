"""A friend helps cut a record's price.

A help is checked, then applied by one guarded UPDATE that compares the price and
the helper count the cut was computed from: if another help landed in between,
the UPDATE matches no row and the cut is computed again from what is there now
(on PostgreSQL the second UPDATE waits for the first to commit, then finds its
guard false), so two helps at once both apply, never lose one another's cut,
never pass the floor and never exceed `helpers_needed`. The unique (record,
helper) and (record, nth) indexes back this up.

Limits: a helper is signed in, is not the owner, helps a record once, helps at
most BARGAIN_HELPS_PER_DAY records a (UTC) day across the site (that helper's
helps run one at a time: an advisory lock on PostgreSQL, SQLite's one writer),
and an address helps at most BARGAIN_HELPS_PER_IP times per
BARGAIN_HELP_IP_WINDOW_S. A campaign may refuse accounts younger than its
`min_account_age_min`; an account younger than BARGAIN_NEW_ACCOUNT_H when it
helps is marked `new_account` for the merchant to see.
"""

import datetime

from peewee import IntegrityError

from extensions import db
from livestall.accounts import throttling
from livestall.bargain import cuts, records, signals
from livestall.bargain.models import BargainHelp, BargainRecord
from livestall.db.base import is_sqlite, on_commit, transaction, utcnow
from livestall.errors import Conflict, NotAllowed, RateLimited
from livestall.notifications import rules as notifications
from livestall.platform import ratelimit, settings

HELP_LOCK = 4242019  # advisory lock class: one helper's helps, in turn
DEFAULTS = {
    "BARGAIN_HELPS_PER_DAY": 3,
    "BARGAIN_HELPS_PER_IP": 30,
    "BARGAIN_HELP_IP_WINDOW_S": 3600,
    "BARGAIN_NEW_ACCOUNT_H": 24,
}
TRIES = 20


class AlreadyHelped(Conflict):
    code = "already_helped"


class HelpLimit(Conflict):
    code = "help_limit"


class AccountTooNew(NotAllowed):
    code = "account_too_new"


def setting(name):
    return settings.get(name, DEFAULTS[name])


def _day_start(now):
    return datetime.datetime(now.year, now.month, now.day)


def helps_today(helper, now=None):
    now = now or utcnow()
    return (
        BargainHelp.select()
        .where(
            (BargainHelp.helper == helper.id)
            & (BargainHelp.created_at >= _day_start(now))
        )
        .count()
    )


def _check_address(address):
    limit = setting("BARGAIN_HELPS_PER_IP")
    window = setting("BARGAIN_HELP_IP_WINDOW_S")
    if not limit or address is None:
        return
    key = f"bargain-help:{throttling.host_of(address)}"
    if ratelimit.hit(key, window) > limit:
        raise RateLimited(
            "Too many helps from your network. Try again later.",
            retry_after=ratelimit.retry_after(window),
        )


def _check_helper(record, helper, now):
    if record.owner_id == helper.id:
        raise NotAllowed("Share your bargain: your friends cut the price for you.")
    if record.status not in records.BUYABLE or record.expires_at <= now:
        raise records.RecordClosed("This bargain has closed.")
    if record.status != "open":
        raise records.RecordClosed("This bargain already reached its lowest price.")
    age_min = record.bargain.min_account_age_min
    if age_min and helper.created_at > now - datetime.timedelta(minutes=age_min):
        raise AccountTooNew(
            "Accounts newer than %(n)d minutes cannot help with this bargain.",
            n=age_min,
        )
    if (
        BargainHelp.select()
        .where((BargainHelp.record == record.id) & (BargainHelp.helper == helper.id))
        .exists()
    ):
        raise AlreadyHelped("You already helped with this bargain.")
    per_day = setting("BARGAIN_HELPS_PER_DAY")
    if per_day and helps_today(helper, now) >= per_day:
        raise HelpLimit(
            "You can help with %(n)d bargains a day. Come back tomorrow.", n=per_day
        )


def _cut_once(record_id, now, rng):
    """Compute a cut from the record as it is now and apply it by the guarded
    UPDATE; (record as read, cut) if it landed, (record, None) if another help
    came first, (record, 0) if the record closed."""
    record = BargainRecord.get_by_id(record_id)
    if record.status != "open" or record.expires_at <= now:
        return record, 0
    left = record.helpers_needed - record.helpers
    cut = cuts.next_cut(record.price_cents - record.floor_price_cents, left, rng)
    last = left == 1
    changes = {
        BargainRecord.price_cents: BargainRecord.price_cents - cut,
        BargainRecord.helpers: BargainRecord.helpers + 1,
    }
    if last:
        changes[BargainRecord.status] = "succeeded"
        changes[BargainRecord.succeeded_at] = now
    landed = (
        BargainRecord.update(changes)
        .where(
            (BargainRecord.id == record.id)
            & (BargainRecord.status == "open")
            & (BargainRecord.expires_at > now)
            & (BargainRecord.price_cents == record.price_cents)
            & (BargainRecord.helpers == record.helpers)
            & (BargainRecord.helpers < BargainRecord.helpers_needed)
            & (BargainRecord.price_cents - cut >= BargainRecord.floor_price_cents)
        )
        .execute()
    )
    return record, (cut if landed else None)


def help_cut(helper, record_id, address=None, now=None, rng=None):
    """`helper` cuts record `record_id`'s price: (cut_cents, record after)."""
    now = now or utcnow()
    record = records.visible(record_id, helper, now)
    _check_helper(record, helper, now)  # cheap refusals before any write
    _check_address(address)
    new = helper.created_at > now - datetime.timedelta(
        hours=setting("BARGAIN_NEW_ACCOUNT_H")
    )
    try:
        with transaction():
            if not is_sqlite():
                db.execute_sql(
                    "SELECT pg_advisory_xact_lock(%s, %s)", (HELP_LOCK, helper.id)
                )
            _check_helper(BargainRecord.get_by_id(record.id), helper, now)
            for _ in range(TRIES):
                before, cut = _cut_once(record.id, now, rng)
                if cut is not None:
                    break
            else:  # pragma: no cover - 20 helps landing between each read
                raise Conflict("Many friends are helping at once. Try again.")
            if cut == 0:
                raise records.RecordClosed("This bargain has closed.")
            nth = before.helpers + 1
            BargainHelp.create(
                record=record.id,
                helper=helper.id,
                nth=nth,
                cut_cents=cut,
                price_after_cents=before.price_cents - cut,
                new_account=new,
                created_at=now,
            )
            _tell(before, helper, cut, nth)
    except IntegrityError:  # the same helper twice at once (the unique index)
        raise AlreadyHelped("You already helped with this bargain.") from None
    after = BargainRecord.get_by_id(record.id)
    event = "succeeded" if after.status == "succeeded" else "helped"
    on_commit(
        signals.record_changed.send,
        None,
        record_id=after.id,
        event=event,
        username=helper.username,
    )
    return cut, after


def _tell(before, helper, cut, nth):
    """The owner hears of the help, and of the floor when this cut reached it."""
    owner = {before.owner_id: None}
    price = before.price_cents - cut
    data = {
        "record_id": before.id,
        "bargain_id": before.bargain_id,
        "username": helper.username,
        "cut_cents": cut,
        "price_cents": price,
        "currency": before.bargain.currency,
        "helpers": nth,
        "helpers_needed": before.helpers_needed,
    }
    notifications.notify_people("bargain_helped", owner, data, actor_id=helper.id)
    if nth == before.helpers_needed:
        notifications.notify_people("bargain_succeeded", owner, data)
