"""The merchant's coupon and red-packet console (/merchant/coupons): the coupon form
(amounts in yuan, times in the browser's zone, every mistake next to its field with
what was typed kept), the list with its figures, pause / resume / end, a coupon's
page, the CSV, and the red-packet pools (funding one, opening a ready one as the
host). Signed in through the pages, as tests/group_buy/test_merchant.py does."""

import csv
import datetime
import io
import re

import pytest

from blueprints.live import promo_events
from livestall.accounts.models import User
from livestall.db.base import utcnow
from livestall.live.models import LiveSession
from livestall.promotions import stats
from livestall.promotions.models import Coupon, RedPacket, RedPacketShare
from tests.factories import promotions as promo
from tests.factories.orders import Browser
from tests.plugins.app import error_of, read_db, text


@pytest.fixture
def shop(orders_world):
    """teashop (tea 168.00, cup 89.00) and potshop (pot), mei a shopper; teashop
    signed in on the pages (`page`)."""
    world = orders_world(only=["tea", "cup", "pot"])
    world["page"] = Browser(world["api"].client.application, "teashop", signup=False)
    return world


def _user(name):
    return read_db(lambda: User.get(User.username == name))


def _coupons():
    return read_db(lambda: list(Coupon.select().order_by(Coupon.id)))


def _packets():
    return read_db(lambda: list(RedPacket.select().order_by(RedPacket.id)))


def _local(days=3):
    """A moment `days` ahead as typed in UTC+8 (datetime-local), and it in UTC."""
    utc = (utcnow() + datetime.timedelta(days=days)).replace(second=0, microsecond=0)
    typed = (utc + datetime.timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M")
    return typed, utc


def _form(**extra):
    """¥20 off over ¥100 on the whole shop, 50 of them, two each, claimable until
    three days from now (typed in UTC+8), valid 10 days."""
    typed, _ = _local()
    form = {
        "kind": "amount_off",
        "amount_off": "20",
        "min_spend": "100.00",
        "scope": "shop",
        "total": "50",
        "per_user_limit": "2",
        "claim_starts_at": "",
        "starts_tz": "-480",
        "claim_ends_at": typed,
        "ends_tz": "-480",
        "valid_days": "10",
        "live_id": "",
        "title": "",
        **extra,
    }
    return {k: v for k, v in form.items() if v is not None}


def _live(host, status="live", title="春茶直播"):
    """A live of `host`'s (made directly: a merchant hosting their own live)."""

    def make():
        now = utcnow()
        return LiveSession.create(
            host=User.get(User.username == host).id,
            title=title,
            status=status,
            scheduled_at=now,
            started_at=now if status != "scheduled" else None,
        )

    return read_db(make)


def _card(html, anchor):
    return html.split(f'id="{anchor}"')[1].split("</li>")[0]


# --- coupons: the form ----------------------------------------------------------------


def test_the_console_offers_the_merchants_products_and_lives(shop):
    api = shop["api"]
    sid, _ = promo.live_on(api, [shop["tea"]], host="lily", title="龙井专场")
    promo.live_on(api, [shop["pot"]], host="rosa", title="紫砂壶专场")  # not ours
    _live("teashop", status="scheduled", title="茶社自播")
    _live("teashop", status="ended", title="上周直播")
    resp = shop["page"].get("/merchant/coupons")
    assert resp.status_code == 200
    html = text(resp)
    assert "<h1>Coupons and red packets</h1>" in html
    products = re.findall(r'name="product_ids" value="(\d+)"', html)
    assert sorted(map(int, products)) == sorted([shop["tea"], shop["cup"]])
    assert "紫砂壶" not in html
    assert f'<option value="{sid}">龙井专场 · on air</option>' in html
    assert "茶社自播 · scheduled" in html
    assert "紫砂壶专场" not in html and "上周直播" not in html
    assert 'id="red-packet-form"' in html
    assert "style=" not in html and "<script>" not in html  # CSP
    me = text(shop["page"].get("/me"))
    assert 'href="/merchant/coupons"' in me


def test_the_merchant_creates_an_amount_off_coupon(shop):
    page = shop["page"]
    form = _form(
        scope="products", product_ids=[str(shop["tea"])], allow_flash="1", title=""
    )
    resp = page.post("/merchant/coupons", form)
    assert resp.status_code == 302, text(resp)[:3000]
    [c] = _coupons()
    assert resp.location == f"/merchant/coupons#c{c.id}"
    assert (c.kind, c.amount_off_cents, c.min_spend_cents) == (
        "amount_off",
        2000,
        10000,
    )
    assert (c.percent_off, c.max_discount_cents) == (None, None)
    assert (c.product_ids, c.total, c.per_user_limit) == ([shop["tea"]], 50, 2)
    assert (c.valid_days, c.live_id, c.drop_pending) == (10, None, False)
    assert c.allow_flash is True and c.currency == "CNY" and c.status == "active"
    _, utc = _local()
    assert c.claim_ends_at == utc  # typed in UTC+8, stored in UTC
    assert abs((c.claim_starts_at - utcnow()).total_seconds()) < 60  # empty: now
    html = text(page.get("/merchant/coupons"))
    assert "Coupon created." in html
    card = _card(html, f"c{c.id}")
    assert "¥20.00" in card and "Over ¥100.00" in card and "1 product" in card
    assert "0 / 50" in card and "—" in card and "active" in card
    assert "Claimable now" in card and "flash sales too" in card
    assert f'href="/merchant/coupons/{c.id}"' in card
    assert 'href="/merchant/coupons.csv"' in html


def test_a_percent_coupon_with_a_cap_kept_for_a_drop(shop):
    api = shop["api"]
    sid, _ = promo.live_on(api, [shop["tea"]])
    form = _form(
        kind="percent_off",
        amount_off="999",  # of the other kind: ignored
        percent_off="15",
        max_discount="30",
        min_spend="",
        live_id=str(sid),
        drop="1",
        title="直播专享 85折",
    )
    resp = shop["page"].post("/merchant/coupons", form)
    assert resp.status_code == 302, text(resp)[:3000]
    [c] = _coupons()
    assert (c.kind, c.percent_off, c.max_discount_cents) == ("percent_off", 15, 3000)
    assert (c.amount_off_cents, c.min_spend_cents) == (None, 0)
    assert (c.live_id, c.drop_pending, c.title) == (sid, True, "直播专享 85折")
    assert c.product_ids is None  # the whole shop
    card = _card(text(shop["page"].get("/merchant/coupons")), f"c{c.id}")
    assert "直播专享 85折" in card and "15% off" in card and "up to ¥30.00" in card
    assert "Kept for a drop" in card and "live: 春茶直播" in card


def test_every_mistake_of_the_form_at_once_with_what_was_typed_kept(shop):
    page = shop["page"]
    bad = _form(
        amount_off="2o",
        min_spend="-5",
        scope="products",
        total="0",
        per_user_limit="100",
        claim_starts_at="tomorrow",
        claim_ends_at="",
        valid_days="400",
        drop="1",
        allow_flash="1",
        title="春季 满100减20",
    )
    resp = page.post("/merchant/coupons", bad)
    assert resp.status_code == 400
    html = text(resp)
    assert error_of(html, "amount_off") == (
        "Enter an amount from 0.01 to 10,000,000, with at most 2 decimals."
    )
    assert error_of(html, "min_spend") == (
        "Enter an amount from 0 to 10,000,000, with at most 2 decimals."
    )
    assert error_of(html, "product_ids") == "Choose at least one product."
    assert error_of(html, "total") == "Enter a whole number from 1 to 1000000."
    assert error_of(html, "per_user_limit") == "Enter a whole number from 1 to 99."
    assert error_of(html, "claim_starts_at") == (
        "Give a date and a time, or leave it empty to start now."
    )
    assert error_of(html, "claim_ends_at") == "Give a date and a time."
    assert error_of(html, "valid_days") == "Enter a whole number from 1 to 365."
    assert error_of(html, "drop") == "Choose the live to keep the coupon for."
    assert "Check 9 fields" in html
    assert 'name="amount_off" type="text" value="2o"' in html
    assert 'name="title" type="text" value="春季 满100减20"' in html
    assert 'name="per_user_limit" type="number" value="100"' in html
    assert 'value="products" checked' in html
    assert 'name="allow_flash" type="checkbox" value="1" checked' in html
    assert 'name="drop" type="checkbox" value="1" checked' in html
    assert _coupons() == []


def test_what_only_the_rules_know_is_said_next_to_its_field(shop):
    page = shop["page"]
    resp = page.post("/merchant/coupons", _form(amount_off="100", min_spend="100"))
    assert resp.status_code == 400
    html = text(resp)
    assert error_of(html, "amount_off") == (
        "The amount off must be less than the minimum spend."
    )
    assert 'name="amount_off" type="text" value="100"' in html
    pot = str(shop["pot"])
    resp = page.post(
        "/merchant/coupons", _form(scope="products", product_ids=[pot, "999999"])
    )
    assert resp.status_code == 400
    assert error_of(text(resp), "product_ids") == "List only your own products."
    sid, _ = promo.live_on(shop["api"], [shop["pot"]], host="rosa")  # potshop's
    resp = page.post("/merchant/coupons", _form(live_id=str(sid)))
    assert resp.status_code == 400
    html = text(resp)
    assert error_of(html, "live_id") == "Choose a live of yours that has not ended."
    typed, _ = _local(days=400)
    resp = page.post("/merchant/coupons", _form(claim_ends_at=typed))
    assert error_of(text(resp), "claim_ends_at") == "Claiming lasts at most a year."
    past, _ = _local(days=-1)
    resp = page.post("/merchant/coupons", _form(claim_ends_at=past))
    assert error_of(text(resp), "claim_ends_at") == "End the claiming after it starts."
    resp = page.post("/merchant/coupons", _form(kind="half_off"))
    assert error_of(text(resp), "kind") == "Choose amount off or percent off."
    resp = page.post("/merchant/coupons", _form(kind="percent_off", percent_off="96"))
    assert error_of(text(resp), "percent_off") == "Enter a whole number from 1 to 95."
    assert _coupons() == []


# --- coupons: status, access, CSRF ---------------------------------------------------


def test_pause_resume_and_end(shop):
    page = shop["page"]
    page.post("/merchant/coupons", _form())
    [c] = _coupons()
    html = text(page.get("/merchant/coupons"))
    card = _card(html, f"c{c.id}")
    assert f'action="/merchant/coupons/{c.id}/pause"' in card
    assert f'action="/merchant/coupons/{c.id}/end"' in card and "data-confirm=" in card
    assert "/resume" not in card

    resp = page.post(f"/merchant/coupons/{c.id}/pause")
    assert (resp.status_code, resp.location) == (302, f"/merchant/coupons#c{c.id}")
    assert _coupons()[0].status == "paused"
    card = _card(text(page.get("/merchant/coupons")), f"c{c.id}")
    assert "paused" in card and f'action="/merchant/coupons/{c.id}/resume"' in card
    assert "/pause" not in card

    resp = page.post(f"/merchant/coupons/{c.id}/resume", {"next": "coupon"})
    assert (resp.status_code, resp.location) == (302, f"/merchant/coupons/{c.id}")
    assert _coupons()[0].status == "active"
    assert "Coupon resumed" in text(page.get(f"/merchant/coupons/{c.id}"))

    resp = page.post(f"/merchant/coupons/{c.id}/end", {"next": "coupon"})
    assert resp.location == f"/merchant/coupons/{c.id}"
    assert _coupons()[0].status == "ended"
    html = text(page.get(f"/merchant/coupons/{c.id}"))
    assert "Coupon ended" in html
    assert "/pause" not in html and "/resume" not in html and "/end" not in html
    card = _card(text(page.get("/merchant/coupons")), f"c{c.id}")
    assert "ended" in card and "<form" not in card  # an ended coupon: no buttons

    resp = page.post(f"/merchant/coupons/{c.id}/resume")  # ended stays ended
    assert resp.status_code == 302
    assert "This coupon has ended." in text(page.get("/merchant/coupons"))
    assert _coupons()[0].status == "ended"


def test_another_merchants_coupon_is_a_404_and_shoppers_get_403(shop):
    api = shop["api"]
    theirs = promo.made_coupon(api, shop["other"], title="紫砂壶券")
    page = shop["page"]
    cid = theirs["id"]
    assert page.get(f"/merchant/coupons/{cid}").status_code == 404
    assert page.get("/merchant/coupons/99999999").status_code == 404
    for action in ("pause", "resume", "end"):
        assert page.post(f"/merchant/coupons/{cid}/{action}").status_code == 404
    assert read_db(lambda: Coupon.get_by_id(cid)).status == "active"
    assert "紫砂壶券" not in text(page.get("/merchant/coupons"))
    assert "紫砂壶券" not in text(page.get("/merchant/coupons.csv"))
    other = Browser(api.client.application, "potshop", signup=False)
    assert other.get(f"/merchant/coupons/{cid}").status_code == 200

    shopper = Browser(api.client.application, "mei", signup=False)
    for path in (
        "/merchant/coupons",
        "/merchant/coupons.csv",
        f"/merchant/coupons/{cid}",
        "/merchant/red-packets",
    ):
        assert shopper.get(path).status_code == 403, path
    assert shopper.post("/merchant/coupons", _form()).status_code == 403
    assert shopper.post(f"/merchant/coupons/{cid}/end").status_code == 403
    assert shopper.post("/merchant/red-packets", {}).status_code == 403
    assert read_db(lambda: Coupon.get_by_id(cid)).status == "active"
    anonymous = shop["api"].client.application.test_client()
    resp = anonymous.get("/merchant/coupons")
    assert resp.status_code == 302 and "/login" in resp.location


def test_forms_without_the_csrf_token_are_refused(shop):
    page = shop["page"]
    client = page.client
    assert client.post("/merchant/coupons", data=_form()).status_code == 400
    assert _coupons() == []
    page.post("/merchant/coupons", _form())
    [c] = _coupons()
    for action in ("pause", "end"):
        assert client.post(f"/merchant/coupons/{c.id}/{action}").status_code == 400
    assert _coupons()[0].status == "active"
    sid, _ = promo.live_on(shop["api"], [shop["tea"]])
    body = {"rp_live_id": str(sid), "rp_total": "10", "rp_count": "5"}
    assert client.post("/merchant/red-packets", data=body).status_code == 400
    assert _packets() == []


# --- figures: a coupon's page and the CSV ---------------------------------------------


def _used_world(shop):
    """teashop's ¥20 off over ¥100 (10 of them, by the API): mei claims one and pays
    with it (tea 168.00 + 2 cups 89.00 = 346.00, 20.00 off); ann claims one and
    keeps it. Returns the coupon's dict."""
    api = shop["api"]
    c = promo.made_coupon(api, shop["merchant"])
    uc = promo.claimed(api, shop["buyer"], c["id"])
    resp = promo.order_with(
        api, shop["buyer"], [(shop["tea"], 1), (shop["cup"], 2)], [uc["id"]]
    )
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["order"]["discount_cents"] == 2000
    promo.claimed(api, api.user("ann"), c["id"])
    return c


def test_a_coupons_page_shows_its_terms_and_figures(shop):
    c = _used_world(shop)
    resp = shop["page"].get(f"/merchant/coupons/{c['id']}")
    assert resp.status_code == 200
    html = text(resp)
    assert "<h1>¥20.00 · Over ¥100.00</h1>" in html
    assert 'id="stat-claimed">2 / 10<' in html
    assert 'id="stat-used">1<' in html
    assert 'id="stat-rate">50.0%<' in html
    assert 'id="stat-discount">¥20.00<' in html
    assert 'id="stat-orders">1<' in html
    assert 'id="stat-gmv">¥326.00<' in html
    assert "The whole shop" in html and "7 days after claiming" in html
    assert "8 left" in html
    assert f'action="/merchant/coupons/{c["id"]}/pause"' in html
    card = _card(text(shop["page"].get("/merchant/coupons")), f"c{c['id']}")
    assert "2 / 10" in card and "50.0%" in card and "¥326.00" in card
    assert "style=" not in html and "<script>" not in html


def test_the_csv_has_the_header_and_each_coupons_figures(shop):
    c = _used_world(shop)
    api = shop["api"]
    evil = promo.made_coupon(api, shop["merchant"], title="=SUM(A1) 券", total=3)
    resp = shop["page"].get("/merchant/coupons.csv")
    assert resp.status_code == 200
    assert resp.mimetype == "text/csv"
    assert "attachment" in resp.headers["Content-Disposition"]
    body = resp.get_data(as_text=True)
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body[1:])))
    assert rows[0] == stats.CSV_HEADER
    assert len(rows) == 3
    by_id = {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    row = by_id[str(c["id"])]
    assert (row["title"], row["kind"], row["amount_off"], row["min_spend"]) == (
        "¥20 off over ¥100",
        "amount_off",
        "20.00",
        "100.00",
    )
    assert (row["scope"], row["status"], row["currency"]) == ("shop", "active", "CNY")
    assert (row["total"], row["claimed"], row["used"], row["use_rate_pct"]) == (
        "10",
        "2",
        "1",
        "50.0",
    )
    assert (row["discount_given"], row["orders"], row["gmv"]) == (
        "20.00",
        "1",
        "326.00",
    )
    other = by_id[str(evil["id"])]
    assert other["title"] == "'=SUM(A1) 券"  # no formula for spreadsheets
    assert (other["claimed"], other["use_rate_pct"], other["gmv"]) == ("0", "", "0.00")


# --- red packets ----------------------------------------------------------------------


def _packet_form(live_id, **extra):
    form = {
        "rp_live_id": str(live_id),
        "rp_total": "88.88",
        "rp_count": "7",
        "rp_split": "random",
        "rp_min_spend": "",
        "rp_valid_days": "3",
        "rp_window": "45",
        **extra,
    }
    return {k: v for k, v in form.items() if v is not None}


def test_the_red_packet_form_funds_a_pool_whose_packets_add_up(shop):
    sid, _ = promo.live_on(shop["api"], [shop["tea"]], title="龙井专场")
    page = shop["page"]
    resp = page.post("/merchant/red-packets", _packet_form(sid))
    assert resp.status_code == 302, text(resp)[:3000]
    [rp] = _packets()
    assert resp.location == f"/merchant/coupons#rp{rp.id}"
    assert (rp.live_id, rp.total_cents, rp.count, rp.split) == (sid, 8888, 7, "random")
    assert (rp.min_spend_cents, rp.valid_days, rp.grab_window_s) == (0, 3, 45)
    assert (rp.status, rp.merchant_id) == ("ready", _user("teashop").id)
    shares = read_db(
        lambda: [
            s.amount_cents
            for s in RedPacketShare.select().where(RedPacketShare.red_packet == rp.id)
        ]
    )
    assert len(shares) == 7 and sum(shares) == 8888 and min(shares) >= 1
    html = text(page.get("/merchant/coupons"))
    assert "Red packets ready: 7 packets, ¥88.88 in all." in html
    card = _card(html, f"rp{rp.id}")
    assert "龙井专场" in card and "ready" in card and "0 / 7" in card
    assert "¥0.00" in card and "/ ¥88.88" in card and "random amounts" in card
    assert "The host opens it in the live." in card
    assert "/open" not in card  # lily hosts it, not teashop

    resp = page.post(
        "/merchant/red-packets",
        _packet_form(sid, rp_total="10", rp_count="3", rp_split="equal"),
    )
    assert resp.status_code == 302
    equal = _packets()[-1]
    shares = read_db(
        lambda: sorted(
            s.amount_cents
            for s in RedPacketShare.select().where(
                RedPacketShare.red_packet == equal.id
            )
        )
    )
    assert shares == [333, 333, 334]
    assert page.get("/merchant/red-packets").location == "/merchant/coupons#red-packets"


def test_red_packet_mistakes_are_said_next_to_their_fields(shop):
    page = shop["page"]
    sid, _ = promo.live_on(shop["api"], [shop["tea"]])
    bad = _packet_form("", rp_total="abc", rp_count="0", rp_split="", rp_window="5")
    resp = page.post("/merchant/red-packets", bad)
    assert resp.status_code == 400
    html = text(resp)
    assert error_of(html, "rp_live_id") == "Choose one of your lives."
    assert error_of(html, "rp_total") == (
        "Enter an amount from 0.01 to 1,000,000, with at most 2 decimals."
    )
    assert error_of(html, "rp_count") == "Enter a whole number from 1 to 10000."
    assert error_of(html, "rp_split") == "Choose random or equal amounts."
    assert error_of(html, "rp_window") == "Enter a whole number from 10 to 600."
    assert 'name="rp_total" type="text" value="abc"' in html
    assert 'name="rp_window" type="number" value="5"' in html
    assert error_of(html, "amount_off") is None  # the coupon form is untouched

    resp = page.post("/merchant/red-packets", _packet_form(sid, rp_total="0.05"))
    html = text(resp)
    assert error_of(html, "rp_total") == (
        "Every packet needs at least 0.01: give at least 0.07 for 7 packets."
    )
    assert re.search(rf'<option value="{sid}" selected>', html)
    theirs, _ = promo.live_on(shop["api"], [shop["pot"]], host="rosa")
    resp = page.post("/merchant/red-packets", _packet_form(theirs))
    assert error_of(text(resp), "rp_live_id") == (
        "Choose a live of yours that has not ended."
    )
    assert _packets() == []


def test_a_merchant_hosting_the_live_opens_a_ready_pool(shop, monkeypatch):
    heard = []
    monkeypatch.setattr(
        promo_events, "_emit", lambda name, payload, sid: heard.append((name, sid))
    )
    live = _live("teashop", title="茶社自播")
    page = shop["page"]
    page.post("/merchant/red-packets", _packet_form(live.id))
    [rp] = _packets()
    card = _card(text(page.get("/merchant/coupons")), f"rp{rp.id}")
    assert f'action="/merchant/red-packets/{rp.id}/open"' in card
    assert "data-confirm=" in card
    assert page.client.post(f"/merchant/red-packets/{rp.id}/open").status_code == 400
    assert _packets()[0].status == "ready"  # no CSRF token: refused

    resp = page.post(f"/merchant/red-packets/{rp.id}/open")
    assert (resp.status_code, resp.location) == (302, f"/merchant/coupons#rp{rp.id}")
    rp = _packets()[0]
    assert rp.status == "open" and rp.ends_at is not None
    assert heard == [("red_packet", live.id)]  # the room heard it
    html = text(page.get("/merchant/coupons"))
    assert "Red packets open" in html
    card = _card(html, f"rp{rp.id}")
    assert "Raining now" in card and "Open until" in card and "/open" not in card

    page.post(f"/merchant/red-packets/{rp.id}/open")  # twice: said, not a 500
    assert "This red packet was opened already." in text(page.get("/merchant/coupons"))

    # a live not on yet: no button, and opening is refused with its reason
    later = _live("teashop", status="scheduled", title="明晚直播")
    page.post("/merchant/red-packets", _packet_form(later.id))
    ready = _packets()[-1]
    card = _card(text(page.get("/merchant/coupons")), f"rp{ready.id}")
    assert "/open" not in card and "once the live is on" in card
    page.post(f"/merchant/red-packets/{ready.id}/open")
    assert "Open red packets while the live is on." in text(
        page.get("/merchant/coupons")
    )
    assert _packets()[-1].status == "ready"


def test_a_pool_for_someone_elses_live_is_opened_by_its_host(shop, monkeypatch):
    monkeypatch.setattr(promo_events, "_emit", lambda *a: None)
    sid, _ = promo.live_on(shop["api"], [shop["tea"]])
    page = shop["page"]
    page.post("/merchant/red-packets", _packet_form(sid))
    [rp] = _packets()
    page.post(f"/merchant/red-packets/{rp.id}/open")
    html = text(page.get("/merchant/coupons"))
    assert "The host opens these red packets in the live console." in html
    assert _packets()[0].status == "ready"
    other = Browser(shop["api"].client.application, "potshop", signup=False)
    assert other.post(f"/merchant/red-packets/{rp.id}/open").status_code == 404
    assert f'id="rp{rp.id}"' not in text(other.get("/merchant/coupons"))
    assert _packets()[0].status == "ready"
