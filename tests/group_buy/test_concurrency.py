"""Group buying under contention: fifty buyers for the last seat of a team of
fifty, and a leave or a cancel racing the joiners. Each joiner is a request of its
own (a thread, its own test client and database connection)."""

from collections import Counter

import pytest

from livestall.accounts.models import User
from livestall.group_buy.models import Team, TeamMember
from livestall.notifications.models import Notification
from livestall.orders.models import Order
from tests.factories.group_buy import (
    error,
    join,
    leave,
    open_team,
    orders_count,
    seated,
    stock,
)
from tests.factories.orders import move, run_threads
from tests.plugins.app import read_db

LIVE = ("pending_payment", "paid", "shipped", "delivered")


def _team(api, leader, deal_id, joiners):
    """A team opened by `leader` and joined by each of `joiners`: its id."""
    team, _ = seated(open_team(api, leader, deal_id))
    for token in joiners:
        seated(join(api, token, team["id"]))
    return team["id"]


def _race(app, tokens, team_id, extra=None):
    """Every token joins `team_id` at once (and `extra(client)` in one more
    thread): [(status, code)] of the joiners, and extra's result."""

    def go(i):
        client = app.test_client()
        if i == len(tokens):
            return extra(client)
        resp = client.post(
            f"/api/v1/teams/{team_id}/join",
            headers={"Authorization": f"Bearer {tokens[i]}"},
            json={
                "qty": 1,
                "idempotency_key": f"race-{i:04d}-key",
                "shipping": {
                    "name": "王",
                    "address": "杭州市西湖区 1 号",
                    "phone": "13800000000",
                },
                "payment_method": "cod",
            },
        )
        return error(resp)

    results = run_threads(len(tokens) + (extra is not None), go)
    return (results[:-1], results[-1]) if extra else (results, None)


def _invariants(team_id):
    """(team, active member rows whose orders are alive, member rows of an open
    team in the unique (user, open_deal) index)."""

    def run():
        team = Team.get_by_id(team_id)
        live = (
            TeamMember.select()
            .join(Order)
            .where(
                (TeamMember.team == team_id)
                & (TeamMember.status == "active")
                & Order.status.in_(LIVE)
            )
            .count()
        )
        dead = (
            TeamMember.select()
            .join(Order)
            .where(
                (TeamMember.team == team_id)
                & (TeamMember.status == "active")
                & ~Order.status.in_(LIVE)
            )
            .count()
        )
        return team, live, dead

    return read_db(run)


def _formed_notes(team_id):
    def run():
        rows = Notification.select(Notification.user).where(
            Notification.kind == "team_formed"
        )
        return Counter(n.user_id for n in rows), {
            m.user_id
            for m in TeamMember.select().where(
                (TeamMember.team == team_id) & (TeamMember.status == "active")
            )
        }

    return read_db(run)


@pytest.mark.slow
def test_fifty_buyers_for_the_last_seat_of_fifty(app, group_buy_world):
    world = group_buy_world(stock=200, team_size=50, per_user_limit=1)
    api, tea = world["api"], world["tea"]
    seated_ = [api.user(f"seat{i:02d}") for i in range(48)]
    team_id = _team(api, world["buyer"], world["deal"]["id"], seated_)
    assert read_db(lambda: Team.get_by_id(team_id).seats_taken) == 49
    racers = [api.user(f"racer{i:02d}") for i in range(50)]
    before_stock, before_orders = stock(tea), orders_count()
    results, _ = _race(app, racers, team_id)
    got = Counter(results)
    assert got[(201, None)] == 1, got
    assert (
        sum(
            n
            for (s, code), n in got.items()
            if s == 409 and code in ("team_full", "team_closed")
        )
        == 49
    ), got
    team, live, dead = _invariants(team_id)
    assert team.status == "succeeded" and team.seats_taken == team.team_size == 50
    assert live == 50 and dead == 0
    assert stock(tea) == before_stock - 1 and orders_count() == before_orders + 1
    told, seats = _formed_notes(team_id)
    assert set(told) == seats and set(told.values()) == {1}, told
    assert len(seats) == 50


@pytest.mark.parametrize("how", ["leave", "cancel"])
def test_a_leave_races_the_joiners_for_the_last_seat(app, group_buy_world, how):
    """One seat left, 50 joiners, and a member giving up their seat at the same
    time: the team never holds more than its size, and its count is its seats."""
    world = group_buy_world(stock=200, team_size=5, per_user_limit=1)
    api, tea = world["api"], world["tea"]
    leaver = api.user("leaver")
    first = [leaver, *(api.user(f"seat{i}") for i in range(2))]
    team_id = _team(api, world["buyer"], world["deal"]["id"], first)
    leaver_order = read_db(
        lambda: (
            TeamMember.select()
            .join(User)
            .where((TeamMember.team == team_id) & (User.username == "leaver"))
            .get()
            .order_id
        )
    )
    racers = [api.user(f"racer{i:02d}") for i in range(50)]
    start_stock = stock(tea)

    def give_up(client):
        from tests.plugins.api import Api

        if how == "leave":
            return error(leave(Api(client), leaver, team_id))
        return error(move(Api(client), leaver, leaver_order, "cancelled"))

    results, left = _race(app, racers, team_id, give_up)
    won = sum(1 for r in results if r == (201, None))
    assert all(r == (201, None) or r[0] == 409 for r in results), results
    team, live, dead = _invariants(team_id)
    assert team.status == "succeeded" and team.seats_taken == 5
    order_left = read_db(lambda: Order.get_by_id(leaver_order).status)
    if left[0] == 200 and won == 2:  # the seat was given up first: two got in
        assert order_left == "cancelled" and live == 5 and dead == 0
        assert stock(tea) == start_stock - 2 + 1
    elif how == "leave":  # the team formed first: the seat stays
        assert won == 1 and left == (409, "team_closed"), (won, left)
        assert order_left == "pending_payment" and live == 5 and dead == 0
        assert stock(tea) == start_stock - 1
    else:  # a cancel after the team formed: the order goes, the team stays formed
        assert won == 1 and left == (200, None), (won, left)
        assert order_left == "cancelled" and live == 4 and dead == 0
        left_row = read_db(
            lambda: TeamMember.get(TeamMember.order == leaver_order).status
        )
        assert left_row == "cancelled"
        assert stock(tea) == start_stock - 1 + 1
    assert orders_count() == 4 + won
