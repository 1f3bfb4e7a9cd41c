"""The address book (issue 16): phone formats, the API contract the room's buy
sheet uses, checkout by saved address and remembering typed ones, and the Me
area's pages."""

import re

import pytest

from livestall.accounts import addresses
from livestall.accounts.addresses import Address
from livestall.accounts.models import User
from livestall.errors import Invalid
from livestall.orders.models import Order
from tests.factories.orders import SHIP, Browser, order_id
from tests.plugins.app import error_of, plain, read_db, text

HOME = {
    "name": "王小明",
    "phone": "13800138000",
    "address": "上海市徐汇区漕溪北路 88 号",
}


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("13800138000", "138 0013 8000"),
        ("138 0013 8000", "138 0013 8000"),
        ("138-0013-8000", "138 0013 8000"),
        ("+86 138 0013 8000", "138 0013 8000"),
        ("+8613800138000", "138 0013 8000"),
        ("0086 138 0013 8000", "138 0013 8000"),
        ("021-12345678", "021-12345678"),
        ("02112345678", "021-12345678"),
        ("0755-1234567", "0755-1234567"),
        ("0755 12345678", "0755-12345678"),
        ("010 6512 3456", "010-65123456"),
        ("+86 21 1234 5678", "021-12345678"),
        ("+44 20 7946 0958", "+44 20 7946 0958"),
        ("+1 (415) 555-0100", "+1 415 555 0100"),
    ],
)
def test_phone_formats_are_accepted_and_shown_one_way(raw, shown):
    assert addresses.normalise_phone(raw) == shown


@pytest.mark.parametrize(
    "raw",
    [
        "call me",
        "1380013800",
        "138001380001",
        "12800138000",
        "1234567",
        "+86 123",
        "021-123",
        "+12",
        "",
        "１３８００１３８０００",
        "138 0013 8000 ext 2",
    ],
)
def test_bad_phones_get_a_field_error(raw):
    with pytest.raises(Invalid) as caught:
        addresses.normalise_phone(raw)
    assert caught.value.field == "phone"
    assert "138 0013 8000" in caught.value.message


# --- the API ----------------------------------------------------------------------


def call(api, token, method, path, body=None):
    kw = {"json": body} if body is not None else {}
    return api.call(method, path, token=token, **kw)


def test_api_contract_list_create_patch_delete(api):
    mei = api.user("mei")
    assert call(api, None, "GET", "/api/v1/addresses").status_code == 401
    assert call(api, None, "POST", "/api/v1/addresses", HOME).status_code == 401
    assert call(api, mei, "GET", "/api/v1/addresses").get_json() == {"items": []}

    resp = call(api, mei, "POST", "/api/v1/addresses", HOME)
    assert resp.status_code == 201
    first = resp.get_json()["address"]
    assert first == {
        "id": first["id"],
        "name": "王小明",
        "phone": "138 0013 8000",
        "address": HOME["address"],
        "is_default": True,  # the first one is the default
    }
    office = {"name": "Mei", "phone": "021-12345678", "address": "1 Office Road, SH"}
    second = call(api, mei, "POST", "/api/v1/addresses", office).get_json()["address"]
    assert second["is_default"] is False
    third = call(
        api,
        mei,
        "POST",
        "/api/v1/addresses",
        {**office, "name": "M", "is_default": True},
    ).get_json()["address"]
    assert third["is_default"] is True
    items = call(api, mei, "GET", "/api/v1/addresses").get_json()["items"]
    # default first, then the newest
    assert [a["id"] for a in items] == [third["id"], second["id"], first["id"]]
    assert [a["is_default"] for a in items] == [True, False, False]

    resp = call(
        api,
        mei,
        "PATCH",
        f"/api/v1/addresses/{first['id']}",
        {"phone": "+86 138-0013-8001", "is_default": True},
    )
    assert resp.status_code == 200
    assert resp.get_json()["address"]["phone"] == "138 0013 8001"
    assert resp.get_json()["address"]["is_default"] is True
    items = call(api, mei, "GET", "/api/v1/addresses").get_json()["items"]
    assert [a["id"] for a in items if a["is_default"]] == [first["id"]]

    # deleting the default promotes the most recent one left
    resp = call(api, mei, "DELETE", f"/api/v1/addresses/{first['id']}")
    assert resp.status_code == 204 and resp.data == b""
    items = call(api, mei, "GET", "/api/v1/addresses").get_json()["items"]
    assert [(a["id"], a["is_default"]) for a in items] == [
        (third["id"], True),
        (second["id"], False),
    ]
    # deleting a non-default leaves the default alone
    assert (
        call(api, mei, "DELETE", f"/api/v1/addresses/{second['id']}").status_code == 204
    )
    items = call(api, mei, "GET", "/api/v1/addresses").get_json()["items"]
    assert [(a["id"], a["is_default"]) for a in items] == [(third["id"], True)]
    call(api, mei, "DELETE", f"/api/v1/addresses/{third['id']}")
    assert call(api, mei, "GET", "/api/v1/addresses").get_json() == {"items": []}


def test_api_another_users_address_is_a_404(api):
    mei, tom = api.user("mei"), api.user("tom")
    aid = call(api, mei, "POST", "/api/v1/addresses", HOME).get_json()["address"]["id"]
    for method, body in (("PATCH", {"name": "Tom"}), ("DELETE", None)):
        resp = call(api, tom, method, f"/api/v1/addresses/{aid}", body)
        assert resp.status_code == 404
        assert resp.get_json()["error"]["code"] == "not_found"
        ghost = call(api, tom, method, "/api/v1/addresses/987654", body)
        assert ghost.status_code == 404 and ghost.get_json() == resp.get_json()
    assert call(api, tom, "GET", "/api/v1/addresses").get_json() == {"items": []}
    mine = call(api, mei, "GET", "/api/v1/addresses").get_json()["items"]
    assert mine[0]["name"] == "王小明"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**HOME, "phone": "call me"}, "phone"),
        ({**HOME, "phone": 13800138000}, "phone"),
        ({**HOME, "name": ""}, "name"),
        ({**HOME, "address": "abc"}, "address"),
        ({**HOME, "address": "x" * 301}, "address"),
        ({**HOME, "is_default": "yes"}, "is_default"),
        ({"name": "Mei", "phone": "13800138000"}, "address"),
    ],
)
def test_api_bad_fields_are_400_with_the_field(api, body, field):
    mei = api.user("mei")
    resp = call(api, mei, "POST", "/api/v1/addresses", body)
    assert resp.status_code == 400
    assert resp.get_json()["error"]["field"] == field
    aid = call(api, mei, "POST", "/api/v1/addresses", HOME).get_json()["address"]["id"]
    resp = call(
        api, mei, "PATCH", f"/api/v1/addresses/{aid}", {field: body.get(field, 1)}
    )
    assert resp.status_code == 400 and resp.get_json()["error"]["field"] == field
    resp = api.call(
        "POST",
        "/api/v1/addresses",
        token=mei,
        data="[]",
        content_type="application/json",
    )
    assert resp.status_code == 400


def test_at_most_twenty_addresses(api):
    mei = api.user("mei")
    for i in range(addresses.MAX_ADDRESSES):
        body = {**HOME, "address": f"{HOME['address']} {i} 室"}
        assert call(api, mei, "POST", "/api/v1/addresses", body).status_code == 201
    resp = call(api, mei, "POST", "/api/v1/addresses", HOME)
    assert resp.status_code == 409
    assert resp.get_json()["error"]["code"] == "limit_reached"
    items = call(api, mei, "GET", "/api/v1/addresses").get_json()["items"]
    assert len(items) == 20 and sum(a["is_default"] for a in items) == 1


# --- checkout with the book -------------------------------------------------------


@pytest.fixture
def shop(orders_world):
    return orders_world(only=("tea", "cup"))


def order_body(shop, key, **extra):
    return {
        "items": [{"product_id": shop["tea"], "qty": 1}],
        "idempotency_key": key,
        "payment_method": "cod",
        **extra,
    }


def test_an_order_by_address_id_copies_the_address(api, shop):
    mei = shop["buyer"]
    aid = call(api, mei, "POST", "/api/v1/addresses", HOME).get_json()["address"]["id"]
    body = order_body(shop, "by-address-1", address_id=aid)
    resp = call(api, mei, "POST", "/api/v1/orders", body)
    assert resp.status_code == 201, resp.get_json()
    order = resp.get_json()["order"]
    oid = order["id"]
    saved = read_db(lambda: Order.get_by_id(oid))
    assert (saved.ship_name, saved.ship_phone, saved.ship_address) == (
        "王小明",
        "138 0013 8000",
        HOME["address"],
    )
    # a replay is the same order, even after the address changed
    call(api, mei, "PATCH", f"/api/v1/addresses/{aid}", {"name": "改了"})
    again = call(api, mei, "POST", "/api/v1/orders", body)
    assert again.status_code == 200 and again.get_json()["order"]["id"] == oid
    # the same key for another address is a conflict
    other = call(api, mei, "POST", "/api/v1/addresses", {**HOME, "name": "B"})
    body2 = {**body, "address_id": other.get_json()["address"]["id"]}
    assert call(api, mei, "POST", "/api/v1/orders", body2).status_code == 409


@pytest.mark.parametrize("bad", ["1", True, 0, -3, 987654, None])
def test_someone_elses_or_unknown_address_id_is_a_400(api, shop, bad):
    mei, tom = shop["buyer"], api.user("tom")
    theirs = call(api, tom, "POST", "/api/v1/addresses", HOME).get_json()["address"]
    for address_id in [theirs["id"]] if bad is None else [bad]:
        body = order_body(shop, f"bad-address-{address_id}", address_id=address_id)
        resp = call(api, mei, "POST", "/api/v1/orders", body)
        assert resp.status_code == 400, resp.get_json()
        assert resp.get_json()["error"]["field"] == "address_id"
    assert read_db(lambda: Order.select().count()) == 0


def test_typed_shipping_is_remembered_once_and_first_is_default(api, shop):
    mei = shop["buyer"]
    for key in ("typed-key-1", "typed-key-2"):
        body = order_body(shop, key, shipping=SHIP)
        assert call(api, mei, "POST", "/api/v1/orders", body).status_code == 201
    # the same address typed differently (spaces, phone format) is not saved twice
    same = {**SHIP, "phone": "+86 138-0000-0000", "address": " " + SHIP["address"]}
    body = order_body(shop, "typed-key-3", shipping=same)
    assert call(api, mei, "POST", "/api/v1/orders", body).status_code == 201
    items = call(api, mei, "GET", "/api/v1/addresses").get_json()["items"]
    assert [(a["name"], a["phone"], a["is_default"]) for a in items] == [
        ("王小明", "138 0000 0000", True)
    ]
    # a new one is added, not the default
    body = order_body(shop, "typed-key-4", shipping={**SHIP, "name": "李四"})
    assert call(api, mei, "POST", "/api/v1/orders", body).status_code == 201
    items = call(api, mei, "GET", "/api/v1/addresses").get_json()["items"]
    assert [(a["name"], a["is_default"]) for a in items] == [
        ("王小明", True),
        ("李四", False),
    ]
    # a replay of a typed order stays a replay (and saves nothing more)
    replay = call(
        api,
        mei,
        "POST",
        "/api/v1/orders",
        order_body(shop, "typed-key-4", shipping={**SHIP, "name": "李四"}),
    )
    assert replay.status_code == 200
    assert len(call(api, mei, "GET", "/api/v1/addresses").get_json()["items"]) == 2


def test_a_phone_the_book_refuses_still_places_the_order(api, shop):
    body = order_body(shop, "odd-phone", shipping={**SHIP, "phone": "555-1234"})
    assert call(api, shop["buyer"], "POST", "/api/v1/orders", body).status_code == 201
    assert read_db(lambda: Address.select().count()) == 0


# --- the checkout page ------------------------------------------------------------


def test_second_checkout_on_the_page_needs_no_typing(app, shop):
    mei = Browser(app, "mei_web")
    mei.add(shop["tea"])
    html = text(mei.get("/checkout"))
    assert 'name="address_id"' not in html  # nothing saved yet: just the fields
    assert "We save this address for your next order." in html
    assert "Free" in plain(mei.get("/checkout"))
    order_id(mei.checkout()[0])

    mei.add(shop["cup"])
    html = text(mei.get("/checkout"))
    aid = read_db(lambda: Address.get().id)
    assert re.search(rf'name="address_id" value="{aid}"\s+checked', html)
    assert 'class="address-card"' in html and "王小明" in html
    key = re.search(r'name="idempotency_key" value="([^"]+)"', html).group(1)
    resp = mei.post(
        "/checkout",
        {"address_id": str(aid), "payment_method": "cod", "idempotency_key": key},
    )
    oid = order_id(resp)
    order = read_db(lambda: Order.get_by_id(oid))
    assert order.ship_address == SHIP["address"] and order.ship_phone == "138 0000 0000"


def test_checkout_page_new_address_and_bad_choice(app, shop):
    mei = Browser(app, "mei_web")
    read_db(lambda: addresses.add(User.get(User.username == "mei_web"), HOME))
    mei.add(shop["tea"])
    key = re.search(
        r'name="idempotency_key" value="([^"]+)"', text(mei.get("/checkout"))
    ).group(1)
    # someone else's / unknown address: the form again with the message
    resp = mei.post(
        "/checkout",
        {"address_id": "987654", "payment_method": "cod", "idempotency_key": key},
    )
    assert resp.status_code == 400
    assert "Choose one of your saved addresses." in plain(resp)
    # "New address" uses the typed fields, which are then remembered
    resp = mei.post(
        "/checkout",
        {"address_id": "new", **SHIP, "payment_method": "cod", "idempotency_key": key},
    )
    oid = order_id(resp)
    assert read_db(lambda: Order.get_by_id(oid).ship_name) == SHIP["name"]
    assert read_db(lambda: Address.select().count()) == 2


# --- the address book pages -------------------------------------------------------


def test_address_book_pages(app):
    mei = Browser(app, "mei_web")
    assert "/account/addresses" in text(mei.get("/settings/profile"))
    page = plain(mei.get("/account/addresses"))
    assert "No saved addresses yet." in page
    resp = mei.post("/account/addresses", {**HOME, "phone": "call me"})
    assert resp.status_code == 400
    assert "138 0013 8000" in error_of(text(resp), "phone")
    assert mei.post("/account/addresses", HOME).status_code == 302
    office = {
        "name": "Mei Office",
        "phone": "0755-1234567",
        "address": "深圳市南山区 1 号",
    }
    assert mei.post("/account/addresses", office).status_code == 302
    page = plain(mei.get("/account/addresses"))
    assert "138 0013 8000" in page and "0755-1234567" in page
    home_id, office_id = read_db(
        lambda: [a.id for a in Address.select().order_by(Address.id)]
    )
    # edit
    resp = mei.get(f"/account/addresses/{office_id}/edit")
    assert resp.status_code == 200 and "深圳市南山区 1 号" in text(resp)
    resp = mei.post(
        f"/account/addresses/{office_id}/edit", {**office, "phone": "+86 755 1234 567"}
    )
    assert resp.status_code == 302
    assert read_db(lambda: Address.get_by_id(office_id).phone) == "0755-1234567"
    resp = mei.post(f"/account/addresses/{office_id}/edit", {**office, "name": ""})
    assert resp.status_code == 400 and error_of(text(resp), "name")
    # set default
    assert mei.post(f"/account/addresses/{office_id}/default").status_code == 302
    assert read_db(lambda: Address.get_by_id(office_id).is_default)
    assert not read_db(lambda: Address.get_by_id(home_id).is_default)
    assert "Default address changed." in plain(mei.get("/account/addresses"))
    # delete the default: home takes over
    assert mei.post(f"/account/addresses/{office_id}/delete").status_code == 302
    assert read_db(lambda: [(a.id, a.is_default) for a in Address.select()]) == [
        (home_id, True)
    ]


def test_address_book_pages_guard_access_and_csrf(app):
    mei = Browser(app, "mei_web")
    mei.post("/account/addresses", HOME)
    aid = read_db(lambda: Address.get().id)
    tom = Browser(app, "tom_web")
    for path in (f"/account/addresses/{aid}/edit",):
        assert tom.get(path).status_code == 404
    for path in (
        f"/account/addresses/{aid}/edit",
        f"/account/addresses/{aid}/default",
        f"/account/addresses/{aid}/delete",
    ):
        assert tom.post(path, HOME).status_code == 404
    assert read_db(lambda: Address.get_by_id(aid).name) == "王小明"
    # no CSRF token: refused
    resp = mei.client.post(f"/account/addresses/{aid}/delete")
    assert resp.status_code == 400
    assert read_db(lambda: Address.select().count()) == 1
    anon = Browser(app)
    resp = anon.get("/account/addresses")
    assert resp.status_code == 302 and "/login" in resp.location


def test_address_book_page_in_chinese(app):
    mei = Browser(app, "mei_web")
    mei.client.set_cookie("lang", "zh")
    mei.post("/account/addresses", HOME)
    page = plain(mei.get("/account/addresses"))
    assert "我的收货地址" in page and "默认" in page and "添加地址" in page
