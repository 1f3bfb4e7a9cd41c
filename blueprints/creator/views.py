"""The creator's pages: earnings (commission balances, by post and live session,
the ledger) and the stats of their live sessions."""

from flask import Blueprint, render_template
from flask_login import current_user

from blueprints.common import page_arg, page_count, role_required
from livestall.attribution import dashboards

bp = Blueprint("creator", __name__, url_prefix="/creator")
PER_PAGE = 20


@bp.before_request
@role_required("creator")
def _creators_only():
    """Every page here is for creators (and admins)."""


@bp.route("/earnings")
def earnings():
    me = current_user.id
    page = page_arg()
    items, total = dashboards.ledger(me, page, PER_PAGE)
    return render_template(
        "creator/earnings.html",
        balances=dashboards.balances(me),
        by_post=dashboards.earnings_by(me, "post"),
        by_live=dashboards.earnings_by(me, "live"),
        ledger=items,
        page=page,
        pages=page_count(total, PER_PAGE),
        lives=dashboards.live_stats(me),
    )
