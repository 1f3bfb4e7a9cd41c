"""JSON API v1: the blueprint, its authentication and the helpers every endpoint
module shares (json_body, me, require_role, pagination); endpoints are in
<domain>.py beside it (docs/API.md)."""

import json

from flask import Blueprint, g, request, session
from flask_login import current_user

from extensions import csrf
from livestall.accounts import rules as accounts
from livestall.errors import Invalid, NotAllowed, NotAuthenticated, UnsupportedMedia

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
MAX_PAGE = 1_000_000  # page * per_page must stay a 64-bit SQL integer


@bp.before_request
def authenticate():
    """Bearer tokens authenticate alone; cookie sessions must carry a CSRF token."""
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, secret = header.partition(" ")
        user = (
            accounts.user_for_token(secret.strip())
            if scheme.lower() == "bearer"
            else None
        )
        if user is None:
            raise NotAuthenticated(
                "The bearer token is missing, wrong or revoked.", code="invalid_token"
            )
        g._login_user = user  # Flask-Login's per-request user: the cookie is ignored
        return
    if request.method not in SAFE_METHODS and (
        current_user.is_authenticated or "_user_id" in session
    ):
        csrf.protect()


def json_body():
    """The request's JSON object, or a clear 4xx."""
    if not request.is_json:
        raise UnsupportedMedia("Send a JSON body with Content-Type: application/json.")
    try:
        data = request.get_json(silent=True)
        # "\ud800" escapes decode to lone surrogates, which no database can store
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except (RecursionError, UnicodeEncodeError):  # [[[[... nested too deep
        data = None
    if not isinstance(data, dict):
        raise Invalid("The body must be a JSON object.", code="invalid_json")
    return data


def me():
    if not current_user.is_authenticated:
        raise NotAuthenticated("Sign in first.")
    return current_user._get_current_object()


def require_role(role):
    user = me()
    if not user.has_role(role, "admin"):
        raise NotAllowed("This needs the %(role)s role.", role=role)
    return user


def pagination():
    try:
        page = int(request.args.get("page", 1))
        per_page = int(request.args.get("per_page", 20))
    except ValueError:
        raise Invalid("page and per_page must be whole numbers.")
    if not 1 <= page <= MAX_PAGE or not 1 <= per_page <= 100:
        raise Invalid(
            "page must be from 1 to %(max)d and per_page from 1 to 100.", max=MAX_PAGE
        )
    return page, per_page
