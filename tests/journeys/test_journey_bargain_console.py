"""Browser journey: a merchant's bargain console (砍价) on a phone (390x844). The
merchant finds "Bargains" in the Me menu; a floor price above the start price is
said on the form with what was typed kept; a right one creates the campaign
(prices typed in yuan, stored in cents; the end typed in the browser's zone,
stored in UTC), which the list then shows. Shoppers bargain over the API: one
record is cut to the floor by three friends (one an old account, two new), another
has one cut. The campaign's page shows its figures, every friend's cut and the
new-account tags; "End" asks first, then ends it. Every page passes axe, has one
h1 and never scrolls sideways."""

import datetime
import os
import sqlite3

import pytest

from tests.factories.journeys import (
    api_user,
    call_api,
    merchant_with_two_products,
)
from tests.journeys.test_journey_merchant import fits, sign_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def _shot(shots, page, step):
    """The whole page from its top (a page opened at an anchor would draw the
    sticky top bar over the middle of a full-page picture)."""
    page.evaluate("window.scrollTo(0, 0)")
    shots(page, step)


def _age_account(server, username):
    """Make an account a month old in the server's own SQLite database (the API
    has no way to): its help is then no new account's. False on PostgreSQL."""
    if os.environ.get("LIVESTALL_DATABASE_URL"):
        return False
    long_ago = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=30)
    with sqlite3.connect(server.data_dir / "livestall.db", timeout=10) as conn:
        done = conn.execute(
            'UPDATE "user" SET created_at = ? WHERE username = ?',
            (long_ago.strftime("%Y-%m-%d %H:%M:%S"), username),
        )
        assert done.rowcount == 1
    return True


def _bargaining(server, bargain_id):
    """Over the API: lan's record cut to the floor by three friends (old_friend's
    account aged first, if the database allows), zhu's with one cut."""
    base = server.url
    lan = api_user(base, "lan_shopper", "shopper", display_name="兰兰 Lan")
    friends = {
        name: api_user(base, name, "shopper", display_name=shown)
        for name, shown in (
            ("old_friend", "老朋友 Old friend"),
            ("new_friend", "新朋友 New friend"),
            ("fresh_friend", "Fresh friend"),
            ("fei_helper", "飞飞"),
        )
    }
    aged = _age_account(server, "old_friend")
    record = call_api(base, "POST", f"/api/v1/bargains/{bargain_id}/records", lan)
    record_id = record["record"]["id"]
    for name in ("old_friend", "new_friend", "fresh_friend"):
        path = f"/api/v1/bargain-records/{record_id}/help"
        call_api(base, "POST", path, friends[name])
    zhu = api_user(base, "zhu_shopper", "shopper")
    other = call_api(base, "POST", f"/api/v1/bargains/{bargain_id}/records", zhu)
    path = f"/api/v1/bargain-records/{other['record']['id']}/help"
    call_api(base, "POST", path, friends["fei_helper"])
    return record_id, aged


def test_merchant_creates_a_bargain_and_sees_its_helpers(live_server, new_page, shots):
    base = live_server.url
    tea, _ = merchant_with_two_products(base)
    page = new_page(viewport=PHONE)
    sign_in(page, base, "xihu_tea")

    # the console is in the Me menu, next to group buys
    page.goto(base + "/me")
    links = page.locator("main .me-list a").all_inner_texts()
    assert links.index("Bargains") == links.index("Group buys") + 1, links
    page.click("main .me-list a:text-is('Bargains')")
    page.wait_for_url("**/merchant/bargains")
    fits(page, "bargains, none yet")
    _shot(shots, page, "empty")

    # a floor above the start: said on the form, the rest kept
    ends = (datetime.datetime.now() + datetime.timedelta(days=3)).replace(
        hour=20, minute=0, second=0, microsecond=0
    )
    page.select_option("#f-product_id", str(tea["id"]))
    page.fill("#f-start_price", "99")
    page.fill("#f-floor_price", "120")
    page.fill("#f-helpers_needed", "3")
    page.select_option("#f-record_window", "7200")
    page.fill("#f-units", "5")
    page.fill("#f-per_user_limit", "1")
    page.fill("#f-min_account_age", "0")
    page.fill("#f-ends_at", ends.strftime("%Y-%m-%dT%H:%M"))
    page.click("#bargain-form button[type=submit]:has-text('Create bargain')")
    page.wait_for_selector("#error-summary")
    assert page.locator("#e-floor_price").inner_text() == (
        "Give a floor price below the start price."
    )
    assert page.input_value("#f-start_price") == "99"
    assert page.input_value("#f-floor_price") == "120"
    assert page.input_value("#f-record_window") == "7200"
    assert page.input_value("#f-product_id") == str(tea["id"])
    assert page.input_value("#f-units") == "5"
    fits(page, "bargain form with an error")
    _shot(shots, page, "floor-too-high")

    page.fill("#f-floor_price", "9.9")
    page.click("#bargain-form button[type=submit]:has-text('Create bargain')")
    page.wait_for_selector("text=Bargain created")
    card = page.locator(".bc-card").first
    words = card.inner_text()
    assert "西湖龙井" in words and "¥99.00" in words and "¥9.90" in words
    assert "running" in words and "3 friends to reach the floor" in words
    fits(page, "bargains with a campaign")
    _shot(shots, page, "created")
    bargain_id = int(card.get_attribute("id").removeprefix("bargain-"))
    made = call_api(base, "GET", f"/api/v1/bargains/{bargain_id}")["bargain"]
    assert (made["start_price_cents"], made["floor_price_cents"]) == (9900, 990)
    assert (made["helpers_needed"], made["record_window_s"], made["units"]) == (
        3,
        7200,
        5,
    )
    # typed in the browser's own zone: stored as the same moment in UTC
    typed = ends.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M")
    assert made["ends_at"].startswith(typed), (made["ends_at"], typed)

    record_id, aged = _bargaining(live_server, bargain_id)
    new_ones = 3 if aged else 4

    page.reload()
    card = page.locator(".bc-card").first
    words = card.inner_text()
    assert "50.0%" in words  # one of two records reached the floor
    _shot(shots, page, "list-with-figures")
    card.locator("a.btn:has-text('Details')").click()
    page.wait_for_selector(".bc-tiles")
    assert page.locator("#stat-participants").inner_text() == "2"
    assert page.locator("#stat-helps").inner_text() == "4"
    assert page.locator("#stat-new").inner_text() == str(new_ones)
    assert page.locator("#stat-rate").inner_text() == "50.0%"
    assert page.locator(".bc-record").count() == 2
    record = page.locator(f"#record-{record_id}")
    assert "at the floor" in record.inner_text()
    assert "¥9.90" in record.inner_text()
    helpers = record.locator(".bc-help")
    assert helpers.count() == 3
    for i, name in enumerate(
        ("老朋友 Old friend", "新朋友 New friend", "Fresh friend")
    ):
        row = helpers.nth(i)
        assert name in row.inner_text()
        assert "−¥" in row.locator(".bc-cut").inner_text()
        tagged = row.locator(".bc-tag-new")
        if i == 0 and aged:
            assert tagged.count() == 0
        else:
            assert tagged.is_visible() and tagged.inner_text() == "new account"
    assert page.locator(".bc-tag-new:visible").count() == new_ones
    fits(page, "a bargain's page")
    _shot(shots, page, "bargain")

    page.once("dialog", lambda dialog: dialog.accept())
    page.click("button:has-text('End bargain')")
    page.wait_for_selector("text=Bargain ended")
    assert page.locator("button:has-text('End bargain')").count() == 0
    fits(page, "an ended bargain's page")
    _shot(shots, page, "ended")
    ended = call_api(base, "GET", f"/api/v1/bargains/{bargain_id}")
    assert ended["bargain"]["status"] == "ended"
    # the refused form answered 400, as it should; nothing else went wrong
    assert [e for e in page.errors if "400" not in e] == [], page.errors
