"""Neighbourhood groups' pages (社群): the group's page (join screen, chat, the
owner's held messages and card sheet), joining and leaving, posting without
JavaScript, deleting and releasing, cards (posting, opening: the owner's
touchpoint), the members page (mute, remove, restore, blocked words), my groups,
a creator's fan group form, the point's, creator's and leader's pages' links, and
the Chinese pages. Every form is a CSRF-checked POST; refusals are flashed."""

import re

import pytest

from livestall.attribution.models import Touchpoint
from livestall.groups.models import GroupMember, GroupMessage
from tests.factories import community as cf
from tests.factories import group_buy as gb
from tests.factories import groups as gf
from tests.factories import promotions as pf
from tests.factories.orders import Browser
from tests.plugins.app import plain, read_db, text


@pytest.fixture
def world(app, groups_world):
    """groups_world (auntie_li's leader group, lily's fan group, mei and lan) with
    browsers for mei, lan, the leader, lily and an anonymous visitor."""
    w = groups_world()
    w["gid"] = w["group"]["id"]
    w["mei_b"] = Browser(app, "mei", signup=False)
    w["lan_b"] = Browser(app, "lan", signup=False)
    w["leader_b"] = Browser(app, "auntie_li", signup=False)
    w["lily_b"] = Browser(app, "lily", signup=False)
    w["anon"] = Browser(app)
    return w


def _flashes(resp):
    return " ".join(
        re.sub(r"<[^>]+>", "", m)
        for m in re.findall(r'<p class="flash flash-\w+">(.*?)</p>', text(resp), re.S)
    )


def _page(world, who, gid=None):
    return world[who].get(f"/groups/{gid or world['gid']}")


def _join(world, who, gid=None):
    resp = world[who].post(f"/groups/{gid or world['gid']}/join")
    assert resp.status_code == 302, resp.status_code
    return resp


def _say(world, who, body, gid=None):
    return world[who].post(f"/groups/{gid or world['gid']}/messages", {"body": body})


def _messages(gid, status=None):
    query = GroupMessage.select().where(GroupMessage.group == gid)
    if status:
        query = query.where(GroupMessage.status == status)
    return read_db(lambda: list(query.order_by(GroupMessage.id)))


def _campaign_card(world):
    resp = world["leader_b"].post(
        f"/groups/{world['gid']}/cards",
        {"card_pick": f"campaign:{world['campaign']['id']}", "body": "明早到"},
    )
    assert resp.status_code == 302 and resp.location.endswith("#gc-end")
    return _messages(world["gid"])[-1]


# --- the page, joining ----------------------------------------------------------------


def test_join_screen_for_visitors_then_the_chat_for_members(world):
    gf.post(world["api"], world["leader_token"], world["gid"], "今晚团购开始")
    anon = _page(world, "anon")
    assert anon.status_code == 200
    body = plain(anon)
    assert cf.POINT["name"] in body and "1 member" in body and "Leader's group" in body
    assert "今晚团购开始" not in body
    assert f'href="/login?next=/groups/{world["gid"]}"' in text(anon).replace(
        "%2F", "/"
    )
    assert "Sign in to join" in body

    page = _page(world, "mei_b")
    assert "Join the group chat" in plain(page) and "今晚团购开始" not in plain(page)
    assert f'action="/groups/{world["gid"]}/join"' in text(page)
    assert 'id="gc-form"' not in text(page)

    resp = _join(world, "mei_b")
    assert resp.location == f"/groups/{world['gid']}"
    page = world["mei_b"].get(resp.location)
    body = plain(page)
    assert "Welcome to" in body and "今晚团购开始" in body and "(2)" in body
    html = text(page)
    assert 'id="gc-form"' in html and 'name="body"' in html
    assert f'action="/groups/{world["gid"]}/messages"' in html
    assert "js/group-chat.js" in html and "vendor/socket.io.min.js" in html
    assert "Post a card" not in body  # the owner's
    # joining again changes nothing
    _join(world, "mei_b")
    rows = GroupMember.select().where(GroupMember.group == world["gid"])
    assert read_db(rows.count) == 2


def test_anonymous_posts_go_to_sign_in_and_unknown_groups_are_404(world):
    resp = world["anon"].post(f"/groups/{world['gid']}/join")
    assert resp.status_code == 302 and resp.location.startswith("/login")
    assert "next=" in resp.location and "groups" in resp.location
    resp = world["anon"].post(f"/groups/{world['gid']}/messages", {"body": "hi"})
    assert resp.status_code == 302 and resp.location.startswith("/login")
    for path in ("/groups/987654", "/groups/987654/members", "/groups/987654/cards/1"):
        assert world["mei_b"].get(path).status_code == 404, path
    assert world["mei_b"].post("/groups/987654/join").status_code == 404


def test_a_closed_group_is_404_but_to_its_owner(world):
    _join(world, "mei_b")
    resp = cf.decide(
        world["api"], world["admin"], world["leader"]["id"], "disable", "closed"
    )
    assert resp.status_code == 200, resp.get_json()
    assert _page(world, "mei_b").status_code == 404
    assert _page(world, "anon").status_code == 404
    own = _page(world, "leader_b")
    assert own.status_code == 200
    assert "This group is closed" in plain(own) and 'id="gc-form"' not in text(own)


# --- messages -------------------------------------------------------------------------


def test_a_message_posted_without_javascript_is_in_the_history(world):
    _join(world, "mei_b")
    resp = _say(world, "mei_b", "  明天几点能取？ ")
    assert resp.status_code == 302
    assert resp.location == f"/groups/{world['gid']}#gc-end"
    assert [m.body for m in _messages(world["gid"])] == ["明天几点能取？"]
    history = gf.history(world["api"], world["buyer"], world["gid"])
    assert [m["body"] for m in history] == ["明天几点能取？"]
    page = text(_page(world, "leader_b"))
    assert "明天几点能取？" in page and 'class="gc-msg"' in page
    mine = text(_page(world, "mei_b"))
    assert 'class="gc-msg is-mine"' in mine

    resp = world["mei_b"].post(
        f"/groups/{world['gid']}/messages", {"body": "  "}, follow_redirects=True
    )
    assert "Write a message." in _flashes(resp)
    assert len(_messages(world["gid"])) == 1


def test_non_members_cannot_read_or_post(world):
    gf.post(world["api"], world["leader_token"], world["gid"], "只给群友看")
    resp = _say(world, "lan_b", "let me in")
    assert resp.status_code == 302
    follow = world["lan_b"].get(resp.location)
    assert "Join the group to read and write in it." in _flashes(follow)
    assert "只给群友看" not in plain(follow)
    assert [m.body for m in _messages(world["gid"])] == ["只给群友看"]
    resp = world["lan_b"].get(f"/groups/{world['gid']}/members")
    assert resp.status_code == 302 and resp.location == f"/groups/{world['gid']}"


def test_held_messages_wait_for_the_owner(world):
    _join(world, "mei_b")
    _join(world, "lan_b")
    resp = world["leader_b"].post(
        f"/groups/{world['gid']}/blocked-words", {"words": "微信号, 加我"}
    )
    assert resp.status_code == 302
    _say(world, "mei_b", "加我微信号 123")
    held = _messages(world["gid"], "held")
    assert len(held) == 1
    mine = plain(_page(world, "mei_b"))
    assert "加我微信号 123" in mine
    assert "Only you can see this: waiting for the owner." in mine
    assert "加我微信号" not in plain(_page(world, "lan_b"))
    owner = text(_page(world, "leader_b"))
    release = f"/groups/{world['gid']}/messages/{held[0].id}/release"
    assert "Waiting for you" in owner and f'action="{release}"' in owner

    assert world["lan_b"].post(release).status_code == 403
    assert world["mei_b"].post(release).status_code == 403
    resp = world["leader_b"].post(release, follow_redirects=True)
    assert "Message released" in _flashes(resp)
    assert "加我微信号 123" in plain(_page(world, "lan_b"))
    resp = world["leader_b"].post(release, follow_redirects=True)
    assert "This message is not held." in _flashes(resp)


def test_deleting_messages(world):
    _join(world, "mei_b")
    _join(world, "lan_b")
    _say(world, "mei_b", "第一条")
    _say(world, "lan_b", "第二条")
    first, second = _messages(world["gid"])
    delete = f"/groups/{world['gid']}/messages/%d/delete"
    assert world["lan_b"].post(delete % first.id).status_code == 403
    lan_page = text(_page(world, "lan_b"))
    assert f'action="{delete % second.id}"' in lan_page  # her own
    assert f'action="{delete % first.id}"' not in lan_page
    assert world["mei_b"].post(delete % first.id).status_code == 302  # her own
    assert world["leader_b"].post(delete % second.id).status_code == 302  # the owner
    assert {m.status for m in _messages(world["gid"])} == {"deleted"}
    assert "第一条" not in plain(_page(world, "leader_b"))
    assert world["leader_b"].post(delete % 987654).status_code == 404


# --- cards ----------------------------------------------------------------------------


def test_the_owner_posts_a_campaign_card_and_a_neighbour_opens_it(world, app):
    _join(world, "mei_b")
    sheet = text(_page(world, "leader_b"))
    assert "Post a card" in sheet
    assert f'value="campaign:{world["campaign"]["id"]}"' in sheet
    assert world["campaign"]["title"] in sheet

    message = _campaign_card(world)
    assert message.card_kind == "campaign" and message.body == "明早到"
    page = text(_page(world, "mei_b"))
    open_url = f"/groups/{world['gid']}/cards/{message.id}"
    assert f'href="{open_url}"' in page
    card = page[page.index(f'href="{open_url}"') :][:1500]
    assert world["campaign"]["title"] in card and "from ¥69.00" in card
    assert "Cut-off" in card and "Pickup day" in card

    resp = world["mei_b"].get(open_url)
    assert resp.status_code == 302
    assert resp.location == (
        f"/points/{world['leader']['id']}/order?campaign={world['campaign']['id']}"
    )
    # shared: anyone opens the link
    assert world["anon"].get(open_url).status_code == 302
    touches = read_db(
        lambda: list(Touchpoint.select().where(Touchpoint.kind == "group_card"))
    )
    assert len(touches) == 2
    assert {t.creator_id for t in touches} == {world["ids"]["leader"]}
    assert {t.user_id for t in touches} == {world["ids"]["mei"], None}

    # a text message is no card; a deleted card is gone
    gf.post(world["api"], world["leader_token"], world["gid"], "plain")
    plain_id = _messages(world["gid"])[-1].id
    assert (
        world["mei_b"].get(f"/groups/{world['gid']}/cards/{plain_id}").status_code
        == 404
    )
    world["leader_b"].post(f"/groups/{world['gid']}/messages/{message.id}/delete")
    assert world["mei_b"].get(open_url).status_code == 404


def test_card_form_refusals_and_a_product_card_by_id(world):
    _join(world, "mei_b")
    cards = f"/groups/{world['gid']}/cards"
    assert world["mei_b"].post(cards, {"card_pick": "product:1"}).status_code == 403
    resp = world["leader_b"].post(cards, {}, follow_redirects=True)
    assert "Choose what to post." in _flashes(resp)
    resp = world["leader_b"].post(
        cards, {"card_kind": "product", "card_id": "987654"}, follow_redirects=True
    )
    assert "No such product" in _flashes(resp)
    resp = world["leader_b"].post(
        cards, {"card_kind": "product", "card_id": str(world["tea"])}
    )
    assert resp.status_code == 302
    message = _messages(world["gid"])[-1]
    assert message.card_kind == "product" and message.card_id == world["tea"]
    assert "¥168.00" in plain(_page(world, "mei_b"))
    resp = world["mei_b"].get(f"/groups/{world['gid']}/cards/{message.id}")
    assert resp.location == f"/products/{world['tea']}"
    touch = read_db(lambda: Touchpoint.get(Touchpoint.kind == "group_card"))
    assert touch.product_id == world["tea"]


def test_a_coupon_card_claims_in_one_tap(world):
    api = world["api"]
    coupon = pf.made_coupon(api, world["merchant"])
    _join(world, "mei_b")
    fans = world["fans"]["id"]
    gf.join(api, world["buyer"], fans)
    resp = world["lily_b"].post(
        f"/groups/{fans}/cards", {"card_kind": "coupon", "card_id": str(coupon["id"])}
    )
    assert resp.status_code == 302
    page = text(_page(world, "mei_b", fans))
    claim = f'action="/coupons/{coupon["id"]}/claim"'
    assert claim in page
    assert f'name="next" value="/groups/{fans}"' in page
    resp = world["mei_b"].post(
        f"/coupons/{coupon['id']}/claim", {"next": f"/groups/{fans}"}
    )
    assert resp.status_code == 302 and resp.location == f"/groups/{fans}"
    assert "Coupon claimed" in _flashes(world["mei_b"].get(resp.location))
    assert pf.claim(api, world["buyer"], coupon["id"]).status_code == 409  # held


# --- members --------------------------------------------------------------------------


def test_members_page_mute_remove_restore(world):
    _join(world, "mei_b")
    _join(world, "lan_b")
    members = f"/groups/{world['gid']}/members"
    mei_id, lan_id = world["ids"]["mei"], world["ids"]["lan"]
    owner_page = text(world["leader_b"].get(members))
    assert f'action="{members}/{mei_id}/mute"' in owner_page
    assert f'action="{members}/{mei_id}/remove"' in owner_page
    assert "Blocked words" in owner_page and "same list as your live room" in owner_page
    member_page = world["mei_b"].get(members)
    assert member_page.status_code == 200
    assert "/remove" not in text(member_page) and "Leave the group" in plain(
        member_page
    )

    # another member cannot moderate
    for action, data in (("mute", {"minutes": "10"}), ("remove", {}), ("restore", {})):
        resp = world["mei_b"].post(f"{members}/{lan_id}/{action}", data)
        assert resp.status_code == 403, action
    assert (
        world["mei_b"]
        .post(f"/groups/{world['gid']}/blocked-words", {"words": "x"})
        .status_code
        == 403
    )

    resp = world["leader_b"].post(
        f"{members}/{mei_id}/mute", {"minutes": "60"}, follow_redirects=True
    )
    assert "is muted" in _flashes(resp) and "Muted until" in plain(resp)
    assert "The owner muted you until" in plain(_page(world, "mei_b"))
    resp = _say(world, "mei_b", "我被禁言了吗")
    assert "You are muted until" in _flashes(world["mei_b"].get(resp.location))
    resp = world["leader_b"].post(
        f"{members}/{mei_id}/mute", {"minutes": "0"}, follow_redirects=True
    )
    assert "may speak again" in _flashes(resp)
    assert _say(world, "mei_b", "又能说话了").location.endswith("#gc-end")
    resp = world["leader_b"].post(
        f"{members}/{mei_id}/mute", {"minutes": "soon"}, follow_redirects=True
    )
    assert "Choose how long." in _flashes(resp)

    resp = world["leader_b"].post(f"{members}/{mei_id}/remove", follow_redirects=True)
    assert "was removed from the group" in _flashes(resp)
    removed = text(world["leader_b"].get(members))
    assert f'action="{members}/{mei_id}/restore"' in removed
    page = plain(_page(world, "mei_b"))
    assert "The group's owner removed you from this group." in page
    assert "又能说话了" not in page
    resp = world["mei_b"].post(f"/groups/{world['gid']}/join", follow_redirects=True)
    assert "removed you" in _flashes(resp)
    assert _say(world, "mei_b", "还在吗").status_code == 302
    assert "还在吗" not in [m.body for m in _messages(world["gid"])]

    resp = world["leader_b"].post(f"{members}/{mei_id}/restore", follow_redirects=True)
    assert "may join the group again" in _flashes(resp)
    _join(world, "mei_b")
    assert "又能说话了" in plain(_page(world, "mei_b"))
    resp = world["leader_b"].post(f"{members}/{mei_id}/restore", follow_redirects=True)
    assert "Nothing to change" in _flashes(resp)


def test_leaving_and_my_groups(world):
    _join(world, "mei_b")
    mine = plain(world["mei_b"].get("/me/groups"))
    assert cf.POINT["name"] in mine and "Leader's group" in mine and "2 members" in mine
    lily = plain(world["lily_b"].get("/me/groups"))
    assert "莉莉的粉丝群" in lily and "Fan group" in lily
    assert world["anon"].get("/me/groups").status_code == 302
    assert "My chat groups" in plain(world["mei_b"].get("/me"))

    resp = world["mei_b"].post(f"/groups/{world['gid']}/leave")
    assert resp.status_code == 302 and resp.location == "/me/groups"
    left = text(world["mei_b"].get("/me/groups"))
    assert f'href="/groups/{world["gid"]}"' not in left and "in no group yet" in left
    assert "Join the group chat" in plain(_page(world, "mei_b"))
    resp = world["leader_b"].post(
        f"/groups/{world['gid']}/leave", follow_redirects=True
    )
    assert "The owner cannot leave" in _flashes(resp)
    _join(world, "mei_b")  # a member who left may come back


# --- a creator's fan group ------------------------------------------------------------


def test_a_creator_opens_and_renames_a_fan_group(world, app):
    form = world["lily_b"].get("/creator/fan-group")
    assert form.status_code == 200 and "莉莉的粉丝群" in text(form)
    resp = world["lily_b"].post(
        "/creator/fan-group", {"name": "莉莉和朋友们", "intro": "每周三上新"}
    )
    assert resp.status_code == 302 and resp.location == f"/groups/{world['fans']['id']}"
    page = plain(world["lily_b"].get(resp.location))
    assert "莉莉和朋友们" in page and "每周三上新" in page
    resp = world["lily_b"].post("/creator/fan-group", {"name": " "})
    assert resp.status_code == 400 and "Write a name." in plain(resp)
    assert world["mei_b"].get("/creator/fan-group").status_code == 403

    ada = Browser(app, "ada", role="creator")
    form = text(ada.get("/creator/fan-group"))
    assert "Open my fan group" in form and 'value="Ada\'s fans"' in form
    resp = ada.post("/creator/fan-group", {"name": "Ada's fans", "intro": ""})
    assert resp.status_code == 302
    assert "Your fan group is open" in _flashes(ada.get(resp.location))


# --- the pages that lead to groups ----------------------------------------------------


def test_point_creator_and_leader_pages_lead_to_the_groups(world):
    point = f"/points/{world['leader']['id']}"
    anon = plain(world["anon"].get(point))
    assert "Neighbourhood group" in anon and "Sign in to join" in anon
    page = text(world["mei_b"].get(point))
    assert f'action="/groups/{world["gid"]}/join"' in page and "1 member" in page
    _join(world, "mei_b")
    page = text(world["mei_b"].get(point))
    assert f'href="/groups/{world["gid"]}"' in page and "Open the group chat" in page

    creator = plain(world["mei_b"].get("/u/lily"))
    assert "Fan group" in creator and "莉莉的粉丝群" in creator
    assert "Join the group chat" in creator
    world["mei_b"].post("/u/lily/follow")  # following joins the fan group
    if "Open the group chat" not in plain(world["mei_b"].get("/u/lily")):
        gf.join(world["api"], world["buyer"], world["fans"]["id"])
    assert "Open the group chat" in plain(world["mei_b"].get("/u/lily"))

    leader = text(world["leader_b"].get("/leader"))
    assert f'href="/groups/{world["gid"]}"' in leader
    assert "My neighbourhood group" in leader
    lily = text(world["lily_b"].get("/creator/earnings"))
    assert 'href="/creator/fan-group"' in lily


# --- in Chinese -----------------------------------------------------------------------


def test_the_pages_in_chinese(world):
    zh = {"Accept-Language": "zh-CN"}
    anon = plain(world["anon"].get(f"/groups/{world['gid']}", headers=zh))
    assert "团长群" in anon and "登录后加入" in anon
    visitor = plain(world["mei_b"].get(f"/groups/{world['gid']}", headers=zh))
    assert "加入社群" in visitor
    _join(world, "mei_b")
    _campaign_card(world)
    page = plain(world["mei_b"].get(f"/groups/{world['gid']}", headers=zh))
    assert "发送" in page and "社区团购" in page and "自提日" in page
    owner = plain(world["leader_b"].get(f"/groups/{world['gid']}", headers=zh))
    assert "发卡片" in owner
    members = plain(
        world["leader_b"].get(f"/groups/{world['gid']}/members", headers=zh)
    )
    assert "群成员" in members and "禁言" in members and "屏蔽词" in members
    mine = plain(world["mei_b"].get("/me/groups", headers=zh))
    assert "我的社群" in mine and "团长群" in mine
    point = plain(world["mei_b"].get(f"/points/{world['leader']['id']}", headers=zh))
    assert "邻里社群" in point and "进入群聊" in point


def test_a_creators_picker_lists_picks_deals_and_coupons(world):
    api = world["api"]
    resp = api.call(
        "POST",
        "/api/v1/posts",
        token=world["creator"],
        json={"body": "好茶推荐", "product_ids": [world["tea"]]},
    )
    assert resp.status_code == 201, resp.get_json()
    deal = gb.made_deal(api, world["merchant"], world["tea"])
    coupon = pf.made_coupon(api, world["merchant"])
    fans = world["fans"]["id"]
    sheet = text(_page(world, "lily_b", fans))
    for value in (
        f"product:{world['tea']}",
        f"group_buy:{deal['id']}",
        f"coupon:{coupon['id']}",
    ):
        assert f'value="{value}"' in sheet, value
    assert 'value="campaign:' not in sheet  # campaigns are for leaders' groups
    resp = world["lily_b"].post(
        f"/groups/{fans}/cards", {"card_pick": f"group_buy:{deal['id']}"}
    )
    assert resp.status_code == 302
    message = _messages(fans)[-1]
    assert message.card_kind == "group_buy"
    gf.join(api, world["buyer"], fans)
    page = plain(_page(world, "mei_b", fans))
    assert "Group deal" in page and "Teams of" in page
    resp = world["mei_b"].get(f"/groups/{fans}/cards/{message.id}")
    assert resp.status_code == 302 and resp.location == f"/products/{world['tea']}"
    touch = read_db(lambda: Touchpoint.get(Touchpoint.kind == "group_card"))
    assert touch.creator_id == world["ids"]["lily"]
    assert touch.product_id == world["tea"]
