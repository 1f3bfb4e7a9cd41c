"""The admin audit log: every action an admin takes by their admin right.

An admin may change anyone's roles, suspend accounts, move others' orders, delete
others' posts and comments, run others' live rooms and approve, reject or disable
community leaders. Each such action leaves one row here, in the same transaction
as the change where there is one: who, when, what, on which object, and what
changed. Rows are never changed or deleted (`AuditEntry` refuses it). An admin
acting on what is their own (their post, their order, their live) is a user like
any other and is not logged here.

`admin_acting(user, *owner_ids)` says whether an action is by admin right;
`record` writes the row. Readers: the admin page `/admin/audit`.
"""

import json

from livestall.db.base import isoformat
from livestall.platform.models import AuditEntry

PER_PAGE_MAX = 100
TARGET_KINDS = ("user", "order", "post", "comment", "live", "leader")


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


def entries(page=1, per_page=50, target_kind=None, actor_id=None):
    """Entries newest first, and how many there are."""
    query = AuditEntry.select().order_by(AuditEntry.id.desc())
    if target_kind:
        query = query.where(AuditEntry.target_kind == target_kind)
    if actor_id:
        query = query.where(AuditEntry.actor_id == actor_id)
    per_page = max(1, min(per_page, PER_PAGE_MAX))
    return list(query.paginate(page, per_page)), query.count()


def entry_dict(entry):
    return {
        "id": entry.id,
        "created_at": isoformat(entry.created_at),
        "actor": {"id": entry.actor_id, "username": entry.actor_name},
        "action": entry.action,
        "target": {"kind": entry.target_kind, "id": entry.target_id},
        "detail": json.loads(entry.detail or "{}"),
    }
