"""Browser journey: a merchant on a phone (390x844) and a desktop (1280x900), in
English and Chinese. An empty product form flags every missing field at once (and
keeps the rest); a product with a 12.5% creator commission is stored as 1250 basis
points; the products list and the settings page pass axe, have one h1, and their
tables scroll inside their own box, never the page."""

import pytest

from tests.factories.journeys import call_api
from tests.plugins.app import PASSWORD
from tests.plugins.axe import assert_accessible

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
TEXT = {
    "en": {
        "create": "Create product",
        "created": "Product created.",
        "check": "Check 3 fields",
    },
    "zh": {"create": "发布商品", "created": "商品已发布。", "check": "请检查 3 个字段"},
}


# the page's width against the window's, and the elements that stick out if any
WIDE = """(width) => {
  if (document.scrollingElement.scrollWidth <= width) return null;
  const clipped = e => {
    for (let a = e.parentElement; a; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== 'visible') return true;
    }
    return false;
  };
  return [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > width + 1)
    .filter(e => !clipped(e))
    .slice(0, 6).map(e => e.tagName + '.' + e.className);
}"""


def sign_in(page, base, username):
    """Through the page, in any language (Enter submits)."""
    page.goto(base + "/login")
    page.fill("#f-login", username)
    page.fill("#f-password", PASSWORD)
    page.press("#f-password", "Enter")
    page.wait_for_url(lambda url: "/login" not in url)


def fits(page, where):
    """One h1, no serious axe violation, no sideways scroll of the page."""
    assert page.locator("h1").count() == 1, where
    # (a phone's layout viewport grows to the page: innerWidth would follow it)
    page.wait_for_load_state("load")  # laid out with its stylesheets
    wide = page.evaluate(WIDE, page.viewport_size["width"])
    assert not wide, f"{where} scrolls sideways: {wide}"
    assert_accessible(page, where)


@pytest.mark.parametrize(
    ("viewport", "locale", "lang"),
    [(PHONE, "en-US", "en"), (DESKTOP, "en-US", "en"), (PHONE, "zh-CN", "zh")],
    ids=["phone-en", "desktop-en", "phone-zh"],
)
def test_merchant_form_flags_everything_and_stores_percent_as_bps(
    live_server, new_page, shots, viewport, locale, lang
):
    base, t = live_server.url, TEXT[lang]
    call_api(
        base,
        "POST",
        "/api/v1/users",
        body={
            "username": "xihu_shop",
            "email": "xihu_shop@example.com",
            "password": PASSWORD,
            "role": "merchant",
        },
    )
    page = new_page(locale=locale, viewport=viewport)
    sign_in(page, base, "xihu_shop")

    # An empty form: title, price and category flagged at once; the rest stays.
    page.goto(base + "/merchant/products/new")
    fits(page, "new product form")
    page.fill("#f-brand", "Xihu")
    page.click(f"#product-form button[type=submit]:has-text('{t['create']}')")
    page.wait_for_selector("#error-summary")
    assert t["check"] in page.locator("#error-summary").inner_text()
    for name in ("title", "price", "category"):
        assert page.get_attribute(f"#f-{name}", "aria-invalid") == "true", name
        assert page.locator(f"#e-{name}").is_visible()
    assert page.get_attribute("#f-stock", "aria-invalid") is None
    assert page.input_value("#f-brand") == "Xihu"
    shots(page, "empty-form-flagged")
    fits(page, "product form with errors")

    # Fill them in: 12.5 % commission.
    page.fill("#f-title", "西湖龙井 Longjing 250g")
    page.fill("#f-price", "168")
    page.select_option("#f-category", "tea-drinks")
    page.fill("#f-stock", "20")
    page.fill("#f-commission", "12.5")
    shots(page, "form-filled")
    page.click(f"#product-form button[type=submit]:has-text('{t['create']}')")
    page.wait_for_selector(f"text={t['created']}")
    assert page.input_value("#f-commission") == "12.5"
    product_id = int(page.url.rstrip("/").split("/")[-2])
    stored = call_api(base, "GET", f"/api/v1/products/{product_id}")["product"]
    assert stored["commission_bps"] == 1250
    assert stored["price_cents"] == 16800

    # The list: the commission in percent; the table scrolls inside its box.
    page.goto(base + "/merchant/products")
    assert "12.5%" in page.locator("table").inner_text()
    fits(page, "my products")
    shots(page, "products-list")

    page.goto(base + "/merchant/settings")
    fits(page, "shop settings")
    page.fill("#f-bank_name", "招商银行")
    page.fill("#f-attribution_window_days", "0")
    page.click(".settings-form button[type=submit]")
    page.wait_for_selector("#error-summary")
    for name in ("bank_account_name", "bank_account_number", "attribution_window_days"):
        assert page.get_attribute(f"#f-{name}", "aria-invalid") == "true", name
    assert page.input_value("#f-bank_name") == "招商银行"
    shots(page, "settings-flagged")
    fits(page, "shop settings with errors")

    page.goto(base + "/merchant/attribution")
    fits(page, "sales by content")
    shots(page, "attribution")
    # the refused forms answer 400, as they should; nothing else went wrong
    assert [e for e in page.errors if "400" not in e] == [], page.errors
