"""Browser journeys on a phone (390x844), issue 16: a post with three photos is a
swipeable gallery that never crops; like, follow and comment work without a reload;
the share link copies. A creator writes a post with the product picker, searching
by Chinese and English words. axe passes on home, post, creator page, post form and
live form, at phone and desktop sizes, in English and Chinese."""

import pytest

from tests.factories.journeys import (
    call_api,
    image_loaded,
    merchant_with_two_products,
    signup,
)
from tests.plugins.api import image_bytes
from tests.plugins.app import PASSWORD
from tests.plugins.axe import assert_accessible

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

# Three photos: 3:4 portrait (the frame's shape), 4:3 landscape, square.
PHOTOS = [
    ((600, 800), (200, 90, 60)),
    ((800, 600), (60, 120, 200)),
    ((700, 700), (90, 160, 90)),
]

# What the visible photo of the gallery shows: which slide, its box and its picture.
VISIBLE = """root => {
  const track = root.querySelector('.post-slides');
  const t = track.getBoundingClientRect();
  const slides = [...root.querySelectorAll('.post-slide')];
  const i = slides.findIndex(
    s => Math.abs(s.getBoundingClientRect().left - t.left) < 2);
  const img = slides[i].querySelector('img');
  const box = img.getBoundingClientRect();
  const style = getComputedStyle(img);
  // object-fit: contain draws the whole picture, scaled to fit inside the box
  const scale = Math.min(box.width / img.naturalWidth, box.height / img.naturalHeight);
  return {
    index: i, fit: style.objectFit, loaded: img.complete && img.naturalWidth > 0,
    natural: img.naturalWidth / img.naturalHeight,
    drawn: (img.naturalWidth * scale) / (img.naturalHeight * scale),
    drawnW: img.naturalWidth * scale, drawnH: img.naturalHeight * scale,
    boxW: box.width, boxH: box.height, box: box.width / box.height,
    trackW: t.width,
  };
}"""


def _creator_post_with_photos(base, products):
    """lily (creator, over the API) posts three photos and both products."""
    token = call_api(
        base,
        "POST",
        "/api/v1/users",
        body={
            "username": "lily",
            "email": "lily@example.com",
            "password": PASSWORD,
            "role": "creator",
            "display_name": "Lily",
        },
    )["token"]
    ids = []
    for n, (size, colour) in enumerate(PHOTOS):
        image = call_api(
            base,
            "POST",
            "/api/v1/images",
            token,
            files=(f"p{n}.jpg", image_bytes("JPEG", size=size, color=colour)),
        )["image"]
        ids.append(image["id"])
    body = "## 春日茶席 Spring tea table\n\nThree angles of my **favourite** set."
    post = call_api(
        base,
        "POST",
        "/api/v1/posts",
        token,
        body={
            "body": body,
            "product_ids": [p["id"] for p in products],
            "image_ids": ids,
        },
    )["post"]
    return post


def _fits(page, where):
    """Nothing sticks out sideways: the page does not scroll horizontally."""
    page.wait_for_load_state("load")
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], (where, width)


def _swipe_left(page):
    """A finger swipe from right to left across the photos (real touch events
    through the DevTools protocol: the browser scrolls and snaps by itself)."""
    box = page.locator(".post-slides").bounding_box()
    y = box["y"] + box["height"] / 2
    cdp = page.context.new_cdp_session(page)
    cdp.send(
        "Emulation.setTouchEmulationEnabled", {"enabled": True, "maxTouchPoints": 1}
    )

    def touch(kind, x):
        points = [] if kind == "touchEnd" else [{"x": x, "y": y}]
        cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

    touch("touchStart", box["width"] - 60)
    for x in range(int(box["width"]) - 80, 30, -20):
        touch("touchMove", x)
    touch("touchEnd", 30)


def _visible(page):
    return page.eval_on_selector(".post-gallery", VISIBLE)


def _assert_whole(shown):
    """The photo is drawn whole: contained in its box, at its own aspect ratio."""
    assert shown["loaded"] and shown["fit"] == "contain", shown
    assert abs(shown["drawn"] - shown["natural"]) < 0.01, shown
    assert (
        shown["drawnW"] <= shown["boxW"] + 0.5
        and shown["drawnH"] <= shown["boxH"] + 0.5
    )
    assert abs(shown["boxW"] - shown["trackW"]) < 1, shown  # one photo per screen


def _wait_for_slide(page, n, total=3):
    page.wait_for_function(
        f"() => document.querySelector('.gallery-at').textContent === '{n}'"
    )
    page.wait_for_function(
        """n => { const t = document.querySelector('.post-slides');
          return Math.abs(t.scrollLeft - (n - 1) * t.clientWidth) < 2; }""",
        arg=n,
    )
    assert page.inner_text(".gallery-count").replace(" ", "") == f"{n}/{total}"


def test_a_post_on_a_phone_gallery_like_follow_comment_share(
    live_server, new_page, shots
):
    base = live_server.url
    products = merchant_with_two_products(base)
    post = _creator_post_with_photos(base, products)
    post_url = base + post["url"]

    page = new_page(viewport=PHONE)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
    signup(page, base, "mei", "shopper")
    page.wait_for_url(base + "/")
    card = page.locator(".note-card", has_text="Spring tea table")
    card.wait_for()
    assert image_loaded(page, ".note-card .post-cover img")
    assert card.locator(".post-photo-count").inner_text().endswith("1/3")
    assert card.locator(".post-author-mini > span:last-child").inner_text() == "Lily"
    # Two cards side by side on a phone: a cover grid.
    columns = page.eval_on_selector(
        ".grid.posts", "g => getComputedStyle(g).gridTemplateColumns.split(' ').length"
    )
    assert columns == 2
    assert_accessible(page, "home, phone")
    _fits(page, "home, phone")
    shots(page, "home-phone")

    card.locator("a.card-link").click()
    page.wait_for_url(post_url)
    page.evaluate("() => { window.stillHere = true; }")  # gone if the page reloads
    page.wait_for_function("() => document.querySelector('.gallery-ready')")
    shown = _visible(page)
    assert shown["index"] == 0
    _assert_whole(shown)
    assert abs(shown["box"] - 3 / 4) < 0.01  # the frame has the first photo's shape
    pills = page.locator(".post-pills .post-pill")
    assert pills.count() == 2
    pill_box = pills.first.bounding_box()
    assert pill_box["y"] < 844 + 200  # near the top: just under the photos
    assert "src=post:" in pills.first.get_attribute("href")
    assert_accessible(page, "post, phone")
    _fits(page, "post, phone")
    shots(page, "post-phone")

    # Swipe with a finger: the row scrolls and snaps to the next photo.
    _swipe_left(page)
    _wait_for_slide(page, 2)
    shown = _visible(page)
    assert shown["index"] == 1
    _assert_whole(shown)
    assert abs(shown["natural"] - 4 / 3) < 0.01  # a landscape photo, letterboxed
    shots(page, "post-phone-swiped")
    # The keyboard: the row takes focus and the arrow keys move it.
    page.focus(".post-slides")
    page.keyboard.press("ArrowRight")
    _wait_for_slide(page, 3)
    _assert_whole(_visible(page))
    assert page.get_attribute(".gallery-dot:nth-child(3)", "aria-current") == "true"
    page.keyboard.press("Home")
    _wait_for_slide(page, 1)

    # Like without a reload.
    like = page.locator(".like-form button")
    assert like.get_attribute("aria-pressed") == "false"
    assert like.locator(".like-count").inner_text() == "0"
    like.click()
    page.wait_for_selector(".like-form button[aria-pressed=true]")
    assert like.locator(".like-count").inner_text() == "1"
    assert like.locator(".like-label").inner_text() == "Liked"
    assert page.evaluate("() => window.stillHere") is True and page.url == post_url

    # Follow the creator without a reload.
    follow = page.locator(".post-author .follow-form button")
    follow.click()
    page.wait_for_selector(".post-author .follow-form button[aria-pressed=true]")
    assert follow.inner_text() == "Following"
    assert page.locator(".post-status").inner_text() == "You follow Lily now."

    # Comment: a blank one says why inline; a real one joins the list.
    page.fill("#f-comment", "   ")
    page.click("button:has-text('Post comment')")
    page.wait_for_selector("#e-comment:not([hidden])")
    assert page.inner_text("#e-comment") == "Write something first."
    assert page.get_attribute("#f-comment", "aria-invalid") == "true"
    page.fill("#f-comment", "看起来好香！Where is the cup from?")
    page.click("button:has-text('Post comment')")
    page.locator(".comment-body", has_text="Where is the cup from?").wait_for()
    assert page.inner_text(".comment-status") == "Comment posted."
    assert page.is_hidden("#e-comment") and page.input_value("#f-comment") == ""
    assert page.inner_text("#comments-title .comment-count") == "1"
    assert page.inner_text(".post-actions .comment-count") == "1"
    assert page.evaluate("() => window.stillHere") is True and page.url == post_url
    shots(page, "post-phone-commented")

    # Share: the panel opens; Copy puts the sharer's own link on the clipboard.
    page.click(".share-panel summary")
    share = page.input_value("#share-url")
    assert share.startswith(post_url + "?s=")
    page.click(".share-copy")
    page.wait_for_selector(".share-status:has-text('Link copied.')")
    assert page.evaluate("() => navigator.clipboard.readText()") == share
    assert_accessible(page, "post after like, follow, comment and share, phone")
    shots(page, "post-phone-shared")

    # The state is real: a reload shows it from the server.
    page.reload()
    assert page.get_attribute(".like-form button", "aria-pressed") == "true"
    assert (
        page.get_attribute(".post-author .follow-form button", "aria-pressed") == "true"
    )
    assert page.locator(".comment").count() == 1

    # The creator page: a follower already; unfollow and follow again in place.
    page.click(".post-author-link")
    page.wait_for_url(base + "/u/lily")
    assert page.inner_text(".follower-count") == "1"
    page.evaluate("() => { window.stillHere = true; }")
    page.click(".creator-actions .follow-form button")
    page.wait_for_selector(".creator-actions .follow-form button[aria-pressed=false]")
    assert page.inner_text(".follower-count") == "0"
    assert (
        page.inner_text(".creator-actions .post-status") == "You no longer follow Lily."
    )
    page.click(".creator-actions .follow-form button")
    page.wait_for_selector(".creator-actions .follow-form button[aria-pressed=true]")
    assert page.inner_text(".follower-stat") == "1 follower"
    assert page.evaluate("() => window.stillHere") is True
    assert page.locator(".note-card").count() == 1
    assert_accessible(page, "creator page, phone")
    _fits(page, "creator page, phone")
    shots(page, "creator-phone")

    # Desktop: the same post with prev/next buttons beside the photos.
    desk = new_page(viewport=DESKTOP)
    desk.goto(post_url)
    desk.wait_for_selector(".gallery-ready")
    assert desk.is_visible(".gallery-next") and desk.is_disabled(".gallery-prev")
    desk.click(".gallery-next")
    _wait_for_slide(desk, 2)
    _assert_whole(_visible(desk))
    desk.click(".gallery-next")
    _wait_for_slide(desk, 3)
    assert desk.is_disabled(".gallery-next")
    desk.click(".gallery-dot:nth-child(1)")
    _wait_for_slide(desk, 1)
    assert_accessible(desk, "post, desktop")
    shots(desk, "post-desktop")
    desk.goto(base + "/")
    assert_accessible(desk, "home, desktop")
    desk.goto(base + "/u/lily")
    assert_accessible(desk, "creator page, desktop")
    shots(desk, "creator-desktop")

    # Chinese, on a phone: signed out, the buttons send you to sign in first.
    zh = new_page(locale="zh-CN", viewport=PHONE)
    zh.goto(post_url)
    assert zh.locator(".share-panel summary", has_text="分享这篇笔记").is_visible()
    assert (
        zh.get_attribute(".post-slides", "aria-label")
        == "图片：左右滑动或使用方向键切换"
    )
    assert zh.inner_text(".like-form .like-label") == "点赞"
    _swipe_left(zh)
    _wait_for_slide(zh, 2)
    assert_accessible(zh, "post, phone, Chinese")
    shots(zh, "post-phone-zh")
    zh.click(".like-form button")
    zh.wait_for_url(lambda url: "/login?next=/posts/" in url)
    # The only failed requests are the answers the pages expected: the blank
    # comment (400) and the signed-out like (401).
    assert page.bad_responses == [(400, post_url + "/comments")]
    assert zh.bad_responses == [(401, post_url + "/like")]
    assert [e for e in page.errors + zh.errors if "Failed to load" not in e] == []
    assert desk.errors == []


def _sign_in(page, base, username, role=None):
    """Sign up (given a role) or in through the form, in the page's language."""
    if role:
        page.goto(base + "/signup")
        page.fill("#f-username", username)
        page.fill("#f-display_name", username.capitalize())
        page.fill("#f-email", f"{username}@example.com")
        page.check(f"input[name=role][value={role}]")
    else:
        page.goto(base + "/login")
        page.fill("#f-login", username)
    page.fill("#f-password", PASSWORD)
    page.locator("form:has(#f-password) button[type=submit]").click()
    page.wait_for_url(base + "/")


def _pick(page, query, title):
    """Search the picker and tick the product titled `title` among the results."""
    with page.expect_response(lambda r: "/api/v1/picker/products" in r.url):
        page.fill("#picker-q", query)
    page.wait_for_selector(".product-picker:not([aria-busy])")
    result = page.locator("label.pick:visible", has_text=title)
    assert page.locator("label.pick:visible").count() == 1, query
    result.locator("input").check()
    page.locator(".picker-chip", has_text=title).wait_for()


def test_a_creator_tags_products_with_the_picker_on_a_phone(
    live_server, new_page, shots
):
    base = live_server.url
    products = merchant_with_two_products(base)
    page = new_page(locale="zh-CN", viewport=PHONE)
    _sign_in(page, base, "lily", role="creator")
    page.goto(base + "/posts/new")
    page.wait_for_selector(".picker-tools:not([hidden])")
    assert page.inner_text(".picker-count") == "已选 0 件，最多 20 件"
    assert_accessible(page, "post form, phone, Chinese")
    _fits(page, "post form, phone, Chinese")
    shots(page, "post-form-phone-zh")

    page.fill("#f-body", "茶席好物 My tea table")
    _pick(page, "青瓷", "Celadon Tea Cup")  # Chinese words
    _pick(page, "longjing green", "Longjing Green Tea")  # English words
    assert page.locator(".picker-chip").count() == 2
    assert page.inner_text(".picker-count") == "已选 2 件，最多 20 件"
    assert image_loaded(page, ".picker-chip img")
    # A product that does not exist: the picker says so.
    with page.expect_response(lambda r: "/api/v1/picker/products" in r.url):
        page.fill("#picker-q", "zzqx")
    page.wait_for_selector(".picker-status:has-text('没有找到商品')")
    # Remove a chip, pick it again from a fresh search.
    page.click(".picker-chip:has-text('Celadon') .picker-chip-remove")
    assert page.locator(".picker-chip").count() == 1
    _pick(page, "青瓷茶杯", "Celadon Tea Cup")
    assert_accessible(page, "post form with chips, phone, Chinese")
    _fits(page, "post form, phone")
    shots(page, "post-form-picked-zh")
    page.click("button[name=action][value=publish]")
    page.wait_for_url("**/posts/*")
    hrefs = page.eval_on_selector_all(
        ".post-pills .post-pill", "links => links.map(a => a.getAttribute('href'))"
    )
    assert sorted(h.split("?")[0] for h in hrefs) == sorted(
        f"/products/{p['id']}" for p in products
    )
    shots(page, "post-published-zh")

    # The live form: the same picker, limit 50, in English on a desktop.
    desk = new_page(viewport=DESKTOP)
    _sign_in(desk, base, "lily")
    desk.goto(base + "/posts/new")
    desk.wait_for_selector(".picker-tools:not([hidden])")
    assert_accessible(desk, "post form, desktop")
    desk.goto(base + "/live/new")
    desk.wait_for_selector(".picker-tools:not([hidden])")
    assert desk.inner_text(".picker-count") == "0 of 50 chosen"
    desk.fill("#f-title", "Tea tasting live")
    _pick(desk, "celadon", "Celadon Tea Cup")
    assert_accessible(desk, "live form, desktop")
    shots(desk, "live-form-desktop")
    desk.click(".form-actions button[type=submit]")
    desk.wait_for_url("**/live/*/console")
    assert desk.locator("text=Celadon Tea Cup").first.is_visible()

    phone = new_page(viewport=PHONE)
    _sign_in(phone, base, "lily")
    phone.goto(base + "/live/new")
    phone.wait_for_selector(".picker-tools:not([hidden])")
    assert_accessible(phone, "live form, phone")
    _fits(phone, "live form, phone")
    shots(phone, "live-form-phone")
    assert page.errors == [] and desk.errors == [] and phone.errors == []
