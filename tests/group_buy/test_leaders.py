"""Review findings on who leads a team, a deal whose product changed currency, and a
suspended shop's deals (tests/group_buy/test_review.py holds the rest)."""

import pytest

from livestall.accounts.models import User
from tests.factories.group_buy import (
    error,
    join,
    leave,
    open_team,
    seated,
    team_row,
)
from tests.plugins.app import read_db


@pytest.fixture
def world(group_buy_world):
    return group_buy_world()


def test_a_leader_who_leaves_hands_the_team_and_its_link_on(world):
    api, deal_id = world["api"], world["deal"]["id"]
    team, _ = seated(open_team(api, world["buyer"], deal_id))
    lan = api.user("lan")
    seated(join(api, lan, team["id"]))
    assert leave(api, world["buyer"], team["id"]).status_code == 200
    got = api.call("GET", f"/api/v1/teams/{team['id']}").get_json()["team"]
    assert got["leader"]["username"] == "lan"
    assert [(m["username"], m["is_leader"]) for m in got["members"]] == [("lan", True)]
    code = read_db(lambda: User.get(User.username == "lan").share_code)
    assert code and got["share_url"].endswith(f"/teams/{team['id']}?s={code}")
    assert got["status"] == "open" and got["seats_left"] == 2


def test_a_team_left_empty_fails_at_once_and_takes_no_stranger(world):
    api, deal_id = world["api"], world["deal"]["id"]
    team, _ = seated(open_team(api, world["buyer"], deal_id))
    assert leave(api, world["buyer"], team["id"]).status_code == 200
    assert team_row(team["id"]).status == "failed"
    assert error(join(api, api.user("zhu"), team["id"])) == (409, "team_closed")
    # the one who left may start again
    again, _ = seated(open_team(api, world["buyer"], deal_id, key="seat-again-01"))
    assert again["id"] != team["id"]


def test_a_product_moved_to_another_currency_ends_its_deal_for_seats(world):
    api, deal_id = world["api"], world["deal"]["id"]
    resp = api.call(
        "PATCH",
        f"/api/v1/products/{world['tea']}",
        token=world["merchant"],
        json={"currency": "USD"},
    )
    assert resp.status_code == 200, resp.get_json()
    assert error(open_team(api, world["buyer"], deal_id)) == (409, "deal_closed")


def test_a_suspended_shops_deal_and_teams_answer_404_to_strangers(world):
    api, deal_id = world["api"], world["deal"]["id"]
    team, _ = seated(open_team(api, world["buyer"], deal_id))
    read_db(
        lambda: (
            User.update(status="suspended").where(User.username == "teashop").execute()
        )
    )
    assert api.call("GET", f"/api/v1/group-buys/{deal_id}").status_code == 404
    assert api.call("GET", f"/api/v1/teams/{team['id']}").status_code == 404
    stranger = api.user("zhu")
    resp = api.call("GET", f"/api/v1/teams/{team['id']}", token=stranger)
    assert resp.status_code == 404
    # its member still sees their team
    resp = api.call("GET", f"/api/v1/teams/{team['id']}", token=world["buyer"])
    assert resp.status_code == 200
