"""Browser journey: group buying (拼团) in the live room on a 390x844 phone. The host
pins a tea with a running group deal; the pinned card shows the group price and
team size with "Buy alone" / "Start a group". Mei starts a group in the buy sheet
over the stream ("2 more needed", a share button); Lan, watching on another phone,
sees "m***i joined a group" in the ticker (masked as "just bought" lines are) and
mei's team on the card, joins it from there, and mei's room hears it. axe runs on
the room with the sheet open."""

import datetime

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


def _world(base):
    tea, cup = merchant_with_two_products(base)
    shop = call_api(
        base, "POST", "/api/v1/tokens", body={"login": "xihu_tea", "password": PASSWORD}
    )["token"]
    ends = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=1)
    deal = call_api(
        base,
        "POST",
        "/api/v1/group-buys",
        shop,
        body={
            "product_id": tea["id"],
            "price_cents": 9900,
            "team_size": 3,
            "team_window_s": 86400,
            "ends_at": ends.isoformat(),
            "per_user_limit": 2,
        },
    )["group_buy"]
    session, host = live_on_air(base, [tea, cup], pinned=tea)
    return tea, deal, session


def _viewer(new_page, base, username, room_url):
    api_user(base, username, "shopper")
    page = new_page(viewport=PHONE)
    login(page, base, username)
    page.wait_for_url(base + "/")
    page.goto(room_url)
    page.wait_for_selector("#live-badge .live-badge-live")
    page.wait_for_selector("#live-pinned .group-start")
    return page


def _place_with_new_address(page, name):
    sheet = page.locator("#buy-sheet")
    page.fill("#buy-name", name)
    page.fill("#buy-phone", "138 0013 8000")
    page.fill("#buy-address", "浙江省杭州市西湖区龙井路 1 号")
    sheet.locator(".buy-place").click()
    done = sheet.locator(".group-done")
    done.wait_for()
    return done


def test_phone_viewers_start_and_join_a_group_in_the_live_room(
    live_server, new_page, shots
):
    base = live_server.url
    tea, deal, session = _world(base)
    room_url = f"{base}/live/{session['id']}"
    mei = _viewer(new_page, base, "mei", room_url)
    lan = _viewer(new_page, base, "lan", room_url)

    # The pinned card shows the group deal: price, team size, two buttons.
    card = mei.locator("#live-pinned")
    assert "Group price ¥99.00" in card.inner_text()
    assert "Teams of 3" in card.inner_text()
    assert "Buy alone" in card.locator(".group-alone").inner_text()
    assert "¥168.00" in card.locator(".group-alone").inner_text()
    assert card.locator("a.live-buy").is_hidden()  # the plain Buy gives way
    assert card.locator(".group-team").count() == 0  # no team yet
    mei.wait_for_load_state("load")
    assert mei.evaluate("document.scrollingElement.scrollWidth") <= 390
    shots(mei, "pinned-group-deal-phone")
    assert_accessible(mei, "live room with a group deal, phone")

    # Mei starts a group in the sheet; the stream stays on screen.
    card.locator(".group-start").click()
    sheet = mei.locator("#buy-sheet")
    sheet.locator("#buy-sheet-title", has_text="Start a group").wait_for()
    sheet.locator(".buy-price", has_text="¥99.00").wait_for()
    assert "Teams of 3" in sheet.inner_text()
    sheet.locator("button[aria-label='One more']").click()
    assert sheet.locator("#buy-qty").input_value() == "2"
    assert sheet.locator("button[aria-label='One more']").is_disabled()  # limit 2
    sheet.locator("button[aria-label='One fewer']").click()
    assert mei.url == room_url
    shots(mei, "group-sheet-phone")
    assert_accessible(mei, "group buy sheet, phone")
    done = _place_with_new_address(mei, "王小明")
    assert "You're in!" in done.inner_text()
    assert "2 more needed to form the group" in done.inner_text()
    assert done.locator(".group-share").is_visible()
    assert done.locator(".group-seat.is-empty").count() == 2
    team_href = done.locator("a.group-view").get_attribute("href")
    assert team_href.startswith("/teams/")
    assert mei.url == room_url
    shots(mei, "group-started-phone")
    assert_accessible(mei, "group started sheet, phone")

    orders = call_api(
        base, "POST", "/api/v1/tokens", body={"login": "mei", "password": PASSWORD}
    )
    mine = call_api(base, "GET", "/api/v1/orders", orders["token"])["items"]
    assert len(mine) == 1 and mine[0]["items"][0]["unit_price_cents"] == 9900

    # Lan's room hears it: the ticker, then mei's team on the card.
    lan.locator("#live-ticker", has_text="m***i joined a group").wait_for()
    row = lan.locator("#live-pinned .group-team")
    row.wait_for()
    assert "2 more needed" in row.inner_text()
    assert row.locator(".group-team-clock").inner_text().count(":") == 2
    shots(lan, "ticker-and-team-phone")
    assert_accessible(lan, "live room with an open team, phone")

    # Lan joins mei's team from its row; mei's room hears it.
    row.locator(".group-join").click()
    lan_sheet = lan.locator("#buy-sheet")
    lan_sheet.locator("#buy-sheet-title", has_text="Join the group").wait_for()
    lan_sheet.locator(".buy-price", has_text="¥99.00").wait_for()
    done = _place_with_new_address(lan, "李兰")
    assert "1 more needed to form the group" in done.inner_text()
    shots(lan, "group-joined-phone")
    mei.locator("button.buy-keep").click()
    mei.locator("#buy-sheet").wait_for(state="hidden")
    mei.locator("#live-ticker", has_text="l***n joined a group").wait_for()
    mei.locator(
        "#live-pinned .group-team .group-team-need", has_text="1 more needed"
    ).wait_for()
    assert mei.locator("#live-pinned .group-team-in").inner_text() == "You're in"
    shots(mei, "room-after-join-phone")
    assert not mei.errors and not lan.errors, (mei.errors, lan.errors)
