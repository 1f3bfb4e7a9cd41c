"""Ids out of range are missing objects, never a 500 (issue 15, finding 7).

`/products/9223372036854775808` reached the database, where SQLite cannot even
compare an integer past 2**63 (OverflowError: a 500), on products, posts, orders,
live sessions and the API alike. Every `<int:...>` route now takes ids of 1 to
2**53-1 in ASCII digits (blueprints/converters.py); anything else does not route.
Ids in JSON bodies are checked by the domains (up to 2**53 too).
"""

import pytest
from flask import url_for
from werkzeug.routing import IntegerConverter

from blueprints.converters import ID_MAX, IdConverter
from tests.factories import orders
from tests.factories.accounts import admin_token
from tests.factories.live import world as live_world
from tests.plugins.app import AuthActions, csrf_token

OUT_OF_RANGE = [0, ID_MAX + 1, 2**63 - 1, 2**63, 2**64, 10**30, 10**400]
NOT_IDS = ["-1", "+1", "1.0", "1e3", "0x1", "%D9%A3", "%EF%BC%93", "%201", "1%20"]


def id_rules(app):
    """Every (rule, method) with an integer in its path."""
    for rule in app.url_map.iter_rules():
        if any(isinstance(c, IntegerConverter) for c in rule._converters.values()):
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield rule, method


@pytest.fixture
def admin(app, api):
    """An admin, who may reach every view: a bearer token and a signed-in browser."""
    token = admin_token(api)
    browser = app.test_client()
    assert AuthActions(browser).login("boss").status_code == 302
    return token, browser


def request(app, admin, rule, method, path):
    token, browser = admin
    if rule.rule.startswith("/api/"):
        body = {"json": {}} if method in ("POST", "PATCH", "PUT") else {}
        headers = {"Authorization": f"Bearer {token}"}
        return app.test_client().open(path, method=method, headers=headers, **body)
    if method == "GET":
        return browser.get(path)
    data = {"csrf_token": csrf_token(browser, "/")}
    return browser.open(path, method=method, data=data)


def test_every_int_route_uses_the_id_converter(app):
    rules = list(id_rules(app))
    assert len(rules) > 40
    for rule, _ in rules:
        for converter in rule._converters.values():
            assert not isinstance(converter, IntegerConverter) or isinstance(
                converter, IdConverter
            ), rule.rule
    assert {r.endpoint for r, _ in rules} >= {
        "shop.product",
        "feed.post",
        "orders.order",
        "api.get_product",
        "api.get_post",
        "api.get_order",
        "live.room",
    }


def test_ids_out_of_range_are_404_on_every_route(app, admin):
    """As an admin, on every rule with an id: each id out of range, in turn for
    each id of the path (the others real-looking), is a 404."""
    seen = 0
    for rule, method in id_rules(app):
        ids = [
            n for n, c in rule._converters.items() if isinstance(c, IntegerConverter)
        ]
        for name in ids:
            for value in OUT_OF_RANGE:
                args = {n: 1 for n in rule.arguments} | {name: value}
                args = {n: "x" if n not in ids else v for n, v in args.items()}
                with app.test_request_context():
                    path = url_for(rule.endpoint, **args)
                resp = request(app, admin, rule, method, path)
                assert resp.status_code == 404, (method, path, resp.status_code)
                if rule.rule.startswith("/api/"):
                    assert resp.get_json()["error"]["code"] == "not_found"
                seen += 1
    assert seen > 300


@pytest.mark.parametrize("junk", NOT_IDS)
def test_what_is_not_an_id_does_not_route(app, api, junk):
    """Signs, decimals, spaces and non-ASCII digits name no object: Werkzeug's
    converter read `/products/٣` (Arabic-Indic 3) as product 3."""
    shop = api.user("teashop", role="merchant")
    pids = [api.product(shop, title=f"Tea {n}")["id"] for n in range(3)]
    assert pids == [1, 2, 3]
    for path in (f"/products/{junk}", f"/api/v1/products/{junk}"):
        resp = api.call("GET", path)
        assert resp.status_code == 404, (path, resp.status_code)


def test_the_biggest_id_reaches_the_view(app, api):
    """ID_MAX routes (and is simply not there); real ids keep working."""
    shop = api.user("teashop", role="merchant")
    pid = api.product(shop)["id"]
    for path in (f"/products/{ID_MAX}", f"/api/v1/products/{ID_MAX}"):
        assert api.call("GET", path).status_code == 404
    assert api.call("GET", f"/api/v1/products/{pid}").status_code == 200
    assert api.call("GET", f"/products/{pid}").status_code == 200
    assert api.call("GET", f"/products/000{pid}").status_code == 200


HUGE = [2**63, 2**64, 10**30, -(2**63) - 1, -1, 0, ID_MAX + 1]


def test_ids_in_json_bodies_are_never_a_500(app, api):
    """Every API call that takes ids in its body, with each huge or negative id:
    an answer (refused or nothing matched), never a 500."""
    world = live_world(app, api, session="on air", admin=True)
    host, shopper, shop = world["host"], world["shopper"], world["merchant"]
    pid, sid = world["products"][0], world["sid"]
    shipping = {"name": "Mei", "address": "1 West Lake Road", "phone": "13800000000"}
    for v in HUGE:
        calls = [
            (shopper, "POST", "/api/v1/notifications/read", {"up_to_id": v}),
            (shopper, "POST", "/api/v1/orders", {"items": [{"product_id": v}]}),
            (
                shopper,
                "POST",
                "/api/v1/orders",
                {
                    "items": [{"product_id": pid, "qty": 1}],
                    "reservation_ids": [v],
                    "shipping": shipping,
                },
            ),
            (host, "POST", "/api/v1/posts", {"body": "x", "product_ids": [v]}),
            (
                host,
                "POST",
                "/api/v1/posts",
                {"body": "x", "product_ids": [pid], "image_ids": [v]},
            ),
            (host, "POST", "/api/v1/live", {"title": "x", "product_ids": [v]}),
            (host, "POST", "/api/v1/live", {"title": "x", "cover_image_id": v}),
            (host, "PATCH", f"/api/v1/live/{sid}", {"product_ids": [v]}),
            (host, "POST", f"/api/v1/live/{sid}/pin", {"product_id": v}),
            (
                host,
                "POST",
                f"/api/v1/live/{sid}/flash-sales",
                {"product_id": v, "price_cents": 100, "quantity": 1},
            ),
            (shop, "PATCH", f"/api/v1/products/{pid}", {"image_ids": [v]}),
        ]
        for token, method, path, body in calls:
            resp = api.call(method, path, token=token, json=body)
            assert resp.status_code < 500, (path, body, resp.status_code)


def test_reading_notifications_up_to_a_huge_id_reads_them_all(api, orders_world):
    world = orders_world(only=("tea",))
    buyer = world["buyer"]
    place = orders.place(
        api, buyer, [{"product_id": world["tea"], "qty": 1}], "cod", "huge-ids-1"
    )
    assert place.status_code == 201, place.get_json()
    unread = orders.notes(api, buyer)["unread"]
    assert unread >= 1
    for up_to, left in ((-(2**63) - 1, unread), (0, unread), (2**64, 0)):
        resp = api.call(
            "POST", "/api/v1/notifications/read", token=buyer, json={"up_to_id": up_to}
        )
        assert resp.status_code == 200, resp.get_json()
        assert resp.get_json()["unread"] == left
