"""The cart, checkout and order pages over HTTP: every route and role."""

import csv
import datetime
import io

import pytest

from livestall.accounts.models import User
from livestall.catalog.models import Product
from livestall.content.models import Post, PostProduct
from livestall.orders import checkout
from livestall.orders.models import CartItem, Order, OrderEvent
from tests.factories.orders import SHIP, Browser, order_id
from tests.plugins.app import plain, read_db, text


def stock(product_id):
    return read_db(lambda: Product.get_by_id(product_id).stock)


@pytest.fixture
def shop(app, orders_world):
    """teashop's tea (stock 20) and cup (3), potshop's teapot (5); both merchants
    signed in (browsers), no buyer yet; wen's published post tagging the tea and
    the cup (a `post:ID` source counts only for such a post)."""
    world = orders_world(stock={"cup": 3, "pot": 5}, buyer=None)
    world["api"].user("wen", role="creator")

    def write():
        post = Post.create(
            author=User.get(User.username == "wen"), body="茶", body_html="<p>茶</p>"
        )
        for position, key in enumerate(("tea", "cup")):
            PostProduct.create(post=post, product=world[key], position=position)
        return f"post:{post.id}"

    return {
        "post": read_db(write),
        "tea": world["tea"],
        "cup": world["cup"],
        "pot": world["pot"],
        "merchant": Browser(app, "teashop", signup=False),
        "other": Browser(app, "potshop", signup=False),
    }


# --- the cart -------------------------------------------------------------------------


def test_product_page_offers_add_to_cart_with_the_post_source(app, shop):
    anon = Browser(app)
    html = text(anon.get(f"/products/{shop['tea']}?src=post:7"))
    assert 'action="/cart/add"' in html
    assert 'name="source" value="post:7"' in html
    html = text(anon.get(f"/products/{shop['tea']}?src=evil:7"))
    assert 'name="source"' not in html
    # the merchant cannot buy their own product; sold out shows no form
    assert 'action="/cart/add"' not in text(
        shop["merchant"].get(f"/products/{shop['tea']}")
    )
    read_db(lambda: Product.update(stock=0).where(Product.id == shop["cup"]).execute())
    assert 'action="/cart/add"' not in text(anon.get(f"/products/{shop['cup']}"))


def test_anonymous_cart_merges_into_the_account_at_sign_in(app, shop):
    anon = Browser(app)
    anon.get("/")  # the visitor cookie
    assert anon.add(shop["tea"], 2, source="post:7").location == "/cart"
    anon.add(shop["pot"], 1)
    page = plain(anon.get("/cart"))
    assert "龙井 250g" in page and "紫砂壶" in page
    assert "¥336.00" in page and "¥399.00" in page  # line totals, live prices
    assert "Subtotal (CNY) ¥735.00" in page
    assert "teashop" in page.lower() and "potshop" in page.lower()  # by merchant
    assert 'class="badge">3<' in text(anon.get("/"))

    # an existing account already holding tea: quantities add up at sign-in
    mei = Browser(app, "mei")
    mei.add(shop["tea"], 1)
    mei.auth.logout()
    anon.auth.login("mei")
    lines = read_db(
        lambda: [
            (i.product_id, i.qty, i.source, i.visitor_id)
            for i in CartItem.select().order_by(CartItem.product)
        ]
    )
    assert lines == [(shop["tea"], 3, None, None), (shop["pot"], 1, None, None)]
    page = plain(anon.get("/cart"))
    assert "¥504.00" in page


def test_a_new_account_takes_over_the_cart_and_keeps_the_source(app, shop):
    anon = Browser(app)
    anon.get("/")
    anon.add(shop["tea"], 1, source=shop["post"])
    anon.auth.signup("mei", display_name="Mei")
    rows = read_db(lambda: [(i.user_id, i.source) for i in CartItem.select()])
    mei_id = read_db(lambda: User.get(User.username == "mei").id)
    assert rows == [(mei_id, shop["post"])]


def test_cart_quantity_changes_remove_and_stock_warning(app, shop):
    mei = Browser(app, "mei")
    mei.add(shop["cup"], 2)
    item = read_db(lambda: CartItem.get().id)
    assert mei.post(f"/cart/{item}", {"qty": "5"}).location == "/cart"
    page = plain(mei.get("/cart"))
    assert "Only 3 left in stock." in page
    assert "¥445.00" in page
    for bad in ("-1", "abc", "100", "1.5"):
        mei.post(f"/cart/{item}", {"qty": bad})
        assert read_db(lambda: CartItem.get().qty) == 5
    mei.post(f"/cart/{item}", {"qty": "0"})
    assert read_db(lambda: CartItem.select().count()) == 0
    assert "Your cart is empty." in plain(mei.get("/cart"))


def test_nobody_changes_another_visitors_cart_line(app, shop):
    mei = Browser(app, "mei")
    mei.add(shop["tea"], 2)
    item = read_db(lambda: CartItem.get().id)
    for intruder in (Browser(app), Browser(app, "lin")):
        for data in ({"qty": "9"}, {"qty": "0"}, {"remove": "1"}):
            assert intruder.post(f"/cart/{item}", data).status_code == 302
    assert read_db(lambda: [(i.id, i.qty) for i in CartItem.select()]) == [(item, 2)]


def test_add_to_cart_refuses_bad_input(app, shop):
    mei = Browser(app, "mei")
    archived = shop["cup"]
    archive = Product.update(status="archived").where(Product.id == archived)
    read_db(archive.execute)
    for data in (
        {"product_id": shop["tea"], "qty": "0"},
        {"product_id": shop["tea"], "qty": "-2"},
        {"product_id": shop["tea"], "qty": "1000"},
        {"product_id": shop["tea"], "qty": "two"},
        {"product_id": "x", "qty": "1"},
        {"product_id": archived, "qty": "1"},
        {"product_id": 99999, "qty": "1"},
    ):
        resp = mei.post("/cart/add", data)
        assert resp.status_code == 302
    assert read_db(lambda: CartItem.select().count()) == 0


# --- checkout -------------------------------------------------------------------------


def test_checkout_needs_sign_in_and_a_cart(app, shop):
    anon = Browser(app)
    resp = anon.get("/checkout")
    assert resp.status_code == 302 and resp.location.startswith("/login?next=")
    mei = Browser(app, "mei")
    assert mei.get("/checkout").location == "/cart"


def test_checkout_happy_path(app, shop):
    mei = Browser(app, "mei")
    mei.add(shop["tea"], 2, source=shop["post"])
    mei.add(shop["cup"], 1)
    html = text(mei.get("/checkout"))
    assert 'name="payment_method" value="cod"' in html
    assert "the shop marks the order as paid" in html
    resp, _key = mei.checkout("cod")
    oid = order_id(resp)
    assert stock(shop["tea"]) == 18 and stock(shop["cup"]) == 2
    assert read_db(lambda: CartItem.select().count()) == 0
    page = plain(mei.get(f"/orders/{oid}"))
    assert "Thank you! Your order is placed." in page
    # an unpaid cash-on-delivery order says what happens next (issue 16)
    assert "To be shipped · pay on delivery" in page and "Cash on delivery" in page
    assert "Pending payment" not in page
    assert "龙井 250g" in page and "¥425.00" in page
    assert SHIP["address"] in page and "by Mei" in page
    assert "Cancel order" in page
    assert f"#{oid}" in plain(mei.get("/orders"))
    source = read_db(lambda: [ln.source for ln in Order.get_by_id(oid).lines])
    assert sorted(source, key=str) == sorted([shop["post"], None], key=str)


def test_a_double_submit_gives_one_order(app, shop):
    mei = Browser(app, "mei")
    mei.add(shop["tea"], 1)
    first, key = mei.checkout()
    again, _ = mei.checkout(key=key)  # the cart is empty now: the same order
    assert order_id(first) == order_id(again)
    assert read_db(lambda: Order.select().count()) == 1
    assert stock(shop["tea"]) == 19
    # a retry while the cart holds the same lines returns the same order too
    mei.add(shop["tea"], 1)
    data = {**SHIP, "payment_method": "cod", "idempotency_key": key}
    assert order_id(mei.post("/checkout", data)) == order_id(first)
    assert read_db(lambda: CartItem.select().count()) == 1  # left as it is
    # the same key with a different order is refused
    resp = mei.post("/checkout", {**data, "name": "Someone Else"})
    assert resp.status_code == 400
    assert "already used for a different order" in plain(resp)
    assert read_db(lambda: Order.select().count()) == 1


def test_out_of_stock_names_the_product_and_what_is_left(app, shop):
    mei = Browser(app, "mei")
    mei.add(shop["tea"], 1)
    mei.add(shop["cup"], 5)
    resp, _ = mei.checkout()
    assert resp.status_code == 400
    assert "Only 3 left of “青瓷杯”." in plain(resp)
    assert stock(shop["tea"]) == 20 and stock(shop["cup"]) == 3  # nothing taken
    assert read_db(lambda: (Order.select().count(), CartItem.select().count())) == (
        0,
        2,
    )


def test_checkout_validates_the_shipping_fields(app, shop):
    mei = Browser(app, "mei")
    mei.add(shop["tea"], 1)
    resp, _ = mei.checkout(phone="call me")
    assert resp.status_code == 400
    assert "Enter a phone number" in plain(resp)
    resp, _ = mei.checkout(payment="card")
    assert "Choose cash on delivery or bank transfer." in plain(resp)
    assert read_db(lambda: Order.select().count()) == 0


def test_a_cart_with_two_shops_is_split(app, shop):
    mei = Browser(app, "mei")
    mei.add(shop["tea"], 1)
    mei.add(shop["pot"], 1)
    resp, _ = mei.checkout()
    assert resp.location == "/orders"
    page = plain(mei.get("/orders"))
    assert "split by shop into 2 orders" in page
    assert read_db(lambda: Order.select().count()) == 2


# --- orders ---------------------------------------------------------------------------


def _placed(app, shop, payment="cod", qty=2):
    mei = Browser(app, "mei")
    mei.add(shop["tea"], qty)
    resp, _ = mei.checkout(payment)
    return mei, order_id(resp)


def test_an_order_is_seen_by_its_buyer_merchant_and_admins_only(app, shop):
    mei, oid = _placed(app, shop)
    assert mei.get(f"/orders/{oid}").status_code == 200
    assert shop["merchant"].get(f"/orders/{oid}").status_code == 200
    assert shop["other"].get(f"/orders/{oid}").status_code == 404
    lin = Browser(app, "lin")
    assert lin.get(f"/orders/{oid}").status_code == 404
    assert lin.get("/orders/99999").status_code == 404
    resp = lin.post(f"/orders/{oid}/status", {"status": "cancelled"})
    assert resp.status_code == 404
    assert lin.get("/orders").status_code == 200 and f"#{oid}" not in plain(
        lin.get("/orders")
    )
    anon = Browser(app)
    assert anon.get(f"/orders/{oid}").location.startswith("/login?next=")


def test_merchant_marks_a_transfer_paid_then_ships_it(app, shop):
    mei, oid = _placed(app, shop, payment="bank_transfer")
    merchant = shop["merchant"]
    page = plain(merchant.get(f"/orders/{oid}"))
    assert "Mark as paid" in page and "Mark as shipped" not in page
    # the buyer cannot mark their own order paid
    mei.post(f"/orders/{oid}/status", {"status": "paid"})
    assert read_db(lambda: Order.get_by_id(oid).status) == "pending_payment"
    merchant.post(f"/orders/{oid}/status", {"status": "paid"})
    assert read_db(lambda: Order.get_by_id(oid).status) == "paid"
    resp = merchant.post(f"/orders/{oid}/status", {"status": "shipped"})
    assert "Enter the tracking number." in plain(merchant.get(resp.location))
    assert read_db(lambda: Order.get_by_id(oid).status) == "paid"
    merchant.post(
        f"/orders/{oid}/status", {"status": "shipped", "tracking_number": "SF123456"}
    )
    page = plain(mei.get(f"/orders/{oid}"))
    assert "Shipped" in page and "SF123456" in page
    assert "by Teashop" in page or "by teashop" in page
    events = read_db(
        lambda: [
            (e.to_status, e.actor_id)
            for e in OrderEvent.select().where(OrderEvent.order == oid)
        ]
    )
    assert [s for s, _ in events] == ["pending_payment", "paid", "shipped"]


def test_buyer_cancels_and_the_stock_returns_once(app, shop):
    mei, oid = _placed(app, shop, qty=3)
    assert stock(shop["tea"]) == 17
    mei.post(f"/orders/{oid}/status", {"status": "cancelled"})
    assert stock(shop["tea"]) == 20
    mei.post(f"/orders/{oid}/status", {"status": "cancelled"})
    assert stock(shop["tea"]) == 20
    assert "Cancelled" in plain(mei.get(f"/orders/{oid}"))


def _delivered(app, shop, qty):
    mei, oid = _placed(app, shop, qty=qty)
    shop["merchant"].post(
        f"/orders/{oid}/status", {"status": "shipped", "tracking_number": "SF123456"}
    )
    mei.post(f"/orders/{oid}/status", {"status": "delivered"})
    assert read_db(lambda: Order.get_by_id(oid).status) == "delivered"
    return mei, oid


def test_a_delivered_order_is_returned_and_refunded_within_seven_days(app, shop):
    mei, oid = _delivered(app, shop, qty=2)
    merchant = shop["merchant"]
    buyer_page = plain(mei.get(f"/orders/{oid}"))
    assert "send the goods back to the shop, which refunds the order" in buyer_page
    assert 'value="refunded"' not in text(mei.get(f"/orders/{oid}"))
    seller_page = text(merchant.get(f"/orders/{oid}"))
    assert 'value="refunded"' in seller_page
    assert "refund the order when the goods come back" in plain(
        merchant.get(f"/orders/{oid}")
    )
    # the buyer cannot refund themselves; the merchant can, once
    mei.post(f"/orders/{oid}/status", {"status": "refunded"})
    assert stock(shop["tea"]) == 18
    resp = merchant.post(f"/orders/{oid}/status", {"status": "refunded"})
    assert resp.status_code == 302
    assert stock(shop["tea"]) == 20
    assert "Refunded" in plain(mei.get(f"/orders/{oid}"))
    assert "Returns:" not in plain(mei.get(f"/orders/{oid}"))


def test_after_the_return_window_there_is_no_refund(app, shop):
    _, oid = _delivered(app, shop, qty=1)
    merchant = shop["merchant"]
    delivered = read_db(lambda: Order.get_by_id(oid).updated_at)
    read_db(
        lambda: (
            Order.update(updated_at=delivered - datetime.timedelta(days=8))
            .where(Order.id == oid)
            .execute()
        )
    )
    page = merchant.get(f"/orders/{oid}")
    assert 'value="refunded"' not in text(page) and "Returns:" not in plain(page)
    resp = merchant.post(f"/orders/{oid}/status", {"status": "refunded"})
    assert "Returns closed on" in plain(merchant.get(resp.location))
    assert read_db(lambda: Order.get_by_id(oid).status) == "delivered"
    assert stock(shop["tea"]) == 19


def test_merchant_order_list_filter_and_csv(app, shop):
    mei, first = _placed(app, shop, qty=1)
    mei.add(shop["tea"], 2)
    mei.add(shop["cup"], 1)
    resp, _ = mei.checkout()
    second = order_id(resp)
    merchant = shop["merchant"]
    merchant.post(
        f"/orders/{second}/status", {"status": "shipped", "tracking_number": "YT-9"}
    )
    assert mei.get("/merchant/orders").status_code == 403
    assert "Orders" in plain(merchant.get("/"))
    page = plain(merchant.get("/merchant/orders"))
    assert f"#{first}" in page and f"#{second}" in page
    page = plain(merchant.get("/merchant/orders?status=shipped"))
    assert f"#{second}" in page and f"#{first}" not in page
    page = plain(merchant.get("/merchant/orders?status=bogus"))
    assert f"#{first}" in page  # an unknown filter shows everything
    assert "#" not in plain(shop["other"].get("/merchant/orders")).split("Orders")[-1]

    resp = merchant.get("/merchant/orders.csv")
    assert resp.mimetype == "text/csv"
    assert "attachment" in resp.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(resp.get_data().decode("utf-8-sig"))))
    assert rows[0] == [
        "id",
        "created_at",
        "status",
        "buyer",
        "total",
        "currency",
        "items",
        "tracking",
        "shipping",
    ]
    by_id = {int(r[0]): r for r in rows[1:]}
    assert set(by_id) == {first, second}
    assert by_id[second][2:] == [
        "shipped",
        "mei",
        "425.00",
        "CNY",
        "龙井 250g x 2; 青瓷杯 x 1",
        "YT-9",
        "0.00",
    ]
    assert by_id[first][2:5] == ["pending_payment", "mei", "168.00"]
    resp = merchant.get("/merchant/orders.csv?status=shipped")
    rows = list(csv.reader(io.StringIO(resp.get_data().decode("utf-8-sig"))))
    assert [int(r[0]) for r in rows[1:]] == [second]


def test_csv_cells_do_not_run_as_formulas(app, api, shop):
    token = api.user("evilshop", role="merchant")
    pid = api.product(token, title="=HYPERLINK(1)", stock=5)["id"]
    mei = Browser(app, "mei")
    mei.add(pid, 1)
    order_id(mei.checkout()[0])
    evil = Browser(app, "evilshop", signup=False)
    body = evil.get("/merchant/orders.csv").get_data().decode("utf-8-sig")
    assert "'=HYPERLINK(1) x 1" in body


def test_pages_in_chinese(app, shop):
    mei, oid = _placed(app, shop)
    mei.client.set_cookie("lang", "zh")
    read_db(lambda: User.update(locale="zh").where(User.username == "mei").execute())
    page = plain(mei.get(f"/orders/{oid}"))
    assert "待发货 · 货到付款" in page and "待付款" not in page
    mei.add(shop["tea"], 1)
    assert "结算" in plain(mei.get("/cart"))
    assert checkout.QTY_MAX == 99


def test_a_line_remembers_the_share_link_its_buyer_came_by(app, shop):
    from livestall.content import social
    from livestall.orders.models import OrderLine

    lin = Browser(app, "lin")
    code = read_db(lambda: social.share_code_for(User.get(User.username == "lin")))
    lin_id = read_db(lambda: User.get(User.username == "lin").id)
    visitor = Browser(app)  # anonymous: follows the link, fills a cart, signs up
    resp = visitor.get(f"/products/{shop['tea']}?s={code}")
    assert resp.status_code == 302 and resp.location == f"/products/{shop['tea']}"
    visitor.add(shop["tea"])
    visitor.add(shop["cup"], source=shop["post"])  # the page's own source wins
    assert visitor.auth.signup("mei", display_name="Mei").status_code == 302
    visitor.add(shop["pot"])  # after sign-in: the share still counts
    resp, _ = visitor.checkout()
    assert resp.status_code == 302
    sources = read_db(lambda: {ln.product_id: ln.source for ln in OrderLine.select()})
    assert sources == {
        shop["tea"]: f"share:{lin_id}",
        shop["cup"]: shop["post"],
        shop["pot"]: f"share:{lin_id}",
    }
    # following your own link credits nobody
    lin.get(f"/products/{shop['tea']}?s={code}")
    lin.add(shop["tea"])
    line = read_db(lambda: CartItem.get(CartItem.product == shop["tea"]))
    assert line.source is None
