"""What admins do to accounts: roles and suspension, each in the audit log."""

from livestall.accounts import rules, signals
from livestall.accounts.models import User
from livestall.db.base import transaction
from livestall.errors import Invalid, NotAllowed
from livestall.platform import audit

STATUSES = ("active", "suspended")


def update_user(admin, user, roles, status):
    """Set `user`'s roles and status as `admin` chose; log what changed.

    Suspending ends the user's sessions (their sockets close) and takes them out
    of search; their products leave sale (catalog.availability)."""
    if user.id == admin.id:
        raise NotAllowed("You cannot change your own account here.")
    if status not in STATUSES:
        raise Invalid("Unknown status.", field="status")
    before = list(user.roles)
    with transaction():
        rules.set_roles(user, roles)
        after = sorted(set(roles))
        if after != before:
            audit.record(
                admin,
                "user.roles",
                "user",
                user.id,
                username=user.username,
                before=before,
                after=after,
            )
        changed = _set_status(admin, user, status)
    if changed:
        _status_changed(user, status)
    return User.get_by_id(user.id)


def _set_status(admin, user, status, **detail):
    """One guarded UPDATE of the status and its audit entry; whether it moved."""
    changed = (
        User.update(status=status)
        .where((User.id == user.id) & (User.status != status))
        .execute()
    )
    if changed:
        audit.record(
            admin,
            "user.suspend" if status == "suspended" else "user.reinstate",
            "user",
            user.id,
            username=user.username,
            **detail,
        )
    return changed


def _status_changed(user, status):
    signals.user_changed.send(None, user_ids=[user.id])  # search: in or out
    if status == "suspended":
        signals.user_suspended.send(None, user_id=user.id)  # their lives end
    rules.end_sessions(user)


def set_status(admin, user, status, **detail):
    """Suspend or reinstate `user` by `admin` (a moderation decision: `detail`
    says which); logged, sessions ended, lives ended. Whether it changed."""
    if status not in STATUSES:
        raise Invalid("Unknown status.", field="status")
    if user.id == admin.id:
        raise NotAllowed("You cannot change your own account here.")
    with transaction():
        changed = _set_status(admin, user, status, **detail)
    if changed:
        _status_changed(user, status)
    return bool(changed)
