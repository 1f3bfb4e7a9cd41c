"""Merchants' consent to flash sales of their products (issue 15, finding 1):
`product.flash_min_price_cents` and `product.flash_max_units`, null by default (no
flash sale at all), set by the merchant through the API and the product form; a
launch below the floor, or beyond the allowance counting the product's other open
sales, is 403 `not_allowed_by_merchant`, whoever launches it."""

import datetime
import threading

import pytest

from livestall.accounts import rules as accounts
from livestall.accounts.models import User
from livestall.catalog.models import Product
from livestall.db.base import utcnow
from livestall.flash import consent
from livestall.flash import sales as flash_sales
from livestall.flash.models import FlashSale
from livestall.live import sessions
from livestall.live.models import LiveProduct
from tests.factories import flash
from tests.factories.accounts import Person
from tests.factories.live import new_session
from tests.plugins.app import error_of, read_db, text

TEA = {"title": "明前龙井 Longjing", "price_cents": 16800, "stock": 100}  # no consent


@pytest.fixture
def world(flash_world):
    """teashop's tea (stock 100, ¥168, no consent yet), lily's live on air featuring
    nothing (API.md's `POST /api/v1/live` names no products); rose, another
    creator; mei, a shopper."""
    world = flash_world(products={"tea": TEA}, people=flash.PEOPLE, featured=[])
    world["tokens"]["merchant"] = world["merchant"]
    return world


def patch(world, token=None, pid=None, **fields):
    return world["api"].call(
        "PATCH",
        f"/api/v1/products/{pid or world['tea']}",
        token=token or world["merchant"],
        json=fields,
    )


def allow(world, floor=1, units=1_000_000, **kw):
    resp = patch(world, flash_min_price_cents=floor, flash_max_units=units, **kw)
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()["product"]


def launch(world, token=None, sid=None, **fields):
    body = {
        "product_id": world["tea"],
        "price_cents": 9900,
        "quantity": 5,
        "per_user_limit": 1,
        "duration_s": 600,
        **fields,
    }
    return world["api"].call(
        "POST",
        f"/api/v1/live/{sid or world['sid']}/flash-sales",
        token=token or world["host"],
        json=body,
    )


def launched(world, **fields):
    resp = launch(world, **fields)
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()["flash_sale"]


def refused(resp, field):
    assert resp.status_code == 403, resp.get_json()
    error = resp.get_json()["error"]
    assert error["code"] == "not_allowed_by_merchant", error
    assert error["field"] == field, error
    return error


def stock():
    return read_db(lambda: Product.select(Product.stock).scalar())


def quantities():
    return read_db(
        lambda: [s.quantity for s in FlashSale.select().order_by(FlashSale.id)]
    )


def featured(sid):
    return read_db(
        lambda: [
            link.product_id
            for link in LiveProduct.select().where(LiveProduct.session == sid)
        ]
    )


# --- no consent, the floor, the allowance ---------------------------------------------


def test_no_consent_by_default_no_flash_sale(world):
    product = world["api"].call("GET", f"/api/v1/products/{world['tea']}").get_json()
    assert product["product"]["flash_min_price_cents"] is None
    assert product["product"]["flash_max_units"] is None
    error = refused(launch(world), "product_id")
    assert (
        error["message"] == "The merchant does not allow flash sales of this product."
    )
    # half a consent is none
    allow(world, floor=100, units=None)
    refused(launch(world), "product_id")
    allow(world, floor=None, units=10)
    refused(launch(world), "product_id")
    assert quantities() == [] and stock() == 100
    assert featured(world["sid"]) == []  # a refused launch features nothing


def test_a_sale_below_the_floor_is_refused(world):
    allow(world, floor=9900, units=50)
    error = refused(launch(world, price_cents=9899), "price_cents")
    assert "9900" in error["message"]
    assert quantities() == [] and stock() == 100
    assert launched(world, price_cents=9900)["price_cents"] == 9900
    assert stock() == 95


def test_the_allowance_counts_the_products_other_open_sales(world):
    allow(world, units=10)
    refused(launch(world, quantity=11), "quantity")
    launched(world, quantity=6)
    error = refused(launch(world, quantity=5), "quantity")
    assert "10" in error["message"] and "4 are left" in error["message"]
    launched(world, quantity=4)
    # another creator's live counts against the same allowance
    rival_sid = new_session(world["api"], world["rival"], [])
    refused(launch(world, token=world["rival"], sid=rival_sid, quantity=1), "quantity")
    assert quantities() == [6, 4] and stock() == 90


def test_a_sale_counts_until_it_settles(world):
    allow(world, units=10)
    sale = launched(world, quantity=10)
    resp = world["api"].call(
        "POST",
        f"/api/v1/flash-sales/{sale['id']}/grab",
        token=world["shopper"],
        json={"qty": 1},
    )
    assert resp.status_code == 201, resp.get_json()
    resp = world["api"].call(
        "POST", f"/api/v1/flash-sales/{sale['id']}/end", token=world["host"]
    )
    assert resp.status_code == 200, resp.get_json()
    # ended, but a unit is still held: the sale has not settled and still counts
    refused(launch(world, quantity=1), "quantity")
    # the hold expires, the sale settles (its 10 units go back): they count no more
    read_db(lambda: flash_sales.reap(utcnow() + datetime.timedelta(hours=1)))
    assert read_db(lambda: FlashSale.get_by_id(sale["id"]).settled) == 1
    assert stock() == 100
    launched(world, quantity=10)
    assert stock() == 90


def test_the_merchants_own_creator_account_is_bound_too(world):
    def make_creator():
        shop = User.get(User.username == "teashop")
        accounts.set_roles(shop, ["merchant", "creator"])

    read_db(make_creator)
    own_sid = new_session(world["api"], world["merchant"], [world["tea"]])
    refused(launch(world, token=world["merchant"], sid=own_sid), "product_id")
    allow(world, floor=9000, units=3)
    mine = {"token": world["merchant"], "sid": own_sid}
    refused(launch(world, price_cents=100, **mine), "price_cents")
    refused(launch(world, price_cents=9000, quantity=4, **mine), "quantity")
    launched(world, price_cents=9000, quantity=3, **mine)


def test_the_original_attack_is_refused(world):
    """A creator features another shop's product, goes live and launches a sale at
    1 cent of all its stock for six hours (issue 15): refused, with or without a
    consent the price and quantity do not fit; nothing leaves the shelf."""
    attack = {
        "token": world["rival"],
        "sid": new_session(world["api"], world["rival"], []),
        "price_cents": 1,
        "quantity": 100,
        "per_user_limit": 100,
        "duration_s": 6 * 3600,
    }
    refused(launch(world, **attack), "product_id")
    allow(world, floor=12000, units=20)
    refused(launch(world, **attack), "price_cents")
    refused(launch(world, **(attack | {"price_cents": 12000})), "quantity")
    assert quantities() == [] and stock() == 100
    assert featured(attack["sid"]) == []
    # what the merchant allowed is possible, and features the product
    allowed = {"price_cents": 12000, "quantity": 20, "per_user_limit": 2}
    launched(world, **(attack | allowed))
    assert featured(attack["sid"]) == [world["tea"]]


# --- races ----------------------------------------------------------------------------


def test_a_launch_that_passed_the_first_check_is_checked_again(world, monkeypatch):
    """Another launch commits between a launch's first check and its set-aside: the
    check under the product row's lock sees it and refuses."""
    allow(world, units=10)
    real = consent.check
    calls = []

    def interleaved(product_id, price_cents, quantity):
        real(product_id, price_cents, quantity)
        calls.append(quantity)
        if len(calls) == 1:  # the 6's first check passed: a 5 commits first
            host = User.get(User.username == "lily")
            flash_sales.launch(
                sessions.get_session(world["sid"]),
                host,
                {
                    "product_id": product_id,
                    "price_cents": 9900,
                    "quantity": 5,
                    "duration_s": 600,
                },
            )

    monkeypatch.setattr(consent, "check", interleaved)
    refused(launch(world, quantity=6), "quantity")
    assert quantities() == [5] and stock() == 95


def test_concurrent_launches_never_exceed_the_allowance_together(
    app, world, monkeypatch
):
    """Launches pass their first check together (none is open yet), then race to set
    units aside: the allowance still holds (SQLite and PostgreSQL alike)."""
    allow(world, units=10)
    n = 4
    passed = threading.Barrier(n, timeout=30)
    real = consent.check
    seen = threading.local()

    def together(product_id, price_cents, quantity):
        real(product_id, price_cents, quantity)
        if not getattr(seen, "first", False):  # each launch's first check
            seen.first = True
            passed.wait()

    monkeypatch.setattr(consent, "check", together)
    results = [None] * n

    def run(i):
        resp = app.test_client().post(
            f"/api/v1/live/{world['sid']}/flash-sales",
            json={
                "product_id": world["tea"],
                "price_cents": 9900,
                "quantity": 6,
                "per_user_limit": 1,
                "duration_s": 600,
            },
            headers={"Authorization": f"Bearer {world['host']}"},
        )
        results[i] = (
            resp.status_code,
            (resp.get_json().get("error") or {}).get("code"),
        )

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(results) == [(201, None)] + [(403, "not_allowed_by_merchant")] * 3
    assert quantities() == [6] and stock() == 94
    assert featured(world["sid"]) == [world["tea"]]


# --- the merchant sets them: API ------------------------------------------------------


def test_the_merchant_sets_and_clears_consent_through_the_api(world):
    product = allow(world, floor=9900, units=20)
    assert (product["flash_min_price_cents"], product["flash_max_units"]) == (9900, 20)
    public = world["api"].call("GET", f"/api/v1/products/{world['tea']}").get_json()
    assert public["product"]["flash_min_price_cents"] == 9900
    # the floor may equal the price, checked against a price sent with it
    assert allow(world, floor=16800)["flash_min_price_cents"] == 16800
    resp = patch(world, price_cents=5000, flash_min_price_cents=5000)
    assert resp.status_code == 200, resp.get_json()
    # null clears: no sale any more
    resp = patch(world, flash_min_price_cents=None, flash_max_units=None)
    got = resp.get_json()["product"]
    assert (got["flash_min_price_cents"], got["flash_max_units"]) == (None, None)
    refused(launch(world, price_cents=5000), "product_id")


def test_a_price_cut_below_the_floor_keeps_the_floor(world):
    """The floor is the merchant's consent: never lowered for them. Cut under it,
    the price leaves no room for a sale until they lower it themselves."""
    allow(world, floor=9900, units=20)
    resp = patch(world, price_cents=8000)
    assert resp.get_json()["product"]["flash_min_price_cents"] == 9900
    refused(launch(world, price_cents=8000), "price_cents")
    allow(world, floor=7000, units=20)
    launched(world, price_cents=7000)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("flash_min_price_cents", -1),
        ("flash_min_price_cents", 16801),  # above the price
        ("flash_min_price_cents", 10**12),
        ("flash_min_price_cents", "9900"),
        ("flash_min_price_cents", 99.5),
        ("flash_min_price_cents", True),
        ("flash_min_price_cents", [9900]),
        ("flash_max_units", 0),
        ("flash_max_units", 1_000_001),
        ("flash_max_units", 2**80),
        ("flash_max_units", "5"),
        ("flash_max_units", 2.0),
        ("flash_max_units", False),
    ],
)
def test_bad_consent_is_a_400_and_changes_nothing(world, field, value):
    allow(world, floor=9900, units=20)
    resp = patch(world, **{field: value})
    assert resp.status_code == 400, resp.get_json()
    assert resp.get_json()["error"]["field"] == field
    row = read_db(lambda: Product.get_by_id(world["tea"]))
    assert (row.flash_min_price_cents, row.flash_max_units) == (9900, 20)


def test_consent_at_creation(world):
    api, token = world["api"], world["merchant"]
    cup = api.product(
        token, price_cents=8900, flash_min_price_cents=8000, flash_max_units=5
    )
    assert (cup["flash_min_price_cents"], cup["flash_max_units"]) == (8000, 5)
    assert api.product(token)["flash_max_units"] is None  # the default: none
    resp = api.call(
        "POST",
        "/api/v1/products",
        token=token,
        json={
            "title": "Cup",
            "price_cents": 8900,
            "category": "kitchen",
            "flash_min_price_cents": 8901,
        },
    )
    assert resp.status_code == 400
    assert resp.get_json()["error"]["field"] == "flash_min_price_cents"


@pytest.mark.parametrize(("role", "status"), [("rival", 403), ("other_shop", 404)])
def test_nobody_else_sets_consent(world, role, status):
    token = world.get(role) or world["api"].user(role, role="merchant")
    resp = patch(world, token=token, flash_min_price_cents=1, flash_max_units=100)
    assert resp.status_code == status, resp.get_json()
    row = read_db(lambda: Product.get_by_id(world["tea"]))
    assert (row.flash_min_price_cents, row.flash_max_units) == (None, None)


# --- the merchant sets them: the product form -----------------------------------------


FORM = {
    "title": "明前龙井",
    "description": "",
    "price": "168.00",
    "currency": "CNY",
    "stock": "100",
    "category": "tea-drinks",
    "brand": "",
    "tags": "",
    "commission_bps": "1000",
}


def consent_of(pid):
    row = read_db(lambda: Product.get_by_id(pid))
    return row.flash_min_price_cents, row.flash_max_units


def test_the_merchant_sets_and_clears_consent_in_the_product_form(app):
    shop = Person(app, "formshop", "merchant")
    resp = shop.post(
        "/merchant/products/new",
        FORM | {"flash_min_price": "99.50", "flash_max_units": "20"},
    )
    assert resp.status_code == 302, text(resp)[:500]
    pid = read_db(lambda: Product.select(Product.id).scalar())
    assert consent_of(pid) == (9950, 20)
    page = text(shop.get(f"/merchant/products/{pid}/edit"))
    assert 'name="flash_min_price"' in page and 'value="99.50"' in page
    assert 'name="flash_max_units"' in page and 'value="20"' in page
    # blank: no consent
    path = f"/merchant/products/{pid}/edit"
    edit = FORM | {"flash_min_price": " ", "flash_max_units": ""}
    assert shop.post(path, edit).status_code == 302
    assert consent_of(pid) == (None, None)
    resp = shop.post(path, FORM | {"flash_min_price": "100", "flash_max_units": "5"})
    assert resp.status_code == 302
    assert consent_of(pid) == (10000, 5)
    # 0: units may also be given away as lucky draw prizes (issue 22)
    resp = shop.post(path, FORM | {"flash_min_price": "0", "flash_max_units": "5"})
    assert resp.status_code == 302
    assert consent_of(pid) == (0, 5)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"flash_min_price": "168.01"}, "flash_min_price", "cannot be above the price"),
        ({"flash_min_price": "abc"}, "flash_min_price", "Enter a whole number."),
        ({"flash_max_units": "0"}, "flash_max_units", "from 1 to 1000000"),
        ({"flash_max_units": "1.5"}, "flash_max_units", "Enter a whole number."),
    ],
)
def test_bad_consent_in_the_form_is_a_message(app, fields, field, message):
    shop = Person(app, "formshop", "merchant")
    assert shop.post("/merchant/products/new", FORM).status_code == 302
    pid = read_db(lambda: Product.select(Product.id).scalar())
    resp = shop.post(f"/merchant/products/{pid}/edit", FORM | fields)
    assert resp.status_code == 400
    error = error_of(text(resp), field)
    assert error and message in error, error
    assert consent_of(pid) == (None, None)


def test_the_form_needs_its_csrf_token(app):
    shop = Person(app, "formshop", "merchant")
    assert shop.post("/merchant/products/new", FORM).status_code == 302
    pid = read_db(lambda: Product.select(Product.id).scalar())
    resp = shop.client.post(
        f"/merchant/products/{pid}/edit",
        data=FORM | {"flash_min_price": "1", "flash_max_units": "100"},
    )
    assert resp.status_code == 400
    assert consent_of(pid) == (None, None)


# --- the host's console ---------------------------------------------------------------


def test_the_console_explains_the_merchants_limits(flash_world):
    world = flash_world(
        products={"tea": TEA | {"flash_min_price_cents": 9900, "flash_max_units": 5}},
        people=flash.PEOPLE,
        browsers=True,
    )
    path = f"/live/{world['sid']}/flash-sales"
    form = {
        "product_id": str(world["tea"]),
        "price": "98",
        "quantity": "5",
        "per_user_limit": "1",
        "duration_s": "300",
        "start_delay_s": "0",
    }
    resp = world["host"].post(path, form)
    assert resp.status_code == 400
    error = error_of(text(resp), "price")
    assert error == "The merchant allows flash sales of this product at ¥99.00 or more."
    resp = world["host"].post(path, form | {"price": "99", "quantity": "6"})
    assert resp.status_code == 400
    assert "5 units" in error_of(text(resp), "quantity")
    assert world["host"].post(path, form | {"price": "99"}).status_code == 302
    assert quantities() == [5]
