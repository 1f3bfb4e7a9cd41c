"""Browser journey: a neighbourhood group (社群) on two 390x844 phones. An approved
leader opens their group from /leader; a neighbour, in another browser, joins it
from the pickup point's page and asks a question, which the leader sees at once
(no reload); the leader posts the campaign as a card from the "+" sheet; it
arrives live on the neighbour's phone, who taps it and lands on the point's
order form. The chat looks like one: bubbles, one's own on the right, the card a
tappable block, the input fixed at the bottom; every page passes axe."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from tests.factories.journeys import (
    api_user,
    call_api,
    login,
    merchant_with_two_products,
)
from tests.journeys.test_journey_admin import create_admin
from tests.journeys.test_journey_merchant import fits
from tests.plugins.app import PASSWORD

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
POINT = {
    "name": "翠苑一区 3 号楼便利店",
    "address": "杭州市西湖区翠苑一区 3 幢 101",
    "hours": "08:00-21:00",
    "phone": "0571 8888 0001",
}
QUESTION = "明天几点能取？"


def _token(base, username):
    return call_api(
        base, "POST", "/api/v1/tokens", body={"login": username, "password": PASSWORD}
    )["token"]


def _world(server):
    """Over the API: xihu_tea's tea and cup, auntie_li's approved point, and a
    campaign of both at ¥128 and ¥69."""
    base = server.url
    tea, cup = merchant_with_two_products(base)
    create_admin(server, "boss")
    token = api_user(base, "auntie_li", "shopper", display_name="李阿姨")
    leader = call_api(
        base, "POST", "/api/v1/leaders", token, body={"pickup_point": POINT}
    )["leader"]
    call_api(
        base,
        "POST",
        f"/api/v1/admin/leaders/{leader['id']}/approve",
        _token(base, "boss"),
        body={},
    )
    now = datetime.datetime.now(datetime.UTC)
    campaign = call_api(
        base,
        "POST",
        "/api/v1/community-buys",
        _token(base, "xihu_tea"),
        body={
            "title": "明早到：龙井新茶",
            "items": [
                {"product_id": tea["id"], "price_cents": 12800},
                {"product_id": cup["id"], "price_cents": 6900},
            ],
            "cutoff_at": (now + datetime.timedelta(hours=2)).isoformat(),
            "pickup_on": (now + datetime.timedelta(days=1)).date().isoformat(),
            "leader_commission_bps": 1000,
        },
    )["community_buy"]
    return leader, campaign


def _box(page, selector):
    return page.locator(selector).bounding_box()


def test_a_neighbour_joins_chats_and_opens_the_leaders_campaign_card(
    live_server, new_page, shots
):
    base = live_server.url
    leader, campaign = _world(live_server)
    api_user(base, "mei", "shopper", display_name="Mei")

    # --- the leader opens their group from /leader ---------------------------------
    a = new_page(viewport=PHONE)
    login(a, base, "auntie_li")
    a.wait_for_url(lambda url: "/login" not in url)
    a.goto(base + "/leader")
    a.locator("a.cl-group-link").click()
    a.wait_for_url(re.compile(r"/groups/\d+$"))
    group_url = a.url
    expect(a.locator("h1")).to_contain_text(POINT["name"])
    expect(a.locator(".gc-count")).to_have_text("(1)")
    expect(a.locator("#gc-empty")).to_be_visible()
    shots(a, "leader-group-empty")

    # --- the neighbour joins from the point's page ---------------------------------
    b = new_page(viewport=PHONE)
    login(b, base, "mei")
    b.wait_for_url(base + "/")
    b.goto(f"{base}/points/{leader['id']}")
    box = b.locator(".gc-box")
    expect(box).to_contain_text("Neighbourhood group")
    expect(box).to_contain_text("1 member")
    join = box.locator("button.gc-box-join")
    assert join.bounding_box()["height"] >= 44
    shots(b, "point-page-group-box")
    join.click()
    b.wait_for_url(group_url)
    expect(b.locator(".flashes")).to_contain_text("Welcome to")
    expect(b.locator(".gc-count")).to_have_text("(2)")
    fits(b, "a group's chat, neighbour, phone")

    # --- she asks; the leader sees it without a reload -----------------------------
    b.fill("#gc-body", QUESTION)
    b.press("#gc-body", "Enter")
    mine = b.locator("#gc-list .gc-msg.is-mine")
    expect(mine).to_have_count(1)
    expect(mine.locator(".gc-bubble")).to_have_text(QUESTION)
    expect(b.locator("#gc-body")).to_have_value("")
    assert b.url == group_url  # sent by the socket, no page load
    theirs = a.locator("#gc-list .gc-msg", has_text=QUESTION)
    expect(theirs).to_have_count(1)
    expect(theirs.locator(".gc-name")).to_contain_text("Mei")
    expect(a.locator("#gc-empty")).to_be_hidden()

    # bubbles: hers on the right on her phone, on the left on the leader's
    right = b.locator("#gc-list .gc-msg.is-mine .gc-bubble").bounding_box()
    assert right["x"] + right["width"] > 390 - 80, right
    left = theirs.locator(".gc-bubble").bounding_box()
    assert left["x"] < 120, left
    # the input stays at the bottom of the screen
    bar = _box(b, "#gc-input")
    assert abs(bar["y"] + bar["height"] - 844) <= 2, bar
    assert _box(b, "#gc-body")["height"] >= 44
    assert _box(b, "button.gc-send")["height"] >= 44

    # --- the leader posts the campaign as a card -----------------------------------
    a.locator("summary.gc-plus").click()
    sheet = a.locator(".gc-sheet")
    expect(sheet).to_be_visible()
    pick = sheet.locator(f"input[value='campaign:{campaign['id']}']")
    expect(pick).to_be_checked()
    expect(sheet).to_contain_text("明早到：龙井新茶")
    shots(a, "leader-card-sheet")
    fits(a, "the owner's card sheet, phone")
    a.fill("#f-card_body", "明早到货，今晚截单")
    sheet.locator("button.gc-card-post").click()
    a.wait_for_url(re.compile(r"/groups/\d+#gc-end$"))
    expect(a.locator(".flashes")).to_contain_text("Card posted.")
    expect(a.locator("#gc-list .gc-card-campaign")).to_have_count(1)
    shots(a, "leader-chat-with-card")

    # --- it arrives live; she taps it and orders at the point -----------------------
    card = b.locator("#gc-list .gc-card-campaign")
    expect(card).to_have_count(1)
    expect(card).to_contain_text("明早到：龙井新茶")
    expect(card).to_contain_text("from ¥69.00")
    expect(card).to_contain_text("Pickup day")
    expect(b.locator("#gc-list .gc-msg", has_text="明早到货，今晚截单")).to_have_count(
        1
    )
    assert card.locator("a.gc-card-link").bounding_box()["height"] >= 44
    shots(b, "neighbour-chat-with-card")
    fits(b, "a group's chat with a card, phone")
    card.locator("a.gc-card-link").click()
    b.wait_for_url(f"{base}/points/{leader['id']}/order?campaign={campaign['id']}")
    expect(b.locator("h1")).to_have_text("Order for pickup")

    # --- her groups -------------------------------------------------------------------
    b.goto(base + "/me/groups")
    row = b.locator(".gc-mine-item")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(POINT["name"])
    expect(row).to_contain_text("Leader's group")
    shots(b, "my-groups")
    fits(b, "my chat groups, phone")

    # --- the leader mutes her, then removes her: her open chat says so at once ------
    b.goto(group_url)
    expect(b.locator("#gc-list .gc-card-campaign")).to_have_count(1)
    a.goto(group_url + "/members")
    expect(a.locator(".gc-member")).to_have_count(2)
    shots(a, "leader-members")
    fits(a, "a group's members, phone")
    row = a.locator(".gc-member", has_text="Mei")
    row.locator("select[name=minutes]").select_option("60")
    row.locator("button.gc-mute").click()
    expect(a.locator(".flashes")).to_contain_text("Mei is muted.")
    expect(b.locator("#gc-notice")).to_contain_text("The owner muted you until")
    expect(b.locator("#gc-body")).to_be_disabled()
    shots(b, "neighbour-muted")
    a.locator(".gc-member", has_text="Mei").locator("button.gc-remove").click()
    expect(a.locator(".flashes")).to_contain_text("was removed from the group")
    expect(b.locator("#gc-notice")).to_contain_text("removed you from this group")
    expect(b.locator("#gc-form")).to_be_hidden()
    b.reload()
    expect(b.locator(".gc-join")).to_contain_text("removed you from this group")
    expect(b.locator("#gc-list")).to_have_count(0)

    # --- the leader's chat in Chinese -------------------------------------------------
    a.goto(group_url)
    a.locator("form.lang-switch button[value=zh]").click()
    expect(a.locator("#gc-body")).to_have_attribute("placeholder", "说点什么…")
    expect(a.locator(".gc-sub")).to_contain_text("团长群")
    expect(a.locator("#gc-list .gc-card-campaign")).to_contain_text("社区团购")
    shots(a, "leader-chat-zh")
    fits(a, "a group's chat in Chinese, phone")
    for page in (a, b):
        assert page.errors == [], page.errors
