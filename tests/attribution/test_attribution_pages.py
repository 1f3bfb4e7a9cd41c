"""The merchant's "Sales by content" page, the attribution settings and the
creator's earnings page (HTTP; the browser journey is test_journey_attribution)."""

import datetime
import html
import json
import re

from livestall.accounts.models import User
from livestall.db.base import utcnow
from livestall.flash.models import FlashSale
from livestall.live.models import LiveSession
from livestall.merchants.models import MerchantProfile
from tests.factories.attribution import buy
from tests.plugins.app import read_db


def page(client, url):
    resp = client.get(url)
    return resp.status_code, resp.get_data(as_text=True)


def test_the_dashboard_shows_the_stored_result(client, auth, journey):
    buy(journey, "last_touch")
    auth.login("teashop")
    status, body = page(client, "/merchant/attribution")
    assert status == 200
    assert "creator_c" in body and "¥100.00" in body
    assert 'id="total-orders">1<' in body
    assert "Last touch ★" in body  # the stored model is marked
    assert "what-if" not in body.split("<tbody>")[0].split('id="attr-rows"')[-1]
    # the chart's data and the same numbers in a table
    series = json.loads(
        html.unescape(re.search(r'data-series="([^"]*)"', body).group(1))
    )
    assert len(series) == 30
    assert series[-1]["attributed_cents"] == 10000
    assert "style=" not in body  # CSP: no inline styles
    assert "<script>" not in body  # nor inline scripts
    # top content: the live session that sold the tea
    assert f'href="/live/{journey["live"].id}"' in body
    status, body = page(client, "/merchant/attribution?group_by=live")
    assert status == 200 and "直播" in body


def test_another_model_shows_the_what_if_beside(client, auth, journey):
    buy(journey, "last_touch")
    auth.login("teashop")
    status, body = page(client, "/merchant/attribution?model=linear&group_by=creator")
    assert status == 200
    assert "What-if" in body
    row = re.search(r"<tr>\s*<th scope=\"row\">creator_c</th>(.*?)</tr>", body, re.S)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)
    # views, clicks, orders, units, stored, what-if, difference, commission
    assert cells[4:7] == ["¥100.00", "¥33.34", "-¥66.66"]
    row = re.search(r"<tr>\s*<th scope=\"row\">creator_a</th>(.*?)</tr>", body, re.S)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)
    assert cells[0] == "1"  # A's post was viewed once
    assert cells[4:7] == ["¥0.00", "¥33.33", "+¥33.33"]


def test_bad_dashboard_input_is_a_form_message(client, auth, journey):
    auth.login("teashop")
    for query, message in [
        ("from=2024-02-30", "2024-02-30 is not a date on the calendar."),
        ("to=tomorrow", "Give the date as YYYY-MM-DD."),
        ("from=2024-03-02&to=2024-03-01", "must not be after the end date"),
        ("model=bogus", "model must be one of"),
        ("group_by=sku", "group_by must be one of"),
    ]:
        status, body = page(client, f"/merchant/attribution?{query}")
        assert status == 400, query
        assert message in body, query
        assert "Traceback" not in body


def test_the_settings_form_sets_model_and_window(client, auth, journey):
    auth.login("teashop")
    status, body = page(client, "/merchant/settings")
    assert status == 200
    assert re.search(r'name="attribution_model" value="last_touch"[^>]* checked', body)
    assert "40% to the first touch" in body
    assert 'href="/merchant/attribution"' in body
    token = auth.token("/merchant/settings")
    form = {"csrf_token": token, "accepts_cod": "1"}
    resp = client.post(
        "/merchant/settings",
        data={
            **form,
            "attribution_model": "time_decay",
            "attribution_window_days": "14",
        },
    )
    assert resp.status_code == 302
    merchant_id = journey["merchant"].id
    profile = read_db(lambda: MerchantProfile.of(merchant_id))
    assert (profile.attribution_model, profile.attribution_window_days) == (
        "time_decay",
        14,
    )
    status, body = page(client, "/merchant/attribution")
    assert "Time decay ★" in body and "window 14 days" in body
    for fields, message in [
        ({"attribution_window_days": "0"}, "Choose 1 to 90 days."),
        ({"attribution_window_days": "seven"}, "Choose 1 to 90 days."),
        ({"attribution_window_days": "91"}, "Choose 1 to 90 days."),
        ({"attribution_model": "last_click"}, "Choose one of: last_touch"),
    ]:
        resp = client.post("/merchant/settings", data={**form, **fields})
        assert resp.status_code == 400, fields
        assert message in resp.get_data(as_text=True), fields
    profile = read_db(lambda: MerchantProfile.of(merchant_id))
    assert profile.attribution_window_days == 14  # the bad posts changed nothing


def test_the_orders_page_links_to_sales_by_content(client, auth, journey):
    auth.login("teashop")
    assert 'href="/merchant/attribution"' in page(client, "/merchant/orders")[1]


def test_the_creators_earnings_page(client, auth, journey):
    from livestall.orders import lifecycle as orders

    order = buy(journey, "last_touch")
    merchant = journey["merchant"]
    live = journey["live"]
    tea = journey["tea"]

    def flash():
        started = utcnow() - datetime.timedelta(minutes=5)
        LiveSession.update(peak_viewers=42).where(LiveSession.id == live.id).execute()
        FlashSale.create(
            session=live.id,
            product=tea,
            price_cents=8800,
            currency="CNY",
            quantity=10,
            remaining=0,
            sold=10,
            per_user_limit=1,
            starts_at=started,
            ends_at=started + datetime.timedelta(minutes=10),
            sold_out_at=started + datetime.timedelta(seconds=12.5),
        )
        orders.move(
            merchant, orders.visible_order(merchant, order.id), "shipped", "SF123456"
        )
        orders.move(merchant, orders.visible_order(merchant, order.id), "delivered")

    read_db(flash)
    auth.login("creator_c")
    status, body = page(client, "/creator/earnings")
    assert status == 200
    assert 'id="bal-payable">¥10.00<' in body
    assert 'id="bal-pending">¥0.00<' in body
    assert "直播" in body  # by live session, and the session's stats
    assert "<dd>42</dd>" in body  # peak viewers
    assert "10 / 10" in body and "¥880.00" in body and "12.5 s" in body
    assert "Order delivered" in body and "+¥10.00" in body and "-¥10.00" in body
    # another creator sees only their own (nothing)
    auth.logout()
    auth.login("creator_a")
    status, body = page(client, "/creator/earnings")
    assert status == 200 and "No commissions yet." in body
    assert "直播" not in body


def test_only_creators_and_admins_see_earnings(client, auth, journey):
    assert client.get("/creator/earnings").status_code == 302
    auth.login("mei")
    assert client.get("/creator/earnings").status_code == 403
    auth.logout()
    auth.login("teashop")
    assert client.get("/creator/earnings").status_code == 403
    assert read_db(lambda: User.select().count()) == 5
