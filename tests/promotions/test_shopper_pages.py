"""Coupons on the shopper's pages: 领券 on the product and shop pages (claim without
JavaScript, back to the page), My coupons by status, the checkout's best coupon
pre-selected with the saving, another or none chosen, the order page's coupon
line, and the coupon back after cancelling."""

import re

from livestall.catalog.models import Product
from livestall.promotions.models import UserCoupon
from tests.factories import promotions as promo
from tests.factories.orders import Browser
from tests.plugins.app import read_db, text


def _world(orders_world, app):
    world = orders_world(only=["tea", "cup"], buyer=None)
    api, shop = world["api"], world["merchant"]
    world["c20"] = promo.made_coupon(api, shop)  # ¥20 off over ¥100
    world["c5"] = promo.made_coupon(
        api, shop, amount_off_cents=500, min_spend_cents=0, total=3
    )
    world["cup_only"] = promo.made_coupon(
        api,
        shop,
        kind="percent_off",
        amount_off_cents=None,
        percent_off=10,
        max_discount_cents=1000,
        min_spend_cents=0,
        product_ids=[world["cup"]],
    )
    world["mei"] = Browser(app, "meimei")
    return world


def _claim(browser, coupon_id, back):
    return browser.post(f"/coupons/{coupon_id}/claim", {"next": back})


def test_product_page_lists_and_claims_coupons(orders_world, app):
    w = _world(orders_world, app)
    anon = app.test_client().get(f"/products/{w['tea']}")
    html = text(anon)
    assert "¥20.00" in html and "Over ¥100.00" in html and "Sign in to claim" in html
    assert "10% off" not in html  # the cup-only coupon does not cover the tea
    assert "10% off" in text(app.test_client().get(f"/products/{w['cup']}"))
    mei = w["mei"]
    back = f"/products/{w['tea']}"
    resp = _claim(mei, w["c20"]["id"], back)
    assert resp.status_code == 302 and resp.headers["Location"].endswith(back)
    page = text(mei.get(back))
    assert "Coupon claimed" in page
    assert page.count("Claimed</span>") == 1  # the ¥20 one; the ¥5 one still to claim
    again = _claim(mei, w["c20"]["id"], back)
    assert again.status_code == 302
    assert "claimed this coupon already" in text(mei.get(back))
    held = read_db(lambda: UserCoupon.select().count())
    assert held == 1
    # off-site `next` is ignored
    away = _claim(mei, w["c5"]["id"], "https://evil.example/")
    assert away.headers["Location"].endswith("/me/coupons")


def test_claim_needs_csrf_and_sign_in(orders_world, app):
    w = _world(orders_world, app)
    anon = app.test_client()
    resp = anon.post(f"/coupons/{w['c20']['id']}/claim", data={})
    assert resp.status_code in (302, 400, 401)
    assert read_db(lambda: UserCoupon.select().count()) == 0
    mei = w["mei"]
    bare = mei.client.post(f"/coupons/{w['c20']['id']}/claim", data={})
    assert bare.status_code == 400
    assert read_db(lambda: UserCoupon.select().count()) == 0
    assert mei.post("/coupons/999999/claim", {}).status_code == 404


def test_storefront_shows_products_and_coupons(orders_world, app):
    w = _world(orders_world, app)
    shop_id = read_db(lambda: Product.get_by_id(w["tea"]).merchant_id)
    html = text(app.test_client().get(f"/shops/{shop_id}"))
    assert "Shop coupons" in html and "龙井 250g" in html and "青瓷杯" in html
    assert app.test_client().get("/shops/999999").status_code == 404
    assert f'href="/shops/{shop_id}"' in text(
        app.test_client().get(f"/products/{w['tea']}")
    )


def test_checkout_preselects_the_best_coupon_and_cancel_gives_it_back(
    orders_world, app
):
    w = _world(orders_world, app)
    mei = w["mei"]
    for c in (w["c20"], w["c5"]):
        _claim(mei, c["id"], "/")
    mei.add(w["tea"], 1)  # ¥168.00: ¥20 off beats ¥5 off
    page = text(mei.get("/checkout"))
    best = re.search(r'<option value="(\d+)" selected>\s*([^<]+)', page)
    assert best and "¥20.00 · Over ¥100.00" in best.group(2)
    assert "−¥20.00" in best.group(2)
    assert "Saved ¥20.00" in page
    # choose the ¥5 one: the page recalculates and does not place the order
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page).group(1)
    field = re.search(r'name="(coupon-\d+-CNY)"', page).group(1)
    ids = dict(
        (title.strip().split(" (")[0], v)
        for v, title in re.findall(r'<option value="(\d+)"[^>]*>\s*([^<]+)', page)
    )
    five = next(v for t, v in ids.items() if t.startswith("¥5"))
    recalc = mei.post("/checkout", {"idempotency_key": key, field: five, "recalc": "1"})
    assert recalc.status_code == 200
    assert "Saved ¥5.00" in text(recalc)
    none = mei.post("/checkout", {"idempotency_key": key, field: "none", "recalc": "1"})
    assert "Saved" not in text(none)
    placed, _key = mei.checkout(key=key, **{field: w["c20"] and ids[next(iter(ids))]})
    assert placed.status_code == 302, text(placed)
    order_url = placed.headers["Location"]
    order_page = text(mei.get(order_url))
    assert "−¥20.00" in order_page and "¥148.00" in order_page
    mine = text(mei.get("/me/coupons?status=used"))
    assert "saved ¥20.00" in mine
    order_id = int(order_url.rstrip("/").rsplit("/", 1)[1])
    cancel = mei.post(f"/orders/{order_id}/status", {"status": "cancelled"})
    assert cancel.status_code == 302
    unused = text(mei.get("/me/coupons"))
    assert unused.count('class="coupon coupon-unused"') == 2
    assert "No coupons to use" not in unused
