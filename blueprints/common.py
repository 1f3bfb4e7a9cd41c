"""What every blueprint shares: request hooks, auth loaders, access decorators."""

import csv
import datetime
import io
import secrets
import time
from functools import wraps
from urllib.parse import urlencode, urlsplit

from flask import (
    Response,
    abort,
    current_app,
    g,
    redirect,
    request,
    session,
    url_for,
)
from flask_babel import format_date, get_locale, gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from extensions import db, login_manager
from livestall.accounts.models import User
from livestall.attribution import touchpoints
from livestall.bargain import records as bargain_records
from livestall.catalog import rules as catalog
from livestall.content import social
from livestall.db.base import Prepared
from livestall.group_buy import deals as group_deals
from livestall.media import images
from livestall.media.limits import UploadLimits
from livestall.orders import sources

VISITOR_COOKIE = "lsv"
LABELS = {
    "shopper": _l("Shopper"),
    "creator": _l("Creator"),
    "merchant": _l("Merchant"),
    "admin": _l("Admin"),
    "active": _l("Active"),
    "suspended": _l("Suspended"),
}
CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "media-src 'self' blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


@login_manager.user_loader
def load_user(session_id):
    """Load the user named by the session, if its session version is still current."""
    try:
        user_id, version = (int(part) for part in session_id.split(":"))
    except (ValueError, AttributeError):
        return None
    user = _SESSION_USER.first(user_id, version)
    return user if user and user.is_active else None


# every signed-in request loads its user: compiled once
_SESSION_USER = Prepared(
    lambda uid, version: User.select().where(
        (User.id == uid) & (User.session_version == version)
    )
)


login_manager.login_view = "auth.login"
login_manager.login_message = None


def role_required(*roles):
    """Let the view run only for a signed-in user holding one of `roles`."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not current_user.has_role(*roles, "admin"):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def translate(error):
    """The domain error's message in the viewer's language."""
    template = gettext(error.template)
    return template % error.params if error.params else template


def select_locale():
    languages = current_app.config["LANGUAGES"]
    if current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    if request.cookies.get("lang") in languages:
        return request.cookies["lang"]
    return request.accept_languages.best_match(list(languages)) or "en"


def safe_next(target):
    """Only follow same-site relative redirects after sign-in."""
    if not target or not isinstance(target, str):
        return None
    if any(ord(c) < 32 or ord(c) == 127 for c in target):
        return None  # CR/LF would break the Location header (and hide tricks)
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or "\\" in target:
        return None
    return target if not target.startswith("//") else None


def page_arg():
    """The `?page=` number, clamped to 1..10,000 (junk reads as 1)."""
    try:
        return max(1, min(int(request.args.get("page", 1)), 10_000))
    except ValueError:
        return 1


def page_count(total, per_page):
    """How many pages `total` items fill (at least one, for the empty state)."""
    return max(1, -(-total // per_page))


def client_ip():
    return request.remote_addr or "unknown"


def store_upload(upload, owner):
    """Run an uploaded file through the image pipeline, within the owner's upload
    rate and quota; return the Image row. Every upload of the site comes here."""
    config = current_app.config
    return images.ingest(
        upload.read(),
        owner,
        media_dir=config["MEDIA_DIR"],
        max_pixels=config["MAX_IMAGE_PIXELS"],
        thumb_size=config["THUMBNAIL_SIZE"],
        limits=UploadLimits(
            per_window=config["UPLOAD_LIMIT_PER_USER"],
            window_s=config["UPLOAD_LIMIT_WINDOW_S"],
            quota_bytes=config["UPLOAD_QUOTA_BYTES"],
        ),
    )


def _open_db():
    db.connect(reuse_if_open=True)


def _close_db(exc):
    if not db.is_closed():
        db.close()


def _security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    headers["X-Frame-Options"] = "DENY"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    if request.is_secure:
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    if current_user and current_user.is_authenticated:
        headers.setdefault("Cache-Control", "private, no-store")
    return response


def _visitor_cookie(response):
    """Give every browser a first-party visitor id (attribution needs it)."""
    if request.path.startswith(("/static/", "/media/", "/api/")):
        return response
    if not request.cookies.get(VISITOR_COOKIE):
        response.set_cookie(
            VISITOR_COOKIE,
            g.get("visitor_id") or secrets.token_urlsafe(16),
            max_age=365 * 24 * 3600,
            httponly=True,
            samesite="Lax",
            secure=current_app.config["SESSION_COOKIE_SECURE"],
        )
    return response


def visitor_id():
    """The visitor id of this browser (new ones are set on the response)."""
    if "visitor_id" not in g:
        g.visitor_id = request.cookies.get(VISITOR_COOKIE) or secrets.token_urlsafe(16)
    return g.visitor_id


def _template_context():
    locale = str(get_locale() or "en")
    return {
        "current_locale": locale,
        "html_lang": "zh-CN" if locale.startswith("zh") else locale,
        "languages": current_app.config["LANGUAGES"],
        "category_label": lambda slug: catalog.category_label(slug, locale),
        "categories": catalog.CATEGORIES,
        "label": lambda key: str(LABELS.get(key, key)),
    }


def money(cents, currency="CNY"):
    """Format integer cents for display, e.g. 12900 CNY -> ¥129.00."""
    symbols = {
        "CNY": "¥",
        "USD": "$",
        "EUR": "€",
        "GBP": "£",
        "HKD": "HK$",
        "TWD": "NT$",
        "SGD": "S$",
        "JPY": "¥",
        "MYR": "RM",
        "THB": "฿",
    }
    if cents is None:
        return ""
    symbol = symbols.get(currency, currency + " ")
    if currency == "JPY":
        return f"{symbol}{cents // 100:,}"
    sign = "-" if cents < 0 else ""
    whole, frac = divmod(abs(cents), 100)
    return f"{sign}{symbol}{whole:,}.{frac:02d}"


UTM_KEYS = ("utm_source", "utm_medium", "utm_campaign")


def _utm():
    return {k: request.args[k] for k in UTM_KEYS if k in request.args}


def _user_id():
    return current_user.id if current_user.is_authenticated else None


def share_url(endpoint, **values):
    """An absolute link to a page carrying the signed-in user's share code."""
    if current_user.is_authenticated:
        values["s"] = social.share_code_for(current_user._get_current_object())
    return url_for(endpoint, _external=True, **values)


def record_post_view(post_id, author_id):
    """A touchpoint for reading a post (pages and API alike)."""
    touchpoints.record(
        "post_view",
        visitor_id(),
        _user_id(),
        creator_id=author_id,
        post_id=post_id,
        utm=_utm(),
    )


def record_product_click(product_id, source):
    """A touchpoint for a product opened from a post (`?src=post:ID`)."""
    source = sources.LineSource.parse(source, kinds=("post",))
    if source is not None:
        touchpoints.record_product_click(
            visitor_id(), _user_id(), product_id, source.id, utm=_utm()
        )


SHARE_KEY = "share"  # the session's last followed share link: [sharer id, unix time]
SHARE_SOURCE_S = 7 * 86400


def line_source(given):
    """Where a cart line came from: the page's `post:ID` (or, later, `live:ID`),
    else the share link this browser followed in the last 7 days, else None."""
    given = sources.clean(given)
    if given is not None:
        return given
    share = session.get(SHARE_KEY)
    if (
        isinstance(share, list)
        and len(share) == 2
        and all(isinstance(v, int) for v in share)
        and time.time() - share[1] < SHARE_SOURCE_S
        and share[0] != _user_id()
    ):
        return sources.of("share", share[0])
    return None


def _shared_product(endpoint, view_args):
    """The product a shared page sells (its share visit credits the sharer for
    it): a product page's, a group-buying team page's deal's, a bargain record
    page's campaign's (a friend who came to help is the owner's share visit)."""
    if endpoint == "shop.product":
        return view_args.get("product_id")
    if endpoint == "group.team":
        return group_deals.product_of_team(view_args.get("team_id"))
    if endpoint == "bargain.record":
        return bargain_records.product_of_record(view_args.get("record_id"))
    return None


def _share_link():
    """Follow a share link: `?s=CODE` on any page records who shared what, then
    lands on the same page without the code (so a reload counts once).

    Only a routed page is followed, and the way back is built by url_for from its
    endpoint and arguments, never echoed from the path: `/%09/evil.example?s=x`
    once redirected to `//evil.example` (another site) and `/%0a?s=x` put a newline
    in the Location header (a 500). A path no rule matches answers as routing does
    (404 or 405)."""
    code = request.args.get("s")
    rule = request.url_rule
    if (
        request.method != "GET"
        or code is None
        or rule is None
        or request.blueprint == "api"
        or rule.endpoint == "static"
    ):
        return None
    view_args = request.view_args or {}
    sharer = social.sharer_of(code)
    if sharer is not None and sharer != _user_id():
        touchpoints.record(
            "share_visit",
            visitor_id(),
            _user_id(),
            post_id=view_args.get("post_id") if rule.endpoint == "feed.post" else None,
            product_id=_shared_product(rule.endpoint, view_args),
            sharer_id=sharer,
            utm=_utm(),
        )
        session[SHARE_KEY] = [sharer, int(time.time())]
    args = request.args.copy()
    args.pop("s")
    # The query goes on after url_for: as url_for's own keywords an `_external`
    # or `_scheme` argument would pick the host, and one named like a path
    # argument would clash with it.
    target = url_for(rule.endpoint, **view_args)
    if args:
        target += "?" + urlencode(list(args.items(multi=True)))
    return redirect(target)


SESSION_RENEW_S = 24 * 3600


def _renew_session(response):
    """Slide a signed-in session's expiry, at most once a day, on a page view.

    The session cookie is written only when the session changes
    (SESSION_REFRESH_EACH_REQUEST is off). Re-sent on every response, a response
    that was slow to finish (a stream-health poll, an image) put back the session as
    it was when it started, undoing what a request in between wrote: the message of
    the form just sent, a followed share link. Renewing only on the first page of
    the day keeps "signed in for 14 days after the last visit" with that window
    down to one page a day."""
    if (
        session.permanent
        and request.method == "GET"
        and response.mimetype == "text/html"
        and response.status_code == 200
        and current_user.is_authenticated
    ):
        today = int(time.time() // SESSION_RENEW_S)
        if session.get("_day") != today:
            session["_day"] = today
    return response


def register_hooks(app):
    app.before_request(_open_db)
    app.before_request(_share_link)
    app.teardown_request(_close_db)
    app.after_request(_renew_session)
    app.after_request(_visitor_cookie)
    app.after_request(_security_headers)
    app.context_processor(_template_context)
    app.jinja_env.filters["money"] = money
    app.jinja_env.filters["iso_day"] = iso_day


def iso_day(text, style="medium"):
    """A "YYYY-MM-DD" day (as stored in JSON) in the viewer's language; text that
    is not one is shown as it is."""
    try:
        day = datetime.date.fromisoformat(text)
    except (TypeError, ValueError):
        return text or ""
    return format_date(day, style)


def csv_cell(value):
    """A CSV cell a spreadsheet will not run as a formula."""
    value = "" if value is None else str(value)
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def csv_download(text, filename):
    """A CSV file to download: `text` with a BOM (spreadsheets then read UTF-8,
    Chinese included), never cached."""
    return Response(
        "\ufeff" + text,
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "private, no-store",
        },
    )


def csv_of_rows(rows, filename):
    """`rows` (plain values, the header first) as a CSV download, every cell made
    safe for a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([csv_cell(cell) for cell in row])
    return csv_download(out.getvalue(), filename)
