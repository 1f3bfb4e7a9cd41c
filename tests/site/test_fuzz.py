"""Bad input everywhere: never a 5xx, errors in API.md's shape, and saved data intact.

Covers the JSON API's account and product calls and the form POST routes with
malformed JSON, wrong types, huge and strange strings and broken images, plus a
Hypothesis property test over random JSON bodies for creating and patching products.
"""

import io
import json
import os
import struct
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extensions import db
from livestall.accounts import rules as accounts
from livestall.accounts.models import User
from livestall.catalog import rules as catalog
from livestall.catalog.models import Product
from livestall.media.models import Image
from tests.plugins.api import image_bytes
from tests.plugins.app import PASSWORD, AuthActions, csrf_token

FUZZ_SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

MALFORMED_JSON = [
    b"{",
    b"[]",
    b"null",
    b"1",
    b'"a string"',
    b"true",
    b"",
    b" ",
    b"\xff\xfe\xfa\x00",  # not UTF-8
    b'{"title": "\xff\xfe"}',  # invalid UTF-8 inside a string
    b'{"title": }',
    b'{"title": "x",}',
    b"{'title': 'x'}",
    b"[" * 100_000,  # nesting deeper than the decoder's recursion limit
    b'{"a":' * 100_000,
    b'{"title": "\\ud800", "price_cents": 1, "category": "food"}',  # lone surrogate
    b'{"price_cents": ' + b"9" * 5000 + b"}",  # more digits than int() reads
    b'{"price_cents": NaN, "stock": Infinity}',
    b"\x00" * 64,
]
STRANGE_TEXT = [
    "x" * 100_000,
    "🛒🔥" * 2_000,
    "\u202eevil.exe\u202c",  # right-to-left override
    "مرحبا بالعالم",
    "a\x00b",
    "\x00",
    "\r\n\t",
    "<script>alert(1)</script>",
    "%s %(title)s {0} {{7*7}}",
    "'; DROP TABLE product; --",
    "９９",  # full-width digits
    "²",
    "-0",
    "1e309",
    "",
    " ",
]
WRONG_TYPES = [
    [],
    {},
    [1, 2],
    {"a": {"b": []}},
    10**30,
    -(10**30),
    -1,
    0,
    0.5,
    1e308,
    True,
    False,
    None,
]
BAD_VALUES = WRONG_TYPES + STRANGE_TEXT


def png_declaring(width, height):
    """A tiny PNG that claims a huge canvas."""

    def chunk(kind, body):
        crc = struct.pack(">I", zlib.crc32(kind + body))
        return struct.pack(">I", len(body)) + kind + body + crc

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", idat)
        + chunk(b"IEND", b"")
    )


_PNG = image_bytes("PNG", (200, 200), (10, 200, 90))
BROKEN_IMAGES = {
    "random-bytes": (os.urandom(4096), 415),
    "zero-bytes": (b"", 400),
    "truncated-png": (_PNG[: len(_PNG) // 2], 400),
    "png-magic-only": (b"\x89PNG\r\n\x1a\n", 415),
    "huge-declared-png": (png_declaring(60_000, 60_000), 413),
    "svg": (b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>', 415),
    "html": (b"<!doctype html><h1>hi</h1>", 415),
    "pdf": (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", 415),
    "bmp": (image_bytes("BMP"), 415),
}


def assert_api_error(resp, *statuses):
    assert resp.status_code < 500, resp.get_data(as_text=True)[:300]
    if statuses:
        assert resp.status_code in statuses, resp.get_data(as_text=True)[:300]
    assert resp.mimetype == "application/json"
    body = resp.get_json()
    assert set(body) == {"error"}
    error = body["error"]
    assert {"code", "message"} <= set(error)
    assert isinstance(error["code"], str) and error["code"]
    assert error["code"] == error["code"].lower().replace(" ", "_")
    assert isinstance(error["message"], str) and error["message"]


def stored_product(product_id):
    """Every column of the product row and its gallery, straight from the database."""
    with db.connection_context():
        product = Product.get_by_id(product_id)
        return product.__data__.copy(), [i.id for i in catalog.images_of(product)]


def stored_user(username):
    with db.connection_context():
        user = User.get(User.username == username)
        return user.__data__.copy(), list(user.roles)


def media_files(app):
    return sorted(p.name for p in Path(app.config["MEDIA_DIR"]).iterdir())


@pytest.fixture
def shop(api):
    """A merchant token and a product saved before the fuzzing starts."""
    token = api.user("fuzz_shop", role="merchant")
    product = api.product(
        token,
        description="Original description",
        brand="Keep",
        tags=["keep"],
        commission_bps=500,
    )
    return {"token": token, "product": product, "before": stored_product(product["id"])}


# --- malformed JSON ------------------------------------------------------------------


def json_endpoints(shop):
    pid = shop["product"]["id"]
    return [
        ("POST", "/api/v1/users", None),
        ("POST", "/api/v1/tokens", None),
        ("POST", "/api/v1/products", shop["token"]),
        ("PATCH", f"/api/v1/products/{pid}", shop["token"]),
    ]


@pytest.mark.parametrize("body", MALFORMED_JSON, ids=lambda b: repr(b[:24]))
def test_malformed_json_is_a_400_everywhere(api, shop, body):
    for method, path, token in json_endpoints(shop):
        resp = api.call(
            method,
            path,
            token=token,
            data=body,
            headers={"Content-Type": "application/json"},
        )
        assert_api_error(resp, 400)
    assert stored_product(shop["product"]["id"]) == shop["before"]
    with db.connection_context():
        assert User.select().count() == 1
        assert Product.select().count() == 1


@pytest.mark.parametrize(
    "content_type",
    [None, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data"],
)
def test_json_endpoints_want_json(api, shop, content_type):
    for method, path, token in json_endpoints(shop):
        headers = {"Content-Type": content_type} if content_type else {}
        resp = api.call(
            method, path, token=token, data=b'{"title": "x"}', headers=headers
        )
        assert_api_error(resp, 400, 415)
    assert stored_product(shop["product"]["id"]) == shop["before"]


def test_broken_bearer_tokens_are_401(api):
    for header in ["Bearer", "Bearer ", "Bearer " + "x" * 10_000, "Basic abc", "x"]:
        resp = api.call("GET", "/api/v1/me", headers={"Authorization": header})
        assert_api_error(resp, 401)


@pytest.mark.parametrize(
    "query",
    ["page=0", "page=-1", "page=abc", "page=" + "9" * 30, "page=99999999999999999"]
    + ["per_page=0", "per_page=101", "per_page=-5", "per_page=1e3", "page=%00"],
)
def test_list_pagination_arguments_are_checked(api, shop, query):
    resp = api.call("GET", f"/api/v1/products?{query}", token=shop["token"])
    assert_api_error(resp, 400)


@pytest.mark.parametrize(
    "path", ["/admin/users", "/", "/shop", "/c/kitchen", "/merchant/products"]
)
@pytest.mark.parametrize(
    "query", ["page=" + "9" * 30, "page=9223372036854775807", "page=-9", "q=%00%ff"]
)
def test_page_arguments_never_break_pages(app, client, api, path, query):
    api.user("boss")
    with db.connection_context():
        accounts.set_roles(User.get(User.username == "boss"), ["admin"])
    assert AuthActions(client).login("boss").status_code == 302
    assert client.get(f"{path}?{query}").status_code == 200


# --- wrong types and strange strings in JSON -----------------------------------------


@pytest.mark.parametrize("field", catalog.FIELDS)
def test_product_fields_with_wrong_types(api, shop, field):
    token, pid = shop["token"], shop["product"]["id"]
    path = f"/api/v1/products/{pid}"
    for value in BAD_VALUES:
        body = {"title": "Fuzzed", "price_cents": 100, "category": "food"}
        resp = send_json(api, "POST", "/api/v1/products", token, {**body, field: value})
        if resp.status_code == 201:
            assert_valid_product(resp.get_json()["product"], "fuzz_shop")
        else:
            assert_api_error(resp, 400)
            assert resp.get_json()["error"].get("field") == field, value

        before = stored_product(pid)
        resp = send_json(api, "PATCH", path, token, {"stock": 7, field: value})
        if resp.status_code == 200:
            assert_valid_product(resp.get_json()["product"], "fuzz_shop")
        else:
            assert_api_error(resp, 400)
            # The whole PATCH is refused: a valid "stock" beside it is not applied.
            assert stored_product(pid) == before, value


def assert_valid_product(product, username):
    """What any stored product must look like, whatever was sent."""
    assert product["merchant"]["username"] == username
    assert isinstance(product["title"], str) and 0 < len(product["title"]) <= 200
    assert "\x00" not in product["title"]
    assert isinstance(product["description"], str)
    assert len(product["description"]) <= catalog.DESCRIPTION_MAX
    for field, hi in (
        ("price_cents", catalog.PRICE_MAX),
        ("stock", catalog.STOCK_MAX),
        ("commission_bps", catalog.COMMISSION_MAX),
    ):
        value = product[field]
        assert type(value) is int and 0 <= value <= hi, (field, value)
    assert product["currency"] in catalog.CURRENCIES
    assert product["category"] in catalog.CATEGORIES
    assert isinstance(product["brand"], str) and len(product["brand"]) <= 80
    assert isinstance(product["tags"], list) and len(product["tags"]) <= 20
    assert all(isinstance(t, str) and 0 < len(t) <= 30 for t in product["tags"])
    with db.connection_context():
        row = Product.get_by_id(product["id"])
        assert row.merchant.username == username
        assert (row.status, row.sales_count) == ("active", 0)


USER_FIELDS = ("username", "email", "password", "role", "display_name")


@pytest.mark.parametrize("field", USER_FIELDS)
def test_signup_api_fields_with_wrong_types(api, shop, field):
    before = stored_user("fuzz_shop")
    for n, value in enumerate(BAD_VALUES):
        body = {
            "username": f"newbie{n}",
            "email": f"newbie{n}@example.com",
            "password": PASSWORD,
            "role": "shopper",
            field: value,
        }
        resp = send_json(api, "POST", "/api/v1/users", None, body)
        if resp.status_code == 201:
            user = resp.get_json()["user"]
            assert user["roles"] == ["shopper"]
            assert accounts.USERNAME_RE.match(user["username"])
            assert 0 < len(user["display_name"]) <= 60
        else:
            assert_api_error(resp, 400, 409)
    assert stored_user("fuzz_shop") == before
    with db.connection_context():
        assert (
            not User.select()
            .join(accounts.UserRole)
            .where(accounts.UserRole.role == "admin")
            .exists()
        )


@pytest.mark.parametrize("field", ["login", "password", "name"])
def test_token_api_fields_with_wrong_types(api, shop, field):
    for value in BAD_VALUES:
        body = {"login": "fuzz_shop", "password": "wrong password!", field: value}
        resp = send_json(api, "POST", "/api/v1/tokens", None, body)
        assert_api_error(resp, 400, 401, 429)
        if value is not None and not isinstance(value, str) and field != "name":
            assert resp.status_code == 400, value  # refused before any counting


def test_token_api_name_is_free_text(api, shop):
    for name in STRANGE_TEXT + WRONG_TYPES:
        body = {"login": "fuzz_shop", "password": PASSWORD, "name": name}
        resp = api.call("POST", "/api/v1/tokens", json=body)
        assert resp.status_code == 201, name
        token = resp.get_json()["token"]
        me = api.call("GET", "/api/v1/me", token=token)
        assert me.get_json()["user"]["username"] == "fuzz_shop"


def test_strange_but_valid_text_is_stored_as_sent(api, shop):
    token = shop["token"]
    for text in ["🛒🔥 手持料理棒", "\u202eevil\u202c", "مرحبا", "<b>&amp;</b>"]:
        product = api.product(token, title=text, brand=text[:80], description=text)
        got = api.call("GET", f"/api/v1/products/{product['id']}").get_json()
        assert got["product"]["title"] == text
        assert got["product"]["description"] == text
    product = api.product(token, title="a\x00b", brand="\x00x")
    assert (product["title"], product["brand"]) == ("ab", "x")


# --- broken images -------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(BROKEN_IMAGES))
def test_broken_images_via_api(app, api, shop, name):
    data, status = BROKEN_IMAGES[name]
    path = f"/api/v1/products/{shop['product']['id']}/images"
    for filename, mime in [("a.png", "image/png"), ("a.svg", "image/svg+xml")]:
        file = (io.BytesIO(data), filename, mime)
        resp = api.call("POST", path, token=shop["token"], data={"file": file})
        assert_api_error(resp, status)
    assert stored_product(shop["product"]["id"]) == shop["before"]
    assert media_files(app) == []
    with db.connection_context():
        assert Image.select().count() == 0


def test_image_upload_without_multipart_is_a_400(api, shop):
    path = f"/api/v1/products/{shop['product']['id']}/images"
    for kwargs in [
        {"json": {"file": "aGVsbG8="}},
        {"data": b"\x89PNG\r\n", "headers": {"Content-Type": "image/png"}},
        {"data": {"file": "not a file"}},
        {},
    ]:
        resp = api.call("POST", path, token=shop["token"], **kwargs)
        assert_api_error(resp, 400)
    assert stored_product(shop["product"]["id"]) == shop["before"]


def test_oversized_upload_is_413(app, api, shop):
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    path = f"/api/v1/products/{shop['product']['id']}/images"
    big = (io.BytesIO(b"\x89PNG" + os.urandom(100 * 1024)), "big.png")
    resp = api.call("POST", path, token=shop["token"], data={"file": big})
    assert_api_error(resp, 413)
    assert stored_product(shop["product"]["id"]) == shop["before"]


@pytest.fixture
def merchant_browser(app, shop):
    """A browser signed in as the shop, with its product."""
    browser = app.test_client()
    assert AuthActions(browser).login("fuzz_shop").status_code == 302
    return browser


def form_post(browser, path, data, csrf_page="/merchant/products"):
    data = {"csrf_token": csrf_token(browser, csrf_page), **data}
    return browser.post(path, data=data, content_type="multipart/form-data")


@pytest.mark.parametrize("name", sorted(BROKEN_IMAGES))
def test_broken_images_via_merchant_pages(app, merchant_browser, shop, name):
    data, _ = BROKEN_IMAGES[name]
    pid = shop["product"]["id"]
    resp = form_post(
        merchant_browser,
        f"/merchant/products/{pid}/images",
        {"file": (io.BytesIO(data), "photo.png", "image/png")},
    )
    assert resp.status_code == 302
    fields = {
        "title": "New with a broken photo",
        "price": "10",
        "category": "food",
        "images": [(io.BytesIO(data), "photo.png", "image/png")],
    }
    resp = form_post(merchant_browser, "/merchant/products/new", fields)
    assert resp.status_code == 400
    assert stored_product(pid) == shop["before"]
    assert media_files(app) == []
    with db.connection_context():
        assert Product.select().count() == 1  # nothing half-created


@pytest.mark.parametrize("name", sorted(BROKEN_IMAGES))
def test_broken_images_as_avatar(app, merchant_browser, shop, name):
    data, _ = BROKEN_IMAGES[name]
    before = stored_user("fuzz_shop")
    resp = form_post(
        merchant_browser,
        "/settings/profile",
        {"display_name": "Changed", "avatar": (io.BytesIO(data), "me.png")},
        csrf_page="/settings/profile",
    )
    assert resp.status_code == 400
    assert stored_user("fuzz_shop") == before  # the name did not change either
    assert media_files(app) == []


# --- form POST routes ----------------------------------------------------------------

PRODUCT_FORM_FIELDS = [
    "title",
    "description",
    "price",
    "currency",
    "stock",
    "category",
    "brand",
    "tags",
    "commission_bps",
]
FORM_TEXT = STRANGE_TEXT + ["-1", "1.5", "10" * 20, "9" * 5000, "0x1F", "1,2,3"]


@pytest.mark.parametrize("field", PRODUCT_FORM_FIELDS)
def test_merchant_product_forms_with_strange_values(merchant_browser, shop, field):
    pid = shop["product"]["id"]
    path = f"/merchant/products/{pid}/edit"
    base = {"title": "Form fuzz", "price": "12.50", "category": "food"}
    for value in FORM_TEXT:
        resp = form_post(
            merchant_browser, "/merchant/products/new", {**base, field: value}
        )
        assert resp.status_code in (302, 400), value
        if resp.status_code == 302:
            new_id = int(resp.location.split("/")[-2])
            saved = stored_product(new_id)[0]
            saved["merchant"] = {"username": "fuzz_shop"}
            assert_valid_product(saved, "fuzz_shop")

        before = stored_product(pid)
        resp = form_post(merchant_browser, path, {"stock": "7", field: value}, path)
        assert resp.status_code in (302, 400), value
        if resp.status_code == 400:
            assert stored_product(pid) == before, value


def test_invalid_utf8_and_repeated_fields_in_forms(merchant_browser, shop):
    pid = shop["product"]["id"]
    token = csrf_token(merchant_browser, "/merchant/products")
    body = (
        f"csrf_token={token}&title=%FF%FE%00&price=%C0%AF&category=food"
        "&category=kitchen&stock=1&stock=2"
    ).encode()
    for path in ("/merchant/products/new", f"/merchant/products/{pid}/edit"):
        resp = merchant_browser.post(
            path, data=body, content_type="application/x-www-form-urlencoded"
        )
        assert resp.status_code == 400  # the price "\ufffd/" is not a number
    assert stored_product(pid) == shop["before"]


SIGNUP_FIELDS = ["username", "email", "password", "role", "display_name"]


@pytest.mark.parametrize("field", SIGNUP_FIELDS)
def test_signup_form_with_strange_values(app, shop, field):
    for n, value in enumerate(STRANGE_TEXT):
        browser = app.test_client()
        username = f"form_newbie{n}"
        data = {
            "username": username,
            "email": f"{username}@example.com",
            "password": PASSWORD,
            "role": "shopper",
            field: value,
        }
        data["csrf_token"] = csrf_token(browser, "/signup")
        resp = browser.post("/signup", data=data)
        assert resp.status_code in (302, 400), value
        if resp.status_code == 302:
            assert field != "email", value
            if field == "username":
                username = value.strip().lower()
            with db.connection_context():
                user = User.get(User.username == username)
                assert user.roles == ["shopper"]
                assert 0 < len(user.display_name) <= 60


def test_login_form_with_strange_values(app, shop):
    before = stored_user("fuzz_shop")
    for value in FORM_TEXT:
        for data in (
            {"login": value, "password": PASSWORD},
            {"login": "fuzz_shop", "password": value},
        ):
            browser = app.test_client()
            data["csrf_token"] = csrf_token(browser, "/login")
            resp = browser.post("/login", data=data)
            assert resp.status_code in (401, 429), value
            assert browser.get("/api/v1/me").status_code == 401
    assert stored_user("fuzz_shop") == before


def test_account_forms_with_strange_values(merchant_browser, shop):
    before = stored_user("fuzz_shop")
    browser = merchant_browser
    for value in FORM_TEXT:
        posts = [
            ("/settings/profile", {"display_name": "Name", "bio": value}),
            ("/settings/profile", {"display_name": value, "bio": ""}),
            ("/settings/profile", {"locale": value}),
            ("/settings/password", {"current_password": value, "new_password": value}),
            ("/settings/password", {"current_password": "nope", "new_password": value}),
        ]
        for path, data in posts:
            resp = form_post(browser, path, data, csrf_page=path)
            assert resp.status_code in (302, 400), (path, data)
        for data in [
            {"lang": value, "next": value},
            {"lang": "en", "next": "/x" + value},
            {"lang": "en", "next": value + "\r\nSet-Cookie: a=b"},
        ]:
            resp = form_post(browser, "/language", data, csrf_page="/")
            assert resp.status_code == 302, data
            assert "\n" not in resp.headers["Location"]
            assert resp.headers["Location"].startswith("/")
    after = stored_user("fuzz_shop")
    # The password and session never changed; profile fields may have (valid input).
    for key in ("password_hash", "session_version", "username", "email", "status"):
        assert after[0][key] == before[0][key], key
    assert after[1] == before[1]


def test_admin_user_form_with_strange_values(app, api, shop):
    api.user("boss")
    with db.connection_context():
        accounts.set_roles(User.get(User.username == "boss"), ["admin"])
    browser = app.test_client()
    assert AuthActions(browser).login("boss").status_code == 302
    victim = stored_user("fuzz_shop")
    path = f"/admin/users/{victim[0]['id']}"
    for value in STRANGE_TEXT:
        for data in (
            {"roles": [value, "bogus"], "status": "active"},
            {"roles": [value], "status": value},
            {"roles": ["merchant"], "status": value},
        ):
            resp = form_post(browser, path, data, csrf_page="/admin/users")
            assert resp.status_code == 302, value
        assert stored_user("fuzz_shop") == victim, value


def test_login_next_parameter_is_never_echoed_unsafely(app, shop):
    for target in [
        "/ok\r\nSet-Cookie: evil=1",
        "//evil.example",
        "https://evil.example",
    ]:
        browser = app.test_client()
        token = csrf_token(browser, "/login")
        resp = browser.post(
            "/login",
            query_string={"next": target},
            data={"csrf_token": token, "login": "fuzz_shop", "password": PASSWORD},
        )
        assert resp.status_code == 302
        location = resp.headers["Location"]
        assert "\n" not in location and "evil" not in location


# --- property tests with Hypothesis --------------------------------------------------

JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats(allow_nan=False)
    | st.text(max_size=300)
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
FIELD_VALUES = {
    "title": st.text(max_size=250) | JSON_VALUES,
    "description": st.text(max_size=300) | JSON_VALUES,
    "price_cents": st.integers(-10, catalog.PRICE_MAX + 10) | JSON_VALUES,
    "currency": st.sampled_from(catalog.CURRENCIES + ("cny", "BTC")) | JSON_VALUES,
    "stock": st.integers(-10, catalog.STOCK_MAX + 10) | JSON_VALUES,
    "category": st.sampled_from(sorted(catalog.CATEGORIES)) | JSON_VALUES,
    "brand": st.text(max_size=100) | JSON_VALUES,
    "tags": st.lists(st.text(max_size=35), max_size=22) | st.text() | JSON_VALUES,
    "commission_bps": st.integers(-10, catalog.COMMISSION_MAX + 10) | JSON_VALUES,
    # Never writable: they must be ignored whatever their value.
    "merchant": JSON_VALUES,
    "merchant_id": st.integers(0, 5) | JSON_VALUES,
    "id": st.integers(0, 10**6) | JSON_VALUES,
    "status": st.sampled_from(["archived", "active", "deleted"]) | JSON_VALUES,
    "sales_count": st.integers() | JSON_VALUES,
}
BODIES = st.fixed_dictionaries({}, optional=FIELD_VALUES) | JSON_VALUES


def send_json(api, method, path, token, body):
    """Send any JSON value, `null` included (the test client's json=None sends none)."""
    data = json.dumps(body)
    headers = {"Content-Type": "application/json"}
    return api.call(method, path, token=token, data=data, headers=headers)


@FUZZ_SETTINGS
@given(body=BODIES)
def test_property_create_product_with_any_json(api, shop, body):
    token = shop["token"]
    with db.connection_context():
        count = Product.select().count()
    resp = send_json(api, "POST", "/api/v1/products", token, body)
    assert resp.status_code in (201, 400), resp.get_data(as_text=True)[:300]
    if resp.status_code == 201:
        product = resp.get_json()["product"]
        assert_valid_product(product, "fuzz_shop")
        assert product["status"] == "active"
        for field in ("price_cents", "stock", "commission_bps", "category"):
            if field in body and type(body[field]) is type(product[field]):
                assert product[field] == body[field], field
        got = api.call("GET", f"/api/v1/products/{product['id']}").get_json()
        assert got["product"] == product
    else:
        assert_api_error(resp, 400)
        with db.connection_context():
            assert Product.select().count() == count
    assert stored_product(shop["product"]["id"]) == shop["before"]


@FUZZ_SETTINGS
@given(body=BODIES)
def test_property_patch_product_with_any_json(api, shop, body):
    token, pid = shop["token"], shop["product"]["id"]
    path = f"/api/v1/products/{pid}"
    before = api.call("GET", path).get_json()["product"]
    before_row = stored_product(pid)
    resp = send_json(api, "PATCH", path, token, body)
    assert resp.status_code in (200, 400), resp.get_data(as_text=True)[:300]
    if resp.status_code == 400:
        assert_api_error(resp, 400)
        assert stored_product(pid) == before_row
        return
    after = resp.get_json()["product"]
    assert_valid_product(after, "fuzz_shop")
    assert after["id"] == pid
    for field in catalog.FIELDS:
        if field not in body:
            assert after[field] == before[field], field
    got = api.call("GET", path).get_json()["product"]
    # GET adds what a buy sheet needs (issue 16) to the product as PATCH answers it
    assert set(got) - set(after) == {"payment_methods", "available", "shipping"}
    assert {k: v for k, v in got.items() if k in after} == after
