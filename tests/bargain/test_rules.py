"""Every rule of bargaining (砍价), by the API and, where a clock matters, by the
rules themselves: who makes a campaign and within which bounds, a shopper's one
live record, who may help and how often (the owner, twice, the daily cap, the
accounts' age, the address), and buying (the record's price, once, the campaign's
units, expired records, cancelling, coupons, odd bodies, idempotency).

The world (tests/factories/bargain.py): teashop's tea (¥168.00, 20 in stock), mei,
and a campaign of the tea from ¥100.00 to ¥10.00 in 3 helps, records open an
hour, 5 units, 1 a shopper."""

import datetime
import json

import pytest

from livestall.accounts.models import User
from livestall.bargain import buying, helping
from livestall.bargain.models import Bargain, BargainHelp, BargainRecord
from livestall.db.base import utcnow
from livestall.errors import DomainError
from livestall.orders.models import LineAdjustment, Order, OrderLine
from tests.factories import bargain as bf
from tests.factories.group_buy import ends_in, error, kinds, orders_count, stock
from tests.factories.orders import SHIP, move, place
from tests.plugins.app import read_db

HELP_PATH = "/api/v1/bargain-records/{}/help"


@pytest.fixture
def world(bargain_world):
    return bargain_world()


@pytest.fixture
def bare(orders_world):
    """The orders world (teashop's tea and cup, potshop's pot) with no campaign."""
    return orders_world(only=["tea", "cup", "pot"])


def _campaigns():
    return read_db(lambda: Bargain.select().count())


def _age(username, **delta):
    """`username` signed up `delta` ago."""
    then = utcnow() - datetime.timedelta(**delta)
    read_db(
        lambda: User.update(created_at=then).where(User.username == username).execute()
    )


def _backdate(record_id, seconds=1):
    """The record's time ran out `seconds` ago (nothing swept it)."""
    past = utcnow() - datetime.timedelta(seconds=seconds)
    read_db(
        lambda: (
            BargainRecord.update(expires_at=past)
            .where(BargainRecord.id == record_id)
            .execute()
        )
    )


def _helped(api, token, record_id, **kw):
    resp = bf.help_cut(api, token, record_id, **kw)
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


def _bought(resp):
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()["order"]


def _rule(fn):
    """Run a rule outside any request: its result, or its error's code."""

    def run():
        try:
            return fn()
        except DomainError as exc:
            return exc.code

    return read_db(run)


def _user(name):
    return User.get(User.username == name)


# --- campaigns ------------------------------------------------------------------------


def test_only_the_products_own_merchant_makes_a_campaign(bare):
    api, tea = bare["api"], bare["tea"]
    assert error(bf.campaign(api, bare["buyer"], tea)) == (403, "forbidden")
    assert error(bf.campaign(api, None, tea))[0] == 401
    # potshop bargaining teashop's tea: as if it did not exist
    for product_id in (tea, 999_999):
        resp = bf.campaign(api, bare["other"], product_id)
        assert error(resp) == (400, "invalid")
        assert resp.get_json()["error"]["field"] == "product_id"
    assert _campaigns() == 0
    made = bf.made_campaign(
        api, bare["other"], bare["pot"], start_price_cents=39900, units=3
    )
    assert made["product_id"] == bare["pot"] and made["list_price_cents"] == 39900
    assert made["status"] == "active" and made["units_left"] == 3
    assert made["min_account_age_min"] == 0 and made["per_user_limit"] == 1


BOUNDS = [
    ("start_price_cents", 16800, True),  # the list price itself
    ("start_price_cents", 16801, False),
    ("start_price_cents", 1, False),
    ("floor_price_cents", 0, False),
    ("floor_price_cents", 1, True),
    ("floor_price_cents", 9997, True),  # 3 cents for 3 helps
    ("floor_price_cents", 9998, False),  # 2 cents cannot make 3 cuts
    ("floor_price_cents", 10000, False),  # the start price
    ("helpers_needed", 0, False),
    ("helpers_needed", 1, True),
    ("helpers_needed", 100, True),
    ("helpers_needed", 101, False),
    ("record_window_s", 59, False),
    ("record_window_s", 60, True),
    ("record_window_s", 7 * 86400, True),
    ("record_window_s", 7 * 86400 + 1, False),
    ("units", 0, False),
    ("units", 20, True),  # all the stock
    ("units", 21, False),
    ("per_user_limit", 0, False),
    ("per_user_limit", 99, True),
    ("per_user_limit", 100, False),
    ("min_account_age_min", -1, False),
    ("min_account_age_min", 0, True),
    ("min_account_age_min", 30 * 24 * 60, True),
    ("min_account_age_min", 30 * 24 * 60 + 1, False),
    ("ends_at", "past", False),
    ("ends_at", "30s", False),
    ("ends_at", "2h", True),
    ("ends_at", "91d", False),
]


def test_campaign_bounds(bare):
    """Each bound (the good ones are made, then ended for the next)."""
    api, m, tea = bare["api"], bare["merchant"], bare["tea"]
    made = 0
    for field, value, ok in BOUNDS:
        sent = {
            "past": ends_in(hours=-1),
            "30s": ends_in(seconds=30),
            "2h": ends_in(hours=2),
            "91d": ends_in(days=91),
        }.get(value, value)
        resp = bf.campaign(api, m, tea, **{field: sent})
        if ok:
            assert resp.status_code == 201, (field, value, resp.get_json())
            got = resp.get_json()["bargain"]
            if field != "ends_at":
                assert got[field] == value
            made += 1
            end = api.call("POST", f"/api/v1/bargains/{got['id']}/end", token=m)
            assert end.get_json()["bargain"]["status"] == "ended"
        else:
            assert error(resp) == (400, "invalid"), (field, value, resp.get_json())
            assert resp.get_json()["error"]["field"] == field, (field, value)
        assert _campaigns() == made, (field, value)


def test_products_that_cannot_be_bargained(bare):
    api, m = bare["api"], bare["merchant"]
    cheap = api.product(m, title="火柴", price_cents=1)["id"]
    resp = bf.campaign(api, m, cheap, start_price_cents=1, floor_price_cents=None)
    assert error(resp) == (400, "invalid")
    assert resp.get_json()["error"]["field"] == "price_cents"
    empty = api.product(m, title="空罐", price_cents=16800, stock=0)["id"]
    resp = bf.campaign(api, m, empty)
    assert error(resp) == (400, "invalid")
    assert resp.get_json()["error"]["field"] == "units"
    assert _campaigns() == 0


def test_a_campaign_body_of_the_wrong_types_is_400_never_500(bare):
    api, m, tea = bare["api"], bare["merchant"], bare["tea"]
    strange = [None, "1", 1.5, [], {}, True, 2**64, -(2**64), "", "\x00", "9" * 500]
    optional = ("per_user_limit", "min_account_age_min")
    for field in (
        "product_id",
        "start_price_cents",
        "floor_price_cents",
        "helpers_needed",
        "record_window_s",
        "units",
        "ends_at",
        *optional,
    ):
        for value in strange:
            if field in optional and value is None:
                continue  # absent: the default
            body = {**bf.campaign_body(tea), field: value}
            resp = api.call("POST", "/api/v1/bargains", token=m, json=body)
            assert error(resp) == (400, "invalid"), (field, value, resp.get_json())
            assert resp.get_json()["error"]["field"] == field, (field, value)
    for body in ([bf.campaign_body(tea)], "x", 5, None):
        resp = api.call(
            "POST",
            "/api/v1/bargains",
            token=m,
            data=json.dumps(body),
            content_type="application/json",
        )
        assert resp.status_code == 400, (body, resp.get_json())
    for odd in ("2026-13-40T25:00:00Z", "tomorrow", "0001-01-01T00:00:00+14:00"):
        assert bf.campaign(api, m, tea, ends_at=odd).status_code == 400, odd
    assert _campaigns() == 0


def test_one_running_campaign_per_product_and_ending_it(world):
    api, m, tea, mei = world["api"], world["merchant"], world["tea"], world["buyer"]
    first = world["bargain"]
    assert error(bf.campaign(api, m, tea, floor_price_cents=500)) == (
        409,
        "already_exists",
    )
    record = bf.started(api, mei, first["id"])
    # only its merchant ends it: another merchant is told it does not exist
    other = api.user("potshop", role="merchant")
    end = f"/api/v1/bargains/{first['id']}/end"
    assert error(api.call("POST", end, token=other)) == (404, "not_found")
    assert error(api.call("POST", end, token=mei)) == (403, "forbidden")
    assert error(api.call("POST", "/api/v1/bargains/999/end", token=m))[0] == 404
    resp = api.call("POST", end, token=m)
    assert resp.status_code == 200 and resp.get_json()["bargain"]["status"] == "ended"
    # no new record; the open one runs on: helped and bought
    lan = api.user("lan")
    assert error(bf.start(api, lan, first["id"])) == (409, "bargain_closed")
    _helped(api, lan, record["id"])
    # mei asking again gets her record back, even now the campaign ended
    again = bf.start(api, mei, first["id"])
    assert again.status_code == 200 and again.get_json()["record"]["id"] == record["id"]
    _bought(bf.buy(api, mei, record["id"]))
    second = bf.made_campaign(api, m, tea, floor_price_cents=500)
    assert second["id"] != first["id"] and second["status"] == "active"


# --- records --------------------------------------------------------------------------


def test_starting_again_returns_the_same_record(world):
    api, mei, campaign = world["api"], world["buyer"], world["bargain"]
    first = bf.start(api, mei, campaign["id"])
    assert first.status_code == 201
    record = first.get_json()["record"]
    assert record["price_cents"] == record["start_price_cents"] == 10000
    assert record["floor_price_cents"] == 1000 and record["helpers_needed"] == 3
    assert record["status"] == "open" and record["helpers"] == 0
    assert record["owner"] == "mei" and record["helps"] == []
    code = read_db(lambda: _user("mei").share_code)
    assert code and record["share_url"].endswith(
        f"/bargain-records/{record['id']}?s={code}"
    )
    expires = read_db(lambda: BargainRecord.get_by_id(record["id"]))
    assert expires.expires_at - expires.created_at == datetime.timedelta(hours=1)
    _helped(api, api.user("lan"), record["id"])
    again = bf.start(api, mei, campaign["id"])
    assert again.status_code == 200
    assert again.get_json()["record"]["id"] == record["id"]
    assert again.get_json()["record"]["helpers"] == 1
    assert read_db(lambda: BargainRecord.select().count()) == 1
    # the merchant does not bargain on their own product; nobody on no campaign
    own = bf.start(api, world["merchant"], campaign["id"])
    assert error(own) == (403, "forbidden")
    assert error(bf.start(api, mei, 999_999)) == (404, "not_found")
    assert error(bf.start(api, None, campaign["id"]))[0] == 401


def test_a_record_ends_with_its_campaign_never_after(world):
    api, m, tea = world["api"], world["merchant"], world["tea"]
    api.call("POST", f"/api/v1/bargains/{world['bargain']['id']}/end", token=m)
    short = bf.made_campaign(
        api, m, tea, ends_at=ends_in(minutes=10), record_window_s=86400
    )
    record = bf.started(api, world["buyer"], short["id"])
    ends_at = bf.campaign_row(short["id"]).ends_at
    assert bf.record_row(record["id"]).expires_at == ends_at


def test_the_per_user_limit_counts_live_orders(bargain_world):
    world = bargain_world(per_user_limit=1)
    api, mei, campaign_id = world["api"], world["buyer"], world["bargain"]["id"]
    first = bf.started(api, mei, campaign_id)
    order = _bought(bf.buy(api, mei, first["id"]))
    assert error(bf.start(api, mei, campaign_id)) == (409, "limit_reached")
    # a cancelled order no longer counts: a new record (not the bought one)
    assert move(api, mei, order["id"], "cancelled").status_code == 200
    second = bf.start(api, mei, campaign_id)
    assert second.status_code == 201, second.get_json()
    assert second.get_json()["record"]["id"] != first["id"]
    assert bf.record_row(first["id"]).status == "ordered"


def test_a_limit_of_two_lets_a_shopper_bargain_twice(bargain_world):
    world = bargain_world(per_user_limit=2)
    api, mei, campaign_id = world["api"], world["buyer"], world["bargain"]["id"]
    for _ in range(2):
        record = bf.started(api, mei, campaign_id)
        _bought(bf.buy(api, mei, record["id"]))
    assert error(bf.start(api, mei, campaign_id)) == (409, "limit_reached")
    assert bf.campaign_row(campaign_id).units_sold == 2


# --- helping --------------------------------------------------------------------------


def test_a_help_cuts_once_per_friend_never_the_owner(world):
    api, mei = world["api"], world["buyer"]
    record = bf.started(api, mei, world["bargain"]["id"])
    own = bf.help_cut(api, mei, record["id"])
    assert error(own) == (403, "forbidden")
    assert error(bf.help_cut(api, None, record["id"]))[0] == 401
    lan = api.user("lan")
    got = _helped(api, lan, record["id"])
    cut = got["cut_cents"]
    # the first of 3 cuts of 9000 cents: 20-80% of the 8998 that may go now
    assert 1800 <= cut <= 7198
    assert got["record"]["price_cents"] == 10000 - cut
    assert got["record"]["helpers"] == 1 and got["record"]["status"] == "open"
    assert got["record"]["helps"][0]["username"] == "lan"
    twice = bf.help_cut(api, lan, record["id"])
    assert error(twice) == (409, "already_helped")
    assert bf.record_row(record["id"]).price_cents == 10000 - cut
    assert bf.helps(record["id"]) == [("lan", cut, 1)]
    assert error(bf.help_cut(api, lan, 999_999)) == (404, "not_found")
    helped = kinds(api, mei, "bargain_helped")
    assert len(helped) == 1 and helped[0]["cut_cents"] == cut
    assert helped[0]["username"] == "lan" and helped[0]["helpers"] == 1


def test_the_nth_help_lands_on_the_floor_and_closes_helping(bargain_world):
    world = bargain_world(helpers_needed=5, floor_price_cents=9995)  # a cent each
    api, mei = world["api"], world["buyer"]
    record = bf.started(api, mei, world["bargain"]["id"])
    friends = [f"friend{i}" for i in range(6)]
    tokens = {name: api.user(name) for name in friends}
    for name in friends[:5]:
        assert _helped(api, tokens[name], record["id"])["cut_cents"] == 1
    row = bf.record_row(record["id"])
    assert (row.status, row.price_cents, row.helpers) == ("succeeded", 9995, 5)
    assert row.succeeded_at is not None and row.live_key == row.bargain_id
    assert error(bf.help_cut(api, tokens["friend5"], record["id"])) == (
        409,
        "record_closed",
    )
    assert [nth for _, _, nth in bf.helps(record["id"])] == [1, 2, 3, 4, 5]
    assert len(kinds(api, mei, "bargain_succeeded")) == 1


def test_a_helper_helps_a_few_records_a_day(world, app, monkeypatch):
    monkeypatch.setitem(app.config, "BARGAIN_HELPS_PER_DAY", 2)
    api, campaign_id = world["api"], world["bargain"]["id"]
    owners = [world["buyer"], api.user("lan"), api.user("zhu")]
    records = [bf.started(api, token, campaign_id)["id"] for token in owners]
    dan = api.user("dan")
    for record_id in records[:2]:
        _helped(api, dan, record_id)
    assert error(bf.help_cut(api, dan, records[2])) == (409, "help_limit")
    assert bf.record_row(records[2]).helpers == 0
    # another helper is not counted with dan
    _helped(api, api.user("eve"), records[2])
    # the count is of today (UTC): yesterday's helps do not count
    yesterday = utcnow() - datetime.timedelta(days=1)

    def move_to_yesterday():
        dan_id = _user("dan").id
        BargainHelp.update(created_at=yesterday).where(
            BargainHelp.helper == dan_id
        ).execute()

    read_db(move_to_yesterday)
    _helped(api, dan, records[2])


def test_the_default_daily_cap_is_three(world):
    api, campaign_id = world["api"], world["bargain"]["id"]
    owners = [world["buyer"], *(api.user(n) for n in ("lan", "zhu", "dan"))]
    records = [bf.started(api, token, campaign_id)["id"] for token in owners]
    eve = api.user("eve")
    for record_id in records[:3]:
        _helped(api, eve, record_id)
    assert error(bf.help_cut(api, eve, records[3])) == (409, "help_limit")


def test_a_campaign_may_refuse_young_accounts(bargain_world):
    world = bargain_world(min_account_age_min=60)
    api = world["api"]
    record = bf.started(api, world["buyer"], world["bargain"]["id"])
    lan = api.user("lan")
    assert error(bf.help_cut(api, lan, record["id"])) == (403, "account_too_new")
    _age("lan", minutes=59)
    assert error(bf.help_cut(api, lan, record["id"])) == (403, "account_too_new")
    assert bf.record_row(record["id"]).helpers == 0 and bf.helps(record["id"]) == []
    _age("lan", minutes=61)
    _helped(api, lan, record["id"])


def test_helps_of_new_accounts_are_flagged(world, app, monkeypatch):
    api = world["api"]
    record = bf.started(api, world["buyer"], world["bargain"]["id"])
    old, new = api.user("old"), api.user("new")
    _age("old", hours=25)
    _age("new", hours=23)
    _helped(api, old, record["id"])
    _helped(api, new, record["id"])
    flags = read_db(
        lambda: {
            h.helper.username: h.new_account
            for h in BargainHelp.select().where(BargainHelp.record == record["id"])
        }
    )
    assert flags == {"old": False, "new": True}
    # the threshold is a setting: at 48 hours "old" is new too
    monkeypatch.setitem(app.config, "BARGAIN_NEW_ACCOUNT_H", 48)
    _helped(api, api.user("third"), record["id"])
    _age("third", hours=30)  # after its help: the flag is of the moment it helped
    assert read_db(lambda: BargainHelp.get(BargainHelp.nth == 3).new_account) is True


def test_an_address_helps_a_few_times_a_window(world, app, monkeypatch):
    monkeypatch.setitem(app.config, "BARGAIN_HELPS_PER_IP", 2)
    api, campaign_id = world["api"], world["bargain"]["id"]
    record = bf.started(api, world["buyer"], campaign_id)["id"]
    here = {"environ_base": {"REMOTE_ADDR": "203.0.113.7"}}
    lan, zhu = api.user("lan"), api.user("zhu")
    _helped(api, lan, record, **here)
    # a refused help (twice, the owner) is not counted against the address
    assert error(bf.help_cut(api, lan, record, **here)) == (409, "already_helped")
    assert error(bf.help_cut(api, world["buyer"], record, **here))[0] == 403
    _helped(api, zhu, record, **here)
    dan = api.user("dan")
    limited = bf.help_cut(api, dan, record, **here)
    assert error(limited) == (429, "rate_limited")
    assert bf.record_row(record).helpers == 2
    # another address is not limited by this one
    _helped(api, dan, record, environ_base={"REMOTE_ADDR": "198.51.100.9"})
    # an IPv6 /64 counts as one address
    other = bf.started(api, lan, campaign_id)["id"]
    v6 = [{"environ_base": {"REMOTE_ADDR": f"2001:db8:1:2::{i}"}} for i in (1, 2, 3)]
    _helped(api, api.user("v6a"), other, **v6[0])
    _helped(api, api.user("v6b"), other, **v6[1])
    assert error(bf.help_cut(api, api.user("v6c"), other, **v6[2])) == (
        429,
        "rate_limited",
    )


def test_an_expired_record_is_neither_helped_nor_bought(world):
    api, mei, campaign_id = world["api"], world["buyer"], world["bargain"]["id"]
    mine = bf.started(api, mei, campaign_id)
    lan, zhu, dan = api.user("lan"), api.user("zhu"), api.user("dan")
    _helped(api, lan, mine["id"])
    lans = bf.started(api, lan, campaign_id)
    later = utcnow() + datetime.timedelta(hours=1, seconds=1)
    # the rules at a later clock: refused, nothing placed
    helped = _rule(lambda: helping.help_cut(_user("zhu"), lans["id"], now=later))
    assert helped == "record_closed"
    body = {"idempotency_key": bf.key(), "shipping": SHIP}
    bought = _rule(lambda: buying.buy(_user("mei"), mine["id"], body, now=later))
    assert bought == "record_closed" and orders_count() == 0
    assert bf.helps(lans["id"]) == []
    # by the API, once its time really passed (nothing swept it)
    dans = bf.started(api, dan, campaign_id)
    _helped(api, zhu, dans["id"])
    _backdate(dans["id"])
    assert bf.record_row(dans["id"]).status == "open"
    assert error(bf.help_cut(api, lan, dans["id"])) == (409, "record_closed")
    assert error(bf.buy(api, dan, dans["id"])) == (409, "record_closed")
    row = bf.record_row(dans["id"])
    assert row.status == "failed" and row.live_key is None and row.order_id is None
    assert row.helpers == 1
    assert bf.campaign_row(campaign_id).units_sold == 0
    assert orders_count() == 0 and stock(world["tea"]) == 20


# --- buying ---------------------------------------------------------------------------


def _adjustments(order_id):
    def run():
        line = OrderLine.get(OrderLine.order == order_id)
        return [
            (a.kind, a.amount_cents, a.source)
            for a in LineAdjustment.select().where(LineAdjustment.line == line.id)
        ]

    return read_db(run)


def test_the_owner_buys_one_unit_at_the_price_reached_while_open(world):
    api, mei, tea = world["api"], world["buyer"], world["tea"]
    record = bf.started(api, mei, world["bargain"]["id"])
    got = _helped(api, api.user("lan"), record["id"])
    price = got["record"]["price_cents"]
    assert 1000 < price < 10000
    order = _bought(bf.buy(api, mei, record["id"]))
    assert [
        (i["product_id"], i["qty"], i["unit_price_cents"]) for i in order["items"]
    ] == [(tea, 1, price)]
    assert order["goods_cents"] == price and order["status"] == "pending_payment"
    assert _adjustments(order["id"]) == [
        ("bargain", 16800 - price, f"bargain:{record['id']}")
    ]
    row = bf.record_row(record["id"])
    assert (row.status, row.order_id, row.live_key) == ("ordered", order["id"], None)
    assert row.price_cents == price and row.closed_at is not None
    assert bf.campaign_row(world["bargain"]["id"]).units_sold == 1
    assert stock(tea) == 19
    # bought: no more helps, no second order
    assert error(bf.help_cut(api, api.user("zhu"), record["id"])) == (
        409,
        "record_closed",
    )
    twice = bf.buy(api, mei, record["id"])
    assert error(twice) == (409, "already_ordered")
    assert orders_count() == 1 and stock(tea) == 19
    # the bought record is not a live one: mei is at her limit of 1
    assert error(bf.start(api, mei, world["bargain"]["id"])) == (409, "limit_reached")


def test_a_record_at_the_floor_buys_at_the_floor(bargain_world):
    world = bargain_world(helpers_needed=1)
    api, mei = world["api"], world["buyer"]
    record = bf.started(api, mei, world["bargain"]["id"])
    got = _helped(api, api.user("lan"), record["id"])
    assert got["cut_cents"] == 9000 and got["record"]["status"] == "succeeded"
    order = _bought(bf.buy(api, mei, record["id"]))
    assert order["items"][0]["unit_price_cents"] == 1000
    assert _adjustments(order["id"])[0][:2] == ("bargain", 15800)


def test_only_the_owner_buys_a_record(world):
    api, mei = world["api"], world["buyer"]
    record = bf.started(api, mei, world["bargain"]["id"])
    lan = api.user("lan")
    assert error(bf.buy(api, lan, record["id"])) == (403, "forbidden")
    assert error(bf.buy(api, world["merchant"], record["id"]))[0] == 403
    assert error(bf.buy(api, None, record["id"]))[0] == 401
    assert error(bf.buy(api, mei, 999_999)) == (404, "not_found")
    assert orders_count() == 0
    assert bf.record_row(record["id"]).status == "open"


def test_cancelling_gives_the_unit_back(bargain_world):
    world = bargain_world(units=1)
    api, mei, tea = world["api"], world["buyer"], world["tea"]
    campaign_id = world["bargain"]["id"]
    mine = bf.started(api, mei, campaign_id)
    lan = api.user("lan")
    lans = bf.started(api, lan, campaign_id)
    order = _bought(bf.buy(api, mei, mine["id"]))
    assert bf.campaign_row(campaign_id).units_sold == 1
    # the allowance is used up: lan's record cannot be bought, nobody starts
    assert error(bf.buy(api, lan, lans["id"])) == (409, "sold_out")
    assert bf.record_row(lans["id"]).status == "open"  # her claim rolled back
    assert error(bf.start(api, api.user("zhu"), campaign_id)) == (409, "sold_out")
    got = api.call("GET", f"/api/v1/bargains/{campaign_id}").get_json()["bargain"]
    assert got["units_left"] == 0
    assert orders_count() == 1 and stock(tea) == 19
    # mei cancels: the unit is back for the campaign (and on the shelf), once
    assert move(api, mei, order["id"], "cancelled").status_code == 200
    assert bf.campaign_row(campaign_id).units_sold == 0 and stock(tea) == 20
    assert move(api, mei, order["id"], "cancelled").status_code in (403, 409)
    assert bf.campaign_row(campaign_id).units_sold == 0
    assert bf.record_row(mine["id"]).status == "ordered"  # still bought
    assert error(bf.buy(api, mei, mine["id"])) == (409, "already_ordered")
    _bought(bf.buy(api, lan, lans["id"]))
    assert bf.campaign_row(campaign_id).units_sold == 1 and stock(tea) == 19


def test_a_refund_gives_the_unit_back_too(bargain_world):
    world = bargain_world(units=1)
    api, mei, m = world["api"], world["buyer"], world["merchant"]
    record = bf.started(api, mei, world["bargain"]["id"])
    order = _bought(bf.buy(api, mei, record["id"], payment_method="bank_transfer"))
    assert move(api, m, order["id"], "paid").status_code == 200
    assert move(api, m, order["id"], "refunded").status_code == 200
    assert bf.campaign_row(world["bargain"]["id"]).units_sold == 0


def test_a_bargain_is_ordered_on_its_own(world):
    api, mei, tea = world["api"], world["buyer"], world["tea"]
    record = bf.started(api, mei, world["bargain"]["id"])
    for extra in (
        {"coupon_ids": [1]},
        {"items": [{"product_id": tea, "qty": 1}]},
        {"reservation_ids": [1]},
    ):
        resp = bf.buy(api, mei, record["id"], **extra)
        assert error(resp) == (400, "invalid"), (extra, resp.get_json())
        assert resp.get_json()["error"]["field"] == "bargain_record_id"
    assert orders_count() == 0 and bf.record_row(record["id"]).status == "open"


def test_a_bad_bargain_record_id_is_400_never_500(world):
    api, mei = world["api"], world["buyer"]
    record = bf.started(api, mei, world["bargain"]["id"])
    for value in ("1", str(record["id"]), 1.5, float(record["id"]), [], {}, True, ""):
        resp = bf.buy(api, mei, value)
        assert error(resp) == (400, "invalid"), (value, resp.get_json())
        assert resp.get_json()["error"]["field"] == "bargain_record_id"
    for value in (0, -1, 2**53, 2**64, -(2**64)):
        assert error(bf.buy(api, mei, value)) == (404, "not_found"), value
    for body in (
        {"shipping": "somewhere"},
        {"shipping": {**SHIP, "phone": 138}},
        {"payment_method": ["cod"]},
        {"idempotency_key": 12345678},
        {"idempotency_key": "short"},
        {"address_id": "1"},
    ):
        resp = bf.buy(api, mei, record["id"], **body)
        assert resp.status_code == 400, (body, resp.get_json())
    assert orders_count() == 0 and bf.record_row(record["id"]).status == "open"


def test_the_same_idempotency_key_returns_the_same_order(world):
    api, mei, tea = world["api"], world["buyer"], world["tea"]
    record = bf.started(api, mei, world["bargain"]["id"])
    first = _bought(bf.buy(api, mei, record["id"], "bargain-same-0001"))
    again = bf.buy(api, mei, record["id"], "bargain-same-0001")
    assert again.status_code == 200, again.get_json()
    assert again.get_json()["order"]["id"] == first["id"]
    assert again.get_json()["order"]["items"] == first["items"]
    other = bf.buy(
        api, mei, record["id"], "bargain-same-0001", payment_method="bank_transfer"
    )
    assert error(other) == (409, "idempotency_conflict")
    assert orders_count() == 1 and stock(tea) == 19
    assert bf.campaign_row(world["bargain"]["id"]).units_sold == 1
    # the key of a plain order is not a bargain's
    plain = place(api, mei, [{"product_id": tea, "qty": 1}], "cod", "plain-key-0001")
    assert plain.status_code == 201
    reused = bf.buy(api, mei, record["id"], "plain-key-0001")
    assert error(reused)[0] == 409
    assert read_db(lambda: Order.select().count()) == 2
