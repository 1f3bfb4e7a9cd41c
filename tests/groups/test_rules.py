"""Neighbourhood groups' rules through the API: every approved leader has a group
(closed the moment the leader is disabled), creators open a fan group that
following joins, members join by link and leave, the owner mutes, removes (no
joining again until restored) and holds messages with their blocked words; only
members read the history; cards are checked when posted and resolved again when
opened (the owner's touchpoint)."""

import datetime

import pytest

from livestall.attribution.models import Touchpoint
from livestall.db.base import utcnow
from livestall.groups.models import GroupMember, GroupMessage
from tests.factories import community as cf
from tests.factories import group_buy as gf
from tests.factories import groups as grf
from tests.factories import promotions as pf
from tests.factories.orders import Browser
from tests.plugins.app import read_db


@pytest.fixture
def world(groups_world):
    return groups_world()


def _err(resp):
    return resp.status_code, resp.get_json()["error"]["code"]


def test_an_approved_leader_has_one_group_named_after_the_point(api, world):
    group = world["group"]
    assert group["kind"] == "leader" and group["name"] == cf.POINT["name"]
    assert group["owner"]["username"] == "auntie_li" and group["member_count"] == 1
    again = grf.leader_group(api, world["leader"]["id"])
    assert again["id"] == group["id"]
    # a pending leader has none (and is not visible to others)
    lin = api.user("lin")
    pending = cf.apply(api, lin).get_json()["leader"]
    resp = api.call("GET", f"/api/v1/leaders/{pending['id']}/group", token=lin)
    assert _err(resp) == (404, "not_found")


def test_joining_by_link_leaving_and_joining_again(api, world):
    gid = world["group"]["id"]
    assert grf.join(api, world["buyer"], gid).status_code == 201
    assert grf.join(api, world["buyer"], gid).status_code == 200  # no-op
    group = api.call("GET", f"/api/v1/groups/{gid}", token=world["buyer"]).get_json()
    assert group["group"]["member_count"] == 2
    assert group["group"]["you"]["role"] == "member"
    mine = api.call("GET", "/api/v1/me/groups", token=world["buyer"]).get_json()
    assert [g["id"] for g in mine["items"]] == [gid]
    resp = api.call("DELETE", f"/api/v1/groups/{gid}/members/me", token=world["buyer"])
    assert resp.status_code == 204
    assert (
        api.call("GET", f"/api/v1/groups/{gid}").get_json()["group"]["member_count"]
        == 1
    )
    assert _err(grf.post(api, world["buyer"], gid, "还在吗")) == (403, "not_a_member")
    assert grf.join(api, world["buyer"], gid).status_code == 201
    # the owner cannot leave; anonymous cannot join
    resp = api.call(
        "DELETE", f"/api/v1/groups/{gid}/members/me", token=world["leader_token"]
    )
    assert _err(resp) == (400, "invalid")
    assert _err(grf.join(api, None, gid))[0] == 401


def test_only_members_read_and_write(api, world):
    gid = world["group"]["id"]
    grf.join(api, world["buyer"], gid)
    assert grf.post(api, world["buyer"], gid, "大家好").status_code == 201
    resp = api.call("GET", f"/api/v1/groups/{gid}/messages", token=world["lan"])
    assert _err(resp) == (403, "not_a_member")
    assert _err(grf.post(api, world["lan"], gid, "我也来")) == (403, "not_a_member")
    resp = api.call("GET", f"/api/v1/groups/{gid}/members", token=world["lan"])
    assert _err(resp) == (403, "not_a_member")
    grf.join(api, world["lan"], gid)
    # history on join: what was said before
    assert [m["body"] for m in grf.history(api, world["lan"], gid)] == ["大家好"]
    members = api.call("GET", f"/api/v1/groups/{gid}/members", token=world["lan"])
    assert [m["role"] for m in members.get_json()["items"]] == [
        "owner",
        "member",
        "member",
    ]


def test_history_pages_back_oldest_first(api, world):
    gid = world["group"]["id"]
    grf.join(api, world["buyer"], gid)
    for n in range(5):
        grf.post(api, world["leader_token"], gid, f"第{n}条")
    last = grf.history(api, world["buyer"], gid, limit=2)
    assert [m["body"] for m in last] == ["第3条", "第4条"]
    before = grf.history(api, world["buyer"], gid, limit=2, before_id=last[0]["id"])
    assert [m["body"] for m in before] == ["第1条", "第2条"]
    resp = api.call(
        "GET", f"/api/v1/groups/{gid}/messages?limit=0", token=world["buyer"]
    )
    assert _err(resp) == (400, "invalid")
    resp = api.call(
        "GET", f"/api/v1/groups/{gid}/messages?before_id=abc", token=world["buyer"]
    )
    assert _err(resp) == (400, "invalid")


def test_bad_messages_are_refused_and_nothing_is_stored(api, world):
    gid = world["group"]["id"]
    grf.join(api, world["buyer"], gid)
    for body in ("", "   ", "x" * 201, 5, None):
        assert _err(grf.post(api, world["buyer"], gid, body)) == (400, "invalid")
    assert read_db(lambda: GroupMessage.select().count()) == 0
    # control characters go, whitespace folds
    resp = grf.post(api, world["buyer"], gid, "明天\x00 \n 见")
    assert resp.get_json()["message"]["body"] == "明天 见"


def test_disabling_the_leader_closes_the_group_at_once(api, world):
    gid = world["group"]["id"]
    grf.join(api, world["buyer"], gid)
    cf.decide(api, world["admin"], world["leader"]["id"], "disable", "投诉较多")
    assert _err(api.call("GET", f"/api/v1/groups/{gid}", token=world["buyer"])) == (
        404,
        "not_found",
    )
    assert _err(grf.post(api, world["buyer"], gid, "在吗"))[0] == 404
    # the owner still sees it, closed, and cannot post
    resp = api.call("GET", f"/api/v1/groups/{gid}", token=world["leader_token"])
    assert resp.get_json()["group"]["open"] is False
    assert _err(grf.post(api, world["leader_token"], gid, "暂停营业")) == (
        409,
        "group_closed",
    )
    assert _err(grf.join(api, world["lan"], gid))[0] == 404


def test_a_creators_fan_group_is_joined_by_following(api, world):
    fans = world["fans"]
    assert fans["kind"] == "fan" and fans["name"] == "莉莉的粉丝群"
    # one per creator: opening again renames it
    again = grf.fan_group(api, world["creator"], name="莉莉宝藏群")
    assert again["id"] == fans["id"] and again["name"] == "莉莉宝藏群"
    resp = api.call(
        "POST", "/api/v1/me/fan-group", token=world["buyer"], json={"name": "我的群"}
    )
    assert _err(resp) == (403, "forbidden")
    resp = api.call("POST", "/api/v1/me/fan-group", token=world["creator"], json={})
    assert _err(resp) == (400, "invalid")
    assert api.call(
        "PUT", "/api/v1/follows/lily", token=world["buyer"]
    ).status_code in (
        200,
        204,
    )
    member = read_db(
        lambda: GroupMember.get(
            (GroupMember.group == fans["id"])
            & (GroupMember.user == world["ids"]["mei"])
        )
    )
    assert member.status == "active" and member.via == "follow"
    found = api.call("GET", f"/api/v1/creators/{world['ids']['lily']}/fan-group")
    assert found.get_json()["group"]["member_count"] == 2


def test_the_owner_mutes_removes_and_restores(api, world):
    gid, owner = world["group"]["id"], world["leader_token"]
    mei = world["ids"]["mei"]
    grf.join(api, world["buyer"], gid)
    grf.join(api, world["lan"], gid)
    # only the owner moderates
    assert _err(grf.act(api, world["lan"], gid, mei, "mute", minutes=10)) == (
        403,
        "forbidden",
    )
    assert _err(grf.act(api, world["lan"], gid, mei, "remove")) == (403, "forbidden")
    resp = grf.act(api, owner, gid, mei, "mute", minutes=10)
    assert resp.status_code == 200 and resp.get_json()["member"]["muted_until"]
    assert _err(grf.post(api, world["buyer"], gid, "我想说")) == (403, "muted")
    assert grf.act(api, owner, gid, mei, "mute", minutes=0).status_code == 200
    assert grf.post(api, world["buyer"], gid, "谢谢").status_code == 201
    for minutes in (-1, 30 * 24 * 60 + 1, "10", True):
        assert _err(grf.act(api, owner, gid, mei, "mute", minutes=minutes)) == (
            400,
            "invalid",
        )
    owner_id = world["ids"]["leader"]
    assert _err(grf.act(api, owner, gid, owner_id, "mute", minutes=5)) == (
        400,
        "invalid",
    )
    assert _err(grf.act(api, owner, gid, owner_id, "remove")) == (400, "invalid")
    assert _err(grf.act(api, owner, gid, 999999, "remove")) == (404, "not_found")

    assert grf.act(api, owner, gid, mei, "remove").status_code == 200
    assert _err(grf.act(api, owner, gid, mei, "remove")) == (409, "conflict")
    assert (
        api.call("GET", f"/api/v1/groups/{gid}").get_json()["group"]["member_count"]
        == 2
    )
    assert _err(grf.join(api, world["buyer"], gid)) == (403, "removed_from_group")
    assert _err(grf.post(api, world["buyer"], gid, "为什么")) == (403, "not_a_member")
    removed = api.call(
        "GET", f"/api/v1/groups/{gid}/members?status=removed", token=owner
    ).get_json()["items"]
    assert [m["user"]["id"] for m in removed] == [mei]
    resp = api.call(
        "GET", f"/api/v1/groups/{gid}/members?status=removed", token=world["lan"]
    )
    assert _err(resp) == (403, "forbidden")
    assert grf.act(api, owner, gid, mei, "restore").status_code == 200
    assert grf.join(api, world["buyer"], gid).status_code == 201


def test_a_removed_follower_is_not_joined_again_by_following(api, world):
    fans, lily = world["fans"]["id"], world["creator"]
    api.call("PUT", "/api/v1/follows/lily", token=world["buyer"])
    grf.act(api, lily, fans, world["ids"]["mei"], "remove")
    api.call("DELETE", "/api/v1/follows/lily", token=world["buyer"])
    api.call("PUT", "/api/v1/follows/lily", token=world["buyer"])
    status = read_db(
        lambda: (
            GroupMember.get(
                (GroupMember.group == fans) & (GroupMember.user == world["ids"]["mei"])
            ).status
        )
    )
    assert status == "removed"


def test_blocked_words_hold_a_message_for_the_owner(api, world):
    gid, owner = world["group"]["id"], world["leader_token"]
    grf.join(api, world["buyer"], gid)
    grf.join(api, world["lan"], gid)
    resp = api.call(
        "PUT",
        f"/api/v1/groups/{gid}/blocked-words",
        token=owner,
        json={"words": ["加微信"]},
    )
    assert resp.get_json()["words"] == ["加微信"]
    resp = api.call(
        "PUT",
        f"/api/v1/groups/{gid}/blocked-words",
        token=world["lan"],
        json={"words": []},
    )
    assert _err(resp) == (403, "forbidden")
    # folded: width, spaces and zero-width characters do not hide the word
    held = grf.post(api, world["buyer"], gid, "便宜 加\u200b微 信 聊").get_json()[
        "message"
    ]
    assert held["status"] == "held"
    assert [m["id"] for m in grf.history(api, world["lan"], gid)] == []
    assert [m["status"] for m in grf.history(api, world["buyer"], gid)] == ["held"]
    # the owner's own words are never held
    assert (
        grf.post(api, owner, gid, "别加微信").get_json()["message"]["status"]
        == "visible"
    )
    resp = api.call(
        "POST",
        f"/api/v1/groups/{gid}/messages/{held['id']}/release",
        token=world["lan"],
    )
    assert _err(resp) == (403, "forbidden")
    resp = api.call(
        "POST", f"/api/v1/groups/{gid}/messages/{held['id']}/release", token=owner
    )
    assert resp.get_json()["message"]["status"] == "visible"
    assert len(grf.history(api, world["lan"], gid)) == 2
    resp = api.call(
        "POST", f"/api/v1/groups/{gid}/messages/{held['id']}/release", token=owner
    )
    assert _err(resp) == (409, "conflict")
    # the same list holds the owner's live room's chat (one list per person)
    words = api.call("GET", f"/api/v1/groups/{gid}/blocked-words", token=owner)
    assert words.get_json()["words"] == ["加微信"]


def test_deleting_messages(api, world):
    gid, owner = world["group"]["id"], world["leader_token"]
    grf.join(api, world["buyer"], gid)
    grf.join(api, world["lan"], gid)
    mine = grf.post(api, world["buyer"], gid, "发错了").get_json()["message"]
    theirs = grf.post(api, world["lan"], gid, "收到").get_json()["message"]
    # a member deletes their own, not another's; the owner deletes any
    path = f"/api/v1/groups/{gid}/messages/"
    assert _err(api.call("DELETE", path + str(theirs["id"]), token=world["buyer"])) == (
        403,
        "forbidden",
    )
    assert (
        api.call("DELETE", path + str(mine["id"]), token=world["buyer"]).status_code
        == 204
    )
    assert api.call("DELETE", path + str(theirs["id"]), token=owner).status_code == 204
    assert grf.history(api, world["lan"], gid) == []
    # a message of another group is not found through this one
    other = world["fans"]["id"]
    assert _err(
        api.call(
            "DELETE",
            f"/api/v1/groups/{other}/messages/{mine['id']}",
            token=world["creator"],
        )
    ) == (404, "not_found")


def test_cards_are_checked_when_posted(api, world):
    gid, owner = world["group"]["id"], world["leader_token"]
    campaign = world["campaign"]
    ok = grf.post(
        api, owner, gid, "今晚截单", card={"kind": "campaign", "id": campaign["id"]}
    )
    assert ok.status_code == 201, ok.get_json()
    card = ok.get_json()["message"]["card"]
    assert card["items"] == 2 and card["price_cents"] == 6900
    assert ok.get_json()["message"]["body"] == "今晚截单"
    product = grf.post(api, owner, gid, card={"kind": "product", "id": world["tea"]})
    assert product.get_json()["message"]["card"]["title"]
    # only the owner posts cards
    grf.join(api, world["buyer"], gid)
    resp = grf.post(
        api, world["buyer"], gid, card={"kind": "product", "id": world["tea"]}
    )
    assert _err(resp) == (403, "forbidden")
    for bad in (
        {"kind": "post", "id": 1},
        {"kind": "product", "id": "1"},
        {"kind": "product"},
        "product:1",
    ):
        assert _err(grf.post(api, owner, gid, card=bad)) == (400, "invalid")
    assert (
        _err(grf.post(api, owner, gid, card={"kind": "product", "id": 999999}))[0]
        == 404
    )
    # a campaign card in a fan group has no point to order through
    resp = grf.post(
        api,
        world["creator"],
        world["fans"]["id"],
        card={"kind": "campaign", "id": campaign["id"]},
    )
    assert _err(resp) == (400, "invalid")
    cf.pass_cutoff(campaign["id"])
    resp = grf.post(api, owner, gid, card={"kind": "campaign", "id": campaign["id"]})
    assert _err(resp) == (409, "conflict")


def test_group_buy_and_coupon_cards(api, world):
    lily, fans = world["creator"], world["fans"]["id"]
    deal = gf.made_deal(api, world["merchant"], world["tea"])
    resp = grf.post(api, lily, fans, card={"kind": "group_buy", "id": deal["id"]})
    assert resp.status_code == 201, resp.get_json()
    card = resp.get_json()["message"]["card"]
    assert card["price_cents"] == deal["price_cents"] and card["team_size"] == 3
    coupon = pf.made_coupon(api, world["merchant"])
    resp = grf.post(api, lily, fans, card={"kind": "coupon", "id": coupon["id"]})
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["message"]["card"]["amount_off_cents"] == 2000
    paused = pf.made_coupon(api, world["merchant"])
    api.call("POST", f"/api/v1/coupons/{paused['id']}/pause", token=world["merchant"])
    resp = grf.post(api, lily, fans, card={"kind": "coupon", "id": paused["id"]})
    assert _err(resp) == (409, "conflict")


def test_opening_a_card_is_the_owners_touchpoint(app, api, world):
    gid, owner = world["group"]["id"], world["leader_token"]
    message = grf.post(api, owner, gid, card={"kind": "product", "id": world["tea"]})
    card = message.get_json()["message"]["card"]
    resp = app.test_client().get(card["open_url"])
    assert (
        resp.status_code == 302
        and f"/products/{world['tea']}" in resp.headers["Location"]
    )
    touch = read_db(lambda: Touchpoint.get(Touchpoint.kind == "group_card"))
    assert (
        touch.creator_id == world["ids"]["leader"] and touch.product_id == world["tea"]
    )
    # a deleted card no longer opens
    api.call(
        "DELETE",
        f"/api/v1/groups/{gid}/messages/{message.get_json()['message']['id']}",
        token=owner,
    )
    assert app.test_client().get(card["open_url"]).status_code == 404


def test_an_expired_mute_lets_the_member_talk(api, world):
    gid = world["group"]["id"]
    grf.join(api, world["buyer"], gid)
    grf.act(api, world["leader_token"], gid, world["ids"]["mei"], "mute", minutes=5)
    past = utcnow() - datetime.timedelta(seconds=1)
    read_db(
        lambda: (
            GroupMember.update(muted_until=past)
            .where(GroupMember.user == world["ids"]["mei"])
            .execute()
        )
    )
    assert grf.post(api, world["buyer"], gid, "解禁了").status_code == 201


def test_members_are_told_of_a_new_card(app, api, world):
    gid, owner = world["group"]["id"], world["leader_token"]
    grf.join(api, world["buyer"], gid)
    campaign = world["campaign"]
    grf.post(api, owner, gid, card={"kind": "campaign", "id": campaign["id"]})
    told = api.call("GET", "/api/v1/notifications", token=world["buyer"]).get_json()
    card_news = [n for n in told["items"] if n["kind"] == "group_card"]
    assert len(card_news) == 1
    assert card_news[0]["data"]["title"] == campaign["title"]
    assert card_news[0]["url"] == f"/groups/{gid}"
    # not the owner, nor those outside the group
    for token in (owner, world["lan"]):
        items = api.call("GET", "/api/v1/notifications", token=token).get_json()[
            "items"
        ]
        assert not [n for n in items if n["kind"] == "group_card"]
    page = Browser(app, "mei", signup=False).get("/notifications")
    text = page.get_data(as_text=True)
    assert f"New in {cf.POINT['name']}: {campaign['title']}" in text
    assert f'href="/groups/{gid}"' in text
