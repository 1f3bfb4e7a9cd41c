"""Admin pages: user management (roles, suspension)."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from blueprints.common import (
    page_arg,
    page_count,
    role_required,
    translate,
)
from livestall.accounts import rules as accounts
from livestall.accounts.models import ROLES, User
from livestall.errors import DomainError
from livestall.search import writer as search_writer

bp = Blueprint("admin", __name__, url_prefix="/admin")
PER_PAGE = 50


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
    if user.id == current_user.id:
        flash(gettext("You cannot change your own account here."), "error")
        return redirect(url_for("admin.users"))
    try:
        accounts.set_roles(user, request.form.getlist("roles"))
        status = request.form.get("status", "active")
        if status not in ("active", "suspended"):
            status = "active"
        if status != user.status:
            User.update(status=status).where(User.id == user.id).execute()
            search_writer.user_changed(user.id)  # a suspended creator leaves search
            accounts.end_sessions(user)
    except DomainError as e:
        flash(translate(e), "error")
    else:
        flash(gettext("Saved %(name)s.", name=user.username), "success")
    return redirect(url_for("admin.users"))
