"""The merchant's bargain console (砍价) by its pages: the list with its figures,
creating a campaign from the form (prices in yuan, the end in the browser's zone),
the form's mistakes and the rules' refusals said on it, ending a campaign, a
campaign's page with its records, every friend's cut and the new-account tag, the
CSV (safe for spreadsheets), and who may see what.

The world (tests/factories/bargain.py): teashop's tea (¥168.00, 20 in stock), mei,
and a campaign of the tea from ¥100.00 to ¥10.00 in 3 helps, records open an hour,
5 units, 1 a shopper; teashop signed in on the pages."""

import csv
import datetime
import io
import re

import pytest

from livestall.accounts.models import User
from livestall.bargain import stats
from livestall.bargain.models import Bargain, BargainRecord
from livestall.db.base import utcnow
from tests.factories import bargain as bf
from tests.factories.orders import Browser
from tests.plugins.app import error_of, plain, read_db, text


@pytest.fixture
def shop(bargain_world):
    """The bargain world, teashop signed in on the pages (`page`)."""
    world = bargain_world()
    world["page"] = Browser(world["api"].client.application, "teashop", signup=False)
    return world


def _user(name):
    return read_db(lambda: User.get(User.username == name))


def _campaigns():
    return read_db(lambda: list(Bargain.select().order_by(Bargain.id)))


def _ends(days=2):
    return (utcnow() + datetime.timedelta(days=days)).replace(second=0, microsecond=0)


def _form(product_id, **extra):
    """The new-campaign form as a person in UTC+8 fills it in."""
    local = _ends() + datetime.timedelta(hours=8)
    return {
        "product_id": str(product_id),
        "start_price": "79.90",
        "floor_price": "9.9",
        "helpers_needed": "4",
        "record_window": "7200",
        "units": "3",
        "per_user_limit": "2",
        "min_account_age": "30",
        "ends_at": local.strftime("%Y-%m-%dT%H:%M"),
        "tz_offset": "-480",
        **extra,
    }


def _card(html, bargain_id):
    return html.split(f'id="bargain-{bargain_id}"')[1].split("</li>")[0]


def _cup(shop):
    """A second product of teashop's (¥89.00, 5 in stock)."""
    return shop["api"].product(
        shop["merchant"], title="青瓷杯", price_cents=8900, stock=5
    )["id"]


def _theirs(shop):
    """potshop and its teapot on a campaign: (product id, campaign dict)."""
    api = shop["api"]
    other = api.user("potshop", role="merchant")
    pot = api.product(other, title="紫砂壶", price_cents=39900, stock=3)["id"]
    return pot, bf.made_campaign(api, other, pot, start_price_cents=30000, units=2)


# --- the list and the form ------------------------------------------------------------


def test_the_merchant_creates_a_bargain_from_the_form(shop):
    page, cup = shop["page"], _cup(shop)
    _theirs(shop)
    resp = page.get("/merchant/bargains")
    assert resp.status_code == 200
    html = text(resp)
    assert "青瓷杯 · ¥89.00 · 5 in stock" in html  # the products on sale to choose
    assert "龙井 250g · ¥168.00 · 20 in stock · bargain running" in html
    assert "紫砂壶" not in html  # another shop's product and campaign are not here
    assert 'href="/merchant/bargains.csv"' in html
    form = _form(cup)
    resp = page.post("/merchant/bargains", form)
    assert resp.status_code == 302, text(resp)[:2000]
    made = _campaigns()[-1]
    assert resp.location == f"/merchant/bargains#bargain-{made.id}"
    assert (made.product_id, made.start_price_cents, made.floor_price_cents) == (
        cup,
        7990,
        990,
    )
    assert (made.helpers_needed, made.record_window_s, made.units) == (4, 7200, 3)
    assert (made.per_user_limit, made.min_account_age_min) == (2, 30)
    typed = datetime.datetime.fromisoformat(form["ends_at"])
    assert made.ends_at == typed - datetime.timedelta(hours=8)  # stored in UTC
    html = text(page.get("/merchant/bargains"))
    assert "Bargain created" in html
    card = _card(html, made.id)
    assert "青瓷杯" in card and "¥79.90" in card and "¥9.90" in card
    assert "running" in card and "4 friends to reach the floor" in card
    assert "0 of 3 units sold" in card
    assert "—" in card and "¥0.00" in card  # no record yet: no success rate
    assert f'action="/merchant/bargains/{made.id}/end"' in card
    assert "style=" not in html and "<script>" not in html  # CSP


def test_min_account_age_left_blank_is_off(shop):
    page, cup = shop["page"], _cup(shop)
    resp = page.post("/merchant/bargains", _form(cup, min_account_age=""))
    assert resp.status_code == 302, text(resp)[:2000]
    assert _campaigns()[-1].min_account_age_min == 0


def test_every_mistake_of_the_form_at_once_with_values_kept(shop):
    page = shop["page"]
    bad = _form(
        "",
        start_price="9.999",
        floor_price="abc",
        helpers_needed="0",
        record_window="5",
        units="",
        per_user_limit="100",
        min_account_age="-1",
        ends_at="",
    )
    resp = page.post("/merchant/bargains", bad)
    assert resp.status_code == 400
    html = text(resp)
    assert error_of(html, "product_id") == "Choose one of your products."
    assert error_of(html, "start_price") == (
        "Enter a price from 0.02 to 1,000,000, with at most 2 decimals."
    )
    assert error_of(html, "floor_price") == (
        "Enter a price from 0.01 to 1,000,000, with at most 2 decimals."
    )
    assert error_of(html, "helpers_needed") == "Enter a whole number from 1 to 100."
    assert error_of(html, "record_window") == (
        "Choose how long a shopper has to bargain and buy."
    )
    assert error_of(html, "units") == "Enter a whole number from 1 to 1000000."
    assert error_of(html, "per_user_limit") == "Enter a whole number from 1 to 99."
    assert error_of(html, "min_account_age") == "Enter a whole number from 0 to 43200."
    assert error_of(html, "ends_at") == "Give a date and a time."
    assert "Check 9 fields" in html
    assert 'id="f-start_price" name="start_price" type="text" value="9.999"' in html
    assert 'id="f-per_user_limit" name="per_user_limit" type="number" value="100"' in (
        html
    )
    assert len(_campaigns()) == 1  # the world's only


def test_prices_that_do_not_leave_room_to_cut_are_said(shop):
    page, cup = shop["page"], _cup(shop)
    resp = page.post("/merchant/bargains", _form(cup, floor_price="79.90"))
    assert resp.status_code == 400
    assert error_of(text(resp), "floor_price") == (
        "Give a floor price below the start price."
    )
    tight = _form(cup, start_price="1.00", floor_price="0.99", helpers_needed="3")
    resp = page.post("/merchant/bargains", tight)
    assert resp.status_code == 400
    assert error_of(text(resp), "floor_price") == (
        "Each helper cuts at least 0.01: leave at least 0.03 between the start "
        "price and the floor price."
    )
    assert len(_campaigns()) == 1


def test_the_rules_refusals_are_said_on_the_form_in_yuan(shop):
    page, tea = shop["page"], shop["tea"]
    cup = _cup(shop)
    pot, _ = _theirs(shop)
    resp = page.post("/merchant/bargains", _form(cup, start_price="200"))
    assert resp.status_code == 400
    html = text(resp)
    assert error_of(html, "start_price") == (
        "Give a start price of at most the list price, ¥89.00."
    )
    assert re.search(rf'<option value="{cup}" selected>', html)  # kept
    assert 'value="7200" selected' in html
    resp = page.post("/merchant/bargains", _form(cup, units="6"))
    assert resp.status_code == 400
    assert error_of(text(resp), "units") == (
        "Enter a whole number from 1 to 5: the product's stock now."
    )
    resp = page.post("/merchant/bargains", _form(tea))
    assert resp.status_code == 400
    assert "already has a bargain running" in error_of(text(resp), "product_id")
    resp = page.post("/merchant/bargains", _form(pot))
    assert resp.status_code == 400
    assert error_of(text(resp), "product_id") == f"You have no product {pot}."
    soon = utcnow() + datetime.timedelta(seconds=30)
    resp = page.post(
        "/merchant/bargains",
        _form(cup, ends_at=soon.strftime("%Y-%m-%dT%H:%M"), tz_offset="0"),
    )
    assert resp.status_code == 400
    assert error_of(text(resp), "ends_at") == (
        "End the campaign at least a minute from now."
    )
    assert len(_campaigns()) == 2  # the world's and potshop's


def test_forms_without_the_csrf_token_are_refused(shop):
    page, cup = shop["page"], _cup(shop)
    client = page.client
    assert client.post("/merchant/bargains", data=_form(cup)).status_code == 400
    assert len(_campaigns()) == 1
    bargain_id = shop["bargain"]["id"]
    assert client.post(f"/merchant/bargains/{bargain_id}/end").status_code == 400
    assert bf.campaign_row(bargain_id).status == "active"


# --- ending, who may see what ---------------------------------------------------------


def test_the_merchant_ends_a_bargain(shop):
    page, bargain_id = shop["page"], shop["bargain"]["id"]
    html = text(page.get("/merchant/bargains"))
    card = _card(html, bargain_id)
    assert f'action="/merchant/bargains/{bargain_id}/end"' in card
    assert "data-confirm=" in card
    resp = page.post(f"/merchant/bargains/{bargain_id}/end", {"next": "bargain"})
    assert resp.status_code == 302
    assert resp.location == f"/merchant/bargains/{bargain_id}"
    row = bf.campaign_row(bargain_id)
    assert row.status == "ended" and row.ended_at is not None
    html = text(page.get(f"/merchant/bargains/{bargain_id}"))
    assert "Bargain ended" in html and "End bargain" not in html
    card = _card(text(page.get("/merchant/bargains")), bargain_id)
    assert "ended" in card and "/end" not in card
    again = page.post(f"/merchant/bargains/{bargain_id}/end")  # already ended: no harm
    assert again.status_code == 302
    assert again.location == f"/merchant/bargains#bargain-{bargain_id}"
    assert bf.campaign_row(bargain_id).ended_at == row.ended_at


def test_another_merchants_bargain_is_a_404_and_shoppers_get_403(shop):
    api, page = shop["api"], shop["page"]
    _, theirs = _theirs(shop)
    assert page.get(f"/merchant/bargains/{theirs['id']}").status_code == 404
    assert page.post(f"/merchant/bargains/{theirs['id']}/end").status_code == 404
    assert page.get("/merchant/bargains/999999").status_code == 404
    assert bf.campaign_row(theirs["id"]).status == "active"
    assert "紫砂壶" not in text(page.get("/merchant/bargains"))
    assert "紫砂壶" not in text(page.get("/merchant/bargains.csv"))
    mine = shop["bargain"]["id"]
    shopper = Browser(api.client.application, "mei", signup=False)
    for path in ("/merchant/bargains", "/merchant/bargains.csv"):
        assert shopper.get(path).status_code == 403
    assert shopper.get(f"/merchant/bargains/{mine}").status_code == 403
    assert shopper.post("/merchant/bargains", _form(shop["tea"])).status_code == 403
    assert shopper.post(f"/merchant/bargains/{mine}/end").status_code == 403
    assert bf.campaign_row(mine).status == "active"
    anonymous = api.client.application.test_client()
    for path in ("/merchant/bargains", f"/merchant/bargains/{mine}"):
        resp = anonymous.get(path)
        assert resp.status_code == 302 and "/login" in resp.location
    # the shopper's menu has no console link; the merchant's has it next to group buys
    assert "/merchant/bargains" not in text(shopper.get("/me"))
    menu = text(page.get("/me"))
    assert menu.index("/merchant/group-buys") < menu.index("/merchant/bargains")
    assert ">Bargains</a>" in menu


# --- a campaign's page ---------------------------------------------------------------


def _bargaining(shop):
    """mei's record cut to the floor by lan (an old account), zhu and dan (new
    ones), then bought; eva's record with one cut from fei (new), still open.
    Returns (mei's record id, eva's record id)."""
    api, bargain_id = shop["api"], shop["bargain"]["id"]
    tokens = {name: api.user(name) for name in ("lan", "zhu", "dan", "eva", "fei")}
    long_ago = utcnow() - datetime.timedelta(days=30)
    read_db(
        lambda: User.update(created_at=long_ago).where(User.username == "lan").execute()
    )
    mine = bf.started(api, shop["buyer"], bargain_id)
    for name in ("lan", "zhu", "dan"):
        resp = bf.help_cut(api, tokens[name], mine["id"])
        assert resp.status_code == 201, resp.get_json()
    bought = bf.buy(api, shop["buyer"], mine["id"])
    assert bought.status_code == 201, bought.get_json()
    evas = bf.started(api, tokens["eva"], bargain_id)
    assert bf.help_cut(api, tokens["fei"], evas["id"]).status_code == 201
    return mine["id"], evas["id"]


def _record(html, record_id):
    """A record's card on the campaign's page."""
    rest = html.split(f'id="record-{record_id}"')[1]
    return re.split(r'<li class="bc-record |</section>', rest)[0]


def _plain(html):
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _money(cents):
    return f"¥{cents // 100:,}.{cents % 100:02d}"


def test_the_bargain_page_shows_figures_records_helpers_and_new_accounts(shop):
    mine, evas = _bargaining(shop)
    page, bargain_id = shop["page"], shop["bargain"]["id"]
    resp = page.get(f"/merchant/bargains/{bargain_id}")
    assert resp.status_code == 200
    html = text(resp)
    figures = {
        "gmv": "¥10.00",  # one unit bought at the floor
        "rate": "50.0%",  # one of two records reached the floor
        "participants": "2",
        "new": "3",  # zhu, dan, fei
        "helps": "4",
        "helpers": "4",
        "orders": "1",
        "units": "1 / 5",
        "open": "1",
        "succeeded": "0",
        "failed": "0",
        "ordered": "1",
    }
    for name, value in figures.items():
        assert f'id="stat-{name}">{value}<' in html, name
    assert 'href="/merchant/bargains.csv"' in html
    assert "End bargain" in html
    # mei's record: bought at the floor, three friends with their cuts
    record = _record(html, mine)
    assert "<strong>mei</strong>" in record and "bought" in record
    assert "¥10.00" in record and "3 of 3 friends helped" in record
    assert "3 helpers · 2 new accounts" in _plain(record)
    helps = bf.helps(mine)
    assert [name for name, _, _ in helps] == ["lan", "zhu", "dan"]
    rows = record.split('<li class="bc-help')[1:]
    assert len(rows) == 3
    for row, (name, cut, _) in zip(rows, helps, strict=True):
        assert f">{name}</span>" in row and f"−{_money(cut)}" in row
        assert ("new account" in row) == (name != "lan"), name
    assert sum(cut for _, cut, _ in helps) == 9000
    # eva's record: open, one cut so far
    record = _record(html, evas)
    assert "bargaining" in record and "1 of 3 friends helped" in record
    assert ">fei</span>" in record and "new account" in record
    assert "style=" not in html and "<script>" not in html  # CSP
    # the list's card says the same
    card = _card(text(page.get("/merchant/bargains")), bargain_id)
    for shown in ("50.0%", "¥10.00", "1 of 5 units sold"):
        assert shown in card, shown
    states = _plain(card)
    assert "Participants 2" in states and "New accounts 3" in states
    assert "Bargaining 1" in states and "Bought 1" in states and "Helps 4" in states


def test_a_record_past_its_time_shows_as_expired(shop):
    api, bargain_id = shop["api"], shop["bargain"]["id"]
    record = bf.started(api, shop["buyer"], bargain_id)
    past = utcnow() - datetime.timedelta(minutes=1)
    read_db(
        lambda: (
            BargainRecord.update(expires_at=past)
            .where(BargainRecord.id == record["id"])
            .execute()
        )
    )
    html = text(shop["page"].get(f"/merchant/bargains/{bargain_id}"))
    assert 'id="stat-failed">1<' in html and 'id="stat-open">0<' in html
    assert "expired" in _record(html, record["id"])
    assert "No friend has helped yet." in html
    assert bf.record_row(record["id"]).status == "failed"


def test_a_bargain_no_one_started_says_so(shop):
    html = text(shop["page"].get(f"/merchant/bargains/{shop['bargain']['id']}"))
    assert "No one has started bargaining yet." in html
    assert 'id="stat-rate">—<' in html and 'id="stat-gmv">¥0.00<' in html


def test_the_page_is_the_merchants_language(shop):
    """Every string goes through gettext: a Chinese merchant's page renders
    (translations may lag; the page must not break)."""
    resp = shop["page"].get(
        f"/merchant/bargains/{shop['bargain']['id']}",
        headers={"Accept-Language": "zh-CN"},
    )
    assert resp.status_code == 200
    assert plain(resp)


# --- CSV ------------------------------------------------------------------------------


def test_the_csv_has_every_bargain_with_titles_intact_and_no_formulas(shop):
    api = shop["api"]
    _bargaining(shop)
    evil = api.product(shop["merchant"], title="=HYPERLINK(1) 茶", price_cents=2000)
    at = api.product(shop["merchant"], title="@SUM 杯", price_cents=3000)
    bf.made_campaign(
        api, shop["merchant"], evil["id"], start_price_cents=2000, floor_price_cents=5
    )
    bf.made_campaign(
        api, shop["merchant"], at["id"], start_price_cents=2500, floor_price_cents=100
    )
    resp = shop["page"].get("/merchant/bargains.csv")
    assert resp.status_code == 200
    assert resp.mimetype == "text/csv"
    assert "attachment" in resp.headers["Content-Disposition"]
    assert resp.headers["Cache-Control"] == "private, no-store"
    body = resp.get_data(as_text=True)
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body[1:])))
    assert rows[0] == stats.CSV_HEADER
    assert len(rows) == 4
    by_title = {r[2]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    assert set(by_title) == {"龙井 250g", "'=HYPERLINK(1) 茶", "'@SUM 杯"}
    tea = by_title["龙井 250g"]
    assert tea["bargain_id"] == str(shop["bargain"]["id"])
    assert (tea["start_price"], tea["floor_price"], tea["currency"]) == (
        "100.00",
        "10.00",
        "CNY",
    )
    assert (tea["helpers_needed"], tea["units"], tea["units_sold"]) == ("3", "5", "1")
    assert (tea["participants"], tea["records"], tea["success_rate_pct"]) == (
        "2",
        "2",
        "50.0",
    )
    assert (tea["records_open"], tea["records_ordered"]) == ("1", "1")
    assert (tea["helps"], tea["helpers"], tea["new_account_helpers"]) == ("4", "4", "3")
    assert (tea["orders"], tea["gmv"], tea["status"]) == ("1", "10.00", "active")
    assert by_title["'@SUM 杯"]["success_rate_pct"] == ""
    assert by_title["'=HYPERLINK(1) 茶"]["floor_price"] == "0.05"
    for row in rows[1:]:
        assert not any(cell[:1] in ("=", "+", "-", "@") for cell in row), row
