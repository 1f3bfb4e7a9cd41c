"""One or more tests per SECURITY.md requirement that the foundation touches.

Each test fails if the protection it names is removed or weakened.
"""

import gzip
import io
import os
import re
import sqlite3
import stat
import subprocess
import sys
import textwrap
from importlib.metadata import version
from pathlib import Path

import pytest

import config
from app import create_app
from livestall.accounts import passwords
from livestall.accounts import rules as accounts
from livestall.accounts.models import User
from livestall.catalog.models import Product
from livestall.media.models import Image
from tests.plugins.api import Api
from tests.plugins.app import FAST_HASH, PASSWORD, AuthActions, csrf_token, read_db

ROOT = Path(__file__).resolve().parents[2]
SESSION_COOKIE = "livestall_session"
STRONG = "scrypt:131072:8:1"


# --- helpers --------------------------------------------------------------------------


def count(model):
    return read_db(lambda: model.select().count())


def get_user(username):
    return read_db(lambda: User.get_or_none(User.username == username))


def signed_in_as(client):
    resp = client.get("/api/v1/me")
    if resp.status_code == 200:
        return resp.get_json()["user"]["username"]
    assert resp.status_code == 401
    return None


@pytest.fixture
def clean_env(monkeypatch):
    """No LIVESTALL_* variable from the outer environment leaks into the test."""
    for name in list(os.environ):
        if name.startswith("LIVESTALL_"):
            monkeypatch.delenv(name)
    return monkeypatch


def login_form(client, login, password=PASSWORD, ip="127.0.0.1"):
    token = csrf_token(client, "/login")
    return client.post(
        "/login",
        data={"csrf_token": token, "login": login, "password": password},
        environ_base={"REMOTE_ADDR": ip},
    )


def set_cookie_header(resp, name=SESSION_COOKIE):
    headers = [h for h in resp.headers.getlist("Set-Cookie") if h.startswith(name)]
    assert headers, f"no {name} cookie set"
    return headers[-1]


def cookie_attrs(header):
    parts = [p.strip() for p in header.split(";")[1:]]
    return {p.split("=")[0].lower(): (p.split("=", 1) + [""])[1] for p in parts}


# --- passwords: hashing ---------------------------------------------------------------


def test_strong_password_hash_is_the_default(clean_env):
    assert config.STRONG_PASSWORD_HASH == STRONG
    assert config.load_config()["PASSWORD_HASH_METHOD"] == STRONG
    hashed = passwords.hash_password("a long passphrase", STRONG)
    assert hashed.startswith(STRONG + "$")
    assert passwords.verify_password(hashed, "a long passphrase")


def test_default_app_stores_scrypt_hashes(tmp_path, clean_env):
    """An app left at its defaults hashes a new account's password with scrypt."""
    app = create_app({"DATA_DIR": str(tmp_path / "d"), "SECRET_KEY": "k"})
    assert app.config["PASSWORD_HASH_METHOD"] == STRONG
    resp = app.test_client().post(
        "/api/v1/users",
        json={
            "username": "strong",
            "email": "strong@example.com",
            "password": PASSWORD,
        },
    )
    assert resp.status_code == 201
    assert get_user("strong").password_hash.startswith(STRONG + "$")


def test_fixture_app_uses_the_configured_method(auth):
    """The app hashes with PASSWORD_HASH_METHOD (here the fixture's fast one)."""
    auth.signup("alice")
    assert get_user("alice").password_hash.startswith(FAST_HASH + "$")


# --- passwords: length and common-password list ------------------------------------

REFUSED = [
    ("", "at least 8"),
    ("Ab1!xyz", "at least 8"),  # 7 characters
    ("Zq7!mK2p" * 16 + "x", "at most 128"),  # 129 characters
    ("password1", "too common"),
    ("12345678", "too common"),
    ("qwertyuiop", "too common"),
    ("woaini1314", "too common"),
    ("PassWord1", "too common"),  # case-insensitive
    ("iloveyou", "too common"),
]
ACCEPTED = ["Zq7!mK2p", "Zq7!mK2p" * 16]  # exactly 8 and exactly 128 characters


def test_common_password_list_is_shipped():
    path = ROOT / "livestall" / "accounts" / "data" / "common-passwords.txt.gz"
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        words = {line.strip() for line in fh if line.strip()}
    assert len(words) >= 10_000
    assert {"password1", "12345678", "qwertyuiop"} <= words
    assert len(passwords.common_passwords()) >= len(words)


@pytest.mark.parametrize(("password", "message"), REFUSED)
def test_weak_password_refused_by_signup_form(client, password, message):
    resp = client.post(
        "/signup",
        data={
            "csrf_token": csrf_token(client, "/signup"),
            "username": "alice",
            "email": "alice@example.com",
            "password": password,
            "role": "shopper",
        },
    )
    assert resp.status_code == 400
    assert message in resp.get_data(as_text=True)
    assert count(User) == 0


@pytest.mark.parametrize(("password", "message"), REFUSED)
def test_weak_password_refused_by_api(api, password, message):
    resp = api.call(
        "POST",
        "/api/v1/users",
        json={
            "username": "alice",
            "email": "alice@example.com",
            "password": password,
        },
    )
    assert resp.status_code == 400
    error = resp.get_json()["error"]
    assert error["field"] == "password"
    assert message in error["message"]
    assert count(User) == 0


@pytest.mark.parametrize("password", ACCEPTED)
def test_length_bounds_accepted(api, password):
    resp = api.call(
        "POST",
        "/api/v1/users",
        json={
            "username": "alice",
            "email": "alice@example.com",
            "password": password,
        },
    )
    assert resp.status_code == 201
    resp = api.call(
        "POST", "/api/v1/tokens", json={"login": "alice", "password": password}
    )
    assert resp.status_code == 201


def test_weak_new_password_refused_on_change(client, auth):
    auth.signup("alice")
    before = get_user("alice").password_hash
    resp = client.post(
        "/settings/password",
        data={
            "csrf_token": auth.token("/settings/password"),
            "current_password": PASSWORD,
            "new_password": "woaini1314",
        },
    )
    assert resp.status_code == 400
    assert get_user("alice").password_hash == before


# --- login throttling -----------------------------------------------------------------


def test_login_throttled_per_account_and_address(app, auth):
    """Failures delay the (account, address) pair they come from, not the owner
    elsewhere (tests/accounts/test_throttling.py: delays, caps, known devices)."""
    limit = app.config["LOGIN_FREE_FAILURES"]
    assert 1 <= limit <= 10
    auth.signup("alice")
    auth.logout()
    client = app.test_client()  # a stranger's: auth's client is a known device now
    for _ in range(limit):
        resp = login_form(client, "alice", "wrong password", ip="10.0.0.1")
        assert resp.status_code == 401
    resp = login_form(client, "alice", PASSWORD, ip="10.0.0.1")
    assert resp.status_code == 429
    assert int(resp.headers["Retry-After"]) >= 1
    assert "Too many failed sign-in attempts" in resp.get_data(as_text=True)
    assert signed_in_as(client) is None
    # the API's token endpoint shares the same pair
    resp = app.test_client().post(
        "/api/v1/tokens",
        json={"login": "alice", "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "10.0.0.1"},
    )
    assert resp.status_code == 429
    assert resp.get_json()["error"]["code"] == "rate_limited"
    assert int(resp.headers["Retry-After"]) >= 1
    # the owner at another address, and another account, are unaffected
    assert login_form(app.test_client(), "alice", ip="10.0.3.1").status_code == 302
    other = AuthActions(app.test_client())
    other.signup("bob")
    other.logout()
    assert login_form(other.client, "bob", ip="10.0.0.1").status_code == 302


def test_login_throttle_counts_username_and_email_together(app, api):
    """Switching between username and email does not reset the account's count."""
    limit = app.config["LOGIN_FREE_FAILURES"]
    api.user("alice")
    client = app.test_client()
    for i in range(limit):
        login = "alice" if i % 2 else "ALICE@example.com"
        resp = login_form(client, login, "nope nope", ip="10.9.0.1")
        assert resp.status_code == 401
    for login in ("alice", "alice@example.com"):
        assert login_form(client, login, ip="10.9.0.1").status_code == 429


def test_login_throttled_per_ip(app, api):
    limit = app.config["LOGIN_LIMIT_PER_IP"]
    per_account = app.config["LOGIN_LIMIT_PER_ACCOUNT"]
    assert limit <= 100
    api.user("victim")
    client = app.test_client()
    # one failure each on many different accounts, all from one address
    for i in range(limit):
        login = f"user{i}" if i % 2 else f"user{i}@example.com"
        resp = login_form(client, login, "wrong password", ip="203.0.113.7")
        assert resp.status_code == 401
    assert per_account > 1  # so no single account counter is what trips
    resp = login_form(client, "victim", PASSWORD, ip="203.0.113.7")
    assert resp.status_code == 429
    assert int(resp.headers["Retry-After"]) >= 1
    assert signed_in_as(client) is None
    # the same account from another address is fine
    assert login_form(app.test_client(), "victim", ip="198.51.100.2").status_code == 302


def test_login_limit_shared_between_app_instances(tmp_path, clean_env):
    """Failures counted by one app instance are seen by another on the same data."""
    settings = {
        "TESTING": True,
        "DATA_DIR": str(tmp_path / "shared"),
        "SECRET_KEY": "test-secret",
        "PASSWORD_HASH_METHOD": FAST_HASH,
        "SESSION_COOKIE_SECURE": False,
    }
    app_a = create_app(settings)
    Api(app_a.test_client()).user("alice")
    client_a = app_a.test_client()
    for _ in range(app_a.config["LOGIN_FREE_FAILURES"]):
        resp = login_form(client_a, "alice", "bad guess!", ip="10.1.0.1")
        assert resp.status_code == 401
    assert login_form(client_a, "alice", ip="10.1.0.1").status_code == 429

    app_b = create_app(settings)
    client_b = app_b.test_client()
    resp = login_form(client_b, "alice", ip="10.1.0.1")
    assert resp.status_code == 429
    assert signed_in_as(client_b) is None
    # the counters live in the database file every process opens
    with sqlite3.connect(tmp_path / "shared" / "livestall.db") as conn:
        (failures,) = conn.execute("SELECT MAX(failures) FROM sign_in_delay").fetchone()
        (hits,) = conn.execute(
            "SELECT SUM(hits) FROM rate_counter WHERE key LIKE '%:login:acct:%'"
        ).fetchone()
    assert failures == hits == app_a.config["LOGIN_FREE_FAILURES"]


def test_login_limit_holds_in_another_process(tmp_path, clean_env):
    """A separate Python process on the same data dir is refused too."""
    data_dir = tmp_path / "proc"
    app_a = create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(data_dir),
            "SECRET_KEY": "test-secret",
            "PASSWORD_HASH_METHOD": FAST_HASH,
        }
    )
    Api(app_a.test_client()).user("alice")
    client_a = app_a.test_client()
    for _ in range(app_a.config["LOGIN_FREE_FAILURES"]):
        login_form(client_a, "alice", "bad guess!", ip="10.2.0.1")
    script = textwrap.dedent(
        f"""
        from app import create_app
        app = create_app({{
            "TESTING": True, "DATA_DIR": {str(data_dir)!r},
            "SECRET_KEY": "test-secret", "PASSWORD_HASH_METHOD": {FAST_HASH!r},
        }})
        resp = app.test_client().post(
            "/api/v1/tokens", json={{"login": "alice", "password": {PASSWORD!r}}},
            environ_base={{"REMOTE_ADDR": "10.2.0.1"}},
        )
        print(resp.status_code)
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert out.stdout.strip().splitlines()[-1] == "429", out.stderr


# --- session cookies ------------------------------------------------------------------


def test_session_cookie_httponly_and_samesite(auth):
    auth.signup("alice")
    auth.logout()
    resp = auth.login("alice")
    assert resp.status_code == 302
    attrs = cookie_attrs(set_cookie_header(resp))
    assert "httponly" in attrs
    assert attrs["samesite"].lower() == "lax"


def test_session_cookie_secure_by_default(tmp_path, clean_env):
    assert config.load_config()["SESSION_COOKIE_SECURE"] is True
    app = create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(tmp_path / "prod"),
            "PASSWORD_HASH_METHOD": FAST_HASH,
        }
    )
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    Api(app.test_client()).user("alice")
    client = app.test_client()
    base = "https://localhost"
    html = client.get("/login", base_url=base).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    resp = client.post(
        "/login",
        base_url=base,
        headers={"Referer": base + "/login"},  # HTTPS CSRF checks the referrer
        data={
            "csrf_token": token,
            "login": "alice",
            "password": PASSWORD,
            "remember": "1",
        },
    )
    assert resp.status_code == 302
    for name in (SESSION_COOKIE, "remember_token"):
        attrs = cookie_attrs(set_cookie_header(resp, name))
        assert "secure" in attrs, name
        assert "httponly" in attrs, name
        assert attrs["samesite"].lower() == "lax", name


def test_insecure_cookies_only_in_development(clean_env):
    clean_env.setenv("LIVESTALL_ENV", "development")
    assert config.load_config()["SESSION_COOKIE_SECURE"] is False
    clean_env.setenv("LIVESTALL_ENV", "staging")
    assert config.load_config()["SESSION_COOKIE_SECURE"] is True


def test_session_cleared_on_login(client, auth):
    auth.signup("alice")
    auth.logout()
    with client.session_transaction() as s:
        s["planted"] = 1
        s["_user_id"] = "999:1"
    assert auth.login("alice").status_code == 302
    with client.session_transaction() as s:
        assert "planted" not in s
        alice = get_user("alice")
        assert s["_user_id"] == f"{alice.id}:{alice.session_version}"


def test_session_cleared_on_signup(client, auth):
    with client.session_transaction() as s:
        s["planted"] = 1
    assert auth.signup("alice").status_code == 302
    with client.session_transaction() as s:
        assert "planted" not in s


def test_logout_invalidates_copied_cookie(app, client, auth):
    auth.signup("alice")
    old = client.get_cookie(SESSION_COOKIE).value
    assert auth.logout().status_code == 302
    assert get_user("alice").session_version == 2
    client.set_cookie(SESSION_COOKIE, old)
    assert signed_in_as(client) is None
    resp = client.get("/settings/profile")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    other = app.test_client()
    other.set_cookie(SESSION_COOKIE, old)
    assert signed_in_as(other) is None


def test_logout_invalidates_remember_cookie(app, client, auth):
    auth.signup("alice")
    auth.logout()
    token = auth.token("/login")
    client.post(
        "/login",
        data={
            "csrf_token": token,
            "login": "alice",
            "password": PASSWORD,
            "remember": "1",
        },
    )
    remember = client.get_cookie("remember_token").value
    only_remember = app.test_client()
    only_remember.set_cookie("remember_token", remember)
    assert signed_in_as(only_remember) == "alice"
    auth.logout()
    again = app.test_client()
    again.set_cookie("remember_token", remember)
    assert signed_in_as(again) is None


def test_password_change_invalidates_copied_cookie(app, client, auth):
    auth.signup("alice")
    old = client.get_cookie(SESSION_COOKIE).value
    resp = client.post(
        "/settings/password",
        data={
            "csrf_token": auth.token("/settings/password"),
            "current_password": PASSWORD,
            "new_password": "a fresh new passphrase",
        },
    )
    assert resp.status_code == 302
    assert signed_in_as(client) == "alice"
    other = app.test_client()
    other.set_cookie(SESSION_COOKIE, old)
    assert signed_in_as(other) is None


# --- secret key and debug -------------------------------------------------------------


def test_secret_key_generated_per_data_dir(tmp_path, clean_env):
    app_a = create_app({"DATA_DIR": str(tmp_path / "a")})
    key_file = tmp_path / "a" / "secret_key"
    assert key_file.exists()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key_a = app_a.config["SECRET_KEY"]
    assert key_a == key_file.read_text().strip()
    assert len(key_a) >= 32
    app_b = create_app({"DATA_DIR": str(tmp_path / "b")})
    assert app_b.config["SECRET_KEY"] != key_a
    # stable across restarts on the same data dir
    assert create_app({"DATA_DIR": str(tmp_path / "a")}).config["SECRET_KEY"] == key_a
    # and not written anywhere in the code
    for path in ("config.py", "app.py", "extensions.py"):
        assert key_a not in (ROOT / path).read_text()


def test_secret_key_from_environment(tmp_path, clean_env):
    clean_env.setenv("LIVESTALL_SECRET_KEY", "from-the-environment-0123456789")
    app = create_app({"DATA_DIR": str(tmp_path / "env")})
    assert app.config["SECRET_KEY"] == "from-the-environment-0123456789"
    assert not (tmp_path / "env" / "secret_key").exists()


def test_config_never_holds_a_secret_key(clean_env):
    assert "SECRET_KEY" not in config.load_config()


def test_debug_off_by_default(tmp_path, clean_env):
    app = create_app({"DATA_DIR": str(tmp_path / "d")})
    assert app.debug is False
    assert app.config["DEBUG"] is False
    assert app.config["ENV_NAME"] == "production"
    resp = app.test_client().get("/no-such-page")
    assert resp.status_code == 404
    assert "Traceback" not in resp.get_data(as_text=True)


# --- security headers -----------------------------------------------------------------


def csp_directives(value):
    out = {}
    for part in value.split(";"):
        words = part.split()
        if words:
            out[words[0].lower()] = words[1:]
    return out


@pytest.mark.parametrize(
    ("path", "status", "json"),
    [
        ("/", 200, False),
        ("/login", 200, False),
        ("/signup", 200, False),
        ("/no-such-page", 404, False),
        ("/api/v1/me", 401, True),
        ("/api/v1/no-such-thing", 404, True),
    ],
)
def test_security_headers_everywhere(client, path, status, json):
    resp = client.get(path)
    assert resp.status_code == status
    assert resp.is_json is json
    csp = csp_directives(resp.headers["Content-Security-Policy"])
    script_src = csp.get("script-src", csp.get("default-src"))
    assert script_src is not None
    assert "'unsafe-inline'" not in script_src
    assert "'unsafe-eval'" not in script_src
    assert "*" not in script_src
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Referrer-Policy"] in (
        "no-referrer",
        "same-origin",
        "strict-origin",
        "strict-origin-when-cross-origin",
    )
    assert resp.headers["X-Frame-Options"] == "DENY"


def test_security_headers_on_signed_in_pages(client, auth):
    auth.signup("alice", role="merchant")
    for path in ("/settings/profile", "/merchant/products", "/merchant/products/new"):
        resp = client.get(path)
        assert resp.status_code == 200
        assert "frame-ancestors 'none'" in resp.headers["Content-Security-Policy"]
        assert resp.headers["X-Content-Type-Options"] == "nosniff"
        assert "no-store" in resp.headers["Cache-Control"]


INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc\s*=)[^>]*>", re.I)
STYLE_ATTR = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I)
HANDLER_ATTR = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)
JS_URL = re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.I)
TEMPLATES = sorted((ROOT / "templates").rglob("*.html"))


def test_templates_exist():
    assert len(TEMPLATES) >= 10
    assert ROOT / "templates" / "base.html" in TEMPLATES


@pytest.mark.parametrize(
    "path", TEMPLATES, ids=[str(p.relative_to(ROOT)) for p in TEMPLATES]
)
def test_template_has_no_inline_script_or_style(path):
    text = path.read_text(encoding="utf-8")
    assert not INLINE_SCRIPT.findall(text)
    assert not STYLE_ATTR.findall(text)
    assert not HANDLER_ATTR.findall(text)
    assert not JS_URL.findall(text)


def test_inline_patterns_detect_what_they_should():
    """The template scan's patterns do catch the forbidden forms."""
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert not INLINE_SCRIPT.search('<script src="/static/js/a.js"></script>')
    assert STYLE_ATTR.search('<div class="x" style="color:red">')
    assert HANDLER_ATTR.search('<button type="button" onclick="go()">')
    assert not HANDLER_ATTR.search('<input name="one" value="on">')


@pytest.mark.parametrize("path", ["/", "/login", "/signup", "/no-such-page"])
def test_rendered_pages_have_no_inline_script(client, path):
    html = client.get(path).get_data(as_text=True)
    assert "<html" in html
    assert not INLINE_SCRIPT.findall(html)
    assert not STYLE_ATTR.findall(html)
    assert not HANDLER_ATTR.findall(html)


# --- CSRF -----------------------------------------------------------------------------

CSRF_MESSAGE = "The form expired or came from another site."


def test_csrf_signup(client):
    resp = client.post(
        "/signup",
        data={
            "username": "alice",
            "email": "alice@example.com",
            "password": PASSWORD,
            "role": "shopper",
        },
    )
    assert resp.status_code == 400
    assert CSRF_MESSAGE in resp.get_data(as_text=True)
    assert count(User) == 0


def test_csrf_login(client, api):
    api.user("alice")
    client.get("/login")
    resp = client.post("/login", data={"login": "alice", "password": PASSWORD})
    assert resp.status_code == 400
    assert CSRF_MESSAGE in resp.get_data(as_text=True)
    assert signed_in_as(client) is None
    # a token from another browser's session is no good either
    foreign = csrf_token(api.client.application.test_client(), "/login")
    resp = client.post(
        "/login", data={"csrf_token": foreign, "login": "alice", "password": PASSWORD}
    )
    assert resp.status_code == 400
    assert signed_in_as(client) is None


def test_csrf_logout(client, auth):
    auth.signup("alice")
    resp = client.post("/logout")
    assert resp.status_code == 400
    assert CSRF_MESSAGE in resp.get_data(as_text=True)
    assert signed_in_as(client) == "alice"
    assert get_user("alice").session_version == 1


def test_csrf_profile(client, auth):
    auth.signup("alice")
    resp = client.post(
        "/settings/profile", data={"display_name": "Hacked", "bio": "pwned"}
    )
    assert resp.status_code == 400
    assert CSRF_MESSAGE in resp.get_data(as_text=True)
    user = get_user("alice")
    assert (user.display_name, user.bio) == ("alice", "")


def test_csrf_password_change(client, auth):
    auth.signup("alice")
    before = get_user("alice").password_hash
    resp = client.post(
        "/settings/password",
        data={"current_password": PASSWORD, "new_password": "attacker's choice!"},
    )
    assert resp.status_code == 400
    assert get_user("alice").password_hash == before


PRODUCT_FORM = {
    "title": "Hand Blender",
    "price": "129.00",
    "category": "kitchen",
    "stock": "5",
}


def test_csrf_merchant_new_product(client, auth):
    auth.signup("merch", role="merchant")
    resp = client.post("/merchant/products/new", data=PRODUCT_FORM)
    assert resp.status_code == 400
    assert CSRF_MESSAGE in resp.get_data(as_text=True)
    assert count(Product) == 0
    # the same form with its token works (so the 400 above was the CSRF check)
    data = {**PRODUCT_FORM, "csrf_token": auth.token("/merchant/products/new")}
    assert client.post("/merchant/products/new", data=data).status_code == 302
    assert count(Product) == 1


def test_csrf_admin_user_update(app, client, auth, api):
    api_client = app.test_client()
    Api(api_client).user("carol")
    auth.signup("boss")
    read_db(lambda: accounts.set_roles(User.get(User.username == "boss"), ["admin"]))
    carol = get_user("carol")
    resp = client.post(
        f"/admin/users/{carol.id}", data={"roles": ["admin"], "status": "suspended"}
    )
    assert resp.status_code == 400
    carol = get_user("carol")
    assert carol.roles == ["shopper"] and carol.status == "active"


NEW_PRODUCT = {"title": "Tea set", "price_cents": 9900, "category": "kitchen"}


def test_csrf_cookie_authenticated_api_write(client, auth):
    auth.signup("merch", role="merchant")
    resp = client.post("/api/v1/products", json=NEW_PRODUCT)
    assert resp.status_code == 400
    assert resp.get_json()["error"]["code"] == "csrf_failed"
    resp = client.post(
        "/api/v1/products", json=NEW_PRODUCT, headers={"X-CSRFToken": "forged"}
    )
    assert resp.status_code == 400
    assert resp.get_json()["error"]["code"] == "csrf_failed"
    assert count(Product) == 0
    token = auth.token("/merchant/products")
    resp = client.post(
        "/api/v1/products", json=NEW_PRODUCT, headers={"X-CSRFToken": token}
    )
    assert resp.status_code == 201
    assert resp.get_json()["product"]["title"] == "Tea set"
    assert count(Product) == 1


def test_csrf_cookie_authenticated_api_delete(client, auth):
    auth.signup("merch", role="merchant")
    token = auth.token("/merchant/products")
    resp = client.post(
        "/api/v1/products", json=NEW_PRODUCT, headers={"X-CSRFToken": token}
    )
    product_id = resp.get_json()["product"]["id"]
    resp = client.delete(f"/api/v1/products/{product_id}")
    assert resp.status_code == 400
    assert resp.get_json()["error"]["code"] == "csrf_failed"
    assert client.get(f"/api/v1/products/{product_id}").status_code == 200


def test_bearer_requests_need_no_csrf(client, auth, api):
    token = api.user("merch", role="merchant")
    product = api.product(token)
    assert product["title"]
    # even from a browser that also holds a session cookie
    auth.signup("alice")
    resp = api.call("POST", "/api/v1/products", token=token, json=NEW_PRODUCT)
    assert resp.status_code == 201
    assert resp.get_json()["product"]["merchant"]["username"] == "merch"
    assert count(Product) == 2


def test_no_state_change_on_get_logout(client, auth):
    auth.signup("alice")
    resp = client.get("/logout")
    assert resp.status_code == 405
    assert signed_in_as(client) == "alice"
    assert get_user("alice").session_version == 1


def test_state_changing_routes_refuse_get(app):
    """Routes that change state accept no GET (forms with GET show a page only)."""
    post_only = {
        "auth.logout",
        "auth.language",
        "admin.update_user",
        "merchant.add_image",
        "merchant.remove_image",
        "merchant.archive_product",
        "merchant.restore_product",
    }
    methods = {r.endpoint: r.methods for r in app.url_map.iter_rules()}
    for endpoint in post_only:
        assert "GET" not in methods[endpoint], endpoint
        assert "POST" in methods[endpoint], endpoint


# --- request size ---------------------------------------------------------------------


def test_max_content_length_configured(clean_env):
    limit = config.load_config()["MAX_CONTENT_LENGTH"]
    assert 0 < limit <= 16 * 1024 * 1024


def test_oversized_upload_gets_413(app, api):
    assert app.config["MAX_CONTENT_LENGTH"] == 16 * 1024 * 1024
    token = api.user("merch", role="merchant")
    product = api.product(token)
    body = b"\0" * (17 * 1024 * 1024)
    resp = api.call(
        "POST",
        f"/api/v1/products/{product['id']}/images",
        token=token,
        data={"file": (io.BytesIO(body), "big.png")},
        content_type="multipart/form-data",
    )
    assert resp.status_code == 413
    error = resp.get_json()["error"]
    assert error["code"] == "too_large" and error["message"]
    assert count(Image) == 0


def test_oversized_json_gets_413(api):
    body = '{"username": "' + "x" * (17 * 1024 * 1024) + '"}'
    resp = api.call("POST", "/api/v1/users", data=body, content_type="application/json")
    assert resp.status_code == 413
    assert resp.get_json()["error"]["code"] == "too_large"
    assert count(User) == 0


def test_oversized_form_gets_413(client):
    token = csrf_token(client, "/signup")
    resp = client.post(
        "/signup",
        data={"csrf_token": token, "username": "x" * (17 * 1024 * 1024)},
    )
    assert resp.status_code == 413
    assert count(User) == 0


# --- dependency floors ----------------------------------------------------------------


def version_tuple(text):
    return tuple(int(n) for n in re.findall(r"\d+", text)[:3])


@pytest.mark.parametrize(
    ("package", "floor"),
    [
        ("python-socketio", (5, 14)),
        ("Flask", (3, 1)),
        ("Werkzeug", (3, 1)),
        ("Pillow", (11,)),
    ],
)
def test_dependency_floor(package, floor):
    assert version_tuple(version(package))[: len(floor)] >= floor


def test_version_tuple_compares_numerically():
    assert version_tuple("5.14.0") > version_tuple("5.9.9")
    assert version_tuple("11.0.0")[:1] >= (11,)
    assert not version_tuple("10.4.0")[:1] >= (11,)
