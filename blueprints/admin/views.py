"""Admin pages: user management (roles, suspension) and the audit log."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from blueprints.common import (
    page_arg,
    page_count,
    role_required,
    translate,
)
from livestall.accounts import admin
from livestall.accounts.models import ROLES, User
from livestall.errors import DomainError
from livestall.platform import audit

bp = Blueprint("admin", __name__, url_prefix="/admin")
PER_PAGE = 50
ACTIONS = {
    "user.roles": _l("Changed roles"),
    "user.suspend": _l("Suspended the account"),
    "user.reinstate": _l("Reinstated the account"),
    "order.move": _l("Moved the order"),
    "post.delete": _l("Deleted the post"),
    "comment.delete": _l("Deleted the comment"),
    "leader.approve": _l("Approved the pickup point"),
    "leader.reject": _l("Rejected the leader application"),
    "leader.disable": _l("Disabled the pickup point"),
}
TARGETS = {
    "user": _l("User"),
    "order": _l("Order"),
    "post": _l("Post"),
    "comment": _l("Comment"),
    "live": _l("Live room"),
    "leader": _l("Community leader"),
}
KINDS = {
    "user": _l("Users"),
    "order": _l("Orders"),
    "post": _l("Posts"),
    "comment": _l("Comments"),
    "live": _l("Live rooms"),
    "leader": _l("Community leaders"),
}


@bp.before_request
@role_required("admin")
def _admins_only():
    """Every page here is for admins."""


@bp.route("/users")
def users():
    page = page_arg()
    q = (request.args.get("q") or "").strip().lower()[:60]
    query = User.select().order_by(User.id.desc())
    if q:
        query = query.where(User.username.contains(q) | User.email.contains(q))
    total = query.count()
    return render_template(
        "admin/users.html",
        users=list(query.paginate(page, PER_PAGE)),
        roles=ROLES,
        q=q,
        page=page,
        pages=page_count(total, PER_PAGE),
    )


@bp.route("/users/<int:user_id>", methods=["POST"])
def update_user(user_id):
    user = User.get_or_none(User.id == user_id)
    if user is None:
        return redirect(url_for("admin.users"))
    try:
        admin.update_user(
            current_user,
            user,
            request.form.getlist("roles"),
            request.form.get("status", "active"),
        )
    except DomainError as e:
        flash(translate(e), "error")
    else:
        flash(gettext("Saved %(name)s.", name=user.username), "success")
    return redirect(url_for("admin.users"))


@bp.route("/audit")
def audit_log():
    """Every action an admin took by admin right, newest first."""
    page = page_arg()
    kind = request.args.get("kind", "")
    if kind not in audit.TARGET_KINDS:
        kind = ""
    rows, total = audit.entries(page, PER_PAGE, target_kind=kind or None)
    return render_template(
        "admin/audit.html",
        entries=[audit.entry_dict(row) for row in rows],
        kinds=KINDS,
        targets=TARGETS,
        actions=ACTIONS,
        kind=kind,
        page=page,
        pages=page_count(total, PER_PAGE),
    )
