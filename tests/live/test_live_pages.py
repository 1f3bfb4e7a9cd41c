"""The live selling pages: schedule, edit, room (and replay), console, lists.

HTTP tests per route and role through the real forms (CSRF included): bad input is a
form message with a 400, never a 500; only the host (or an admin) starts, ends and
edits; the console is for the host, their moderators and admins; after the end the
room page is the replay, rendered on the server.
"""

import datetime
import io
import re
from urllib.parse import urlsplit

import pytest

from extensions import socketio
from livestall.accounts.models import User
from livestall.content import social
from livestall.db.base import utcnow
from livestall.live import chat, moderation, sessions
from livestall.live.models import LiveAction, LiveSession
from livestall.orders import checkout
from tests.factories.accounts import Person, make_admin
from tests.plugins.api import image_bytes
from tests.plugins.app import error_of, plain, read_db, text

# --- set-up ---------------------------------------------------------------------------


@pytest.fixture
def world(live_world):
    """A merchant's two products, a creator (the host), another creator, a shopper."""
    world = live_world(
        merchant="blendershop",
        products=[
            {"title": "Hand Blender 手持料理棒"},
            {"title": "Celadon Tea Cup 青瓷茶杯", "price_cents": 8900},
        ],
        browsers=True,
    )
    return {**world, "shop": world["merchant"]}


def local_value(moment):
    return moment.strftime("%Y-%m-%dT%H:%M")


def schedule(person, products=(), **fields):
    """Post the form at /live/new; return the response."""
    when = (utcnow() + datetime.timedelta(days=2)).replace(second=0, microsecond=0)
    data = {
        "title": "Kitchen gadgets night 厨房好物",
        "description": "Blenders & cups <b>live</b>",
        "scheduled_at": local_value(when),
        "tz_offset": "0",
        "product_ids": [str(p) for p in products],
    }
    data.update(fields)
    return person.post("/live/new", data, content_type="multipart/form-data")


def new_session_id(resp):
    assert resp.status_code == 302, text(resp)[:2000]
    match = re.fullmatch(r"/live/(\d+)/console", urlsplit(resp.location).path)
    assert match, resp.location
    return int(match.group(1))


def session_row(session_id):
    return read_db(lambda: LiveSession.get_by_id(session_id))


def make_session(username, products, **data):
    def run():
        host = User.get(User.username == username)
        return sessions.create_session(
            host, {"title": "A live", "product_ids": list(products), **data}
        ).id

    return read_db(run)


def go_live(session_id, username="lily"):
    def run():
        session = sessions.get_session(session_id)
        return sessions.start(session, User.get(User.username == username))

    return read_db(run)


# --- scheduling -----------------------------------------------------------------------


def test_the_form_has_csrf_time_zone_and_the_product_picker(world):
    resp = world["host"].get("/live/new")
    html = text(resp)
    assert resp.status_code == 200
    assert 'name="csrf_token"' in html
    assert 'type="datetime-local"' in html and 'name="tz_offset"' in html
    assert 'name="cover"' in html and 'type="file"' in html
    for pid in world["products"]:
        assert f'name="product_ids" value="{pid}"' in html
    assert "/static/js/liveform.js" in html
    assert "<script>" not in html and "style=" not in html


def test_a_creator_schedules_a_live_in_their_time_zone_with_a_cover(world):
    when = (utcnow() + datetime.timedelta(days=3)).replace(
        hour=20, minute=0, second=0, microsecond=0
    )
    resp = schedule(
        world["host"],
        world["products"],
        scheduled_at=local_value(when),
        tz_offset="-480",  # Beijing: UTC+8, getTimezoneOffset() is -480
        cover=(io.BytesIO(image_bytes("JPEG", (640, 360))), "c.jpg"),
    )
    session_id = new_session_id(resp)
    row = session_row(session_id)
    assert row.scheduled_at == when - datetime.timedelta(hours=8)
    assert row.status == "scheduled" and row.cover_id is not None
    assert row.title == "Kitchen gadgets night 厨房好物"
    products = read_db(lambda: [p.id for p in sessions.products_of(row)])
    assert products == world["products"]
    console = world["host"].get(f"/live/{session_id}/console")
    assert "Your live is scheduled." in text(console)


def test_without_javascript_the_time_is_utc_and_pasted_links_count(world):
    when = (utcnow() + datetime.timedelta(days=1)).replace(second=0, microsecond=0)
    resp = schedule(
        world["host"],
        scheduled_at=local_value(when),
        tz_offset="",
        product_refs=f"/products/{world['products'][1]}",
    )
    row = session_row(new_session_id(resp))
    assert row.scheduled_at == when
    assert read_db(lambda: [p.id for p in sessions.products_of(row)]) == [
        world["products"][1]
    ]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"title": "   "}, "title", "Write something first."),
        ({"title": "x" * 121}, "title", "At most 120 characters."),
        ({"scheduled_at": "tomorrow"}, "scheduled_at", "Give a date and a time."),
        ({"scheduled_at": "2026-13-45T25:61"}, "scheduled_at", "Give a date"),
        ({"tz_offset": "eight"}, "scheduled_at", "Give a date and a time."),
        ({"tz_offset": "99999"}, "scheduled_at", "Give a date and a time."),
        ({"scheduled_at": "2001-01-01T10:00"}, "scheduled_at", "in the future"),
        ({"scheduled_at": "2999-01-01T10:00"}, "scheduled_at", "within a year"),
        ({"product_ids": "987654"}, "product_ids", "There is no product 987654."),
        ({"description": "d" * 2001}, "description", "At most 2000 characters."),
    ],
)
def test_bad_input_is_a_form_message_with_a_400(world, fields, field, message):
    resp = schedule(world["host"], world["products"][:1], **fields)
    assert resp.status_code == 400
    assert message in (error_of(text(resp), field) or ""), text(resp)[:3000]
    assert read_db(lambda: LiveSession.select().count()) == 0
    # what was typed comes back
    assert 'value="Kitchen gadgets night' in text(resp) or field == "title"


def test_missing_title_and_bad_time_are_both_reported(world):
    resp = schedule(world["host"], title="", scheduled_at="soon")
    html = text(resp)
    assert resp.status_code == 400
    assert error_of(html, "title") and error_of(html, "scheduled_at")


def test_an_archived_product_or_a_broken_cover_is_refused(world, api):
    resp = schedule(world["host"], cover=(io.BytesIO(b"not an image"), "x.png"))
    assert resp.status_code in (400, 415)
    assert error_of(text(resp), "cover")
    shop = world["shop"]
    api.call("DELETE", f"/api/v1/products/{world['products'][0]}", token=shop)
    resp = schedule(world["host"], world["products"][:1])
    assert resp.status_code == 400
    assert "no longer sold" in error_of(text(resp), "product_ids")
    assert read_db(lambda: LiveSession.select().count()) == 0


@pytest.mark.parametrize("role", ["shopper", "merchant"])
def test_only_creators_and_admins_schedule(app, world, api, role):
    person = Person(app, f"some_{role}", role)
    assert person.get("/live/new").status_code == 403
    assert schedule(person).status_code == 403
    admin = make_admin(app)
    assert admin.get("/live/new").status_code == 200
    new_session_id(schedule(admin))


def test_anonymous_visitors_sign_in_first(client, world):
    resp = client.get("/live/new")
    assert resp.status_code == 302 and urlsplit(resp.location).path == "/login"


# --- editing --------------------------------------------------------------------------


def test_the_host_edits_until_the_end(world):
    session_id = new_session_id(schedule(world["host"], world["products"][:1]))
    form = world["host"].get(f"/live/{session_id}/edit")
    html = text(form)
    assert form.status_code == 200 and 'value="Kitchen gadgets night' in html
    assert "data-utc=" in html  # liveform.js shows the stored time in local time
    when = (utcnow() + datetime.timedelta(days=5)).replace(second=0, microsecond=0)
    resp = world["host"].post(
        f"/live/{session_id}/edit",
        {
            "title": "Renamed",
            "scheduled_at": local_value(when),
            "product_ids": [str(p) for p in world["products"]],
        },
    )
    assert resp.status_code == 302
    row = session_row(session_id)
    assert row.title == "Renamed" and row.scheduled_at == when
    assert len(read_db(lambda: list(sessions.products_of(row)))) == 2
    bad = world["host"].post(
        f"/live/{session_id}/edit", {"title": "", "scheduled_at": "nope"}
    )
    assert bad.status_code == 400 and error_of(text(bad), "title")

    read_db(
        lambda: sessions.end(sessions.get_session(session_id), world["host"].user())
    )
    resp = world["host"].get(f"/live/{session_id}/edit")
    assert resp.status_code == 302 and resp.location.endswith(f"/live/{session_id}")


def test_others_cannot_edit(app, world, client):
    session_id = make_session("lily", world["products"])
    for person in (world["rival"], world["shopper"]):
        assert person.get(f"/live/{session_id}/edit").status_code == 403
        resp = person.post(f"/live/{session_id}/edit", {"title": "Hacked"})
        assert resp.status_code == 403
    assert session_row(session_id).title == "A live"
    resp = client.get(f"/live/{session_id}/edit")
    assert urlsplit(resp.location).path == "/login"
    assert world["host"].get("/live/987654/edit").status_code == 404


# --- start, end and the console -------------------------------------------------------


def test_only_the_host_starts_and_ends(app, world, client):
    session_id = make_session("lily", world["products"])
    for person in (world["rival"], world["shopper"]):
        assert person.post(f"/live/{session_id}/start").status_code == 403
        assert person.post(f"/live/{session_id}/end").status_code == 403
    resp = client.post(f"/live/{session_id}/start")
    assert resp.status_code in (302, 400)  # no CSRF token: refused either way
    assert session_row(session_id).status == "scheduled"

    resp = world["host"].post(f"/live/{session_id}/start")
    assert resp.status_code == 302
    assert resp.location.endswith(f"/live/{session_id}/console")
    assert session_row(session_id).status == "live"
    again = world["host"].post(f"/live/{session_id}/start", follow_redirects=True)
    assert again.status_code == 200 and "already" in plain(again)

    resp = world["host"].post(f"/live/{session_id}/end", follow_redirects=True)
    assert "The live has ended." in plain(resp)
    assert session_row(session_id).status == "ended"


def test_start_and_end_need_the_csrf_token(world):
    session_id = make_session("lily", world["products"])
    resp = world["host"].client.post(f"/live/{session_id}/start", data={})
    assert resp.status_code == 400
    assert session_row(session_id).status == "scheduled"


def test_the_console_is_for_the_host_moderators_and_admins(app, world, client):
    session_id = make_session("lily", world["products"])
    go_live(session_id)
    path = f"/live/{session_id}/console"
    resp = world["host"].get(path)
    html = text(resp)
    assert resp.status_code == 200
    assert 'id="live-console"' in html and f'data-session-id="{session_id}"' in html
    assert f'action="/live/{session_id}/end"' in html
    assert 'name="words"' in html and 'name="usernames"' in html
    assert html.count('class="btn btn-small pin-btn"') == 2
    assert 'id="slow-mode"' in html and 'id="stat-gmv"' in html
    assert "/static/js/console.js" in html and "<script>" not in html

    for person in (world["rival"], world["shopper"]):
        assert person.get(path).status_code == 403
        assert person.get(f"/live/{session_id}/stats").status_code == 403
    assert urlsplit(client.get(path).location).path == "/login"
    assert make_admin(app).get(path).status_code == 200

    # The host names a moderator: the console opens for them, without the
    # moderators form and without start/end.
    resp = world["host"].post(f"/live/{session_id}/moderators", {"usernames": "@Mei\n"})
    assert resp.status_code == 302
    moderator_page = text(world["shopper"].get(path))
    assert 'id="live-console"' in moderator_page
    assert 'name="usernames"' not in moderator_page
    assert f'action="/live/{session_id}/end"' not in moderator_page
    assert world["shopper"].post(f"/live/{session_id}/end").status_code == 403
    resp = world["shopper"].post(f"/live/{session_id}/moderators", {"usernames": ""})
    assert resp.status_code == 403
    assert world["shopper"].get(f"/live/{session_id}/stats").status_code == 200


def test_blocked_words_and_moderators_forms(world):
    session_id = make_session("lily", world["products"])
    resp = world["host"].post(
        f"/live/{session_id}/blocked-words", {"words": "spam, 广告\nscam"}
    )
    assert resp.status_code == 302 and resp.location.endswith("#blocked")
    host_id = world["host"].id
    assert read_db(lambda: chat.blocked_words(host_id)) == ["scam", "spam", "广告"]
    page = text(world["host"].get(f"/live/{session_id}/console"))
    assert "scam\nspam\n广告" in page
    assert "changed the blocked words" in page  # the moderation log

    resp = world["host"].post(
        f"/live/{session_id}/moderators",
        {"usernames": "nobody_here"},
        follow_redirects=True,
    )
    assert "There is no user nobody_here." in plain(resp)
    resp = world["host"].post(
        f"/live/{session_id}/blocked-words",
        {"words": "x" * 41},
        follow_redirects=True,
    )
    assert "At most 40 characters." in plain(resp)
    assert read_db(lambda: chat.blocked_words(host_id)) == ["scam", "spam", "广告"]


def test_stats_count_orders_bought_from_the_room(world):
    session_id = make_session("lily", world["products"])
    go_live(session_id)
    # mei watches (a `live:ID` source counts only for the room's viewers)
    watcher = socketio.test_client(
        world["app"], namespace="/live", flask_test_client=world["shopper"].client
    )
    ack = watcher.emit(
        "join", {"session_id": session_id}, namespace="/live", callback=True
    )
    assert ack["ok"], ack

    def buy():
        buyer = User.get(User.username == "mei")
        checkout.place_order(
            buyer,
            [
                {
                    "product_id": world["products"][0],
                    "qty": 2,
                    "source": f"live:{session_id}",
                }
            ],
            {"name": "Mei", "address": "1 Road", "phone": "13800000000"},
            "live-order-1",
        )

    read_db(buy)
    stats = world["host"].get(f"/live/{session_id}/stats").get_json()["stats"]
    assert stats["orders"] == 1 and stats["gmv_cents"] == 25800
    assert stats["gmv"] == "¥258.00"
    assert "¥258.00" in text(world["host"].get(f"/live/{session_id}/console"))


# --- the room -------------------------------------------------------------------------


def test_anyone_watches_a_scheduled_room(client, world):
    session_id = make_session("lily", world["products"], description="Come & see")
    resp = client.get(f"/live/{session_id}")
    html = text(resp)
    assert resp.status_code == 200
    assert "Waiting for the host" in html and "Come & see" in html
    assert f'data-session-id="{session_id}"' in html
    assert 'data-status="scheduled"' in html and "data-i18n=" in html
    for pid in world["products"]:
        assert f'href="/products/{pid}?src=live:{session_id}"' in html
    assert "Sign in to chat" in html and 'id="live-chat-form"' not in html
    assert "/static/vendor/socket.io.min.js" in html
    assert "/static/js/live.js" in html and "<script>" not in html
    assert "style=" not in html
    assert client.get("/live/987654").status_code == 404


def test_a_signed_in_viewer_gets_the_chat_box_and_the_pinned_card(world):
    session_id = make_session("lily", world["products"])
    go_live(session_id)

    def pin():
        session = sessions.get_session(session_id)
        sessions.pin(session, User.get(User.username == "lily"), world["products"][1])
        chat.post_chat(session, User.get(User.username == "mei"), "<b>hi</b>")

    read_db(pin)
    html = world["shopper"].get(f"/live/{session_id}").get_data(as_text=True)
    assert 'id="live-chat-form"' in html
    assert 'id="live-pinned"' in html and "Featured now" in html
    assert f'href="/products/{world["products"][1]}?src=live:{session_id}"' in html
    assert "&lt;b&gt;hi&lt;/b&gt;" in html and "<b>hi</b>" not in html
    # the host sees the way to the console
    host_page = text(world["host"].get(f"/live/{session_id}"))
    assert f"/live/{session_id}/console" in host_page


def test_after_the_end_the_room_is_the_replay(client, world):
    session_id = make_session("lily", world["products"])
    go_live(session_id)

    def show():
        session = sessions.get_session(session_id)
        host, mei = User.get(User.username == "lily"), User.get(User.username == "mei")
        LiveSession.update(started_at=utcnow() - datetime.timedelta(minutes=12)).where(
            LiveSession.id == session_id
        ).execute()
        session = sessions.get_session(session_id)
        sessions.pin(session, host, world["products"][0])
        chat.post_chat(session, mei, "How loud is it? <img src=x onerror=alert(1)>")
        gone = chat.post_chat(session, mei, "this one gets deleted")
        moderation.delete_message(host, gone.id)
        sessions.end(sessions.get_session(session_id), host)

    read_db(show)
    resp = client.get(f"/live/{session_id}")
    html = resp.get_data(as_text=True)
    page = plain(resp)
    assert resp.status_code == 200
    assert "This live has ended" in page and "Replay" in page
    assert re.search(r"00:1[12]:\d\d pinned Hand Blender", page), page
    assert "How loud is it?" in page and "this one gets deleted" not in page
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    pid = world["products"][0]
    assert f'href="/products/{pid}?src=live:{session_id}"' in html
    assert "/static/js/live.js" not in html  # the replay needs no socket


def test_a_replay_with_no_pins_and_no_chat(client, world):
    session_id = make_session("lily", [])
    read_db(
        lambda: sessions.end(sessions.get_session(session_id), world["host"].user())
    )
    page = plain(client.get(f"/live/{session_id}"))
    assert "No product was pinned during this live." in page
    assert "Nobody chatted." in page


# --- lists: /live, the home strip, creator pages -------------------------------------


def test_the_live_list_has_live_upcoming_and_replays(client, world):
    on_air = make_session("lily", world["products"])
    go_live(on_air)
    soon = make_session("rose", [], title="Rose's tea time")
    over = make_session("lily", [], title="Last week's show")
    read_db(lambda: sessions.end(sessions.get_session(over), world["host"].user()))
    page = plain(client.get("/live"))
    live_part, rest = page.split("Upcoming", 1)
    assert "A live" in live_part
    upcoming, replays = rest.split("Recent replays", 1)
    assert "Rose's tea time" in upcoming and "Last week's show" in replays
    assert f"/live/{soon}" in client.get("/live").get_data(as_text=True)


def test_home_strip_shows_live_now_and_followed_upcoming(app, client, world):
    on_air = make_session("lily", [], title="On air now")
    go_live(on_air)
    make_session("rose", [], title="Rose later")
    html = text(client.get("/"))
    assert "On air now" in html and f'href="/live/{on_air}"' in html
    assert "Rose later" not in html  # anonymous: live ones only

    def follow():
        social.follow(
            User.get(User.username == "mei"), User.get(User.username == "rose")
        )

    read_db(follow)
    html = text(world["shopper"].get("/"))
    assert "On air now" in html and "Rose later" in html
    assert "Rose later" not in text(world["host"].get("/"))  # lily follows nobody


def test_the_creator_page_lists_lives_and_replays(client, world):
    upcoming = make_session("lily", [], title="Next Friday")
    over = make_session("lily", [], title="Old show")
    read_db(lambda: sessions.end(sessions.get_session(over), world["host"].user()))
    page = plain(client.get("/u/lily"))
    assert "Live and upcoming" in page and "Next Friday" in page
    assert "Live replays" in page and "Old show" in page
    assert f'href="/live/{upcoming}"' in text(client.get("/u/lily"))
    mine = text(world["host"].get("/u/lily"))
    assert 'href="/live/new"' in mine
    assert "Next Friday" not in plain(client.get("/u/rose"))


def test_pages_render_in_chinese(app, world):
    session_id = make_session("lily", world["products"])
    go_live(session_id)
    person = world["shopper"]
    person.post("/language", {"lang": "zh", "next": "/"})
    for path in ("/live", f"/live/{session_id}", "/"):
        resp = person.get(path)
        assert resp.status_code == 200, path
        assert 'lang="zh-CN"' in resp.get_data(as_text=True)


def test_the_start_is_logged(world):
    session_id = make_session("lily", world["products"])
    world["host"].post(f"/live/{session_id}/start")
    kinds = read_db(
        lambda: [
            a.kind for a in LiveAction.select().where(LiveAction.session == session_id)
        ]
    )
    assert kinds == ["start"]
    page = text(world["host"].get(f"/live/{session_id}/console"))
    assert "started the live" in page
