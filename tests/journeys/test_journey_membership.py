"""Browser journey: shop membership (会员) on a 390x844 phone. The merchant sets a
member price on the product form (¥148 for the ¥168 tea); a shopper opens the
shop, taps Membership, joins the free plan in one tap, sees the member price as
her price on the product page, buys two teas and reads "Member price · saved
¥40.00" on the order's page, and her savings on My memberships. The merchant, in
another browser, sees her among the members on /merchant/membership; then a
second shopper buys the paid plan, reads the bank transfer and its LM- reference
on the shop's membership page, the merchant marks it paid, and her page says
the membership is active and that renewing early extends from its end. Every
page has one h1, passes axe and never scrolls sideways."""

import re

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
from tests.journeys.test_journey_group_pages import SMALL_TARGETS
from tests.journeys.test_journey_merchant import fits

pytestmark = pytest.mark.browser


def _small_targets(page, root="main"):
    page.wait_for_load_state()  # styled
    return page.evaluate(SMALL_TARGETS, root)


def _shot(shots, page, step):
    page.evaluate("window.scrollTo(0, 0)")
    shots(page, step)


def _programme(base):
    token = api_token(base, "xihu_tea")
    call_api(
        base,
        "PUT",
        "/api/v1/merchant/membership",
        token,
        body={
            "enabled": True,
            "plans": [
                {"name": "入会有礼 Welcome", "price_cents": 0},
                {
                    "name": "金卡年卡 Gold",
                    "price_cents": 9900,
                    "days": 365,
                    "trial_days": 7,
                },
            ],
        },
    )
    call_api(
        base,
        "PUT",
        "/api/v1/merchant/settings",
        token,
        body={
            "bank_name": "招商银行 杭州分行",
            "bank_account_name": "西湖茶社有限公司",
            "bank_account_number": "6225 8801 2345 6789",
        },
    )


def test_a_shopper_joins_free_and_pays_the_member_price(live_server, new_page, shots):
    base = live_server.url
    tea, _cup = merchant_with_two_products(base)
    _programme(base)
    merchant_id = call_api(base, "GET", "/api/v1/me", api_token(base, "xihu_tea"))[
        "user"
    ]["id"]
    api_user(base, "mei", "shopper", display_name="Mei")

    # --- the merchant sets the member price on the product form ----------------
    b = new_page(viewport=PHONE)
    login(b, base, "xihu_tea")
    b.wait_for_url(lambda url: "/login" not in url)
    b.goto(f"{base}/merchant/products/{tea['id']}/edit")
    field = b.locator("#f-member_price")
    assert field.bounding_box()["height"] >= 44
    field.fill("200")  # above the price: a message on the form
    b.locator("#product-form button[type=submit]").click()
    expect(b.locator("#e-member_price")).to_have_text(
        "The member price must be below the price."
    )
    expect(b.locator("#error-summary")).to_contain_text("Member price")
    _shot(shots, b, "product-form-member-price-error-phone")
    b.errors.clear()  # the form's 400, as meant
    b.locator("#f-member_price").fill("148")
    b.locator("#product-form button[type=submit]").click()
    expect(b.locator(".flash").first).to_contain_text("Product saved.")
    expect(b.locator("#f-member_price")).to_have_value("148.00")

    # --- the shopper, on her phone --------------------------------------------
    a = new_page(viewport=PHONE)
    login(a, base, "mei")
    a.wait_for_url(base + "/")
    a.goto(f"{base}/shops/{merchant_id}")
    card = a.locator(".product-card", has_text="Longjing")
    expect(card.locator(".mp-hint")).to_have_text("Member price ¥148.00")
    link = a.locator("a.shop-membership-link")
    assert link.bounding_box()["height"] >= 44
    _shot(shots, a, "shop-with-membership-link-phone")
    fits(a, "a shop with a membership, phone")
    link.click()
    a.wait_for_url(f"{base}/shops/{merchant_id}/membership")
    expect(a.locator("h1")).to_have_text("Xihu Teahouse membership")
    plans = a.locator(".mb-plan")
    expect(plans).to_have_count(2)
    expect(plans.nth(1)).to_contain_text("¥99.00 for 365 days")
    expect(
        plans.nth(1).locator("button", has_text="Start a 7-day free trial")
    ).to_be_visible()
    join = plans.first.locator("button", has_text="Join free")
    assert join.bounding_box()["height"] >= 44
    assert _small_targets(a) == []
    _shot(shots, a, "membership-plans-phone")
    fits(a, "a shop's membership page, phone")
    join.click()  # one tap
    expect(a.locator(".flash").first).to_contain_text("You are a member now")
    expect(a.locator(".mb-status .mb-state")).to_have_text("Membership active")
    expect(a.locator(".mb-status")).to_contain_text("no end date")
    _shot(shots, a, "membership-joined-phone")
    fits(a, "a shop's membership page after joining, phone")

    a.goto(f"{base}/products/{tea['id']}")
    price = a.locator(".product-info .mp-price")
    expect(price).to_contain_text("Member price ¥148.00")
    expect(price.locator("s")).to_contain_text("¥168.00")
    expect(a.locator(".mp-note")).to_contain_text("you save ¥20.00 on each")
    _shot(shots, a, "product-member-price-phone")
    fits(a, "the product page at the member price, phone")
    a.fill("#f-qty", "2")
    a.locator(".add-to-cart button[type=submit]").click()
    a.wait_for_load_state()
    a.goto(base + "/cart")
    expect(a.locator(".cart-unit").first).to_contain_text("Member price ¥148.00")
    expect(a.locator("[data-line-total]").first).to_have_text("¥296.00")
    _shot(shots, a, "cart-member-price-phone")
    a.goto(base + "/checkout")
    expect(a.locator(".checkout-total")).to_contain_text("¥296.00")
    a.fill("#f-name", "王小明")
    a.fill("#f-phone", "138 0013 8000")
    a.fill("#f-address", "浙江省杭州市西湖区龙井路 1 号")
    a.locator(".checkout-place").click()
    a.wait_for_url(re.compile(r"/orders/\d+$"))
    kind = a.locator(".order-lines .price-kind")
    expect(kind).to_have_text("Member price · saved ¥40.00")
    expect(a.locator(".order-total")).to_contain_text("¥296.00")
    _shot(shots, a, "order-member-price-phone")
    fits(a, "an order at the member price, phone")

    a.goto(base + "/me/memberships")
    expect(a.locator(".mb-saved-total")).to_contain_text("You saved ¥40.00 this year")
    expect(a.locator(".mb-row")).to_contain_text("Xihu Teahouse")
    _shot(shots, a, "my-memberships-phone")
    fits(a, "my memberships, phone")

    # --- the merchant sees the member ------------------------------------------
    b.goto(base + "/merchant/membership")
    expect(b.locator(".mb-count-active")).to_have_text("1")
    expect(b.locator(".mb-member-table tbody tr")).to_have_count(1)
    expect(b.locator(".mb-member-table tbody tr").first).to_contain_text("Mei")
    expect(b.locator(".mb-member-table tbody tr").first).to_contain_text("入会有礼")
    assert _small_targets(b, ".mb-program") == []
    _shot(shots, b, "merchant-membership-phone")
    fits(b, "the membership console, phone")

    # --- a paid plan: bought by transfer, marked paid by the merchant ----------
    lin = api_user(base, "lin", "shopper", display_name="Lin")
    shop = call_api(base, "GET", f"/api/v1/shops/{merchant_id}/membership", lin)
    gold = shop["membership"]["plans"][1]["id"]
    bought = call_api(
        base,
        "POST",
        f"/api/v1/shops/{merchant_id}/membership",
        lin,
        body={"plan_id": gold, "payment_method": "bank_transfer"},
    )
    reference = bought["purchase"]["reference"]
    c = new_page(viewport=PHONE)
    login(c, base, "lin")
    c.wait_for_url(base + "/")
    c.goto(f"{base}/shops/{merchant_id}/membership")
    pay = c.locator("#pay")
    expect(pay).to_contain_text("Transfer ¥99.00 to:")
    expect(pay.locator(".pay-reference")).to_have_text(reference)
    expect(pay).to_contain_text("招商银行 杭州分行")
    expect(c.locator(".mb-status .mb-state")).to_have_text("Waiting for payment")
    _shot(shots, c, "membership-waiting-for-transfer-phone")
    fits(c, "a membership waiting for its transfer, phone")

    b.reload()
    row = b.locator(".mb-purchase")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Lin · 金卡年卡 Gold · ¥99.00")
    expect(row.locator(".pay-reference")).to_have_text(reference)
    mark = row.locator("button", has_text="Mark paid")
    assert mark.bounding_box()["height"] >= 44
    _shot(shots, b, "merchant-membership-purchase-phone")
    mark.click()
    expect(b.locator(".flash").first).to_contain_text(
        f"Marked paid: Lin is a member now ({reference})."
    )
    expect(b.locator(".mb-count-active")).to_have_text("2")
    expect(b.locator(".mb-purchase")).to_have_count(0)
    b.locator("#members").scroll_into_view_if_needed()
    shots(b, "merchant-membership-marked-paid-phone")
    fits(b, "the membership console after Mark paid, phone")
    c.reload()
    expect(c.locator(".mb-status .mb-state")).to_have_text("Membership active")
    expect(c.locator(".mb-status")).to_contain_text("金卡年卡 Gold · active until")
    expect(c.locator(".mb-renew-note")).to_contain_text("Renewing now adds 365 days")
    _shot(shots, c, "membership-paid-renew-phone")
