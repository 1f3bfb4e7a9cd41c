"""Live interaction on the pages (issue 22): the room carries the PK bar, the dock's
stack for polls and lucky bags, the announcement banner above the chat and their
translated strings; the host console carries the poll, announcement, lucky bag
and (for the host alone) PK panels, and the flash-sale form its lottery mode,
which the form posts; an ended session's replay shows its polls, lucky bags and
PK results (rendered, or filled from the JSON APIs by interaction-room.js). No
inline scripts or styles: data goes in data- attributes."""

import json
import re
from html import unescape

import pytest

from livestall.accounts.models import User
from livestall.flash.models import FlashSale
from livestall.interaction import announcements, polls
from livestall.live import sessions
from tests.plugins.app import read_db


@pytest.fixture
def world(live_world):
    made = live_world(
        merchant="xihu_tea",
        products=[
            {"title": "西湖龙井 Longjing 250g", "price_cents": 16800, "stock": 20},
            {"title": "Celadon Tea Cup 青瓷茶杯", "price_cents": 8900, "stock": 5},
        ],
        people=[
            ("host", "lily", "creator"),
            ("mod", "tom", "shopper"),
            ("viewer", "mei", "shopper"),
        ],
        browsers=True,
        session="春茶直播 Spring tea",
    )
    resp = made["host"].post(f"/live/{made['sid']}/moderators", {"usernames": "tom"})
    assert resp.status_code == 302
    return made


def page(resp):
    assert resp.status_code == 200, resp.status_code
    return unescape(resp.get_data(as_text=True))


def i18n_of(html, element_id):
    match = re.search(
        r'id="' + element_id + r'"[^>]*?data-i18n=\'([^\']*)\'', html, re.S
    )
    assert match, f"no data-i18n on #{element_id}"
    return json.loads(match.group(1))


def no_inline_code(html):
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "an inline script"
    assert not re.search(r"\sstyle=\"", html), "an inline style"
    assert not re.search(r"\son[a-z]+=\"", html), "an inline handler"


def test_the_room_has_the_interaction_parts_for_a_viewer(world):
    sid = world["sid"]
    html = page(world["viewer"].get(f"/live/{sid}"))
    for part in ('id="ia-pk"', 'id="ia-stack"', 'id="ia-announce"', 'id="ia-toast"'):
        assert part in html, part
    assert "js/interaction-room.js" in html and "css/interaction.css" in html
    # the script comes after live.js, whose socket it shares
    assert html.index("js/live.js") < html.index("js/interaction-room.js")
    # the PK bar sits over the stream, the cards in the dock, the banner above the chat
    assert (
        html.index('id="ia-pk"')
        < html.index('class="room-dock"')
        < html.index('id="ia-stack"')
    )
    assert (
        html.index('id="chat-title"')
        < html.index('id="ia-announce"')
        < html.index('id="live-chat"')
    )
    strings = i18n_of(html, "ia-stack")
    for key in ("dr_send", "lo_enter", "po_already_voted", "dr_you_won", "pk_wins"):
        assert key in strings, key
    assert strings["dr_send"] == "Send 「{keyword}」 to enter"
    assert strings["lo_enter"] == "Enter the lottery"
    assert 'aria-live="polite"' in html[html.index('id="ia-toast"') - 80 :]
    no_inline_code(html)


def test_the_room_for_a_visitor_signed_out_has_the_parts_and_a_sign_in_link(
    client, world
):
    sid = world["sid"]
    html = page(client.get(f"/live/{sid}"))
    assert 'id="ia-stack"' in html and 'id="ia-announce"' in html
    stack = re.search(r'<div class="ia-stack" id="ia-stack"[^>]*>', html, re.S).group(0)
    assert f'data-login-url="/login?next=/live/{sid}"' in stack.replace("%2F", "/")


def test_the_host_console_has_the_panels_and_the_lottery_mode(world):
    sid = world["sid"]
    html = page(world["host"].get(f"/live/{sid}/console"))
    for part in (
        'id="ia-polls"',
        'id="ia-announce-panel"',
        'id="ia-draws"',
        'id="ia-pks"',
    ):
        assert part in html, part
    assert "js/interaction-console.js" in html and "css/interaction.css" in html
    assert html.index("js/console.js") < html.index("js/interaction-console.js")
    # the poll starts with two option rows; the lucky bag offers the live's products
    assert html.count('class="ia-poll-option"') == 2
    draw_form = html[html.index('id="ia-draw-form"') : html.index('id="ia-draw-start"')]
    assert (
        "西湖龙井 Longjing 250g" in draw_form
        and "Celadon Tea Cup 青瓷茶杯" in draw_form
    )
    assert 'maxlength="20"' in draw_form  # the keyword
    # the lottery mode sits inside the flash-sale form, before its button
    form = html[html.index('id="flash-launch"') : html.index('id="launch-flash"')]
    assert 'name="mode" value="lottery"' in form and 'name="register_s"' in form
    # tap targets: buttons the host uses mid-show are full width
    assert 'id="ia-poll-start"' in html and 'id="ia-draw-start"' in html
    assert "disabled>" not in html[html.index('id="ia-poll-start"') :][:80]
    strings = i18n_of(html, "ia-console")
    assert strings["pk_accept"] == "Accept" and strings["pk_refuse"] == "Refuse"
    no_inline_code(html)
    # the play's figures sit with the console's numbers (none yet)
    assert 'id="stat-votes">0<small>in 0 polls' in html
    assert 'id="stat-entrants">0<small>prizes won 0, taken 0' in html
    assert 'id="stat-pk"' not in html  # no PK fought yet


def test_a_moderator_runs_polls_and_draws_but_not_pk(world):
    sid = world["sid"]
    html = page(world["mod"].get(f"/live/{sid}/console"))
    assert 'id="ia-polls"' in html and 'id="ia-draws"' in html
    assert 'id="ia-pks"' not in html  # PK is the host's alone


def test_before_the_live_the_panels_wait(world):
    def run():
        host = User.get(User.username == "lily")
        return sessions.create_session(
            host, {"title": "明天的直播", "product_ids": world["products"]}
        ).id

    sid = read_db(run)
    html = page(world["host"].get(f"/live/{sid}/console"))
    assert "Run polls, lucky bags and PK battles once you are live." in html
    start = html[html.index('id="ia-poll-start"') :][:60]
    assert "disabled" in start


def test_the_console_form_launches_a_lottery_sale(world):
    sid, product = world["sid"], world["products"][0]

    def consent():
        from livestall.catalog.models import Product

        Product.update(flash_min_price_cents=100, flash_max_units=10).where(
            Product.id == product
        ).execute()

    read_db(consent)
    resp = world["host"].post(
        f"/live/{sid}/flash-sales",
        {
            "product_id": str(product),
            "price": "99.00",
            "quantity": "3",
            "per_user_limit": "1",
            "duration_s": "300",
            "start_delay_s": "0",
            "mode": "lottery",
            "register_s": "60",
        },
    )
    assert resp.status_code == 302, page(resp)[:2000]
    sale = read_db(lambda: FlashSale.get(FlashSale.session == sid))
    assert sale.mode == "lottery"
    assert round((sale.ends_at - sale.starts_at).total_seconds()) == 60
    # the room renders the panel; flash-room.js swaps it, marked lottery by its state
    html = page(world["viewer"].get(f"/live/{sid}"))
    assert f'data-sale-id="{sale.id}"' in html


def test_the_replay_shows_the_polls(world, client):
    sid = world["sid"]

    def run():
        host = User.get(User.username == "lily")
        session = sessions.get_session(sid)
        poll = polls.start(
            host,
            session,
            {
                "question": "下一款? Which next?",
                "options": ["龙井", "碧螺春"],
                "duration_s": 60,
            },
        )
        polls.end(host, poll.id)
        announcements.announce(host, session, "公告: 今晚包邮")
        sessions.end(sessions.get_session(sid), host)
        return poll.id

    poll_id = read_db(run)
    html = page(client.get(f"/live/{sid}"))
    assert 'id="ia-replay"' in html
    assert 'id="ia-stack"' not in html and 'id="ia-pk"' not in html
    assert "js/interaction-room.js" in html
    panel = html[html.index('id="ia-replay"') :]
    # rendered by the view, each item at its moment in the show
    assert "下一款? Which next?" in panel and "龙井" in panel
    assert 'class="mono chapter-clock' in panel and "00:00:0" in panel
    assert "公告: 今晚包邮" in panel  # the announcement, at its moment
    polls_api = client.get(f"/api/v1/live/{sid}/polls").get_json()["polls"]
    assert [p["id"] for p in polls_api] == [poll_id]
