"""Accounts through the web forms and the JSON API (API.md: Accounts, Conventions)."""

import io
from html import unescape
from urllib.parse import urlsplit

import pytest

from livestall.accounts.models import ApiToken, User
from livestall.media.models import Image
from tests.factories.accounts import admin_token
from tests.plugins.app import PASSWORD, AuthActions, csrf_token, read_db

SESSION_COOKIE = "livestall_session"
NEW_PASSWORD = "a quite different phrase"


# --- helpers --------------------------------------------------------------------------


def get_user(username):
    return read_db(lambda: User.get_or_none(User.username == username))


def user_count():
    return read_db(lambda: User.select().count())


def roles_of(username):
    return read_db(lambda: User.get(User.username == username).roles)


def page(resp):
    return unescape(resp.get_data(as_text=True))


def signed_in_as(client):
    """The username the client's cookies sign in as, or None."""
    resp = client.get("/api/v1/me")
    if resp.status_code == 200:
        return resp.get_json()["user"]["username"]
    assert resp.status_code == 401, resp.get_data(as_text=True)
    return None


def session_cookie(client):
    cookie = client.get_cookie(SESSION_COOKIE)
    assert cookie is not None, "no session cookie"
    return cookie.value


def client_with_cookie(app, value):
    other = app.test_client()
    other.set_cookie(SESSION_COOKIE, value)
    return other


# --- sign up (web) --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "home"),
    [("shopper", "/"), ("creator", "/"), ("merchant", "/merchant/products")],
)
def test_signup_each_role(client, auth, role, home):
    resp = auth.signup("alice", role=role, display_name="Alice Wu")
    assert resp.status_code == 302
    assert urlsplit(resp.headers["Location"]).path == home
    user = get_user("alice")
    assert user is not None
    assert user.email == "alice@example.com"
    assert user.display_name == "Alice Wu"
    assert roles_of("alice") == [role]
    # the password is stored hashed, never as given
    assert PASSWORD not in user.password_hash
    assert user.password_hash.startswith("pbkdf2:sha256:1000$")
    assert signed_in_as(client) == "alice"


def test_signup_normalises_username_and_email(auth):
    resp = auth.signup("Alice_1", email="  Alice@Example.COM ")
    assert resp.status_code == 302
    user = get_user("alice_1")
    assert user is not None and user.email == "alice@example.com"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"username": "ab"}, "Username must be 3–30 characters"),
        ({"username": "bad name!"}, "Username must be 3–30 characters"),
        ({"username": "x" * 31}, "Username must be 3–30 characters"),
        ({"username": "héllo"}, "Username must be 3–30 characters"),
        ({"username": "admin"}, "That username is reserved."),
        ({"username": "Settings"}, "That username is reserved."),
        ({"email": "not-an-email"}, "Enter a valid email address."),
        ({"email": "a@b"}, "Enter a valid email address."),
        ({"email": "<x>@example.com"}, "Enter a valid email address."),
        ({"role": "admin"}, "Role must be shopper, creator or merchant."),
        ({"role": "superuser"}, "Role must be shopper, creator or merchant."),
        ({"password": "short"}, "Password must be at least 8 characters."),
        ({"password": "bob_smith"}, "Password must differ from your username"),
        ({"display_name": "n" * 61}, "Display name must be at most 60 characters."),
    ],
)
def test_signup_field_errors(client, fields, message):
    data = {
        "csrf_token": csrf_token(client, "/signup"),
        "username": "bob_smith",
        "email": "bob@example.com",
        "password": PASSWORD,
        "role": "shopper",
        **fields,
    }
    resp = client.post("/signup", data=data)
    assert resp.status_code == 400
    html = page(resp)
    assert message in html
    assert 'class="error"' in html or "flash-error" in html
    assert user_count() == 0
    assert signed_in_as(client) is None


@pytest.mark.parametrize(
    ("username", "email"),
    [
        ("alice", "other@example.com"),
        ("ALICE", "other@example.com"),
        ("alice", "alice@example.com"),
    ],
)
def test_signup_taken_username_gets_a_clear_message(app, auth, username, email):
    """Usernames are public (profile pages): a taken one is said. A taken email
    is not (tests/accounts/test_throttling.py)."""
    assert auth.signup("alice").status_code == 302
    other = AuthActions(app.test_client())
    resp = other.signup(username, email=email)
    assert resp.status_code == 400
    assert "That username is taken." in page(resp)
    assert user_count() == 1


def test_signup_page_redirects_when_signed_in(client, auth):
    auth.signup("alice")
    resp = client.get("/signup")
    assert resp.status_code == 302


# --- sign in and out (web) ------------------------------------------------------------


@pytest.mark.parametrize("login", ["alice", "alice@example.com", "ALICE@Example.com"])
def test_login_by_username_or_email(app, auth, login):
    auth.signup("alice")
    auth.logout()
    assert signed_in_as(auth.client) is None
    resp = auth.login(login)
    assert resp.status_code == 302
    assert signed_in_as(auth.client) == "alice"


@pytest.mark.parametrize(
    ("login", "password"),
    [("alice", "wrong password!"), ("nobody", PASSWORD), ("", PASSWORD)],
)
def test_login_refused_with_one_message(auth, login, password):
    auth.signup("alice")
    auth.logout()
    resp = auth.login(login, password)
    assert resp.status_code == 401
    assert "Wrong username/email or password." in page(resp)
    assert signed_in_as(auth.client) is None


def test_logout_signs_out(client, auth):
    auth.signup("alice")
    assert client.get("/settings/profile").status_code == 200
    resp = auth.logout()
    assert resp.status_code == 302
    assert signed_in_as(client) is None
    resp = client.get("/settings/profile")
    assert resp.status_code == 302
    assert urlsplit(resp.headers["Location"]).path == "/login"


def test_logout_is_post_only(client, auth):
    auth.signup("alice")
    resp = client.get("/logout")
    assert resp.status_code == 405
    assert "POST" in resp.headers["Allow"]
    assert signed_in_as(client) == "alice"
    assert get_user("alice").session_version == 1


# --- profile --------------------------------------------------------------------------


def test_profile_edit_name_and_bio(client, auth):
    auth.signup("alice")
    resp = client.post(
        "/settings/profile",
        data={
            "csrf_token": auth.token("/settings/profile"),
            "display_name": "  Alice   Wu ",
            "bio": "Cooks <b>things</b>.\r\nSecond line.",
            "locale": "",
        },
    )
    assert resp.status_code == 302
    user = get_user("alice")
    assert user.display_name == "Alice Wu"
    assert user.bio == "Cooks <b>things</b>.\nSecond line."
    html = client.get("/settings/profile").get_data(as_text=True)
    assert 'value="Alice Wu"' in html
    assert "Cooks &lt;b&gt;things&lt;/b&gt;." in html  # escaped, not markup
    assert "<b>things</b>" not in html


def test_profile_avatar_upload_shows_image(client, auth, png):
    auth.signup("alice")
    html = client.get("/settings/profile").get_data(as_text=True)
    assert "avatar-empty" in html
    resp = client.post(
        "/settings/profile",
        data={
            "csrf_token": auth.token("/settings/profile"),
            "display_name": "Alice",
            "bio": "",
            "avatar": (io.BytesIO(png), "me.png"),
        },
        content_type="multipart/form-data",
    )
    assert resp.status_code == 302
    user = get_user("alice")
    assert user.avatar_id is not None
    image = read_db(lambda: Image.get_by_id(user.avatar_id))
    assert image.owner_id == user.id
    html = client.get("/settings/profile").get_data(as_text=True)
    src = f'src="{image.thumb_url}"'
    assert "<img" in html and src in html
    assert image.thumb_url.startswith("/media/")
    media = client.get(image.thumb_url)
    assert media.status_code == 200
    assert media.mimetype == "image/webp"
    assert media.data[:4] == b"RIFF"


def test_profile_avatar_rejects_non_image(client, auth):
    auth.signup("alice")
    resp = client.post(
        "/settings/profile",
        data={
            "csrf_token": auth.token("/settings/profile"),
            "display_name": "Changed",
            "avatar": (io.BytesIO(b"<svg></svg>"), "x.svg"),
        },
        content_type="multipart/form-data",
    )
    assert resp.status_code == 400
    assert "Upload a JPEG, PNG, WebP or GIF image." in page(resp)
    user = get_user("alice")
    assert user.avatar_id is None
    assert user.display_name == "alice"


@pytest.mark.parametrize(
    ("locale", "stored", "html_lang"), [("zh", "zh", "zh-CN"), ("", None, "en")]
)
def test_profile_locale(client, auth, locale, stored, html_lang):
    auth.signup("alice")
    resp = client.post(
        "/settings/profile",
        data={"csrf_token": auth.token("/settings/profile"), "locale": locale},
        headers={"Accept-Language": "en"},
    )
    assert resp.status_code == 302
    assert get_user("alice").locale == stored
    html = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert f'<html lang="{html_lang}">' in html


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"locale": "xx"}, "Unknown language."),
        ({"display_name": "d" * 61}, "Display name must be at most 60 characters."),
        ({"bio": "b" * 1001}, "Bio must be at most 1000 characters."),
    ],
)
def test_profile_invalid_input(client, auth, fields, message):
    auth.signup("alice")
    data = {"csrf_token": auth.token("/settings/profile"), **fields}
    resp = client.post("/settings/profile", data=data)
    assert resp.status_code == 400
    assert message in page(resp)
    user = get_user("alice")
    assert (user.display_name, user.bio, user.locale) == ("alice", "", None)


def test_profile_needs_sign_in(client):
    resp = client.get("/settings/profile")
    assert resp.status_code == 302
    assert urlsplit(resp.headers["Location"]).path == "/login"


# --- password change ------------------------------------------------------------------


def change_password(client, current, new):
    return client.post(
        "/settings/password",
        data={
            "csrf_token": csrf_token(client, "/settings/password"),
            "current_password": current,
            "new_password": new,
        },
    )


def test_password_change_refuses_wrong_current(app, client, auth):
    auth.signup("alice")
    before = get_user("alice")
    resp = change_password(client, "not my password", NEW_PASSWORD)
    assert resp.status_code == 400
    assert "Your current password is wrong." in page(resp)
    after = get_user("alice")
    assert after.password_hash == before.password_hash
    assert after.session_version == before.session_version
    assert signed_in_as(client) == "alice"


def test_password_change_refuses_weak_new_password(client, auth):
    auth.signup("alice")
    before = get_user("alice").password_hash
    resp = change_password(client, PASSWORD, "password1")
    assert resp.status_code == 400
    assert "This password is too common." in page(resp)
    assert get_user("alice").password_hash == before


def test_password_change_ends_other_sessions_and_tokens(app, client, auth, api):
    auth.signup("alice")
    old_cookie = session_cookie(client)
    elsewhere = AuthActions(app.test_client())
    assert elsewhere.login("alice").status_code == 302
    resp = app.test_client().post(
        "/api/v1/tokens", json={"login": "alice", "password": PASSWORD}
    )
    token = resp.get_json()["token"]
    assert api.call("GET", "/api/v1/me", token=token).status_code == 200
    assert signed_in_as(client_with_cookie(app, old_cookie)) == "alice"

    resp = change_password(client, PASSWORD, NEW_PASSWORD)
    assert resp.status_code == 302
    assert urlsplit(resp.headers["Location"]).path == "/settings/profile"

    # this browser stays signed in
    assert signed_in_as(client) == "alice"
    assert client.get("/settings/profile").status_code == 200
    # an old copy of its cookie, and the other browser, are signed out
    assert signed_in_as(client_with_cookie(app, old_cookie)) is None
    assert signed_in_as(elsewhere.client) is None
    # API tokens are revoked
    resp = api.call("GET", "/api/v1/me", token=token)
    assert resp.status_code == 401
    assert resp.get_json()["error"]["code"] == "invalid_token"
    assert read_db(lambda: ApiToken.select().count()) == 0
    # the new password works, the old one does not
    fresh = AuthActions(app.test_client())
    assert fresh.login("alice", PASSWORD).status_code == 401
    assert fresh.login("alice", NEW_PASSWORD).status_code == 302


# --- next redirects -------------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "//evil.com",
        "https://evil.com",
        "http://evil.com/settings/profile",
        "///evil.com",
        "/\\evil.com",
        "\\\\evil.com",
        "javascript:alert(1)",
        "evil.com",
    ],
)
def test_login_next_offsite_not_followed(client, auth, target):
    auth.signup("alice")
    auth.logout()
    resp = client.post(
        "/login",
        query_string={"next": target},
        data={"csrf_token": auth.token(), "login": "alice", "password": PASSWORD},
    )
    assert resp.status_code == 302
    location = resp.headers["Location"]
    parts = urlsplit(location)
    assert parts.netloc in ("", "localhost")
    assert not location.startswith("//")
    assert "evil" not in location
    assert parts.path == "/"
    assert signed_in_as(client) == "alice"


def test_login_next_local_path_followed(client, auth):
    auth.signup("alice")
    auth.logout()
    resp = client.post(
        "/login?next=/settings/profile",
        data={"csrf_token": auth.token(), "login": "alice", "password": PASSWORD},
    )
    assert resp.status_code == 302
    assert urlsplit(resp.headers["Location"]).path == "/settings/profile"


def test_signup_next_offsite_not_followed(client):
    resp = client.post(
        "/signup?next=//evil.com",
        data={
            "csrf_token": csrf_token(client, "/signup"),
            "username": "alice",
            "email": "alice@example.com",
            "password": PASSWORD,
            "role": "shopper",
        },
    )
    assert resp.status_code == 302
    assert "evil" not in resp.headers["Location"]


# --- admin ----------------------------------------------------------------------------


def admin_post(client, user_id, roles, status="active"):
    return client.post(
        f"/admin/users/{user_id}",
        data={
            "csrf_token": csrf_token(client, "/admin/users"),
            "roles": roles,
            "status": status,
        },
    )


@pytest.fixture
def admin(app, api):
    """A signed-in admin browser (its own test client)."""
    admin_token(api)
    actions = AuthActions(app.test_client())
    assert actions.login("boss").status_code == 302
    return actions.client


def test_admin_users_page_lists_users(admin, api):
    api.user("carol", role="creator")
    resp = admin.get("/admin/users")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "carol@example.com" in html and "boss@example.com" in html


@pytest.mark.parametrize("role", [None, "shopper", "creator", "merchant"])
def test_admin_users_page_for_admins_only(client, auth, role):
    if role:
        auth.signup("alice", role=role)
    resp = client.get("/admin/users")
    assert resp.status_code == (302 if role is None else 403)
    uid = get_user("alice").id if role else 1
    resp = client.post(
        f"/admin/users/{uid}",
        data={"csrf_token": auth.token(), "roles": ["admin"], "status": "active"},
    )
    assert resp.status_code == (302 if role is None else 403)
    if role:
        assert roles_of("alice") == [role]


def test_admin_changes_roles(admin, api):
    api.user("carol")
    carol = get_user("carol")
    resp = admin_post(admin, carol.id, ["creator", "merchant"])
    assert resp.status_code == 302
    assert roles_of("carol") == ["creator", "merchant"]
    assert get_user("carol").status == "active"
    resp = admin_post(admin, carol.id, ["nonsense"])
    assert "Unknown role." in page(admin.get("/admin/users"))
    assert roles_of("carol") == ["creator", "merchant"]


def test_admin_cannot_change_own_account(admin):
    me = get_user("boss")
    admin_post(admin, me.id, ["shopper"], status="suspended")
    assert roles_of("boss") == ["admin"]
    assert get_user("boss").status == "active"


def test_admin_suspend_ends_sessions_and_blocks_sign_in(app, admin, api):
    token = api.user("carol")
    carol_browser = AuthActions(app.test_client())
    assert carol_browser.login("carol").status_code == 302
    assert signed_in_as(carol_browser.client) == "carol"

    resp = admin_post(admin, get_user("carol").id, ["shopper"], status="suspended")
    assert resp.status_code == 302
    carol = get_user("carol")
    assert carol.status == "suspended"
    assert carol.session_version == 2

    assert signed_in_as(carol_browser.client) is None
    assert carol_browser.client.get("/settings/profile").status_code == 302
    assert api.call("GET", "/api/v1/me", token=token).status_code == 401
    fresh = AuthActions(app.test_client())
    resp = fresh.login("carol")
    assert resp.status_code == 401
    assert signed_in_as(fresh.client) is None
    resp = api.call(
        "POST", "/api/v1/tokens", json={"login": "carol", "password": PASSWORD}
    )
    assert resp.status_code == 401

    # reactivated, the same password works again
    admin_post(admin, carol.id, ["shopper"], status="active")
    assert AuthActions(app.test_client()).login("carol").status_code == 302


def test_suspended_status_alone_ends_access(app, api):
    """Even without a session-version bump, a suspended account is signed out."""
    token = api.user("carol")
    browser = AuthActions(app.test_client())
    assert browser.login("carol").status_code == 302
    read_db(
        lambda: (
            User.update(status="suspended").where(User.username == "carol").execute()
        )
    )
    assert get_user("carol").session_version == 1
    assert signed_in_as(browser.client) is None
    assert api.call("GET", "/api/v1/me", token=token).status_code == 401


# --- API: accounts --------------------------------------------------------------------


def new_user_body(**fields):
    return {
        "username": "dave",
        "email": "dave@example.com",
        "password": PASSWORD,
        "role": "shopper",
        **fields,
    }


@pytest.mark.parametrize("role", ["shopper", "creator", "merchant"])
def test_api_create_user(api, role):
    resp = api.call("POST", "/api/v1/users", json=new_user_body(role=role))
    assert resp.status_code == 201
    body = resp.get_json()
    assert set(body) == {"user", "token", "device_token"}  # device_token: extension
    user = body["user"]
    assert set(user) == {"id", "username", "display_name", "roles"}
    assert user["username"] == "dave" and user["display_name"] == "dave"
    assert user["roles"] == [role]
    stored = get_user("dave")
    assert stored.id == user["id"] and roles_of("dave") == [role]
    me = api.call("GET", "/api/v1/me", token=body["token"])
    assert me.status_code == 200
    assert me.get_json() == {"user": user}


def test_api_create_user_default_role_and_display_name(api):
    body = new_user_body(display_name="Dave 大卫")
    del body["role"]
    resp = api.call("POST", "/api/v1/users", json=body)
    assert resp.status_code == 201
    user = resp.get_json()["user"]
    assert user["roles"] == ["shopper"] and user["display_name"] == "Dave 大卫"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"username": "no spaces"}, "username"),
        ({"username": "api"}, "username"),
        ({"username": None}, "username"),
        ({"username": 12345}, "username"),
        ({"username": ["dave"]}, "username"),
        ({"email": "dave.example.com"}, "email"),
        ({"email": {"x": 1}}, "email"),
        ({"password": "short"}, "password"),
        ({"password": 12345678}, "password"),
        ({"password": None}, "password"),
        ({"role": "admin"}, "role"),
        ({"role": "owner"}, "role"),
        ({"role": ["merchant", "admin"]}, "role"),
    ],
)
def test_api_create_user_invalid(api, fields, field):
    resp = api.call("POST", "/api/v1/users", json=new_user_body(**fields))
    assert resp.status_code == 400
    error = resp.get_json()["error"]
    assert error["code"] == "invalid"
    assert isinstance(error["message"], str) and error["message"]
    assert error["field"] == field
    assert user_count() == 0


@pytest.mark.parametrize(
    "fields",
    [
        {"email": "other@example.com"},
        {"username": "DAVE", "email": "other@example.com"},
        {"username": "dave"},
    ],
)
def test_api_create_user_duplicate_username(api, fields):
    """A taken email is answered as a free one (tests/accounts/test_throttling.py)."""
    assert api.call("POST", "/api/v1/users", json=new_user_body()).status_code == 201
    resp = api.call("POST", "/api/v1/users", json=new_user_body(**fields))
    assert resp.status_code == 409
    error = resp.get_json()["error"]
    assert error["code"] == "already_exists"
    assert error["field"] == "username"
    assert error["message"] == "That username is taken."
    assert user_count() == 1


@pytest.mark.parametrize(
    ("kwargs", "status", "code"),
    [
        ({"data": "username=dave", "content_type": "text/plain"}, 415, None),
        (
            {"data": {"username": "dave", "password": PASSWORD}},
            415,
            "unsupported_media_type",
        ),
        ({"data": "{not json", "content_type": "application/json"}, 400, None),
        ({"json": ["dave", "dave@example.com"]}, 400, "invalid_json"),
        ({"json": "dave"}, 400, "invalid_json"),
    ],
)
@pytest.mark.parametrize("path", ["/api/v1/users", "/api/v1/tokens"])
def test_api_bad_bodies(api, path, kwargs, status, code):
    resp = api.call("POST", path, **kwargs)
    assert resp.status_code == status
    error = resp.get_json()["error"]
    assert set(error) >= {"code", "message"}
    if status == 415:
        assert error["code"] == "unsupported_media_type"
    if code:
        assert error["code"] == code
    assert user_count() == 0


@pytest.mark.parametrize("login", ["dave", "dave@example.com", " DAVE "])
def test_api_token_by_username_or_email(api, login):
    api.user("dave", role="creator")
    resp = api.call(
        "POST", "/api/v1/tokens", json={"login": login, "password": PASSWORD}
    )
    assert resp.status_code == 201
    body = resp.get_json()
    assert set(body) == {"token", "user", "device_token"}  # device_token: extension
    assert body["user"]["username"] == "dave"
    assert body["user"]["roles"] == ["creator"]
    me = api.call("GET", "/api/v1/me", token=body["token"])
    assert me.status_code == 200
    assert me.get_json()["user"] == body["user"]
    # stored hashed: the secret itself is nowhere in the table
    digests = read_db(lambda: [t.digest for t in ApiToken.select()])
    assert body["token"] not in digests
    assert ApiToken.digest_of(body["token"]) in digests


@pytest.mark.parametrize(
    "body",
    [
        {"login": "dave", "password": "wrong password"},
        {"login": "nobody", "password": PASSWORD},
        {"login": "dave@example.com", "password": PASSWORD.upper()},
        {"login": "dave"},
    ],
)
def test_api_token_wrong_credentials(api, body):
    api.user("dave")
    resp = api.call("POST", "/api/v1/tokens", json=body)
    if "password" not in body:
        assert resp.status_code == 400
        assert resp.get_json()["error"]["code"] == "invalid"
        return
    assert resp.status_code == 401
    error = resp.get_json()["error"]
    assert error["code"] == "invalid_credentials"
    assert error["message"] == "Wrong username/email or password."
    assert "token" not in resp.get_json()


@pytest.mark.parametrize(
    "body", [{"login": ["dave"], "password": PASSWORD}, {"login": 1, "password": 2}]
)
def test_api_token_non_text_is_400(api, body):
    api.user("dave")
    resp = api.call("POST", "/api/v1/tokens", json=body)
    assert resp.status_code == 400
    assert resp.get_json()["error"]["code"] == "invalid"


def test_api_me_without_token(api):
    resp = api.call("GET", "/api/v1/me")
    assert resp.status_code == 401
    error = resp.get_json()["error"]
    assert error["code"] == "not_signed_in" and error["message"]


@pytest.mark.parametrize(
    "header",
    [
        "Bearer garbage",
        "Bearer lst_" + "x" * 43,
        "Bearer " + "y" * 500,
        "Bearer ",
        "Basic ZGF2ZTpwYXNzd29yZA==",
        "Token abc",
    ],
)
def test_api_me_with_bad_token(api, header):
    api.user("dave")
    resp = api.call("GET", "/api/v1/me", headers={"Authorization": header})
    assert resp.status_code == 401
    assert resp.get_json()["error"]["code"] == "invalid_token"


def test_api_bad_token_ignores_a_valid_cookie(client, auth, api):
    """A wrong bearer token is refused even from a signed-in browser."""
    auth.signup("alice")
    assert signed_in_as(client) == "alice"
    resp = api.call("GET", "/api/v1/me", token="lst_not-a-real-token")
    assert resp.status_code == 401
    assert resp.get_json()["error"]["code"] == "invalid_token"


def test_api_token_wins_over_cookie(client, auth, api):
    token = api.user("dave")
    auth.signup("alice")
    resp = api.call("GET", "/api/v1/me", token=token)
    assert resp.status_code == 200
    assert resp.get_json()["user"]["username"] == "dave"


def test_api_me_with_session_cookie(client, auth):
    auth.signup("alice", role="merchant")
    resp = client.get("/api/v1/me")
    assert resp.status_code == 200
    assert resp.get_json()["user"]["roles"] == ["merchant"]


def test_web_signup_with_api_made_account_can_sign_in(client, auth, api):
    api.user("erin", role="merchant")
    resp = auth.login("erin@example.com")
    assert resp.status_code == 302
    assert urlsplit(resp.headers["Location"]).path == "/merchant/products"
