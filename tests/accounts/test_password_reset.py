"""Password reset by email (issue 23): the rules of livestall/accounts/recovery.py
and the pages, end to end through a real SMTP server (aiosmtpd) in-process."""

import re
from datetime import timedelta
from html import unescape
from urllib.parse import urlsplit

import pytest

from config import smtp_settings
from livestall.accounts import recovery, rules
from livestall.accounts.models import ApiToken, PasswordReset, User
from livestall.db.base import utcnow
from livestall.errors import Invalid, NotAuthenticated, RateLimited
from tests.accounts.smtp_server import mailed_link, serve
from tests.plugins.app import PASSWORD, AuthActions, csrf_token, read_db

NEW_PASSWORD = "a quite different phrase"
HASH = "pbkdf2:sha256:1000"
SAME_ANSWER = "If an account has this address"


@pytest.fixture
def smtp(app):
    yield from serve(app)


def link_in(message):
    return mailed_link(message, "/reset-password/")


def page(resp):
    return unescape(resp.get_data(as_text=True))


def ask(client, email):
    token = csrf_token(client, "/forgot-password")
    return client.post("/forgot-password", data={"csrf_token": token, "email": email})


def set_new(client, path, password):
    token = csrf_token(client, path)
    return client.post(path, data={"csrf_token": token, "new_password": password})


def signed_in(client):
    return client.get("/api/v1/me").status_code == 200


def get_user(username):
    return read_db(lambda: User.get(User.username == username))


# --- settings -------------------------------------------------------------------------


def test_smtp_url_settings():
    assert smtp_settings("") == {"MAIL_BACKEND": "console"}
    assert smtp_settings(None, testing=True) == {"MAIL_BACKEND": "locmem"}
    plain = smtp_settings("smtp://bob:p%40ss@mail.example.com:2525?starttls=1")
    assert plain["MAIL_BACKEND"] == "smtp"
    assert (plain["MAIL_SERVER"], plain["MAIL_PORT"]) == ("mail.example.com", 2525)
    assert (plain["MAIL_USERNAME"], plain["MAIL_PASSWORD"]) == ("bob", "p@ss")
    assert plain["MAIL_USE_TLS"] and not plain["MAIL_USE_SSL"]
    ssl = smtp_settings("smtps://mail.example.com")
    assert ssl["MAIL_USE_SSL"] and not ssl["MAIL_USE_TLS"]
    assert ssl["MAIL_PORT"] == 465
    with pytest.raises(ValueError):
        smtp_settings("http://mail.example.com")


def test_test_app_keeps_mail_in_memory(app):
    assert app.extensions["mailman"].backend == "locmem"


# --- the rules (service) --------------------------------------------------------------


def test_request_reset_stores_only_a_digest(app, api):
    api.user("carol")
    user, secret = read_db(
        lambda: recovery.request_reset("Carol@Example.com", "1.2.3.4")
    )
    assert user.username == "carol"
    rows = read_db(lambda: list(PasswordReset.select()))
    assert len(rows) == 1
    assert secret not in rows[0].digest and len(rows[0].digest) == 64
    assert read_db(lambda: recovery.user_for_reset(secret)).id == user.id


def test_request_reset_unknown_or_suspended_gives_nothing(app, api):
    api.user("carol")
    assert read_db(lambda: recovery.request_reset("nobody@example.com", "ip")) is None
    read_db(lambda: User.update(status="suspended").execute())
    assert read_db(lambda: recovery.request_reset("carol@example.com", "ip")) is None
    assert read_db(lambda: PasswordReset.select().count()) == 0


def test_request_reset_rejects_a_malformed_email(app):
    with pytest.raises(Invalid) as e:
        read_db(lambda: recovery.request_reset("not an email", "ip"))
    assert e.value.field == "email"


def test_request_reset_rate_limits(app, api):
    api.user("carol")

    def ask_as(address, email="carol@example.com"):
        return read_db(
            lambda: recovery.request_reset(email, address, per_ip=3, per_email=2)
        )

    # per address: quietly nothing after the limit (the same answer)
    assert ask_as("a") is not None
    assert ask_as("b") is not None
    assert ask_as("c") is None
    # per client address: refused, whichever email is asked for
    for _ in range(3):
        ask_as("d", "x@example.com")
    with pytest.raises(RateLimited):
        ask_as("d", "y@example.com")


def test_reset_password_is_single_use_and_ends_everything(app, api):
    token = api.user("carol")
    _, secret = read_db(lambda: recovery.request_reset("carol@example.com", "ip"))
    _, other = read_db(lambda: recovery.request_reset("carol@example.com", "ip"))
    user = read_db(
        lambda: recovery.reset_password(secret, NEW_PASSWORD, hash_method=HASH)
    )
    assert user.session_version == 2
    assert read_db(lambda: ApiToken.select().count()) == 0
    assert api.call("GET", "/api/v1/me", token=token).status_code == 401
    for used in (secret, other):  # used, and the account's other links with it
        with pytest.raises(Invalid) as e:
            read_db(
                lambda s=used: recovery.reset_password(
                    s, "another fine phrase", hash_method=HASH
                )
            )
        assert e.value.code == "invalid_token"


def test_reset_password_expires(app, api):
    api.user("carol")
    _, secret = read_db(
        lambda: recovery.request_reset("carol@example.com", "ip", ttl_s=600)
    )
    later = utcnow() + timedelta(seconds=601)
    assert read_db(lambda: recovery.user_for_reset(secret, now=later)) is None
    with pytest.raises(Invalid) as e:
        read_db(
            lambda: recovery.reset_password(
                secret, NEW_PASSWORD, hash_method=HASH, now=later
            )
        )
    assert e.value.code == "invalid_token"
    # before then it still works
    read_db(lambda: recovery.reset_password(secret, NEW_PASSWORD, hash_method=HASH))


def test_reset_password_keeps_the_sign_up_rules(app, api):
    api.user("carol")
    _, secret = read_db(lambda: recovery.request_reset("carol@example.com", "ip"))
    for bad in ("short", "password123", "carol"):
        with pytest.raises(Invalid) as e:
            read_db(lambda b=bad: recovery.reset_password(secret, b, hash_method=HASH))
        assert e.value.field == "password"
    # a refused password does not use the link up
    assert read_db(lambda: recovery.user_for_reset(secret)) is not None


@pytest.mark.parametrize("secret", ["", "x" * 500, "nope", None])
def test_reset_password_unknown_links(app, secret):
    assert read_db(lambda: recovery.user_for_reset(secret)) is None


# --- suspended accounts are told so ---------------------------------------------------


def test_suspended_sign_in_says_suspended(app, api):
    api.user("carol")
    read_db(lambda: User.update(status="suspended").execute())
    with pytest.raises(NotAuthenticated) as e:
        read_db(lambda: rules.authenticate("carol", PASSWORD, "ip", hash_method=HASH))
    assert e.value.code == "account_suspended"
    resp = api.call(
        "POST", "/api/v1/tokens", json={"login": "carol", "password": PASSWORD}
    )
    assert resp.status_code == 401
    assert resp.get_json()["error"]["code"] == "account_suspended"
    # a wrong password says only that
    resp = api.call(
        "POST", "/api/v1/tokens", json={"login": "carol", "password": "nope nope"}
    )
    assert resp.get_json()["error"]["code"] == "invalid_credentials"
    browser = AuthActions(app.test_client())
    resp = browser.login("carol")
    assert resp.status_code == 401
    assert "suspended" in page(resp)


# --- the pages, end to end through SMTP -----------------------------------------------


def test_reset_end_to_end_through_smtp(app, api, smtp):
    token = api.user("carol")
    other = AuthActions(app.test_client())  # another browser, signed in
    assert other.login("carol").status_code == 302
    assert signed_in(other.client)

    client = app.test_client()
    resp = client.get("/login")
    assert "/forgot-password" in page(resp)
    assert client.get("/forgot-password").status_code == 200
    resp = ask(client, "carol@example.com")
    assert resp.status_code == 200
    assert SAME_ANSWER in page(resp)

    [message] = smtp.to("carol@example.com")
    path = link_in(message)
    assert client.get(path).status_code == 200

    resp = set_new(client, path, "short")  # the sign-up rules
    assert resp.status_code == 400
    resp = set_new(client, path, NEW_PASSWORD)
    assert resp.status_code == 302
    assert urlsplit(resp.headers["Location"]).path == "/login"

    fresh = AuthActions(app.test_client())
    assert fresh.login("carol", PASSWORD).status_code == 401  # the old one: no
    assert fresh.login("carol", NEW_PASSWORD).status_code == 302
    assert not signed_in(other.client)  # every other session is out
    assert api.call("GET", "/api/v1/me", token=token).status_code == 401

    # the link works once
    assert client.get(path).status_code == 404
    assert set_new(client, path, "yet another phrase").status_code == 404
    assert get_user("carol").session_version == 2  # the reset bumped it once


def test_same_answer_whether_or_not_registered(app, api, smtp):
    api.user("carol")
    known = ask(app.test_client(), "carol@example.com")
    unknown = ask(app.test_client(), "nobody@example.com")
    assert known.status_code == unknown.status_code == 200
    assert SAME_ANSWER in page(known) and SAME_ANSWER in page(unknown)
    assert len(smtp.resets()) == 1
    assert smtp.to("nobody@example.com") == []


def test_reset_link_expires_over_http(app, api, smtp):
    api.user("carol")
    client = app.test_client()
    ask(client, "carol@example.com")
    path = link_in(smtp.to("carol@example.com")[0])
    read_db(
        lambda: PasswordReset.update(
            expires_at=utcnow() - timedelta(seconds=1)
        ).execute()
    )
    resp = client.get(path)
    assert resp.status_code == 404
    assert "invalid or has expired" in page(resp)
    assert set_new(client, path, NEW_PASSWORD).status_code == 404
    assert AuthActions(app.test_client()).login("carol").status_code == 302


def test_forgot_password_form_errors_and_limits(app, api, smtp):
    app.config.update(PASSWORD_RESETS_PER_IP=2)
    client = app.test_client()
    resp = ask(client, "not an email")
    assert resp.status_code == 400
    ask(client, "a@example.com")
    resp = ask(client, "b@example.com")
    assert resp.status_code == 429
    assert "Retry-After" in resp.headers
    # no CSRF token: refused
    resp = client.post("/forgot-password", data={"email": "c@example.com"})
    assert resp.status_code == 400
    assert smtp.resets() == []


# --- the API --------------------------------------------------------------------------


def test_api_password_reset_answers_202_either_way(app, api, smtp):
    api.user("carol")
    for email in ("carol@example.com", "nobody@example.com"):
        resp = api.call("POST", "/api/v1/password-resets", json={"email": email})
        assert resp.status_code == 202
        assert resp.get_json() == {"ok": True}
    assert [r for r, _ in smtp.resets()] == [["carol@example.com"]]
    resp = api.call("POST", "/api/v1/password-resets", json={"email": "nope"})
    assert resp.status_code == 400
    assert resp.get_json()["error"]["field"] == "email"
    # the link in the mail works as from the form
    client = app.test_client()
    path = link_in(smtp.resets()[0][1])
    assert set_new(client, path, NEW_PASSWORD).status_code == 302
    assert (
        AuthActions(app.test_client()).login("carol", NEW_PASSWORD).status_code == 302
    )


def test_links_use_the_site_url_not_the_host_header(app, api, smtp):
    app.config.update(SITE_URL="https://shop.example.com/")
    api.user("carol")
    client = app.test_client()
    evil = "http://evil.example.net/"
    form = client.get("/forgot-password", base_url=evil).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    resp = client.post(
        "/forgot-password",
        data={"csrf_token": token, "email": "carol@example.com"},
        base_url=evil,
    )
    assert resp.status_code == 200
    [message] = smtp.to("carol@example.com")
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "https://shop.example.com/reset-password/" in body
    assert "evil" not in body
