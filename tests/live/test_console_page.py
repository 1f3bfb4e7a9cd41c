"""The host console's layout (issue 16): what a host uses mid-show first (the
session's products with one-tap "Feature now", the flash-sale launch beside them,
GMV / orders / viewers / hearts tiles); the OBS and stream-key setup in a
<details> open before the live and folded once it is on air; a product row's
"Flash sale" link chooses that product in the launch form, without JavaScript."""

import re
from html import unescape

import pytest

from livestall.accounts.models import User
from livestall.live import sessions
from tests.plugins.app import read_db


@pytest.fixture
def world(live_world):
    return live_world(
        merchant="blendershop",
        products=[
            {"title": "Hand Blender 手持料理棒", "stock": 7},
            {"title": "Celadon Tea Cup 青瓷茶杯", "price_cents": 8900, "stock": 0},
        ],
        browsers=True,
    )


def make_session(products):
    def run():
        host = User.get(User.username == "lily")
        return sessions.create_session(
            host, {"title": "A live", "product_ids": list(products)}
        ).id

    return read_db(run)


def go_live(session_id):
    def run():
        host = User.get(User.username == "lily")
        return sessions.start(sessions.get_session(session_id), host)

    return read_db(run)


def page(resp):
    assert resp.status_code == 200, resp.status_code
    return unescape(resp.get_data(as_text=True))


def setup_details(html):
    match = re.search(r'<details class="console-setup" id="stream-setup"([^>]*)>', html)
    assert match, "no stream setup"
    return match.group(1)


def test_before_the_live_the_setup_is_open_and_products_wait(world):
    sid = make_session(world["products"])
    html = page(world["host"].get(f"/live/{sid}/console"))
    assert " open" in setup_details(html)
    assert 'id="rotate-key"' in html and 'id="rtmp-url"' in html
    assert html.count("<h1") == 1 and 'id="start-live"' in html
    # the products first: thumbnails, price, stock; featuring waits for the live
    rows = re.findall(r'<li class="console-pin[^"]*" data-product-id="\d+">', html)
    assert len(rows) == 2
    assert "7 in stock" in html and "0 in stock" in html and "¥89.00" in html
    assert html.count("disabled>Feature now</button>") == 2
    assert "Feature products and launch flash sales once you are live." in html
    assert 'class="btn btn-small btn-ghost flash-pick"' not in html
    assert html.index('id="console-pins"') < html.index('id="console-chat"')


def test_on_air_the_setup_folds_and_mid_show_tools_come_first(world):
    sid = make_session(world["products"])
    go_live(sid)
    html = page(world["host"].get(f"/live/{sid}/console"))
    assert " open" not in setup_details(html)
    assert 'id="rotate-key"' in html  # still there, folded
    assert 'id="end-live"' in html and 'id="start-live"' not in html
    for tile in ("stat-gmv", "stat-orders", "stat-viewers", "stat-likes"):
        assert f'id="{tile}"' in html
    order = [
        html.index('id="stat-gmv"'),
        html.index('id="console-pins"'),
        html.index('id="launch-flash"'),
        html.index('id="console-chat"'),
        html.index('id="stream-setup"'),
    ]
    assert order == sorted(order)
    assert html.count(">Feature now</button>") == 2
    assert "disabled>Feature now" not in html
    blender, cup = world["products"]
    assert f'href="/live/{sid}/console?flash={cup}#flash-launch"' in html
    # a moderator's console has no setup (the key is the host's)
    assert (
        world["host"].post(f"/live/{sid}/moderators", {"usernames": "mei"}).status_code
        == 302
    )
    assert 'id="stream-setup"' not in page(world["shopper"].get(f"/live/{sid}/console"))


def test_the_pinned_product_is_marked_and_offers_unpin(world):
    sid = make_session(world["products"])
    go_live(sid)
    blender, cup = world["products"]

    def pin():
        host = User.get(User.username == "lily")
        sessions.pin(sessions.get_session(sid), host, cup)

    read_db(pin)
    html = page(world["host"].get(f"/live/{sid}/console"))
    assert f'<li class="console-pin is-pinned" data-product-id="{cup}">' in html
    assert html.count(">Unpin</button>") == 1
    assert html.count(">Feature now</button>") == 1


def test_a_rows_flash_link_chooses_the_product_in_the_launch_form(world):
    sid = make_session(world["products"])
    go_live(sid)
    blender, cup = world["products"]
    html = page(world["host"].get(f"/live/{sid}/console?flash={cup}"))
    assert re.search(rf'<option value="{cup}" selected>', html)
    assert not re.search(rf'<option value="{blender}" selected>', html)
    for odd in ("abc", "-1", "9" * 40, "", "١"):  # ignored, never a 500
        html = page(world["host"].get(f"/live/{sid}/console?flash={odd}"))
        assert " selected>Celadon" not in html
    # the link is for moderators too, never for others
    assert world["rival"].get(f"/live/{sid}/console?flash={cup}").status_code == 403


def test_the_console_passes_its_strings_for_the_buttons(world):
    sid = make_session(world["products"])
    go_live(sid)
    html = page(world["host"].get(f"/live/{sid}/console"))
    match = re.search(r"data-i18n='([^']*)'", html)
    assert '"pin": "Feature now"' in match.group(1)
    assert '"pinned": "Unpin"' in match.group(1)
