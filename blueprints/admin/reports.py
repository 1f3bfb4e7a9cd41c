"""Admin pages for reports: the queue (open, appealed, decided), a target's file
with its context, and the decision form. Routes on the admin blueprint (admins
only, blueprints/admin/views.py)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from blueprints.admin.views import bp
from blueprints.common import page_arg, page_count, translate
from blueprints.moderation import effects
from livestall.errors import DomainError, NotFound
from livestall.moderation import queue, rules
from livestall.moderation.models import ACTIONS

PER_PAGE = 30


@bp.route("/reports")
def reports():
    status = request.args.get("status", "open")
    if status not in queue.STATUSES:
        status = "open"
    page = page_arg()
    items, total = queue.queue(status, page, PER_PAGE)
    return render_template(
        "admin/reports.html",
        items=items,
        status=status,
        statuses=queue.STATUSES,
        page=page,
        pages=page_count(total, PER_PAGE),
    )


@bp.route("/reports/<int:report_id>")
def report_file(report_id):
    try:
        found = rules.get_report(report_id)
    except NotFound:
        abort(404)
    return render_template(
        "admin/report.html",
        file=queue.file_of(found),
        actions=ACTIONS,
    )


@bp.route("/reports/<int:report_id>/resolve", methods=["POST"])
def resolve_report(report_id):
    try:
        outcome = rules.resolve(
            current_user,
            report_id,
            request.form.get("action", ""),
            request.form.get("note", ""),
        )
    except NotFound:
        abort(404)
    except DomainError as e:
        flash(translate(e), "error")
        return redirect(url_for("admin.report_file", report_id=report_id))
    effects.carry_out(outcome)
    flash(gettext("Decided. The reporters and the author have been told."), "success")
    return redirect(url_for("admin.reports"))
