"""Browser journey: the merchant's customers (CRM) on a 390x844 phone. Over the
API, xihu_tea's shop has a free membership plan and six buyers: Mei (a member)
with four recent ¥336 orders, the others with one or two smaller, older orders
(their dates moved back in the server's database). The merchant opens Customers
from her menu, finds Mei first by spend with her Member badge and the Champions
segment, tags her VIP, opens the segments page (Champions: 1 customer and its
revenue, the cohort table) and sends a ¥20 coupon to Champions: "Sent to 1
customer." and the send listed with 1 recipient, 0 used. Mei reads the
coupon_sent notification, finds the coupon in My coupons and buys with it
(checkout pre-selects it); the segments page then shows it used once. Every page
has one h1, passes axe and never scrolls sideways."""

import datetime
import os
import re
import sqlite3

import pytest
from playwright.sync_api import expect

from tests.factories.journeys import (
    PHONE,
    api_token,
    api_user,
    call_api,
    login,
    merchant_with_two_products,
)
from tests.factories.orders import SHIP
from tests.factories.promotions import coupon_body, key
from tests.journeys.test_journey_group_pages import SMALL_TARGETS
from tests.journeys.test_journey_merchant import fits

pytestmark = pytest.mark.browser

# the other buyers: username -> [(product, qty, days ago)], fewer, smaller, older
OTHERS = {
    "lin": [("cup", 1, 100)],
    "bao": [("cup", 1, 70)],
    "chen": [("tea", 1, 80), ("tea", 1, 45)],
    "dai": [("cup", 1, 12)],
    "fang": [("cup", 1, 60), ("cup", 1, 35)],
}


def _small_targets(page, root="main"):
    page.wait_for_load_state()  # styled
    return page.evaluate(SMALL_TARGETS, root)


def _shot(shots, page, step):
    page.evaluate("window.scrollTo(0, 0)")
    shots(page, step)


def _order(base, token, product, qty):
    body = {
        "items": [{"product_id": product["id"], "qty": qty}],
        "shipping": SHIP,
        "idempotency_key": key("order"),
        "payment_method": "cod",
    }
    return call_api(base, "POST", "/api/v1/orders", token, body=body)["order"]


def _backdate(server, order_id, days):
    """Move an order `days` into the past in the server's own database (the API
    dates every order now), as pass_cutoff does for a campaign's cut-off."""
    when = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
    when -= datetime.timedelta(days=days)
    url = os.environ.get("LIVESTALL_DATABASE_URL")
    if url:
        import psycopg2

        conn = psycopg2.connect(url)
        try:
            with conn, conn.cursor() as cur:
                cur.execute(
                    'UPDATE "order" SET created_at = %s WHERE id = %s',
                    (when, order_id),
                )
                assert cur.rowcount == 1
        finally:
            conn.close()
        return
    with sqlite3.connect(server.data_dir / "livestall.db", timeout=10) as conn:
        done = conn.execute(
            'UPDATE "order" SET created_at = ? WHERE id = ?',
            (when.isoformat(sep=" "), order_id),
        )
        assert done.rowcount == 1


def _shop(server):
    """Over the API: the shop, its free plan, Mei (a member, four recent ¥336
    orders) and five other buyers; (tea, merchant id, Mei's user id)."""
    base = server.url
    tea, cup = merchant_with_two_products(base)
    products = {"tea": tea, "cup": cup}
    merchant = api_token(base, "xihu_tea")
    call_api(
        base,
        "PUT",
        "/api/v1/merchant/membership",
        merchant,
        body={
            "enabled": True,
            "plans": [{"name": "入会有礼 Welcome", "price_cents": 0}],
        },
    )
    merchant_id = call_api(base, "GET", "/api/v1/me", merchant)["user"]["id"]
    for username, orders in OTHERS.items():
        token = api_user(base, username, "shopper", display_name=username.title())
        for product, qty, days in orders:
            made = _order(base, token, products[product], qty)
            _backdate(server, made["id"], days)
    mei = api_user(base, "mei", "shopper", display_name="Mei")
    for days in (40, 20, 6, 1):
        made = _order(base, mei, tea, 2)
        _backdate(server, made["id"], days)
    shop = call_api(base, "GET", f"/api/v1/shops/{merchant_id}/membership", mei)
    plan = shop["membership"]["plans"][0]["id"]
    call_api(
        base, "POST", f"/api/v1/shops/{merchant_id}/membership", mei, {"plan_id": plan}
    )
    mei_id = call_api(base, "GET", "/api/v1/me", mei)["user"]["id"]
    coupon = call_api(
        base,
        "POST",
        "/api/v1/coupons",
        merchant,
        body=coupon_body(title="老客回馈 Thank-you ¥20"),
    )["coupon"]
    return tea, coupon, mei_id


def test_the_merchant_sends_champions_a_coupon_and_sees_it_used(
    live_server, new_page, shots
):
    base = live_server.url
    tea, coupon, mei_id = _shop(live_server)

    # --- the merchant's customers, from her menu --------------------------------
    b = new_page(viewport=PHONE)
    login(b, base, "xihu_tea")
    b.wait_for_url(lambda url: "/login" not in url)
    b.goto(base + "/me")
    menu = b.locator(".me-panel a[href='/merchant/customers']")
    expect(menu).to_contain_text("Customers")
    menu.click()
    b.wait_for_url(base + "/merchant/customers")
    expect(b.locator("h1")).to_have_text("Customers")
    expect(b.locator(".cu-count")).to_have_text("6 customers")
    expect(b.locator("#f-sort")).to_have_value("spend")
    rows = b.locator(".cu-row")
    expect(rows).to_have_count(6)
    top = rows.first
    expect(top).to_have_id(f"customer-{mei_id}")
    expect(top.locator(".cu-name")).to_have_text("Mei")
    expect(top.locator(".cu-seg")).to_have_text("Champions")
    expect(top.locator(".cu-member-active")).to_have_text("Member")
    expect(top.locator(".cu-rfm")).to_have_text("R5 F5 M5")
    expect(top.locator("[data-label=Orders]")).to_have_text("4")
    expect(top.locator("[data-label=Spend]")).to_have_text("¥1,344.00")
    assert _small_targets(b, ".cu-table") == []
    _shot(shots, b, "customers-by-spend-phone")
    fits(b, "the customers list, phone")

    field = top.locator(f"#tags-{mei_id}")
    assert field.bounding_box()["height"] >= 44
    field.fill("VIP, 老客")
    top.locator("button[type=submit]").click()
    expect(b.locator(".flash").first).to_contain_text("Tags saved.")
    expect(b.locator(f"#tags-{mei_id}")).to_have_value("VIP, 老客")
    expect(b.locator("#f-tag option[value=VIP]")).to_have_text("VIP (1)")
    shots(b, "customers-tagged-phone")
    fits(b, "the customers list after tagging, phone")

    # --- the segments page: champions, cohorts, send a coupon -----------------
    b.get_by_role("link", name="Segments and cohorts").click()
    b.wait_for_url(base + "/merchant/customers/segments")
    champions = b.locator(".cu-tile.cu-seg-champions")
    expect(champions.locator(".cu-tile-count")).to_have_text("1 customer")
    expect(champions.locator(".cu-tile-revenue")).to_have_text("¥1,344.00")
    cohorts = b.locator(".cu-cohort-table tbody tr")
    expect(cohorts.first).to_be_visible()
    assert cohorts.count() >= 2  # first orders in different months
    expect(b.locator(".cu-figures")).to_contain_text("3 of 6 ordered twice or more")
    expect(b.locator(".cu-sends")).to_have_count(0)
    _shot(shots, b, "customer-segments-phone")
    fits(b, "the customer segments page, phone")

    b.select_option("#f-coupon_id", str(coupon["id"]))
    b.select_option("#f-audience", "segment:champions")
    send = b.locator("#send button[type=submit]")
    assert send.bounding_box()["height"] >= 44
    send.click()
    expect(b.locator(".flash").first).to_contain_text("Sent to 1 customer.")
    row = b.locator(".cu-sends tbody tr")
    expect(row).to_have_count(1)
    expect(row.locator("th")).to_contain_text("老客回馈 Thank-you ¥20")
    expect(row.locator("[data-label='Sent to']")).to_have_text("Champions")
    expect(row.locator("[data-label=Recipients]")).to_have_text("1")
    expect(row.locator("[data-label=Used]")).to_have_text("0")
    b.locator("#sends").scroll_into_view_if_needed()
    shots(b, "customer-segments-sent-phone")
    fits(b, "the segments page after a send, phone")

    # --- Mei: the notification, My coupons, and buying with it ----------------
    a = new_page(viewport=PHONE)
    login(a, base, "mei")
    a.wait_for_url(base + "/")
    a.goto(base + "/notifications")
    note = a.locator("main li", has_text="sent you a coupon")
    expect(note).to_have_count(1)
    expect(note).to_contain_text(
        "Xihu Teahouse sent you a coupon: 老客回馈 Thank-you ¥20. It is in My coupons."
    )
    _shot(shots, a, "notification-coupon-sent-phone")
    fits(a, "notifications with a sent coupon, phone")
    a.goto(base + "/me/coupons")
    mine = a.locator(".coupon-mine .coupon")
    expect(mine).to_have_count(1)
    expect(mine).to_contain_text("¥20")
    _shot(shots, a, "my-coupons-sent-phone")
    fits(a, "My coupons with the sent coupon, phone")

    a.goto(f"{base}/products/{tea['id']}")
    a.locator(".add-to-cart button[type=submit]").click()
    a.wait_for_load_state()
    a.goto(base + "/checkout")
    expect(a.locator("select[data-coupon-select]")).to_have_value(
        re.compile(r".+")
    )  # the coupon, pre-selected
    expect(a.locator(".checkout-total")).to_contain_text("Saved ¥20.00")
    expect(a.locator(".checkout-total")).to_contain_text("¥148.00")  # 168 - 20
    # her earlier orders' address is saved: checkout ships there
    _shot(shots, a, "checkout-sent-coupon-phone")
    fits(a, "checkout with the sent coupon, phone")
    a.locator(".checkout-place").click()
    a.wait_for_url(re.compile(r"/orders/\d+$"))
    expect(a.locator(".order-coupon")).to_contain_text("−¥20.00")

    # --- the merchant sees the send used ----------------------------------------
    b.reload()
    row = b.locator(".cu-sends tbody tr")
    expect(row.locator("[data-label=Used]")).to_have_text("1")
    expect(b.locator(".cu-tile.cu-seg-champions .cu-tile-revenue")).to_have_text(
        "¥1,492.00"
    )  # + 148
    b.locator("#sends").scroll_into_view_if_needed()
    shots(b, "customer-segments-used-phone")
    fits(b, "the segments page after the coupon was used, phone")
