"""The signed-in user's notifications: the list, and the unread badge in the header."""

from flask import Blueprint, render_template
from flask_login import current_user, login_required
from peewee import PeeweeException

from blueprints.common import page_arg, page_count
from livestall.notifications import rules as notifications

bp = Blueprint("notifications", __name__)
PER_PAGE = 30


@bp.app_context_processor
def _badge():
    def unread_notifications():
        if not current_user.is_authenticated:
            return 0
        try:
            return notifications.unread_count(current_user)
        except PeeweeException:  # error pages render even without the database
            return 0

    return {"unread_notifications": unread_notifications}


@bp.route("/notifications")
@login_required
def index():
    """Newest first; what this page shows is marked read once shown (as mail is)."""
    page = page_arg()
    items, total = notifications.for_user(current_user, page, PER_PAGE)
    if items:
        notifications.mark_read(current_user, max(n.id for n in items))
    return render_template(
        "notifications/index.html",
        items=items,
        page=page,
        pages=page_count(total, PER_PAGE),
        total=total,
    )
