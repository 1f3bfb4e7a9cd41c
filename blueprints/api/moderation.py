"""JSON API v1: reports, the admins' queue and decisions, and appeals
(docs/API.md, "Reports and moderation")."""

from flask import jsonify, request

from blueprints.api.views import bp, json_body, me, pagination, require_role
from blueprints.moderation import effects
from livestall.moderation import queue, rules


@bp.post("/reports")
def create_report():
    """Report a post, comment, chat message, product, user or live: 201."""
    data = json_body()
    found = rules.report(
        me(), data.get("kind"), data.get("id"), data.get("reason"), data.get("text")
    )
    names = {found.reporter_id: me()}
    return jsonify(report=queue.report_dict(found, names)), 201


@bp.get("/me/reports")
def my_reports():
    page, per_page = pagination()
    items, total = queue.mine(me(), page, per_page)
    return jsonify(items=items, page=page, per_page=per_page, total=total)


@bp.get("/me/decisions")
def my_decisions():
    """What admins did to your content, newest first (each may be appealed once)."""
    page, per_page = pagination()
    items, total = queue.against(me(), page, per_page)
    return jsonify(items=items, page=page, per_page=per_page, total=total)


@bp.get("/decisions/<int:decision_id>")
def get_decision(decision_id):
    return jsonify(decision=queue.decision_dict(rules.get_decision(decision_id, me())))


@bp.post("/decisions/<int:decision_id>/appeal")
def appeal(decision_id):
    decision = rules.appeal(me(), decision_id, json_body().get("text"))
    return jsonify(decision=queue.decision_dict(decision))


@bp.get("/admin/reports")
def admin_reports():
    """The queue: `status` open (default), appealed or closed."""
    require_role("admin")
    page, per_page = pagination()
    status = request.args.get("status", "open")
    items, total = queue.queue(status, page, per_page)
    return jsonify(
        items=items, status=status, page=page, per_page=per_page, total=total
    )


@bp.get("/admin/reports/<int:report_id>")
def admin_report(report_id):
    """A target's file: the target in context, its reports, its decisions."""
    require_role("admin")
    return jsonify(queue.file_of(rules.get_report(report_id)))


@bp.post("/admin/reports/<int:report_id>/resolve")
def resolve_report(report_id):
    admin = require_role("admin")
    data = json_body()
    outcome = rules.resolve(admin, report_id, data.get("action"), data.get("note"))
    effects.carry_out(outcome)
    return jsonify(decision=queue.decision_dict(outcome.decision))
