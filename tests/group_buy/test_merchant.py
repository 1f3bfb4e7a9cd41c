"""The merchant's group-buying console: the figures of a deal (group_buy.stats) from
a real set of teams, the pages (list, create, end, a deal's teams, CSV) and the
stats API extension."""

import csv
import datetime
import io
import re

import pytest

from extensions import db
from livestall.accounts.models import User
from livestall.db.base import utcnow
from livestall.group_buy import deals, expiry, leaving, stats, teams
from livestall.group_buy.models import GroupBuy
from tests.factories.orders import SHIP, Browser
from tests.plugins.app import error_of, read_db, text


@pytest.fixture
def shop(orders_world):
    """teashop (tea, cup) and potshop (pot), teashop signed in on the pages."""
    world = orders_world(only=["tea", "cup", "pot"])
    world["page"] = Browser(world["api"].client.application, "teashop", signup=False)
    return world


def _user(name):
    return User.get(User.username == name)


def _seat(n, qty=1):
    return {
        "qty": qty,
        "idempotency_key": f"seat-key-{n:04d}",
        "shipping": SHIP,
        "payment_method": "cod",
    }


def _ends(days=2):
    return (utcnow() + datetime.timedelta(days=days)).replace(microsecond=0)


def _make_deal(merchant, product_id, now=None, **extra):
    body = {
        "product_id": product_id,
        "price_cents": 9900,
        "team_size": 2,
        "team_window_s": 3600,
        "per_user_limit": 2,
        "ends_at": (now or utcnow()) + datetime.timedelta(days=1),
        **extra,
    }
    return deals.create(merchant, body, now=now)


def _teams_world(shop):
    """One deal of teashop's tea (group price 99.00, teams of 2 in an hour,
    virtual fill on) with: two teams that filled (600 s and 1800 s), one whose
    only member left (so it failed), one completed by virtual fill, one
    still open. Returns the deal."""
    api = shop["api"]
    for name in ("lan", "zhu", "dan", "eva", "fei"):
        api.user(name)

    def build():
        tea = shop["tea"]
        t0 = utcnow().replace(microsecond=0)
        deal = _make_deal(_user("teashop"), tea, now=t0, virtual_fill=True)
        mei, lan, zhu = _user("mei"), _user("lan"), _user("zhu")
        dan, eva, fei = _user("dan"), _user("eva"), _user("fei")
        at = lambda s: t0 + datetime.timedelta(seconds=s)  # noqa: E731
        one, _, _ = teams.open_team(mei, deal.id, _seat(1), now=at(0))
        teams.join_team(lan, one.id, _seat(2, qty=2), now=at(600))
        two, _, _ = teams.open_team(zhu, deal.id, _seat(3), now=at(60))
        teams.join_team(mei, two.id, _seat(4), now=at(1860))
        three, _, _ = teams.open_team(dan, deal.id, _seat(5), now=at(120))
        leaving.leave(dan, three.id, now=at(200))  # left empty: it fails at once
        teams.open_team(eva, deal.id, _seat(6), now=at(180))
        closed = expiry.expire_teams(now=at(3900), deal_id=deal.id)
        assert [t.status for t in closed] == ["succeeded"]  # eva's, virtually
        teams.open_team(fei, deal.id, _seat(7), now=at(3950))
        return GroupBuy.get_by_id(deal.id)

    return read_db(build)


def test_the_figures_of_a_deal_from_its_teams(shop):
    deal = _teams_world(shop)
    figures = read_db(lambda: stats.stats_of([deal]))[deal.id]
    assert figures == {
        "teams_open": 1,
        "teams_succeeded": 3,  # two filled, one by virtual fill
        "teams_failed": 1,
        "teams_virtual": 1,
        "success_rate": 0.75,  # 3 of the 4 closed teams
        "avg_fill_s": 1200,  # (600 + 1800) / 2: real teams only
        "virtual_share": pytest.approx(1 / 3),
        "seats": 6,  # the leaver's cancelled order is no seat
        "units": 7,  # lan bought 2
        "gmv_cents": 7 * 9900,
        "buyers": 5,  # mei sat in two teams
        "currency": "CNY",
    }
    rows = read_db(lambda: stats.team_rows(deal))
    by_state = sorted(
        (r["team"].status, r["team"].virtual, r["members"], r["fill_s"]) for r in rows
    )
    assert by_state == [
        ("failed", False, 0, None),
        ("open", False, 1, None),
        ("succeeded", False, 2, 600),
        ("succeeded", False, 2, 1800),
        ("succeeded", True, 1, None),
    ]


def test_no_team_closed_yet_has_no_rates_and_a_list_costs_two_queries(
    shop, monkeypatch
):
    deal = _teams_world(shop)

    def fresh():
        cup = _make_deal(_user("teashop"), shop["cup"], price_cents=5000)
        return [deal, cup]

    both = read_db(fresh)
    sql = []
    real = db.obj.execute_sql

    def counted(query, params=None, *args, **kwargs):
        sql.append(query)
        return real(query, params, *args, **kwargs)

    monkeypatch.setattr(db.obj, "execute_sql", counted)
    figures = read_db(lambda: stats.stats_of(both))
    monkeypatch.undo()
    assert len([q for q in sql if q.lstrip().upper().startswith("SELECT")]) == 2
    assert figures[both[1].id] | {"currency": None} == {
        "teams_open": 0,
        "teams_succeeded": 0,
        "teams_failed": 0,
        "teams_virtual": 0,
        "success_rate": None,
        "avg_fill_s": None,
        "virtual_share": None,
        "seats": 0,
        "units": 0,
        "gmv_cents": 0,
        "buyers": 0,
        "currency": None,
    }
    assert figures[deal.id]["seats"] == 6


# --- pages --------------------------------------------------------------------------


def _form(product_id, **extra):
    local = _ends() + datetime.timedelta(hours=8)  # typed in UTC+8
    return {
        "product_id": str(product_id),
        "price": "99.00",
        "team_size": "3",
        "team_window": "7200",
        "per_user_limit": "2",
        "ends_at": local.strftime("%Y-%m-%dT%H:%M"),
        "tz_offset": "-480",
        "virtual_fill": "1",
        **extra,
    }


def _deals():
    return read_db(lambda: list(GroupBuy.select().order_by(GroupBuy.id)))


def test_the_merchant_creates_a_deal_from_the_form(shop):
    page = shop["page"]
    resp = page.get("/merchant/group-buys")
    html = text(resp)
    assert resp.status_code == 200
    assert "龙井 250g · ¥168.00" in html  # the products on sale to choose from
    assert "紫砂壶" not in html  # another shop's product is not offered
    form = _form(shop["tea"])
    resp = page.post("/merchant/group-buys", form)
    assert resp.status_code == 302, text(resp)[:2000]
    [deal] = _deals()
    assert (deal.product_id, deal.price_cents, deal.team_size) == (shop["tea"], 9900, 3)
    assert (deal.team_window_s, deal.per_user_limit, deal.virtual_fill) == (
        7200,
        2,
        True,
    )
    typed = datetime.datetime.fromisoformat(form["ends_at"])
    assert deal.ends_at == typed - datetime.timedelta(hours=8)  # stored in UTC
    html = text(page.get("/merchant/group-buys"))
    assert "Group deal created" in html
    card = html.split(f'id="deal-{deal.id}"')[1].split("</li>")[0]
    assert "龙井 250g" in card and "¥99.00" in card and "running" in card
    assert "—" in card and "0 / 0" in card and "¥0.00" in card
    products = text(page.get("/merchant/products"))  # the product's 拼团 badge
    assert f'class="tag tag-group" href="/merchant/group-buys/{deal.id}"' in products


def test_a_price_above_the_list_price_is_said_on_the_form_with_values_kept(shop):
    page = shop["page"]
    resp = page.post("/merchant/group-buys", _form(shop["tea"], price="200.00"))
    assert resp.status_code == 400
    html = text(resp)
    assert (
        error_of(html, "price") == "Give a group price below the list price, ¥168.00."
    )
    assert 'id="f-price" name="price" type="text" value="200.00"' in html
    assert re.search(rf'<option value="{shop["tea"]}" selected>', html)
    assert 'value="3"' in html and 'value="7200" selected' in html
    assert 'name="virtual_fill" type="checkbox" value="1" checked' in html
    assert _deals() == []


def test_every_mistake_of_the_form_at_once(shop):
    page = shop["page"]
    bad = _form("", price="9.999", team_size="1", team_window="5", ends_at="")
    resp = page.post("/merchant/group-buys", bad)
    assert resp.status_code == 400
    html = text(resp)
    assert error_of(html, "product_id") == "Choose one of your products."
    assert error_of(html, "price").startswith("Enter a price like 99.00")
    assert error_of(html, "team_size") == "Enter a whole number from 2 to 50."
    assert error_of(html, "team_window") == "Choose how long a team has to fill."
    assert error_of(html, "ends_at") == "Give a date and a time."
    assert "Check 5 fields" in html
    assert _deals() == []


def test_another_merchants_product_is_refused(shop):
    resp = shop["page"].post("/merchant/group-buys", _form(shop["pot"]))
    assert resp.status_code == 400
    assert error_of(text(resp), "product_id") == f"You have no product {shop['pot']}."
    assert _deals() == []


def test_a_second_running_deal_of_a_product_is_refused(shop):
    page = shop["page"]
    assert page.post("/merchant/group-buys", _form(shop["tea"])).status_code == 302
    resp = page.post("/merchant/group-buys", _form(shop["tea"], price="88.00"))
    assert resp.status_code == 400
    assert "already has a group deal running" in error_of(text(resp), "product_id")
    assert len(_deals()) == 1


def test_the_merchant_ends_a_deal(shop):
    page = shop["page"]
    page.post("/merchant/group-buys", _form(shop["tea"]))
    [deal] = _deals()
    html = text(page.get("/merchant/group-buys"))
    assert f'action="/merchant/group-buys/{deal.id}/end"' in html
    assert "data-confirm=" in html
    resp = page.post(f"/merchant/group-buys/{deal.id}/end", {"next": "deal"})
    assert resp.status_code == 302
    assert resp.location == f"/merchant/group-buys/{deal.id}"
    [deal] = _deals()
    assert deal.status == "ended" and deal.ended_at is not None
    html = text(page.get(f"/merchant/group-buys/{deal.id}"))
    assert "Deal ended" in html and "End deal" not in html
    html = text(page.get("/merchant/group-buys"))
    card = html.split(f'id="deal-{deal.id}"')[1].split("</li>")[0]
    assert "ended" in card and "/end" not in card
    assert "tag-group" not in text(page.get("/merchant/products"))


def test_the_deal_page_shows_its_figures_and_teams(shop):
    deal = _teams_world(shop)
    resp = shop["page"].get(f"/merchant/group-buys/{deal.id}")
    assert resp.status_code == 200
    html = text(resp)
    assert 'id="stat-gmv">¥693.00<' in html
    assert 'id="stat-rate">75.0%<' in html
    assert 'id="stat-fill">20 min<' in html
    assert 'id="stat-virtual">33.3%<' in html
    assert 'id="stat-buyers">5<' in html
    tbody = html.split("<tbody>")[1].split("</tbody>")[0]
    assert tbody.count("<tr") == 5
    assert "10 min" in tbody and "30 min" in tbody
    assert 'href="/merchant/group-buys.csv"' in html
    html = text(shop["page"].get("/merchant/group-buys"))
    card = html.split(f'id="deal-{deal.id}"')[1].split("</li>")[0]
    assert "75.0%" in card and "3 / 5" in card and "¥693.00" in card
    assert "style=" not in html and "<script>" not in html  # CSP


def test_another_merchants_deal_is_a_404_and_shoppers_get_403(shop):
    api = shop["api"]

    def theirs():
        return _make_deal(_user("potshop"), shop["pot"], price_cents=30000)

    deal = read_db(theirs)
    page = shop["page"]
    assert page.get(f"/merchant/group-buys/{deal.id}").status_code == 404
    assert page.post(f"/merchant/group-buys/{deal.id}/end").status_code == 404
    assert read_db(lambda: GroupBuy.get_by_id(deal.id)).status == "active"
    assert "紫砂壶" not in text(page.get("/merchant/group-buys"))
    assert "紫砂壶" not in text(page.get("/merchant/group-buys.csv"))
    shopper = Browser(api.client.application, "mei", signup=False)
    for path in ("/merchant/group-buys", "/merchant/group-buys.csv"):
        assert shopper.get(path).status_code == 403
    assert shopper.get(f"/merchant/group-buys/{deal.id}").status_code == 403
    assert shopper.post("/merchant/group-buys", _form(shop["tea"])).status_code == 403
    # the stats API: the deal's merchant only
    path = f"/api/v1/group-buys/{deal.id}/stats"
    assert api.call("GET", path, token=shop["other"]).status_code == 200
    assert api.call("GET", path, token=shop["merchant"]).status_code == 404
    assert api.call("GET", path, token=shop["buyer"]).status_code == 403


def test_forms_without_the_csrf_token_are_refused(shop):
    page = shop["page"]
    client = page.client
    resp = client.post("/merchant/group-buys", data=_form(shop["tea"]))
    assert resp.status_code == 400
    assert _deals() == []
    page.post("/merchant/group-buys", _form(shop["tea"]))
    [deal] = _deals()
    assert client.post(f"/merchant/group-buys/{deal.id}/end").status_code == 400
    assert _deals()[0].status == "active"


def test_the_stats_api(shop):
    deal = _teams_world(shop)
    resp = shop["api"].call(
        "GET", f"/api/v1/group-buys/{deal.id}/stats", token=shop["merchant"]
    )
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["group_buy_id"] == deal.id
    assert body["stats"]["gmv_cents"] == 69300
    assert body["stats"]["success_rate"] == 0.75
    assert body["stats"]["avg_fill_s"] == 1200


def test_the_csv_has_every_deal_with_titles_intact_and_no_formulas(shop):
    api = shop["api"]
    deal = _teams_world(shop)
    evil = api.product(shop["merchant"], title="=HYPERLINK(1) 茶", price_cents=2000)
    at = api.product(shop["merchant"], title="@SUM 杯", price_cents=3000)

    def more():
        teashop = _user("teashop")
        _make_deal(teashop, evil["id"], price_cents=1500)
        _make_deal(teashop, at["id"], price_cents=2500, per_user_limit=1)

    read_db(more)
    resp = shop["page"].get("/merchant/group-buys.csv")
    assert resp.status_code == 200
    assert resp.mimetype == "text/csv"
    assert "attachment" in resp.headers["Content-Disposition"]
    body = resp.get_data(as_text=True)
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body[1:])))
    assert rows[0] == stats.CSV_HEADER
    assert len(rows) == 4
    by_title = {r[2]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    assert set(by_title) == {"龙井 250g", "'=HYPERLINK(1) 茶", "'@SUM 杯"}
    tea = by_title["龙井 250g"]
    assert tea["deal_id"] == str(deal.id)
    assert (tea["group_price"], tea["list_price"], tea["currency"]) == (
        "99.00",
        "168.00",
        "CNY",
    )
    assert (tea["team_size"], tea["team_window_s"], tea["status"]) == (
        "2",
        "3600",
        "active",
    )
    assert (tea["teams_succeeded"], tea["teams_failed"], tea["teams_open"]) == (
        "3",
        "1",
        "1",
    )
    assert (tea["success_rate_pct"], tea["avg_fill_s"], tea["virtual_share_pct"]) == (
        "75.0",
        "1200",
        "33.3",
    )
    assert (tea["seats"], tea["units"], tea["gmv"], tea["buyers"]) == (
        "6",
        "7",
        "693.00",
        "5",
    )
    assert by_title["'@SUM 杯"]["success_rate_pct"] == ""
    assert by_title["'@SUM 杯"]["group_price"] == "25.00"
