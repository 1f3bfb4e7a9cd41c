"""Records whose time ran out, and records about to: the sweep (the maintenance
pass, or `expire_records`) fails a buyable record past `expires_at` once and frees
its owner to start again; a record read past its time is failed before any sweep;
an owner is warned once that their record closes soon; and a campaign's figures
after a scripted run.

The clock: `now=` of the rules, or `expires_at` (and `created_at`) moved."""

import datetime

import pytest

from blueprints.maintenance import maintenance_pass
from livestall.accounts.models import User
from livestall.bargain import expiry, records, stats
from livestall.bargain.models import Bargain, BargainRecord
from livestall.db.base import utcnow
from livestall.notifications.models import Notification
from tests.factories import bargain as bf
from tests.factories.group_buy import error, kinds
from tests.factories.orders import move, run_threads
from tests.plugins.app import read_db

MINUTE = datetime.timedelta(minutes=1)


@pytest.fixture
def world(bargain_world):
    """Records of two cuts (so one help leaves a record open)."""
    return bargain_world(helpers_needed=2)


def _move(record_id, **times):
    """Set the record's `expires_at` / `created_at` to `times` from now."""
    now = utcnow()
    changes = {k: now + v for k, v in times.items()}
    read_db(
        lambda: (
            BargainRecord.update(changes).where(BargainRecord.id == record_id).execute()
        )
    )


def _helped(api, token, record_id):
    resp = bf.help_cut(api, token, record_id)
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()["record"]


def _closed(app):
    return maintenance_pass(app)["bargains_closed"]


def test_the_maintenance_pass_closes_records_past_their_time(app, world):
    api, mei, campaign_id = world["api"], world["buyer"], world["bargain"]["id"]
    lan, zhu, dan = api.user("lan"), api.user("zhu"), api.user("dan")
    mine = bf.started(api, mei, campaign_id)
    _helped(api, lan, mine["id"])
    done = bf.started(api, zhu, campaign_id)
    _helped(api, lan, done["id"])
    assert _helped(api, dan, done["id"])["status"] == "succeeded"
    running = bf.started(api, dan, campaign_id)
    assert _closed(app) == []  # nothing is due yet
    _move(mine["id"], expires_at=-MINUTE)
    _move(done["id"], expires_at=-MINUTE)
    assert sorted(_closed(app)) == sorted([mine["id"], done["id"]])
    assert _closed(app) == []  # once
    row = bf.record_row(mine["id"])
    assert (row.status, row.live_key, row.helpers) == ("failed", None, 1)
    assert row.closed_at is not None and row.succeeded_at is None
    assert row.price_cents < 10000  # its cut stays
    floored = bf.record_row(done["id"])
    assert floored.status == "failed" and floored.price_cents == 1000
    assert floored.succeeded_at is not None  # it had reached the floor
    assert bf.record_row(running["id"]).status == "open"
    # closed: no help, no purchase; its owner may start again
    assert error(bf.help_cut(api, dan, mine["id"])) == (409, "record_closed")
    assert error(bf.buy(api, zhu, done["id"])) == (409, "record_closed")
    again = bf.start(api, mei, campaign_id)
    assert again.status_code == 201, again.get_json()
    fresh = again.get_json()["record"]
    assert fresh["id"] != mine["id"] and fresh["price_cents"] == 10000
    assert bf.record_row(fresh["id"]).live_key == campaign_id
    assert bf.campaign_row(campaign_id).units_sold == 0


def test_the_sweep_waits_for_the_deadline(world):
    api = world["api"]
    record = bf.started(api, world["buyer"], world["bargain"]["id"])
    expires = bf.record_row(record["id"]).expires_at
    early = read_db(lambda: expiry.expire_records(now=expires - MINUTE))
    assert early == [] and bf.record_row(record["id"]).status == "open"
    on_time = read_db(lambda: expiry.expire_records(now=expires))
    assert on_time == [record["id"]]
    assert bf.record_row(record["id"]).status == "failed"
    assert read_db(lambda: expiry.expire_records(now=expires + MINUTE)) == []


def test_a_record_past_its_time_reads_failed_without_any_sweep(world):
    api, mei, campaign_id = world["api"], world["buyer"], world["bargain"]["id"]
    record = bf.started(api, mei, campaign_id)
    _helped(api, api.user("lan"), record["id"])
    # the rule at a later clock
    later = bf.record_row(record["id"]).expires_at + MINUTE
    assert read_db(lambda: records.get(record["id"]).status) == "open"
    assert read_db(lambda: records.get(record["id"], now=later).status) == "failed"
    # by the API, its time really past
    zhu = api.user("zhu")
    other = bf.started(api, zhu, campaign_id)
    _move(other["id"], expires_at=-MINUTE)
    assert bf.record_row(other["id"]).status == "open"  # nobody swept it
    got = api.call("GET", f"/api/v1/bargain-records/{other['id']}")
    assert got.status_code == 200
    assert got.get_json()["record"]["status"] == "failed"
    row = bf.record_row(other["id"])
    assert row.status == "failed" and row.live_key is None
    mine = api.call("GET", "/api/v1/me/bargains", token=mei).get_json()["items"]
    assert [(r["id"], r["status"]) for r in mine] == [(record["id"], "failed")]
    # starting again sees the old one is over
    again = bf.start(api, zhu, campaign_id)
    assert again.status_code == 201 and again.get_json()["record"]["id"] != other["id"]


def test_an_owner_is_warned_once_before_the_record_closes(world):
    api, mei, campaign_id = world["api"], world["buyer"], world["bargain"]["id"]
    record = bf.started(api, mei, campaign_id)
    lan = api.user("lan")
    bought = bf.started(api, lan, campaign_id)
    assert bf.buy(api, lan, bought["id"]).status_code == 201
    row = bf.record_row(record["id"])
    start = row.created_at  # an hour's window: warned in its last quarter
    assert row.expires_at - start == datetime.timedelta(hours=1)

    def warn(minutes):
        at = start + datetime.timedelta(minutes=minutes)
        return read_db(lambda: expiry.warn_expiring(now=at))

    assert warn(30) == 0 and warn(44) == 0
    assert kinds(api, mei, "bargain_expiring") == []
    assert warn(46) == 1
    assert warn(50) == 0 and warn(59) == 0  # once
    told = kinds(api, mei, "bargain_expiring")
    assert len(told) == 1
    assert told[0]["record_id"] == record["id"] and told[0]["price_cents"] == 10000
    assert told[0]["helpers"] == 0 and told[0]["helpers_needed"] == 2
    assert bf.record_row(record["id"]).warned_at is not None
    assert kinds(api, lan, "bargain_expiring") == []  # bought: nothing to warn of
    assert warn(61) == 0  # past its time: closed, not warned


def test_a_short_window_is_warned_in_its_last_quarter(bargain_world):
    world = bargain_world(record_window_s=600)
    api, mei = world["api"], world["buyer"]
    record = bf.started(api, mei, world["bargain"]["id"])
    start = bf.record_row(record["id"]).created_at

    def warn(seconds):
        at = start + datetime.timedelta(seconds=seconds)
        return read_db(lambda: expiry.warn_expiring(now=at))

    assert warn(420) == 0  # 3 minutes left of 10: not yet
    assert warn(451) == 1  # under 150 s left
    assert len(kinds(api, mei, "bargain_expiring")) == 1


def test_the_maintenance_pass_warns_once(app, world):
    api, mei = world["api"], world["buyer"]
    record = bf.started(api, mei, world["bargain"]["id"])
    later = bf.started(api, api.user("lan"), world["bargain"]["id"])
    _move(record["id"], created_at=-55 * MINUTE, expires_at=5 * MINUTE)
    assert maintenance_pass(app)["bargains_warned"] == 1
    assert maintenance_pass(app)["bargains_warned"] == 0
    assert len(kinds(api, mei, "bargain_expiring")) == 1
    assert bf.record_row(later["id"]).warned_at is None
    assert bf.record_row(record["id"]).status == "open"


def test_the_figures_after_a_scripted_run(app, world):
    """mei's record reaches the floor and is bought; dan's is helped once and
    still open; eve's is helped once and expires; kai's reaches the floor and is
    not bought; fay buys hers at the start price and cancels. Helpers: lan (an
    old account) thrice, zhu and ann (new) twice and once."""
    api, m, campaign_id = world["api"], world["merchant"], world["bargain"]["id"]
    t = {"mei": world["buyer"]}
    for name in ("dan", "eve", "kai", "fay", "lan", "zhu", "ann"):
        t[name] = api.user(name)
    old = utcnow() - datetime.timedelta(days=2)
    read_db(lambda: User.update(created_at=old).where(User.username == "lan").execute())
    owners = ("mei", "dan", "eve", "kai", "fay")
    rec = {name: bf.started(api, t[name], campaign_id)["id"] for name in owners}
    for owner, helpers in (
        ("mei", ["lan", "zhu"]),
        ("dan", ["lan"]),
        ("eve", ["zhu"]),
        ("kai", ["lan", "ann"]),
    ):
        for helper in helpers:
            _helped(api, t[helper], rec[owner])
    meis = bf.buy(api, t["mei"], rec["mei"])
    assert meis.status_code == 201
    assert meis.get_json()["order"]["items"][0]["unit_price_cents"] == 1000
    fays = bf.buy(api, t["fay"], rec["fay"])
    assert fays.status_code == 201
    cancel = move(api, t["fay"], fays.get_json()["order"]["id"], "cancelled")
    assert cancel.status_code == 200
    _move(rec["eve"], expires_at=-MINUTE)
    assert _closed(app) == [rec["eve"]]
    campaign = bf.campaign_row(campaign_id)
    figures = read_db(lambda: stats.stats_of([Bargain.get_by_id(campaign_id)]))
    expected = {
        "participants": 5,
        "records": 5,
        "records_open": 1,
        "records_succeeded": 1,
        "records_failed": 1,
        "records_ordered": 2,
        "reached_floor": 2,
        "success_rate": 0.4,
        "helps": 6,
        "helpers": 3,
        "new_account_helpers": 2,
        "orders": 1,
        "units_sold": 1,
        "gmv_cents": 1000,
        "currency": campaign.currency,
    }
    assert figures == {campaign_id: expected}
    # the merchant reads the same by the API; another merchant is told nothing
    resp = api.call("GET", f"/api/v1/bargains/{campaign_id}/stats", token=m)
    assert resp.status_code == 200 and resp.get_json()["stats"] == expected
    other = api.user("potshop", role="merchant")
    got = api.call("GET", f"/api/v1/bargains/{campaign_id}/stats", token=other)
    assert error(got) == (404, "not_found")
    # a second campaign of the product starts from nothing
    api.call("POST", f"/api/v1/bargains/{campaign_id}/end", token=m)
    second = bf.made_campaign(api, m, world["tea"], floor_price_cents=500)
    listed = api.call("GET", "/api/v1/merchant/bargains", token=m).get_json()
    by_id = {item["id"]: item["stats"] for item in listed["items"]}
    assert by_id[campaign_id] == expected
    assert by_id[second["id"]]["records"] == 0
    assert by_id[second["id"]]["success_rate"] is None
    assert by_id[second["id"]]["gmv_cents"] == 0


def test_lists_and_figures_read_a_late_record_as_failed_before_any_sweep(world):
    api, mei, m = world["api"], world["buyer"], world["merchant"]
    campaign_id = world["bargain"]["id"]
    record = bf.started(api, mei, campaign_id)
    _move(record["id"], expires_at=-MINUTE)
    mine = api.call("GET", "/api/v1/me/bargains", token=mei).get_json()["items"]
    assert [(r["id"], r["status"]) for r in mine] == [(record["id"], "failed")]
    got = api.call("GET", f"/api/v1/bargains/{campaign_id}/stats", token=m)
    figures = got.get_json()["stats"]
    assert (figures["records_open"], figures["records_failed"]) == (0, 1)
    listed = api.call("GET", "/api/v1/merchant/bargains", token=m).get_json()
    assert listed["items"][0]["stats"]["records_failed"] == 1


def test_two_sweepers_at_once_close_and_warn_once(world):
    api, campaign_id = world["api"], world["bargain"]["id"]
    owners = [world["buyer"], *(api.user(f"owner{i}") for i in range(3))]
    ids = [bf.started(api, token, campaign_id)["id"] for token in owners]
    for record_id in ids[:2]:  # closing in 5 minutes of an hour's window
        _move(record_id, created_at=-55 * MINUTE, expires_at=5 * MINUTE)
    for record_id in ids[2:]:  # past their time
        _move(record_id, expires_at=-MINUTE)

    def sweep(i):
        try:
            return read_db(
                lambda: (len(expiry.expire_records()), expiry.warn_expiring())
            )
        except Exception as exc:  # noqa: BLE001 - reported by the assert below
            return exc

    results = run_threads(4, sweep)
    assert all(isinstance(r, tuple) for r in results), results
    assert sum(closed for closed, _ in results) == 2, results
    assert sum(warned for _, warned in results) == 2, results
    assert [bf.record_row(r).status for r in ids] == ["open"] * 2 + ["failed"] * 2
    told = read_db(
        lambda: sorted(
            n.data["record_id"]
            for n in Notification.select().where(
                Notification.kind == "bargain_expiring"
            )
        )
    )
    assert told == ids[:2]
