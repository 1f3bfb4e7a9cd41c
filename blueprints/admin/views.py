"""Admin pages: user management (roles, suspension) and the audit log (filters
and a CSV download)."""

import csv
import io

from flask import (
    Blueprint,
    Response,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from blueprints.common import (
    csv_cell,
    page_arg,
    page_count,
    role_required,
    translate,
)
from extensions import db
from livestall.accounts import admin
from livestall.accounts.models import ROLES, User
from livestall.db.base import utcnow
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
    "report.dismiss": _l("Dismissed reports"),
    "report.take_down": _l("Took down"),
    "report.restore": _l("Restored after appeal"),
    "report.uphold": _l("Upheld after appeal"),
    "report.suspend_author": _l("Suspended the author"),
    "report.end_live": _l("Ended the live"),
}
TARGETS = {
    "user": _l("User"),
    "order": _l("Order"),
    "post": _l("Post"),
    "comment": _l("Comment"),
    "live": _l("Live room"),
    "leader": _l("Community leader"),
    "product": _l("Product"),
    "chat": _l("Chat message"),
    "report": _l("Report"),
}
KINDS = {
    "user": _l("Users"),
    "order": _l("Orders"),
    "post": _l("Posts"),
    "comment": _l("Comments"),
    "live": _l("Live rooms"),
    "leader": _l("Community leaders"),
    "product": _l("Products"),
    "chat": _l("Chat messages"),
    "report": _l("Reports"),
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


def audit_args():
    """The audit filters the query string gives (kept in the page's links)."""
    return {
        name: request.args[name].strip()[:60]
        for name in audit.QUERY_FILTERS
        if request.args.get(name, "").strip()
    }


@bp.route("/audit")
def audit_log():
    """Every action an admin took by admin right, newest first, filtered."""
    page = page_arg()
    args = audit_args()
    error, status = None, 200
    try:
        rows, total = audit.entries(page, PER_PAGE, **audit.filters_from(args))
    except DomainError as e:
        error, status, rows, total = translate(e), 400, [], 0
    return render_template(
        "admin/audit.html",
        entries=[audit.entry_dict(row) for row in rows],
        kinds=KINDS,
        targets=TARGETS,
        actions=ACTIONS,
        args=args,
        error=error,
        page=page,
        pages=page_count(total, PER_PAGE),
    ), status


@bp.route("/audit.csv")
def audit_csv():
    """The filtered log as CSV (UTF-8 with a BOM, so spreadsheets read Chinese),
    streamed a batch at a time; every cell safe for a spreadsheet."""
    try:
        rows = audit.csv_rows(audit.filters_from(audit_args()))
    except DomainError as e:
        return Response(translate(e), 400, mimetype="text/plain")

    def lines():
        yield "\ufeff"
        out = io.StringIO()
        writer = csv.writer(out)
        # the rows are read after the view returned (the request's connection
        # may be closed by then): a connection of its own, closed at the end or
        # when the client goes away
        with db.connection_context():
            for row in rows:
                writer.writerow([csv_cell(cell) for cell in row])
                if out.tell() > 16_384:
                    yield out.getvalue()
                    out.seek(0)
                    out.truncate()
        yield out.getvalue()

    filename = f"audit-{utcnow():%Y%m%d}.csv"
    return Response(
        stream_with_context(lines()),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "private, no-store",
        },
    )
