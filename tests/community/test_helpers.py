"""Leaders' helpers (团长的帮手): a leader names helpers by username (at most 10, not
themselves, audited as the leader's), removes them; a helper verifies codes at the
points they serve (picked_up_by is the helper, the commission the leader's), never
another leader's, not after removal nor once the leader is disabled, and sees
neither earnings nor the helpers list. Through the API and the pages."""

import re

import pytest

from livestall.accounts.models import User
from livestall.community import helpers
from livestall.community.models import LeaderEntry, LeaderHelper
from livestall.errors import LimitReached
from livestall.orders.models import Order
from livestall.platform.models import AuditEntry
from tests.factories import community as cf
from tests.factories.orders import Browser
from tests.plugins.app import error_of, plain, read_db, text


@pytest.fixture
def world(app, community_world):
    w = community_world()
    w["app"] = app
    w["helper"] = w["api"].user("xiao_zhang")
    return w


def _err(resp):
    return resp.status_code, resp.get_json()["error"]["code"]


def _user_id(username):
    return read_db(lambda: User.get(User.username == username).id)


def _add(world, username, token=None):
    return world["api"].call(
        "POST",
        "/api/v1/leader/helpers",
        token=token or world["leader_token"],
        json={"username": username},
    )


def _verify(world, token, code, **extra):
    return world["api"].call(
        "POST", "/api/v1/leader/pickups", token=token, json={"code": code, **extra}
    )


def _placed(world, buyer=None, leader=None, qty=1):
    resp = cf.order(
        world["api"],
        buyer or world["buyer"],
        world["campaign"]["id"],
        (leader or world["leader"])["id"],
        [{"product_id": world["tea"], "qty": qty}],
    )
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()["order"]


# --- naming and removing helpers -----------------------------------------------------


def test_a_leader_names_and_removes_helpers_audited_as_theirs(world):
    api = world["api"]
    resp = _add(world, "@xiao_zhang")
    assert resp.status_code == 201
    assert resp.get_json()["helper"]["username"] == "xiao_zhang"
    assert _add(world, "xiao_zhang").status_code == 200  # already one: no error
    listed = api.call("GET", "/api/v1/leader/helpers", token=world["leader_token"])
    body = listed.get_json()
    assert [h["username"] for h in body["items"]] == ["xiao_zhang"]
    assert body["max"] == helpers.MAX_HELPERS
    assert _err(_add(world, "auntie_li")) == (400, "invalid")  # not themselves
    assert _err(_add(world, "nobody_here")) == (404, "not_found")
    assert _err(_add(world, "")) == (400, "invalid")
    assert _err(_add(world, "x" * 500)) == (404, "not_found")
    helper_id = _user_id("xiao_zhang")
    gone = api.call(
        "DELETE", f"/api/v1/leader/helpers/{helper_id}", token=world["leader_token"]
    )
    assert gone.status_code == 200 and gone.get_json()["user_id"] == helper_id
    again = api.call(
        "DELETE", f"/api/v1/leader/helpers/{helper_id}", token=world["leader_token"]
    )
    assert _err(again) == (404, "not_found")
    leader_user = _user_id("auntie_li")
    rows = read_db(
        lambda: [
            (a.action, a.actor_id, a.target_id)
            for a in AuditEntry.select()
            .where(AuditEntry.action.startswith("leader.helper"))
            .order_by(AuditEntry.id)
        ]
    )
    assert rows == [
        ("leader.helper_add", leader_user, world["leader"]["id"]),
        ("leader.helper_remove", leader_user, world["leader"]["id"]),
    ]


def test_only_an_approved_leader_manages_helpers(world):
    api = world["api"]
    assert _add(world, "xiao_zhang").status_code == 201
    # the helper and a shopper neither list, add nor remove; nor see earnings
    for token in (world["helper"], world["buyer"]):
        assert _err(_add(world, "mei", token)) == (403, "forbidden")
        resp = api.call("GET", "/api/v1/leader/helpers", token=token)
        assert _err(resp) == (403, "forbidden")
        resp = api.call(
            "DELETE", f"/api/v1/leader/helpers/{_user_id('xiao_zhang')}", token=token
        )
        assert _err(resp) == (403, "forbidden")
        resp = api.call("GET", "/api/v1/leader/earnings", token=token)
        assert resp.status_code == 403
    assert api.call("GET", "/api/v1/leader/helpers").status_code == 401
    # a pending leader names nobody yet
    pending = api.user("lin")
    assert cf.apply(api, pending).status_code == 201
    assert _err(_add(world, "mei", pending)) == (403, "forbidden")


def test_at_most_ten_helpers_and_a_user_may_help_several_leaders(world):
    api = world["api"]
    for i in range(helpers.MAX_HELPERS):
        api.user(f"helper_{i}")
        assert _add(world, f"helper_{i}").status_code == 201
    assert _err(_add(world, "xiao_zhang")) == (409, "limit_reached")
    assert read_db(lambda: LeaderHelper.select().count()) == helpers.MAX_HELPERS
    # another leader names one of them too
    wang, _ = cf.approved_leader(api, world["admin"], "uncle_wang")
    assert _add(world, "helper_0", wang).status_code == 201
    with pytest.raises(LimitReached):
        read_db(
            lambda: helpers.add(User.get(User.username == "auntie_li"), "xiao_zhang")
        )


# --- helpers verify codes ------------------------------------------------------------


def test_a_helper_verifies_a_code_and_the_leader_earns(world):
    api = world["api"]
    placed = _placed(world, qty=2)
    cf.pass_cutoff(world["campaign"]["id"])
    code = placed["pickup"]["code"]
    # not a helper yet: refused as a shopper
    assert _err(_verify(world, world["helper"], code)) == (403, "forbidden")
    assert _add(world, "xiao_zhang").status_code == 201
    resp = _verify(world, world["helper"], code)
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["order"]["status"] == "delivered"
    assert resp.get_json()["leader_id"] == world["leader"]["id"]
    row = cf.pickup_row(placed["id"])
    assert row.picked_up_by_id == _user_id("xiao_zhang")
    assert row.open_code is None
    # the commission is the leader's: 10 % of ¥256
    assert cf.ledger_total(world["leader"]["id"]) == 2560
    entries = read_db(lambda: [e.leader_id for e in LeaderEntry.select()])
    assert entries == [world["leader"]["id"]]
    assert _err(_verify(world, world["helper"], code)) == (409, "already_picked_up")
    order = api.call("GET", f"/api/v1/orders/{placed['id']}", token=world["buyer"])
    assert order.get_json()["order"]["paid_at"] is not None


def test_a_removed_helper_and_another_leaders_helper_are_refused(world):
    api = world["api"]
    first = _placed(world)
    second = _placed(world, buyer=api.user("lan"))
    cf.pass_cutoff(world["campaign"]["id"])
    # uncle_wang's helper (lao_li) cannot use auntie_li's codes
    wang, wang_leader = cf.approved_leader(api, world["admin"], "uncle_wang")
    lao_li = api.user("lao_li")
    assert _add(world, "lao_li", wang).status_code == 201
    resp = _verify(world, lao_li, first["pickup"]["code"])
    assert _err(resp) == (404, "not_found")
    resp = _verify(
        world, lao_li, first["pickup"]["code"], leader_id=world["leader"]["id"]
    )
    assert _err(resp) == (403, "forbidden")
    # xiao_zhang helps, is removed, and is refused
    assert _add(world, "xiao_zhang").status_code == 201
    assert _verify(world, world["helper"], first["pickup"]["code"]).status_code == 200
    api.call(
        "DELETE",
        f"/api/v1/leader/helpers/{_user_id('xiao_zhang')}",
        token=world["leader_token"],
    )
    resp = _verify(world, world["helper"], second["pickup"]["code"])
    assert _err(resp) == (403, "forbidden")
    assert cf.pickup_row(second["id"]).picked_up_at is None
    assert read_db(lambda: Order.get_by_id(second["id"]).status) == "pending_payment"


def test_a_disabled_leaders_helpers_verify_nothing(world):
    placed = _placed(world)
    cf.pass_cutoff(world["campaign"]["id"])
    assert _add(world, "xiao_zhang").status_code == 201
    resp = cf.decide(
        world["api"], world["admin"], world["leader"]["id"], "disable", "投诉较多"
    )
    assert resp.status_code == 200
    resp = _verify(world, world["helper"], placed["pickup"]["code"])
    assert _err(resp) == (403, "forbidden")
    assert cf.pickup_row(placed["id"]).picked_up_at is None


def test_a_leader_who_helps_another_verifies_at_both_points(world):
    api = world["api"]
    wang, wang_leader = cf.approved_leader(api, world["admin"], "uncle_wang")
    at_li = _placed(world)
    at_wang = _placed(world, buyer=api.user("lan"), leader=wang_leader)
    own = _placed(world, buyer=api.user("zhu"), leader=wang_leader)
    cf.pass_cutoff(world["campaign"]["id"])
    assert _add(world, "uncle_wang").status_code == 201  # wang helps auntie_li
    # leader_id narrows to one point: auntie_li's code is not at wang's own
    resp = _verify(world, wang, at_li["pickup"]["code"], leader_id=wang_leader["id"])
    assert _err(resp) == (404, "not_found")
    resp = _verify(world, wang, at_li["pickup"]["code"])
    assert (
        resp.status_code == 200
        and resp.get_json()["leader_id"] == (world["leader"]["id"])
    )
    resp = _verify(world, wang, at_wang["pickup"]["code"], leader_id=wang_leader["id"])
    assert resp.status_code == 200
    assert _err(_verify(world, wang, own["pickup"]["code"], leader_id="x")) == (
        400,
        "invalid",
    )
    # each commission goes to the point's leader
    assert cf.ledger_total(world["leader"]["id"]) == 1280
    assert cf.ledger_total(wang_leader["id"]) == 1280


# --- pages ---------------------------------------------------------------------------


@pytest.fixture
def pages(world):
    world["leader_b"] = Browser(world["app"], "auntie_li", signup=False)
    world["helper_b"] = Browser(world["app"], "xiao_zhang", signup=False)
    return world


def _flashes(resp):
    return " ".join(
        " ".join(re.sub(r"<[^>]+>", " ", m).split())
        for m in re.findall(
            r'<p class="flash flash-\w+"[^>]*>(.*?)</p>', text(resp), re.S
        )
    )


def test_the_helpers_page_adds_lists_and_removes(pages):
    leader_b = pages["leader_b"]
    assert "/leader/helpers" in text(leader_b.get("/leader"))
    page = leader_b.get("/leader/helpers")
    assert page.status_code == 200
    assert "No helpers yet" in plain(page) and "(0 of 10)" in plain(page)
    added = leader_b.post("/leader/helpers", {"username": "xiao_zhang"})
    assert added.status_code == 302 and added.location.endswith("/leader/helpers")
    page = leader_b.get(added.location)
    assert "can now verify pickup codes at your point." in _flashes(page)
    assert "@xiao_zhang" in plain(page) and "(1 of 10)" in plain(page)
    again = leader_b.post("/leader/helpers", {"username": "xiao_zhang"})
    assert "is your helper already." in _flashes(leader_b.get(again.location))
    # mistakes are the form's messages, never a 500
    for name, status, message in (
        ("nobody_here", 404, "Nobody is called @nobody_here."),
        ("auntie_li", 400, "You verify codes already: name someone else."),
        ("", 400, "Give the helper's username."),
    ):
        resp = leader_b.post("/leader/helpers", {"username": name})
        assert resp.status_code == status, name
        assert error_of(text(resp), "username") == message
    helper_id = _user_id("xiao_zhang")
    removed = leader_b.post(f"/leader/helpers/{helper_id}/remove")
    assert removed.status_code == 302
    page = leader_b.get(removed.location)
    assert "no longer verifies codes at your point." in _flashes(page)
    assert "No helpers yet" in plain(page)
    missing = leader_b.post(f"/leader/helpers/{helper_id}/remove")
    assert "This person is not your helper." in _flashes(leader_b.get(missing.location))


def test_the_helpers_page_needs_a_leader_and_a_csrf_token(pages):
    anon = pages["app"].test_client()
    resp = anon.get("/leader/helpers")
    assert resp.status_code == 302 and "/login" in resp.location
    helper_b = pages["helper_b"]
    resp = helper_b.get("/leader/helpers")
    assert resp.status_code == 302 and resp.location.endswith("/leader")
    assert "Only an approved leader names helpers." in _flashes(
        helper_b.get(resp.location)
    )
    resp = helper_b.post("/leader/helpers", {"username": "mei"})
    assert resp.status_code == 302
    resp = helper_b.post(f"/leader/helpers/{_user_id('mei')}/remove")
    assert resp.status_code == 302 and resp.location.endswith("/leader")
    client = pages["leader_b"].client
    assert client.post("/leader/helpers", data={"username": "mei"}).status_code == 400
    assert read_db(lambda: LeaderHelper.select().count()) == 0


def test_a_helper_verifies_on_the_pickup_page(pages):
    placed = _placed(pages)
    cf.pass_cutoff(pages["campaign"]["id"])
    helper_b = pages["helper_b"]
    assert helper_b.get("/leader/pickup").status_code == 302  # not a helper yet
    assert _add(pages, "xiao_zhang").status_code == 201
    home = plain(helper_b.get("/leader"))
    assert "You help at" in home and cf.POINT["name"] in home
    form = helper_b.get("/leader/pickup")
    assert form.status_code == 200 and 'id="f-code"' in text(form)
    assert "Codes of these pickup points work here:" in plain(form)
    done = helper_b.post("/leader/pickup", {"code": placed["pickup"]["code"]})
    assert done.status_code == 200
    assert "Hand it over: order picked up" in plain(done)
    assert cf.pickup_row(placed["id"]).picked_up_by_id == _user_id("xiao_zhang")
    assert helper_b.get("/leader/earnings").status_code == 302
    # removed: the page sends them back, a code is refused
    helpers_id = _user_id("xiao_zhang")
    pages["leader_b"].post(f"/leader/helpers/{helpers_id}/remove")
    assert helper_b.get("/leader/pickup").status_code == 302
    refused = helper_b.post("/leader/pickup", {"code": placed["pickup"]["code"]})
    assert refused.status_code == 403


def test_the_helpers_page_in_chinese(pages):
    leader_b = pages["leader_b"]
    leader_b.post("/language", {"lang": "zh", "next": "/"})
    page = plain(leader_b.get("/leader/helpers"))
    assert "核销帮手" in page and "添加帮手" in page
    resp = leader_b.post("/leader/helpers", {"username": "nobody_here"})
    assert error_of(text(resp), "username") == "没有用户名为 @nobody_here 的用户。"
