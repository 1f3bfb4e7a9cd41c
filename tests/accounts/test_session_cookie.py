"""The session cookie is written only when the session changes.

A browser applies each response's Set-Cookie in the order responses arrive. When
every response re-sent the session, a response that was slow to finish (the host
console's stream-health poll, an image) put back the session as it was when that
request started, undoing what a request in between wrote: the message of a form
just sent was lost (seen as a flaky journey on a loaded machine). Signed-in
sessions still slide: the first page of each day renews their expiry.
"""

import datetime
from email.utils import parsedate_to_datetime

import pytest

from blueprints import common

COOKIE = "livestall_session"


def _set_cookies(response):
    return [h for h in response.headers.getlist("Set-Cookie") if h.startswith(COOKIE)]


def _expires(header):
    for part in header.split(";"):
        name, _, value = part.strip().partition("=")
        if name.lower() == "expires":
            return parsedate_to_datetime(value)
    raise AssertionError(f"no Expires in {header}")


@pytest.fixture
def shopper(client, auth):
    assert auth.signup("alice").status_code == 302
    client.get("/")  # the first page of the day has renewed the session
    return client


@pytest.mark.parametrize(
    "path",
    ["/", "/settings/profile", "/static/js/live.js", "/api/v1/me", "/search?q=茶"],
)
def test_reading_pages_polls_and_files_does_not_write_the_session(shopper, path):
    response = shopper.get(path)
    assert response.status_code == 200, path
    assert _set_cookies(response) == [], path


def test_a_slow_response_does_not_undo_the_message_of_a_form_sent_meanwhile(
    app, shopper, auth
):
    # A poll starts with the session as it is now...
    stale = shopper.get_cookie(COOKIE).value
    poll = app.test_client()
    poll.set_cookie(COOKIE, stale)
    # ...the shopper saves the profile form, whose message waits in the session...
    token = auth.token("/settings/profile")
    saved = shopper.post(
        "/settings/profile",
        data={"csrf_token": token, "display_name": "Alice Wu", "bio": "", "locale": ""},
    )
    assert saved.status_code == 302
    # ...and the poll finishes last: the browser applies whatever cookie it sends.
    late = poll.get("/static/js/live.js")
    assert late.status_code == 200
    for header in _set_cookies(late):
        shopper.set_cookie(COOKIE, header.split(";")[0].split("=", 1)[1])
    page = shopper.get("/settings/profile").get_data(as_text=True)
    assert "Profile saved." in page
    assert 'value="Alice Wu"' in page


def test_a_signed_in_session_is_renewed_by_the_first_page_of_a_day(
    shopper, monkeypatch
):
    tomorrow = common.time.time() + common.SESSION_RENEW_S
    monkeypatch.setattr(common.time, "time", lambda: tomorrow)
    # polls and files still leave it alone
    assert _set_cookies(shopper.get("/static/js/live.js")) == []
    assert _set_cookies(shopper.get("/api/v1/me")) == []
    # a page renews it: 14 days from now
    renewed = _set_cookies(shopper.get("/"))
    assert len(renewed) == 1
    lifetime = shopper.application.permanent_session_lifetime
    left = _expires(renewed[0]) - datetime.datetime.now(datetime.UTC)
    assert lifetime - datetime.timedelta(minutes=1) < left <= lifetime
    # once a day
    assert _set_cookies(shopper.get("/")) == []
    # and the user is still signed in with it
    assert shopper.get("/api/v1/me").get_json()["user"]["username"] == "alice"


def test_signing_in_and_out_still_write_the_session(client, auth):
    signed_in = auth.signup("bob")
    assert _set_cookies(signed_in), "sign-up signs in"
    assert client.get("/api/v1/me").status_code == 200
    signed_out = auth.logout()
    assert signed_out.status_code == 302
    assert _set_cookies(signed_out)
    assert client.get("/api/v1/me").status_code == 401
