"""What admins read: the queue of reported targets (oldest first, one item per
target with how many reported it and why), a target's file, and people's own
reports and decisions."""

from peewee import fn

from livestall.accounts.models import User
from livestall.db.base import isoformat
from livestall.errors import Invalid
from livestall.moderation import targets
from livestall.moderation.models import Decision, Report

STATUSES = ("open", "appealed", "closed")


def _person(user_id, names):
    user = names.get(user_id)
    return user and {
        "id": user.id,
        "username": user.username,
        "display_name": user.name,
    }


def _users(ids):
    ids = [i for i in set(ids) if i]
    return {u.id: u for u in User.select().where(User.id.in_(ids))} if ids else {}


def _target(kind, target_id):
    row = targets.find(kind, target_id)
    return (
        targets.summary(kind, row)
        if row is not None
        else {
            "kind": kind,
            "id": target_id,
            "text": "",
            "url": None,
            "status": "deleted",
            "owner": None,
        }
    )


def _reasons(groups):
    """{(kind, target id): {reason: count}} of the open reports of `groups`."""
    found = {key: {} for key in groups}
    if not groups:
        return found
    clause = None
    for kind, target_id in groups:
        one = (Report.kind == kind) & (Report.target_id == target_id)
        clause = one if clause is None else clause | one
    rows = (
        Report.select(Report.kind, Report.target_id, Report.reason, fn.COUNT(Report.id))
        .where((Report.status == "open") & clause)
        .group_by(Report.kind, Report.target_id, Report.reason)
        .tuples()
    )
    for kind, target_id, reason, count in rows:
        found[(kind, target_id)][reason] = count
    return found


def open_items(page=1, per_page=20):
    """Open reports grouped by target, the longest waiting first; (items, total)."""
    first = fn.MIN(Report.created_at)
    query = (
        Report.select(
            Report.kind,
            Report.target_id,
            fn.COUNT(Report.id).alias("n"),
            first.alias("first_at"),
            fn.MIN(Report.id).alias("report_id"),
        )
        .where(Report.status == "open")
        .group_by(Report.kind, Report.target_id)
    )
    total = query.count()
    rows = list(
        query.order_by(first, fn.MIN(Report.id)).paginate(page, per_page).dicts()
    )
    reasons = _reasons([(r["kind"], r["target_id"]) for r in rows])
    items = [
        {
            "report_id": r["report_id"],
            "kind": r["kind"],
            "target_id": r["target_id"],
            "count": r["n"],
            "reasons": reasons[(r["kind"], r["target_id"])],
            "first_reported_at": isoformat(r["first_at"]),
            "target": _target(r["kind"], r["target_id"]),
            "appeal": None,
        }
        for r in rows
    ]
    return items, total


def _reports_of(decision_ids):
    """{decision id: (its first report's id, how many reports)}: one query."""
    if not decision_ids:
        return {}
    rows = (
        Report.select(Report.decision, fn.MIN(Report.id), fn.COUNT(Report.id))
        .where(Report.decision.in_(decision_ids))
        .group_by(Report.decision)
        .tuples()
    )
    return {decision_id: (first, n) for decision_id, first, n in rows}


def decision_dict(decision, names=None):
    names = names if names is not None else _users([decision.owner_id])
    return {
        "id": decision.id,
        "kind": decision.kind,
        "target_id": decision.target_id,
        "action": decision.action,
        "note": decision.note,
        "admin": {"id": decision.admin_id, "username": decision.admin_name},
        "decided_at": isoformat(decision.decided_at),
        "owner": _person(decision.owner_id, names),
        "appeal": None
        if decision.appeal_status == "none"
        else {
            "status": decision.appeal_status,
            "text": decision.appeal_text,
            "appealed_at": isoformat(decision.appealed_at),
            "note": decision.appeal_note,
            "decided_at": isoformat(decision.appeal_decided_at),
        },
    }


def _decisions(query, page, per_page, order):
    total = query.count()
    found = list(query.order_by(*order).paginate(page, per_page))
    names = _users([d.owner_id for d in found])
    reports = _reports_of([d.id for d in found])
    items = []
    for d in found:
        item = decision_dict(d, names)
        first, count = reports.get(d.id, (None, 0))
        items.append(
            {
                "report_id": first,
                "kind": d.kind,
                "target_id": d.target_id,
                "count": count,
                "reasons": {},
                "first_reported_at": None,
                "target": _target(d.kind, d.target_id),
                "decision": item,
                "appeal": item["appeal"],
            }
        )
    return items, total


def queue(status="open", page=1, per_page=20):
    """The admins' queue: `open` reports, `appealed` decisions waiting for a
    second admin (oldest appeal first), or `closed` ones (newest first)."""
    if status not in STATUSES:
        raise Invalid(
            "status must be one of %(statuses)s.",
            statuses=", ".join(STATUSES),
            field="status",
        )
    if status == "open":
        return open_items(page, per_page)
    if status == "appealed":
        query = Decision.select().where(Decision.appeal_status == "open")
        return _decisions(query, page, per_page, (Decision.appealed_at, Decision.id))
    return _decisions(Decision.select(), page, per_page, (Decision.id.desc(),))


def report_dict(report, names):
    return {
        "id": report.id,
        "kind": report.kind,
        "target_id": report.target_id,
        "reason": report.reason,
        "text": report.text,
        "status": report.status,
        "reporter": _person(report.reporter_id, names),
        "created_at": isoformat(report.created_at),
        "decision_id": report.decision_id,
    }


def file_of(report):
    """A target's file: the target in context, every report on it, its decisions."""
    row = targets.find(report.kind, report.target_id)
    reports = list(
        Report.select()
        .where((Report.kind == report.kind) & (Report.target_id == report.target_id))
        .order_by(Report.id)
    )
    decisions = list(
        Decision.select()
        .where(
            (Decision.kind == report.kind) & (Decision.target_id == report.target_id)
        )
        .order_by(Decision.id)
    )
    names = _users([r.reporter_id for r in reports] + [d.owner_id for d in decisions])
    return {
        "report_id": report.id,
        "target": targets.context(report.kind, row) if row is not None else None,
        "reports": [report_dict(r, names) for r in reports],
        "decisions": [decision_dict(d, names) for d in decisions],
        "open": any(r.status == "open" for r in reports),
        "appeal_open": any(d.appeal_status == "open" for d in decisions),
    }


def mine(user, page=1, per_page=20):
    """A person's own reports, newest first; (items, total)."""
    query = Report.select().where(Report.reporter == user.id)
    total = query.count()
    found = list(query.order_by(Report.id.desc()).paginate(page, per_page))
    names = {user.id: user}
    return [report_dict(r, names) for r in found], total


def against(user, page=1, per_page=20):
    """The decisions that acted on a person's content, newest first."""
    query = Decision.select().where(
        (Decision.owner_id == user.id) & (Decision.action != "dismiss")
    )
    total = query.count()
    found = list(query.order_by(Decision.id.desc()).paginate(page, per_page))
    names = {user.id: user}
    return [decision_dict(d, names) for d in found], total
