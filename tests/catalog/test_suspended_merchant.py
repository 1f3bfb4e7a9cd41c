"""A suspended merchant's products are off sale (issue 15, finding 7): gone from
listings, search, post and live-room cards; their pages 404 to everyone but admins
(and the merchant); carts, checkouts, flash-sale launches and grabs are refused
with a 409 naming the product. Orders already placed stay with their buyers, and
lifting the suspension brings everything back."""

import pytest

from livestall.accounts.models import User
from tests.factories import accounts
from tests.factories.live import new_session
from tests.factories.orders import SHIP, Browser, place
from tests.plugins.app import read_db, text

# the merchant's consent to creators' flash sales (issue 15, finding 1)
CONSENT = {"flash_min_price_cents": 1, "flash_max_units": 1_000}
TEA = {"title": "狮峰龙井 Lion Peak", "price_cents": 16800, "stock": 50, **CONSENT}
CUP = {"title": "汝窑茶杯 Ru Cup", "price_cents": 8900, "stock": 20, **CONSENT}
POT = {"title": "紫砂壶 Yixing Pot", "price_cents": 39900, "stock": 9}


@pytest.fixture
def world(app, api):
    """teashop (tea, cup: to be suspended), potshop (pot), mei (a shopper, token and
    browser), lily (a creator whose live features tea and pot and whose post tags
    them) and boss (an admin's browser)."""
    teashop = api.user("teashop", role="merchant")
    potshop = api.user("potshop", role="merchant")
    tea = api.product(teashop, category="tea-drinks", **TEA)["id"]
    cup = api.product(teashop, category="tea-drinks", **CUP)["id"]
    pot = api.product(potshop, category="tea-drinks", **POT)["id"]
    lily = api.user("lily", role="creator")
    mei = api.user("mei")
    post = api.call(
        "POST",
        "/api/v1/posts",
        token=lily,
        json={"body": "今天的茶 tea of the day", "product_ids": [tea, pot]},
    )
    assert post.status_code == 201, post.get_json()
    sid = new_session(api, lily, [tea, pot])
    admin = accounts.make_admin(app)
    return {
        "app": app,
        "api": api,
        "teashop": teashop,
        "teashop_id": read_db(lambda: User.get(User.username == "teashop").id),
        "tea": tea,
        "cup": cup,
        "pot": pot,
        "lily": lily,
        "mei": mei,
        "mei_browser": Browser(app, "mei", signup=False),
        "post": post.get_json()["post"]["id"],
        "sid": sid,
        "admin": admin,
    }


def set_status(world, status):
    """Suspend or reactivate teashop through the admin's form."""
    resp = world["admin"].post(
        f"/admin/users/{world['teashop_id']}",
        data={"roles": ["merchant"], "status": status},
    )
    assert resp.status_code == 302
    assert read_db(lambda: User.get_by_id(world["teashop_id"]).status) == status


def suspend(world):
    set_status(world, "suspended")


def unsuspend(world):
    set_status(world, "active")


def get(world, path, token=None):
    return world["api"].call("GET", path, token=token)


def page(world, path):
    """A page as an anonymous visitor: (status, text)."""
    resp = world["app"].test_client().get(path)
    return resp.status_code, text(resp)


def search_ids(world, q="龙井"):
    resp = get(world, f"/api/v1/search?q={q}")
    assert resp.status_code == 200, resp.get_json()
    return {item["id"] for item in resp.get_json()["items"]}


def launch(world, product_id, quantity=5):
    return world["api"].call(
        "POST",
        f"/api/v1/live/{world['sid']}/flash-sales",
        token=world["lily"],
        json={
            "product_id": product_id,
            "price_cents": 9900,
            "quantity": quantity,
            "per_user_limit": 5,
            "duration_s": 600,
        },
    )


def grab(world, sale_id, qty=1):
    return world["api"].call(
        "POST",
        f"/api/v1/flash-sales/{sale_id}/grab",
        token=world["mei"],
        json={"qty": qty},
    )


def error(resp, status):
    assert resp.status_code == status, resp.get_json()
    return resp.get_json()["error"]


# --- listings, search and cards ------------------------------------------------------


LISTINGS = ("/shop", "/c/tea-drinks", "/", "/search?q=tea")


def test_listings_and_search_hide_the_products_until_the_suspension_ends(world):
    tea_title, pot_title = TEA["title"], POT["title"]
    for path in LISTINGS:
        status, html = page(world, path)
        assert status == 200 and tea_title in html and pot_title in html, path
    assert {world["tea"], world["cup"], world["pot"]} <= search_ids(world, "tea")
    assert world["tea"] in search_ids(world)

    suspend(world)
    for path in LISTINGS:
        status, html = page(world, path)
        assert status == 200, path
        assert tea_title not in html and CUP["title"] not in html, path
    assert pot_title in page(world, "/shop")[1]  # the other shop sells on
    found = search_ids(world, "tea")
    assert world["tea"] not in found and world["cup"] not in found
    assert world["pot"] in found
    # the other shop's page no longer suggests the suspended shop's products
    status, html = page(world, f"/products/{world['pot']}")
    assert status == 200 and tea_title not in html

    unsuspend(world)
    for path in LISTINGS:
        assert tea_title in page(world, path)[1], path
    assert {world["tea"], world["cup"]} <= search_ids(world, "tea")


def test_a_rebuilt_index_leaves_them_out_too(world):
    from livestall.search import jobs

    suspend(world)
    read_db(jobs.rebuild)
    found = search_ids(world, "tea")
    assert world["pot"] in found and world["tea"] not in found
    unsuspend(world)
    read_db(jobs.rebuild)
    assert world["tea"] in search_ids(world, "tea")


def test_post_and_live_room_cards_leave_them_out(world):
    post, sid = world["post"], world["sid"]
    pin = world["api"].call(
        "POST",
        f"/api/v1/live/{sid}/pin",
        token=world["lily"],
        json={"product_id": world["tea"]},
    )
    assert pin.status_code == 200, pin.get_json()

    def shown():
        tagged = get(world, f"/api/v1/posts/{post}").get_json()["post"]["products"]
        session = get(world, f"/api/v1/live/{sid}").get_json()["session"]
        room = page(world, f"/live/{sid}")[1]
        post_page = page(world, f"/posts/{post}")[1]
        return (
            [p["id"] for p in tagged],
            [p["id"] for p in session["products"]],
            session["pinned_product"] and session["pinned_product"]["id"],
            TEA["title"] in room,
            TEA["title"] in post_page,
        )

    both = [world["tea"], world["pot"]]
    assert shown() == (both, both, world["tea"], True, True)
    suspend(world)
    assert shown() == ([world["pot"]], [world["pot"]], None, False, False)
    unsuspend(world)
    assert shown() == (both, both, world["tea"], True, True)


# --- the product page and object -----------------------------------------------------


def test_the_product_page_is_a_404_to_all_but_admins(world):
    tea = world["tea"]
    suspend(world)
    assert page(world, f"/products/{tea}")[0] == 404
    assert world["mei_browser"].get(f"/products/{tea}").status_code == 404
    assert get(world, f"/api/v1/products/{tea}").status_code == 404
    assert get(world, f"/api/v1/products/{tea}", world["mei"]).status_code == 404
    # admins see it, marked, without a way to buy it
    resp = world["admin"].get(f"/products/{tea}")
    assert resp.status_code == 200
    html = text(resp)
    assert "This shop is suspended" in html and 'name="product_id"' not in html
    resp = world["admin"].get(f"/api/v1/products/{tea}")
    assert resp.status_code == 200 and resp.get_json()["product"]["id"] == tea

    unsuspend(world)
    status, html = page(world, f"/products/{tea}")
    assert status == 200 and 'name="product_id"' in html
    assert get(world, f"/api/v1/products/{tea}", world["mei"]).status_code == 200


# --- carts, checkout and flash sales ------------------------------------------------


def test_checkout_refuses_them_with_a_409_naming_the_product(world):
    api, mei = world["api"], world["mei"]
    browser = world["mei_browser"]
    assert browser.add(world["tea"]).status_code == 302
    suspend(world)

    items = [
        {"product_id": world["pot"], "qty": 1},
        {"product_id": world["tea"], "qty": 1},
    ]
    err = error(place(api, mei, items, "cod", "key-suspended-1"), 409)
    assert err["code"] == "not_for_sale"
    assert TEA["title"] in err["message"]
    stock = read_db(lambda: {p: _stock(p) for p in (world["tea"], world["pot"])})
    assert stock == {world["tea"]: TEA["stock"], world["pot"]: POT["stock"]}

    # the cart page says so, adding more is refused, the checkout form places nothing
    assert "No longer sold" in text(browser.get("/cart"))
    resp = browser.add(world["cup"])
    assert resp.status_code == 302
    assert "is not for sale at the moment" in text(browser.get("/cart"))
    resp, _key = browser.checkout()
    assert resp.status_code == 400
    assert f"“{TEA['title']}” is not for sale at the moment." in text(resp)
    assert not _orders_of("mei")

    unsuspend(world)
    resp = place(api, mei, items, "cod", "key-suspended-2")
    assert resp.status_code == 201, resp.get_json()


def _stock(product_id):
    from livestall.catalog.models import Product

    return Product.get_by_id(product_id).stock


def _orders_of(username):
    from livestall.orders.models import Order

    return read_db(
        lambda: list(
            Order.select().join(User, on=Order.buyer).where(User.username == username)
        )
    )


def test_an_order_placed_before_stays_visible_to_its_buyer(world):
    api, mei = world["api"], world["mei"]
    resp = place(
        api, mei, [{"product_id": world["tea"], "qty": 1}], "cod", "key-before-01"
    )
    assert resp.status_code == 201, resp.get_json()
    order_id = resp.get_json()["order"]["id"]
    suspend(world)
    resp = get(world, f"/api/v1/orders/{order_id}", mei)
    assert resp.status_code == 200
    assert resp.get_json()["order"]["id"] == order_id
    resp = world["mei_browser"].get(f"/orders/{order_id}")
    assert resp.status_code == 200 and TEA["title"] in text(resp)


def test_flash_sales_of_them_cannot_be_launched_grabbed_or_paid(world):
    resp = launch(world, world["tea"])
    assert resp.status_code == 201, resp.get_json()
    sale = resp.get_json()["flash_sale"]["id"]
    held = grab(world, sale)
    assert held.status_code == 201, held.get_json()
    hold = held.get_json()["reservation"]["id"]

    suspend(world)
    assert error(grab(world, sale), 409)["code"] == "not_for_sale"
    assert error(launch(world, world["cup"]), 409)["code"] == "not_for_sale"
    resp = world["api"].call(
        "POST",
        "/api/v1/orders",
        token=world["mei"],
        json={
            "reservation_ids": [hold],
            "shipping": SHIP,
            "idempotency_key": "key-hold-0001",
        },
    )
    err = error(resp, 409)
    assert err["code"] == "not_for_sale" and TEA["title"] in err["message"]
    from livestall.flash.models import FlashSale

    books = read_db(lambda: FlashSale.get_by_id(sale))
    assert (books.remaining, books.held, books.sold) == (4, 1, 0)

    unsuspend(world)
    assert grab(world, sale).status_code == 201
    resp = world["api"].call(
        "POST",
        "/api/v1/orders",
        token=world["mei"],
        json={
            "reservation_ids": [hold],
            "shipping": SHIP,
            "idempotency_key": "key-hold-0002",
        },
    )
    assert resp.status_code == 201, resp.get_json()


def test_the_socket_grab_is_refused_too(world):
    from extensions import socketio

    sale = launch(world, world["tea"]).get_json()["flash_sale"]["id"]
    suspend(world)
    client = socketio.test_client(
        world["app"], namespace="/live", auth={"token": world["mei"]}
    )
    ack = client.emit(
        "grab", {"flash_sale_id": sale, "qty": 1}, namespace="/live", callback=True
    )
    assert ack["ok"] is False and ack["error"]["code"] == "not_for_sale", ack
