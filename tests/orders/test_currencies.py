"""An order never adds up two currencies (issue 15, finding 7): one checkout makes
one order per shop and currency, and the cart and checkout pages show a subtotal
per currency, never a sum across them."""

import pytest

from livestall.orders.models import Order, OrderLine
from tests.factories.orders import Browser, place
from tests.plugins.app import plain, read_db

DOLLAR_MUG = {"title": "Mug (USD)", "price_cents": 1250, "stock": 10, "currency": "USD"}


@pytest.fixture
def shop(orders_world):
    """teashop's tea (¥168.00) and a mug priced in dollars ($12.50); potshop's pot
    (¥399.00); mei, a buyer."""
    world = orders_world()
    world["mug"] = world["api"].product(world["merchant"], **DOLLAR_MUG)["id"]
    return world


def test_one_checkout_makes_one_order_per_shop_and_currency(shop):
    resp = place(
        shop["api"],
        shop["buyer"],
        [
            {"product_id": shop["tea"], "qty": 2},
            {"product_id": shop["mug"], "qty": 3},
            {"product_id": shop["pot"], "qty": 1},
        ],
        "cod",
        "mixed-currency-0001",
    )
    assert resp.status_code == 201, resp.get_json()
    placed = resp.get_json()["orders"]
    got = sorted(
        (
            o["merchant_id"],
            o["currency"],
            o["total_cents"],
            [i["qty"] for i in o["items"]],
        )
        for o in placed
    )
    teashop, potshop = sorted({o["merchant_id"] for o in placed})
    assert got == sorted(
        [
            (teashop, "CNY", 2 * 16800, [2]),
            (teashop, "USD", 3 * 1250, [3]),
            (potshop, "CNY", 39900, [1]),
        ]
    )
    # in the database too: every order's total is the sum of its own lines
    for order in placed:
        lines = read_db(
            lambda oid=order["id"]: [
                (line.qty, line.unit_price_cents)
                for line in OrderLine.select().where(OrderLine.order == oid)
            ]
        )
        assert sum(q * p for q, p in lines) == order["total_cents"]
    assert read_db(lambda: Order.select().count()) == 3
    # the same key again returns the same three orders
    again = place(
        shop["api"],
        shop["buyer"],
        [
            {"product_id": shop["pot"], "qty": 1},
            {"product_id": shop["mug"], "qty": 3},
            {"product_id": shop["tea"], "qty": 2},
        ],
        "cod",
        "mixed-currency-0001",
    )
    assert again.status_code == 200
    assert [o["id"] for o in again.get_json()["orders"]] == [o["id"] for o in placed]


def test_cart_and_checkout_show_a_subtotal_per_currency(app, shop):
    mei = Browser(app, "mei", signup=False)
    mei.add(shop["tea"], 2)
    mei.add(shop["mug"], 3)
    for path in ("/cart", "/checkout"):
        page = plain(mei.get(path))
        assert "Subtotal (CNY) ¥336.00" in page, path
        assert "Subtotal (USD) $37.50" in page, path
        # never ¥336.00 + $37.50 as one number
        assert "373.50" not in page and "3,373.50" not in page, path
    resp, _key = mei.checkout("cod")
    assert resp.status_code == 302  # split: the orders list
    found = read_db(
        lambda: sorted(
            (o.currency, o.total_cents) for o in Order.select().order_by(Order.id)
        )
    )
    assert found == [("CNY", 33600), ("USD", 3750)]
    listing = plain(mei.get("/orders"))
    assert "¥336.00" in listing and "$37.50" in listing
