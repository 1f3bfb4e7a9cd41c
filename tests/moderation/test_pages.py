"""The moderation pages, as people use them: the report page (no script needed),
the admins' queue, a target's file and the decision form, the author's notice and
appeal, and what taken-down content looks like to its owner and to others."""

import pytest

from livestall.accounts.models import User
from livestall.live import chat, sessions
from livestall.moderation.models import Report
from tests.factories import accounts, catalog
from tests.factories import live as live_factory
from tests.plugins.app import read_db


@pytest.fixture
def people(app, api):
    _, teas = catalog.shop(api, "teashop", catalog.teas(2))
    lily = accounts.Person(app, "lily", "creator")
    mei = accounts.Person(app, "mei")
    boss = accounts.make_admin(app, "boss")
    judge = accounts.make_admin(app, "judge")
    resp = lily.post(
        "/posts/new",
        {"body": "正品龙井 genuine Longjing", "product_ids": str(teas[0]["id"])},
    )
    assert resp.status_code == 302, resp.get_data(as_text=True)[:300]
    post_id = int(resp.location.rsplit("/", 1)[1])
    return {
        "lily": lily,
        "mei": mei,
        "boss": boss,
        "judge": judge,
        "post_id": post_id,
        "teas": [t["id"] for t in teas],
    }


def _text(resp):
    return resp.get_data(as_text=True)


def test_report_page_takes_a_reason_and_says_thanks(people):
    mei, post_id = people["mei"], people["post_id"]
    page = mei.get(f"/report?kind=post&id={post_id}&next=/posts/{post_id}")
    assert page.status_code == 200
    assert "正品龙井 genuine Longjing" in _text(page)  # what is being reported
    assert 'value="counterfeit"' in _text(page)

    missing = mei.post("/report", {"kind": "post", "id": post_id, "reason": ""})
    assert missing.status_code == 400
    assert "reason must be one of" in _text(missing)
    other = mei.post("/report", {"kind": "post", "id": post_id, "reason": "other"})
    assert other.status_code == 400 and "Say what is wrong." in _text(other)

    sent = mei.post(
        "/report",
        {
            "kind": "post",
            "id": post_id,
            "reason": "counterfeit",
            "text": "假货",
            "next": f"/posts/{post_id}",
        },
    )
    assert sent.status_code == 302 and sent.location.endswith(f"/posts/{post_id}")
    follow = mei.get(sent.location)
    assert "your report reached our admins" in _text(follow)
    stored = read_db(lambda: list(Report.select().where(Report.target_id == post_id)))
    assert [(r.kind, r.reason, r.text) for r in stored] == [
        ("post", "counterfeit", "假货")
    ]
    again = mei.post("/report", {"kind": "post", "id": post_id, "reason": "spam"})
    assert again.status_code == 302  # told, not stored twice
    assert "reported this already" in _text(mei.get(again.location))
    assert read_db(lambda: Report.select().count()) == 1
    # an open redirect is not followed: back to the post instead
    evil = mei.post(
        "/report",
        {"kind": "user", "id": people["lily"].id, "reason": "spam", "next": "//x.io"},
    )
    assert evil.status_code == 302 and "x.io" not in evil.location
    mine = mei.get("/me/reports")
    assert mine.status_code == 200 and "Waiting for an admin." in _text(mine)


def test_report_page_refuses_what_you_cannot_see(app, people):
    mei, lily = people["mei"], people["lily"]
    assert mei.get("/report?kind=post&id=999999").status_code == 404
    assert mei.get("/report?kind=spaceship&id=1").status_code == 404
    assert mei.get("/report?kind=post&id=abc").status_code == 404
    own = lily.post(
        "/report", {"kind": "post", "id": people["post_id"], "reason": "spam"}
    )
    assert own.status_code == 400 and "your own content" in _text(own)
    anonymous = app.test_client().get(f"/report?kind=post&id={people['post_id']}")
    assert anonymous.status_code == 302 and "/login" in anonymous.location


def test_post_page_has_report_links_for_others_only(people):
    post_id = people["post_id"]
    mei_page = _text(people["mei"].get(f"/posts/{post_id}"))
    assert f'data-report-kind="post" data-report-id="{post_id}"' in mei_page
    assert 'id="report-sheet"' in mei_page  # the sheet report.js opens
    lily_page = _text(people["lily"].get(f"/posts/{post_id}"))
    assert 'data-report-kind="post"' not in lily_page


def test_admin_takes_a_post_down_and_the_author_appeals(people):
    mei, lily, boss, judge = (people[k] for k in ("mei", "lily", "boss", "judge"))
    post_id = people["post_id"]
    mei.post("/report", {"kind": "post", "id": post_id, "reason": "counterfeit"})
    assert mei.get("/admin/reports").status_code == 403

    queue = _text(boss.get("/admin/reports"))
    assert "正品龙井 genuine Longjing" in queue and "1 report" in queue
    report_id = read_db(lambda: Report.get().id)
    file = boss.get(f"/admin/reports/{report_id}")
    assert file.status_code == 200
    assert "Counterfeit or fake goods" in _text(file)
    assert 'value="take_down"' in _text(file)
    assert 'value="end_live"' not in _text(file)  # not a live

    decided = boss.post(
        f"/admin/reports/{report_id}/resolve",
        {"action": "take_down", "note": "品牌方投诉 brand complaint"},
    )
    assert decided.status_code == 302
    assert "Nothing waiting" in _text(boss.get("/admin/reports"))
    assert mei.get(f"/posts/{post_id}").status_code == 404
    assert mei.get("/").status_code == 200
    assert "genuine Longjing" not in _text(mei.get("/"))

    own = _text(lily.get(f"/posts/{post_id}"))
    assert "An admin took this post down" in own
    notes = _text(lily.get("/notifications"))
    assert "took down your post after reports" in notes
    decision_url = f"/moderation/decisions/{read_db(_decision_id)}"
    assert decision_url in own and decision_url in notes
    decision = _text(lily.get(decision_url))
    assert "品牌方投诉 brand complaint" in decision and "Send appeal" in decision
    assert mei.get(decision_url).status_code == 404  # not mei's
    assert "acted on the post you reported" in _text(mei.get("/notifications"))

    # the edit form cannot bring it back
    edit = lily.post(
        f"/posts/{post_id}/edit",
        {"body": "changed", "product_ids": str(people["teas"][0])},
    )
    assert edit.status_code in (302, 400, 409)
    assert read_db(lambda: _post_status(post_id)) == "removed"

    appealed = lily.post(f"{decision_url}/appeal", {"text": "有发票 I have receipts"})
    assert appealed.status_code == 302
    assert "another admin will decide" not in _text(lily.get(decision_url))
    assert "waiting for another admin" in _text(lily.get(decision_url))
    twice = lily.post(f"{decision_url}/appeal", {"text": "again"})
    assert "appealed this decision already" in _text(lily.get(twice.location))

    appeals = _text(boss.get("/admin/reports?status=appealed"))
    assert "Appeal" in appeals and "genuine Longjing" in appeals
    same = boss.post(f"/admin/reports/{report_id}/resolve", {"action": "dismiss"})
    assert "Another admin decides" in _text(boss.get(same.location))
    reversed_ = judge.post(
        f"/admin/reports/{report_id}/resolve", {"action": "dismiss", "note": "ok"}
    )
    assert reversed_.status_code == 302
    assert mei.get(f"/posts/{post_id}").status_code == 200
    assert "your post is back" in _text(lily.get("/notifications"))
    assert "Decided" in _text(boss.get("/admin/reports?status=closed"))


def _decision_id():
    from livestall.moderation.models import Decision

    return Decision.get().id


def _post_status(post_id):
    from livestall.content.models import Post

    return Post.get_by_id(post_id).status


def test_admin_file_shows_the_chat_around_a_message(app, api, people):
    lily, mei, boss = people["lily"], people["mei"], people["boss"]
    sid = live_factory.go_live(lily.id, people["teas"], "今晚上新")

    def talk():
        session = sessions.get_session(sid)
        host, shopper = User.get_by_id(lily.id), User.get_by_id(mei.id)
        ids = []
        for n in range(8):
            who = shopper if n % 2 else host
            ids.append(chat.post_chat(session, who, f"消息 {n}").id)
        return ids

    ids = read_db(talk)
    bad = ids[5]  # mei's
    page = _text(lily.get(f"/live/{sid}"))
    assert f'data-id="{bad}" data-user-id="{mei.id}"' in page  # report.js: not own
    resp = lily.post("/report", {"kind": "chat", "id": bad, "reason": "harassment"})
    assert resp.status_code == 302
    report_id = read_db(lambda: Report.get().id)
    file = _text(boss.get(f"/admin/reports/{report_id}"))
    shown = [f"消息 {n}" for n in range(8) if f"消息 {n}" in file]
    assert shown == [f"消息 {n}" for n in range(0, 8)]  # five before, and after
    assert 'class="reported"' in file
    boss.post(f"/admin/reports/{report_id}/resolve", {"action": "take_down"})
    state = read_db(lambda: chat.recent_chat(sessions.get_session(sid)))
    assert bad not in [m["id"] if isinstance(m, dict) else m.id for m in state]


def test_a_product_taken_down_stays_down_for_its_shop(app, api, people):
    boss, mei = people["boss"], people["mei"]
    product_id = people["teas"][1]
    mei.post("/report", {"kind": "product", "id": product_id, "reason": "prohibited"})
    report_id = read_db(lambda: Report.get().id)
    boss.post(f"/admin/reports/{report_id}/resolve", {"action": "take_down"})
    assert mei.get(f"/products/{product_id}").status_code == 404
    shop = accounts.Person.__new__(accounts.Person)  # the shop signs in
    shop.client = app.test_client()
    from tests.plugins.app import AuthActions

    AuthActions(shop.client).login("teashop")
    page = _text(shop.client.get(f"/products/{product_id}"))
    assert "An admin took this product down" in page
    listing = _text(shop.client.get("/merchant/products"))
    assert "taken down" in listing
    from tests.plugins.app import csrf_token

    restore = shop.client.post(
        f"/merchant/products/{product_id}/restore",
        data={"csrf_token": csrf_token(shop.client, "/")},
    )
    assert restore.status_code == 302
    assert "cannot be put back on sale" in _text(shop.client.get(restore.location))
    from livestall.catalog.models import Product

    assert read_db(lambda: Product.get_by_id(product_id).status) == "removed"


def test_a_live_taken_down_is_gone_for_viewers_and_explained_to_its_host(
    app, api, people
):
    lily, mei, boss = people["lily"], people["mei"], people["boss"]
    sid = live_factory.go_live(lily.id, people["teas"], "今晚上新")
    assert 'data-report-kind="live"' in _text(mei.get(f"/live/{sid}"))
    mei.post("/report", {"kind": "live", "id": sid, "reason": "prohibited"})
    report_id = read_db(lambda: Report.get().id)
    assert 'value="end_live"' in _text(boss.get(f"/admin/reports/{report_id}"))
    boss.post(f"/admin/reports/{report_id}/resolve", {"action": "take_down"})
    assert mei.get(f"/live/{sid}").status_code == 404
    assert app.test_client().get(f"/api/v1/live/{sid}").status_code == 404
    host_page = _text(lily.get(f"/live/{sid}"))
    assert "An admin took this live down" in host_page
    assert "See why, or appeal" in host_page
    assert boss.get(f"/live/{sid}").status_code == 200
    assert f"/live/{sid}" not in _text(mei.get("/live"))
