"""JSON API v1: content-to-purchase attribution for merchants, earnings for
creators (docs/API.md, "Attribution")."""

from flask import jsonify, request

from blueprints.api.views import bp, pagination, require_role
from livestall.attribution import dashboards
from livestall.db.base import isoformat


@bp.get("/merchant/attribution")
def merchant_attribution():
    """Sales by creator, post, live or share link for a period, under the stored
    model or (a what-if, nothing written) another one. Admins see their own id's."""
    user = require_role("merchant")
    return jsonify(dashboards.Query(user.id, request.args).answer())


@bp.get("/creator/earnings")
def creator_earnings():
    """The caller's commission ledger (newest first), balances, and totals by post
    and by live session."""
    user = require_role("creator")
    page, per_page = pagination()
    items, total = dashboards.ledger(user.id, page, per_page)
    return jsonify(
        items=[dashboards.entry_dict(e, isoformat) for e in items],
        page=page,
        per_page=per_page,
        total=total,
        balances=dashboards.balances(user.id),
        by_post=dashboards.earnings_by(user.id, "post"),
        by_live=dashboards.earnings_by(user.id, "live"),
    )
