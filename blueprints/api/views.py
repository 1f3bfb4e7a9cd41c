"""JSON API v1: accounts and the merchants' catalog (see API.md)."""

import json

from flask import Blueprint, current_app, g, jsonify, request, session
from flask_login import current_user

from blueprints.common import sign_in, store_upload
from extensions import csrf
from livestall.accounts import rules as accounts
from livestall.catalog import rules as catalog
from livestall.catalog.models import Product
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


@bp.post("/users")
def create_user():
    data = json_body()
    user = accounts.register(
        data.get("username"),
        data.get("email"),
        data.get("password"),
        data.get("role", "shopper"),
        data.get("display_name"),
        hash_method=current_app.config["PASSWORD_HASH_METHOD"],
    )
    token = accounts.issue_token(user)
    return jsonify(user=accounts.user_dict(user), token=token), 201


@bp.post("/tokens")
def create_token():
    data = json_body()
    user = sign_in(data.get("login"), data.get("password"))
    token = accounts.issue_token(user, name=str(data.get("name") or "api"))
    return jsonify(token=token, user=accounts.user_dict(user)), 201


@bp.get("/me")
def get_me():
    return jsonify(user=accounts.user_dict(me()))


@bp.post("/products")
def create_product():
    merchant = require_role("merchant")
    product = catalog.create_product(merchant, json_body())
    return jsonify(product=catalog.product_dict(product, images=[])), 201


@bp.get("/products/<int:product_id>")
def get_product(product_id):
    product = catalog.get_product(product_id)
    return jsonify(product=catalog.product_dict(product))


@bp.patch("/products/<int:product_id>")
def update_product(product_id):
    merchant = require_role("merchant")
    product = catalog.owned_product(merchant, product_id)
    product = catalog.update_product(product, json_body())
    return jsonify(product=catalog.product_dict(product))


@bp.delete("/products/<int:product_id>")
def delete_product(product_id):
    merchant = require_role("merchant")
    catalog.archive_product(catalog.owned_product(merchant, product_id))
    return "", 204


@bp.post("/products/<int:product_id>/images")
def add_product_image(product_id):
    merchant = require_role("merchant")
    product = catalog.owned_product(merchant, product_id)
    upload = request.files.get("file")
    if upload is None:
        raise Invalid("Send the image as multipart field 'file'.", field="file")
    image = store_upload(upload, merchant)
    catalog.add_image(product, image)
    return jsonify(image=image.to_dict()), 201


@bp.get("/products")
def list_products():
    """The caller's own catalog (merchants), paginated."""
    merchant = require_role("merchant")
    page, per_page = pagination()
    query = Product.of_merchant(merchant)
    total = query.count()
    items = Product.with_images(query.paginate(page, per_page))
    return jsonify(
        items=[catalog.product_dict(p, images=p.gallery) for p in items],
        page=page,
        per_page=per_page,
        total=total,
    )


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
