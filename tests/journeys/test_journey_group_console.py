"""Browser journey: a merchant's group-buying console (拼团) on a phone (390x844) and
a desktop (1280x900), in English and Chinese. A group price above the list price is
said on the form with what was typed kept; a right one creates the deal, which the
list then shows; the deal's page has its figures; "End" asks first, then ends it.
Every page passes axe, has one h1 and never scrolls sideways."""

import datetime

import pytest

from tests.factories.journeys import call_api
from tests.factories.orders import SHIP
from tests.journeys.test_journey_merchant import fits, sign_in
from tests.plugins.app import PASSWORD

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
TEXT = {
    "en": {
        "create": "Create group deal",
        "created": "Group deal created",
        "too_high": "Give a group price below the list price, ¥168.00.",
        "running": "running",
        "ended": "Deal ended",
        "end": "End deal",
    },
    "zh": {
        "create": "创建拼团",
        "created": "拼团活动已创建",
        "too_high": "拼团价须低于原价 ¥168.00。",
        "running": "进行中",
        "ended": "活动已结束",
        "end": "结束活动",
    },
}


def _seat(base, name, path):
    """A new shopper takes a seat through the API: the team."""
    body = {
        "username": name,
        "email": f"{name}@example.com",
        "password": PASSWORD,
    }
    token = call_api(base, "POST", "/api/v1/users", body=body)["token"]
    seat = {
        "qty": 1,
        "idempotency_key": f"journey-seat-{name}",
        "shipping": SHIP,
        "payment_method": "cod",
    }
    return call_api(base, "POST", path, token=token, body=seat)["team"]


@pytest.mark.parametrize(
    ("viewport", "locale", "lang"),
    [(PHONE, "en-US", "en"), (DESKTOP, "en-US", "en"), (PHONE, "zh-CN", "zh")],
    ids=["phone-en", "desktop-en", "phone-zh"],
)
def test_merchant_creates_a_group_deal_and_ends_it(
    live_server, new_page, shots, viewport, locale, lang
):
    base, t = live_server.url, TEXT[lang]
    token = call_api(
        base,
        "POST",
        "/api/v1/users",
        body={
            "username": "longjing_shop",
            "email": "longjing_shop@example.com",
            "password": PASSWORD,
            "role": "merchant",
        },
    )["token"]
    body = {
        "title": "西湖龙井 Longjing 250g",
        "price_cents": 16800,
        "category": "kitchen",
        "stock": 20,
    }
    product = call_api(base, "POST", "/api/v1/products", token=token, body=body)
    product_id = product["product"]["id"]
    page = new_page(locale=locale, viewport=viewport)
    sign_in(page, base, "longjing_shop")

    page.goto(base + "/merchant/group-buys")
    fits(page, "group buys, none yet")
    shots(page, "empty")

    # too high a price: said on the form, the rest kept
    ends = (datetime.datetime.now() + datetime.timedelta(days=3)).replace(
        hour=20, minute=0
    )
    page.select_option("#f-product_id", str(product_id))
    page.fill("#f-price", "200")
    page.fill("#f-team_size", "2")
    page.select_option("#f-team_window", "7200")
    page.fill("#f-ends_at", ends.strftime("%Y-%m-%dT%H:%M"))
    page.check("#f-virtual_fill")
    page.click(f"#group-deal-form button[type=submit]:has-text('{t['create']}')")
    page.wait_for_selector("#error-summary")
    assert page.locator("#e-price").inner_text() == t["too_high"]
    assert page.input_value("#f-price") == "200"
    assert page.input_value("#f-team_size") == "2"
    assert page.input_value("#f-team_window") == "7200"
    assert page.input_value("#f-product_id") == str(product_id)
    assert page.is_checked("#f-virtual_fill")
    fits(page, "group deal form with an error")
    shots(page, "price-too-high")

    page.fill("#f-price", "99")
    page.click(f"#group-deal-form button[type=submit]:has-text('{t['create']}')")
    page.wait_for_selector(f"text={t['created']}")
    card = page.locator(".gb-card").first
    assert "西湖龙井" in card.inner_text() and "¥99.00" in card.inner_text()
    assert t["running"] in card.inner_text()
    fits(page, "group buys with a deal")
    shots(page, "created")
    deals = call_api(base, "GET", "/api/v1/merchant/group-buys", token=token)
    [deal] = deals["items"]
    assert (deal["price_cents"], deal["team_size"], deal["team_window_s"]) == (
        9900,
        2,
        7200,
    )
    assert deal["virtual_fill"] is True
    # typed in the browser's own zone: stored as the same moment in UTC
    typed = ends.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M")
    assert deal["ends_at"].startswith(typed), (deal["ends_at"], typed)

    # shoppers: one team fills, another waits for its second member
    opened = _seat(base, "lan_buyer", f"/api/v1/group-buys/{deal['id']}/teams")
    _seat(base, "zhu_buyer", f"/api/v1/teams/{opened['id']}/join")
    _seat(base, "dan_buyer", f"/api/v1/group-buys/{deal['id']}/teams")

    page.reload()
    card = page.locator(".gb-card").first
    assert "1 / 2" in card.inner_text()  # one of two teams formed
    card.locator("a.btn").first.click()
    page.wait_for_selector(".gb-tiles")
    assert page.locator(".gb-teams tbody tr").count() == 2
    assert page.locator("#stat-gmv").inner_text() == "¥297.00"
    fits(page, "a group deal's page")
    shots(page, "deal")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click(f"button:has-text('{t['end']}')")
    page.wait_for_selector(f"text={t['ended']}")
    assert page.locator(f"button:has-text('{t['end']}')").count() == 0
    shots(page, "ended")
    ended = call_api(base, "GET", f"/api/v1/group-buys/{deal['id']}")
    assert ended["group_buy"]["status"] == "ended"
    # the refused form answered 400, as it should; nothing else went wrong
    assert [e for e in page.errors if "400" not in e] == [], page.errors
