"""Issue 16's buying pages over HTTP: the cart's thumbnails and stepper, times as
<time data-local>, shipping shown as free, and unpaid orders worded by payment
method (cash on delivery is to be shipped; a transfer awaits payment)."""

import io
import re

import pytest

from livestall.orders.models import CartItem
from tests.factories.orders import Browser, order_id
from tests.plugins.api import image_bytes
from tests.plugins.app import plain, read_db, text

TIME_RE = re.compile(r'<time data-local datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ">')


@pytest.fixture
def shop(app, api, orders_world):
    world = orders_world(only=("tea", "cup"), buyer=None)
    resp = api.call(
        "POST",
        f"/api/v1/products/{world['tea']}/images",
        token=world["merchant"],
        data={"file": (io.BytesIO(image_bytes()), "tea.png")},
    )
    assert resp.status_code == 201, resp.get_json()
    return world


def qty_of(item_id):
    return read_db(lambda: CartItem.get_by_id(item_id).qty)


def test_cart_lines_show_a_thumbnail_and_a_stepper(app, shop):
    mei = Browser(app, "mei")
    mei.add(shop["tea"], 2)
    mei.add(shop["cup"], 1)
    html = text(mei.get("/cart"))
    assert html.count('class="cart-line"') == 2
    assert re.search(r'class="cart-thumb"[^>]*>\s*<img src="/media/[^"]+"', html)
    assert 'class="thumb-empty"' in html  # the cup has no photo
    assert 'name="step" value="-1"' in html and 'name="step" value="1"' in html
    assert "/static/js/cart.js" in html and "/static/js/localtime.js" in html
    tea = read_db(lambda: CartItem.get(CartItem.product == shop["tea"]).id)
    assert mei.post(f"/cart/{tea}", {"qty": "2", "step": "1"}).status_code == 302
    assert qty_of(tea) == 3
    mei.post(f"/cart/{tea}", {"qty": "3", "step": "-1"})
    mei.post(f"/cart/{tea}", {"qty": "2", "step": "-1"})
    assert qty_of(tea) == 1
    assert "¥168.00" in plain(mei.get("/cart"))
    mei.post(f"/cart/{tea}", {"qty": "1", "step": "-1"})  # stepping to 0 removes it
    assert read_db(lambda: CartItem.get_or_none(CartItem.id == tea)) is None
    # a bad step is ignored: the typed quantity applies
    cup = read_db(lambda: CartItem.get(CartItem.product == shop["cup"]).id)
    mei.post(f"/cart/{cup}", {"qty": "4", "step": "7"})
    assert qty_of(cup) == 4
    # someone else's line does not move
    tom = Browser(app, "tom")
    tom.post(f"/cart/{cup}", {"qty": "4", "step": "1"})
    assert qty_of(cup) == 4


def test_checkout_shows_free_shipping_and_the_sticky_total(app, shop):
    mei = Browser(app, "mei")
    mei.add(shop["tea"], 2)
    html = text(mei.get("/checkout"))
    assert 'class="checkout-bar"' in html
    bar = html.split('class="checkout-bar"')[1]
    assert "¥336.00" in bar.split("</div>")[0] and "Place order" in bar
    page = plain(mei.get("/checkout"))
    assert "Shipping Free" in page
    assert "/static/js/checkout.js" in html


def test_order_times_are_local_time_elements(app, shop):
    mei = Browser(app, "mei")
    mei.add(shop["tea"])
    oid = order_id(mei.checkout("bank_transfer")[0])
    html = text(mei.get(f"/orders/{oid}"))
    assert len(TIME_RE.findall(html)) >= 3  # history, pay-by, placed
    assert "/static/js/localtime.js" in html
    assert TIME_RE.search(text(mei.get("/orders")))
    merchant = Browser(app, "teashop", signup=False)
    assert TIME_RE.search(text(merchant.get("/merchant/orders")))


def test_unpaid_orders_say_what_happens_next(app, shop):
    mei = Browser(app, "mei")
    mei.add(shop["tea"])
    cod = order_id(mei.checkout("cod")[0])
    mei.add(shop["cup"])
    transfer = order_id(mei.checkout("bank_transfer")[0])
    merchant = Browser(app, "teashop", signup=False)
    for who, path in ((mei, "/orders"), (merchant, "/merchant/orders")):
        html = text(who.get(path))
        found = re.findall(
            r'href="/orders/(\d+)"[^>]*>.*?class="status status-\w+">([^<]+)<',
            html,
            re.S,
        )
        rows = {int(oid): label for oid, label in found}
        assert "To be shipped · pay on delivery" in rows[cod]
        assert "Awaiting payment" in rows[transfer]
        assert "Pending payment" not in rows[cod] + rows[transfer]
    page = plain(mei.get(f"/orders/{cod}"))
    assert "To be shipped · pay on delivery" in page and "Pending payment" not in page
    assert "Awaiting payment" in plain(mei.get(f"/orders/{transfer}"))
    # the API keeps the status value
    mei.client.set_cookie("lang", "zh")
    page = plain(mei.get(f"/orders/{cod}"))
    assert "待发货 · 货到付款" in page
    assert "等待付款" in plain(mei.get(f"/orders/{transfer}"))
