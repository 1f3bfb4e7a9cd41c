"""The admin audit log: every action an admin takes by their admin right.

An admin may change anyone's roles, suspend accounts, move others' orders, delete
others' posts and comments, run others' live rooms and approve, reject or disable
community leaders. Each such action leaves one row here, in the same transaction
as the change where there is one: who, when, what, on which object, and what
changed. Rows are never changed or deleted (`AuditEntry` refuses it). An admin
acting on what is their own (their post, their order, their live) is a user like
any other and is not logged here.

`admin_acting(user, *owner_ids)` says whether an action is by admin right;
`record` writes the row. Readers: the admin page `/admin/audit` (filters, and a
CSV download from `csv_rows`) and `GET /api/v1/admin/audit`; `clean_filters`
checks what they ask for.
"""

import datetime
import json
import re

from peewee import fn

from livestall.db.base import isoformat
from livestall.errors import Invalid
from livestall.platform.models import AuditEntry

PER_PAGE_MAX = 100
# What an action is on. Moderation (reports) acts on a post, comment, chat
# message, product, user or live, and on the report itself.
TARGET_KINDS = (
    "user",
    "order",
    "post",
    "comment",
    "live",
    "leader",
    "product",
    "chat",
    "report",
)
# An action is "<group>.<verb>" (`user.suspend`, `live.end`, `report.dismiss`);
# every group is a target kind. A filter names one action or a whole group
# ("report.").
ACTION_RE = re.compile(r"^([a-z]+)\.([a-z_]{0,30})$")
DAY_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TARGET_ID_MAX = 2**63 - 1
EXPORT_BATCH = 500
# the filters' names in a query string (the page, its CSV and the API) -> the
# keywords of `clean_filters`
QUERY_FILTERS = {
    "kind": "target_kind",
    "action": "action",
    "actor": "actor",
    "target_id": "target_id",
    "since": "since",
    "until": "until",
}
CSV_HEADER = (
    "id",
    "created_at",
    "actor_id",
    "actor_name",
    "action",
    "target_kind",
    "target_id",
    "reason",
    "detail",
)


def admin_acting(user, *owner_ids):
    """True when `user` is an admin acting on something none of `owner_ids` is
    theirs (the only right they act by is the admin one)."""
    return bool(
        user is not None and user.id not in owner_ids and user.has_role("admin")
    )


def record(actor, action, target_kind, target_id=None, **detail):
    """Append one entry; `detail` is JSON-able (what changed)."""
    return AuditEntry.create(
        actor_id=actor.id if actor is not None else None,
        actor_name=actor.username if actor is not None else "",
        action=action,
        target_kind=target_kind,
        target_id=target_id,
        detail=json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str),
    )


def record_if_admin(user, owner_ids, action, target_kind, target_id=None, **detail):
    """`record` when `user` acts by admin right on an object of `owner_ids`."""
    if admin_acting(user, *owner_ids):
        return record(user, action, target_kind, target_id, **detail)
    return None


def _day(value, name):
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        if not DAY_RE.match(value):
            raise ValueError(value)
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise Invalid(
            "%(name)s must be a date written YYYY-MM-DD.",
            code="invalid_date",
            field=name,
            name=name,
        ) from None


def clean_filters(
    target_kind=None,
    action=None,
    actor=None,
    actor_id=None,
    target_id=None,
    since=None,
    until=None,
):
    """The filters checked, as keywords for `entries` and `csv_rows` (empty ones
    left out); Invalid names the first that is wrong. Values may be the text of a
    query string: `since` and `until` are days (YYYY-MM-DD, UTC, both included),
    `actor` an admin's username as it was when they acted, `action` a whole
    action (`user.suspend`) or a group of them (`report.`)."""
    found = {}
    if target_kind:
        if target_kind not in TARGET_KINDS:
            raise Invalid(
                "Unknown kind: %(kind)s.",
                code="invalid_kind",
                field="kind",
                kind=str(target_kind)[:40],
            )
        found["target_kind"] = target_kind
    if action:
        match = ACTION_RE.match(str(action))
        if match is None or match.group(1) not in TARGET_KINDS:
            raise Invalid(
                "Unknown action: %(action)s.",
                code="invalid_action",
                field="action",
                action=str(action)[:60],
            )
        found["action"] = action
    if actor:
        found["actor"] = str(actor).strip().lstrip("@").lower()
    for name, value in (("actor_id", actor_id), ("target_id", target_id)):
        if value is None or value == "":
            continue
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = 0
        if isinstance(value, bool) or not 1 <= number <= TARGET_ID_MAX:
            raise Invalid("%(name)s must be a whole number.", field=name, name=name)
        found[name] = number
    since, until = _day(since, "since"), _day(until, "until")
    if since and until and since > until:
        raise Invalid(
            "The first day comes after the last.", code="invalid_date", field="since"
        )
    if since:
        found["since"] = since
    if until:
        found["until"] = until
    return found


def filters_from(args):
    """`clean_filters` of a query string's text (`args`: a mapping, names as in
    QUERY_FILTERS; blank ones are left out)."""
    return clean_filters(
        **{
            keyword: str(args.get(name)).strip()
            for name, keyword in QUERY_FILTERS.items()
            if str(args.get(name) or "").strip()
        }
    )


def _query(filters):
    filters = clean_filters(**filters)
    query = AuditEntry.select()
    if "target_kind" in filters:
        query = query.where(AuditEntry.target_kind == filters["target_kind"])
    action = filters.get("action")
    if action and action.endswith("."):
        query = query.where(fn.SUBSTR(AuditEntry.action, 1, len(action)) == action)
    elif action:
        query = query.where(AuditEntry.action == action)
    if "actor" in filters:
        query = query.where(AuditEntry.actor_name == filters["actor"])
    if "actor_id" in filters:
        query = query.where(AuditEntry.actor_id == filters["actor_id"])
    if "target_id" in filters:
        query = query.where(AuditEntry.target_id == filters["target_id"])
    if "since" in filters:
        start = datetime.datetime.combine(filters["since"], datetime.time.min)
        query = query.where(AuditEntry.created_at >= start)
    if "until" in filters:
        end = datetime.datetime.combine(filters["until"], datetime.time.max)
        query = query.where(AuditEntry.created_at <= end)
    return query


def entries(page=1, per_page=50, **filters):
    """Entries newest first that pass `filters` (see `clean_filters`), and how
    many pass."""
    query = _query(filters)
    per_page = max(1, min(per_page, PER_PAGE_MAX))
    rows = list(query.order_by(AuditEntry.id.desc()).paginate(page, per_page))
    return rows, query.count()


def csv_rows(filters=None):
    """The entries passing `filters` as CSV rows, the header first, newest
    first; read `EXPORT_BATCH` at a time, so a long log is never in memory whole.
    Plain values: the caller makes every cell safe for a spreadsheet."""
    query = _query(filters or {})  # checked before the first row
    return _export(query)


def _export(query):
    yield list(CSV_HEADER)
    before = None
    while True:
        batch = query if before is None else query.where(AuditEntry.id < before)
        found = list(batch.order_by(AuditEntry.id.desc()).limit(EXPORT_BATCH))
        for entry in found:
            detail = json.loads(entry.detail or "{}")
            yield [
                entry.id,
                isoformat(entry.created_at),
                "" if entry.actor_id is None else entry.actor_id,
                entry.actor_name,
                entry.action,
                entry.target_kind,
                "" if entry.target_id is None else entry.target_id,
                detail.get("note") or detail.get("reason") or "",
                json.dumps(detail, ensure_ascii=False, sort_keys=True),
            ]
        if len(found) < EXPORT_BATCH:
            return
        before = found[-1].id


def entry_dict(entry):
    return {
        "id": entry.id,
        "created_at": isoformat(entry.created_at),
        "actor": {"id": entry.actor_id, "username": entry.actor_name},
        "action": entry.action,
        "target": {"kind": entry.target_kind, "id": entry.target_id},
        "detail": json.loads(entry.detail or "{}"),
    }
