"""A first pass through coupons and red packets by the API (the rules' own tests
follow in the other files)."""

from tests.factories import promotions as promo
from tests.factories.orders import Browser


def test_claim_pay_cancel_gives_back(orders_world):
    world = orders_world(only=["tea", "cup"])
    api, shop, mei = world["api"], world["merchant"], world["buyer"]
    c = promo.made_coupon(api, shop)
    assert c["title"] == "¥20 off over ¥100" and c["left"] == 10
    uc = promo.claimed(api, mei, c["id"])
    assert uc["status"] == "unused" and uc["amount_off_cents"] == 2000
    again = promo.claim(api, mei, c["id"])
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "limit_reached"
    # tea 168.00 + cup 2 x 89.00 = 346.00; 20.00 off split 168:178
    r = promo.order_with(api, mei, [(world["tea"], 1), (world["cup"], 2)], [uc["id"]])
    assert r.status_code == 201, r.get_json()
    order = r.get_json()["order"]
    assert order["discount_cents"] == 2000
    assert sum(i["discount_cents"] for i in order["items"]) == 2000
    assert order["total_cents"] == 34600 - 2000 + order["shipping_cents"]
    mine = api.call("GET", "/api/v1/me/coupons", token=mei).get_json()
    assert mine[0]["status"] == "used" and mine[0]["order_id"] == order["id"]
    again = promo.order_with(api, mei, [(world["tea"], 1)], [uc["id"]])
    assert again.status_code == 400, again.get_json()
    assert again.get_json()["error"]["code"] == "coupon_unusable"
    stats = api.call("GET", f"/api/v1/coupons/{c['id']}/stats", token=shop).get_json()
    assert stats["stats"]["used"] == 1 and stats["stats"]["discount_cents"] == 2000
    assert stats["stats"]["gmv_cents"] == 32600
    cancel = api.call(
        "POST",
        f"/api/v1/orders/{order['id']}/status",
        token=mei,
        json={"status": "cancelled"},
    )
    assert cancel.status_code == 200, cancel.get_json()
    mine = api.call("GET", "/api/v1/me/coupons", token=mei).get_json()
    assert mine[0]["status"] == "unused" and mine[0]["order_id"] is None


def test_red_packet_rain_by_http(orders_world):
    world = orders_world(only=["tea"])
    api, shop = world["api"], world["merchant"]
    sid, host = promo.live_on(api, [world["tea"]])
    r = promo.red_packet(api, shop, sid, total_cents=1000, count=3)
    assert r.status_code == 201, r.get_json()
    rp = r.get_json()["red_packet"]
    early = api.call(
        "POST", f"/api/v1/red-packets/{rp['id']}/grab", token=world["buyer"]
    )
    assert early.status_code == 409, early.get_json()
    opened = api.call("POST", f"/api/v1/red-packets/{rp['id']}/open", token=host)
    assert opened.status_code == 200, opened.get_json()
    got = []
    for name in ("ann", "bob", "cat", "dan"):
        token = api.user(name)
        g = api.call("POST", f"/api/v1/red-packets/{rp['id']}/grab", token=token)
        got.append((g.status_code, g.get_json()))
    assert [s for s, _ in got] == [201, 201, 201, 409]
    assert sum(b["amount_cents"] for s, b in got if s == 201) == 1000
    assert got[3][1]["error"]["code"] == "sold_out"


def test_best_coupon_for_a_basket(orders_world):
    world = orders_world(only=["tea", "cup"])
    api, shop, mei = world["api"], world["merchant"], world["buyer"]
    small = promo.made_coupon(api, shop, amount_off_cents=1000, min_spend_cents=0)
    big = promo.made_coupon(api, shop, amount_off_cents=3000, min_spend_cents=30000)
    a, b = promo.claimed(api, mei, small["id"]), promo.claimed(api, mei, big["id"])
    items = [{"product_id": world["tea"], "qty": 1}]
    r = api.call("POST", "/api/v1/coupons/best", token=mei, json={"items": items})
    body = r.get_json()
    assert r.status_code == 200, body
    assert body["discount_cents"] == 1000
    assert body["coupons"][0]["user_coupon"]["id"] == a["id"]
    items.append({"product_id": world["cup"], "qty": 2})
    body = api.call(
        "POST", "/api/v1/coupons/best", token=mei, json={"items": items}
    ).get_json()
    assert body["discount_cents"] == 3000
    assert body["coupons"][0]["user_coupon"]["id"] == b["id"]
    assert [u["discount_cents"] for u in body["usable"]] == [3000, 1000]


def test_the_holder_hears_the_coupon_came_back(orders_world, app):
    world = orders_world(only=["tea"])
    api, shop, mei = world["api"], world["merchant"], world["buyer"]
    c = promo.made_coupon(api, shop)
    uc = promo.claimed(api, mei, c["id"])
    order = promo.order_with(api, mei, [(world["tea"], 1)], [uc["id"]]).get_json()
    oid = order["order"]["id"]
    for _ in range(2):  # a second cancel is refused and tells nobody twice
        api.call(
            "POST",
            f"/api/v1/orders/{oid}/status",
            token=mei,
            json={"status": "cancelled"},
        )
    notes = api.call("GET", "/api/v1/notifications", token=mei).get_json()["items"]
    back = [n for n in notes if n["kind"] == "coupon_returned"]
    assert len(back) == 1 and back[0]["data"]["status"] == "unused"
    assert back[0]["data"]["user_coupon_id"] == uc["id"]
    page = (
        Browser(app, "mei", signup=False).get("/notifications").get_data(as_text=True)
    )
    assert f"Order #{oid} was closed: its coupon is back in My coupons." in page
