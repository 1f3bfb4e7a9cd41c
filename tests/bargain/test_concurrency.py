"""Bargaining under contention: thirty friends helping a record of ten cuts at
once, one friend's helps racing each other, the owner buying twice at once, and
starting twice at once. Each request is a thread of its own (its own test client
and database connection), all released together.

The test clients share one address and the site caps a helper's helps a day: the
races switch both limits off (0) unless they are what is raced."""

from collections import Counter

import pytest

from livestall.accounts.models import User
from livestall.bargain.models import BargainHelp, BargainRecord
from livestall.notifications.models import Notification
from tests.factories import bargain as bf
from tests.factories.group_buy import error, orders_count, stock
from tests.factories.orders import SHIP, run_threads
from tests.plugins.app import read_db


@pytest.fixture
def unlimited(app, monkeypatch):
    """No daily cap per helper, no cap per address."""
    monkeypatch.setitem(app.config, "BARGAIN_HELPS_PER_DAY", 0)
    monkeypatch.setitem(app.config, "BARGAIN_HELPS_PER_IP", 0)
    return app


def _call(app, method, path, token, json=None):
    """One request from a client of its own: (status, error code, body)."""
    resp = app.test_client().open(
        path, method=method, headers={"Authorization": f"Bearer {token}"}, json=json
    )
    status, code = error(resp)
    return status, code, resp.get_json()


def _helps(record_id):
    return read_db(
        lambda: [
            (h.helper_id, h.nth, h.cut_cents, h.price_after_cents)
            for h in BargainHelp.select()
            .where(BargainHelp.record == record_id)
            .order_by(BargainHelp.nth)
        ]
    )


def _notes(kind, record_id):
    def run():
        rows = Notification.select().where(Notification.kind == kind)
        return [n.user_id for n in rows if n.data.get("record_id") == record_id]

    return read_db(run)


def test_thirty_friends_for_ten_cuts(unlimited, bargain_world):
    world = bargain_world(helpers_needed=10)
    api = world["api"]
    record = bf.started(api, world["buyer"], world["bargain"]["id"])
    friends = [api.user(f"friend{i:02d}") for i in range(30)]
    path = f"/api/v1/bargain-records/{record['id']}/help"
    results = run_threads(30, lambda i: _call(unlimited, "POST", path, friends[i]))
    got = Counter((status, code) for status, code, _ in results)
    assert got == {(201, None): 10, (409, "record_closed"): 20}, got
    row = bf.record_row(record["id"])
    assert (row.status, row.price_cents, row.helpers) == ("succeeded", 1000, 10)
    assert row.succeeded_at is not None
    helps = _helps(record["id"])
    assert [nth for _, nth, _, _ in helps] == list(range(1, 11))
    assert len({helper for helper, *_ in helps}) == 10
    assert sum(cut for _, _, cut, _ in helps) == 10000 - 1000
    assert all(cut >= 1 for _, _, cut, _ in helps)
    # each row's price is the one before it less its cut: no cut was lost
    price = 10000
    for _, _, cut, after in helps:
        price -= cut
        assert after == price and after >= 1000
    # what the winners were told is what was written
    told = sorted(body["cut_cents"] for status, _, body in results if status == 201)
    assert told == sorted(cut for _, _, cut, _ in helps)
    assert len(_notes("bargain_helped", record["id"])) == 10
    owner = row.owner_id
    assert _notes("bargain_succeeded", record["id"]) == [owner]


def test_one_friends_helps_at_once_keep_the_rules(unlimited, bargain_world):
    """The same friend five times at once on one record: one cut. Another on
    three records at once with two helps left today: two cuts."""
    world = bargain_world(helpers_needed=5)
    api, campaign_id = world["api"], world["bargain"]["id"]
    owners = [world["buyer"], *(api.user(f"owner{i}") for i in range(3))]
    records = [bf.started(api, token, campaign_id)["id"] for token in owners]
    lan = api.user("lan")
    path = f"/api/v1/bargain-records/{records[0]}/help"
    results = run_threads(5, lambda i: _call(unlimited, "POST", path, lan)[:2])
    assert Counter(results) == {(201, None): 1, (409, "already_helped"): 4}, results
    assert bf.record_row(records[0]).helpers == 1 and len(_helps(records[0])) == 1

    unlimited.config["BARGAIN_HELPS_PER_DAY"] = 3  # (the fixture restores it)
    zhu = api.user("zhu")
    first = bf.help_cut(api, zhu, records[0])  # zhu's first of 3 today
    assert first.status_code == 201, first.get_json()

    def go(i):
        path = f"/api/v1/bargain-records/{records[i]}/help"
        return _call(unlimited, "POST", path, zhu)

    results = run_threads(3, lambda i: go(i + 1)[:2])
    assert Counter(results) == {(201, None): 2, (409, "help_limit"): 1}, results
    zhus = read_db(
        lambda: (
            BargainHelp.select()
            .join(User, on=(BargainHelp.helper == User.id))
            .where(User.username == "zhu")
            .count()
        )
    )
    assert zhus == 3


@pytest.mark.parametrize("keys", ["one key", "two keys"])
def test_the_owner_buying_twice_at_once_gets_one_order(app, bargain_world, keys):
    world = bargain_world()
    api, mei, tea = world["api"], world["buyer"], world["tea"]
    campaign_id = world["bargain"]["id"]
    record = bf.started(api, mei, campaign_id)
    bodies = [
        {
            "bargain_record_id": record["id"],
            "idempotency_key": "race-buy-0001" if keys == "one key" else f"race-{i}-k",
            "shipping": SHIP,
            "payment_method": "cod",
        }
        for i in range(2)
    ]
    results = run_threads(
        2, lambda i: _call(app, "POST", "/api/v1/orders", mei, bodies[i])
    )
    statuses = sorted((status, code) for status, code, _ in results)
    if keys == "one key":  # the twin is a replay of the same order
        assert statuses == [(200, None), (201, None)], results
        ids = {body["order"]["id"] for _, _, body in results}
        assert len(ids) == 1
    else:
        assert statuses == [(201, None), (409, "already_ordered")], results
    assert orders_count() == 1 and stock(tea) == 19
    assert bf.campaign_row(campaign_id).units_sold == 1
    row = bf.record_row(record["id"])
    assert row.status == "ordered" and row.order_id is not None


def test_the_last_unit_goes_to_one_of_two_owners(app, bargain_world):
    world = bargain_world(units=1)
    api, campaign_id = world["api"], world["bargain"]["id"]
    owners = [world["buyer"], api.user("lan")]
    records = [bf.started(api, token, campaign_id)["id"] for token in owners]

    def buy(i):
        body = {
            "bargain_record_id": records[i],
            "idempotency_key": f"last-unit-{i}",
            "shipping": SHIP,
        }
        return _call(app, "POST", "/api/v1/orders", owners[i], body)[:2]

    results = run_threads(2, buy)
    assert sorted(results) == [(201, None), (409, "sold_out")], results
    assert orders_count() == 1 and stock(world["tea"]) == 19
    assert bf.campaign_row(campaign_id).units_sold == 1
    statuses = sorted(bf.record_row(r).status for r in records)
    assert statuses == ["open", "ordered"]  # the loser's claim rolled back


def test_starting_at_once_makes_one_record(app, bargain_world):
    world = bargain_world()
    mei, campaign_id = world["buyer"], world["bargain"]["id"]
    path = f"/api/v1/bargains/{campaign_id}/records"
    results = run_threads(6, lambda i: _call(app, "POST", path, mei))
    assert sorted(status for status, *_ in results) == [200] * 5 + [201], results
    assert {body["record"]["id"] for *_, body in results} == {
        read_db(lambda: BargainRecord.get().id)
    }
    assert len({body["record"]["share_url"] for *_, body in results}) == 1
    assert read_db(lambda: BargainRecord.select().count()) == 1


def test_helps_racing_the_purchase_never_change_a_bought_price(
    unlimited, bargain_world
):
    """Five friends help while the owner buys: the order is at the price the
    record had when it was bought, and no help lands after it."""
    world = bargain_world(helpers_needed=10)
    api, mei = world["api"], world["buyer"]
    record = bf.started(api, mei, world["bargain"]["id"])
    friends = [api.user(f"friend{i}") for i in range(5)]
    path = f"/api/v1/bargain-records/{record['id']}/help"
    body = {
        "bargain_record_id": record["id"],
        "idempotency_key": "race-buy-help",
        "shipping": SHIP,
    }

    def go(i):
        if i == 5:
            return _call(unlimited, "POST", "/api/v1/orders", mei, body)
        return _call(unlimited, "POST", path, friends[i])

    results = run_threads(6, go)
    bought = results[5]
    assert bought[:2] == (201, None), bought
    helps = results[:5]
    assert all(r[:2] in ((201, None), (409, "record_closed")) for r in helps), helps
    row = bf.record_row(record["id"])
    landed = [r[2]["cut_cents"] for r in helps if r[0] == 201]
    assert row.status == "ordered" and row.helpers == len(landed)
    assert row.price_cents == 10000 - sum(landed)
    assert bought[2]["order"]["items"][0]["unit_price_cents"] == row.price_cents
    assert len(_helps(record["id"])) == len(landed)
