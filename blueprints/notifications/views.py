"""The signed-in user's notifications: the list, and the unread badge in the header."""

from flask import Blueprint, g, render_template
from flask_babel import ngettext
from flask_login import current_user, login_required
from markupsafe import Markup, escape
from peewee import PeeweeException

from blueprints import page_cache
from blueprints.common import page_arg, page_count
from livestall.notifications import rules as notifications

bp = Blueprint("notifications", __name__)
PER_PAGE = 30


def unread_notifications():
    """The signed-in visitor's unread count (the header's bell), once a request."""
    if "unread" not in g:
        g.unread = 0
        if current_user.is_authenticated:
            try:
                g.unread = notifications.unread_count(current_user)
            except PeeweeException:  # error pages render even without the database
                pass
    return g.unread


@bp.app_context_processor
def _badge():
    return {"unread_notifications": unread_notifications}


# The count is a hole in the frame's cached fragments (base.html, _me.html).
def _unread_text(n):
    return ngettext("%(num)d unread", "%(num)d unread", n)


@page_cache.hole("unread_label")
def _unread_label():
    n = unread_notifications()
    return escape(": " + _unread_text(n)) if n else ""


@page_cache.hole("unread_badge")
def _unread_badge():
    n = unread_notifications()
    return Markup(' <span class="badge">%d</span>') % n if n else ""


@page_cache.hole("unread_menu")
def _unread_menu():
    n = unread_notifications()
    if not n:
        return ""
    return Markup(
        ' <span class="badge">%d</span><span class="visually-hidden">%s</span>'
    ) % (n, _unread_text(n))


@page_cache.hole("unread_tab")
def _unread_tab():
    n = unread_notifications()
    if not n:
        return ""
    return Markup(
        '<span class="tab-badge"><span class="visually-hidden">: %s</span>'
        '<span aria-hidden="true">%d</span></span>'
    ) % (_unread_text(n), n)


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
