"""Browser journey: community group buying (社区团购) from start to end, as its issue's
"done when" reads, on 390x844 phones. A neighbour applies to lead a pickup point and
an admin approves her; the merchant opens a campaign; the leader posts it as a card
in her neighbourhood group (社群); a neighbour joins the group from the point's page,
taps the card and orders for pickup there, and reads her code; the cut-off passes;
the merchant ships the point's batch; the leader marks it received, verifies the
neighbour's code on her phone and sees her commission."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from tests.factories.journeys import (
    PHONE,
    PICKUP_POINT,
    api_token,
    api_user,
    call_api,
    login,
    merchant_with_two_products,
    pass_cutoff,
)
from tests.journeys.test_journey_admin import create_admin
from tests.journeys.test_journey_merchant import fits

pytestmark = pytest.mark.browser


def test_a_neighbour_orders_through_a_leaders_group_and_picks_up_with_her_code(
    live_server, new_page, shots
):
    base = live_server.url
    tea, cup = merchant_with_two_products(base)
    create_admin(live_server, "boss")
    api_user(base, "auntie_li", "shopper", display_name="李阿姨")
    api_user(base, "mei", "shopper", display_name="Mei")

    # --- she applies on her phone; an admin approves her ------------------------------
    leader = new_page(viewport=PHONE)
    login(leader, base, "auntie_li")
    leader.wait_for_url(base + "/")
    leader.goto(base + "/leader/apply")
    for key, value in PICKUP_POINT.items():
        leader.fill(f"#f-{key}", value)
    leader.get_by_role("button", name="Send application").click()
    expect(leader.locator(".cl-status")).to_have_text("Waiting for review")
    admin = new_page(viewport=PHONE)
    login(admin, base, "boss")
    admin.wait_for_url(lambda url: "/login" not in url)
    admin.goto(base + "/admin/leaders")
    card = admin.locator(".cl-application", has_text="auntie_li")
    card.get_by_role("button", name="Approve", exact=True).click()
    expect(admin.locator(".flashes")).to_contain_text("Approved 李阿姨's pickup point.")
    point_id = call_api(base, "GET", "/api/v1/me/leader", api_token(base, "auntie_li"))[
        "leader"
    ]["id"]

    # --- the merchant's campaign (by the API), posted as a card in her group ---------
    now = datetime.datetime.now(datetime.UTC)
    campaign = call_api(
        base,
        "POST",
        "/api/v1/community-buys",
        api_token(base, "xihu_tea"),
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
    leader.goto(base + "/leader")
    expect(leader.locator(".cl-status")).to_have_text("Approved")
    leader.locator("a.cl-group-link").click()
    leader.wait_for_url(re.compile(r"/groups/\d+$"))
    group_url = leader.url
    leader.locator("summary.gc-plus").click()
    sheet = leader.locator(".gc-sheet")
    expect(sheet.locator(f"input[value='campaign:{campaign['id']}']")).to_be_checked()
    leader.fill("#f-card_body", "明早到货，今晚十点截单")
    sheet.locator("button.gc-card-post").click()
    expect(leader.locator(".flashes")).to_contain_text("Card posted.")

    # --- a neighbour joins from the point's page and orders from the card ------------
    mei = new_page(viewport=PHONE)
    login(mei, base, "mei")
    mei.wait_for_url(base + "/")
    mei.goto(f"{base}/points/{point_id}")
    mei.locator(".gc-box button.gc-box-join").click()
    mei.wait_for_url(group_url)
    card = mei.locator("#gc-list .gc-card-campaign")
    expect(card).to_contain_text("明早到：龙井新茶")
    shots(mei, "group-chat-with-the-campaign-card")
    fits(mei, "the group's chat with the card, phone")
    card.locator("a.gc-card-link").click()
    mei.wait_for_url(f"{base}/points/{point_id}/order?campaign={campaign['id']}")
    mei.locator(f"#f-qty-{tea['id']}").fill("2")
    mei.locator("button.cm-place").click()
    mei.wait_for_url(re.compile(r"/orders/\d+$"))
    expect(mei.locator(".flashes")).to_contain_text("Your group order number is 1.")
    code_text = mei.locator(".cm-code").inner_text()
    code = re.sub(r"\D", "", code_text)
    assert len(code) == 8, code_text
    shots(mei, "order-with-pickup-code")

    # --- the cut-off passes; the merchant ships the point's batch ---------------------
    pass_cutoff(live_server, campaign["id"])
    shop = new_page(viewport=PHONE)
    login(shop, base, "xihu_tea")
    shop.wait_for_url(lambda url: "/login" not in url)
    shop.goto(f"{base}/merchant/community/{campaign['id']}")
    batch = shop.locator(f"#batch-{point_id}")
    expect(batch.locator(".cm-batch-orders tbody tr")).to_have_count(1)
    batch.locator("button.cm-ship").click()
    expect(shop.locator(".flashes")).to_contain_text("is marked shipped")
    shots(shop, "merchant-batch-shipped")

    # --- the leader receives it, verifies the code, sees her commission --------------
    leader.goto(base + "/leader")
    leader.get_by_role("button", name="Received this batch").click()
    expect(leader.locator(".flashes")).to_contain_text("Marked received")
    leader.get_by_role("link", name="Verify a pickup code").click()
    leader.locator("#f-code").fill(code)
    leader.get_by_role("button", name="Verify", exact=True).click()
    result = leader.locator(".cl-result-ok")
    expect(result).to_contain_text("Hand it over: order picked up")
    expect(result.locator(".cl-seq-big")).to_have_text("#1")
    shots(leader, "code-verified")
    leader.goto(base + "/leader/earnings")
    expect(leader.locator(".cl-figure-pending")).to_have_text("¥25.60")
    shots(leader, "leader-earnings")
    fits(leader, "the leader's earnings, phone")

    # her order is delivered, and the group still carries the card
    mei.reload()
    expect(mei.locator(".order-status")).to_contain_text(
        re.compile("Delivered|Picked up", re.I)
    )
    mei.goto(group_url)
    expect(mei.locator("#gc-list .gc-card-campaign")).to_have_count(1)
    for page in (leader, mei, shop, admin):
        errors = [e for e in page.errors if "Failed to load resource" not in e]
        assert errors == [], errors
