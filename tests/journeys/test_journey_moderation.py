"""Browser journey: trust and safety (issue 23) on 390x844 phones. Rose spams Lily's
live chat; Mei taps the message, reports it as spam from the sheet that opens in
place, then reports Lily's post as counterfeit. Boss, an admin, finds both in the
queue (the post's with its reason), opens the post's file and takes it down with a
note: the post is gone for Mei. Lily finds the notice in her notifications, reads
the decision and appeals; the appeal waits for another admin. axe checks the sheet,
the queue, the file and the decision page."""

import pytest
from playwright.sync_api import expect

from tests.factories.journeys import (
    api_token,
    api_user,
    call_api,
    live_on_air,
    login,
    merchant_with_two_products,
)
from tests.journeys.test_journey_admin import create_admin, status_of
from tests.plugins.axe import assert_accessible

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
SPAM = "加我微信 买便宜货 cheap fakes here"
POST = "明前龙井，今年头采 First-flush Longjing, this spring's first picking"
NOTE = "品牌方投诉：假冒商标 Brand owner's complaint: fake trademark"
APPEAL = "我有进货发票 I have the purchase invoices from the tea farm"


def _phone(new_page, base, username, path):
    page = new_page(viewport=PHONE)
    login(page, base, username)
    page.wait_for_url(lambda u: "/login" not in u)
    page.goto(base + path)
    return page


def _fits(page):
    page.wait_for_load_state("load")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]


def test_a_shopper_reports_an_admin_takes_down_the_author_appeals(
    live_server, new_page, shots
):
    base = live_server.url
    tea, _cup = merchant_with_two_products(base)
    session, _ = live_on_air(base, [tea], pinned=tea)
    lily = api_token(base, "lily")
    post = call_api(
        base,
        "POST",
        "/api/v1/posts",
        lily,
        body={"body": POST, "product_ids": [tea["id"]]},
    )["post"]
    for name in ("mei", "rose"):
        api_user(base, name, "shopper", display_name=name.capitalize())
    create_admin(live_server, "boss")
    room = f"/live/{session['id']}"

    # Rose spams the chat; Mei sees it and reports it from the sheet
    rose = _phone(new_page, base, "rose", room)
    mei = _phone(new_page, base, "mei", room)
    expect(rose.locator("#live-chat-form")).to_be_visible()
    rose.fill("#live-chat-input", SPAM)
    rose.press("#live-chat-input", "Enter")
    message = mei.locator("#live-chat .chat-msg", has_text="cheap fakes")
    expect(message).to_be_visible()
    message.click()
    mei.locator("#live-chat .chat-report").click()
    sheet = mei.locator("dialog.report-sheet")
    expect(sheet).to_be_visible()
    sheet.get_by_label("Spam or advertising").check()
    box = sheet.bounding_box()
    assert (
        box["width"] <= PHONE["width"] and box["y"] + box["height"] <= PHONE["height"]
    )
    shots(mei, "report-sheet-chat-phone")
    assert_accessible(mei, "the report sheet over the live room, phone")
    sheet.locator(".report-send").click()
    expect(sheet.locator(".report-sheet-status")).to_contain_text(
        "your report reached our admins"
    )
    expect(sheet).to_be_hidden()

    # ...and Lily's post, as counterfeit, with a few words
    mei.goto(f"{base}/posts/{post['id']}")
    mei.get_by_role("link", name="Report this post").click()
    expect(sheet).to_be_visible()
    sheet.get_by_label("Counterfeit or fake goods").check()
    sheet.locator("textarea").fill("商标是假的 the trademark is fake")
    sheet.locator(".report-send").click()
    expect(sheet).to_be_hidden()

    # Boss takes the post down from the queue
    boss = _phone(new_page, base, "boss", "/me")
    boss.get_by_role("link", name="Reports").first.click()
    boss.wait_for_url(base + "/admin/reports")
    items = boss.locator(".report-queue .report-item")
    expect(items).to_have_count(2)
    expect(items.first).to_contain_text("cheap fakes")  # the oldest first
    post_item = items.filter(has_text="First-flush Longjing")
    expect(post_item).to_contain_text("Counterfeit or fake goods ×1")
    _fits(boss)
    shots(boss, "report-queue-phone")
    assert_accessible(boss, "the report queue, phone")
    post_item.locator("a.report-open").click()
    boss.wait_for_url(lambda u: "/admin/reports/" in u)
    expect(boss.locator(".report-lines")).to_contain_text("the trademark is fake")
    boss.get_by_label("Take it down", exact=True).check()
    boss.fill("#f-note", NOTE)
    _fits(boss)
    shots(boss, "report-file-phone")
    assert_accessible(boss, "a reported post's file, phone")
    boss.get_by_role("button", name="Decide").click()
    boss.wait_for_url(base + "/admin/reports")
    expect(boss.locator(".flashes")).to_contain_text("Decided.")
    expect(boss.locator(".report-queue .report-item")).to_have_count(1)
    assert status_of(f"{base}/posts/{post['id']}") == 404
    mei.goto(f"{base}/posts/{post['id']}")
    expect(mei.locator("h1")).not_to_contain_text("Longjing")

    # Lily is told, reads why, and appeals once
    author = _phone(new_page, base, "lily", "/notifications")
    notice = author.locator(".notification", has_text="took down your post")
    expect(notice).to_be_visible()
    notice.locator("a").click()
    author.wait_for_url(lambda u: "/moderation/decisions/" in u)
    expect(author.locator(".decision-note")).to_have_text(NOTE)
    author.fill("#f-appeal", APPEAL)
    _fits(author)
    shots(author, "decision-and-appeal-phone")
    assert_accessible(author, "the decision page, phone")
    author.get_by_role("button", name="Send appeal").click()
    expect(author.locator(".flashes")).to_contain_text("another admin will look")
    expect(author.locator(".decision-appeal-status")).to_contain_text(
        "waiting for another admin"
    )
    expect(author.locator("#f-appeal")).to_have_count(0)  # once
    author.goto(f"{base}/posts/{post['id']}")
    expect(author.locator(".taken-down-notice")).to_be_visible()

    boss.goto(base + "/admin/reports?status=appealed")
    expect(boss.locator(".report-queue .report-item")).to_contain_text("Appeal")
    shots(boss, "appeal-queue-phone")
    for page in (rose, boss, author):
        assert page.errors == [], page.errors
    assert [e for e in mei.errors if "404" not in e] == []  # the post, gone
