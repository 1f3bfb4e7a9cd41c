"""A first pass through a team's life by the API (the rules' own tests follow)."""

import datetime

from tests.factories.orders import SHIP


def _deal(api, merchant, product_id, **extra):
    ends = (
        datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=1)
    ).isoformat()
    body = {
        "product_id": product_id,
        "price_cents": 9900,
        "team_size": 3,
        "team_window_s": 3600,
        "ends_at": ends,
        "per_user_limit": 2,
        **extra,
    }
    return api.call("POST", "/api/v1/group-buys", token=merchant, json=body)


def _seat(api, token, path, key):
    body = {"qty": 1, "idempotency_key": key, "shipping": SHIP, "payment_method": "cod"}
    return api.call("POST", path, token=token, json=body)


def test_team_fills_and_ships(orders_world):
    world = orders_world(only=["tea"])
    api = world["api"]
    resp = _deal(api, world["merchant"], world["tea"])
    assert resp.status_code == 201, resp.get_json()
    deal = resp.get_json()["group_buy"]
    a, b, c = world["buyer"], api.user("lan"), api.user("zhu")
    r = _seat(api, a, f"/api/v1/group-buys/{deal['id']}/teams", "seat-a-0001")
    assert r.status_code == 201, r.get_json()
    team = r.get_json()["team"]
    order_a = r.get_json()["order"]
    assert order_a["items"][0]["unit_price_cents"] == 9900
    assert team["seats_left"] == 2 and "?s=" in team["share_url"]
    ship = api.call(
        "POST",
        f"/api/v1/orders/{order_a['id']}/status",
        token=world["merchant"],
        json={"status": "shipped", "tracking_number": "SF123456"},
    )
    assert (
        ship.status_code == 409
        and ship.get_json()["error"]["code"] == "team_not_formed"
    )
    again = _seat(api, a, f"/api/v1/teams/{team['id']}/join", "seat-a-0002")
    assert again.status_code == 409, again.get_json()
    assert again.get_json()["error"]["code"] == "already_in_team"
    r = _seat(api, b, f"/api/v1/teams/{team['id']}/join", "seat-b-0001")
    assert r.status_code == 201, r.get_json()
    r = _seat(api, c, f"/api/v1/teams/{team['id']}/join", "seat-c-0001")
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["team"]["status"] == "succeeded"
    d = api.user("dan")
    r = _seat(api, d, f"/api/v1/teams/{team['id']}/join", "seat-d-0001")
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "team_closed"
    ship = api.call(
        "POST",
        f"/api/v1/orders/{order_a['id']}/status",
        token=world["merchant"],
        json={"status": "shipped", "tracking_number": "SF123456"},
    )
    assert ship.status_code == 200, ship.get_json()
    got = api.call("GET", f"/api/v1/group-buys/{deal['id']}").get_json()["group_buy"]
    assert got["stats"] == {"teams_open": 0, "teams_succeeded": 1, "teams_failed": 0}
    kinds = [
        n["kind"]
        for n in api.call("GET", "/api/v1/notifications", token=a).get_json()["items"]
    ]
    assert "team_joined" in kinds and "team_formed" in kinds
