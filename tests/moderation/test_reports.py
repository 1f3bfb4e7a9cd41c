"""Filing reports (issue 23): every kind, the checks on kind, reason and text,
what cannot be reported (unknown, hidden, your own), one open report per person
per target, the hourly limit, and a person's own list."""

import pytest

from livestall.moderation.models import Report
from tests.moderation import world as mw
from tests.plugins.app import read_db


@pytest.fixture
def w(app, api):
    return mw.build(app, api)


def test_every_kind_of_target_can_be_reported(w, api):
    ids = w["ids"]
    sid = mw.on_air(api, w)
    targets = {
        "post": w["post"],
        "comment": mw.comment(ids["lan"], w["post"]),
        "chat": mw.chat_line(sid, ids["lan"], "加我微信 cheap tea"),
        "product": w["products"][0],
        "user": ids["creator"],
        "live": sid,
    }
    owners = {
        "post": ids["creator"],
        "comment": ids["lan"],
        "chat": ids["lan"],
        "product": ids["merchant"],
        "user": ids["creator"],
        "live": ids["creator"],
    }
    made = {}
    for kind, target_id in targets.items():
        resp = mw.report(api, w["shopper"], kind, target_id, "harassment", " rude ")
        assert resp.status_code == 201, (kind, resp.get_json())
        report = resp.get_json()["report"]
        assert report["kind"] == kind and report["target_id"] == target_id
        assert report["reason"] == "harassment" and report["text"] == "rude"
        assert report["status"] == "open" and report["decision_id"] is None
        assert report["reporter"]["id"] == ids["shopper"]
        made[kind] = report["id"]
    rows = read_db(
        lambda: {
            r.kind: (r.target_id, r.owner_id, r.reporter_id, r.status)
            for r in Report.select()
        }
    )
    assert rows == {
        kind: (targets[kind], owners[kind], ids["shopper"], "open") for kind in targets
    }
    # the target id may come as a string of digits too
    resp = mw.report(api, w["lan"], "post", str(w["post"]))
    assert (
        resp.status_code == 201 and resp.get_json()["report"]["target_id"] == w["post"]
    )
    # and the queue holds one item per target
    items = mw.queue(api, w["boss"]).get_json()["items"]
    assert sorted((i["kind"], i["target_id"]) for i in items) == sorted(targets.items())


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "video", "id": 1, "reason": "spam"}, "kind"),
        ({"kind": "POST", "id": 1, "reason": "spam"}, "kind"),
        ({"id": 1, "reason": "spam"}, "kind"),
        ({"kind": ["post"], "id": 1, "reason": "spam"}, "kind"),
        ({"kind": "post", "id": 1, "reason": "rude"}, "reason"),
        ({"kind": "post", "id": 1}, "reason"),
        ({"kind": "post", "id": 1, "reason": None}, "reason"),
        ({"kind": "post", "id": 1, "reason": "other"}, "text"),
        ({"kind": "post", "id": 1, "reason": "other", "text": "   \n "}, "text"),
        ({"kind": "post", "id": 1, "reason": "spam", "text": 42}, "text"),
        ({"kind": "post", "id": 1, "reason": "spam", "text": "x" * 501}, "text"),
        ({"kind": "post", "id": 1, "reason": "other", "text": "龙" * 501}, "text"),
    ],
)
def test_bad_kind_reason_or_text_is_a_400_naming_the_field(w, api, body, field):
    body = {**body, "id": w["post"]} if "id" in body else body
    resp = api.call("POST", "/api/v1/reports", token=w["shopper"], json=body)
    assert resp.status_code == 400, resp.get_json()
    assert mw.error(resp)["field"] == field
    assert read_db(lambda: Report.select().count()) == 0


def test_other_needs_text_and_text_up_to_500_characters_is_kept(w, api):
    report = mw.reported(
        api, w["shopper"], "post", w["post"], "other", "  卖假茶 fake  "
    )
    assert report["reason"] == "other" and report["text"] == "卖假茶 fake"
    report = mw.reported(api, w["lan"], "post", w["post"], "spam", "茶" * 500)
    assert report["text"] == "茶" * 500
    assert read_db(lambda: Report.get_by_id(report["id"]).text) == "茶" * 500
    # not JSON: refused as such, nothing stored
    resp = api.call("POST", "/api/v1/reports", token=w["merchant"], data="kind=post")
    assert resp.status_code == 415
    assert read_db(lambda: Report.select().count()) == 2


@pytest.mark.parametrize(
    "target_id",
    [999_999, "abc", "", None, 0, -3, 1.5, True, 2**53, 2**63, 2**80, "9" * 40, [1]],
)
def test_unknown_or_malformed_ids_are_404(w, api, target_id):
    for kind in ("post", "comment", "chat", "product", "user", "live"):
        resp = mw.report(api, w["shopper"], kind, target_id)
        assert resp.status_code == 404, (kind, target_id, resp.get_json())
        assert mw.error(resp)["code"] == "not_found"
    assert read_db(lambda: Report.select().count()) == 0


def test_what_others_cannot_see_is_404(w, api):
    draft = mw.new_post(api, w["creator"], body="a draft 草稿", publish=False)
    resp = mw.report(api, w["shopper"], "post", draft)
    assert resp.status_code == 404, resp.get_json()
    # its author sees it, but it is her own
    resp = mw.report(api, w["creator"], "post", draft)
    assert resp.status_code == 400 and mw.error(resp)["code"] == "own_content"
    # an archived product can still be reported (its page shows "no longer sold")
    api.call("DELETE", f"/api/v1/products/{w['products'][1]}", token=w["merchant"])
    assert mw.report(api, w["shopper"], "product", w["products"][1]).status_code == 201
    # a taken-down post: 404 to the others (nothing left to report)
    report = mw.reported(api, w["shopper"], "post", w["post"])
    mw.resolved(api, w["boss"], report["id"], "take_down")
    assert mw.report(api, w["lan"], "post", w["post"]).status_code == 404
    assert read_db(lambda: Report.select().count()) == 2


def test_your_own_content_cannot_be_reported(w, api):
    ids = w["ids"]
    sid = mw.on_air(api, w)
    cases = [
        (w["creator"], "post", w["post"]),
        (w["creator"], "user", ids["creator"]),
        (w["creator"], "live", sid),
        (w["creator"], "chat", mw.chat_line(sid, ids["creator"], "欢迎 welcome")),
        (w["lan"], "comment", mw.comment(ids["lan"], w["post"])),
        (w["merchant"], "product", w["products"][0]),
    ]
    for token, kind, target_id in cases:
        resp = mw.report(api, token, kind, target_id)
        assert resp.status_code == 400, (kind, resp.get_json())
        assert mw.error(resp)["code"] == "own_content"
    assert read_db(lambda: Report.select().count()) == 0


def test_signed_out_reports_are_401(w, api):
    resp = mw.report(api, None, "post", w["post"])
    assert resp.status_code == 401 and mw.error(resp)["code"] == "not_signed_in"
    resp = mw.report(api, "not-a-token", "post", w["post"])
    assert resp.status_code == 401 and mw.error(resp)["code"] == "invalid_token"
    # a browser signed in by cookie must send the CSRF token
    client = mw.browser(w["app"], "mei")
    resp = client.post(
        "/api/v1/reports", json={"kind": "post", "id": w["post"], "reason": "spam"}
    )
    assert resp.status_code == 400 and resp.get_json()["error"]["code"] == "csrf_failed"
    assert read_db(lambda: Report.select().count()) == 0


def test_one_open_report_per_person_and_target_others_add_to_the_count(w, api):
    first = mw.reported(api, w["shopper"], "post", w["post"], "counterfeit")
    again = mw.report(api, w["shopper"], "post", w["post"], "spam")
    assert again.status_code == 409 and mw.error(again)["code"] == "already_reported"
    other = mw.reported(api, w["lan"], "post", w["post"], "spam")
    third = mw.reported(api, w["merchant"], "post", w["post"], "counterfeit")
    assert len({first["id"], other["id"], third["id"]}) == 3
    # the same person may report another target
    mw.reported(api, w["shopper"], "user", w["ids"]["creator"], "spam")
    body = mw.queue(api, w["boss"]).get_json()
    (item,) = [i for i in body["items"] if i["kind"] == "post"]
    assert item["target_id"] == w["post"] and item["count"] == 3
    assert item["reasons"] == {"counterfeit": 2, "spam": 1}
    assert item["report_id"] == first["id"]
    assert item["target"]["status"] == "published"
    assert item["target"]["owner"]["username"] == "lily"
    assert item["target"]["url"] == f"/posts/{w['post']}"
    assert body["total"] == 2
    assert read_db(lambda: Report.select().count()) == 4


def test_after_a_decision_the_same_person_may_report_again(w, api):
    first = mw.reported(api, w["shopper"], "post", w["post"], "spam")
    mw.reported(api, w["lan"], "post", w["post"], "spam")
    mw.resolved(api, w["boss"], first["id"], "dismiss", "not spam")
    again = mw.reported(api, w["shopper"], "post", w["post"], "counterfeit")
    assert again["id"] != first["id"] and again["status"] == "open"
    assert again["decision_id"] is None
    (item,) = mw.queue(api, w["boss"]).get_json()["items"]
    assert item["count"] == 1 and item["reasons"] == {"counterfeit": 1}
    assert item["report_id"] == again["id"]
    assert mw.report(api, w["shopper"], "post", w["post"]).status_code == 409
    mine = api.call("GET", "/api/v1/me/reports", token=w["shopper"]).get_json()
    assert [(r["id"], r["status"]) for r in mine["items"]] == [
        (again["id"], "open"),
        (first["id"], "closed"),
    ]
    assert mine["items"][1]["decision_id"] is not None and mine["total"] == 2
    # another person's list does not show them
    theirs = api.call("GET", "/api/v1/me/reports", token=w["lan"]).get_json()
    assert theirs["total"] == 1
    assert theirs["items"][0]["reporter"]["username"] == "lan"
    assert api.call("GET", "/api/v1/me/reports").status_code == 401


def test_reports_per_hour_are_limited(w, api, app):
    from livestall.platform import settings

    app.config["REPORTS_PER_HOUR"] = 2
    assert settings.get("REPORTS_PER_HOUR") == 2  # read without a LIVESTALL_ prefix
    assert mw.report(api, w["shopper"], "post", w["post"]).status_code == 201
    # refused reports (a duplicate, a bad reason, your own...) do not count
    assert mw.report(api, w["shopper"], "post", w["post"]).status_code == 409
    assert (
        mw.report(api, w["shopper"], "user", w["ids"]["creator"], "x").status_code
        == 400
    )
    assert mw.report(api, w["shopper"], "product", 999_999).status_code == 404
    assert mw.report(api, w["shopper"], "product", w["products"][0]).status_code == 201
    resp = mw.report(api, w["shopper"], "user", w["ids"]["creator"])
    assert resp.status_code == 429, resp.get_json()
    assert mw.error(resp)["code"] == "rate_limited"
    retry = int(resp.headers["Retry-After"])
    assert 0 < retry <= 3600
    assert read_db(lambda: Report.select().count()) == 2
    # the limit is per person
    assert mw.report(api, w["lan"], "user", w["ids"]["creator"]).status_code == 201


def test_the_hourly_limit_is_read_from_the_environment(monkeypatch):
    """rules.py says the limit is `LIVESTALL_REPORTS_PER_HOUR`, as every setting
    is an environment variable read by config.load_config."""
    import config

    monkeypatch.setenv("LIVESTALL_REPORTS_PER_HOUR", "3")
    assert config.load_config().get("REPORTS_PER_HOUR") == 3
