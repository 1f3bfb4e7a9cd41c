"""A first pass through a bargain's life by the API (the rules' own tests follow)."""

from tests.factories import bargain as bf


def test_friends_cut_to_the_floor_and_the_owner_buys_once(bargain_world):
    world = bargain_world()
    api, campaign = world["api"], world["bargain"]
    owner = world["buyer"]
    record = bf.started(api, owner, campaign["id"])
    assert record["price_cents"] == 10000 and record["status"] == "open"
    assert "?s=" in record["share_url"]
    own = bf.help_cut(api, owner, record["id"])
    assert own.status_code == 403, own.get_json()
    cuts, friends = [], [api.user(name) for name in ("lan", "zhu", "dan")]
    for friend in friends:
        resp = bf.help_cut(api, friend, record["id"])
        assert resp.status_code == 201, resp.get_json()
        cuts.append(resp.get_json()["cut_cents"])
    assert all(c >= 1 for c in cuts) and sum(cuts) == 9000
    after = resp.get_json()["record"]
    assert after["status"] == "succeeded" and after["price_cents"] == 1000
    assert [h["cut_cents"] for h in after["helps"]] == cuts
    late = bf.help_cut(api, api.user("eve"), record["id"])
    assert late.status_code == 409
    assert late.get_json()["error"]["code"] == "record_closed"
    again = bf.help_cut(api, friends[0], record["id"])
    assert again.status_code == 409
    bought = bf.buy(api, owner, record["id"])
    assert bought.status_code == 201, bought.get_json()
    order = bought.get_json()["order"]
    assert order["items"][0]["unit_price_cents"] == 1000
    twice = bf.buy(api, owner, record["id"])
    assert twice.status_code == 409, twice.get_json()
    got = api.call("GET", f"/api/v1/bargain-records/{record['id']}").get_json()
    assert got["record"]["status"] == "ordered"
    assert bf.campaign_row(campaign["id"]).units_sold == 1
    cancel = api.call(
        "POST",
        f"/api/v1/orders/{order['id']}/status",
        token=owner,
        json={"status": "cancelled"},
    )
    assert cancel.status_code == 200, cancel.get_json()
    assert bf.campaign_row(campaign["id"]).units_sold == 0
    kinds = [
        n["kind"]
        for n in api.call("GET", "/api/v1/notifications", token=owner).get_json()[
            "items"
        ]
    ]
    assert "bargain_helped" in kinds and "bargain_succeeded" in kinds
