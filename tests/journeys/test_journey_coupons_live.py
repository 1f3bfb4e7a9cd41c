"""Browser journey: coupons and a red packet rain in the live room, on a 390x844
phone. Xihu Teahouse keeps a coupon (¥20 off over ¥100) for a drop in lily's live
and funds a red packet pool (¥15.00 in 3 equal packets). Mei watches on her phone;
lily opens the pool from her host console and mei grabs ¥5.00 of shop credit;
lily drops the coupon for a minute and mei claims it with one tap. Mei buys the
pinned tea in the room's buy sheet: the ¥20 coupon is pre-selected (the red packet
credit is the other choice), the sheet shows "Coupon −¥20.00" and the total after
it, and the order carries the discount. She cancels the order on its page and the
coupon is hers again, unused. The console's stats count the grab and the claim.
axe runs on the room with the rain and the drop showing, and on the sheet."""

import datetime
import re

import pytest

from tests.factories.journeys import (
    api_user,
    call_api,
    live_on_air,
    login,
    merchant_with_two_products,
)
from tests.plugins.app import PASSWORD
from tests.plugins.axe import assert_accessible

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def _token(base, username):
    body = {"login": username, "password": PASSWORD}
    return call_api(base, "POST", "/api/v1/tokens", body=body)["token"]


def _world(base):
    tea, cup = merchant_with_two_products(base)
    session, _host = live_on_air(base, [tea, cup], pinned=tea)
    shop = _token(base, "xihu_tea")
    coupon = call_api(
        base,
        "POST",
        "/api/v1/coupons",
        shop,
        body={
            "kind": "amount_off",
            "amount_off_cents": 2000,
            "min_spend_cents": 10000,
            "total": 50,
            "per_user_limit": 1,
            "claim_ends_at": (
                datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=1)
            ).isoformat(),
            "valid_days": 7,
            "live_id": session["id"],
            "drop": True,
        },
    )["coupon"]
    pool = call_api(
        base,
        "POST",
        "/api/v1/red-packets",
        shop,
        body={
            "live_id": session["id"],
            "total_cents": 1500,
            "count": 3,
            "split": "equal",
            "min_spend_cents": 0,
            "valid_days": 3,
        },
    )["red_packet"]
    return tea, session, coupon, pool


def _clock_seconds(text):
    match = re.search(r"(\d+):(\d\d)", text)
    assert match, text
    return int(match.group(1)) * 60 + int(match.group(2))


def test_phone_viewer_grabs_claims_pays_with_a_coupon_and_gets_it_back(
    live_server, new_page, shots
):
    base = live_server.url
    tea, session, coupon, pool = _world(base)
    room_url = f"{base}/live/{session['id']}"

    api_user(base, "mei", "shopper")
    mei = new_page(viewport=PHONE)
    login(mei, base, "mei")
    mei.wait_for_url(base + "/")
    mei.goto(room_url)
    mei.wait_for_selector("#live-badge .live-badge-live")
    mei.wait_for_selector("#live-pinned a.live-buy")
    assert mei.locator("#promo-stack").is_hidden()  # nothing raining yet

    host = new_page()
    login(host, base, "lily")
    host.wait_for_url(lambda url: "/login" not in url)
    host.goto(f"{base}/live/{session['id']}/console")
    panel = host.locator("#promo")
    row = panel.locator(f'.promo-pool[data-red-packet-id="{pool["id"]}"]')
    assert "¥15.00 in 3 red packets" in row.inner_text()
    assert "Ready to open" in row.inner_text()
    drop_row = panel.locator(f'.promo-coupon[data-coupon-id="{coupon["id"]}"]')
    assert "Kept for a drop in this live" in drop_row.inner_text()
    shots(host, "console-before")

    # The host opens the pool and drops the coupon for a minute: the room sees
    # both, mei on her phone and a visitor who is not signed in.
    visitor = new_page(viewport=PHONE)
    visitor.goto(room_url)
    visitor.wait_for_selector("#live-badge .live-badge-live")
    row.locator("button.promo-open").click()
    host.locator("#promo-notice", has_text="raining in the room").wait_for()
    row.locator(".promo-state", has_text="Raining now").wait_for()
    card = mei.locator(f'.rp-card[data-red-packet-id="{pool["id"]}"]')
    card.wait_for()
    assert "Red packet rain" in card.inner_text()
    assert "¥15.00 in 3 red packets" in card.inner_text()
    assert "3 still to grab" in card.inner_text()
    assert 50 <= _clock_seconds(card.locator(".rp-clock").inner_text()) <= 60
    grab = card.locator("button.rp-grab")
    # tap targets, at rest (not mid-entrance)
    assert grab.evaluate("b => b.offsetHeight") >= 44
    assert grab.evaluate("b => b.offsetWidth") >= 200
    mei.wait_for_load_state("load")
    assert mei.evaluate("document.scrollingElement.scrollWidth") <= 390
    shots(mei, "rain-phone")

    assert host.locator("#promo-window").input_value() == "60"
    drop_row.locator("button.promo-drop").click()
    host.locator("#promo-notice", has_text="Dropped").wait_for()
    offer = mei.locator(f'.cd-card[data-coupon-id="{coupon["id"]}"]')
    offer.wait_for()
    assert "¥20.00 off over ¥100.00" in offer.inner_text()
    assert 50 <= _clock_seconds(offer.locator(".cd-clock").inner_text()) <= 60
    claim = offer.locator("button.cd-claim")
    assert claim.evaluate("b => b.offsetHeight") >= 44
    shots(mei, "rain-and-drop-phone")
    assert_accessible(mei, "live room with a red packet rain and a coupon drop, phone")

    # the visitor gets sign-in links instead of the buttons
    login_path = f"/login?next=/live/{session['id']}"
    sign_in = visitor.locator(".rp-card a.rp-grab", has_text="Sign in to grab")
    sign_in.wait_for()
    assert sign_in.get_attribute("href").replace("%2F", "/") == login_path
    visitor.locator(".cd-card a.cd-claim", has_text="Sign in to claim").wait_for()
    shots(visitor, "rain-and-drop-visitor-phone")
    assert_accessible(visitor, "live room with a rain and a drop, signed out, phone")

    # One tap each: mei grabs a packet, then claims the coupon.
    grab.click()
    card.locator(".rp-result", has_text="You got ¥5.00 shop credit").wait_for()
    assert grab.is_hidden()
    # the coalesced count
    card.locator(".rp-left", has_text="2 still to grab").wait_for()
    visitor.locator(".rp-card .rp-left", has_text="2 still to grab").wait_for()
    row.locator('[data-role="grabbed"]', has_text="1 of 3 grabbed").wait_for()
    claim.click()
    offer.locator(".cd-result", has_text="Claimed! It's in My coupons.").wait_for()
    assert claim.inner_text() == "Claimed" and claim.is_disabled()
    shots(mei, "grabbed-and-claimed-phone")
    # the cards she is done with leave the stream after a moment
    card.wait_for(state="detached", timeout=12000)
    offer.wait_for(state="detached", timeout=12000)
    assert visitor.locator(".rp-card").count() == 1  # still raining for others

    # Mei buys the pinned tea: the ¥20 coupon is chosen for her.
    mei.locator("#live-pinned a.live-buy").click()
    sheet = mei.locator("#buy-sheet")
    select = sheet.locator("#buy-coupon")
    select.wait_for()
    sheet.locator(".buy-sum-coupon dd", has_text="−¥20.00").wait_for()
    chosen = select.evaluate("s => s.options[s.selectedIndex].textContent")
    assert chosen == "¥20.00 off over ¥100.00 (−¥20.00)"
    options = select.evaluate("s => Array.from(s.options, o => o.textContent)")
    assert options == [
        "No coupon",
        "¥20.00 off over ¥100.00 (−¥20.00)",
        "Red packet credit ¥5.00 (−¥5.00)",
    ]
    sums = sheet.locator(".buy-sums")
    assert "¥168.00" in sums.locator(".buy-sum-subtotal").inner_text()
    shipping = sums.locator(".buy-sum-shipping dd").inner_text()
    fee = 0 if shipping.startswith("Free") else int(float(shipping[1:]) * 100)
    total = f"¥{(16800 - 2000 + fee) / 100:.2f}"
    assert total in sums.locator(".buy-sum-total").inner_text()
    assert total in sheet.locator(".buy-footer-total").inner_text()
    # none, then the credit, then back: the sums follow the choice
    select.select_option("")
    assert sheet.locator(".buy-sum-coupon").is_hidden()
    assert (
        f"¥{(16800 + fee) / 100:.2f}" in sheet.locator(".buy-footer-total").inner_text()
    )
    select.select_option(label="Red packet credit ¥5.00 (−¥5.00)")
    sheet.locator(".buy-sum-coupon dd", has_text="−¥5.00").wait_for()
    select.select_option(label="¥20.00 off over ¥100.00 (−¥20.00)")
    sheet.locator(".buy-sum-coupon dd", has_text="−¥20.00").wait_for()
    assert mei.url == room_url
    select.scroll_into_view_if_needed()
    shots(mei, "sheet-with-coupon-phone")
    assert_accessible(mei, "buy sheet with a coupon, phone")

    mei.fill("#buy-name", "王小明")
    mei.fill("#buy-phone", "138 0013 8000")
    mei.fill("#buy-address", "浙江省杭州市西湖区龙井路 1 号")
    sheet.locator(".buy-place").click()
    done = sheet.locator(".buy-done")
    done.wait_for()
    assert "You saved ¥20.00 with a coupon." in done.inner_text()
    assert total in done.inner_text()
    shots(mei, "ordered-phone")

    mine = _token(base, "mei")
    (order,) = call_api(base, "GET", "/api/v1/orders", mine)["items"]
    assert order["discount_cents"] == 2000
    assert order["total_cents"] == 16800 - 2000 + fee
    assert sum(i["discount_cents"] for i in order["items"]) == 2000
    held = {
        c["coupon_id"]: c for c in call_api(base, "GET", "/api/v1/me/coupons", mine)
    }
    assert held[coupon["id"]]["status"] == "used"
    assert held[coupon["id"]]["order_id"] == order["id"]

    # The console counts the grab and the claim.
    host.reload()
    assert "1 · ¥5.00" in host.locator("#stat-red-packets").inner_text()
    assert "by 1 viewer" in host.locator("#stat-red-packets").inner_text()
    assert host.locator("#stat-coupons [data-role=n]").inner_text() == "1"
    shots(host, "console-after")

    # Mei cancels on the order's page: the coupon is hers again.
    mei.goto(f"{base}/orders/{order['id']}")
    assert "−¥20.00" in mei.locator(".order-coupon").inner_text()
    mei.locator("form.order-move button", has_text="Cancel order").click()
    mei.wait_for_load_state()
    mei.locator("text=Cancelled").first.wait_for()
    back = {
        c["coupon_id"]: c for c in call_api(base, "GET", "/api/v1/me/coupons", mine)
    }
    assert back[coupon["id"]]["status"] == "unused"
    assert back[coupon["id"]]["order_id"] is None
    mei.goto(f"{base}/me/coupons")
    assert mei.locator(".page-head h1").inner_text() == "My coupons"
    unused = mei.locator(".coupon-mine .coupon-unused")
    assert unused.count() == 2  # the ¥20 coupon, back, and the red packet credit
    assert (
        "¥20.00" in unused.first.inner_text() or "¥20.00" in unused.nth(1).inner_text()
    )
    shots(mei, "my-coupons-phone")
    assert not mei.errors and not host.errors and not visitor.errors, (
        mei.errors,
        host.errors,
        visitor.errors,
    )
