"""Adversarial review of group buying (H6): what held up, kept as regressions.

Prices never stack and never exceed the list price; an idempotency key of one
team does not replay on another team or as a plain order; another's seat, deal
or team answers 404; public team answers carry no address, phone or order id;
cookie calls and forms need the CSRF token; junk in seat bodies, seat forms and
ids in paths is a 4xx, never a 500."""

import re

import pytest

from livestall.orders.models import OrderLine
from tests.factories import group_buy as gb
from tests.factories.orders import SHIP, Browser
from tests.plugins.app import read_db, text


def _deal_status(api, deal_id):
    got = api.call("GET", f"/api/v1/group-buys/{deal_id}").get_json()
    return got["group_buy"]["status"]


def test_a_list_price_cut_below_the_group_price_charges_the_list_price(api):
    w = gb.world(api)
    cut = api.call(
        "PATCH",
        f"/api/v1/products/{w['tea']}",
        token=w["merchant"],
        json={"price_cents": 5000},
    )
    assert cut.status_code == 200, cut.get_json()
    _team, order = gb.seated(gb.open_team(api, w["buyer"], w["deal"]["id"]))
    assert order["items"][0]["unit_price_cents"] == 5000
    assert order["total_cents"] - order.get("shipping_cents", 0) == 5000


def test_a_key_of_one_team_replays_on_no_other_team_nor_as_an_order(api):
    w = gb.world(api)
    lan, zhu = api.user("lan"), api.user("zhu")
    first, _ = gb.seated(gb.open_team(api, w["buyer"], w["deal"]["id"]))
    second, _ = gb.seated(gb.open_team(api, lan, w["deal"]["id"]))
    gb.seated(gb.join(api, zhu, first["id"], key="k-zhu-000001"))
    again = gb.join(api, zhu, second["id"], key="k-zhu-000001")
    assert gb.error(again) == (409, "idempotency_conflict")
    as_order = api.call(
        "POST",
        "/api/v1/orders",
        token=zhu,
        json={
            "items": [{"product_id": w["tea"], "qty": 1}],
            "idempotency_key": "k-zhu-000001",
            "shipping": SHIP,
            "payment_method": "cod",
        },
    )
    assert gb.error(as_order) == (409, "idempotency_conflict")
    assert [m[0] for m in gb.members(second["id"])] == ["lan"]


@pytest.mark.parametrize(
    "body",
    [
        {"qty": 2**70},
        {"qty": "1"},
        {"qty": 1.5},
        {"qty": True},
        {"shipping": "x"},
        {"shipping": None, "address_id": 2**70},
        {"shipping": None, "address_id": "1"},
        {"payment_method": 7},
        {"payment_method": ["cod"]},
        {"idempotency_key": 12345678},
    ],
)
def test_junk_in_a_seat_body_is_a_4xx(api, body):
    w = gb.world(api)
    resp = gb.open_team(api, w["buyer"], w["deal"]["id"], **body)
    assert 400 <= resp.status_code < 500, resp.get_data(as_text=True)[:300]
    assert gb.orders_count() == 0


def test_a_client_cannot_name_the_group_source_of_a_line(api):
    w = gb.world(api)
    _team, order = gb.seated(
        gb.open_team(api, w["buyer"], w["deal"]["id"], source="group:1")
    )
    lines = read_db(
        lambda: [
            line.source
            for line in OrderLine.select().where(OrderLine.order == order["id"])
        ]
    )
    assert lines == [None]


def test_another_merchant_cannot_end_the_deal(app, api):
    w = gb.world(api)
    potter = api.user("potter", role="merchant")
    deal_id = w["deal"]["id"]
    assert (
        api.call("POST", f"/api/v1/group-buys/{deal_id}/end", token=potter).status_code
        == 404
    )
    page = Browser(app, "potter", signup=False)
    assert page.post(f"/merchant/group-buys/{deal_id}/end", {}).status_code == 404
    assert page.get(f"/merchant/group-buys/{deal_id}").status_code == 404
    assert _deal_status(api, deal_id) == "active"


def test_nobody_leaves_anothers_seat(app, api):
    w = gb.world(api)
    team, order = gb.seated(gb.open_team(api, w["buyer"], w["deal"]["id"]))
    lan = api.user("lan")
    assert gb.leave(api, lan, team["id"]).status_code == 404
    assert (
        Browser(app, "lan", signup=False).post(f"/teams/{team['id']}/leave").status_code
        == 404
    )
    assert gb.order_status(order["id"]) == "pending_payment"


def test_public_team_answers_carry_no_private_data(app, api):
    w = gb.world(api)
    team, order = gb.seated(gb.open_team(api, w["buyer"], w["deal"]["id"]))
    answers = [
        api.call("GET", f"/api/v1/teams/{team['id']}").get_data(as_text=True),
        api.call("GET", f"/api/v1/group-buys/{w['deal']['id']}").get_data(as_text=True),
        text(Browser(app).get(f"/teams/{team['id']}")),
        text(Browser(app).get(f"/products/{w['tea']}")),
    ]
    for body in answers:
        for secret in (SHIP["phone"], SHIP["address"], '"order_id"', "mei@example.com"):
            assert secret not in body
        assert f"/orders/{order['id']}" not in body


def test_a_cookie_seat_call_without_the_csrf_header_is_refused(app, api):
    w = gb.world(api)
    browser = Browser(app, "mei", signup=False)
    body = {
        "qty": 1,
        "idempotency_key": "k-cookie-0001",
        "shipping": SHIP,
        "payment_method": "cod",
    }
    resp = browser.client.post(f"/api/v1/group-buys/{w['deal']['id']}/teams", json=body)
    assert resp.status_code in (400, 403)
    assert gb.orders_count() == 0


def test_leaving_by_the_form_needs_the_csrf_token(app, api):
    w = gb.world(api)
    team, order = gb.seated(gb.open_team(api, w["buyer"], w["deal"]["id"]))
    mei = Browser(app, "mei", signup=False)
    resp = mei.client.post(f"/teams/{team['id']}/leave", data={})
    assert resp.status_code == 400
    assert gb.order_status(order["id"]) == "pending_payment"


@pytest.mark.parametrize(
    "path",
    [
        "/teams/new?deal=abc",
        "/teams/new?deal=99999999999999999999999",
        "/teams/new?deal=-1",
        "/teams/new",
        "/teams/99999999999999999999999",
        "/teams/99999999999999999999999/join",
        "/merchant/group-buys/99999999999999999999999",
        "/merchant/group-buys?page=%D9%A3",
    ],
)
def test_bad_ids_in_group_pages_are_never_a_500(app, api, path):
    gb.world(api)
    for who in ("mei", "teashop"):
        assert Browser(app, who, signup=False).get(path).status_code < 500


@pytest.mark.parametrize(
    "fields",
    [
        {"qty": "１"},
        {"qty": "99999999999999999999999"},
        {"qty": ""},
        {"address_id": "99999999999999999999999"},
        {"address_id": "٣"},
        {"payment_method": "bitcoin"},
        {"source": "live:99999999999999999999999"},
        {"name": "x" * 5000},
    ],
)
def test_junk_in_the_seat_form_is_never_a_500(app, api, fields):
    w = gb.world(api)
    mei = Browser(app, "mei", signup=False)
    path = f"/teams/new?deal={w['deal']['id']}"
    key = re.search(
        r'name="idempotency_key" value="([^"]+)"', text(mei.get(path))
    ).group(1)
    data = {**SHIP, "payment_method": "cod", "qty": "1", "idempotency_key": key}
    resp = mei.post(path, {**data, **fields})
    assert resp.status_code in (302, 400, 409)
