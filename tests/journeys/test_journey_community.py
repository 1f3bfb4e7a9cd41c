"""Browser journey: community group buying (社区团购) from the neighbour's and the
merchant's sides, on a 390x844 phone. A neighbour searches the pickup points near
her, opens one, sees the campaign still open (its cut-off ticking), orders two
teas for pickup from the point's page and reads her pickup code and 跟团号 on
the order's page. The merchant, in another browser, sees the campaign's figures;
once the cut-off has passed, the stock-up list and the point's batch with her
order, which prints one sheet a page, and marks it shipped. Every page has one
h1, passes axe, never scrolls sideways, and its controls are thumb-sized."""

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
from tests.journeys.test_journey_group_pages import SMALL_TARGETS
from tests.journeys.test_journey_merchant import fits

pytestmark = pytest.mark.browser


def _small_targets(page, root="main"):
    page.wait_for_load_state()  # styled
    return page.evaluate(SMALL_TARGETS, root)


def _shot(shots, page, step):
    """The whole page from its top (the sticky bars stay where they belong)."""
    page.evaluate("window.scrollTo(0, 0)")
    shots(page, step)


def _world(server):
    """Over the API: xihu_tea's tea and cup, auntie_li's approved point (and a
    second one, elsewhere), and a campaign of both at ¥128 and ¥69."""
    base = server.url
    tea, cup = merchant_with_two_products(base)
    create_admin(server, "boss")
    boss = api_token(base, "boss")
    leaders = {}
    for username, shown, point in (
        ("auntie_li", "李阿姨", PICKUP_POINT),
        (
            "lao_wang",
            "老王",
            {
                **PICKUP_POINT,
                "name": "Binjiang Fruit 滨江水果店",
                "address": "滨江区江南大道 9 号",
            },
        ),
    ):
        token = api_user(base, username, "shopper", display_name=shown)
        leader = call_api(
            base, "POST", "/api/v1/leaders", token, body={"pickup_point": point}
        )["leader"]
        path = f"/api/v1/admin/leaders/{leader['id']}/approve"
        call_api(base, "POST", path, boss, body={})
        leaders[username] = leader
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
    return tea, leaders["auntie_li"], campaign


def test_a_neighbour_orders_for_pickup_and_the_merchant_ships_the_batch(
    live_server, new_page, shots
):
    base = live_server.url
    tea, leader, campaign = _world(live_server)
    api_user(base, "mei", "shopper", display_name="Mei")

    # --- the neighbour, on her phone ---------------------------------------------
    a = new_page(viewport=PHONE)
    login(a, base, "mei")
    a.wait_for_url(base + "/")
    a.goto(base + "/points")
    expect(a.locator(".cm-point-card")).to_have_count(2)
    a.fill("#f-q", "翠苑")
    a.locator("button.cm-search-btn").click()
    a.wait_for_url(re.compile(r"/points\?q="))
    cards = a.locator(".cm-point-card")
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text(PICKUP_POINT["name"])
    expect(cards.first).to_contain_text(PICKUP_POINT["address"])
    assert a.locator("#f-q").bounding_box()["height"] >= 44
    assert _small_targets(a) == []
    _shot(shots, a, "points-search-phone")
    fits(a, "pickup points near me, phone")

    cards.first.locator("a").click()
    a.wait_for_url(f"{base}/points/{leader['id']}")
    expect(a.locator("h1")).to_have_text(PICKUP_POINT["name"])
    card = a.locator(f"#campaign-{campaign['id']}")
    expect(card).to_contain_text("明早到：龙井新茶")
    expect(card).to_contain_text("¥128.00")
    clock = card.locator("[data-countdown]")
    expect(clock).to_have_text(re.compile(r"^01:5\d:\d\d$"))
    first = clock.inner_text()
    expect(clock).not_to_have_text(first, timeout=3000)  # ticking
    order = card.locator("a.cm-order-btn")
    assert order.bounding_box()["height"] >= 44
    assert _small_targets(a) == []
    _shot(shots, a, "point-page-phone")
    fits(a, "a pickup point's page, phone")

    order.click()
    a.wait_for_selector("button.cm-place")
    expect(a.locator("h1")).to_have_text("Order for pickup")
    qty = a.locator(f"#f-qty-{tea['id']}")
    assert qty.bounding_box()["height"] >= 44
    qty.fill("2")
    assert a.locator("input[name=payment_method][value=cod]").is_checked()
    assert a.locator("input[name=address]").count() == 0  # picked up: no address
    assert _small_targets(a) == []
    _shot(shots, a, "order-form-phone")
    fits(a, "the order form for pickup, phone")
    a.locator("button.cm-place").click()
    a.wait_for_url(re.compile(r"/orders/\d+$"))
    expect(a.locator(".flashes")).to_contain_text("Your group order number is 1.")
    panel = a.locator(".cm-order-pickup")
    expect(panel).to_contain_text("#1")
    expect(panel).to_contain_text(PICKUP_POINT["name"])
    code = a.locator(".cm-code")
    expect(code).to_have_text(re.compile(r"^\d{4} \d{4}$"))
    size = float(code.evaluate("el => getComputedStyle(el).fontSize").rstrip("px"))
    assert size >= 36, size  # large digits, read across a counter
    box = code.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    expect(a.locator(".order-lines")).to_contain_text("¥256.00")
    _shot(shots, a, "order-pickup-code-phone")
    fits(a, "an order for pickup with its code, phone")
    order_url = a.url

    # --- the merchant, in another browser ------------------------------------------
    b = new_page(viewport=PHONE)
    login(b, base, "xihu_tea")
    b.wait_for_url(lambda url: "/login" not in url)
    b.goto(base + "/merchant/community")
    row = b.locator(f"#campaign-{campaign['id']}")
    expect(row.locator(".cm-figures > div").first).to_contain_text("Orders")
    expect(row.locator(".cm-figures > div").first.locator("dd")).to_have_text("1")
    expect(row.locator(".gb-gmv")).to_have_text("¥256.00")
    assert _small_targets(b, ".page-head") == []
    assert _small_targets(b, f"#campaign-{campaign['id']} .gb-actions") == []
    _shot(shots, b, "merchant-console-phone")
    fits(b, "the community console, phone")

    b.goto(f"{base}/merchant/community/{campaign['id']}")
    expect(b.locator(".cm-before-cutoff")).to_contain_text("made at the cut-off")
    expect(b.locator(".cm-batch")).to_have_count(0)
    _shot(shots, b, "merchant-campaign-before-cutoff-phone")
    fits(b, "a campaign before its cut-off, phone")

    pass_cutoff(live_server, campaign["id"])
    b.reload()
    batch = b.locator(f"#batch-{leader['id']}")
    expect(batch).to_contain_text(PICKUP_POINT["name"])
    expect(batch.locator(".cm-batch-orders tbody tr")).to_have_count(1)
    expect(batch.locator(".cm-seq-cell")).to_have_text("#1")
    expect(batch.locator(".cm-buyer-cell")).to_contain_text("Mei")
    expect(b.locator(".cm-stockup .cm-qty-cell")).to_have_text(["2"])
    expect(b.locator("button[data-print]")).to_be_visible()
    ship = batch.locator("button.cm-ship")
    assert ship.bounding_box()["height"] >= 44
    assert _small_targets(b) == []
    _shot(shots, b, "merchant-batches-phone")
    fits(b, "a campaign's batches after the cut-off, phone")

    # printed: no site chrome, one sheet a page
    b.emulate_media(media="print")
    assert not b.locator(".topbar").is_visible()
    assert not ship.is_visible()
    breaks = b.locator(".cm-sheet").evaluate_all(
        "els => els.map(el => getComputedStyle(el).breakAfter)"
    )
    assert breaks == ["page", "auto"], breaks
    _shot(shots, b, "merchant-batches-print")
    b.emulate_media(media="screen")

    ship.click()
    expect(b.locator(".flashes")).to_contain_text("is marked shipped")
    expect(batch.locator(".cm-shipped")).to_contain_text("Shipped")
    expect(batch.locator("button.cm-ship")).to_have_count(0)
    _shot(shots, b, "merchant-batch-shipped-phone")
    fits(b, "a batch marked shipped, phone")

    # the merchant sees the order's pickup panel, not the code
    b.goto(order_url)
    expect(b.locator(".cm-order-pickup")).to_contain_text("#1")
    expect(b.locator(".cm-code")).to_have_count(0)
    for page in (a, b):
        assert page.errors == [], page.errors
