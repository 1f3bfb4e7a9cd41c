"""Leaders (团长) and their pickup points.

Any signed-in user applies with a pickup point (name, address, opening hours,
phone); an admin approves, rejects (with a reason) or disables a leader, each
move one guarded UPDATE from the state it was read in, and audited. An edited
application (or an edited point of a rejected leader) goes back to `pending`.
Only approved leaders' points are shown to others and take orders; disabling
hides a point at once.
"""

from peewee import IntegrityError

from livestall.community.models import Leader
from livestall.db.base import isoformat, transaction, utcnow
from livestall.errors import Conflict, Invalid, NotAllowed, NotFound
from livestall.platform import audit

FIELDS = {
    "name": ("point_name", 80),
    "address": ("point_address", 200),
    "hours": ("point_hours", 80),
    "phone": ("point_phone", 30),
}
MOVES = {  # action -> (from states, to state)
    "approve": (("pending",), "approved"),
    "reject": (("pending",), "rejected"),
    "disable": (("approved", "pending"), "disabled"),
}


class LeaderNotApproved(Conflict):
    code = "leader_not_approved"


def _point(data):
    if not isinstance(data, dict):
        raise Invalid("Send the application as a JSON object.")
    point = data.get("pickup_point")
    if not isinstance(point, dict):
        raise Invalid(
            "Give your pickup point: name, address, hours and phone.",
            field="pickup_point",
        )
    out = {}
    for key, (column, longest) in FIELDS.items():
        value = point.get(key)
        value = value.strip() if isinstance(value, str) else ""
        if not value:
            raise Invalid(
                "Give the pickup point's %(what)s.",
                field=f"pickup_point.{key}",
                what=key,
            )
        if len(value) > longest:
            raise Invalid(
                "At most %(n)d characters.", field=f"pickup_point.{key}", n=longest
            )
        out[column] = value
    return out


def apply(user, data, now=None):
    """Apply (or edit one's application): (leader, created). An approved
    leader's edit keeps them approved; a rejected one's goes back to pending; a
    disabled leader cannot apply again (an admin decides)."""
    now = now or utcnow()
    fields = _point(data)
    current = Leader.get_or_none(Leader.user == user.id)
    if current is None:
        try:
            with transaction():
                created = Leader.create(
                    user=user.id, created_at=now, updated_at=now, **fields
                )
            return created, True
        except IntegrityError:  # the same application twice at once
            current = Leader.get(Leader.user == user.id)
    if current.status == "disabled":
        raise NotAllowed("Your pickup point was disabled. Contact the site's admins.")
    status = "approved" if current.status == "approved" else "pending"
    Leader.update(status=status, updated_at=now, **fields).where(
        Leader.id == current.id
    ).execute()
    return Leader.get_by_id(current.id), False


def decide(admin, leader_id, action, reason="", now=None):
    """approve | reject | disable a leader (admins only; audited)."""
    if not admin.has_role("admin"):
        raise NotAllowed("This needs the admin role.")
    if action not in MOVES:
        raise Invalid("Unknown action.", field="action")
    reason = reason.strip() if isinstance(reason, str) else ""
    if action in ("reject", "disable") and not reason:
        raise Invalid("Say why, for the applicant.", field="reason")
    leader = get(leader_id)
    sources, target = MOVES[action]
    moved = (
        Leader.update(
            status=target,
            reason=reason[:500] if target != "approved" else "",
            decided_by=admin.id,
            decided_at=now or utcnow(),
        )
        .where((Leader.id == leader.id) & Leader.status.in_(sources))
        .execute()
    )
    if not moved:
        raise Conflict(
            "This application is %(status)s already: reload to see it.",
            status=leader.status,
        )
    audit.record(admin, f"leader.{action}", "leader", leader.id, reason=reason)
    return Leader.get_by_id(leader.id)


def get(leader_id):
    try:
        leader_id = int(leader_id)
    except (TypeError, ValueError):
        raise NotFound("No such leader.") from None
    found = (
        Leader.get_or_none(Leader.id == leader_id) if 0 < leader_id < 2**53 else None
    )
    if found is None:
        raise NotFound("No such leader.")
    return found


def visible(leader_id, viewer):
    """An approved leader to anyone; any state to the leader and admins."""
    found = get(leader_id)
    if found.status == "approved":
        return found
    if viewer is not None and (viewer.id == found.user_id or viewer.has_role("admin")):
        return found
    raise NotFound("No such leader.")


def approved(leader_id):
    """An approved leader, for an order (LeaderNotApproved otherwise)."""
    found = get(leader_id)
    if found.status != "approved":
        raise LeaderNotApproved("This pickup point is not taking orders.")
    return found


def of_user(user):
    return Leader.get_or_none(Leader.user == user.id) if user is not None else None


def queue(status="pending", limit=100):
    return list(
        Leader.select()
        .where(Leader.status == status)
        .order_by(Leader.updated_at, Leader.id)
        .limit(limit)
    )


def leader_dict(leader, private=False):
    """API.md's `leader`; `private` (the leader and admins) adds the reason."""
    out = {
        "id": leader.id,
        "user": leader.user.username,
        "display_name": leader.user.name,
        "status": leader.status,
        "pickup_point": {
            "name": leader.point_name,
            "address": leader.point_address,
            "hours": leader.point_hours,
            "phone": leader.point_phone,
        },
    }
    if private:
        out["reason"] = leader.reason
        out["decided_at"] = isoformat(leader.decided_at) if leader.decided_at else None
    return out
