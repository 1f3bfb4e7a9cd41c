"""The admins' side (issue 23): the queue (who may read it, grouped, oldest first,
appealed and closed views, pages), a target's file (chat context, a comment's
post), resolving (dismiss, the checks on actions, two admins at once, suspending
the author, ending a live), what people are told, the appeal and the audit log."""

import threading

import pytest

from livestall.accounts.models import User
from livestall.content.models import Post
from livestall.live.models import LiveSession
from livestall.moderation.models import Decision, Report
from tests.moderation import world as mw
from tests.plugins.app import PASSWORD, read_db


@pytest.fixture
def w(app, api):
    return mw.build(app, api)


# --- the queue ------------------------------------------------------------------------


def test_only_admins_read_the_queue_and_files(w, api):
    report = mw.reported(api, w["shopper"], "post", w["post"])
    paths = [
        "/api/v1/admin/reports",
        "/api/v1/admin/reports?status=closed",
        f"/api/v1/admin/reports/{report['id']}",
    ]
    for path in paths:
        assert api.call("GET", path).status_code == 401
        for who in ("shopper", "creator", "merchant"):
            resp = api.call("GET", path, token=w[who])
            assert resp.status_code == 403, (path, who)
            assert mw.error(resp)["code"] == "forbidden"
        assert api.call("GET", path, token=w["boss"]).status_code == 200
    # nor may anyone but an admin decide
    for token in (None, w["shopper"], w["creator"], w["merchant"]):
        resp = mw.resolve(api, token, report["id"], "take_down")
        assert resp.status_code in (401, 403), resp.get_json()
    assert mw.status_of(Post, w["post"]) == "published"
    assert read_db(lambda: Report.get_by_id(report["id"]).status) == "open"


def test_queue_groups_by_target_oldest_first_with_pages(w, api):
    product = w["products"][0]
    first = mw.reported(api, w["shopper"], "product", product, "counterfeit")
    on_post = [
        mw.reported(api, w[who], "post", w["post"], reason)
        for who, reason in (
            ("shopper", "spam"),
            ("lan", "spam"),
            ("merchant", "misleading_price"),
        )
    ]
    body = mw.queue(api, w["boss"]).get_json()
    assert body["status"] == "open" and body["total"] == 2
    assert [(i["kind"], i["target_id"], i["count"]) for i in body["items"]] == [
        ("product", product, 1),  # reported first: first, though it has fewer
        ("post", w["post"], 3),
    ]
    assert body["items"][0]["reasons"] == {"counterfeit": 1}
    assert body["items"][0]["report_id"] == first["id"]
    assert body["items"][0]["target"]["owner"]["username"] == "teashop"
    assert body["items"][1]["reasons"] == {"spam": 2, "misleading_price": 1}
    assert body["items"][1]["report_id"] == on_post[0]["id"]
    assert body["items"][1]["first_reported_at"]
    # pages of one
    page1 = mw.queue(api, w["boss"], per_page=1).get_json()
    page2 = mw.queue(api, w["boss"], per_page=1, page=2).get_json()
    page3 = mw.queue(api, w["boss"], per_page=1, page=3).get_json()
    assert [i["kind"] for i in page1["items"]] == ["product"] and page1["total"] == 2
    assert [i["kind"] for i in page2["items"]] == ["post"] and page2["total"] == 2
    assert page3["items"] == [] and page3["total"] == 2
    for bad in ({"page": 0}, {"per_page": 101}, {"page": "x"}):
        assert mw.queue(api, w["boss"], **bad).status_code == 400
    # once the product is decided, only the post waits
    mw.resolved(api, w["boss"], first["id"], "dismiss")
    body = mw.queue(api, w["boss"], "open").get_json()
    assert [i["kind"] for i in body["items"]] == ["post"] and body["total"] == 1


def test_bad_status_is_a_400(w, api):
    for status in ("pending", "OPEN", "all"):
        resp = mw.queue(api, w["boss"], status)
        assert resp.status_code == 400
        assert mw.error(resp)["field"] == "status"


def test_closed_lists_decisions_newest_first_and_appealed_the_open_appeals(w, api):
    ids = w["ids"]
    on_post = mw.reported(api, w["shopper"], "post", w["post"])
    mw.reported(api, w["lan"], "post", w["post"])
    on_user = mw.reported(api, w["shopper"], "user", ids["lan"])
    on_product = mw.reported(api, w["lan"], "product", w["products"][0])
    d_post = mw.resolved(api, w["boss"], on_post["id"], "take_down", "fake")
    d_user = mw.resolved(api, w["boss"], on_user["id"], "dismiss")
    d_product = mw.resolved(api, w["boss"], on_product["id"], "take_down")
    assert mw.queue(api, w["boss"]).get_json()["items"] == []
    closed = mw.queue(api, w["boss"], "closed").get_json()
    assert closed["total"] == 3
    assert [i["decision"]["id"] for i in closed["items"]] == [
        d_product["id"],
        d_user["id"],
        d_post["id"],
    ]
    post_item = closed["items"][2]
    assert post_item["count"] == 2 and post_item["report_id"] == on_post["id"]
    assert post_item["decision"]["action"] == "take_down"
    assert post_item["decision"]["note"] == "fake"
    assert post_item["decision"]["admin"]["username"] == "boss"
    assert post_item["target"]["status"] == "removed"
    assert post_item["appeal"] is None
    assert mw.queue(api, w["boss"], "appealed").get_json()["items"] == []
    # appeals wait, oldest first
    assert mw.appeal(api, w["merchant"], d_product["id"]).status_code == 200
    assert mw.appeal(api, w["creator"], d_post["id"]).status_code == 200
    appealed = mw.queue(api, w["boss"], "appealed").get_json()
    assert [i["decision"]["id"] for i in appealed["items"]] == [
        d_product["id"],
        d_post["id"],
    ]
    assert appealed["total"] == 2
    assert appealed["items"][0]["appeal"]["status"] == "open"
    assert appealed["items"][0]["appeal"]["text"].startswith("It is genuine")
    assert (
        mw.queue(api, w["boss"], "appealed", per_page=1, page=2).get_json()["items"][0][
            "decision"
        ]["id"]
        == d_post["id"]
    )
    # decided: no longer waiting
    mw.resolved(api, w["judge"], on_product["id"], "take_down")
    appealed = mw.queue(api, w["boss"], "appealed").get_json()
    assert [i["decision"]["id"] for i in appealed["items"]] == [d_post["id"]]


# --- a target's file ------------------------------------------------------------------


def test_a_chat_reports_file_holds_five_messages_each_side_in_order(w, api):
    ids = w["ids"]
    sid = mw.on_air(api, w)
    lines = [
        mw.chat_line(sid, ids["lan"] if n % 2 else ids["merchant"], f"line {n}")
        for n in range(14)
    ]
    report = mw.reported(api, w["shopper"], "chat", lines[7], "harassment")
    body = api.call(
        "GET", f"/api/v1/admin/reports/{report['id']}", token=w["boss"]
    ).get_json()
    target = body["target"]
    assert target["kind"] == "chat" and target["id"] == lines[7]
    assert target["text"] == "line 7" and target["owner"]["username"] == "lan"
    assert target["live"] == {"id": sid, "title": "今晚上新"}
    assert [m["id"] for m in target["chat"]] == lines[2:13]
    assert [m["body"] for m in target["chat"]] == [f"line {n}" for n in range(2, 13)]
    assert target["chat"][0]["user"]["username"] == "teashop"
    assert body["open"] is True and body["appeal_open"] is False
    assert [r["id"] for r in body["reports"]] == [report["id"]]
    assert body["reports"][0]["reporter"]["username"] == "mei"
    assert body["decisions"] == []
    # near the start: what there is before, five after
    early = mw.reported(api, w["shopper"], "chat", lines[1])
    target = api.call(
        "GET", f"/api/v1/admin/reports/{early['id']}", token=w["boss"]
    ).get_json()["target"]
    assert [m["id"] for m in target["chat"]] == lines[0:7]
    # near the end: five before, what there is after
    late = mw.reported(api, w["shopper"], "chat", lines[13])
    target = api.call(
        "GET", f"/api/v1/admin/reports/{late['id']}", token=w["boss"]
    ).get_json()["target"]
    assert [m["id"] for m in target["chat"]] == lines[8:14]


def test_a_comments_file_holds_its_post_and_the_decisions(w, api):
    cid = mw.comment(w["ids"]["lan"], w["post"], "假的!!")
    report = mw.reported(api, w["shopper"], "comment", cid, "harassment")
    other = mw.reported(api, w["merchant"], "comment", cid, "spam")
    path = f"/api/v1/admin/reports/{other['id']}"
    body = api.call("GET", path, token=w["boss"]).get_json()
    assert body["report_id"] == other["id"]
    target = body["target"]
    assert target["kind"] == "comment" and target["body"] == "假的!!"
    assert target["post"] == {"id": w["post"], "text": mw.POST_BODY}
    assert target["url"] == f"/posts/{w['post']}#comment-{cid}"
    assert [(r["id"], r["reason"]) for r in body["reports"]] == [
        (report["id"], "harassment"),
        (other["id"], "spam"),
    ]
    decision = mw.resolved(api, w["boss"], report["id"], "take_down", "rude")
    body = api.call("GET", path, token=w["boss"]).get_json()
    assert body["open"] is False
    assert {r["status"] for r in body["reports"]} == {"closed"}
    assert {r["decision_id"] for r in body["reports"]} == {decision["id"]}
    assert [d["id"] for d in body["decisions"]] == [decision["id"]]
    assert body["decisions"][0]["owner"]["username"] == "lan"
    assert body["target"]["status"] == "removed"
    for bad in (999_999, 0):
        resp = api.call("GET", f"/api/v1/admin/reports/{bad}", token=w["boss"])
        assert resp.status_code == 404
    assert (
        api.call("GET", "/api/v1/admin/reports/x", token=w["boss"]).status_code == 404
    )


# --- resolving ------------------------------------------------------------------------


def test_dismiss_closes_the_reports_and_leaves_the_content(w, api):
    mw.reported(api, w["shopper"], "post", w["post"], "spam")
    b = mw.reported(api, w["lan"], "post", w["post"], "counterfeit")
    decision = mw.resolved(api, w["boss"], b["id"], "dismiss", "  looks fine  ")
    assert decision["action"] == "dismiss" and decision["note"] == "looks fine"
    assert decision["kind"] == "post" and decision["target_id"] == w["post"]
    assert decision["owner"]["username"] == "lily" and decision["appeal"] is None
    rows = read_db(
        lambda: [
            (r.status, r.open_key, r.decision_id, r.closed_at is not None)
            for r in Report.select().order_by(Report.id)
        ]
    )
    assert rows == [("closed", None, decision["id"], True)] * 2
    assert mw.status_of(Post, w["post"]) == "published"
    assert api.call("GET", f"/api/v1/posts/{w['post']}").status_code == 200
    assert mw.queue(api, w["boss"]).get_json()["items"] == []
    # the reporters learn it, the author is not told anything was removed
    for who in ("shopper", "lan"):
        (note,) = mw.notifications(api, w[who], "report_resolved")
        assert note["data"] == {
            "decision_id": decision["id"],
            "kind": "post",
            "target_id": w["post"],
            "action": "dismiss",
        }
    assert mw.notifications(api, w["creator"], "content_removed") == []
    assert mw.notifications(api, w["creator"], "report_resolved") == []
    # a dismissal is not the author's to appeal, nor listed against her
    resp = mw.appeal(api, w["creator"], decision["id"])
    assert resp.status_code == 409 and mw.error(resp)["code"] == "nothing_to_appeal"
    mine = api.call("GET", "/api/v1/me/decisions", token=w["creator"]).get_json()
    assert mine["items"] == [] and mine["total"] == 0
    assert mw.audit("report.dismiss") == [
        (
            "boss",
            "report.dismiss",
            "post",
            w["post"],
            {
                "note": "looks fine",
                "reports": 2,
                "owner_id": w["ids"]["creator"],
                "before": None,
            },
        )
    ]


def test_bad_actions_and_notes_are_400_and_decide_nothing(w, api):
    report = mw.reported(api, w["shopper"], "post", w["post"])
    for body, field in (
        ({"action": "delete"}, "action"),
        ({}, "action"),
        ({"action": "take_down", "note": "n" * 1001}, "note"),
        ({"action": "take_down", "note": 5}, "note"),
    ):
        resp = api.call(
            "POST",
            f"/api/v1/admin/reports/{report['id']}/resolve",
            token=w["boss"],
            json=body,
        )
        assert resp.status_code == 400, (body, resp.get_json())
        assert mw.error(resp)["field"] == field
    assert mw.resolve(api, w["boss"], 999_999, "dismiss").status_code == 404
    assert read_db(lambda: Decision.select().count()) == 0
    assert read_db(lambda: Report.get_by_id(report["id"]).status) == "open"
    assert mw.status_of(Post, w["post"]) == "published"
    decision = mw.resolved(api, w["boss"], report["id"], "take_down", "n" * 1000)
    assert decision["note"] == "n" * 1000


def test_a_second_admin_deciding_the_same_target_gets_409(w, api):
    a = mw.reported(api, w["shopper"], "post", w["post"])
    b = mw.reported(api, w["lan"], "post", w["post"])
    mw.resolved(api, w["boss"], a["id"], "dismiss")
    for report_id, action in ((b["id"], "take_down"), (a["id"], "dismiss")):
        resp = mw.resolve(api, w["judge"], report_id, action)
        assert resp.status_code == 409, resp.get_json()
        assert mw.error(resp)["code"] == "already_resolved"
    assert mw.status_of(Post, w["post"]) == "published"
    assert read_db(lambda: Decision.select().count()) == 1
    assert len(mw.audit("report.dismiss")) == 1 and mw.audit("report.take_down") == []


@pytest.mark.serial  # two threads writing at once
def test_two_admins_at_once_one_decision(w, api, app):
    a = mw.reported(api, w["shopper"], "post", w["post"])
    b = mw.reported(api, w["lan"], "post", w["post"])
    barrier = threading.Barrier(2)
    answers = {}

    def decide(name, report_id, action):
        from tests.plugins.api import Api

        caller = Api(app.test_client())
        barrier.wait(5)
        answers[name] = mw.resolve(caller, w[name], report_id, action)

    threads = [
        threading.Thread(target=decide, args=("boss", a["id"], "take_down")),
        threading.Thread(target=decide, args=("judge", b["id"], "dismiss")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    codes = sorted(r.status_code for r in answers.values())
    assert codes == [200, 409], {k: r.get_json() for k, r in answers.items()}
    (loser,) = [r for r in answers.values() if r.status_code == 409]
    assert mw.error(loser)["code"] == "already_resolved"
    (winner,) = [r for r in answers.values() if r.status_code == 200]
    action = winner.get_json()["decision"]["action"]
    decisions = read_db(lambda: [(d.action, d.kind) for d in Decision.select()])
    assert decisions == [(action, "post")]
    assert mw.status_of(Post, w["post"]) == (
        "removed" if action == "take_down" else "published"
    )
    assert len(mw.audit()) == 1


def test_take_down_tells_reporters_and_author_and_is_audited(w, api):
    ids = w["ids"]
    a = mw.reported(api, w["shopper"], "post", w["post"], "counterfeit")
    mw.reported(api, w["lan"], "post", w["post"], "counterfeit")
    decision = mw.resolved(api, w["boss"], a["id"], "take_down", "counterfeit goods")
    data = {
        "decision_id": decision["id"],
        "kind": "post",
        "target_id": w["post"],
        "action": "take_down",
    }
    for who in ("shopper", "lan"):
        assert [
            n["data"] for n in mw.notifications(api, w[who], "report_resolved")
        ] == [data]
        assert mw.notifications(api, w[who], "content_removed") == []
    assert [
        n["data"] for n in mw.notifications(api, w["creator"], "content_removed")
    ] == [data]
    assert mw.notifications(api, w["creator"], "report_resolved") == []
    assert mw.audit("report.take_down") == [
        (
            "boss",
            "report.take_down",
            "post",
            w["post"],
            {
                "note": "counterfeit goods",
                "reports": 2,
                "owner_id": ids["creator"],
                "before": "published",
            },
        )
    ]
    mine = api.call("GET", "/api/v1/me/decisions", token=w["creator"]).get_json()
    assert [d["id"] for d in mine["items"]] == [decision["id"]]
    got = api.call("GET", f"/api/v1/decisions/{decision['id']}", token=w["creator"])
    assert (
        got.status_code == 200 and got.get_json()["decision"]["action"] == "take_down"
    )
    assert (
        api.call(
            "GET", f"/api/v1/decisions/{decision['id']}", token=w["boss"]
        ).status_code
        == 200
    )
    for who in ("shopper", "lan"):
        assert (
            api.call(
                "GET", f"/api/v1/decisions/{decision['id']}", token=w[who]
            ).status_code
            == 404
        )


def test_suspend_author_suspends_and_ends_their_lives_and_an_appeal_reinstates(w, api):
    ids = w["ids"]
    sid = mw.on_air(api, w)
    report = mw.reported(api, w["shopper"], "post", w["post"], "counterfeit")
    decision = mw.resolved(api, w["boss"], report["id"], "suspend_author", "repeat")
    assert decision["action"] == "suspend_author"
    assert mw.status_of(User, ids["creator"]) == "suspended"
    assert mw.status_of(Post, w["post"]) == "removed"  # the post goes with her
    assert mw.status_of(LiveSession, sid) == "ended"  # her live ended
    # her token stops working, and she cannot sign in again
    resp = api.call("GET", "/api/v1/me", token=w["creator"])
    assert resp.status_code == 401
    resp = api.call(
        "POST", "/api/v1/tokens", json={"login": "lily", "password": PASSWORD}
    )
    assert resp.status_code == 401 and mw.error(resp)["code"] == "account_suspended"
    suspended = mw.audit("user.suspend")
    assert [(e[0], e[2], e[3]) for e in suspended] == [("boss", "user", ids["creator"])]
    assert suspended[0][4]["decision"] == decision["id"]
    assert mw.audit("report.suspend_author")[0][4]["note"] == "repeat"
    # A suspended author can neither use her token nor sign in, so she cannot
    # file the appeal herself (see the report): it is filed here as the appeal
    # route would file it.
    file_appeal(decision["id"])
    resp = mw.resolve(api, w["boss"], report["id"], "dismiss")
    assert resp.status_code == 409 and mw.error(resp)["code"] == "same_admin"
    resp = mw.resolve(api, w["judge"], report["id"], "dismiss", "receipt checks out")
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["decision"]["appeal"]["status"] == "reversed"
    assert mw.status_of(User, ids["creator"]) == "active"
    assert mw.status_of(Post, w["post"]) == "published"
    assert mw.status_of(LiveSession, sid) == "ended"  # not on air again
    resp = api.call(
        "POST", "/api/v1/tokens", json={"login": "lily", "password": PASSWORD}
    )
    assert resp.status_code == 201, resp.get_json()
    token = resp.get_json()["token"]
    assert (
        api.call("GET", f"/api/v1/posts/{w['post']}", token=w["shopper"]).status_code
        == 200
    )
    (note,) = mw.notifications(api, token, "appeal_decided")
    assert note["data"]["outcome"] == "reversed"
    removed = mw.notifications(api, token, "content_removed")
    assert [(n["data"]["action"], n["data"]["kind"]) for n in removed] == [
        ("suspend_author", "post")
    ]
    assert [e[3] for e in mw.audit("user.reinstate")] == [ids["creator"]]
    assert [e[0] for e in mw.audit("report.restore")] == ["judge"]


def file_appeal(decision_id, text="mistake"):
    """Open the appeal of a decision as `rules.appeal` does (one UPDATE)."""
    from livestall.db.base import utcnow

    moved = read_db(
        lambda: (
            Decision.update(
                appeal_status="open", appeal_text=text, appealed_at=utcnow()
            )
            .where((Decision.id == decision_id) & (Decision.appeal_status == "none"))
            .execute()
        )
    )
    assert moved == 1


def test_taking_a_user_down_suspends_them_and_a_reversal_reinstates(w, api):
    ids = w["ids"]
    report = mw.reported(api, w["shopper"], "user", ids["creator"], "spam")
    decision = mw.resolved(api, w["boss"], report["id"], "take_down")
    assert mw.status_of(User, ids["creator"]) == "suspended"
    assert api.call("GET", "/api/v1/me", token=w["creator"]).status_code == 401
    assert [e[3] for e in mw.audit("user.suspend")] == [ids["creator"]]
    assert mw.audit("report.take_down")[0][3] == ids["creator"]
    assert mw.status_of(Post, w["post"]) == "published"  # her posts stay
    file_appeal(decision["id"])
    resp = mw.resolve(api, w["judge"], report["id"], "dismiss")
    assert resp.status_code == 200, resp.get_json()
    assert mw.status_of(User, ids["creator"]) == "active"
    assert [e[0] for e in mw.audit("user.reinstate")] == ["judge"]


def test_admins_are_not_suspended_and_admins_do_not_act_on_their_own(w, api):
    ids = w["ids"]
    sid = mw.on_air(api, w)
    line = mw.chat_line(sid, ids["boss"], "admin says hi")
    report = mw.reported(api, w["shopper"], "chat", line, "harassment")
    resp = mw.resolve(api, w["judge"], report["id"], "suspend_author")
    assert resp.status_code == 403, resp.get_json()
    resp = mw.resolve(api, w["boss"], report["id"], "take_down")
    assert resp.status_code == 403, resp.get_json()
    resp = mw.resolve(api, w["boss"], report["id"], "suspend_author")
    assert resp.status_code == 403, resp.get_json()
    on_admin = mw.reported(api, w["shopper"], "user", ids["judge"], "spam")
    resp = mw.resolve(api, w["boss"], on_admin["id"], "take_down")
    assert resp.status_code == 403, resp.get_json()
    assert mw.status_of(User, ids["judge"]) == "active"
    assert mw.status_of(User, ids["boss"]) == "active"
    assert read_db(lambda: Decision.select().count()) == 0
    assert read_db(lambda: Report.select().where(Report.status == "open").count()) == 2
    # another admin may take the message down
    mw.resolved(api, w["judge"], report["id"], "take_down")
    from livestall.live.models import ChatMessage

    assert mw.status_of(ChatMessage, line) == "removed"


def test_end_live_ends_a_live_and_only_a_live_on_or_coming(w, api):
    sid = mw.on_air(api, w)
    report = mw.reported(api, w["shopper"], "live", sid, "prohibited")
    on_post = mw.reported(api, w["shopper"], "post", w["post"])
    resp = mw.resolve(api, w["boss"], on_post["id"], "end_live")
    assert resp.status_code == 400 and mw.error(resp)["field"] == "action"
    decision = mw.resolved(api, w["boss"], report["id"], "end_live", "off-topic")
    assert decision["action"] == "end_live"
    assert mw.status_of(LiveSession, sid) == "ended"
    resp = api.call("GET", f"/api/v1/live/{sid}", token=w["shopper"])
    assert resp.status_code == 200 and resp.get_json()["session"]["status"] == "ended"
    assert api.call("GET", f"/api/v1/live/{sid}").status_code == 200
    assert mw.audit("report.end_live")[0][4]["before"] == "live"
    # over now: a new report on it cannot end it again
    again = mw.reported(api, w["lan"], "live", sid, "spam")
    resp = mw.resolve(api, w["boss"], again["id"], "end_live")
    assert resp.status_code == 400 and mw.error(resp)["field"] == "action"
    assert read_db(lambda: Report.get_by_id(again["id"]).status) == "open"


def test_end_live_on_a_scheduled_live(w, api):
    from tests.factories import live

    sid = live.new_session(api, w["creator"], w["products"][:1], start=False)
    report = mw.reported(api, w["shopper"], "live", sid, "misleading_price")
    mw.resolved(api, w["boss"], report["id"], "end_live")
    assert mw.status_of(LiveSession, sid) == "ended"


def test_reports_on_content_deleted_since_can_still_be_closed(w, api):
    """The author deleted the post after it was reported: the queue shows it as
    deleted, and an admin must still be able to clear it (dismiss)."""
    report = mw.reported(api, w["shopper"], "post", w["post"])
    resp = api.call("GET", f"/api/v1/posts/{w['post']}", token=w["creator"])
    assert resp.status_code == 200
    from livestall.content import rules as content

    read_db(
        lambda: content.delete_post(
            Post.get_by_id(w["post"]), User.get_by_id(w["ids"]["creator"])
        )
    )
    (item,) = mw.queue(api, w["boss"]).get_json()["items"]
    assert item["target"]["status"] == "deleted"
    resp = mw.resolve(api, w["boss"], report["id"], "dismiss", "gone")
    assert resp.status_code == 200, resp.get_json()
    assert mw.queue(api, w["boss"]).get_json()["items"] == []


# --- appeals --------------------------------------------------------------------------


def test_appeal_rules(w, api):
    report = mw.reported(api, w["shopper"], "post", w["post"])
    decision = mw.resolved(api, w["boss"], report["id"], "take_down")
    path = f"/api/v1/decisions/{decision['id']}/appeal"
    # not hers: 404 (the reporter, a stranger, an unknown decision)
    for who in ("shopper", "lan", "merchant"):
        assert mw.appeal(api, w[who], decision["id"]).status_code == 404
    assert mw.appeal(api, w["creator"], 999_999).status_code == 404
    assert mw.appeal(api, None, decision["id"]).status_code == 401
    for text in ("", "   ", None):
        resp = api.call("POST", path, token=w["creator"], json={"text": text})
        assert resp.status_code == 400 and mw.error(resp)["field"] == "text"
    resp = mw.appeal(api, w["creator"], decision["id"], "x" * 501)
    assert resp.status_code == 400 and mw.error(resp)["field"] == "text"
    resp = mw.appeal(api, w["creator"], decision["id"], "  真的是正品  ")
    assert resp.status_code == 200, resp.get_json()
    appeal = resp.get_json()["decision"]["appeal"]
    assert appeal["status"] == "open" and appeal["text"] == "真的是正品"
    assert appeal["appealed_at"] and appeal["decided_at"] is None
    resp = mw.appeal(api, w["creator"], decision["id"], "again")
    assert resp.status_code == 409 and mw.error(resp)["code"] == "already_appealed"
    # the admin who decided may not decide the appeal
    resp = mw.resolve(api, w["boss"], report["id"], "dismiss")
    assert resp.status_code == 409 and mw.error(resp)["code"] == "same_admin"
    assert mw.status_of(Post, w["post"]) == "removed"
    body = api.call(
        "GET", f"/api/v1/admin/reports/{report['id']}", token=w["boss"]
    ).get_json()
    assert body["appeal_open"] is True


def test_only_the_author_appeals_not_another_admin(w, api):
    report = mw.reported(api, w["shopper"], "post", w["post"])
    decision = mw.resolved(api, w["boss"], report["id"], "take_down")
    resp = mw.appeal(api, w["judge"], decision["id"], "I appeal for her")
    assert resp.status_code == 404, resp.get_json()
    assert read_db(lambda: Decision.get_by_id(decision["id"]).appeal_status) == "none"


def test_an_appeal_reversed_brings_the_comment_back(w, api):
    cid = mw.comment(w["ids"]["lan"], w["post"])
    assert mw.comment_count(w["post"]) == 1
    report = mw.reported(api, w["shopper"], "comment", cid)
    decision = mw.resolved(api, w["boss"], report["id"], "take_down")
    assert mw.comment_status(cid) == "removed" and mw.comment_count(w["post"]) == 0
    assert mw.appeal(api, w["lan"], decision["id"]).status_code == 200
    resp = mw.resolve(api, w["judge"], report["id"], "dismiss", "banter")
    assert resp.status_code == 200, resp.get_json()
    appeal = resp.get_json()["decision"]["appeal"]
    assert appeal["status"] == "reversed" and appeal["note"] == "banter"
    assert appeal["decided_at"]
    assert mw.comment_status(cid) == "visible" and mw.comment_count(w["post"]) == 1
    (note,) = mw.notifications(api, w["lan"], "appeal_decided")
    assert note["data"] == {
        "decision_id": decision["id"],
        "kind": "comment",
        "target_id": cid,
        "outcome": "reversed",
    }
    assert [(e[0], e[1], e[2], e[3]) for e in mw.audit("report.restore")] == [
        ("judge", "report.restore", "comment", cid)
    ]
    detail = mw.audit("report.restore")[0][4]
    assert detail["note"] == "banter" and detail["decision"] == decision["id"]
    # decided: a third admin gets 409, and the author cannot appeal again
    third = mw.resolve(api, w["judge"], report["id"], "take_down")
    assert third.status_code == 409
    assert mw.appeal(api, w["lan"], decision["id"]).status_code == 409
    assert mw.comment_count(w["post"]) == 1


def test_an_appeal_upheld_keeps_it_down(w, api):
    report = mw.reported(api, w["shopper"], "post", w["post"])
    decision = mw.resolved(api, w["boss"], report["id"], "take_down")
    assert mw.appeal(api, w["creator"], decision["id"]).status_code == 200
    resp = mw.resolve(api, w["judge"], report["id"], "take_down", "still fake")
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["decision"]["appeal"]["status"] == "upheld"
    assert mw.status_of(Post, w["post"]) == "removed"
    assert (
        api.call("GET", f"/api/v1/posts/{w['post']}", token=w["shopper"]).status_code
        == 404
    )
    (note,) = mw.notifications(api, w["creator"], "appeal_decided")
    assert note["data"]["outcome"] == "upheld"
    assert note["data"]["decision_id"] == decision["id"]
    assert [(e[0], e[1]) for e in mw.audit("report.uphold")] == [
        ("judge", "report.uphold")
    ]
    assert mw.audit("report.restore") == []
    closed = mw.queue(api, w["boss"], "closed").get_json()["items"]
    assert closed[0]["appeal"]["status"] == "upheld"
