"""Browser journey: community group buying (社区团购) from the leader's side, on a
390x844 phone. A neighbour finds "Community leader" on her account page and
applies with her pickup point; an admin, in another browser, approves it from the
application queue; neighbours order for pickup (by the API) and the cut-off
passes; the leader sees the batch's checklist, marks it received, verifies a
buyer's code (then the same code again, refused) and reads her earnings. Every
page has one h1, passes axe, never scrolls sideways, and its controls are
thumb-sized."""

import datetime

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
from tests.journeys.test_journey_group_pages import SMALL_TARGETS
from tests.journeys.test_journey_merchant import fits

pytestmark = pytest.mark.browser


def _small_targets(page, root="main"):
    page.wait_for_load_state()  # styled
    return page.evaluate(SMALL_TARGETS, root)


def _campaign_and_orders(base, tea, cup, leader_id):
    """Over the API: xihu_tea's campaign (tea ¥128, cup ¥69, 10 % to leaders) and
    two neighbours' orders at the leader's point; (campaign, {name: order})."""
    shop = api_token(base, "xihu_tea")
    tomorrow = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=1)
    campaign = call_api(
        base,
        "POST",
        "/api/v1/community-buys",
        shop,
        body={
            "title": "明早到：龙井新茶 Longjing tomorrow",
            "items": [
                {"product_id": tea["id"], "price_cents": 12800},
                {"product_id": cup["id"], "price_cents": 6900},
            ],
            "cutoff_at": (tomorrow - datetime.timedelta(hours=20)).isoformat(),
            "pickup_on": tomorrow.date().isoformat(),
            "leader_commission_bps": 1000,
        },
    )["community_buy"]
    placed = {}
    for name, shown, items in (
        ("mei", "美美 Mei", [{"product_id": tea["id"], "qty": 2}]),
        ("lan", "兰兰 Lan", [{"product_id": cup["id"], "qty": 1}]),
    ):
        token = api_user(base, name, "shopper", display_name=shown)
        placed[name] = call_api(
            base,
            "POST",
            "/api/v1/orders",
            token,
            body={
                "community_buy_id": campaign["id"],
                "leader_id": leader_id,
                "items": items,
                "idempotency_key": f"journey-{name}",
                "payment_method": "cod",
            },
        )["order"]
    return campaign, placed


def test_a_neighbour_applies_is_approved_and_runs_her_pickup_point(
    live_server, new_page, shots
):
    base = live_server.url
    tea, cup = merchant_with_two_products(base)
    create_admin(live_server, "boss")
    api_user(base, "auntie_li", "shopper", display_name="李阿姨 Auntie Li")

    # the neighbour applies on her phone, from her account page
    phone = new_page(viewport=PHONE)
    login(phone, base, "auntie_li")
    phone.wait_for_url(base + "/")
    phone.goto(base + "/me")
    phone.get_by_role("link", name="Community leader").click()
    expect(phone).to_have_url(base + "/leader")
    expect(phone.locator("h1")).to_have_text("Community leader")
    assert _small_targets(phone) == []
    shots(phone, "leader-invite-phone")
    fits(phone, "leader home without an application, phone")
    phone.get_by_role("link", name="Apply to be a leader").click()
    expect(phone.locator("h1")).to_have_text("Become a community leader")
    phone.get_by_role("button", name="Send application").click()  # nothing filled
    expect(phone.locator("#e-name")).to_have_text(
        "Give your pickup point a name neighbours will recognise."
    )
    for key, value in PICKUP_POINT.items():
        phone.fill(f"#f-{key}", value)
    assert _small_targets(phone) == [], _small_targets(phone)
    shots(phone, "apply-form-phone")
    fits(phone, "application form, phone")
    phone.get_by_role("button", name="Send application").click()
    expect(phone).to_have_url(base + "/leader")
    expect(phone.locator(".flashes")).to_contain_text("Application sent")
    expect(phone.locator(".cl-status")).to_have_text("Waiting for review")
    shots(phone, "pending-phone")
    fits(phone, "leader home, pending, phone")

    # an admin approves it from the queue, in another browser
    admin = new_page(viewport=PHONE)
    login(admin, base, "boss")
    admin.wait_for_url(lambda url: "/login" not in url)
    admin.goto(base + "/me")
    admin.get_by_role("link", name="Leader applications").click()
    expect(admin).to_have_url(base + "/admin/leaders")
    card = admin.locator(".cl-application", has_text="auntie_li")
    expect(card).to_contain_text(PICKUP_POINT["address"])
    admin.locator(".cl-more summary", has_text="Reject").first.click()
    expect(card.locator("textarea[name=reason]").first).to_be_visible()
    assert _small_targets(admin) == [], _small_targets(admin)
    shots(admin, "admin-queue-phone")
    fits(admin, "leader applications, phone")
    card.get_by_role("button", name="Approve", exact=True).click()
    expect(admin.locator(".flashes")).to_contain_text(
        "Approved 李阿姨 Auntie Li's pickup point."
    )
    expect(admin.locator(".cl-application")).to_have_count(0)
    admin.get_by_role("link", name="Approved").click()
    expect(admin.locator(".cl-application", has_text="auntie_li")).to_be_visible()
    shots(admin, "admin-approved-tab-phone")

    # neighbours order for pickup at her point
    leader = call_api(base, "GET", "/api/v1/me/leader", api_token(base, "auntie_li"))
    campaign, placed = _campaign_and_orders(base, tea, cup, leader["leader"]["id"])
    phone.goto(base + "/leader")
    expect(phone.locator(".cl-status")).to_have_text("Approved")
    expect(phone.locator(".cl-open-item")).to_contain_text(
        "2 orders at your point so far"
    )
    shots(phone, "approved-taking-orders-phone")
    fits(phone, "leader home, taking orders, phone")

    # the cut-off passes: the batch, a checklist by 跟团号
    pass_cutoff(live_server, campaign["id"])
    phone.reload()
    batch = phone.locator(f"#batch-{campaign['id']}")
    expect(batch.locator(".cl-check")).to_have_count(2)
    expect(batch.locator(".cl-check").first).to_contain_text("#1")
    expect(batch.locator(".cl-check").first).to_contain_text("美美 Mei")
    expect(batch.locator(".cl-check").nth(1)).to_contain_text("青瓷茶杯")
    expect(batch.locator(".cl-progress")).to_have_text("Picked up: 0 of 2")
    assert _small_targets(phone) == [], _small_targets(phone)
    shots(phone, "batch-checklist-phone")
    fits(phone, "leader home with a batch, phone")
    phone.get_by_role("button", name="Received this batch").click()
    expect(phone.locator(".flashes")).to_contain_text("Marked received")
    expect(phone.get_by_role("button", name="Received this batch")).to_have_count(0)

    # a buyer comes with her code
    phone.get_by_role("link", name="Verify a pickup code").click()
    expect(phone.locator("h1")).to_have_text("Verify a pickup code")
    box = phone.locator("#f-code")
    phone.wait_for_load_state()  # styled
    assert box.get_attribute("inputmode") == "numeric"
    assert box.get_attribute("autocomplete") == "one-time-code"
    size = box.evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
    assert size >= 28, size
    where = box.bounding_box()
    assert where["width"] >= 300 and where["x"] + where["width"] <= 390, where
    assert where["height"] >= 60, where
    assert _small_targets(phone) == [], _small_targets(phone)
    shots(phone, "verify-form-phone")
    fits(phone, "verify a code, phone")
    code = placed["mei"]["pickup"]["code"]
    box.fill(code)
    phone.get_by_role("button", name="Verify", exact=True).click()
    result = phone.locator(".cl-result-ok")
    expect(result).to_contain_text("Hand it over: order picked up")
    expect(result.locator(".cl-seq-big")).to_have_text("#1")
    expect(result).to_contain_text("龙井")
    expect(result).to_contain_text("Cash on delivery: collect ¥256.00.")
    expect(phone.locator("#f-code")).to_have_value("")
    shots(phone, "verified-phone")
    fits(phone, "a code verified, phone")
    phone.locator("#f-code").fill(code)
    phone.get_by_role("button", name="Verify", exact=True).click()
    expect(phone.locator(".cl-result-refused")).to_contain_text(
        "This code was already used"
    )
    shots(phone, "code-used-phone")
    fits(phone, "a used code, phone")

    # the checklist ticks her off; the commission is pending
    phone.goto(base + "/leader")
    expect(batch.locator(".cl-progress")).to_have_text("Picked up: 1 of 2")
    expect(batch.locator(".cl-check.is-done")).to_have_count(1)
    phone.get_by_role("link", name="Earnings", exact=True).click()
    expect(phone.locator("h1")).to_have_text("Leader earnings")
    expect(phone.locator(".cl-figure-pending")).to_have_text("¥25.60")
    expect(phone.locator(".cl-entry")).to_have_count(1)
    expect(phone.locator(".cl-entry")).to_contain_text("+¥25.60")
    shots(phone, "earnings-phone")
    fits(phone, "earnings, phone")
    for page in (phone, admin):
        # refused forms answer 400/409: Chromium logs those as failed loads
        errors = [e for e in page.errors if "Failed to load resource" not in e]
        assert errors == [], errors
