"""Community group buying's pages (社区团购): near me (search and pages), a pickup
point's page (approved points only, but to their leader and admins), the order
form for pickup (success, a replay, and each refusal as a message), the order
page's pickup panel (the code to its buyer only), and the merchant's console
(list with figures, the new-campaign form and its errors, a campaign before and
after the cut-off, Mark shipped, the CSV; another shop's campaign a 404)."""

import csv
import datetime
import io
import re

import pytest

from blueprints.community import views
from livestall.community import points
from livestall.community.models import BatchMark, CommunityBuy, PickupOrder
from livestall.orders.models import Order
from tests.factories import community as cf
from tests.factories.orders import Browser
from tests.plugins.app import error_of, plain, read_db, text


@pytest.fixture
def world(app, community_world):
    """community_world (teashop's tea ¥168 and cup ¥89, 5 in stock, at ¥128 and
    ¥69 in a campaign; auntie_li's approved point; mei a buyer) with browsers for
    mei, the shop, the leader, the admin and an anonymous visitor."""
    w = community_world()
    w["app"] = app
    w["mei_b"] = Browser(app, "mei", signup=False)
    w["shop_b"] = Browser(app, "teashop", signup=False)
    w["leader_b"] = Browser(app, "auntie_li", signup=False)
    w["admin_b"] = Browser(app, "boss", signup=False)
    w["anon"] = Browser(app)
    return w


def _flashes(resp):
    return " ".join(
        re.sub(r"<[^>]+>", "", m)
        for m in re.findall(r'<p class="flash flash-\w+">(.*?)</p>', text(resp), re.S)
    )


def _key(html):
    return re.search(r'name="idempotency_key" value="([^"]+)"', html).group(1)


def _form_path(world, campaign_id=None, leader_id=None):
    leader_id = leader_id or world["leader"]["id"]
    campaign_id = campaign_id or world["campaign"]["id"]
    return f"/points/{leader_id}/order?campaign={campaign_id}"


def _order_by_page(world, browser=None, key=None, **qty):
    """Open the form, then send it with `qty` {product key: n} (cod)."""
    browser = browser or world["mei_b"]
    page = browser.get(_form_path(world))
    assert page.status_code == 200
    data = {"idempotency_key": key or _key(text(page)), "payment_method": "cod"}
    data.update({f"qty-{world[k]}": str(n) for k, n in qty.items()})
    return browser.post(_form_path(world), data)


def _api_order(world, token, items, leader_id=None):
    resp = cf.order(
        world["api"],
        token,
        world["campaign"]["id"],
        leader_id or world["leader"]["id"],
        [{"product_id": world[k], "qty": n} for k, n in items.items()],
    )
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()["order"]


def _second_point(world, username="zhang", **point):
    fields = {"name": "Riverside Grocery 江边小卖部", "address": "12 Binjiang Road"}
    return cf.approved_leader(
        world["api"], world["admin"], username, **{**fields, **point}
    )


# --- near me ------------------------------------------------------------------------


def test_near_me_lists_approved_points_searched_by_name_or_address(world):
    api = world["api"]
    _second_point(world)
    cf.apply(api, api.user("lin"), name="Pending Point 待审核", address="西溪路 8 号")
    page = world["anon"].get("/points")
    assert page.status_code == 200
    body = plain(page)
    assert "Pickup points near me" in body and "2 pickup points" in body
    assert cf.POINT["name"] in body and "Riverside Grocery" in body
    assert "Pending Point" not in body
    assert "1 campaign taking orders now" in body
    assert f'href="/points/{world["leader"]["id"]}"' in text(page)

    def names(q):
        found = plain(world["anon"].get("/points", query_string={"q": q}))
        return [n for n in (cf.POINT["name"], "Riverside Grocery") if n in found]

    assert names("翠苑") == [cf.POINT["name"]]  # the name
    assert names("西湖区") == [cf.POINT["name"]]  # the address
    assert names("BINJIANG") == ["Riverside Grocery"]  # any case
    assert names("grocery  binjiang") == ["Riverside Grocery"]  # every word
    assert names("grocery 翠苑") == []
    assert names("待审核") == []  # pending points are nobody's to find
    assert names("%") == [] and names("_") == []  # plain characters
    empty = plain(world["anon"].get("/points?q=nowhere"))
    assert "No pickup point matches “nowhere”" in empty


def test_near_me_pages(world, monkeypatch):
    _second_point(world)
    monkeypatch.setattr(points, "PER_PAGE", 1)
    first = plain(world["anon"].get("/points"))
    second = plain(world["anon"].get("/points?page=2"))
    assert "Page 1 of 2" in first and "Page 2 of 2" in second
    # by the point's name: "Riverside…" before "翠苑…"
    assert "Riverside Grocery" in first and cf.POINT["name"] not in first
    assert cf.POINT["name"] in second
    assert world["anon"].get("/points?page=junk").status_code == 200


def test_near_me_with_no_points(app, orders_world):
    orders_world(only=["tea"])
    page = plain(Browser(app).get("/points"))
    assert "No pickup points yet" in page


# --- a point's page -----------------------------------------------------------------


def test_a_point_shows_itself_and_the_campaigns_still_open(world):
    api = world["api"]
    closed = cf.made_campaign(
        api,
        world["merchant"],
        [{"product_id": world["tea"], "price_cents": 9900}],
        title="昨天的团",
    )
    cf.pass_cutoff(closed["id"])
    leader_id, campaign_id = world["leader"]["id"], world["campaign"]["id"]
    page = world["anon"].get(f"/points/{leader_id}")
    assert page.status_code == 200
    body = plain(page)
    for fact in cf.POINT.values():
        assert fact in body
    assert "Leader auntie_li" in body
    assert "明早到：龙井新茶" in body and "From teashop" in body
    assert "昨天的团" not in body
    assert "¥128.00" in body and "¥69.00" in body and "¥168.00" in body
    html = text(page)
    assert re.search(r'data-countdown="[^"]+Z">\d\d:\d\d:\d\d</time>', html)
    assert 'href="tel:057188880001"' in html
    assert f'href="/points/{leader_id}/order?campaign={campaign_id}"' in html
    assert "community.css" in html
    cf.pass_cutoff(campaign_id)
    later = plain(world["anon"].get(f"/points/{leader_id}"))
    assert "No campaign is taking orders right now" in later


def test_a_point_not_approved_is_a_404_but_to_its_leader_and_admins(world):
    api = world["api"]
    applied = cf.apply(api, api.user("lin"), name="Lin's Corner")
    lin_id = applied.get_json()["leader"]["id"]
    assert world["anon"].get(f"/points/{lin_id}").status_code == 404
    assert world["mei_b"].get(f"/points/{lin_id}").status_code == 404
    own = Browser(world["app"], "lin", signup=False).get(f"/points/{lin_id}")
    assert own.status_code == 200 and "Waiting for approval" in plain(own)
    assert "Order for pickup here" not in plain(own)
    assert world["admin_b"].get(f"/points/{lin_id}").status_code == 200
    assert world["anon"].get("/points/987654").status_code == 404
    # disabling hides a point at once
    cf.decide(api, world["admin"], world["leader"]["id"], "disable", "投诉")
    assert world["mei_b"].get(f"/points/{world['leader']['id']}").status_code == 404


# --- ordering for pickup ------------------------------------------------------------


def test_a_neighbour_orders_for_pickup_and_sees_the_code(world):
    form = world["mei_b"].get(_form_path(world))
    html = text(form)
    assert form.status_code == 200
    assert f'name="qty-{world["tea"]}"' in html and f'name="qty-{world["cup"]}"' in html
    assert 'name="payment_method"' in html and 'name="idempotency_key"' in html
    assert 'name="address"' not in html and 'name="address_id"' not in html
    assert cf.POINT["address"] in plain(form)
    key = _key(html)
    resp = _order_by_page(world, key=key, tea=2, cup=0)
    assert resp.status_code == 302
    order_id = int(re.fullmatch(r"/orders/(\d+)", resp.location).group(1))
    page = world["mei_b"].get(resp.location)
    assert (
        f"Ordered! Pick it up at {cf.POINT['name']} with your pickup code. "
        "Your group order number is 1." in _flashes(page)
    )
    order = read_db(lambda: Order.get_by_id(order_id))
    assert order.total_cents == 2 * 12800 and order.shipping_cents == 0
    pickup = cf.pickup_row(order_id)
    body = plain(page)
    assert "Your pickup code" in body
    assert f"{pickup.pickup_code[:4]} {pickup.pickup_code[4:]}" in body
    assert f'data-pickup-code="{pickup.pickup_code}"' in text(page)
    assert "Group order number #1" in body and cf.POINT["name"] in body
    # the same form sent again: the same order, said so
    again = _order_by_page(world, key=key, tea=2)
    assert again.location == f"/orders/{order_id}"
    assert "This order was already placed." in _flashes(
        world["mei_b"].get(again.location)
    )
    # the key with another basket: a message and a fresh key
    other = _order_by_page(world, key=key, tea=1)
    assert other.status_code == 409
    assert "already used for a different order" in plain(other)
    assert _key(text(other)) != key
    assert read_db(lambda: Order.select().count()) == 1


def test_the_pickup_code_is_shown_to_its_buyer_only(world):
    placed = _api_order(world, world["buyer"], {"tea": 1})
    code = cf.pickup_row(placed["id"]).pickup_code
    path = f"/orders/{placed['id']}"
    mine = text(world["mei_b"].get(path))
    assert code in mine and "Your pickup code" in mine
    for name in ("shop_b", "admin_b"):
        page = world[name].get(path)
        assert page.status_code == 200
        html = text(page)
        assert "Group order number" in html and cf.POINT["name"] in html
        assert code not in html and "Your pickup code" not in html
    # an order not for pickup has no pickup panel
    resp = world["api"].call(
        "POST",
        "/api/v1/orders",
        token=world["buyer"],
        json={
            "items": [{"product_id": world["cup"], "qty": 1}],
            "shipping": {"name": "Mei", "address": "1 Road", "phone": "13800000000"},
            "idempotency_key": cf.key("plain"),
            "payment_method": "cod",
        },
    )
    plain_id = resp.get_json()["order"]["id"]
    assert "Group order number" not in text(world["mei_b"].get(f"/orders/{plain_id}"))
    # cancelled: the code no longer works and is not shown
    cancel = world["api"].call(
        "POST",
        f"/api/v1/orders/{placed['id']}/status",
        token=world["buyer"],
        json={"status": "cancelled"},
    )
    assert cancel.status_code == 200
    after = plain(world["mei_b"].get(path))
    assert "its pickup code no longer works" in after and code not in after


def test_bad_quantities_are_said_on_the_form(world):
    tea = world["tea"]
    nothing = _order_by_page(world)
    assert nothing.status_code == 400
    assert "Choose how many of at least one product." in plain(nothing)
    for bad in ("abc", "100", "-1", "1.5", "２"):
        resp = _order_by_page(world, tea=bad)
        assert resp.status_code == 400, bad
        message = error_of(text(resp), f"qty-{tea}")
        assert message == "Enter a whole number from 0 to 99.", bad
        assert f'value="{bad}"' in text(resp)  # what was typed is kept
    short = _order_by_page(world, cup=6)  # 5 in stock
    assert short.status_code == 409
    assert "Only 5 left of “青瓷杯”." in plain(short)
    page = world["mei_b"].get(_form_path(world))
    resp = world["mei_b"].post(
        _form_path(world),
        {
            "idempotency_key": _key(text(page)),
            "payment_method": "bitcoin",
            f"qty-{tea}": "1",
        },
    )
    assert resp.status_code == 400
    assert "Choose cash on delivery or bank transfer." in plain(resp)
    assert read_db(lambda: Order.select().count()) == 0


def test_the_cut_off_is_said_on_the_form(world):
    page = world["mei_b"].get(_form_path(world))
    key = _key(text(page))
    cf.pass_cutoff(world["campaign"]["id"])
    resp = world["mei_b"].post(
        _form_path(world),
        {"idempotency_key": key, "payment_method": "cod", f"qty-{world['tea']}": "1"},
    )
    assert resp.status_code == 409
    body = plain(resp)
    assert "This campaign's cut-off has passed." in body
    assert "Place order for pickup" not in body and "Ordering closed" in body
    assert read_db(lambda: Order.select().count()) == 0
    # opened after the cut-off: the same message, no form to send
    later = world["mei_b"].get(_form_path(world))
    assert later.status_code == 200
    assert "This campaign's cut-off has passed." in plain(later)
    assert " disabled" in text(later) and "Place order for pickup" not in plain(later)


def test_a_point_that_stops_taking_orders_is_said_on_the_form(world):
    page = world["mei_b"].get(_form_path(world))
    key = _key(text(page))
    cf.decide(world["api"], world["admin"], world["leader"]["id"], "disable", "投诉")
    resp = world["mei_b"].post(
        _form_path(world),
        {"idempotency_key": key, "payment_method": "cod", f"qty-{world['tea']}": "1"},
    )
    assert resp.status_code == 409
    assert "This pickup point is not taking orders." in plain(resp)
    assert read_db(lambda: Order.select().count()) == 0
    assert world["mei_b"].get(_form_path(world)).status_code == 404


def test_the_order_form_needs_a_sign_in_a_point_and_a_campaign(world):
    leader_id = world["leader"]["id"]
    anon = world["anon"].get(_form_path(world))
    assert anon.status_code == 302 and anon.location.startswith("/login?next=")
    bare = world["mei_b"].get(f"/points/{leader_id}/order")
    assert bare.status_code == 302 and bare.location == f"/points/{leader_id}"
    assert "Choose a campaign to order from." in _flashes(
        world["mei_b"].get(bare.location)
    )
    for campaign in ("987654", "abc", "0"):
        path = f"/points/{leader_id}/order?campaign={campaign}"
        assert world["mei_b"].get(path).status_code == 404, campaign
    assert world["mei_b"].get(_form_path(world, leader_id=987654)).status_code == 404


def test_a_pending_leader_sees_their_own_point_not_taking_orders(world):
    api = world["api"]
    applied = cf.apply(api, api.user("lin"), name="Lin's Corner")
    lin_id = applied.get_json()["leader"]["id"]
    lin = Browser(world["app"], "lin", signup=False)
    page = lin.get(_form_path(world, leader_id=lin_id))
    assert page.status_code == 200
    assert "This pickup point is not taking orders." in plain(page)
    assert world["mei_b"].get(_form_path(world, leader_id=lin_id)).status_code == 404


def test_pickup_orders_helper_reads_many_orders_at_once(world):
    placed = _api_order(world, world["buyer"], {"tea": 1})
    found = read_db(lambda: views.pickup_orders([placed["id"], 987654, None]))
    assert list(found) == [placed["id"]]
    assert found[placed["id"]].leader.point_name == cf.POINT["name"]
    assert views.pickup_code_text("12345678") == "1234 5678"


# --- the merchant's console ---------------------------------------------------------


def test_the_console_lists_campaigns_with_their_figures(world):
    api = world["api"]
    lan, zhu = api.user("lan"), api.user("zhu")
    mine = _api_order(world, world["buyer"], {"tea": 2})
    _api_order(world, lan, {"cup": 1})
    gone = _api_order(world, zhu, {"tea": 1})
    api.call(
        "POST",
        f"/api/v1/orders/{gone['id']}/status",
        token=zhu,
        json={"status": "cancelled"},
    )
    page = world["shop_b"].get("/merchant/community")
    assert page.status_code == 200
    body = plain(page)
    assert "明早到：龙井新茶" in body and "taking orders" in body
    assert "Orders 2" in body and "Units 3" in body and "Sales ¥325.00" in body
    assert "Pickup points 1" in body
    assert "Commission owed to leaders ¥0.00 of up to ¥32.50" in body
    assert "Leader's commission 10%" in body
    # picked up: the leader earns 10 % of mei's ¥256.00
    code = cf.pickup_row(mine["id"]).pickup_code
    done = api.call(
        "POST",
        "/api/v1/leader/pickups",
        token=world["leader_token"],
        json={"code": code},
    )
    assert done.status_code == 200, done.get_json()
    body = plain(world["shop_b"].get("/merchant/community"))
    assert "Commission owed to leaders ¥25.60 of up to ¥32.50" in body
    me = text(world["shop_b"].get("/me"))
    assert 'href="/merchant/community"' in me


def test_the_console_creates_a_campaign_from_the_form(world):
    now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None, microsecond=0)
    cutoff = (now + datetime.timedelta(hours=3)).replace(second=0)
    local = cutoff + datetime.timedelta(hours=8)  # typed in UTC+8
    resp = world["shop_b"].post(
        "/merchant/community",
        {
            "title": "  周末水果团  ",
            f"price-{world['tea']}": "99.9",
            f"price-{world['cup']}": "",
            "ends_at": local.strftime("%Y-%m-%dT%H:%M"),
            "tz_offset": "-480",
            "pickup_on": (local + datetime.timedelta(days=1)).date().isoformat(),
            "commission": "12.5",
        },
    )
    assert resp.status_code == 302, plain(resp)[:2000]
    campaign_id = int(re.fullmatch(r"/merchant/community/(\d+)", resp.location)[1])
    made = read_db(lambda: CommunityBuy.get_by_id(campaign_id))
    assert made.title == "周末水果团" and made.cutoff_at == cutoff
    assert made.leader_commission_bps == 1250
    items = read_db(lambda: [(i.product_id, i.price_cents) for i in made.items])
    assert items == [(world["tea"], 9990)]
    page = world["shop_b"].get(resp.location)
    assert "Campaign created" in _flashes(page)
    listing = plain(world["shop_b"].get("/merchant/community"))
    assert "周末水果团" in listing and "Leader's commission 12.5%" in listing


def _create(world, **fields):
    later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=3)
    data = {
        "title": "水果团",
        f"price-{world['tea']}": "99",
        "ends_at": later.strftime("%Y-%m-%dT%H:%M"),
        "tz_offset": "0",
        "pickup_on": (later + datetime.timedelta(days=1)).date().isoformat(),
        "commission": "10",
        **fields,
    }
    return world["shop_b"].post("/merchant/community", data)


def test_the_console_form_says_every_mistake_at_once(world):
    tea, cup = world["tea"], world["cup"]
    resp = _create(
        world,
        title=" ",
        **{f"price-{tea}": "200.00", f"price-{cup}": "abc"},
        ends_at="",
        pickup_on="",
        commission="31",
    )
    assert resp.status_code == 400
    html = text(resp)
    assert error_of(html, "title") == "Give a title of 1 to 120 characters."
    above = error_of(html, f"price-{tea}")
    assert above.startswith("Enter a price from 0.01 to the list price, ¥168.00")
    assert error_of(html, f"price-{cup}").startswith("Enter a price from 0.01")
    assert error_of(html, "ends_at") == "Give a date and a time."
    assert error_of(html, "pickup_on") == "Give the pickup day."
    assert error_of(html, "commission").startswith("Give a percentage from 0 to 30")
    assert "Check 6 fields" in plain(resp)
    assert 'value="200.00"' in html and 'value="abc"' in html  # kept as typed
    none = _create(world, **{f"price-{tea}": ""})
    assert (
        error_of(text(none), "items") == "Give a group price to at least one product."
    )
    # what only the rules know, on its field
    far = _create(world, pickup_on="2099-01-01")
    assert error_of(text(far), "pickup_on") == (
        "Pick up on the cut-off's day or within 14 days of it."
    )
    soon = datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=1)
    past = _create(world, ends_at=soon.strftime("%Y-%m-%dT%H:%M"))
    assert error_of(text(past), "ends_at") == (
        "Set the cut-off at least a minute from now."
    )
    assert read_db(lambda: CommunityBuy.select().count()) == 1  # the world's


def test_a_campaign_before_its_cut_off_shows_no_batches(world):
    _api_order(world, world["buyer"], {"tea": 2})
    path = f"/merchant/community/{world['campaign']['id']}"
    page = world["shop_b"].get(path)
    assert page.status_code == 200
    body = plain(page)
    assert "are made at the cut-off" in body and "Orders 1" in body
    assert "Mark shipped" not in body and "cm-stockup" not in text(page)
    assert "#1" not in body and "Download CSV" not in body
    csv_resp = world["shop_b"].get(f"{path}.csv")
    assert csv_resp.status_code == 302 and csv_resp.location == path
    ship = world["shop_b"].post(f"{path}/ship/{world['leader']['id']}")
    assert ship.status_code == 302
    assert "The batches are made at the cut-off." in _flashes(world["shop_b"].get(path))
    assert read_db(lambda: BatchMark.select().count()) == 0


def _after_cutoff(world):
    """mei (tea 2, cup 1) and lan (cup 1) at auntie_li's point, zhu (tea 1) at
    zhang's; then the cut-off passes."""
    api = world["api"]
    _token, zhang = _second_point(world)
    mei = _api_order(world, world["buyer"], {"tea": 2, "cup": 1})
    lan = _api_order(world, api.user("lan"), {"cup": 1})
    zhu = _api_order(world, api.user("zhu"), {"tea": 1}, leader_id=zhang["id"])
    cf.pass_cutoff(world["campaign"]["id"])
    return {"zhang": zhang, "mei": mei, "lan": lan, "zhu": zhu}


def test_after_the_cut_off_the_stock_up_list_and_one_batch_per_point(world):
    got = _after_cutoff(world)
    leader_id, zhang_id = world["leader"]["id"], got["zhang"]["id"]
    path = f"/merchant/community/{world['campaign']['id']}"
    page = world["shop_b"].get(path)
    assert page.status_code == 200
    html = text(page)
    stock = re.search(r'class="cm-sheet cm-stockup.*?</section>', html, re.S).group(0)
    stock_text = " ".join(re.sub(r"<[^>]+>", " ", stock).split())
    assert "龙井 250g 3" in stock_text and "青瓷杯 2" in stock_text
    assert "2 pickup points 5" in stock_text
    batch = re.search(rf'id="batch-{leader_id}".*?</section>', html, re.S).group(0)
    batch_text = " ".join(re.sub(r"<[^>]+>", " ", batch).split())
    assert cf.POINT["name"] in batch_text and "2 orders" in batch_text
    assert "#1 mei" in batch_text and "#2 lan" in batch_text
    assert "龙井 250g × 2" in batch_text and "to ship" in batch_text
    assert f'id="batch-{zhang_id}"' in html
    assert html.count("Mark shipped</button>") == 0  # a hidden name follows
    assert html.count(">Mark shipped<span") == 2
    assert "data-print" in html and "community.css" in html
    # marked shipped once; the second time says so
    ship = world["shop_b"].post(f"{path}/ship/{leader_id}")
    assert ship.status_code == 302 and ship.location == f"{path}#batch-{leader_id}"
    after = world["shop_b"].get(path)
    assert f"The batch for {cf.POINT['name']} is marked shipped." in _flashes(after)
    assert text(after).count(">Mark shipped<span") == 1
    assert "Shipped " in plain(after)
    again = world["shop_b"].post(f"{path}/ship/{leader_id}")
    assert again.status_code == 302
    assert "already marked shipped" in _flashes(world["shop_b"].get(path))
    mark = read_db(lambda: BatchMark.get(BatchMark.leader == leader_id))
    assert mark.shipped_at is not None and mark.received_at is None
    # a point with no batch in this campaign
    api = world["api"]
    lin = cf.apply(api, api.user("lin")).get_json()["leader"]["id"]
    assert world["shop_b"].post(f"{path}/ship/{lin}").status_code == 404
    assert world["shop_b"].post(f"{path}/ship/987654").status_code == 404


def test_the_campaign_page_prints_one_sheet_a_page(app):
    with open(f"{app.root_path}/static/css/community.css", encoding="utf-8") as fh:
        sheet = fh.read()
    printing = sheet[sheet.index("@media print") :]
    assert ".cm-sheet { break-after: page;" in printing
    assert ".cm-no-print" in printing and ".topbar" in printing


def test_the_csv_has_one_row_per_order_line(world):
    got = _after_cutoff(world)
    resp = world["shop_b"].get(f"/merchant/community/{world['campaign']['id']}.csv")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(resp.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == [
        "Pickup point",
        "Address",
        "Group order number",
        "Order",
        "Buyer",
        "Product",
        "Quantity",
    ]
    body = sorted((r[0], r[2], r[3], r[4], r[5], r[6]) for r in rows[1:])
    point, zhang_point = cf.POINT["name"], "Riverside Grocery 江边小卖部"
    assert body == sorted(
        [
            (point, "1", str(got["mei"]["id"]), "mei", "龙井 250g", "2"),
            (point, "1", str(got["mei"]["id"]), "mei", "青瓷杯", "1"),
            (point, "2", str(got["lan"]["id"]), "lan", "青瓷杯", "1"),
            (zhang_point, "1", str(got["zhu"]["id"]), "zhu", "龙井 250g", "1"),
        ]
    )


def test_another_shops_campaign_is_a_404_and_shoppers_get_a_403(world):
    api = world["api"]
    api.user("potshop", role="merchant")
    other = Browser(world["app"], "potshop", signup=False)
    path = f"/merchant/community/{world['campaign']['id']}"
    assert other.get(path).status_code == 404
    assert other.get(f"{path}.csv").status_code == 404
    assert other.post(f"{path}/ship/{world['leader']['id']}").status_code == 404
    assert other.get("/merchant/community/987654").status_code == 404
    listing = other.get("/merchant/community")
    assert listing.status_code == 200 and "明早到" not in plain(listing)
    assert "No campaigns yet" in plain(listing)
    assert world["mei_b"].get("/merchant/community").status_code == 403
    assert world["mei_b"].get(path).status_code == 403
    anon = world["anon"].get("/merchant/community")
    assert anon.status_code == 302 and anon.location.startswith("/login")
    # nothing the other shop did moved the campaign
    assert read_db(lambda: BatchMark.select().count()) == 0
    assert read_db(lambda: PickupOrder.select().count()) == 0
