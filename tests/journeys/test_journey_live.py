"""Browser journey: a creator schedules a live through the form and starts it from
the console; a shopper watches, chats and sees the pinned product; the host deletes
a message and ends the live; the viewer's page turns into the replay. An XSS payload
sent as chat shows as text in both browsers."""

import datetime
import re

import pytest

from tests.factories.journeys import image_loaded, merchant_with_two_products, signup
from tests.plugins.api import image_bytes

pytestmark = pytest.mark.browser

XSS = "<img src=x onerror=alert(1)>"


def _chat_item(page, list_id, text):
    return page.locator(f"#{list_id} li.chat-msg", has_text=text)


def test_host_goes_live_and_a_viewer_chats_buys_and_watches_the_replay(
    live_server, new_page, shots, tmp_path
):
    base = live_server.url
    products = merchant_with_two_products(base)
    cover = tmp_path / "cover.jpg"
    cover.write_bytes(image_bytes("JPEG", size=(1280, 720), color=(60, 90, 160)))

    # The host schedules a live through the form.
    host = new_page()
    host.on("dialog", lambda d: d.accept())  # "End the live for everyone?"
    signup(host, base, "lily", "creator")
    host.wait_for_url(base + "/")
    host.goto(base + "/live/new")
    host.fill("#f-title", "Spring tea live 春茶直播")
    host.fill("#f-description", "Longjing tasting, and cups to drink it from.")
    soon = datetime.datetime.now() + datetime.timedelta(hours=2)
    host.fill("#f-scheduled_at", soon.strftime("%Y-%m-%dT%H:%M"))
    host.set_input_files("#f-cover", str(cover))
    for product in products:
        host.check(f"label.pick:has-text('{product['title']}') input")
    shots(host, "host-schedule-form")
    host.click("button[type=submit]:has-text('Schedule')")
    host.wait_for_selector("text=Your live is scheduled.")
    console_url = host.url
    session_id = int(re.search(r"/live/(\d+)/console", console_url).group(1))
    room_url = f"{base}/live/{session_id}"
    shots(host, "host-console-scheduled")

    # A viewer opens the room before the start: the countdown runs.
    viewer = new_page(viewport={"width": 390, "height": 844})  # a phone
    dialogs = []
    viewer.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    signup(viewer, base, "mei", "shopper")
    viewer.wait_for_url(base + "/")
    viewer.goto(room_url)
    viewer.wait_for_selector("#live-countdown:has-text('Starts in')")
    assert viewer.locator("#live-state", has_text="Waiting for the host").is_visible()
    assert image_loaded(viewer, ".live-video-cover")
    shots(viewer, "viewer-waiting")

    # The host goes live from the console; the viewer's page follows.
    host.click("#start-live")
    host.wait_for_selector("text=You are live.")
    viewer.wait_for_selector("#live-badge .live-badge-live")
    viewer.wait_for_selector("#live-chat-form:not([hidden])")
    assert viewer.locator("#live-state", has_text="Live").is_visible()

    # Chat typed by the viewer (Enter sends) appears on both pages.
    viewer.fill("#live-chat-input", "Is the cup dishwasher safe? 可以用洗碗机吗？")
    viewer.press("#live-chat-input", "Enter")
    _chat_item(viewer, "live-chat", "dishwasher safe").wait_for()
    _chat_item(host, "console-chat", "dishwasher safe").wait_for()
    assert viewer.input_value("#live-chat-input") == ""

    # The host pins the cup: the viewer gets the card with its Buy link.
    cup = products[1]
    host.click(f".pin-btn[data-product-id='{cup['id']}']")
    viewer.wait_for_selector("#live-pinned .live-pinned-title:has-text('Celadon')")
    buy = viewer.get_attribute("#live-pinned a.live-buy", "href")
    assert buy == f"/products/{cup['id']}?src=live:{session_id}"
    host.wait_for_selector(f".console-pin.is-pinned[data-product-id='{cup['id']}']")

    # Anyone sees the live on the home page strip and watches without signing in.
    anon = new_page()
    anon.goto(base + "/")
    card = anon.locator(".live-strip .live-card", has_text="Spring tea live")
    card.wait_for()
    shots(anon, "home-live-strip")
    card.locator("a.card-link").click()
    anon.wait_for_url(room_url)
    anon.wait_for_selector("#live-pinned .live-pinned-title:has-text('Celadon')")
    _chat_item(anon, "live-chat", "dishwasher safe").wait_for()
    assert anon.locator("#live-chat-note a", has_text="Sign in to chat").is_visible()

    # An XSS payload is only text, in both browsers.
    viewer.fill("#live-chat-input", XSS)
    viewer.press("#live-chat-input", "Enter")
    _chat_item(viewer, "live-chat", XSS).wait_for()
    _chat_item(host, "console-chat", XSS).wait_for()
    assert viewer.locator("#live-chat img").count() == 0
    assert host.locator("#console-chat img").count() == 0

    # Hearts: taps are batched and the count goes up.
    for _ in range(3):
        viewer.click("#live-like")
    viewer.wait_for_function(
        "() => parseInt(document.getElementById('live-likes-n').textContent) >= 3"
    )
    viewer.fill("#live-chat-input", "This one will be deleted")
    viewer.press("#live-chat-input", "Enter")
    _chat_item(host, "console-chat", "will be deleted").wait_for()
    viewer.wait_for_timeout(1200)  # a `viewers` and `likes` flush
    shots(viewer, "viewer-live-pinned-chat")
    _chat_item(anon, "live-chat", XSS).wait_for()
    shots(anon, "anonymous-room-desktop")
    host.wait_for_function(
        "() => parseInt(document.getElementById('stat-likes').textContent) >= 3"
    )
    host.wait_for_function(
        "() => document.getElementById('stat-viewers').textContent.trim() !== '0'"
    )
    shots(host, "host-console-live")

    # The host deletes a message: it vanishes for the viewer.
    _chat_item(host, "console-chat", "will be deleted").locator(
        "button[data-action=delete]"
    ).click()
    _chat_item(viewer, "live-chat", "will be deleted").wait_for(state="detached")
    _chat_item(host, "console-chat", "will be deleted").wait_for(state="detached")
    assert _chat_item(viewer, "live-chat", "dishwasher safe").is_visible()

    # A reconnect re-joins and re-renders from the server's state.
    viewer.reload()
    viewer.wait_for_selector("#live-pinned .live-pinned-title:has-text('Celadon')")
    _chat_item(viewer, "live-chat", "dishwasher safe").wait_for()
    assert _chat_item(viewer, "live-chat", "will be deleted").count() == 0

    # Buy opens the buy sheet over the stream (test_journey_room_phone.py buys
    # there); without JavaScript the link goes to the product page, remembering the
    # room.
    buy_link = viewer.locator("#live-pinned a.live-buy")
    href = buy_link.get_attribute("href")
    buy_link.click()
    viewer.locator("#buy-sheet .buy-product-title", has_text="Celadon").wait_for()
    assert viewer.url == room_url
    viewer.keyboard.press("Escape")
    viewer.locator("#buy-sheet").wait_for(state="hidden")
    viewer.goto(base + href)
    viewer.wait_for_selector("h1:has-text('Celadon Tea Cup')")
    assert f"src=live:{session_id}" in viewer.url or "src=live%3A" in viewer.url
    assert viewer.locator(f"input[name=source][value='live:{session_id}']").count()
    viewer.goto(room_url)
    viewer.wait_for_selector("#live-badge .live-badge-live")

    # The host ends the live: the viewer's page becomes the replay.
    host.click("#end-live")
    host.wait_for_selector("text=The live has ended.")
    viewer.wait_for_selector("text=This live has ended")
    viewer.wait_for_selector("#replay")
    chapter = viewer.locator(".chapter", has_text="Celadon")
    assert re.search(r"\d\d:\d\d:\d\d", chapter.inner_text())
    assert chapter.locator("a.btn", has_text="Buy").get_attribute("href") == buy
    replay = viewer.locator(".chat-replay")
    assert replay.locator("li", has_text="dishwasher safe").is_visible()
    assert replay.locator("li", has_text=XSS).is_visible()
    assert replay.locator("li", has_text="will be deleted").count() == 0
    shots(viewer, "viewer-replay")
    shots(host, "host-console-ended")

    # On a phone the room is the whole screen (no site header): the language is
    # switched from the Me page, and the room follows.
    viewer.goto(base + "/me")
    viewer.click("button[name=lang][value=zh]")
    viewer.goto(room_url)
    viewer.wait_for_selector("text=直播已结束")
    shots(viewer, "viewer-replay-zh")

    host.goto(base + "/live")
    shots(host, "live-list")
    assert dialogs == []
    assert anon.errors == []
    assert host.errors == [] and viewer.errors == [], (host.errors, viewer.errors)
