"""Email verification (issue 23): the rules of livestall/accounts/verification.py,
what an unverified account may not do, and the link mailed at sign-up followed
end to end through a real SMTP server (aiosmtpd) in-process."""

from datetime import timedelta
from html import unescape
from urllib.parse import urlsplit

import pytest

from livestall.accounts import rules, verification
from livestall.accounts.models import EmailVerification, User
from livestall.catalog import rules as catalog
from livestall.content import rules as content
from livestall.db.base import utcnow
from livestall.errors import Invalid, NotAllowed, RateLimited
from tests.accounts.smtp_server import VERIFY_SUBJECT, mailed_link, serve
from tests.plugins.app import AuthActions, csrf_token, read_db

HASH = "pbkdf2:sha256:1000"


@pytest.fixture
def smtp(app):
    yield from serve(app)


@pytest.fixture
def required(app):
    """The rule on, as in production (the test app has it off)."""
    app.config.update(REQUIRE_EMAIL_VERIFICATION=True, UNVERIFIED_POST_LIMIT=2)
    return app


def get_user(username):
    return read_db(lambda: User.get(User.username == username))


def verify_link(inbox, address):
    [message] = inbox.to(address, VERIFY_SUBJECT)
    return mailed_link(message, "/verify-email/")


def new_user(username, role="shopper", email=None):
    return read_db(
        lambda: rules.register(
            username,
            email or f"{username}@example.com",
            "a fine long phrase",
            role,
            hash_method=HASH,
        )
    )


# --- the rules (service) --------------------------------------------------------------


def test_settings_off_in_the_test_app_and_development(app):
    assert app.config["REQUIRE_EMAIL_VERIFICATION"] is False
    assert app.config["UNVERIFIED_POST_LIMIT"] == 3


def test_new_accounts_start_unverified(app):
    user = new_user("dora")
    assert user.email_verified_at is None and not user.email_verified


def test_verify_marks_the_account_once(app):
    user = new_user("dora")
    secret = read_db(lambda: verification.issue(user))
    row = read_db(lambda: EmailVerification.get())
    assert secret not in row.digest and len(row.digest) == 64
    verified = read_db(lambda: verification.verify(secret))
    assert verified.email_verified
    with pytest.raises(Invalid) as e:  # single use
        read_db(lambda: verification.verify(secret))
    assert e.value.code == "invalid_token"
    # nothing more to verify: no new link
    assert read_db(lambda: verification.issue(get_user("dora"))) is None


def test_verify_link_expires(app):
    user = new_user("dora")
    secret = read_db(lambda: verification.issue(user))
    later = utcnow() + timedelta(days=3, seconds=1)
    with pytest.raises(Invalid):
        read_db(lambda: verification.verify(secret, now=later))
    assert not get_user("dora").email_verified


@pytest.mark.parametrize("secret", ["", "nope", "x" * 500, None])
def test_verify_unknown_links(app, secret):
    with pytest.raises(Invalid):
        read_db(lambda: verification.verify(secret))


def test_a_link_verifies_only_the_address_it_was_sent_to(app):
    user = new_user("dora")
    secret = read_db(lambda: verification.issue(user))
    read_db(
        lambda: (
            User.update(email="dora2@example.com").where(User.id == user.id).execute()
        )
    )
    read_db(lambda: verification.verify(secret))
    assert not get_user("dora").email_verified


def test_no_link_for_an_address_another_account_has(app):
    new_user("dora")
    other = new_user("dora_two", email="dora@example.com")  # an EmailClaim
    assert read_db(lambda: verification.issue(other)) is None


def test_resend_is_rate_limited(app):
    user = new_user("dora")
    for _ in range(3):
        assert read_db(lambda: verification.resend(user))
    with pytest.raises(RateLimited):
        read_db(lambda: verification.resend(user))


def test_unverified_may_not_sell_or_go_live(required):
    user = new_user("mia", "merchant")
    with pytest.raises(NotAllowed) as e:
        read_db(lambda: catalog.create_product(user, {}))
    assert (e.value.code, e.value.status) == ("email_unverified", 403)
    with pytest.raises(NotAllowed):
        verification.require_verified(user)
    read_db(lambda: verification.mark_verified(user))
    verification.require_verified(user)


def test_unverified_may_post_a_few_times(required):
    user = new_user("cleo", "creator")
    for n in range(2):
        read_db(lambda n=n: content.create_post(user, f"post {n}", [], publish=False))
    with pytest.raises(NotAllowed) as e:
        read_db(lambda: content.create_post(user, "one too many", [], publish=False))
    assert e.value.code == "email_unverified"
    read_db(lambda: verification.mark_verified(user))
    read_db(lambda: content.create_post(user, "now it works", [], publish=False))


def test_nothing_is_held_back_when_not_required(app):
    user = new_user("cleo", "creator")
    for n in range(5):
        read_db(lambda n=n: content.create_post(user, f"post {n}", [], publish=False))
    verification.require_verified(user)


# --- over HTTP, through SMTP ----------------------------------------------------------


def test_sign_up_mails_a_link_that_verifies(app, smtp):
    browser = AuthActions(app.test_client())
    assert browser.signup("dora").status_code == 302
    path = verify_link(smtp, "dora@example.com")
    assert not get_user("dora").email_verified
    # the Me page asks for it
    me = unescape(browser.client.get("/me").get_data(as_text=True))
    assert "Send the link again" in me
    resp = browser.client.get(path)
    assert resp.status_code == 302
    assert urlsplit(resp.headers["Location"]).path == "/me"
    assert get_user("dora").email_verified
    me = unescape(browser.client.get("/me").get_data(as_text=True))
    assert "Send the link again" not in me
    # used: a 404 page that says so
    resp = app.test_client().get(path)
    assert resp.status_code == 404
    assert "invalid or has expired" in unescape(resp.get_data(as_text=True))


def test_api_sign_up_mails_a_link_and_resend(app, api, smtp):
    token = api.user("dora")
    first = verify_link(smtp, "dora@example.com")
    resp = api.call("POST", "/api/v1/me/verification-email", token=token)
    assert resp.status_code == 202
    assert len(smtp.to("dora@example.com", VERIFY_SUBJECT)) == 2
    for _ in range(2):
        api.call("POST", "/api/v1/me/verification-email", token=token)
    resp = api.call("POST", "/api/v1/me/verification-email", token=token)
    assert resp.status_code == 429
    assert resp.get_json()["error"]["code"] == "rate_limited"
    # any unused link works, from a browser signed out too
    assert app.test_client().get(first).status_code == 302
    assert get_user("dora").email_verified
    resp = api.call("POST", "/api/v1/me/verification-email", token=token)
    assert resp.status_code == 202  # nothing to send now
    assert len(smtp.to("dora@example.com", VERIFY_SUBJECT)) == 4


def test_resend_from_the_me_page(app, smtp):
    browser = AuthActions(app.test_client())
    browser.signup("dora")
    resp = browser.client.post(
        "/settings/verification-email",
        data={"csrf_token": csrf_token(browser.client, "/me")},
    )
    assert resp.status_code == 302
    assert len(smtp.to("dora@example.com", VERIFY_SUBJECT)) == 2
    # no CSRF token: refused
    resp = browser.client.post("/settings/verification-email")
    assert resp.status_code == 400


def test_unverified_api_user_is_held_back_until_verified(required, api, smtp):
    merchant = api.user("mia", "merchant")
    resp = api.call(
        "POST",
        "/api/v1/products",
        token=merchant,
        json={"title": "Tea", "price_cents": 900, "category": "kitchen", "stock": 1},
    )
    assert resp.status_code == 403
    assert resp.get_json()["error"]["code"] == "email_unverified"
    required.test_client().get(verify_link(smtp, "mia@example.com"))
    product = api.product(merchant)

    creator = api.user("lily", "creator")
    session = api.call(
        "POST",
        "/api/v1/live",
        token=creator,
        json={"title": "Tea night", "product_ids": [product["id"]]},
    ).get_json()["session"]
    path = f"/api/v1/live/{session['id']}/start"
    resp = api.call("POST", path, token=creator)
    assert resp.status_code == 403
    assert resp.get_json()["error"]["code"] == "email_unverified"
    required.test_client().get(verify_link(smtp, "lily@example.com"))
    assert api.call("POST", path, token=creator).status_code == 200


# --- the migration --------------------------------------------------------------------


@pytest.mark.sqlite_only  # a SQLite file of an earlier release
def test_accounts_from_before_count_as_verified(tmp_path):
    import sqlite3
    from pathlib import Path

    from app import create_app
    from extensions import db
    from livestall.db.migrations import LATEST, current_version

    dump = Path(__file__).resolve().parents[1] / "data" / "livestall_v1.sql"
    data_dir = tmp_path / "old"
    data_dir.mkdir()
    con = sqlite3.connect(data_dir / "livestall.db")
    con.executescript(dump.read_text(encoding="utf-8"))
    con.close()
    create_app({"TESTING": True, "DATA_DIR": str(data_dir), "SECRET_KEY": "t"})
    with db.connection_context():
        assert current_version() == LATEST >= 13
        users = list(User.select())
        assert users
        assert all(u.email_verified_at == u.created_at for u in users)
