"""The leaders' pages (团长) and the admins' application queue, over HTTP: applying
and editing by the form, each application status on the leader's home, the batch
checklist after the cut-off and its Received button, verifying pickup codes
(right, wrong, malformed, used, another point's, not a leader), earnings through a
refund, the admins' tabs and decisions (reasons required, stale moves refused),
and who may open what."""

import re
from urllib.parse import urlsplit

import pytest

from livestall.accounts.models import User
from livestall.community.models import Leader, PickupOrder
from livestall.orders.models import Order
from livestall.platform.models import AuditEntry
from tests.factories import community as cf
from tests.factories.orders import Browser, move
from tests.plugins.app import error_of, plain, read_db, text

POINT_FORM = {
    "name": "翠苑二区 7 号楼快递驿站",
    "address": "杭州市西湖区翠苑二区 7 幢 102",
    "hours": "09:00-20:00",
    "phone": "0571 8888 0002",
}


@pytest.fixture
def world(app, community_world):
    """The community world (teashop's tea ¥128 and cup ¥69 in a campaign, auntie_li
    an approved leader, boss an admin, mei a buyer) with browsers for auntie_li,
    boss and mei."""
    w = community_world()
    w["app"] = app
    w["leader_b"] = Browser(app, "auntie_li", signup=False)
    w["boss_b"] = Browser(app, "boss", signup=False)
    w["mei_b"] = Browser(app, "mei", signup=False)
    return w


def _flashes(resp):
    return " ".join(
        " ".join(re.sub(r"<[^>]+>", " ", m).split())
        for m in re.findall(r'<p class="flash flash-\w+">(.*?)</p>', text(resp), re.S)
    )


def _follow(browser, resp):
    assert resp.status_code == 302, resp.status_code
    return browser.get(resp.location)


def _order(world, token, items):
    resp = cf.order(
        world["api"], token, world["campaign"]["id"], world["leader"]["id"], items
    )
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()["order"]


def _leader_row(username):
    return read_db(
        lambda: Leader.get(Leader.user == User.get(User.username == username).id)
    )


def _status_of(leader_id):
    return read_db(lambda: Leader.get_by_id(leader_id).status)


def _batch(world):
    """mei orders 2 teas (跟团号 1), lan a cup (2); zhu orders and cancels; then the
    cut-off passes. The orders' dicts."""
    api = world["api"]
    mei = _order(world, world["buyer"], [{"product_id": world["tea"], "qty": 2}])
    lan = _order(world, api.user("lan"), [{"product_id": world["cup"], "qty": 1}])
    zhu_token = api.user("zhu")
    zhu = _order(world, zhu_token, [{"product_id": world["tea"], "qty": 1}])
    assert move(api, zhu_token, zhu["id"], "cancelled").status_code == 200
    cf.pass_cutoff(world["campaign"]["id"])
    return {"mei": mei, "lan": lan, "zhu": zhu}


def _verify(world, code, browser=None):
    return (browser or world["leader_b"]).post("/leader/pickup", {"code": code})


# --- who may open what ----------------------------------------------------------------

LEADER_PAGES = ["/leader", "/leader/apply", "/leader/pickup", "/leader/earnings"]


def test_signed_out_visitors_are_sent_to_sign_in_and_back(app):
    anon = app.test_client()
    for path in [*LEADER_PAGES, "/admin/leaders"]:
        resp = anon.get(path)
        assert resp.status_code == 302, path
        where = urlsplit(resp.location)
        assert where.path == "/login" and "next=" in where.query, path
    browser = Browser(app)
    for path in (
        "/leader/apply",
        "/leader/pickup",
        "/leader/batches/1/receive",
        "/admin/leaders/1/approve",
        "/admin/leaders/1/reject",
        "/admin/leaders/1/disable",
    ):
        resp = browser.post(path)
        assert resp.status_code == 302 and urlsplit(resp.location).path == "/login"


def test_the_admin_queue_is_for_admins_only(app, world):
    shopper = world["mei_b"]
    merchant = Browser(app, "teashop", signup=False)
    pending = cf.apply(world["api"], world["api"].user("lin")).get_json()["leader"]
    for browser in (shopper, merchant, world["leader_b"]):
        assert browser.get("/admin/leaders").status_code == 403
        for action in ("approve", "reject", "disable"):
            resp = browser.post(
                f"/admin/leaders/{pending['id']}/{action}", {"reason": "x"}
            )
            assert resp.status_code == 403
    assert _status_of(pending["id"]) == "pending"
    assert world["boss_b"].get("/admin/leaders").status_code == 200


def test_posts_without_a_csrf_token_are_refused(world):
    client = world["leader_b"].client
    for path in ("/leader/apply", "/leader/pickup"):
        assert client.post(path, data={"code": "12345678"}).status_code == 400
    resp = client.post(f"/leader/batches/{world['campaign']['id']}/receive")
    assert resp.status_code == 400


# --- applying -------------------------------------------------------------------------


def test_a_neighbour_applies_by_the_form_then_edits_while_pending(app):
    lin = Browser(app, "lin")
    home = plain(lin.get("/leader"))
    assert "Run a pickup point for your neighbours" in home
    assert 'href="/leader/apply"' in text(lin.get("/leader"))
    form = lin.get("/leader/apply")
    assert form.status_code == 200
    assert "Become a community leader" in plain(form)
    # nothing filled in: each field says what it wants, nothing is saved
    empty = lin.post("/leader/apply", {})
    assert empty.status_code == 400
    assert (
        error_of(text(empty), "name")
        == "Give your pickup point a name neighbours will recognise."
    )
    missing = lin.post("/leader/apply", {**POINT_FORM, "hours": "  "})
    assert missing.status_code == 400
    assert error_of(text(missing), "hours") == "Give the pickup point's opening hours."
    assert 'value="翠苑二区 7 号楼快递驿站"' in text(missing)  # kept as typed
    long = lin.post("/leader/apply", {**POINT_FORM, "phone": "1" * 31})
    assert error_of(text(long), "phone") == "At most 30 characters."
    assert read_db(lambda: Leader.select().count()) == 0

    sent = lin.post("/leader/apply", POINT_FORM)
    assert sent.status_code == 302 and sent.location == "/leader"
    page = lin.get("/leader")
    assert "Application sent: an admin will review it." in _flashes(page)
    body = plain(page)
    assert "Waiting for review" in body and POINT_FORM["name"] in body
    assert POINT_FORM["address"] in body and POINT_FORM["hours"] in body
    assert "Edit application" in body and "Verify a pickup code" not in body
    row = _leader_row("lin")
    assert row.status == "pending" and row.point_phone == POINT_FORM["phone"]

    # editing: the form comes prefilled; saving keeps it pending
    again = text(lin.get("/leader/apply"))
    assert "Edit your pickup point" in again
    for value in POINT_FORM.values():
        assert f'value="{value}"' in again
    edited = lin.post("/leader/apply", {**POINT_FORM, "hours": "08:00-22:00"})
    page = _follow(lin, edited)
    assert "Saved your application: it is still waiting for review." in _flashes(page)
    assert _leader_row("lin").status == "pending"
    assert "08:00-22:00" in plain(page)
    # not approved yet: no pickup codes, no earnings
    refused = lin.get("/leader/pickup")
    assert refused.status_code == 302 and refused.location == "/leader"
    assert "Only an approved leader verifies pickup codes." in _flashes(
        lin.get("/leader")
    )
    refused = lin.get("/leader/earnings")
    assert refused.status_code == 302 and refused.location == "/leader"
    assert "Earnings start once your pickup point is approved." in _flashes(
        lin.get("/leader")
    )


def test_a_rejected_application_shows_the_reason_and_goes_back_when_edited(app, world):
    api = world["api"]
    lin_token = api.user("lin")
    leader = cf.apply(api, lin_token).get_json()["leader"]
    cf.decide(api, world["admin"], leader["id"], "reject", "地址请写到门牌号")
    lin = Browser(app, "lin", signup=False)
    body = plain(lin.get("/leader"))
    assert "Not approved" in body and "Your application was not approved." in body
    assert "Reason: 地址请写到门牌号" in body and "Edit and apply again" in body
    form = plain(lin.get("/leader/apply"))
    assert "Reason: 地址请写到门牌号" in form
    page = _follow(lin, lin.post("/leader/apply", POINT_FORM))
    assert "Saved: your application goes back to the admins for review." in (
        _flashes(page)
    )
    assert _status_of(leader["id"]) == "pending"
    assert "Waiting for review" in plain(page)


def test_an_approved_leader_edits_and_stays_approved(world):
    leader_b = world["leader_b"]
    page = _follow(leader_b, leader_b.post("/leader/apply", POINT_FORM))
    assert "Saved your pickup point." in _flashes(page)
    assert _status_of(world["leader"]["id"]) == "approved"
    body = plain(page)
    assert "Approved" in body and POINT_FORM["name"] in body
    assert "Edit pickup point" in body and "Verify a pickup code" in body


def test_a_disabled_leader_is_told_and_cannot_apply_again(app, world):
    api, leader_id = world["api"], world["leader"]["id"]
    cf.decide(api, world["admin"], leader_id, "disable", "多次未按时开门")
    leader_b = world["leader_b"]
    body = plain(leader_b.get("/leader"))
    assert "Disabled" in body and "Reason: 多次未按时开门" in body
    assert "Your pickup point was disabled. Contact the site's admins." in body
    assert "Verify a pickup code" not in body
    assert 'href="/leader/apply"' not in text(leader_b.get("/leader"))
    form = leader_b.get("/leader/apply")
    assert form.status_code == 200 and "cl-form" not in text(form)
    resp = leader_b.post("/leader/apply", POINT_FORM)
    assert resp.status_code == 403
    assert "Your pickup point was disabled." in plain(resp)
    assert _status_of(leader_id) == "disabled"
    # the earnings earned before stay readable; codes are refused
    assert leader_b.get("/leader/earnings").status_code == 200
    refused = _verify(world, "12345678")
    assert refused.status_code == 403
    assert "Only an approved leader verifies pickup codes." in plain(refused)


# --- the leader's home: campaigns and batches -----------------------------------------


def test_before_the_cut_off_the_home_counts_orders_and_has_no_batch(world):
    _order(world, world["buyer"], [{"product_id": world["tea"], "qty": 1}])
    leader_b = world["leader_b"]
    body = plain(leader_b.get("/leader"))
    assert "Taking orders" in body and world["campaign"]["title"] in body
    assert "1 order at your point so far" in body
    assert "No batch yet." in body and "Received this batch" not in body
    resp = leader_b.post(f"/leader/batches/{world['campaign']['id']}/receive")
    assert resp.status_code == 302
    assert resp.location == f"/leader#batch-{world['campaign']['id']}"
    assert "The batches are made at the cut-off." in _flashes(leader_b.get("/leader"))


def test_after_the_cut_off_the_batch_is_a_checklist_with_a_received_button(world):
    placed = _batch(world)
    campaign_id = world["campaign"]["id"]
    leader_b = world["leader_b"]
    page = leader_b.get("/leader")
    html, body = text(page), plain(page)
    assert f'id="batch-{campaign_id}"' in html
    assert "Taking orders" not in body
    assert "龙井 250g × 2" in body and "青瓷杯 × 1" in body  # the batch's lines
    assert "Picked up: 0 of 2" in body
    checklist = re.search(r'<ol class="cl-checklist".*?</ol>', html, re.S).group(0)
    rows = re.findall(r'<li class="cl-check[^"]*">(.*?)</li>', checklist, re.S)
    assert len(rows) == 2  # zhu's cancelled order is not in the batch
    first, second = (" ".join(re.sub(r"<[^>]+>", " ", r).split()) for r in rows)
    assert first.startswith("Group number #1") and "@mei" in first
    assert "龙井 250g × 2" in first
    assert second.startswith("Group number #2") and "@lan" in second
    assert "青瓷杯 × 1" in second
    assert "Waiting" in first and "zhu" not in checklist
    assert "Not shipped yet" in body
    assert f'action="/leader/batches/{campaign_id}/receive"' in html
    assert placed["mei"]["pickup"]["code"] not in html  # codes stay the buyers'

    resp = leader_b.post(f"/leader/batches/{campaign_id}/receive")
    assert resp.location == f"/leader#batch-{campaign_id}"
    page = leader_b.get("/leader")
    assert "Marked received: the buyers who have not picked up yet were told" in (
        _flashes(page)
    )
    assert "Received this batch" not in plain(page) and "Received" in plain(page)
    told = world["api"].call("GET", "/api/v1/notifications", token=world["buyer"])
    assert "pickup_ready" in [n["kind"] for n in told.get_json()["items"]]
    again = leader_b.post(f"/leader/batches/{campaign_id}/receive")
    assert "This batch was already marked received." in _flashes(
        leader_b.get(again.location)
    )


def test_receiving_is_for_the_points_leader_only(app, world):
    _batch(world)
    campaign_id = world["campaign"]["id"]
    # a shopper, and another approved leader without orders in this campaign
    for browser in (world["mei_b"], None):
        if browser is None:
            cf.approved_leader(world["api"], world["admin"], "uncle_wang")
            browser = Browser(app, "uncle_wang", signup=False)
        resp = browser.post(f"/leader/batches/{campaign_id}/receive")
        assert resp.status_code == 302
        assert _flashes(browser.get("/leader")) in (
            "Only an approved leader receives batches.",
            "No batch for your pickup point.",
        )
    missing = world["leader_b"].post("/leader/batches/987654/receive")
    assert missing.status_code == 302
    assert "No such campaign." in _flashes(world["leader_b"].get("/leader"))


# --- verifying codes ------------------------------------------------------------------


def test_verifying_a_code_shows_the_order_then_refuses_it_again(world):
    placed = _batch(world)
    leader_b = world["leader_b"]
    form = text(leader_b.get("/leader/pickup"))
    box = re.search(r'<input id="f-code"[^>]*>', form, re.S).group(0)
    for attribute in (
        'inputmode="numeric"',
        'autocomplete="one-time-code"',
        'name="code"',
    ):
        assert attribute in box
    code = placed["mei"]["pickup"]["code"]
    done = _verify(world, f"{code[:4]} {code[4:]}")  # typed with a space
    assert done.status_code == 200
    body = plain(done)
    assert "Hand it over: order picked up" in body
    assert "Group number #1" in body and "@mei" in body
    assert "龙井 250g × 2" in body
    assert "Cash on delivery: collect ¥256.00." in body
    assert f"Order #{placed['mei']['id']}" in body
    assert 'value=""' in re.search(r'<input id="f-code"[^>]*>', text(done)).group(0)
    assert read_db(lambda: Order.get_by_id(placed["mei"]["id"]).status) == ("delivered")
    row = cf.pickup_row(placed["mei"]["id"])
    assert row.picked_up_at is not None and row.open_code is None

    used = _verify(world, code)
    assert used.status_code == 409
    assert "This code was already used: the order was picked up." in plain(used)
    assert "Hand it over" not in plain(used)
    assert f'value="{code}"' in text(used)  # kept, to check with the buyer

    # the checklist ticks mei off
    body = plain(leader_b.get("/leader"))
    assert "Picked up: 1 of 2" in body


def test_wrong_malformed_and_cancelled_codes_are_messages(world):
    placed = _batch(world)
    codes = {placed[k]["pickup"]["code"] for k in placed}
    wrong = next(f"{n:08d}" for n in range(10**8) if f"{n:08d}" not in codes)
    resp = _verify(world, wrong)
    assert resp.status_code == 404
    assert "No order at your point has this code." in plain(resp)
    for bad in ("", "1234", "abcdefgh", "123456789", "１２３４５６７８"):
        resp = _verify(world, bad)
        assert resp.status_code == 400, bad
        assert "A pickup code is 8 digits." in plain(resp)
    cancelled = _verify(world, placed["zhu"]["pickup"]["code"])
    assert cancelled.status_code == 404
    assert read_db(lambda: Order.get_by_id(placed["zhu"]["id"]).status) == ("cancelled")
    huge = _verify(world, "9" * 5000)
    assert huge.status_code == 400


def test_another_points_leader_and_a_shopper_cannot_use_a_code(app, world):
    placed = _batch(world)
    code = placed["lan"]["pickup"]["code"]
    cf.approved_leader(world["api"], world["admin"], "uncle_wang")
    other = Browser(app, "uncle_wang", signup=False)
    resp = _verify(world, code, other)
    assert resp.status_code == 404
    assert "No order at your point has this code." in plain(resp)
    shopper = _verify(world, code, world["mei_b"])
    assert shopper.status_code == 403
    assert "Only an approved leader verifies pickup codes." in plain(shopper)
    assert 'id="f-code"' not in text(shopper)
    assert world["mei_b"].get("/leader/pickup").status_code == 302
    assert cf.pickup_row(placed["lan"]["id"]).picked_up_at is None


# --- earnings -------------------------------------------------------------------------


def test_earnings_show_pending_then_reversed_after_a_refund(world):
    leader_b = world["leader_b"]
    empty = plain(leader_b.get("/leader/earnings"))
    assert "No earnings yet" in empty
    placed = _batch(world)
    assert _verify(world, placed["mei"]["pickup"]["code"]).status_code == 200
    page = leader_b.get("/leader/earnings")
    body = plain(page)
    assert "Pending ¥25.60" in body and "Payable ¥0.00" in body
    assert "Reversed ¥0.00" in body
    assert "Earned: order picked up" in body and "+¥25.60" in body
    assert f"Order #{placed['mei']['id']}" in body and "Group number 1" in body
    refund = move(world["api"], world["merchant"], placed["mei"]["id"], "refunded")
    assert refund.status_code == 200, refund.get_json()
    body = plain(leader_b.get("/leader/earnings"))
    assert "Pending ¥0.00" in body and "Reversed ¥25.60" in body
    assert "Reversed: order refunded" in body and "-¥25.60" in body
    assert cf.ledger_total(world["leader"]["id"]) == 0


# --- the admins' queue ----------------------------------------------------------------


def test_admins_approve_reject_and_disable_from_the_queue(world):
    api, boss = world["api"], world["boss_b"]
    lin = cf.apply(api, api.user("lin"), name="林家小卖部").get_json()["leader"]
    ann = cf.apply(api, api.user("ann"), name="安安水果店").get_json()["leader"]
    page = boss.get("/admin/leaders")
    body, html = plain(page), text(page)
    assert "Leader applications" in body
    assert "林家小卖部" in body and "安安水果店" in body
    assert "翠苑一区 3 号楼便利店" not in body  # auntie_li is approved: another tab
    assert re.search(
        r'aria-current="page">\s*To review <span class="cl-count">2<', html
    )
    assert f'action="/admin/leaders/{lin["id"]}/approve"' in html
    assert f'action="/admin/leaders/{lin["id"]}/reject"' in html

    resp = boss.post(f"/admin/leaders/{lin['id']}/approve", {"status": "pending"})
    assert resp.status_code == 302 and resp.location == "/admin/leaders?status=pending"
    page = boss.get(resp.location)
    assert "Approved lin's pickup point." in _flashes(page)
    assert "林家小卖部" not in plain(page) and _status_of(lin["id"]) == "approved"

    # a reason is required to reject; then the applicant's reason is shown
    resp = boss.post(f"/admin/leaders/{ann['id']}/reject", {"reason": "  "})
    assert "Say why, for the applicant." in _flashes(boss.get(resp.location))
    assert _status_of(ann["id"]) == "pending"
    resp = boss.post(
        f"/admin/leaders/{ann['id']}/reject",
        {"reason": "请补充营业时间", "status": "pending"},
    )
    assert "Rejected ann's application." in _flashes(boss.get(resp.location))
    rejected = plain(boss.get("/admin/leaders?status=rejected"))
    assert "安安水果店" in rejected and "Reason: 请补充营业时间" in rejected
    # a stale page: approving what was rejected meanwhile is refused
    resp = boss.post(f"/admin/leaders/{ann['id']}/approve", {"status": "pending"})
    assert "This application is rejected already: reload to see it." in _flashes(
        boss.get(resp.location)
    )
    assert _status_of(ann["id"]) == "rejected"

    approved = text(boss.get("/admin/leaders?status=approved"))
    assert "林家小卖部" in approved and "翠苑一区 3 号楼便利店" in approved
    assert f'action="/admin/leaders/{lin["id"]}/disable"' in approved
    assert f'action="/admin/leaders/{lin["id"]}/approve"' not in approved
    resp = boss.post(
        f"/admin/leaders/{lin['id']}/disable",
        {"reason": "长期不营业", "status": "approved"},
    )
    assert resp.location == "/admin/leaders?status=approved"
    assert "Disabled lin's pickup point." in _flashes(boss.get(resp.location))
    disabled = plain(boss.get("/admin/leaders?status=disabled"))
    assert "林家小卖部" in disabled and "Reason: 长期不营业" in disabled
    missing = boss.post("/admin/leaders/987654/approve")
    assert missing.location == "/admin/leaders?status=pending"
    assert "No such leader." in _flashes(boss.get(missing.location))
    # a junk tab is the pending one
    assert boss.get("/admin/leaders?status=bogus").status_code == 200
    actions = read_db(
        lambda: [
            a.action
            for a in AuditEntry.select().order_by(AuditEntry.id)
            if a.action.startswith("leader.")
        ]
    )
    assert actions == [
        "leader.approve",  # auntie_li, by the world
        "leader.approve",
        "leader.reject",
        "leader.disable",
    ]


# --- links ----------------------------------------------------------------------------


def test_the_account_page_and_the_admin_menu_link_the_pages(world):
    assert 'href="/leader"' in text(world["mei_b"].get("/me"))
    admin_me = text(world["boss_b"].get("/me"))
    assert 'href="/admin/leaders"' in admin_me and "Leader applications" in admin_me
    assert 'href="/admin/leaders"' not in text(world["mei_b"].get("/me"))


def test_only_the_leaders_own_orders_show_at_their_point(world):
    """Another point's orders of the same campaign stay out of this batch."""
    api = world["api"]
    _token, other = cf.approved_leader(api, world["admin"], "uncle_wang")
    resp = cf.order(
        api,
        api.user("dan"),
        world["campaign"]["id"],
        other["id"],
        [{"product_id": world["cup"], "qty": 3}],
    )
    assert resp.status_code == 201
    _batch(world)
    body = plain(world["leader_b"].get("/leader"))
    assert "@dan" not in body and "青瓷杯 × 1" in body and "青瓷杯 × 3" not in body
    assert read_db(lambda: PickupOrder.select().count()) == 4
