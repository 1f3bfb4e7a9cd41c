"""A suspended author cannot sign in, so the decision is mailed to them (through a
real SMTP server, aiosmtpd) with a signed link: they read it and appeal once from
the link, and another admin's reversal lets them back in."""

import pytest

from blueprints.moderation import effects
from livestall.accounts.models import User
from livestall.moderation.models import Decision, Report
from tests.accounts.smtp_server import mailed_link, serve
from tests.factories import accounts
from tests.plugins.app import AuthActions, csrf_token, read_db

SUBJECT = "Your Livestall account was suspended"


@pytest.fixture
def smtp(app):
    yield from serve(app)


@pytest.fixture
def suspended(app, api, smtp):
    """Lily's account, reported by Mei and suspended by Boss: (link path, world)."""
    lily = accounts.Person(app, "lily", "creator")
    mei = accounts.Person(app, "mei")
    boss = accounts.make_admin(app, "boss")
    judge = accounts.make_admin(app, "judge")
    mei.post("/report", {"kind": "user", "id": lily.id, "reason": "spam"})
    report_id = read_db(lambda: Report.get().id)
    resp = boss.post(
        f"/admin/reports/{report_id}/resolve",
        {"action": "suspend_author", "note": "刷单 fake orders"},
    )
    assert resp.status_code == 302
    [message] = smtp.to("lily@example.com", SUBJECT)
    assert "刷单 fake orders" in message.get_body(("plain",)).get_content()
    return mailed_link(message, "/appeal/"), {
        "report_id": report_id,
        "judge": judge,
        "boss": boss,
        "lily": lily,
    }


def _status(username):
    return read_db(lambda: User.get(User.username == username).status)


def test_the_mailed_link_lets_a_suspended_author_appeal_once(app, suspended):
    path, w = suspended
    assert _status("lily") == "suspended"
    login = AuthActions(app.test_client()).login("lily")
    assert login.status_code != 302  # signed out and refused
    stranger = app.test_client()
    page = stranger.get(path)
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "刷单 fake orders" in text and "Send appeal" in text
    sent = stranger.post(
        path,
        data={"csrf_token": csrf_token(stranger, path), "text": "我没有刷单"},
    )
    assert sent.status_code == 302
    assert read_db(lambda: Decision.get().appeal_status) == "open"
    again = stranger.post(
        path, data={"csrf_token": csrf_token(stranger, path), "text": "again"}
    )
    assert "appealed this decision already" in stranger.get(again.location).get_data(
        as_text=True
    )
    assert read_db(lambda: Decision.get().appeal_text) == "我没有刷单"

    same = w["boss"].post(
        f"/admin/reports/{w['report_id']}/resolve", {"action": "dismiss"}
    )
    assert "Another admin decides" in w["boss"].get(same.location).get_data(
        as_text=True
    )
    assert _status("lily") == "suspended"
    w["judge"].post(f"/admin/reports/{w['report_id']}/resolve", {"action": "dismiss"})
    assert _status("lily") == "active"
    assert AuthActions(app.test_client()).login("lily").status_code == 302


def test_a_link_that_is_not_ours_or_expired_is_a_404(app, suspended, monkeypatch):
    path, _ = suspended
    client = app.test_client()
    assert client.get(path + "x").status_code == 404  # tampered
    assert client.get("/appeal/not-a-link").status_code == 404
    with app.test_request_context():
        decision_id = read_db(lambda: Decision.get().id)
        mei_id = read_db(lambda: User.get(User.username == "mei").id)
        others = effects.appeal_token(decision_id, mei_id)  # not mei's decision
    assert client.get(f"/appeal/{others}").status_code == 404
    monkeypatch.setattr(effects, "APPEAL_LINK_S", -1)  # 30 days later
    assert client.get(path).status_code == 404
