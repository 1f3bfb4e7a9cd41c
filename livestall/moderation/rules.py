"""Reports, the admins' decisions on them, and the author's one appeal.

- `report`: anyone signed in flags what they can see (not their own), with a
  reason from `REASONS`; one open report per person per target (a unique key held
  while open), at most `LIVESTALL_REPORTS_PER_HOUR` an hour.
- `resolve`: an admin decides a target's open reports at once: one guarded UPDATE
  closes them all (a second admin deciding the same target gets 409), the decision
  is carried out (`targets.take_down`, a suspension, a live ended), the audit log
  gets the action, and the reporters and the author are told.
- `appeal`: the author contests a decision once; the appeal is decided by a
  different admin, who may reverse it (the content comes back) or uphold it.

The web layer carries the effects to open sockets (`Outcome.effects`).
"""

from collections import namedtuple

from peewee import IntegrityError

from livestall.accounts import admin as accounts_admin
from livestall.accounts.models import User
from livestall.db.base import transaction, utcnow
from livestall.errors import Conflict, Invalid, NotAllowed, NotFound, RateLimited
from livestall.live.sessions import clean_text
from livestall.moderation import targets
from livestall.moderation.models import ACTIONS, KINDS, REASONS, Decision, Report
from livestall.notifications import rules as notifications
from livestall.platform import audit, ratelimit, settings

TEXT_MAX = 500
NOTE_MAX = 1000
REPORTS_PER_HOUR = 20

# what the web layer carries out after the commit: ("chat_removed", session_id, id)
# and ("live_ended", session_id) to open sockets, ("suspended", user_id) by mail
Outcome = namedtuple("Outcome", "decision effects")


class AlreadyReported(Conflict):
    code = "already_reported"


class AlreadyDecided(Conflict):
    code = "already_resolved"


class SameAdmin(Conflict):
    code = "same_admin"


def _kind(kind):
    if kind not in KINDS:
        raise Invalid(
            "kind must be one of %(kinds)s.", kinds=", ".join(KINDS), field="kind"
        )
    return kind


def report(reporter, kind, target_id, reason, text=""):
    """File a report; the new `Report`."""
    _kind(kind)
    if reason not in REASONS:
        raise Invalid(
            "reason must be one of %(reasons)s.",
            reasons=", ".join(REASONS),
            field="reason",
        )
    text = clean_text(text, "text", TEXT_MAX)
    if reason == "other" and not text:
        raise Invalid("Say what is wrong.", field="text")
    row, owner_id = targets.load(kind, target_id, reporter)
    if owner_id == reporter.id:
        raise Invalid("You cannot report your own content.", code="own_content")
    limit = int(settings.get("REPORTS_PER_HOUR", REPORTS_PER_HOUR))
    key = f"report:user:{reporter.id}"
    if ratelimit.count(key, 3600) >= limit:
        raise RateLimited(
            "You have sent many reports. Try again later.",
            retry_after=ratelimit.retry_after(3600),
        )
    try:
        with transaction():
            found = Report.create(
                reporter=reporter.id,
                kind=kind,
                target_id=row.id,
                owner_id=owner_id,
                reason=reason,
                text=text,
                open_key=f"{reporter.id}:{kind}:{row.id}",  # unique while open
            )
    except IntegrityError:
        raise AlreadyReported("You have reported this already; an admin will look.")
    ratelimit.hit(key, 3600)
    return found


def get_report(report_id):
    try:
        report_id = int(report_id)
    except (TypeError, ValueError):
        raise NotFound("No such report.")
    found = (
        Report.get_or_none(Report.id == report_id) if 0 < report_id < 2**53 else None
    )
    if found is None:
        raise NotFound("No such report.")
    return found


def open_appeal(kind, target_id):
    return (
        Decision.select()
        .where(
            (Decision.kind == kind)
            & (Decision.target_id == target_id)
            & (Decision.appeal_status == "open")
        )
        .order_by(Decision.id.desc())
        .first()
    )


def _check_action(action, kind, row, owner_id, admin):
    if action not in ACTIONS:
        raise Invalid(
            "action must be one of %(actions)s.",
            actions=", ".join(ACTIONS),
            field="action",
        )
    if action == "end_live" and (
        kind != "live" or row.status not in ("scheduled", "live")
    ):
        raise Invalid("Only a live that is on or coming can be ended.", field="action")
    if action in ("suspend_author", "take_down") and owner_id == admin.id:
        raise NotAllowed("You cannot act on your own content here.")
    if action == "suspend_author" or (action == "take_down" and kind == "user"):
        owner = User.get_or_none(User.id == owner_id)
        if owner is None or owner.has_role("admin"):
            raise NotAllowed("An admin's account is not suspended from here.")


def resolve(admin, report_id, action, note=""):
    """Decide the target of `report_id` (its open reports, or its open appeal)."""
    found = get_report(report_id)
    note = clean_text(note, "note", NOTE_MAX)
    appealed = open_appeal(found.kind, found.target_id)
    if appealed is not None:
        return _decide_appeal(admin, appealed, action, note)
    if found.status != "open":
        raise AlreadyDecided("These reports were decided already.")
    row = targets.find(found.kind, found.target_id)
    if row is None:  # deleted since: dismissing closes its reports
        owner_id = found.owner_id
        if action != "dismiss":
            raise Invalid(
                "It was deleted since: dismiss its reports to close them.",
                field="action",
            )
    else:
        owner_id = targets.owner_of(found.kind, row)
        _check_action(action, found.kind, row, owner_id, admin)
    effects = []
    now = utcnow()
    with transaction():
        before = None
        if action in ("take_down", "suspend_author") and found.kind != "user":
            before = targets.take_down(found.kind, row)
            effects += _effects(found.kind, row)
        elif action == "end_live":
            before = targets.end_live(row)
            effects.append(("live_ended", row.id))
        decision = Decision.create(
            kind=found.kind,
            target_id=found.target_id,
            owner_id=owner_id,
            action=action,
            note=note,
            admin_id=admin.id,
            admin_name=admin.username,
            decided_at=now,
            before=before or "",
        )
        closed = (
            Report.update(
                status="closed", open_key=None, decision=decision.id, closed_at=now
            )
            .where(
                (Report.kind == found.kind)
                & (Report.target_id == found.target_id)
                & (Report.status == "open")
            )
            .execute()
        )
        if not closed:  # another admin decided first: all of this rolls back
            raise AlreadyDecided("These reports were decided already.")
        audit.record(
            admin,
            f"report.{action}",
            found.kind,
            found.target_id,
            note=note,
            reports=closed,
            owner_id=owner_id,
            before=before,
        )
    if action == "suspend_author" or (action == "take_down" and found.kind == "user"):
        owner = User.get_by_id(owner_id)
        accounts_admin.set_status(admin, owner, "suspended", decision=decision.id)
        effects.append(("suspended", owner_id))  # mailed a link to appeal
    _tell(decision, found.kind, found.target_id)
    return Outcome(decision, effects)


def _effects(kind, row):
    if kind == "chat":
        return [("chat_removed", row.session_id, row.id)]
    if kind == "live":
        return [("live_ended", row.id)]
    return []


def _reporters(decision):
    return sorted(
        {
            uid
            for (uid,) in Report.select(Report.reporter)
            .where(Report.decision == decision.id)
            .tuples()
        }
    )


def _tell(decision, kind, target_id):
    """The reporters learn the outcome; the author learns what was done."""
    data = {
        "decision_id": decision.id,
        "kind": kind,
        "target_id": target_id,
        "action": decision.action,
    }
    reporters = {uid: None for uid in _reporters(decision) if uid != decision.owner_id}
    notifications.notify_people("report_resolved", reporters, data)
    if decision.action != "dismiss" and decision.owner_id:
        notifications.notify_people("content_removed", {decision.owner_id: None}, data)


def appeal(author, decision_id, text):
    """The author contests a decision, once; it goes back to the queue."""
    decision = get_decision(decision_id, author)
    if decision.owner_id != author.id:  # an admin reading it is not its author
        raise NotFound("No such decision.")
    text = clean_text(text, "text", TEXT_MAX)
    if not text:
        raise Invalid("Say why the decision is wrong.", field="text")
    if decision.action == "dismiss":
        raise Conflict("Nothing was done to your content.", code="nothing_to_appeal")
    with transaction():
        moved = (
            Decision.update(
                appeal_status="open", appeal_text=text, appealed_at=utcnow()
            )
            .where((Decision.id == decision.id) & (Decision.appeal_status == "none"))
            .execute()
        )
        if not moved:
            raise Conflict(
                "You have appealed this decision already.", code="already_appealed"
            )
    return Decision.get_by_id(decision.id)


def _decide_appeal(admin, decision, action, note):
    if admin.id == decision.admin_id:
        raise SameAdmin("Another admin decides an appeal of your decision.")
    if action not in ACTIONS:
        raise Invalid(
            "action must be one of %(actions)s.",
            actions=", ".join(ACTIONS),
            field="action",
        )
    reverse = action == "dismiss"
    effects = []
    with transaction():
        moved = (
            Decision.update(
                appeal_status="reversed" if reverse else "upheld",
                appeal_admin_id=admin.id,
                appeal_note=note,
                appeal_decided_at=utcnow(),
            )
            .where((Decision.id == decision.id) & (Decision.appeal_status == "open"))
            .execute()
        )
        if not moved:
            raise AlreadyDecided("This appeal was decided already.")
        if reverse:
            if decision.kind != "user" and decision.before:
                targets.restore(decision.kind, decision.target_id, decision.before)
        audit.record(
            admin,
            "report.restore" if reverse else "report.uphold",
            decision.kind,
            decision.target_id,
            note=note,
            decision=decision.id,
            owner_id=decision.owner_id,
        )
    if reverse and (decision.action == "suspend_author" or decision.kind == "user"):
        owner = User.get_or_none(User.id == decision.owner_id)
        if owner is not None:
            accounts_admin.set_status(admin, owner, "active", decision=decision.id)
    decision = Decision.get_by_id(decision.id)
    notifications.notify_people(
        "appeal_decided",
        {decision.owner_id: None},
        {
            "decision_id": decision.id,
            "kind": decision.kind,
            "target_id": decision.target_id,
            "outcome": decision.appeal_status,
        },
    )
    return Outcome(decision, effects)


def get_decision(decision_id, viewer):
    """A decision for its author (the subject) or an admin; NotFound otherwise."""
    try:
        decision_id = int(decision_id)
    except (TypeError, ValueError):
        raise NotFound("No such decision.")
    found = (
        Decision.get_or_none(Decision.id == decision_id)
        if 0 < decision_id < 2**53
        else None
    )
    if found is None or not (viewer.id == found.owner_id or viewer.has_role("admin")):
        raise NotFound("No such decision.")
    return found


def decision_for(kind, target_id):
    """The latest decision that took the target down (an author's notice)."""
    return (
        Decision.select()
        .where(
            (Decision.kind == kind)
            & (Decision.target_id == target_id)
            & (Decision.action != "dismiss")
        )
        .order_by(Decision.id.desc())
        .first()
    )


def decisions_of(ids):
    ids = [i for i in set(ids) if i]
    return list(Decision.select().where(Decision.id.in_(ids))) if ids else []
