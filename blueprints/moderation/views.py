"""Reporting (a page that works without script; report.js opens it as a sheet in
place), what admins decided about your content, and your one appeal."""

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from blueprints.common import page_arg, page_count, safe_next, translate
from blueprints.moderation import effects
from livestall.accounts.models import User
from livestall.errors import DomainError, NotFound
from livestall.moderation import queue, rules, targets
from livestall.moderation.models import KINDS, REASONS

bp = Blueprint("moderation", __name__)
PER_PAGE = 30
REASON_NAMES = {
    "spam": _l("Spam or advertising"),
    "counterfeit": _l("Counterfeit or fake goods"),
    "prohibited": _l("A prohibited item"),
    "harassment": _l("Harassment or hate"),
    "misleading_price": _l("A misleading price"),
    "other": _l("Something else"),
}
KIND_NAMES = {
    "post": _l("post"),
    "comment": _l("comment"),
    "chat": _l("chat message"),
    "product": _l("product"),
    "user": _l("account"),
    "live": _l("live"),
}
ACTION_NAMES = {
    "dismiss": _l("No action: it breaks no rule"),
    "take_down": _l("Taken down"),
    "suspend_author": _l("Taken down and the account suspended"),
    "end_live": _l("The live was ended"),
}
APPEAL_NAMES = {
    "open": _l("Your appeal is waiting for another admin."),
    "upheld": _l("Your appeal was turned down: the decision stands."),
    "reversed": _l("Your appeal was accepted: your content is back."),
}


@bp.app_context_processor
def _names():
    return {
        "report_reasons": REASON_NAMES,
        "report_kinds": KIND_NAMES,
        "report_actions": ACTION_NAMES,
        "appeal_names": APPEAL_NAMES,
    }


def _form_target():
    kind = request.values.get("kind", "")
    if kind not in KINDS:
        abort(404)
    try:
        row, _ = targets.load(kind, request.values.get("id"), current_user)
    except NotFound:
        abort(404)
    return kind, targets.summary(kind, row)


@bp.route("/report", methods=["GET", "POST"])
@login_required
def report():
    """Report what you see: a reason from the list, and a few words."""
    kind, target = _form_target()
    back = (
        safe_next(request.values.get("next")) or target["url"] or url_for("feed.home")
    )
    form = {
        "reason": request.form.get("reason", ""),
        "text": request.form.get("text", ""),
    }
    error = None
    if request.method == "POST":
        try:
            rules.report(current_user, kind, target["id"], form["reason"], form["text"])
        except DomainError as e:
            error = translate(e)
            if e.code == "already_reported":
                flash(error, "info")
                return redirect(back)
        else:
            flash(
                gettext(
                    "Thanks: your report reached our admins. "
                    "We will tell you what they decide."
                ),
                "success",
            )
            return redirect(back)
    return (
        render_template(
            "moderation/report.html",
            kind=kind,
            target=target,
            reasons=REASONS,
            form=form,
            error=error,
            back=back,
        ),
        400 if error else 200,
    )


@bp.route("/me/reports")
@login_required
def my_reports():
    page = page_arg()
    items, total = queue.mine(current_user, page, PER_PAGE)
    outcomes = {
        d.id: d.action for d in rules.decisions_of([i["decision_id"] for i in items])
    }
    return render_template(
        "moderation/mine.html",
        items=items,
        outcomes=outcomes,
        page=page,
        pages=page_count(total, PER_PAGE),
    )


@bp.route("/moderation/decisions/<int:decision_id>")
@login_required
def decision(decision_id):
    """What an admin did to your content and why; your one appeal."""
    try:
        found = rules.get_decision(decision_id, current_user)
    except NotFound:
        abort(404)
    row = targets.find(found.kind, found.target_id)
    return render_template(
        "moderation/decision.html",
        decision=queue.decision_dict(found),
        target=targets.summary(found.kind, row) if row is not None else None,
        is_owner=found.owner_id == current_user.id,
    )


@bp.route("/moderation/decisions/<int:decision_id>/appeal", methods=["POST"])
@login_required
def appeal(decision_id):
    try:
        rules.appeal(current_user, decision_id, request.form.get("text", ""))
    except NotFound:
        abort(404)
    except DomainError as e:
        flash(translate(e), "error")
    else:
        flash(gettext("Appeal sent: another admin will look at it."), "success")
    return redirect(url_for("moderation.decision", decision_id=decision_id))


def _linked_decision(token):
    """The decision and account of a mailed appeal link, or a 404."""
    found = effects.read_appeal_token(token)
    user = User.get_or_none(User.id == found[1]) if found else None
    if user is None:
        abort(404)
    try:
        decision = rules.get_decision(found[0], user)
    except NotFound:
        abort(404)
    if decision.owner_id != user.id:
        abort(404)
    return decision, user


@bp.route("/appeal/<token>", methods=["GET", "POST"])
def appeal_by_link(token):
    """A suspended account cannot sign in: the mail about its suspension carries a
    signed link (30 days) to read the decision and appeal it once."""
    found, user = _linked_decision(token)
    if request.method == "POST":
        try:
            rules.appeal(user, found.id, request.form.get("text", ""))
        except DomainError as e:
            flash(translate(e), "error")
        else:
            flash(gettext("Appeal sent: another admin will look at it."), "success")
        return redirect(url_for("moderation.appeal_by_link", token=token))
    row = targets.find(found.kind, found.target_id)
    return render_template(
        "moderation/decision.html",
        decision=queue.decision_dict(found),
        target=targets.summary(found.kind, row) if row is not None else None,
        is_owner=True,
        appeal_url=url_for("moderation.appeal_by_link", token=token),
    )
