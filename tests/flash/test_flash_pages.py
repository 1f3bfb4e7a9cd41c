"""Flash sales on the live pages: the console's launch form and end button, the
sales list with its numbers, and the room's flash-sale panel (rendered on the
server; static/js/flash-room.js takes over from the socket's state).

Bad input is a form message with a 400 and takes no stock; only the host, their
moderators and admins launch and end sales; anonymous visitors sign in first."""

import re
from urllib.parse import urlsplit

import pytest

from blueprints.live import flash_events
from livestall.accounts.models import User
from livestall.catalog.models import Product
from livestall.flash import sales as flash_sales
from livestall.flash.models import FlashSale
from livestall.live import sessions
from tests.factories import flash
from tests.factories.accounts import make_admin
from tests.plugins.app import error_of, read_db, text

# --- set-up ---------------------------------------------------------------------------


@pytest.fixture
def world(flash_world):
    """Lily's live (on air) featuring a tea (stock 100) and a cup of teashop's;
    rose, another creator, and mei, a shopper (browsers)."""
    return flash_world(
        products={"tea": flash.TEA, "cup": flash.CUP, "other": flash.OTHER},
        people=flash.PEOPLE,
        browsers=True,
        featured=["tea", "cup"],
    )


def form(world, **fields):
    data = {
        "product_id": str(world["tea"]),
        "price": "99",
        "quantity": "10",
        "per_user_limit": "2",
        "duration_s": "300",
        "start_delay_s": "0",
    }
    data.update(fields)
    return data


def launch(world, person=None, **fields):
    person = person or world["host"]
    return person.post(f"/live/{world['sid']}/flash-sales", form(world, **fields))


def stock(pid):
    return read_db(lambda: Product.get_by_id(pid).stock)


def sales():
    return read_db(lambda: list(FlashSale.select().order_by(FlashSale.id)))


# --- launching ------------------------------------------------------------------------


def test_the_console_has_the_launch_form_with_the_live_products(world):
    html = text(world["host"].get(f"/live/{world['sid']}/console"))
    assert f'action="/live/{world["sid"]}/flash-sales"' in html
    assert f'<option value="{world["tea"]}"' in html
    assert f'<option value="{world["cup"]}"' in html
    assert f'<option value="{world["other"]}"' not in html
    for name in ("price", "quantity", "per_user_limit", "duration_s", "start_delay_s"):
        assert f'name="{name}"' in html
    assert "No flash sales in this live yet." in html
    assert "/static/js/flash-console.js" in html and "<script>" not in html


def test_the_host_launches_a_sale_and_the_console_lists_it(world):
    resp = launch(world, price="99.50", start_delay_s="10")
    assert resp.status_code == 302
    assert urlsplit(resp.location).path == f"/live/{world['sid']}/console"
    assert resp.location.endswith("#flash")
    (sale,) = sales()
    assert (sale.price_cents, sale.quantity, sale.per_user_limit) == (9950, 10, 2)
    assert (sale.ends_at - sale.starts_at).total_seconds() == 300
    assert 9 <= (sale.starts_at - sale.created_at).total_seconds() <= 11
    assert stock(world["tea"]) == 90  # set aside at once

    page = world["host"].get(f"/live/{world['sid']}/console")
    html = text(page)
    assert "Flash sale launched: 10 × 明前龙井 Longjing at ¥99.50." in html
    row = re.search(r'<li class="fsale-row fsale-status-scheduled".*?</li>', html, re.S)
    assert row, html
    row = row.group(0)
    assert f'data-sale-id="{sale.id}"' in row
    assert "¥99.50" in row and "¥168.00" in row
    assert f'action="/live/{world["sid"]}/flash-sales/{sale.id}/end"' in row
    assert re.search(r'id="fsale-none"\s+hidden', html)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"price": ""}, "price", "Give a sale price from ¥0.01 to ¥168.00"),
        ({"price": "abc"}, "price", "Give a sale price from ¥0.01 to ¥168.00"),
        ({"price": "168.01"}, "price", "Give a sale price from ¥0.01 to ¥168.00"),
        ({"price": "0"}, "price", "Give a sale price from ¥0.01 to ¥168.00"),
        ({"quantity": "0"}, "quantity", "Give a quantity from 1 to 1,000,000."),
        ({"quantity": "ten"}, "quantity", "Give a quantity from 1 to 1,000,000."),
        ({"quantity": "101"}, "quantity", "Only 100 in stock to set aside."),
        ({"per_user_limit": "11"}, "per_user_limit", "from 1 to 10."),
        ({"per_user_limit": "0"}, "per_user_limit", "from 1 to 10."),
        ({"duration_s": "5"}, "duration_s", "Choose how long the sale lasts."),
        ({"duration_s": ""}, "duration_s", "Choose how long the sale lasts."),
        ({"start_delay_s": "-1"}, "start_delay_s", "Choose when the sale starts."),
        ({"start_delay_s": "3601"}, "start_delay_s", "Choose when the sale starts."),
        ({"product_id": "x"}, "product_id", "Choose one of this live's products."),
    ],
)
def test_bad_input_is_a_form_message_with_a_400_and_takes_no_stock(
    world, fields, field, message
):
    resp = launch(world, **fields)
    html = text(resp)
    assert resp.status_code == 400
    error = error_of(html, field)
    assert error and message in error, (field, error)
    assert sales() == []
    assert stock(world["tea"]) == 100
    assert 'id="f-price"' in html  # the form comes back, values kept
    if field != "price":
        assert 'value="99"' in html


def test_a_product_without_the_merchants_consent_or_an_unknown_one_is_refused(world):
    # any shop's product may be launched, within its merchant's consent (the
    # limits themselves: test_merchant_consent.py); "other" has none
    resp = launch(world, product_id=str(world["other"]), price="40")
    assert resp.status_code == 400
    error = error_of(text(resp), "product_id")
    assert "The merchant does not allow flash sales of this product." in error
    resp = launch(world, product_id="987654")
    assert resp.status_code == 400
    assert "There is no product 987654." in error_of(text(resp), "product_id")
    assert sales() == [] and stock(world["other"]) == 9


def test_a_live_that_is_not_on_air_is_a_form_message(world, app):
    def run():
        host = User.get_by_id(world["host"].id)
        return sessions.create_session(host, {"title": "Later", "product_ids": []}).id

    later = read_db(run)
    resp = world["host"].post(f"/live/{later}/flash-sales", form(world))
    assert resp.status_code == 400
    assert "Launch flash sales while the live is on." in text(resp)
    assert sales() == [] and stock(world["tea"]) == 100


def test_only_the_host_moderators_and_admins_launch(app, world, client):
    path = f"/live/{world['sid']}/flash-sales"
    for person in (world["rival"], world["shopper"]):
        assert person.post(path, form(world)).status_code == 403
    resp = client.post(path, data=form(world))
    assert resp.status_code in (302, 400)  # no CSRF token: refused either way
    assert sales() == []
    # anonymous, with a token: to the sign-in page, back here after
    token = re.search(r'name="csrf_token" value="([^"]+)"', text(client.get("/login")))
    resp = client.post(path, data={"csrf_token": token.group(1), **form(world)})
    assert resp.status_code == 302
    assert urlsplit(resp.location).path == "/login"
    assert sales() == []

    # a moderator and an admin may
    resp = world["host"].post(f"/live/{world['sid']}/moderators", {"usernames": "mei"})
    assert resp.status_code == 302
    one = form(world, quantity="1", per_user_limit="1")
    assert world["shopper"].post(path, one).status_code == 302
    assert make_admin(app).post(path, form(world, quantity="2")).status_code == 302
    assert [s.quantity for s in sales()] == [1, 2]
    assert stock(world["tea"]) == 97


def test_launch_needs_the_csrf_token(world):
    resp = world["host"].client.post(
        f"/live/{world['sid']}/flash-sales", data=form(world)
    )
    assert resp.status_code in (400, 403)
    assert sales() == []


# --- ending ---------------------------------------------------------------------------


def test_the_host_ends_a_sale_and_the_console_shows_its_summary(world, app, api):
    assert launch(world, quantity="3", per_user_limit="1").status_code == 302
    (sale,) = sales()
    # the shopper grabs one and pays for it at the sale price
    token = api.user("buyer")
    resp = api.call(
        "POST", f"/api/v1/flash-sales/{sale.id}/grab", token=token, json={"qty": 1}
    )
    assert resp.status_code == 201, resp.get_json()
    rid = resp.get_json()["reservation"]["id"]
    resp = api.call(
        "POST",
        "/api/v1/orders",
        token=token,
        json={
            "reservation_ids": [rid],
            "shipping": {"name": "王小明", "address": "杭州 1 号", "phone": "138000"},
            "payment_method": "cod",
            "idempotency_key": "flash-page-1",
        },
    )
    assert resp.status_code == 201, resp.get_json()
    assert sale.id in flash_events.stock_to_send()  # the room hears held -> sold

    path = f"/live/{world['sid']}/flash-sales/{sale.id}/end"
    for person in (world["rival"], world["shopper"]):
        assert person.post(path).status_code == 403
    resp = world["host"].post(path)
    assert resp.status_code == 302 and resp.location.endswith("#flash")
    sale = read_db(lambda: FlashSale.get_by_id(sale.id))
    assert sale.closed_at is not None and sale.settled
    assert stock(world["tea"]) == 99  # 3 set aside, 1 sold, 2 went back

    html = text(world["host"].get(f"/live/{world['sid']}/console"))
    assert "The flash sale has ended." in html
    row = re.search(r'<li class="fsale-row fsale-status-ended".*?</li>', html, re.S)
    assert row, html
    row = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row.group(0)))
    assert "Sold 1 / 3" in row and "GMV ¥99.00" in row
    assert "Sold out in —" in row
    # the moderation log names the product of the launch and of the end
    log = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.split("console-log", 1)[1]))
    assert "launched a flash sale of 明前龙井 Longjing" in log
    assert "ended the flash sale of 明前龙井 Longjing" in log

    # again: a message, not an error page
    resp = world["host"].post(path)
    assert resp.status_code == 302
    html = text(world["host"].get(f"/live/{world['sid']}/console"))
    assert "This flash sale has ended." in html


def test_ending_a_sale_of_another_live_is_a_404(world, app):
    assert launch(world).status_code == 302
    (sale,) = sales()

    def run():
        host = User.get_by_id(world["host"].id)
        other = sessions.create_session(host, {"title": "Other", "product_ids": []})
        return other.id

    other = read_db(run)
    host = world["host"]
    assert host.post(f"/live/{other}/flash-sales/{sale.id}/end").status_code == 404
    assert host.post(f"/live/{world['sid']}/flash-sales/987/end").status_code == 404
    assert read_db(lambda: FlashSale.get_by_id(sale.id)).closed_at is None


def test_a_sold_out_sale_shows_its_sell_out_time(world, api):
    assert launch(world, quantity="1", per_user_limit="1").status_code == 302
    (sale,) = sales()
    token = api.user("fast")
    resp = api.call(
        "POST", f"/api/v1/flash-sales/{sale.id}/grab", token=token, json={"qty": 1}
    )
    assert resp.status_code == 201
    html = text(world["host"].get(f"/live/{world['sid']}/console"))
    row = re.search(r'<li class="fsale-row fsale-status-sold_out".*?</li>', html, re.S)
    assert row, html
    assert re.search(r"Sold out in</dt><dd[^>]*>\d+\.\d s", row.group(0))


# --- the room -------------------------------------------------------------------------


def test_the_room_renders_the_panel_of_an_open_sale(world, client):
    assert launch(world, price="99", quantity="4").status_code == 302
    (sale,) = sales()
    room = f"/live/{world['sid']}"
    html = text(client.get(room))
    open_panel = r'<section class="fsale fsale-status-open".*?</section>'
    panel = re.search(open_panel, html, re.S)
    assert panel, html
    panel = panel.group(0)
    assert f'data-sale-id="{sale.id}"' in panel
    assert "明前龙井 Longjing" in panel
    assert "¥99.00" in panel and "¥168.00" in panel and "-41%" in panel
    assert "4 left" in panel and "0% sold" in panel
    assert 'max="4" value="0"' in panel
    # anonymous: a link to sign in that comes back to the room
    link = re.search(r'<a class="btn btn-block fsale-grab"[^>]*href="([^"]+)"', panel)
    assert link and link.group(1) == f"/login?next=/live/{world['sid']}"
    assert 'id="fsale-stack"' in html and "/static/js/flash-room.js" in html
    assert 'data-checkout-url="/checkout"' in html
    assert "<script>" not in html and "style=" not in panel

    # signed in: the Grab button (enabled by the script once it has joined)
    html = text(world["shopper"].get(room))
    assert re.search(r'<button type="button" class="btn btn-block fsale-grab"', html)
    assert 'data-role="grab" href=' not in html


def test_the_room_has_no_panel_when_no_sale_is_open(world, client):
    html = text(client.get(f"/live/{world['sid']}"))
    assert re.search(r'id="fsale-stack"\s+hidden', html)
    assert '<section class="fsale' not in html
    assert launch(world).status_code == 302
    (sale,) = sales()
    read_db(lambda: flash_sales.end_sale(sale, User.get_by_id(world["host"].id)))
    assert '<section class="fsale' not in text(client.get(f"/live/{world['sid']}"))


def test_pages_render_in_chinese(app, world):
    assert launch(world).status_code == 302
    person = world["host"]
    person.client.set_cookie("lang", "zh")
    for path in (f"/live/{world['sid']}", f"/live/{world['sid']}/console"):
        assert person.get(path).status_code == 200
