"""Browser journey: the host console on a phone (390x844) and on a desktop (1280x900),
in English and Chinese. The host goes live (the stream setup folds away), features a
product with one tap, launches a flash sale from the
product's row, and sees the sales tile change when a viewer grabs a unit and pays
for it through the API. Axe finds no serious violation; nothing scrolls sideways."""

import uuid

import pytest

from tests.factories.journeys import api_user, call_api, merchant_with_two_products
from tests.plugins.app import PASSWORD
from tests.plugins.axe import assert_accessible

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
TEXT = {
    "en": {
        "go": "Go live",
        "feature": "Feature now",
        "unpin": "Unpin",
        "launched": "Flash sale launched",
        "setup": "Stream setup",
    },
    "zh": {
        "go": "开始直播",
        "feature": "立即讲解",
        "unpin": "取消置顶",
        "launched": "秒杀已开启",
        "setup": "推流设置",
    },
}


def no_sideways_scroll(page):
    width = page.viewport_size["width"]  # (a phone's innerWidth grows to the page)
    page.wait_for_load_state("load")
    scrolled = page.evaluate("document.scrollingElement.scrollWidth")
    assert scrolled <= width, f"the page scrolls sideways: {scrolled} > {width}"


def box(page, selector):
    """The element's box in page coordinates (whatever the scroll)."""
    return page.eval_on_selector(
        selector,
        """e => { const r = e.getBoundingClientRect();
          return {top: r.top + scrollY, left: r.left + scrollX,
                  right: r.right + scrollX}; }""",
    )


def consent(base, token, product_id):
    """The merchant allows creators' flash sales of the product: from ¥99, 5 units."""
    call_api(
        base,
        "PATCH",
        f"/api/v1/products/{product_id}",
        token,
        body={"flash_min_price_cents": 9900, "flash_max_units": 5},
    )


@pytest.mark.parametrize(
    ("viewport", "locale", "lang"),
    [(PHONE, "en-US", "en"), (DESKTOP, "en-US", "en"), (PHONE, "zh-CN", "zh")],
    ids=["phone-en", "desktop-en", "phone-zh"],
)
def test_host_features_launches_and_sees_sales_change(
    live_server, new_page, shots, viewport, locale, lang
):
    base, t = live_server.url, TEXT[lang]
    tea, cup = merchant_with_two_products(base)
    shop_token = call_api(
        base,
        "POST",
        "/api/v1/tokens",
        body={"login": "xihu_tea", "password": PASSWORD},
    )["token"]
    consent(base, shop_token, tea["id"])
    host_token = api_user(base, "lily", "creator")
    session = call_api(
        base,
        "POST",
        "/api/v1/live",
        host_token,
        body={"title": "今晚上新 New teas", "product_ids": [tea["id"], cup["id"]]},
    )["session"]
    sid = session["id"]

    host = new_page(locale=locale, viewport=viewport)
    host.on("dialog", lambda d: d.accept())
    host.goto(base + "/login")  # in any language: Enter submits
    host.fill("#f-login", "lily")
    host.fill("#f-password", PASSWORD)
    host.press("#f-password", "Enter")
    host.wait_for_url(lambda url: "/login" not in url)
    if lang == "zh":
        assert host.evaluate("document.documentElement.lang").startswith("zh")
    host.goto(f"{base}/live/{sid}/console")
    setup = host.locator("#stream-setup")
    assert setup.get_attribute("open") is not None  # before the live: open
    assert t["setup"] in setup.locator("summary").inner_text()
    assert host.locator("h1").count() == 1
    no_sideways_scroll(host)
    assert_accessible(host, "console before the live")
    shots(host, "console-scheduled")

    # Go live: the setup folds away; the products come first.
    host.click("#start-live")
    host.wait_for_selector("#end-live")
    # measure the laid-out page: on a busy machine the element can be there
    # before the stylesheets are (an unstyled page is one tall column)
    host.wait_for_load_state("load")
    setup = host.locator("#stream-setup")
    assert setup.get_attribute("open") is None
    pins, chat = box(host, "#console-pins"), box(host, "#console-chat")
    if viewport is DESKTOP:  # two columns: the chat beside the products
        assert chat["left"] >= pins["right"] and pins["top"] < viewport["height"]
    else:  # a phone: the products first, within the first screen
        assert pins["top"] < chat["top"] and pins["top"] < viewport["height"]
    no_sideways_scroll(host)
    assert_accessible(host, "console on air")
    shots(host, "console-live")

    # One tap features the cup; the row is marked, its button unpins.
    row = host.locator(f".console-pin[data-product-id='{cup['id']}']")
    row.locator(".pin-btn", has_text=t["feature"]).click()
    host.wait_for_selector(f".console-pin.is-pinned[data-product-id='{cup['id']}']")
    assert row.locator(".pin-btn").inner_text() == t["unpin"]
    assert row.locator(".pin-flag").is_visible()
    shots(host, "console-featured")

    # The tea's "Flash sale" chooses it in the launch form; the host launches.
    host.locator(f".flash-pick[data-product-id='{tea['id']}']").click()
    assert host.input_value("#f-product_id") == str(tea["id"])
    host.wait_for_function("document.activeElement.id === 'f-price'")
    host.fill("#f-price", "99")
    host.fill("#f-quantity", "3")
    shots(host, "console-flash-form")
    host.click("#launch-flash")
    host.wait_for_selector(f"text={t['launched']}")
    sale_row = host.locator(".fsale-row").first
    sale_row.wait_for()
    gmv = host.locator("#stat-gmv")
    assert gmv.inner_text() == "¥0.00"

    # A viewer grabs a unit and pays for it (cash on delivery) through the API.
    buyer = api_user(base, "mei", "shopper")
    sale_id = int(sale_row.get_attribute("data-sale-id"))
    hold = call_api(
        base, "POST", f"/api/v1/flash-sales/{sale_id}/grab", buyer, body={"qty": 1}
    )["reservation"]
    call_api(
        base,
        "POST",
        "/api/v1/orders",
        buyer,
        body={
            "reservation_ids": [hold["id"]],
            "idempotency_key": uuid.uuid4().hex,
            "shipping": {
                "name": "王小明",
                "address": "杭州西湖区 1 号",
                "phone": "13800000000",
            },
            "payment_method": "cod",
        },
    )
    host.wait_for_function(
        "() => document.getElementById('stat-gmv').textContent.trim() === '¥99.00'",
        timeout=20000,
    )
    assert host.locator("#stat-orders").inner_text() == "1"
    sale_row.locator("[data-role=gmv]", has_text="¥99.00").wait_for()
    host.evaluate("window.scrollTo(0, 0)")
    shots(host, "console-sales-changed")
    assert_accessible(host, "console after a sale")
    no_sideways_scroll(host)
    assert host.errors == [], host.errors
