"""Template helpers for the site frame (templates/base.html): which bottom tab a
page belongs to, whether a route exists, and times in the viewer's time zone."""

import re
from datetime import UTC, datetime

from flask import current_app, request, url_for
from flask_login import current_user
from markupsafe import Markup, escape
from werkzeug.exceptions import HTTPException

from blueprints import page_cache

# The phone tab bar's sections, by path prefix (paths outlive endpoint renames).
_TABS = (
    ("shop", ("/shop", "/c/", "/products/")),
    ("live", ("/live",)),
    ("cart", ("/cart", "/checkout")),
    (
        "me",
        (
            "/me",
            "/login",
            "/signup",
            "/settings/",
            "/account/",
            "/notifications",
            "/orders",
            "/creator/",
            "/merchant/",
            "/admin/",
        ),
    ),
)
# Pages that take the whole phone screen: the live room (its stream and chat) and
# checkout (its sticky total and place button).
_IMMERSIVE = re.compile(r"^/(live/\d+|checkout)/?$")


def nav_tab():
    """The tab the current page sits under ("" for none)."""
    path = request.path
    if path == "/":
        return "home"
    for tab, prefixes in _TABS:
        for prefix in prefixes:
            if path == prefix.rstrip("/") or path.startswith(prefix):
                return tab
    return ""


def hide_tabbar():
    """Whether the page hides the phone tab bar (body class `no-tabbar`)."""
    return bool(_IMMERSIVE.match(request.path))


def url_exists(path, method="GET"):
    """Whether a GET of `path` reaches a route (lets the frame link to pages that
    other areas may or may not have added)."""
    try:
        current_app.url_map.bind("").match(path, method=method)
    except HTTPException:
        return False
    return True


def local_time(moment, style="datetime"):
    """`<time data-local>`: UTC in the markup, rewritten to the viewer's own zone
    by static/js/localtime.js. Naive datetimes are taken as UTC."""
    if not moment:
        return Markup("")
    if isinstance(moment, datetime) and moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    style = "date" if style == "date" else "datetime"
    shown = moment.strftime("%Y-%m-%d" if style == "date" else "%Y-%m-%d %H:%M UTC")
    return Markup('<time datetime="{}" data-local="{}">{}</time>').format(
        escape(moment.strftime("%Y-%m-%dT%H:%M:%SZ")), style, shown
    )


# The frame's per-visitor parts: holes in its cached fragments (base.html).
@page_cache.hole("user_name")
def _user_name():
    return escape(current_user.name) if current_user.is_authenticated else ""


@page_cache.hole("user_id")
def _user_id():
    return str(int(current_user.id)) if current_user.is_authenticated else ""


@page_cache.hole("my_page")
def _my_page():
    if not current_user.is_authenticated:
        return ""
    return escape(url_for("feed.creator", username=current_user.username))


@page_cache.hole("lang_next")
def _lang_next():
    return escape(request.full_path if request.query_string else request.path)


@page_cache.hole("search_q")
def _search_q():
    """The header's search box keeps the query on the results page."""
    if request.endpoint != "search.results":
        return ""
    return escape(request.args.get("q", ""))


def frame_key():
    """What the frame's cached fragments differ by besides the language: the
    page (its tab; the account menu marks the page it is on, and a menu link is
    a page of its own endpoint) and the viewer's roles (the menu's sections)."""
    if not current_user.is_authenticated:
        return (request.endpoint, nav_tab(), ())
    own = request.path == url_for("feed.creator", username=current_user.username)
    return (request.endpoint, nav_tab(), tuple(current_user.roles), own)


def register(bp):
    bp.add_app_template_global(nav_tab, "nav_tab")
    bp.add_app_template_global(url_exists, "url_exists")
    bp.add_app_template_global(hide_tabbar, "hide_tabbar")
    bp.add_app_template_global(local_time, "local_time")
    bp.add_app_template_global(local_time, "local_time_tag")
    bp.add_app_template_global(frame_key, "frame_key")
