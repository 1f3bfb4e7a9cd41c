"""Browser journey: a creator publishes a post with two products and a photo; a
shopper follows the creator, finds the post in the Following feed, opens it and buys
from it. And the XSS corpus, posted through the form, fires no dialog."""

import pytest

from tests.factories.content import XSS_CORPUS
from tests.factories.journeys import image_loaded, merchant_with_two_products, signup
from tests.plugins.api import image_bytes
from tests.plugins.axe import assert_accessible

pytestmark = pytest.mark.browser


# Elements, attributes and URLs in the post body that could run or load something.
ACTIVE_CONTENT = """body => {
  const found = [];
  const risky = [
    "script", "svg", "math", "iframe", "frame", "object", "embed", "style", "link",
    "img", "form", "input", "button", "meta", "base", "video", "audio", "source",
  ];
  for (const el of body.querySelectorAll("*")) {
    const tag = el.tagName.toLowerCase();
    if (risky.includes(tag)) found.push(tag);
    for (const attr of el.attributes) {
      if (attr.name.startsWith("on") || attr.name === "style") {
        found.push(`${tag} ${attr.name}`);
      }
      const scheme = /^\\s*([a-z][a-z0-9+.-]*):/i.exec(attr.value);
      if (scheme && !["http", "https", "mailto"].includes(scheme[1].toLowerCase())) {
        found.push(`${tag} ${attr.name}=${attr.value}`);
      }
    }
  }
  return found;
}"""


def _write_post(page, base, body, products, photo=None):
    page.click(".nav-me-btn")  # the account menu holds the role links
    page.click("nav.nav >> text=Write a post")
    page.wait_for_url(base + "/posts/new")
    page.fill("#f-body", body)
    if photo:
        page.set_input_files("#f-photos", str(photo))
    for product in products:
        page.check(f"label.pick:has-text('{product['title']}') input")


def test_shopper_follows_a_creator_and_buys_from_a_post(
    live_server, new_page, shots, tmp_path
):
    base = live_server.url
    products = merchant_with_two_products(base)
    photo = tmp_path / "tea-time.jpg"
    photo.write_bytes(image_bytes("JPEG", size=(900, 1200), color=(200, 120, 60)))

    creator = new_page()
    signup(creator, base, "lily", "creator")
    creator.wait_for_url(base + "/")
    assert creator.locator("text=Follow creators to fill your feed").is_visible()
    shots(creator, "creator-home")
    _write_post(
        creator,
        base,
        "## 春茶上新 Spring tea is here\n\n"
        "My **favourite** morning ritual: a pot of *Longjing* in a celadon cup.\n\n"
        "- 80°C water\n- three infusions\n\n> 清香扑鼻",
        products,
        photo,
    )
    shots(creator, "post-form-filled")
    creator.click("button[name=action][value=publish]")
    creator.wait_for_selector("text=Post published.")
    assert "/posts/" in creator.url
    post_url = creator.url
    assert image_loaded(creator, ".post-slide img")
    assert creator.locator(".post-body strong", has_text="favourite").is_visible()
    assert creator.locator(".tagged-card").count() == 2
    shots(creator, "post-published")

    shopper = new_page(viewport={"width": 390, "height": 844})  # a phone
    signup(shopper, base, "mei", "shopper")
    shopper.wait_for_url(base + "/")
    card = shopper.locator(".post-card", has_text="Spring tea")
    card.wait_for()
    card.locator(".post-cover img").scroll_into_view_if_needed()  # lazy: load it
    shopper.wait_for_function(
        "() => document.querySelector('.post-card .post-cover img').complete"
    )
    assert image_loaded(shopper, ".post-card .post-cover img")
    shots(shopper, "shopper-discover-phone")

    card.locator(".post-author-mini").click()
    shopper.wait_for_url(base + "/u/lily")
    assert shopper.locator(".picks .product-card").count() == 2
    shopper.click(".creator-actions button:has-text('Follow')")
    shopper.wait_for_selector("text=You follow Lily now.")  # in place, no reload
    following = shopper.locator(".creator-actions button", has_text="Following")
    assert following.get_attribute("aria-pressed") == "true"
    shots(shopper, "shopper-follows-creator")

    shopper.click("a.brand")
    shopper.wait_for_url(base + "/")
    assert shopper.locator(".tab.active", has_text="Following").is_visible()
    card = shopper.locator(".post-card", has_text="Spring tea")
    card.wait_for()
    assert_accessible(shopper, "following feed, phone")
    shots(shopper, "shopper-following-feed")

    card.locator("a.card-link").click()
    shopper.wait_for_url(post_url)
    assert image_loaded(shopper, ".post-slide img")
    shopper.click(".post-actions button:has-text('Like')")
    shopper.wait_for_selector(".post-actions button.liked")
    shopper.fill("#f-comment", "看起来好香！Where do I get the cup?")
    shopper.click("button:has-text('Post comment')")
    shopper.wait_for_selector("text=Comment posted.")  # in place, no reload
    assert shopper.locator(
        ".comment-body", has_text="Where do I get the cup"
    ).is_visible()
    share = shopper.input_value("#share-url")
    assert share.startswith(post_url + "?s=")
    shots(shopper, "shopper-post-page")

    shopper.locator(".tagged-card", has_text="Celadon").locator("a.buy").click()
    shopper.wait_for_selector("h1:has-text('Celadon Tea Cup')")
    assert "src=post:" in shopper.url or "src=post%3A" in shopper.url
    assert image_loaded(shopper, ".gallery-main")
    shots(shopper, "shopper-product-from-post")

    creator.reload()
    assert creator.locator(
        ".comment-body", has_text="Where do I get the cup"
    ).is_visible()
    shots(creator, "creator-sees-comment")

    shopper.goto(base + "/")
    shopper.click("button[name=lang][value=zh]")
    shopper.wait_for_url(base + "/")
    assert shopper.locator(".tab.active", has_text="关注").is_visible()
    shopper.goto(post_url)
    assert shopper.locator("text=分享这篇笔记").is_visible()
    assert_accessible(shopper, "post, phone, Chinese")
    shots(shopper, "shopper-post-page-zh")
    assert creator.errors == [] and shopper.errors == []


def test_an_xss_post_fires_no_dialog(live_server, new_page, shots):
    base = live_server.url
    products = merchant_with_two_products(base)
    creator = new_page()
    signup(creator, base, "mallory", "creator")
    creator.wait_for_url(base + "/")
    body = "Totally normal tea post\n\n" + "\n\n".join(XSS_CORPUS)
    _write_post(creator, base, body, products[:1])
    creator.click("button[name=action][value=publish]")
    creator.wait_for_selector("text=Post published.")
    post_url = creator.url

    dialogs = []
    shopper = new_page()
    shopper.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    signup(shopper, base, "victim", "shopper")
    shopper.wait_for_url(base + "/")
    shopper.locator(".post-card", has_text="Totally normal").wait_for()
    shopper.goto(post_url)
    shopper.wait_for_selector(".post-body")
    for element in shopper.locator(".post-body *").all():
        box = element.bounding_box()
        if box and box["width"] and box["height"]:  # mouse over whatever shows
            shopper.mouse.move(box["x"] + 1, box["y"] + 1)
    shopper.wait_for_timeout(500)
    shots(shopper, "xss-post-inert")
    # Whatever text the payloads left is text: no live element, handler or URL.
    assert shopper.eval_on_selector(".post-body", ACTIVE_CONTENT) == []
    assert dialogs == []
    assert shopper.errors == [], shopper.errors
