"""The shopper's bargaining pages: the product page's block (start, open mine,
sign in; none for its merchant), the record page (the share target: price bar,
friends' cuts, Help cut and its refusals as messages, the owner's share box and
Buy now, each state), the buy form, "my bargains" and the notifications."""

import datetime
import re

import pytest

from livestall.accounts.models import User
from livestall.attribution.models import Touchpoint
from livestall.bargain import expiry
from livestall.bargain.models import BargainHelp, BargainRecord
from livestall.orders.models import Order
from tests.factories import bargain as bf
from tests.factories.orders import SHIP, Browser
from tests.plugins.app import csrf_token, plain, read_db, text


@pytest.fixture
def world(app, bargain_world):
    """teashop's tea (¥168) bargained from ¥100.00 to ¥10.00 in 3 helps; mei
    (buyer) has a record, started by the API; lan, zhu and dan are her friends;
    browsers for mei, lan, the shop and an anonymous visitor."""
    w = bargain_world()
    api = w["api"]
    w["record"] = bf.started(api, w["buyer"], w["bargain"]["id"])
    w["friends"] = {name: api.user(name) for name in ("lan", "zhu", "dan")}
    w["mei_b"] = Browser(app, "mei", signup=False)
    w["lan_b"] = Browser(app, "lan", signup=False)
    w["shop_b"] = Browser(app, "teashop", signup=False)
    w["anon"] = Browser(app)
    w["app"] = app
    return w


def _key(html):
    return re.search(r'name="idempotency_key" value="([^"]+)"', html).group(1)


def _path(world, tail=""):
    return f"/bargain-records/{world['record']['id']}{tail}"


def _flashes(resp):
    return " ".join(
        re.sub(r"<[^>]+>", "", m)
        for m in re.findall(r'<p class="flash flash-\w+">(.*?)</p>', text(resp), re.S)
    )


def _help(world, name):
    """`name` helps mei's record by the page: the record page after the redirect."""
    browser = world.get(f"{name}_b") or Browser(world["app"], name, signup=False)
    world[f"{name}_b"] = browser
    resp = browser.post(_path(world, "/help"))
    assert resp.status_code == 302, resp.status_code
    assert resp.location == _path(world)
    return browser.get(_path(world))


def _row():
    return read_db(lambda: BargainRecord.select().order_by(BargainRecord.id).first())


# --- the product page ---------------------------------------------------------------


def test_product_page_offers_the_bargain_to_shoppers(world):
    tea = world["tea"]
    page = world["anon"].get(f"/products/{tea}")
    assert "Bargain it down to ¥10.00" in plain(page)
    assert "Starts at ¥100.00: 3 friends' help takes it to the lowest price." in plain(
        page
    )
    html = text(page)
    assert f'href="/login?next=/products/{tea}"' in html  # sign in, then back here
    assert "/start" not in html
    lan = text(world["lan_b"].get(f"/products/{tea}"))
    assert f'action="/bargains/{world["bargain"]["id"]}/start"' in lan
    assert "Start bargaining" in lan
    # mei is bargaining already: her block opens her record
    mei = text(world["mei_b"].get(f"/products/{tea}"))
    assert f'href="{_path(world)}"' in mei and "Open my bargain: now ¥100.00" in mei


def test_the_merchant_sees_no_start_button_on_their_own_product(world):
    page = text(world["shop_b"].get(f"/products/{world['tea']}"))
    assert "Bargain it down to ¥10.00" in page
    assert "Start bargaining" not in page and "/start" not in page
    assert "Your bargain is running" in page


def test_a_product_without_a_campaign_shows_no_bargain(app, orders_world):
    w = orders_world(only=["tea", "cup"])
    page = plain(Browser(app).get(f"/products/{w['cup']}"))
    assert "Bargain it down" not in page and "Add to cart" in page


# --- starting -----------------------------------------------------------------------


def test_start_by_the_page_opens_the_record_and_again_the_same(world):
    bid = world["bargain"]["id"]
    resp = world["lan_b"].post(f"/bargains/{bid}/start")
    assert resp.status_code == 302
    record_id = int(re.fullmatch(r"/bargain-records/(\d+)", resp.location).group(1))
    page = world["lan_b"].get(resp.location)
    assert "Your bargain is on! Share the link" in _flashes(page)
    row = read_db(lambda: BargainRecord.get_by_id(record_id))
    assert row.owner.username == "lan" and row.price_cents == 10000
    again = world["lan_b"].post(f"/bargains/{bid}/start")
    assert again.location == f"/bargain-records/{record_id}"
    page = world["lan_b"].get(again.location)
    assert "You are already bargaining on this" in _flashes(page)
    assert read_db(lambda: BargainRecord.select().count()) == 2  # mei's and lan's


def test_start_signed_out_goes_to_sign_in_and_back_to_the_product(world):
    bid = world["bargain"]["id"]
    resp = world["anon"].post(f"/bargains/{bid}/start")
    assert resp.status_code == 302
    assert resp.location == f"/login?next=/products/{world['tea']}"
    assert "Sign in to start bargaining." in _flashes(world["anon"].get(resp.location))


def test_start_needs_csrf_and_a_campaign(world):
    bid = world["bargain"]["id"]
    resp = world["lan_b"].client.post(f"/bargains/{bid}/start")
    assert resp.status_code == 400
    assert read_db(lambda: BargainRecord.select().count()) == 1
    for bad in ("999999", "0", "abc"):
        assert world["lan_b"].post(f"/bargains/{bad}/start").status_code == 404


def test_start_refusals_are_messages_on_the_product_page(world):
    bid, tea = world["bargain"]["id"], world["tea"]
    resp = world["shop_b"].post(f"/bargains/{bid}/start")
    assert resp.status_code == 302 and resp.location == f"/products/{tea}"
    page = world["shop_b"].get(resp.location)
    assert "You cannot bargain on your own product." in _flashes(page)
    ended = world["api"].call(
        "POST", f"/api/v1/bargains/{bid}/end", token=world["merchant"]
    )
    assert ended.status_code == 200
    resp = world["lan_b"].post(f"/bargains/{bid}/start")
    assert resp.location == f"/products/{tea}"
    assert "This bargain has ended." in _flashes(world["lan_b"].get(resp.location))


# --- the record page ----------------------------------------------------------------


def test_record_page_for_a_visitor(world):
    resp = world["anon"].get(_path(world))
    assert resp.status_code == 200
    html, page = text(resp), plain(resp)
    assert "龙井 250g" in page and "<s>¥168.00</s>" in html
    assert "mei is bargaining" in page
    assert "Bargain it down to ¥10.00" in page and "Price now ¥100.00" in page
    assert 'max="100" value="0"' in html
    assert "Cut ¥0.00 so far · ¥90.00 to go" in page
    assert "Friends who helped: 0/3" in page and "No friend has helped yet." in page
    assert re.search(r'data-countdown="[^"]+Z">00:5\d:\d\d<', html)
    assert (
        f'href="/login?next={_path(world)}"' in html and "Sign in to help cut" in page
    )
    assert 'property="og:title" content="Help me cut the price: 龙井 250g' in html
    assert "data-share-url" not in html and _path(world, "/buy") not in html
    assert 'src="/static/js/bargain.js"' in html and "<script>" not in html


def test_record_page_for_its_owner_has_the_share_box_and_buy_now(world):
    html = text(world["mei_b"].get(_path(world)))
    share = re.search(r'id="bg-share-url" type="text" readonly value="([^"]+)"', html)
    assert share and share.group(1).endswith(_path(world, "?s=")[1:] + _code("mei"))
    assert f'href="{_path(world, "/buy")}"' in html and "Buy now at ¥100.00" in html
    assert "bg-help-form" not in html and "Your bargain" in html


def _code(username):
    return read_db(lambda: User.get(User.username == username).share_code)


def test_record_page_404s_for_missing_and_bad_ids(world):
    for path in (
        "/bargain-records/999999",
        "/bargain-records/0",
        "/bargain-records/abc",
        "/bargain-records/99999999999999999",
    ):
        assert world["anon"].get(path).status_code == 404, path


def test_the_share_link_is_the_owners_share_visit_of_the_product(world):
    share = world["record"]["share_url"]
    query = share[share.index("?") :]
    assert query == "?s=" + _code("mei")
    resp = world["anon"].get(_path(world, query))
    assert resp.status_code == 302 and resp.location == _path(world)
    mei_id = read_db(lambda: User.get(User.username == "mei").id)
    visits = read_db(
        lambda: [
            (t.sharer_id, t.product_id)
            for t in Touchpoint.select().where(Touchpoint.kind == "share_visit")
        ]
    )
    assert visits == [(mei_id, world["tea"])]
    # the owner following her own link is no share visit
    world["mei_b"].get(_path(world, query))
    assert read_db(lambda: Touchpoint.select().count()) == 1


# --- helping ------------------------------------------------------------------------


def test_a_friend_helps_and_sees_the_cut(world):
    page = _help(world, "lan")
    cut = read_db(lambda: BargainHelp.get().cut_cents)
    price = 10000 - cut
    said = _flashes(page)
    assert f"You cut ¥{cut // 100}.{cut % 100:02d}!" in said
    assert f"mei's price is now ¥{price // 100}.{price % 100:02d}." in said
    html = text(page)
    assert 'data-username="lan"' in html and "Friends who helped: 1/3" in plain(page)
    assert f"You cut ¥{cut // 100}.{cut % 100:02d} off." in plain(page)
    assert "bg-help-form" not in html  # helped: no button
    assert read_db(lambda: BargainRecord.get_by_id(world["record"]["id"]).helpers) == 1


def test_help_refusals_are_messages_never_errors(world):
    _help(world, "lan")
    again = _help(world, "lan")
    assert "You already helped with this bargain." in _flashes(again)
    own = _help(world, "mei")
    assert "Share your bargain: your friends cut the price for you." in _flashes(own)
    assert read_db(lambda: BargainHelp.select().count()) == 1


def test_help_signed_out_goes_to_sign_in_and_back_to_the_record(world):
    resp = world["anon"].post(_path(world, "/help"))
    assert resp.status_code == 302
    assert resp.location == f"/login?next={_path(world)}"
    page = world["anon"].get(resp.location)
    assert "Sign in to help cut the price" in _flashes(page)
    # signed in from there, the visitor is back on the record with the button
    token = csrf_token(world["anon"].client, resp.location)
    back = world["anon"].client.post(
        resp.location,
        data={"csrf_token": token, "login": "zhu", "password": "correct horse battery"},
    )
    assert back.status_code == 302 and back.location == _path(world)
    assert "bg-help-form" in text(world["anon"].get(back.location))


def test_help_needs_csrf_and_a_record(world):
    resp = world["lan_b"].client.post(_path(world, "/help"))
    assert resp.status_code == 400
    assert read_db(lambda: BargainHelp.select().count()) == 0
    assert world["lan_b"].post("/bargain-records/999999/help").status_code == 404


def test_three_friends_reach_the_floor_exactly(world):
    for name in ("lan", "zhu"):
        _help(world, name)
    page = _help(world, "dan")
    assert "The price reached its lowest: ¥10.00." in _flashes(page)
    assert "Lowest price reached!" in plain(page) and 'value="100"' in text(page)
    assert "Friends who helped: 3/3" in plain(page)
    assert _row().price_cents == 1000 and _row().status == "succeeded"
    world["api"].user("eve")
    late = _help(world, "eve")
    assert "This bargain already reached its lowest price." in _flashes(late)
    owner = text(world["mei_b"].get(_path(world)))
    assert "Buy now at ¥10.00" in owner and "data-share-url" not in owner


def test_the_daily_cap_and_the_address_limit_are_messages(world):
    world["app"].config["BARGAIN_HELPS_PER_DAY"] = 1
    zhu_record = bf.started(
        world["api"], world["friends"]["zhu"], world["bargain"]["id"]
    )
    _help(world, "lan")
    resp = world["lan_b"].post(f"/bargain-records/{zhu_record['id']}/help")
    page = world["lan_b"].get(resp.location)
    assert "You can help with 1 bargains a day. Come back tomorrow." in _flashes(page)
    world["app"].config["BARGAIN_HELPS_PER_IP"] = 1  # all of the tests are 127.0.0.1
    page = _help(world, "dan")
    assert "Too many helps from your network. Try again later." in _flashes(page)
    assert read_db(lambda: BargainHelp.select().count()) == 1


def test_too_new_accounts_are_told_why(app, bargain_world):
    w = bargain_world(min_account_age_min=60)
    record = bf.started(w["api"], w["buyer"], w["bargain"]["id"])
    w["api"].user("newbie")
    browser = Browser(app, "newbie", signup=False)
    resp = browser.post(f"/bargain-records/{record['id']}/help")
    page = browser.get(resp.location)
    assert "Accounts newer than 60 minutes cannot help with this bargain." in (
        _flashes(page)
    )


def _expire(world):
    later = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
    read_db(lambda: expiry.expire_records(now=later + datetime.timedelta(hours=2)))
    assert _row().status == "failed"


def test_an_expired_record_says_so_and_refuses_help_and_purchase(world):
    _expire(world)
    page = plain(world["anon"].get(_path(world)))
    assert "This bargain has expired" in page and "Help cut" not in page
    assert "Bargain for one too" in page
    owner = plain(world["mei_b"].get(_path(world)))
    assert "Start a new bargain" in owner and "Buy now" not in owner
    resp = world["lan_b"].post(_path(world, "/help"))
    assert "This bargain has closed." in _flashes(world["lan_b"].get(resp.location))
    resp = world["mei_b"].get(_path(world, "/buy"))
    assert resp.status_code == 302 and resp.location == _path(world)


# --- the buy form -------------------------------------------------------------------


def _buy(browser, path, **fields):
    html = text(browser.get(path))
    data = {**SHIP, "payment_method": "cod", "idempotency_key": _key(html)}
    data.update(fields)
    return browser.post(path, data)


def test_the_owner_buys_at_the_floor(world):
    for name in ("lan", "zhu", "dan"):
        _help(world, name)
    form = world["mei_b"].get(_path(world, "/buy"))
    assert form.status_code == 200
    assert "Buy at your bargain price" in plain(form) and "¥10.00" in plain(form)
    resp = _buy(world["mei_b"], _path(world, "/buy"))
    assert resp.status_code == 302
    order_id = int(re.fullmatch(r"/orders/(\d+)", resp.location).group(1))
    page = world["mei_b"].get(resp.location)
    assert "Bought at your bargain price, ¥10.00!" in _flashes(page)
    order = read_db(lambda: Order.get_by_id(order_id))
    assert order.payment_method == "cod" and order.buyer.username == "mei"
    assert "¥10.00" in plain(page)
    assert _row().status == "ordered" and _row().order_id == order_id
    # the record page says it is bought and links the order
    html = text(world["mei_b"].get(_path(world)))
    assert "Bought at ¥10.00" in html and f'href="/orders/{order_id}"' in html
    assert "Bought at ¥10.00" in plain(world["anon"].get(_path(world)))
    # the form again: to the order
    again = world["mei_b"].get(_path(world, "/buy"))
    assert again.status_code == 302 and again.location == f"/orders/{order_id}"


def test_buy_now_before_the_floor_pays_the_price_reached(world):
    _help(world, "lan")
    price = _row().price_cents
    resp = _buy(world["mei_b"], _path(world, "/buy"))
    assert resp.status_code == 302
    order = read_db(lambda: Order.get_by_id(int(resp.location.rsplit("/", 1)[1])))
    line = read_db(lambda: list(order.lines)[0])
    assert line.unit_price_cents == price


def test_buy_form_errors_are_shown_in_the_form(world):
    path = _path(world, "/buy")
    resp = _buy(world["mei_b"], path, phone="")
    assert resp.status_code == 400
    assert re.search(r'<small class="error" id="e-phone">', text(resp))
    resp = _buy(world["mei_b"], path, address_id="999999")
    assert resp.status_code == 400
    assert "Choose one of your saved addresses." in plain(resp)
    assert _row().status == "open"
    first = _buy(world["mei_b"], path)
    assert first.status_code == 302
    # bought: another key is a clear 409 in the form
    data = {**SHIP, "payment_method": "cod", "idempotency_key": "another-key-0001"}
    resp = world["mei_b"].post(path, data)
    assert resp.status_code == 409 and "You already bought this bargain." in plain(resp)
    assert read_db(lambda: Order.select().count()) == 1


def test_buy_form_is_the_owners_only(world):
    path = _path(world, "/buy")
    assert world["lan_b"].get(path).status_code == 403
    assert (
        world["lan_b"].post(path, {**SHIP, "payment_method": "cod"}).status_code == 403
    )
    assert world["shop_b"].get(path).status_code == 403
    resp = world["anon"].get(path)
    assert resp.status_code == 302 and "/login?next=" in resp.location
    assert world["mei_b"].get("/bargain-records/999999/buy").status_code == 404
    resp = world["mei_b"].client.post(path, data={**SHIP, "payment_method": "cod"})
    assert resp.status_code == 400  # no CSRF token
    assert read_db(lambda: Order.select().count()) == 0


def test_buying_an_expired_record_is_a_409_in_the_form(world):
    path = _path(world, "/buy")
    html = text(world["mei_b"].get(path))
    _expire(world)
    data = {**SHIP, "payment_method": "cod", "idempotency_key": _key(html)}
    resp = world["mei_b"].post(path, data)
    assert resp.status_code == 409 and "This bargain has expired." in plain(resp)


# --- my bargains, notifications -----------------------------------------------------


def test_my_bargains_lists_mine(world):
    zhu_record = bf.started(
        world["api"], world["friends"]["zhu"], world["bargain"]["id"]
    )
    _help(world, "lan")
    resp = world["mei_b"].get("/me/bargains")
    assert resp.status_code == 200
    html, page = text(resp), plain(resp)
    assert f'href="{_path(world)}"' in html
    assert f'href="/bargain-records/{zhu_record["id"]}"' not in html
    price = _row().price_cents
    assert f"¥{price // 100}.{price % 100:02d}" in page and "Lowest ¥10.00" in page
    assert "Friends who helped: 1/3" in page and "Bargaining" in page
    assert re.search(r'data-countdown="[^"]+Z">00:5\d:\d\d<', html)
    resp = world["anon"].get("/me/bargains")
    assert resp.status_code == 302 and "/login" in resp.location
    assert "/me/bargains" in text(world["mei_b"].get("/me"))
    _expire(world)
    assert "Expired" in plain(world["mei_b"].get("/me/bargains"))


def test_my_bargains_when_there_are_none(world):
    page = plain(world["lan_b"].get("/me/bargains"))
    assert "You have not started a bargain yet." in page


def test_notifications_of_helps_the_floor_and_expiry(world):
    for name in ("lan", "zhu", "dan"):
        _help(world, name)
    helps = bf.helps(world["record"]["id"])
    resp = world["mei_b"].get("/notifications")
    assert resp.status_code == 200
    page, html = plain(resp), text(resp)
    first = helps[0][1]
    price = 10000 - first
    assert (
        f"lan cut ¥{first // 100}.{first % 100:02d} off your bargain: now "
        f"¥{price // 100}.{price % 100:02d} (friends who helped: 1/3)."
    ) in page
    assert "(friends who helped: 3/3)" in page
    assert (
        "Your bargain reached its lowest price, ¥10.00! Buy it before it expires."
        in (page)
    )
    assert html.count(f'href="{_path(world)}"') == 4


def test_notification_of_a_bargain_about_to_expire(world):
    soon = _row().expires_at - datetime.timedelta(minutes=5)
    assert read_db(lambda: expiry.warn_expiring(now=soon)) == 1
    resp = world["mei_b"].get("/notifications")
    assert resp.status_code == 200
    page, html = plain(resp), text(resp)
    assert "Your bargain closes soon, at" in page
    assert "it is at ¥100.00 now. Buy it or ask more friends to help." in page
    assert 'data-local="datetime"' in html and f'href="{_path(world)}"' in html


def test_the_orders_pages_link_a_bargain_order_to_its_record(bargain_world, app):
    """An order bought at a bargain price says so on My orders and on its page,
    with a link to the record (the friends who helped)."""
    world = bargain_world(helpers_needed=1)
    api = world["api"]
    record = bf.started(api, world["buyer"], world["bargain"]["id"])
    assert bf.help_cut(api, api.user("lan"), record["id"]).status_code == 201
    order = bf.buy(api, world["buyer"], record["id"]).get_json()["order"]
    browser = Browser(app, "mei", signup=False)
    link = f'href="/bargain-records/{record["id"]}"'
    for path in ("/orders", f"/orders/{order['id']}"):
        page = browser.get(path).get_data(as_text=True)
        assert link in page and "Bought at the bargain price" in page, path
    plain = api.call(
        "POST",
        "/api/v1/orders",
        token=world["buyer"],
        json={
            "items": [{"product_id": world["tea"], "qty": 1}],
            "idempotency_key": "plain-order-0001",
            "shipping": SHIP,
        },
    ).get_json()["order"]
    page = browser.get(f"/orders/{plain['id']}").get_data(as_text=True)
    assert "Bought at the bargain price" not in page
