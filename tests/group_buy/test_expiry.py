"""Teams whose time ran out: a team not full fails (every order cancelled, paid
ones refunded, stock back once, members told why), or with the deal's virtual
fill (模拟成团) succeeds as virtual; deadlines hold at use and on read, before any
sweep; a sweep closes a team once, even two processes sweeping at once.

The clock: `now=` of the rules, or `expires_at` moved into the past."""

import datetime
import os
import re
import subprocess
import sys
from pathlib import Path

from blueprints.maintenance import maintenance_pass
from livestall.accounts.models import User
from livestall.db.base import utcnow
from livestall.errors import Conflict
from livestall.group_buy import expiry, teams
from livestall.group_buy.models import Team
from livestall.orders.models import OrderEvent
from tests.factories.group_buy import (
    cancel_events,
    error,
    join,
    kinds,
    leave,
    open_team,
    order_status,
    orders_count,
    seated,
    stock,
    team_row,
)
from tests.factories.orders import SHIP, move
from tests.plugins.app import read_db

ROOT = Path(__file__).resolve().parents[2]
HOUR = datetime.timedelta(hours=1)
SHIPPED = {"tracking_number": "SF7654321"}


def _later(delta=HOUR + datetime.timedelta(seconds=1)):
    return utcnow() + delta


def _backdate(team_id, seconds=1):
    """The team's time ran out `seconds` ago (no sweep has run)."""
    past = utcnow() - datetime.timedelta(seconds=seconds)
    read_db(lambda: Team.update(expires_at=past).where(Team.id == team_id).execute())


def _two_seats(world, payment="cod"):
    """mei opens a team of 3 and lan joins (paying by `payment`): team id, and
    the orders of mei and lan."""
    api = world["api"]
    team, mine = seated(open_team(api, world["buyer"], world["deal"]["id"], qty=2))
    world["lan"] = api.user("lan")
    _, lans = seated(join(api, world["lan"], team["id"], payment_method=payment))
    return team["id"], mine, lans


def test_the_sweep_waits_for_the_deadline_then_fails_the_team(group_buy_world):
    world = group_buy_world()
    api, tea = world["api"], world["tea"]
    team_id, mine, lans = _two_seats(world, payment="bank_transfer")
    assert move(api, world["merchant"], lans["id"], "paid").status_code == 200
    assert stock(tea) == 17
    soon = _later(HOUR - datetime.timedelta(minutes=1))
    assert read_db(lambda: expiry.expire_teams(now=soon)) == []
    assert team_row(team_id).status == "open"
    closed = read_db(lambda: [t.id for t in expiry.expire_teams(now=_later())])
    assert closed == [team_id]
    team = team_row(team_id)
    assert team.status == "failed" and team.virtual is False and team.closed_at
    assert order_status(mine["id"]) == "cancelled"
    assert order_status(lans["id"]) == "refunded"
    assert stock(tea) == 20
    assert cancel_events(mine["id"]) == cancel_events(lans["id"]) == 1
    # a second sweep: nothing to do, nothing moves twice
    assert read_db(lambda: expiry.expire_teams(now=_later(2 * HOUR))) == []
    assert stock(tea) == 20 and cancel_events(lans["id"]) == 1
    # the members are told why
    mei = kinds(api, world["buyer"], "order_cancelled")
    assert [d.get("reason") for d in mei] == ["team_failed"]
    lan = kinds(api, world["lan"], "order_refunded")
    assert [d.get("reason") for d in lan] == ["team_failed"]
    # the merchant, who sends the paid one's money back, hears of that refund
    shop = kinds(api, world["merchant"], "order_refunded")
    assert [d.get("reason") for d in shop] == ["team_failed"]
    assert "team_formed" not in kinds(api, world["buyer"])
    got = api.call("GET", f"/api/v1/teams/{team_id}").get_json()["team"]
    assert got["status"] == "failed" and got["seats_left"] == 0
    # a failed team's order never ships; nobody can join or leave it
    resp = move(api, world["merchant"], mine["id"], "shipped", **SHIPPED)
    assert resp.status_code in (403, 409)
    assert error(join(api, api.user("zhu"), team_id)) == (409, "team_closed")
    assert leave(api, world["buyer"], team_id).status_code in (404, 409)


def test_virtual_fill_completes_the_team_at_expiry(group_buy_world):
    world = group_buy_world(virtual_fill=True)
    api, tea = world["api"], world["tea"]
    team_id, mine, lans = _two_seats(world)
    resp = move(api, world["merchant"], mine["id"], "shipped", **SHIPPED)
    assert error(resp) == (409, "team_not_formed")
    closed = read_db(lambda: [t.id for t in expiry.expire_teams(now=_later())])
    assert closed == [team_id]
    team = team_row(team_id)
    assert team.status == "succeeded" and team.virtual is True
    assert team.seats_taken == 2  # what was really taken
    for token in (world["buyer"], world["lan"]):
        formed = kinds(api, token, "team_formed")
        assert len(formed) == 1 and formed[0]["virtual"] is True
        assert formed[0]["team_id"] == team_id
    got = api.call("GET", f"/api/v1/teams/{team_id}").get_json()["team"]
    assert got["status"] == "succeeded" and got["virtual"] is True
    for order in (mine, lans):
        resp = move(api, world["merchant"], order["id"], "shipped", **SHIPPED)
        assert resp.status_code == 200, resp.get_json()
    assert stock(tea) == 17
    assert read_db(lambda: expiry.expire_teams(now=_later(2 * HOUR))) == []


def test_an_empty_team_of_a_virtual_deal_fails(group_buy_world):
    world = group_buy_world(virtual_fill=True)
    api = world["api"]
    team, order = seated(open_team(api, world["buyer"], world["deal"]["id"]))
    assert leave(api, world["buyer"], team["id"]).status_code == 200
    read_db(lambda: expiry.expire_teams(now=_later()))
    assert team_row(team["id"]).status == "failed"
    assert cancel_events(order["id"]) == 1 and stock(world["tea"]) == 20


def test_a_team_past_its_time_reads_failed_without_any_sweep(group_buy_world):
    world = group_buy_world()
    api = world["api"]
    team_id, mine, _ = _two_seats(world)
    _backdate(team_id)
    got = api.call("GET", f"/api/v1/teams/{team_id}")
    assert got.status_code == 200 and got.get_json()["team"]["status"] == "failed"
    assert order_status(mine["id"]) == "cancelled" and stock(world["tea"]) == 20
    deal = api.call("GET", f"/api/v1/group-buys/{world['deal']['id']}").get_json()
    assert deal["group_buy"]["open_teams"] == []
    assert deal["group_buy"]["stats"]["teams_failed"] == 1


def test_a_join_after_the_deadline_is_refused_before_any_sweep(group_buy_world):
    world = group_buy_world()
    api = world["api"]
    team, _ = seated(open_team(api, world["buyer"], world["deal"]["id"]))
    before = orders_count()
    # the rule itself, with no sweep and no lazy read: the join's own UPDATE
    # checks the deadline
    zhu = api.user("zhu")

    def late_join():
        buyer = User.get(User.username == "zhu")
        deal = Team.get_by_id(team["id"]).group_buy
        body = {"idempotency_key": "late-join-0001", "shipping": SHIP}
        try:
            teams.place_seat(buyer, deal, team["id"], body, now=_later())
        except Conflict as exc:
            return exc.code
        return "joined"

    assert read_db(late_join) == "team_closed"
    assert team_row(team["id"]).status == "open"  # nobody swept it
    assert orders_count() == before
    # by the API, once the time is really past
    _backdate(team["id"])
    assert error(join(api, zhu, team["id"])) == (409, "team_closed")
    assert orders_count() == before


def test_the_maintenance_pass_closes_a_team_once(app, group_buy_world):
    world = group_buy_world()
    team_id, mine, lans = _two_seats(world)
    _backdate(team_id)
    first = maintenance_pass(app)["teams_closed"]
    assert [t.id for t in first] == [team_id]
    assert maintenance_pass(app)["teams_closed"] == []
    assert cancel_events(mine["id"]) == cancel_events(lans["id"]) == 1
    assert stock(world["tea"]) == 20


def _sweeper(app):
    env = {
        **os.environ,
        "LIVESTALL_DATA_DIR": app.config["DATA_DIR"],
        "LIVESTALL_SECRET_KEY": "sweeper-secret",
        "LIVESTALL_ENV": "development",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "app", "expire-unpaid"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def test_two_processes_sweeping_at_once_close_each_team_once(app, group_buy_world):
    world = group_buy_world(stock=100, per_user_limit=3)
    api, tea = world["api"], world["tea"]
    team_ids, order_ids = [], []
    for i in range(12):
        team, order = seated(
            open_team(api, api.user(f"lead{i:02d}"), world["deal"]["id"], qty=2)
        )
        team_ids.append(team["id"])
        order_ids.append(order["id"])
        if i % 2:
            _, order = seated(join(api, api.user(f"mate{i:02d}"), team["id"]))
            order_ids.append(order["id"])
    assert stock(tea) == 100 - 12 * 2 - 6
    for team_id in team_ids:
        _backdate(team_id)
    procs = [_sweeper(app), _sweeper(app)]
    outputs = [p.communicate(timeout=60)[0].decode() for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    closed = [
        int(re.search(r"Closed (\d+) group-buying team", out).group(1))
        for out in outputs
    ]
    assert sum(closed) == 12, outputs
    assert {team_row(t).status for t in team_ids} == {"failed"}

    def cancels():
        rows = OrderEvent.select().where(
            OrderEvent.order.in_(order_ids) & (OrderEvent.to_status == "cancelled")
        )
        counted = {}
        for event in rows:
            counted[event.order_id] = counted.get(event.order_id, 0) + 1
        return counted

    assert read_db(cancels) == dict.fromkeys(order_ids, 1)
    assert stock(tea) == 100
