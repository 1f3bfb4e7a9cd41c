"""The shopper's group-buying pages: the product page's offer, the team page, the
seat forms (start, join, leave), the orders pages' seat state, notifications and
"my teams"."""

import datetime
import re

import pytest

from livestall.group_buy import expiry
from livestall.group_buy.models import Team, TeamMember
from livestall.orders.models import Order
from tests.factories.orders import SHIP, Browser
from tests.plugins.app import plain, read_db, text


def _deal(api, merchant, product_id, **extra):
    ends = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=1)
    body = {
        "product_id": product_id,
        "price_cents": 9900,
        "team_size": 3,
        "team_window_s": 3600,
        "ends_at": ends.isoformat(),
        "per_user_limit": 2,
        **extra,
    }
    resp = api.call("POST", "/api/v1/group-buys", token=merchant, json=body)
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()["group_buy"]


def _seat(api, token, path, key):
    body = {"qty": 1, "idempotency_key": key, "shipping": SHIP, "payment_method": "cod"}
    resp = api.call("POST", path, token=token, json=body)
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


def _key(html):
    return re.search(r'name="idempotency_key" value="([^"]+)"', html).group(1)


@pytest.fixture
def world(app, orders_world):
    """teashop's tea (¥168) with a 3-person deal at ¥99; mei (buyer) leads a team
    by the API; browsers for mei and for lan (a second shopper)."""
    w = orders_world(only=["tea"])
    api = w["api"]
    w["deal"] = _deal(api, w["merchant"], w["tea"])
    w["lan"] = api.user("lan")
    seat = _seat(
        api, w["buyer"], f"/api/v1/group-buys/{w['deal']['id']}/teams", "k-mei-0001"
    )
    w["team"], w["order_a"] = seat["team"], seat["order"]
    w["mei_b"] = Browser(app, "mei", signup=False)
    w["lan_b"] = Browser(app, "lan", signup=False)
    w["anon"] = Browser(app)
    return w


def _form(browser, path, **fields):
    html = text(browser.get(path))
    data = {**SHIP, "payment_method": "cod", "qty": "1", "idempotency_key": _key(html)}
    data.update(fields)
    return browser.post(path, data)


# --- product page -------------------------------------------------------------------


def test_product_page_offers_buy_alone_start_a_group_and_the_open_teams(world):
    page = plain(world["anon"].get(f"/products/{world['tea']}"))
    assert "Buy alone" in page and "Start a group" in page
    assert "¥168.00" in page and "¥99.00" in page and "3-person group" in page
    assert "Join a group that is forming" in page and "2 more needed" in page
    html = text(world["anon"].get(f"/products/{world['tea']}"))
    assert f'href="/teams/new?deal={world["deal"]["id"]}"' in html
    assert f'href="/teams/{world["team"]["id"]}/join"' in html
    assert re.search(r"data-countdown=\"[^\"]+Z\">00:5\d:\d\d<", html)


def test_product_page_without_a_deal_keeps_add_to_cart(app, orders_world):
    w = orders_world(only=["tea", "cup"])
    page = plain(Browser(app).get(f"/products/{w['cup']}"))
    assert "Add to cart" in page and "Start a group" not in page


# --- the team page ------------------------------------------------------------------


def test_team_page_shows_price_seats_countdown_share_and_og(world):
    team_id = world["team"]["id"]
    resp = world["anon"].get(f"/teams/{team_id}")
    assert resp.status_code == 200
    html = text(resp)
    page = plain(resp)
    assert "2 more to form the group" in page
    assert "¥99.00" in page and "<s" in html and "¥168.00" in page
    assert html.count("gb-seat-empty") == 2 and 'data-username="mei"' in html
    assert 'property="og:title" content="Join my group: 龙井 250g at ¥99.00"' in html
    assert f'href="/teams/{team_id}/join"' in html  # Join (sign-in happens there)
    assert "data-share-url" in html and "Leave the team" not in page


def test_team_page_for_the_member_offers_leave_not_join(world):
    team_id = world["team"]["id"]
    html = text(world["mei_b"].get(f"/teams/{team_id}"))
    assert "Leave the team" in html and f"/teams/{team_id}/join" not in html
    share = re.search(r'id="gb-share-url" type="text" readonly value="([^"]+)"', html)
    assert share and "?s=" in share.group(1)


def test_team_page_404s_for_missing_and_bad_ids(world):
    for path in ("/teams/999999", "/teams/0", "/teams/abc", "/teams/99999999999999999"):
        assert world["anon"].get(path).status_code == 404, path


# --- joining by the form ------------------------------------------------------------


def test_signed_out_join_goes_to_sign_in_and_back(world):
    path = f"/teams/{world['team']['id']}/join"
    resp = world["anon"].get(path)
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    assert "next=" in resp.headers["Location"] and "join" in resp.headers["Location"]
    resp = world["anon"].get(f"/teams/new?deal={world['deal']['id']}")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_join_form_places_a_seat_and_redirects_to_the_team(world):
    team_id = world["team"]["id"]
    form = world["lan_b"].get(f"/teams/{team_id}/join")
    assert form.status_code == 200
    assert "Join mei's group" in plain(form) and "2 more needed" in plain(form)
    resp = _form(world["lan_b"], f"/teams/{team_id}/join")
    assert resp.status_code == 302 and resp.headers["Location"].endswith(
        f"/teams/{team_id}"
    )
    page = plain(world["lan_b"].get(f"/teams/{team_id}"))
    assert "You're in! 1 more needed." in page and "1 more to form the group" in page
    seat = read_db(
        lambda: [
            m.order_id for m in TeamMember.select().where(TeamMember.team == team_id)
        ]
    )
    assert len(seat) == 2
    order = read_db(lambda: Order.get_by_id(max(seat)))
    assert order.total_cents >= 9900 and order.payment_method == "cod"


def test_join_form_without_csrf_is_refused(world):
    team_id = world["team"]["id"]
    html = text(world["lan_b"].get(f"/teams/{team_id}/join"))
    data = {**SHIP, "payment_method": "cod", "qty": "1", "idempotency_key": _key(html)}
    resp = world["lan_b"].client.post(f"/teams/{team_id}/join", data=data)
    assert resp.status_code == 400
    assert read_db(lambda: Team.get_by_id(team_id).seats_taken) == 1


def test_join_form_errors_are_shown(world):
    team_id = world["team"]["id"]
    resp = _form(world["lan_b"], f"/teams/{team_id}/join", qty="5", phone="")
    assert resp.status_code == 400
    assert "qty must be a whole number from 1 to 2." in plain(resp)
    resp = _form(world["lan_b"], f"/teams/{team_id}/join", phone="x")
    assert resp.status_code == 400
    assert re.search(r'<small class="error" id="e-phone">', text(resp))
    assert read_db(lambda: Team.get_by_id(team_id).seats_taken) == 1


def test_already_in_team_is_a_clear_409(world):
    path = f"/teams/new?deal={world['deal']['id']}"
    resp = _form(world["mei_b"], path)
    assert resp.status_code == 409
    assert "already in an open team of this deal" in plain(resp)


def test_team_full_and_closed_are_clear_messages(world, api):
    team_id = world["team"]["id"]
    form_html = text(world["lan_b"].get(f"/teams/{team_id}/join"))
    for name, key in (("zhu", "k-zhu-0001"), ("dan", "k-dan-0001")):
        _seat(api, api.user(name), f"/api/v1/teams/{team_id}/join", key)
    data = {**SHIP, "payment_method": "cod", "qty": "1"}
    resp = world["lan_b"].post(
        f"/teams/{team_id}/join", {**data, "idempotency_key": _key(form_html)}
    )
    assert resp.status_code == 409 and "This team has closed" in plain(resp)
    page = plain(world["lan_b"].get(f"/teams/{team_id}"))
    assert "Group formed!" in page
    resp = world["lan_b"].get(f"/teams/{team_id}/join")
    assert resp.status_code == 302  # closed: back to the team page with a message


def test_start_a_group_by_the_form(world):
    resp = world["lan_b"].get(f"/teams/new?deal={world['deal']['id']}")
    assert resp.status_code == 200 and "Start the group" in plain(resp)
    resp = _form(world["lan_b"], f"/teams/new?deal={world['deal']['id']}")
    assert resp.status_code == 302
    team_id = int(resp.headers["Location"].rsplit("/", 1)[1])
    team = read_db(lambda: Team.get_by_id(team_id))
    assert team.leader.username == "lan" and team.seats_taken == 1
    for bad in ("999999", "abc", ""):
        assert world["lan_b"].get(f"/teams/new?deal={bad}").status_code == 404


def test_leave_cancels_the_seat(world):
    team_id = world["team"]["id"]
    assert world["lan_b"].post(f"/teams/{team_id}/leave").status_code == 404
    resp = world["mei_b"].post(f"/teams/{team_id}/leave")
    assert resp.status_code == 302
    order = read_db(lambda: Order.get_by_id(world["order_a"]["id"]))
    assert order.status == "cancelled"
    assert read_db(lambda: Team.get_by_id(team_id).seats_taken) == 0


# --- orders, notifications, my teams ------------------------------------------------


def test_orders_pages_show_the_seat_state(world, api):
    team_id = world["team"]["id"]
    order_id = world["order_a"]["id"]
    page = plain(world["mei_b"].get(f"/orders/{order_id}"))
    assert "Group forming: 2 more needed" in page
    html = text(world["mei_b"].get("/orders"))
    assert f'href="/teams/{team_id}"' in html and "Group forming" in html
    for name, key in (("zhu", "k-zhu-0001"), ("dan", "k-dan-0001")):
        _seat(api, api.user(name), f"/api/v1/teams/{team_id}/join", key)
    assert "Group formed" in plain(world["mei_b"].get(f"/orders/{order_id}"))


def test_failed_group_shows_refunded_or_cancelled(world):
    team_id = world["team"]["id"]
    later = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
    read_db(lambda: expiry.expire_teams(now=later + datetime.timedelta(hours=2)))
    assert read_db(lambda: Team.get_by_id(team_id).status) == "failed"
    page = plain(world["mei_b"].get(f"/orders/{world['order_a']['id']}"))
    assert "Group failed: order cancelled" in page
    page = plain(world["mei_b"].get("/notifications"))
    assert "Your group did not fill in time" in page
    assert "Group failed" in plain(world["anon"].get(f"/teams/{team_id}"))


def test_notifications_render_team_joined_and_formed(world, api):
    team_id = world["team"]["id"]
    for name, key in (("zhu", "k-zhu-0001"), ("dan", "k-dan-0001")):
        _seat(api, api.user(name), f"/api/v1/teams/{team_id}/join", key)
    html = text(world["mei_b"].get("/notifications"))
    page = plain(world["mei_b"].get("/notifications"))
    assert "zhu joined your group: 1 more needed." in page
    assert "dan joined your group: it is complete!" in page
    assert "Your group formed! Your order will ship." in page
    assert f'href="/teams/{team_id}"' in html


def test_notifications_in_chinese(world, api):
    team_id = world["team"]["id"]
    _seat(api, api.user("zhu"), f"/api/v1/teams/{team_id}/join", "k-zhu-0001")
    browser = world["mei_b"]
    browser.post("/language", {"lang": "zh"})
    page = plain(browser.get("/notifications"))
    assert "zhu 参与了你的拼团，还差1人。" in page
    page = plain(browser.get(f"/teams/{team_id}"))
    assert "还差1人拼成" in page and "3人团" in page


def test_my_teams_lists_only_my_seats(world, api):
    lan_team = _seat(
        api,
        world["lan"],
        f"/api/v1/group-buys/{world['deal']['id']}/teams",
        "k-lan-0001",
    )["team"]
    page = world["mei_b"].get("/me/teams")
    assert page.status_code == 200
    html = text(page)
    assert f'href="/teams/{world["team"]["id"]}"' in html
    assert f'href="/teams/{lan_team["id"]}"' not in html
    assert "Group forming: 2 more needed" in plain(page)
    assert world["anon"].get("/me/teams").status_code == 302
    assert "/me/teams" in text(world["mei_b"].get("/me"))


# --- review fixes: a seat given up, the merchant's side, the seat form ------------


def _card(html, order_id):
    """The card of one order on /orders."""
    cards = html.split('<li class="panel order-card">')[1:]
    return next(c for c in cards if f'href="/orders/{order_id}"' in c)


def test_a_seat_given_up_says_so_not_group_forming(world, api):
    team_id = world["team"]["id"]
    order_b = _seat(api, world["lan"], f"/api/v1/teams/{team_id}/join", "k-lan-0001")
    order_b = order_b["order"]["id"]
    assert world["mei_b"].post(f"/teams/{team_id}/leave").status_code == 302
    assert read_db(lambda: Team.get_by_id(team_id).status) == "open"  # lan is in
    page = plain(world["mei_b"].get(f"/orders/{world['order_a']['id']}"))
    assert "You left this group" in page and "Group forming" not in page
    card = _card(text(world["mei_b"].get("/orders")), world["order_a"]["id"])
    assert "You left this group" in card and "Group forming" not in card
    # the shop cancels lan's order while the team is open: lan's seat is given up
    shop = Browser(world["api"].client.application, "teashop", signup=False)
    resp = shop.post(f"/orders/{order_b}/status", {"status": "cancelled"})
    assert resp.status_code == 302
    assert read_db(lambda: Order.get_by_id(order_b).status) == "cancelled"
    page = plain(world["lan_b"].get(f"/orders/{order_b}"))
    assert "You left this group" in page and "Group forming" not in page
    page = plain(shop.get(f"/orders/{order_b}"))
    assert "The buyer left this group" in page and "Group forming" not in page
    assert "Group order: ships once" not in page


def test_the_merchants_order_page_says_a_forming_seat_waits_for_its_group(world, api):
    team_id, order_id = world["team"]["id"], world["order_a"]["id"]
    shop = Browser(world["api"].client.application, "teashop", signup=False)
    page = plain(shop.get(f"/orders/{order_id}"))
    assert "Group order: ships once its group forms (2 more needed)." in page
    assert "Mark as shipped" not in page and "Cancel order" in page
    ship_by = page.split("To be shipped by")[1].split("Shop:")[0]
    assert "or the order is cancelled. It can ship once its group forms." in ship_by
    buyer = plain(world["mei_b"].get(f"/orders/{order_id}"))
    assert "Group order: ships once" not in buyer  # the shop's note
    for name, key in (("zhu", "k-zhu-0001"), ("dan", "k-dan-0001")):
        _seat(api, api.user(name), f"/api/v1/teams/{team_id}/join", key)
    page = plain(shop.get(f"/orders/{order_id}"))
    assert "Group formed" in page and "Group order: ships once" not in page
    assert "It can ship once its group forms." not in page


def test_the_merchants_orders_list_tags_seats_in_one_query(world, api, monkeypatch):
    from extensions import db

    shop = Browser(world["api"].client.application, "teashop", signup=False)

    def selects():
        sql = []
        real = db.obj.execute_sql

        def counted(query, params=None, *args, **kwargs):
            sql.append(query)
            return real(query, params, *args, **kwargs)

        monkeypatch.setattr(db.obj, "execute_sql", counted)
        html = text(shop.get("/merchant/orders"))
        monkeypatch.undo()
        return html, len([q for q in sql if q.lstrip().upper().startswith("SELECT")])

    html, one_seat = selects()
    row = html.split(f'href="/orders/{world["order_a"]["id"]}"')[1].split("</tr>")[0]
    assert "Group buy" in row and "Group forming: 2 more needed" in row
    deal = f"/api/v1/group-buys/{world['deal']['id']}/teams"
    team = _seat(api, api.user("zhu"), deal, "k-zhu-0001")["team"]
    _seat(api, api.user("dan"), f"/api/v1/teams/{team['id']}/join", "k-dan-0001")
    html, three_seats = selects()
    assert html.count('class="tag gb-tag order-group-tag"') == 3
    assert html.count("Group forming: 1 more") == 2  # zhu's and dan's team
    assert html.count("Group forming: 2 more") == 1  # mei's
    assert three_seats == one_seat  # the page's seats in one query, not one each
    zh = Browser(world["api"].client.application, "teashop", signup=False)
    zh.post("/language", {"lang": "zh"})
    assert "拼团中：还差2人" in plain(zh.get("/merchant/orders"))


def test_a_bad_saved_address_is_said_without_saved_addresses(world):
    team_id = world["team"]["id"]
    path = f"/teams/{team_id}/join"
    for bad in ("999999", "abc"):
        resp = _form(world["lan_b"], path, address_id=bad)
        assert resp.status_code == 400
        html = text(resp)
        assert 'name="address_id" value="' not in html  # lan has no saved address
        assert re.search(
            r'id="e-address_id" role="alert">Choose one of your saved addresses\.'
            r" Type the delivery address below\.<",
            html,
        ), bad
    assert read_db(lambda: Team.get_by_id(team_id).seats_taken) == 1
