"""Browser journey: a shopper reads a creator's post and buys the tea it tags; the
merchant opens "Sales by content", finds the creator and the post with the revenue,
switches the model to linear and sees the what-if beside the stored result; the
creator sees the pending commission."""

import re

import pytest

from tests.factories.journeys import call_api, login, signup
from tests.plugins.app import PASSWORD

pytestmark = pytest.mark.browser


def _shop_and_post(base):
    merchant = call_api(
        base,
        "POST",
        "/api/v1/users",
        body={
            "username": "xihu_tea",
            "email": "xihu_tea@example.com",
            "password": PASSWORD,
            "role": "merchant",
            "display_name": "Xihu Teahouse",
        },
    )["token"]
    tea = call_api(
        base,
        "POST",
        "/api/v1/products",
        merchant,
        body={
            "title": "西湖龙井 Longjing Green Tea 250g",
            "price_cents": 16800,
            "category": "tea-drinks",
            "stock": 20,
            "commission_bps": 1000,
        },
    )["product"]
    creator = call_api(
        base,
        "POST",
        "/api/v1/users",
        body={
            "username": "lin",
            "email": "lin@example.com",
            "password": PASSWORD,
            "role": "creator",
            "display_name": "Lin 林",
        },
    )["token"]
    post = call_api(
        base,
        "POST",
        "/api/v1/posts",
        creator,
        body={"body": "My spring tea ritual 春茶", "product_ids": [tea["id"]]},
    )["post"]
    return tea, post


def test_a_post_sells_and_the_dashboards_show_it(live_server, new_page, shots):
    base = live_server.url
    tea, post = _shop_and_post(base)

    shopper = new_page(viewport={"width": 390, "height": 844})
    shopper.goto(base + "/signup")
    signup(shopper, base, "mei", "shopper")
    shopper.goto(base + post["url"])
    shopper.click(".tagged-card a.card-link")
    shopper.wait_for_url(re.compile(rf".*/products/{tea['id']}\?src=post:{post['id']}"))
    shopper.click("form.add-to-cart button:has-text('Add to cart')")
    shopper.wait_for_url(base + "/cart")
    shopper.click("a:has-text('Check out')")
    shopper.wait_for_url(base + "/checkout")
    shopper.fill("#f-name", "王小明")
    shopper.fill("#f-address", "浙江省杭州市西湖区龙井路 1 号")
    shopper.fill("#f-phone", "138 0000 0000")
    shopper.check("input[name=payment_method][value=cod]")
    shopper.click("button:has-text('Place order')")
    shopper.wait_for_selector("text=Thank you! Your order is placed.")
    shots(shopper, "shopper-ordered")

    merchant = new_page()
    login(merchant, base, "xihu_tea")
    merchant.wait_for_url(re.compile(r".*/merchant/products.*|.*/$"))
    merchant.goto(base + "/merchant/orders")
    merchant.click(".nav-me-btn")  # the account menu holds the role links
    merchant.click("nav.nav >> text=Sales by content")
    merchant.wait_for_url(base + "/merchant/attribution")
    row = merchant.locator("#attr-rows tbody tr", has_text="Lin 林")
    assert row.locator("td", has_text="¥168.00").first.is_visible()
    assert merchant.locator("#total-gmv").inner_text() == "¥168.00"
    assert merchant.locator("#total-orders").inner_text() == "1"
    merchant.wait_for_selector("#attr-chart.drawn canvas")
    shots(merchant, "dashboard-by-creator")

    merchant.click("nav.chips a:has-text('Post')")
    merchant.wait_for_url(re.compile(r".*group_by=post.*"))
    row = merchant.locator("#attr-rows tbody tr", has_text="My spring tea ritual")
    cells = row.locator("td")
    assert cells.nth(0).inner_text() == "1"  # views
    assert cells.nth(1).inner_text() == "1"  # product clicks
    assert cells.nth(2).inner_text() == "1"  # orders
    assert cells.nth(4).inner_text() == "¥168.00"

    merchant.select_option("#f-model", "linear")
    merchant.click(".attr-filter button:has-text('Show')")
    merchant.wait_for_url(re.compile(r".*model=linear.*"))
    assert merchant.locator("th.what-if", has_text="Linear").is_visible()
    assert merchant.locator(".what-if-note").is_visible()
    row = merchant.locator("#attr-rows tbody tr", has_text="My spring tea ritual")
    # both touches (the view and the click) belong to this post: same revenue
    assert row.locator("td.what-if").nth(0).inner_text() == "¥168.00"
    assert row.locator("td.what-if").nth(1).inner_text() == "¥0.00"
    shots(merchant, "dashboard-what-if-linear")
    assert not merchant.errors, merchant.errors

    creator = new_page()
    login(creator, base, "lin")
    creator.wait_for_load_state()
    creator.goto(base + "/creator/earnings")
    assert creator.locator("#bal-pending").inner_text() == "¥16.80"
    assert creator.locator(
        ".earn-post_id", has_text="My spring tea ritual"
    ).is_visible()
    assert creator.locator("#ledger", has_text="Order placed").is_visible()
    shots(creator, "creator-earnings")
    assert not creator.errors, creator.errors
    assert not shopper.errors, shopper.errors
