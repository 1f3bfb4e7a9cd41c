"""Every rule of group buying (拼团), by the API and, where a clock matters, by the
rules themselves: who makes a deal and within which bounds, what a seat is (an
order of one line at the group price, stock taken once and given back once), who
may sit where, the last seat, leaving, and the leader's share link.

The world (tests/factories/group_buy.py): teashop's tea (¥168.00, 20 in stock),
mei, and a deal of the tea at ¥99.00 for teams of 3 within an hour, 2 a buyer."""

import datetime
import json

import pytest

from livestall.accounts.models import User
from livestall.attribution.models import AttributionCredit
from livestall.group_buy import teams
from livestall.group_buy.models import GroupBuy, Team, TeamMember
from livestall.orders import lifecycle
from livestall.orders.models import LineAdjustment, Order, OrderLine
from tests.factories.group_buy import (
    cancel_events,
    deal,
    deal_body,
    ends_in,
    error,
    join,
    kinds,
    leave,
    made_deal,
    members,
    open_team,
    order_status,
    orders_count,
    seated,
    stock,
    team_row,
)
from tests.factories.orders import SHIP, Browser, move
from tests.plugins.app import read_db, text

SHIPPED = {"tracking_number": "SF1234567"}


@pytest.fixture
def world(group_buy_world):
    return group_buy_world()


@pytest.fixture
def bare(orders_world):
    """The orders world (tea and teashop, cup; potshop's pot) with no deal yet."""
    return orders_world(only=["tea", "cup", "pot"])


def _deals():
    return read_db(lambda: GroupBuy.select().count())


# --- deals ----------------------------------------------------------------------------


def test_only_the_products_own_merchant_makes_a_deal(bare):
    api = bare["api"]
    assert error(deal(api, bare["buyer"], bare["tea"])) == (403, "forbidden")
    assert error(deal(api, None, bare["tea"]))[0] == 401
    # potshop offering teashop's tea: as if it did not exist
    resp = deal(api, bare["other"], bare["tea"])
    assert error(resp) == (400, "invalid")
    assert resp.get_json()["error"]["field"] == "product_id"
    assert _deals() == 0
    made = made_deal(api, bare["other"], bare["pot"], price_cents=100)
    assert made["product_id"] == bare["pot"] and made["list_price_cents"] == 39900
    assert made["status"] == "active" and made["virtual_fill"] is False


@pytest.mark.parametrize(
    ("field", "value", "ok"),
    [
        ("price_cents", 16800, False),  # the list price itself
        ("price_cents", 16799, True),
        ("price_cents", 1, True),
        ("price_cents", 0, False),
        ("price_cents", -5, False),
        ("team_size", 1, False),
        ("team_size", 2, True),
        ("team_size", 50, True),
        ("team_size", 51, False),
        ("team_window_s", 59, False),
        ("team_window_s", 60, True),
        ("team_window_s", 7 * 86400, True),
        ("team_window_s", 7 * 86400 + 1, False),
        ("per_user_limit", 0, False),
        ("per_user_limit", 5, True),
        ("per_user_limit", 100, False),
        ("virtual_fill", True, True),
        ("virtual_fill", "yes", False),
        ("virtual_fill", 1, False),
        ("ends_at", "past", False),
        ("ends_at", "30s", False),
        ("ends_at", "2h", True),
        ("ends_at", "91d", False),
    ],
)
def test_deal_bounds(bare, field, value, ok):
    value = {
        "past": ends_in(hours=-1),
        "30s": ends_in(seconds=30),
        "2h": ends_in(hours=2),
        "91d": ends_in(days=91),
    }.get(value, value)
    resp = deal(bare["api"], bare["merchant"], bare["tea"], **{field: value})
    if ok:
        assert resp.status_code == 201, resp.get_json()
        got = resp.get_json()["group_buy"]
        if field != "ends_at":
            assert got[field] == value
    else:
        assert error(resp) == (400, "invalid"), resp.get_json()
        assert resp.get_json()["error"]["field"] == field
        assert _deals() == 0


def test_bad_json_is_400_never_500(bare):
    api, m, tea = bare["api"], bare["merchant"], bare["tea"]
    strange = [None, "1", 1.5, [], {}, True, 2**64, -(2**64), "", "\x00", "9" * 500]
    for field in (
        "product_id",
        "price_cents",
        "team_size",
        "team_window_s",
        "per_user_limit",
        "ends_at",
        "virtual_fill",
    ):
        for value in strange:
            if field == "per_user_limit" and value is None:
                continue  # absent: the default, 1
            if field == "virtual_fill" and value in (None, True):
                continue  # absent: false; true is a good value
            body = {**deal_body(tea), field: value}
            resp = api.call("POST", "/api/v1/group-buys", token=m, json=body)
            assert resp.status_code == 400, (field, value, resp.get_json())
    for body in ([deal_body(tea)], "x", 5, None):
        resp = api.call(
            "POST",
            "/api/v1/group-buys",
            token=m,
            data=json.dumps(body),
            content_type="application/json",
        )
        assert resp.status_code == 400, (body, resp.get_json())
    resp = api.call("POST", "/api/v1/group-buys", token=m, data="{nope")
    assert resp.status_code in (400, 415)
    resp = api.call(
        "POST",
        "/api/v1/group-buys",
        token=m,
        data="{nope",
        content_type="application/json",
    )
    assert resp.status_code == 400
    for odd in ("2026-13-40T25:00:00Z", "tomorrow", "0001-01-01T00:00:00+14:00"):
        assert deal(api, m, tea, ends_at=odd).status_code == 400, odd
    assert _deals() == 0


def test_a_seat_body_of_the_wrong_types_is_400(world):
    api, buyer, deal_id = world["api"], world["buyer"], world["deal"]["id"]
    for body in (
        {"qty": "1"},
        {"qty": 1.0},
        {"qty": True},
        {"qty": 3},  # above the deal's per-user limit
        {"qty": 0},
        {"payment_method": ["cod"]},
        {"payment_method": {"a": 1}},
        {"shipping": "somewhere"},
        {"shipping": {**SHIP, "phone": 138}},
        {"address_id": "1"},
        {"idempotency_key": 12345678},
        {"idempotency_key": "short"},
    ):
        resp = open_team(api, buyer, deal_id, **body)
        assert resp.status_code == 400, (body, resp.get_json())
    resp = api.call(
        "POST", f"/api/v1/group-buys/{deal_id}/teams", token=buyer, json=[1]
    )
    assert resp.status_code == 400
    assert read_db(lambda: (Team.select().count(), Order.select().count())) == (0, 0)
    assert stock(world["tea"]) == 20


def test_one_running_deal_per_product_and_ending_it(world):
    api, m, tea = world["api"], world["merchant"], world["tea"]
    first = world["deal"]
    resp = deal(api, m, tea, price_cents=8000)
    assert error(resp) == (409, "already_exists")
    # a team is open before the deal ends
    team, _ = seated(open_team(api, world["buyer"], first["id"]))
    # only its merchant ends it: another merchant is told it does not exist
    other = api.user("potshop", role="merchant")
    end = f"/api/v1/group-buys/{first['id']}/end"
    assert error(api.call("POST", end, token=other)) == (404, "not_found")
    assert error(api.call("POST", end, token=world["buyer"])) == (403, "forbidden")
    assert error(api.call("POST", "/api/v1/group-buys/999/end", token=m))[0] == 404
    resp = api.call("POST", end, token=m)
    assert resp.status_code == 200 and resp.get_json()["group_buy"]["status"] == "ended"
    # no new team; the open one may still be joined (and fills)
    lan, zhu = api.user("lan"), api.user("zhu")
    assert error(open_team(api, lan, first["id"])) == (409, "deal_closed")
    seated(join(api, lan, team["id"]))
    done, _ = seated(join(api, zhu, team["id"]))
    assert done["status"] == "succeeded"
    # ended, the product may have a new deal
    second = made_deal(api, m, tea, price_cents=8000)
    assert second["id"] != first["id"] and second["status"] == "active"


# --- a seat ---------------------------------------------------------------------------


def test_a_seat_is_one_line_at_the_group_price_and_stock_moves_once(world):
    api, mei, tea = world["api"], world["buyer"], world["tea"]
    team, order = seated(open_team(api, mei, world["deal"]["id"], qty=2))
    assert [
        (i["product_id"], i["qty"], i["unit_price_cents"]) for i in order["items"]
    ] == [(tea, 2, 9900)]
    assert team["seats_left"] == 2 and team["members"][0]["is_leader"] is True
    assert stock(tea) == 18

    def adjustments():
        line = OrderLine.get(OrderLine.order == order["id"])
        return [
            (a.kind, a.amount_cents)
            for a in LineAdjustment.select().where(LineAdjustment.line == line.id)
        ]

    found = read_db(adjustments)
    assert [kind for kind, _ in found] == ["group"]
    assert found[0][1] == (16800 - 9900) * 2  # the discount of the line
    # the buyer cancels: stock back once, a second cancel changes nothing
    assert move(api, mei, order["id"], "cancelled").status_code == 200
    assert stock(tea) == 20
    assert move(api, mei, order["id"], "cancelled").status_code in (403, 409)
    assert stock(tea) == 20 and cancel_events(order["id"]) == 1
    assert team_row(team["id"]).seats_taken == 0


def test_out_of_stock_leaves_no_team_and_no_seat(group_buy_world):
    world = group_buy_world(stock=1)
    api, deal_id = world["api"], world["deal"]["id"]
    resp = open_team(api, world["buyer"], deal_id, qty=2)
    assert error(resp) == (409, "out_of_stock")
    assert read_db(lambda: (Team.select().count(), TeamMember.select().count())) == (
        0,
        0,
    )
    assert orders_count() == 0 and stock(world["tea"]) == 1
    team, _ = seated(open_team(api, world["buyer"], deal_id))
    lan = api.user("lan")
    assert error(join(api, lan, team["id"])) == (409, "out_of_stock")
    assert team_row(team["id"]).seats_taken == 1
    assert len(members(team["id"])) == 1 and orders_count() == 1
    assert stock(world["tea"]) == 0


def test_idempotency_of_a_seat(world):
    api, mei, deal_id = world["api"], world["buyer"], world["deal"]["id"]
    first = open_team(api, mei, deal_id, "same-key-0001")
    team, order = seated(first)
    again = open_team(api, mei, deal_id, "same-key-0001")
    assert again.status_code == 200
    assert again.get_json()["team"]["id"] == team["id"]
    assert again.get_json()["order"]["id"] == order["id"]
    other = open_team(api, mei, deal_id, "same-key-0001", qty=2)
    assert error(other) == (409, "idempotency_conflict")
    lan = api.user("lan")
    seated(join(api, lan, team["id"], "lan-key-0001"))
    replay = join(api, lan, team["id"], "lan-key-0001")
    assert replay.status_code == 200 and replay.get_json()["team"]["id"] == team["id"]
    assert error(
        join(api, lan, team["id"], "lan-key-0001", payment_method="bank_transfer")
    ) == (
        409,
        "idempotency_conflict",
    )
    # the key of a plain order is not a seat
    plain = api.call(
        "POST",
        "/api/v1/orders",
        token=api.user("zhu"),
        json={
            "items": [{"product_id": world["tea"], "qty": 1}],
            "shipping": SHIP,
            "idempotency_key": "zhu-key-0001",
        },
    )
    assert plain.status_code == 201
    assert orders_count() == 3 and stock(world["tea"]) == 17
    assert team_row(team["id"]).seats_taken == 2


def test_a_team_expires_after_its_window_never_after_the_deal(world):
    api, m, tea = world["api"], world["merchant"], world["tea"]

    def opened(deal_id, now):
        def run():
            buyer = User.get(User.username == "mei")
            body = {"idempotency_key": f"clock-{deal_id}-0001", "shipping": SHIP}
            team, _order, _ = teams.open_team(buyer, deal_id, body, now=now)
            return team

        return read_db(run)

    now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None, microsecond=0)
    team = opened(world["deal"]["id"], now)
    assert team.expires_at == now + datetime.timedelta(seconds=3600)
    # a deal ending in 10 minutes: its teams end with it
    api.call("POST", f"/api/v1/group-buys/{world['deal']['id']}/end", token=m)
    short = made_deal(api, m, tea, ends_at=ends_in(minutes=10), team_window_s=86400)
    deal_end = read_db(lambda: GroupBuy.get_by_id(short["id"]).ends_at)
    lan = api.user("lan")
    team, _ = seated(open_team(api, lan, short["id"]))
    assert read_db(lambda: Team.get_by_id(team["id"]).expires_at) == deal_end


# --- who sits where -------------------------------------------------------------------


def test_one_open_team_per_buyer_and_never_twice_in_one(world):
    api, mei, deal_id = world["api"], world["buyer"], world["deal"]["id"]
    team, _ = seated(open_team(api, mei, deal_id))
    assert error(open_team(api, mei, deal_id)) == (409, "already_in_team")
    assert error(join(api, mei, team["id"])) == (409, "already_in_team")  # her own
    lan = api.user("lan")
    other, _ = seated(open_team(api, lan, deal_id))
    assert error(join(api, mei, other["id"])) == (409, "already_in_team")
    seated(join(api, api.user("zhu"), team["id"]))
    assert error(join(api, lan, team["id"])) == (409, "already_in_team")
    # the merchant cannot take a seat of their own product
    resp = join(api, world["merchant"], team["id"])
    assert (
        resp.status_code in (400, 403) and "own" in resp.get_json()["error"]["message"]
    )
    assert [(name, status) for name, status, *_ in members(team["id"])] == [
        ("mei", "active"),
        ("zhu", "active"),
    ]
    assert team_row(team["id"]).seats_taken == 2 and orders_count() == 3


def test_the_per_user_limit_counts_every_live_seat(group_buy_world):
    world = group_buy_world(team_size=2, per_user_limit=2)
    api, mei, deal_id = world["api"], world["buyer"], world["deal"]["id"]
    team, first = seated(open_team(api, mei, deal_id))
    done, _ = seated(join(api, api.user("lan"), team["id"]))
    assert done["status"] == "succeeded"
    # 1 unit in a formed team: one more, not two
    assert error(open_team(api, mei, deal_id, qty=2)) == (409, "limit_reached")
    second_team, second = seated(open_team(api, mei, deal_id))
    other, _ = seated(open_team(api, api.user("zhu"), deal_id))
    assert error(join(api, mei, other["id"])) == (409, "limit_reached")
    # a cancelled seat no longer counts, and no longer holds her in its team
    assert move(api, mei, second["id"], "cancelled").status_code == 200
    assert error(join(api, mei, other["id"], qty=2)) == (409, "limit_reached")
    third, _ = seated(join(api, mei, other["id"]))
    assert third["status"] == "succeeded"
    assert stock(world["tea"]) == 20 - 4  # lan's, zhu's and mei's two


# --- the last seat --------------------------------------------------------------------


def test_the_last_seat_forms_the_team_once_and_the_next_joiner_gets_nothing(app, world):
    api, mei, deal_id, tea = (
        world["api"],
        world["buyer"],
        world["deal"]["id"],
        world["tea"],
    )
    team, order = seated(open_team(api, mei, deal_id))
    # not formed: the merchant may not ship, and the page does not offer it
    resp = move(api, world["merchant"], order["id"], "shipped", **SHIPPED)
    assert error(resp) == (409, "team_not_formed")
    shop = Browser(app, "teashop", signup=False)
    page = text(shop.get(f"/orders/{order['id']}"))
    assert 'value="cancelled"' in page and 'value="shipped"' not in page
    lan, zhu, dan = api.user("lan"), api.user("zhu"), api.user("dan")
    mid, _ = seated(join(api, lan, team["id"]))
    assert mid["status"] == "open" and mid["seats_left"] == 1
    done, _ = seated(join(api, zhu, team["id"]))
    assert done["status"] == "succeeded" and done["seats_left"] == 0
    assert done["closed_at"] is not None
    before = (orders_count(), stock(tea))
    assert error(join(api, dan, team["id"])) in (
        (409, "team_full"),
        (409, "team_closed"),
    )
    assert (orders_count(), stock(tea)) == before == (3, 17)
    for token in (mei, lan, zhu):
        formed = kinds(api, token, "team_formed")
        assert len(formed) == 1 and formed[0]["team_id"] == team["id"]
        assert formed[0]["virtual"] is False
    assert kinds(api, dan) == []
    assert "team_joined" in kinds(api, mei)
    # formed: it ships, and the page offers it
    page = text(shop.get(f"/orders/{order['id']}"))
    assert 'value="shipped"' in page
    resp = move(api, world["merchant"], order["id"], "shipped", **SHIPPED)
    assert resp.status_code == 200, resp.get_json()
    assert team_row(team["id"]).status == "succeeded"


# --- leaving --------------------------------------------------------------------------


def test_leaving_frees_the_seat_and_the_stock_once(world):
    api, mei, deal_id, tea = (
        world["api"],
        world["buyer"],
        world["deal"]["id"],
        world["tea"],
    )
    team, _ = seated(open_team(api, mei, deal_id))
    lan = api.user("lan")
    _, lan_order = seated(join(api, lan, team["id"], qty=2))
    assert stock(tea) == 17
    resp = leave(api, lan, team["id"])
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["team"]["seats_left"] == 2
    assert resp.get_json()["order"]["status"] == "cancelled"
    assert stock(tea) == 19 and cancel_events(lan_order["id"]) == 1
    assert error(leave(api, lan, team["id"])) == (404, "not_found")
    assert stock(tea) == 19
    # a stranger is not in it; another's team id is no way in
    assert error(leave(api, api.user("dan"), team["id"])) == (404, "not_found")
    assert error(leave(api, lan, 99999)) == (404, "not_found")
    # she may come back (a fresh seat)
    back, _ = seated(join(api, lan, team["id"]))
    assert back["seats_left"] == 1
    # the buyer's own cancel frees the seat too
    _, order = team_row(team["id"]), None
    order = [o for n, s, o, _ in members(team["id"]) if n == "lan" and s == "active"][0]
    assert move(api, lan, order, "cancelled").status_code == 200
    got = api.call("GET", f"/api/v1/teams/{team['id']}").get_json()["team"]
    assert got["seats_left"] == 2 and stock(tea) == 19
    assert [m["username"] for m in got["members"]] == ["mei"]


def test_a_paid_seat_is_refunded_on_leaving(world):
    api, mei, deal_id, tea = (
        world["api"],
        world["buyer"],
        world["deal"]["id"],
        world["tea"],
    )
    team, _ = seated(open_team(api, mei, deal_id))
    lan = api.user("lan")
    _, order = seated(join(api, lan, team["id"], payment_method="bank_transfer"))
    assert move(api, world["merchant"], order["id"], "paid").status_code == 200
    resp = leave(api, lan, team["id"])
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["order"]["status"] == "refunded"
    assert order_status(order["id"]) == "refunded" and stock(tea) == 19
    assert cancel_events(order["id"]) == 1
    assert team_row(team["id"]).seats_taken == 1
    # the merchant must send the transfer back: they are told
    assert len(kinds(api, world["merchant"], "order_refunded")) == 1
    assert kinds(api, lan, "order_refunded") == []  # the buyer did it


def test_no_leaving_a_formed_team(world):
    api, mei, deal_id = world["api"], world["buyer"], world["deal"]["id"]
    team, order = seated(open_team(api, mei, deal_id))
    seated(join(api, api.user("lan"), team["id"]))
    seated(join(api, api.user("zhu"), team["id"]))
    assert error(leave(api, mei, team["id"])) == (409, "team_closed")
    assert order_status(order["id"]) == "pending_payment"
    assert team_row(team["id"]).seats_taken == 3


# --- attribution ----------------------------------------------------------------------


def test_a_join_through_the_leaders_share_link_credits_the_leader(app, group_buy_world):
    from livestall.content import social

    world = group_buy_world()
    api = world["api"]
    team, _ = seated(open_team(api, world["buyer"], world["deal"]["id"]))
    mei_id = read_db(lambda: User.get(User.username == "mei").id)
    code = read_db(lambda: social.share_code_for(User.get_by_id(mei_id)))
    assert team["share_url"].endswith(f"/teams/{team['id']}?s={code}")
    lan = api.user("lan")
    browser = Browser(app, "lan", signup=False)
    # the team page's share link: a share of the deal's product
    page = browser.get(f"/teams/{team['id']}?s={code}")
    assert page.status_code == 302 and page.location == f"/teams/{team['id']}"
    _, order = seated(join(api, lan, team["id"], source=f"share:{mei_id}"))

    def credited():
        line = OrderLine.get(OrderLine.order == order["id"])
        found = AttributionCredit.select().where(
            AttributionCredit.order_id == order["id"]
        )
        return line.source, [(c.kind, c.earner_id) for c in found]

    source, credits = read_db(credited)
    assert source == f"share:{mei_id}"
    assert credits == [("share_visit", mei_id)]
    # a claim without the visit earns nothing
    zhu = api.user("zhu")
    _, order = seated(join(api, zhu, team["id"], source=f"share:{mei_id}"))
    source, credits = read_db(credited)
    assert source is None and "share_visit" not in [kind for kind, _ in credits]


def test_orders_of_an_unformed_team_are_held_by_the_rule(world):
    api, mei, deal_id = world["api"], world["buyer"], world["deal"]["id"]
    _, order = seated(open_team(api, mei, deal_id))

    def held():
        o = Order.get_by_id(order["id"])
        merchant = User.get(User.username == "teashop")
        return lifecycle.fulfilment_hold(o).code, lifecycle.allowed_moves(merchant, o)

    code, moves = read_db(held)
    assert code == "team_not_formed" and "shipped" not in moves
    assert "cancelled" in moves
