"""Socket.IO namespace /live through Flask-SocketIO's test client (docs/API.md):
every event for every role, the room's rules, batching, and signing out."""

import datetime
import time

import pytest

from blueprints.live import events
from extensions import socketio
from livestall.accounts.models import User
from livestall.attribution.models import Touchpoint
from livestall.live import chat, sales, sessions
from livestall.live.models import ChatMessage, LiveSession, RoomSanction
from tests.factories.live import new_session
from tests.plugins.app import PASSWORD, read_db

NS = "/live"
MOD_EVENTS = (
    "pin",
    "delete_message",
    "release_message",
    "mute",
    "ban",
    "unban",
    "slow_mode",
)


@pytest.fixture
def world(live_world):
    """A live room of lily's with two featured products; every role, with tokens."""
    return live_world(
        products={
            "tea": {"title": "龙井 250g", "price_cents": 16800, "stock": 20},
            "cup": {"title": "青瓷杯", "price_cents": 8900, "stock": 5},
        },
        people=[
            ("host", "lily", "creator"),
            ("other_host", "rose", "creator"),
            ("shopper", "mei", "shopper"),
            ("mod", "tom", "shopper"),
            ("troll", "troll", "shopper"),
        ],
        admin=True,
        moderators=["tom"],
        ids=True,
        session="今晚上新",
    )


def connect(world, role=None, **kw):
    auth = {"token": world["tokens"][role]} if role else None
    client = socketio.test_client(world["app"], namespace=NS, auth=auth, **kw)
    assert client.is_connected(NS)
    return client


def send(client, event, data):
    return client.emit(event, data, namespace=NS, callback=True)


def join(client, sid):
    ack = send(client, "join", {"session_id": sid})
    assert ack["ok"], ack
    return ack["state"]


def received(client, name=None):
    got = client.get_received(NS)
    return [e["args"][0] for e in got if name is None or e["name"] == name]


def in_room(world, *roles):
    """Connected clients, one per role (None: anonymous), joined to the room."""
    clients = [connect(world, role) for role in roles]
    for client in clients:
        join(client, world["sid"])
        client.get_received(NS)
    return clients


def code(ack):
    assert ack["ok"] is False, ack
    return ack["error"]["code"]


def session_row(sid):
    return read_db(lambda: LiveSession.get_by_id(sid))


# --- join and the room's state --------------------------------------------------------


def test_join_answers_with_the_whole_state_and_the_last_50_messages(world):
    world["app"].config["CHAT_BURST"] = 100  # this test posts 60 messages at once
    sid = world["sid"]
    host = connect(world, "host")
    join(host, sid)
    assert send(host, "pin", {"session_id": sid, "product_id": world["cup"]})["ok"]
    for n in range(60):
        assert send(host, "chat", {"session_id": sid, "body": f"m{n}"})["ok"]

    shopper = connect(world, "shopper")
    state = join(shopper, sid)
    assert [m["body"] for m in state["chat"]] == [f"m{n}" for n in range(10, 60)]
    ids = [m["id"] for m in state["chat"]]
    assert ids == sorted(ids)
    assert state["chat"][0]["user"]["username"] == "lily"
    assert state["session"]["id"] == sid and state["session"]["status"] == "live"
    assert [p["id"] for p in state["session"]["products"]] == [
        world["tea"],
        world["cup"],
    ]
    assert state["pinned_product"]["id"] == world["cup"]
    assert state["pinned_product"]["url"].endswith(f"?src=live:{sid}")
    assert state["viewers"] == 2
    assert state["server_time"].endswith("Z")
    assert state["you"] == {
        "user": {
            "id": world["ids"]["shopper"],
            "username": "mei",
            "display_name": "mei",
        },
        "is_host": False,
        "is_moderator": False,
        "muted_until": None,
        "can_chat": True,
    }
    assert "held" not in state  # moderators only


@pytest.mark.parametrize(
    ("role", "is_host", "is_moderator"),
    [("host", True, True), ("mod", False, True), ("admin", False, True)],
)
def test_join_tells_moderators_who_they_are(world, role, is_host, is_moderator):
    state = join(connect(world, role), world["sid"])
    assert state["you"]["is_host"] is is_host
    assert state["you"]["is_moderator"] is is_moderator
    assert state["held"] == []


def test_anonymous_viewers_watch_and_read_but_cannot_chat(world):
    sid = world["sid"]
    anon = connect(world)
    state = join(anon, sid)
    assert state["you"]["user"] is None and state["you"]["can_chat"] is False
    host = connect(world, "host")
    join(host, sid)
    assert send(host, "chat", {"session_id": sid, "body": "欢迎"})["ok"]
    assert [m["body"] for m in received(anon, "chat")] == ["欢迎"]
    assert code(send(anon, "chat", {"session_id": sid, "body": "hi"})) == (
        "not_signed_in"
    )
    assert read_db(lambda: ChatMessage.select().count()) == 1


def test_join_unknown_session_is_not_found(world):
    client = connect(world, "shopper")
    for sid in (999, 0, -1, 2**80):
        assert code(send(client, "join", {"session_id": sid})) in {
            "not_found",
            "invalid",
        }


def test_join_records_a_live_watch_touchpoint_once(world):
    client = connect(world, "shopper")
    join(client, world["sid"])
    join(client, world["sid"])  # a re-join of the same socket is not a new visit
    rows = read_db(
        lambda: list(Touchpoint.select().where(Touchpoint.kind == "live_watch"))
    )
    assert len(rows) == 1
    assert rows[0].live_session_id == world["sid"]
    assert rows[0].creator_id == world["ids"]["host"]
    assert rows[0].user_id == world["ids"]["shopper"]


# --- chat -----------------------------------------------------------------------------


def test_chat_reaches_the_room_cleaned(world):
    sid = world["sid"]
    shopper, anon = in_room(world, "shopper", None)
    ack = send(
        shopper,
        "chat",
        {"session_id": sid, "body": "  好\x07物\x1b \n\n\t 推荐\u200e\x00  !  "},
    )
    assert ack["ok"], ack
    assert ack["message"]["body"] == "好物 推荐\u200e !"
    assert ack["message"]["status"] == "visible"
    assert received(anon, "chat") == [ack["message"]]
    assert received(shopper, "chat") == [ack["message"]]  # the sender too


@pytest.mark.parametrize(
    "body",
    ["", "   ", "\x00\x01\x02", "\n\t", "x" * 201, None, 42, ["hi"], {"t": "hi"}],
)
def test_chat_refuses_empty_too_long_and_non_text(world, body):
    (shopper,) = in_room(world, "shopper")
    assert code(send(shopper, "chat", {"session_id": world["sid"], "body": body})) == (
        "invalid"
    )
    assert read_db(lambda: ChatMessage.select().count()) == 0


def test_chat_of_200_characters_after_cleaning_is_fine(world):
    (shopper,) = in_room(world, "shopper")
    body = "  " + "字" * 200 + "\x07  "
    ack = send(shopper, "chat", {"session_id": world["sid"], "body": body})
    assert ack["ok"] and ack["message"]["body"] == "字" * 200


def test_chat_only_while_live(world):
    api, host = world["api"], world["tokens"]["host"]
    scheduled = new_session(api, host, [world["tea"]], start=False)
    shopper = connect(world, "shopper")
    join(shopper, scheduled)
    ack = send(shopper, "chat", {"session_id": scheduled, "body": "早"})
    assert code(ack) == "not_live"
    resp = api.call("POST", f"/api/v1/live/{world['sid']}/end", token=host)
    assert resp.status_code == 200
    ack = send(shopper, "chat", {"session_id": world["sid"], "body": "晚"})
    assert code(ack) == "not_live"
    assert read_db(lambda: ChatMessage.select().count()) == 0


def test_chat_rate_limit_is_a_burst_of_five_per_user(world):
    sid = world["sid"]
    shopper, other = in_room(world, "shopper", "troll")
    for n in range(5):
        assert send(shopper, "chat", {"session_id": sid, "body": f"m{n}"})["ok"]
    ack = send(shopper, "chat", {"session_id": sid, "body": "one more"})
    assert code(ack) == "rate_limited"
    assert 1 <= ack["error"]["retry_after_s"] <= 3
    # a second socket of the same user shares the bucket; other users have their own
    second = connect(world, "shopper")
    assert code(send(second, "chat", {"session_id": sid, "body": "again"})) == (
        "rate_limited"
    )
    assert send(other, "chat", {"session_id": sid, "body": "me too"})["ok"]
    assert read_db(lambda: ChatMessage.select().count()) == 6


def test_slow_mode_spaces_messages_but_not_moderators(world):
    sid = world["sid"]
    host, shopper, mod = in_room(world, "host", "shopper", "mod")
    ack = send(shopper, "slow_mode", {"session_id": sid, "seconds": 30})
    assert code(ack) == "forbidden"
    assert send(host, "slow_mode", {"session_id": sid, "seconds": 30}) == {
        "ok": True,
        "seconds": 30,
    }
    assert received(shopper, "slow_mode") == [{"session_id": sid, "seconds": 30}]
    assert session_row(sid).slow_mode_s == 30

    assert send(shopper, "chat", {"session_id": sid, "body": "first"})["ok"]
    ack = send(shopper, "chat", {"session_id": sid, "body": "second"})
    assert code(ack) == "slow_mode"
    assert 1 <= ack["error"]["retry_after_s"] <= 30
    for body in ("mods", "are exempt"):
        assert send(mod, "chat", {"session_id": sid, "body": body})["ok"]

    # the wait is measured from the last message: back-date it past the window
    past = datetime.datetime.now(datetime.UTC).replace(tzinfo=None) - (
        datetime.timedelta(seconds=31)
    )
    read_db(
        lambda: (
            ChatMessage.update(created_at=past)
            .where(ChatMessage.body == "first")
            .execute()
        )
    )
    assert send(shopper, "chat", {"session_id": sid, "body": "later"})["ok"]
    assert send(host, "slow_mode", {"session_id": sid, "seconds": 0})["ok"]
    assert send(shopper, "chat", {"session_id": sid, "body": "free"})["ok"]


@pytest.mark.parametrize("seconds", [-1, 301, "10", True, None, 2**80, 1.5])
def test_slow_mode_bounds(world, seconds):
    (host,) = in_room(world, "host")
    ack = send(host, "slow_mode", {"session_id": world["sid"], "seconds": seconds})
    assert code(ack) == "invalid"
    assert session_row(world["sid"]).slow_mode_s == 0


# --- moderation -----------------------------------------------------------------------


def test_mute_until_it_ends_and_zero_unmutes(world):
    sid, shopper_id = world["sid"], world["ids"]["shopper"]
    mod, shopper = in_room(world, "mod", "shopper")
    ack = send(mod, "mute", {"session_id": sid, "user_id": shopper_id, "minutes": 10})
    assert ack["ok"] and ack["until"].endswith("Z")
    assert received(shopper, "muted") == [{"session_id": sid, "until": ack["until"]}]
    assert code(send(shopper, "chat", {"session_id": sid, "body": "hello?"})) == "muted"
    assert join(shopper, sid)["you"]["muted_until"] == ack["until"]

    # the mute ends by itself
    past = datetime.datetime(2001, 1, 1)
    read_db(lambda: RoomSanction.update(until=past).execute())
    assert send(shopper, "chat", {"session_id": sid, "body": "back"})["ok"]

    assert send(mod, "mute", {"session_id": sid, "user_id": shopper_id, "minutes": 5})
    assert code(send(shopper, "chat", {"session_id": sid, "body": "x"})) == "muted"
    ack = send(mod, "mute", {"session_id": sid, "user_id": shopper_id, "minutes": 0})
    assert ack == {"ok": True, "until": None}
    assert received(shopper, "muted")[-1] == {"session_id": sid, "until": None}
    assert send(shopper, "chat", {"session_id": sid, "body": "free"})["ok"]


def test_mute_is_per_session(world):
    api, host = world["api"], world["tokens"]["host"]
    other = new_session(api, host, [world["tea"]], title="另一场")
    mod, shopper = in_room(world, "mod", "shopper")
    ack = send(
        mod,
        "mute",
        {"session_id": world["sid"], "user_id": world["ids"]["shopper"], "minutes": 5},
    )
    assert ack["ok"]
    assert send(shopper, "chat", {"session_id": other, "body": "这里可以"})["ok"]


@pytest.mark.parametrize("minutes", [-1, 1441, "5", True, None, 2**80, 2.5])
def test_mute_minutes_bounds(world, minutes):
    (mod,) = in_room(world, "mod")
    data = {"session_id": world["sid"], "user_id": world["ids"]["shopper"]}
    assert code(send(mod, "mute", {**data, "minutes": minutes})) == "invalid"


def test_moderators_cannot_be_muted_or_banned(world):
    sid = world["sid"]
    (mod,) = in_room(world, "mod")
    for target in ("host", "admin"):
        uid = world["ids"][target]
        ack = send(mod, "mute", {"session_id": sid, "user_id": uid, "minutes": 5})
        assert code(ack) == "forbidden"
        assert code(send(mod, "ban", {"session_id": sid, "user_id": uid})) == (
            "forbidden"
        )


def test_ban_holds_in_all_of_the_hosts_rooms_until_unbanned(world):
    api, sid, troll_id = world["api"], world["sid"], world["ids"]["troll"]
    second = new_session(api, world["tokens"]["host"], [world["tea"]], title="第二场")
    elsewhere = new_session(api, world["tokens"]["other_host"], [], title="别人家")
    mod, troll, anon = in_room(world, "mod", "troll", None)

    assert send(mod, "ban", {"session_id": sid, "user_id": troll_id}) == {"ok": True}
    assert received(troll, "banned") == [{"session_id": sid}]
    # out of the room at once: the room's chat no longer reaches the troll
    assert send(mod, "chat", {"session_id": sid, "body": "继续"})["ok"]
    assert received(troll, "chat") == []
    assert [m["body"] for m in received(anon, "chat")] == ["继续"]
    events.flush()
    assert received(anon, "viewers")[-1] == {"session_id": sid, "count": 2}

    assert code(send(troll, "chat", {"session_id": sid, "body": "hey"})) == "banned"
    assert code(send(troll, "join", {"session_id": sid})) == "banned"
    assert code(send(troll, "join", {"session_id": second})) == "banned"
    assert code(send(troll, "chat", {"session_id": second, "body": "hey"})) == (
        "banned"
    )
    assert join(troll, elsewhere)["you"]["can_chat"] is True  # another host's room
    # a fresh connection is no way around it
    assert code(send(connect(world, "troll"), "join", {"session_id": sid})) == (
        "banned"
    )

    assert send(mod, "unban", {"session_id": second, "user_id": troll_id})["ok"]
    assert join(troll, sid)["you"]["can_chat"] is True
    assert send(troll, "chat", {"session_id": sid, "body": "sorry"})["ok"]


def test_a_ban_takes_the_user_out_of_all_the_hosts_rooms_at_once(world):
    api, sid, troll_id = world["api"], world["sid"], world["ids"]["troll"]
    second = new_session(api, world["tokens"]["host"], [world["tea"]], title="第二场")
    elsewhere = new_session(api, world["tokens"]["other_host"], [], title="别人家")
    mod, troll = in_room(world, "mod", "troll")
    join(troll, second)
    join(troll, elsewhere)
    other_host = connect(world, "other_host")
    join(other_host, elsewhere)
    received(troll)

    assert send(mod, "ban", {"session_id": sid, "user_id": troll_id})["ok"]
    assert send(mod, "chat", {"session_id": second, "body": "第二场"})["ok"]
    assert send(other_host, "chat", {"session_id": elsewhere, "body": "别人家"})["ok"]
    assert [m["body"] for m in received(troll, "chat")] == ["别人家"]
    assert code(send(troll, "like", {"session_id": second, "count": 1})) == "invalid"
    events.flush()
    assert events.presence.count(second) == 0
    assert events.presence.count(elsewhere) == 2


def test_blocked_words_hold_a_message_for_the_moderators(world):
    api, sid = world["api"], world["sid"]
    resp = api.call(
        "PUT",
        "/api/v1/live/blocked-words",
        token=world["tokens"]["host"],
        json={"words": ["加微信", "spam"]},
    )
    assert resp.status_code == 200
    host, mod, shopper, anon = in_room(world, "host", "mod", "shopper", None)
    for body in ("buy S P A M now", "私聊加微信", "ｓｐａｍ"):
        ack = send(shopper, "chat", {"session_id": sid, "body": body})
        assert ack["ok"] and ack["message"]["status"] == "held", body
    assert received(anon) == [] and received(shopper) == []
    held = received(mod, "held")
    assert [m["body"] for m in held] == ["buy S P A M now", "私聊加微信", "ｓｐａｍ"]
    assert [m["body"] for m in received(host, "held")] == [m["body"] for m in held]
    assert [m["body"] for m in join(mod, sid)["held"]] == [m["body"] for m in held]
    assert join(anon, sid)["chat"] == []

    # moderators' own words are not held
    ack = send(mod, "chat", {"session_id": sid, "body": "spam is not allowed"})
    assert ack["message"]["status"] == "visible"
    received(anon)

    first = held[0]["id"]
    assert code(send(shopper, "release_message", {"message_id": first})) == (
        "forbidden"
    )
    ack = send(mod, "release_message", {"message_id": first})
    assert ack["ok"] and ack["message"]["status"] == "visible"
    assert [m["id"] for m in received(anon, "chat")] == [first]
    assert first in [m["id"] for m in join(anon, sid)["chat"]]
    assert code(send(mod, "release_message", {"message_id": first})) == "conflict"


def test_blocked_words_see_through_invisible_characters(world):
    """Zero-width and bidi marks (Unicode "format" characters) hide no word."""
    api, sid = world["api"], world["sid"]
    api.call(
        "PUT",
        "/api/v1/live/blocked-words",
        token=world["tokens"]["host"],
        json={"words": ["spam"]},
    )
    (shopper,) = in_room(world, "shopper")
    for body in ("s\u200bp\u200ca\u200dm", "sp\u2060am", "s\u202epam", "\ufeffspam"):
        ack = send(shopper, "chat", {"session_id": sid, "body": body})
        assert ack["message"]["status"] == "held", ascii(body)


def test_delete_message_takes_it_out_for_everyone(world):
    sid = world["sid"]
    mod, shopper, anon = in_room(world, "mod", "shopper", None)
    bad = send(shopper, "chat", {"session_id": sid, "body": "rude"})["message"]
    good = send(shopper, "chat", {"session_id": sid, "body": "nice"})["message"]
    assert code(send(shopper, "delete_message", {"message_id": bad["id"]})) == (
        "forbidden"
    )
    assert send(mod, "delete_message", {"message_id": bad["id"]}) == {"ok": True}
    deleted = {"session_id": sid, "message_id": bad["id"]}
    assert received(anon, "chat_deleted") == [deleted]
    assert received(shopper, "chat_deleted") == [deleted]
    assert [m["id"] for m in join(anon, sid)["chat"]] == [good["id"]]


def test_pin_broadcasts_the_product_card(world):
    sid = world["sid"]
    host, anon = in_room(world, "host", None)
    ack = send(host, "pin", {"session_id": sid, "product_id": world["tea"]})
    assert ack["ok"] and ack["pinned_product"]["id"] == world["tea"]
    pinned = received(anon, "pinned")
    # no group deal nor bargain on the tea: `group_buy` and `bargain` are null
    # (tests/group_buy/test_live_room.py, tests/bargain/test_live_room.py)
    assert pinned == [
        {
            "session_id": sid,
            "product": ack["pinned_product"],
            "group_buy": None,
            "bargain": None,
        }
    ]
    assert join(anon, sid)["pinned_product"]["id"] == world["tea"]
    ack = send(host, "pin", {"session_id": sid, "product_id": None})
    assert ack == {"ok": True, "pinned_product": None}
    assert received(anon, "pinned") == [
        {"session_id": sid, "product": None, "group_buy": None, "bargain": None}
    ]


def test_pin_refuses_bad_ids_and_features_another_shops_product(world):
    (host,) = in_room(world, "host")
    for product_id in (999, 2**80, "1", True):
        ack = send(host, "pin", {"session_id": world["sid"], "product_id": product_id})
        assert code(ack) == "invalid", product_id
    assert session_row(world["sid"]).pinned_product_id is None
    # a creator may feature and pin any shop's product (affiliate selling): it
    # joins the session's products
    pot = world["api"].product(world["api"].user("potshop", "merchant"))["id"]
    ack = send(host, "pin", {"session_id": world["sid"], "product_id": pot})
    assert ack["ok"] and ack["pinned_product"]["id"] == pot, ack
    assert session_row(world["sid"]).pinned_product_id == pot
    featured = read_db(
        lambda: [p.id for p in sessions.products_of(sessions.get_session(world["sid"]))]
    )
    assert featured[-1] == pot


def mod_payload(world, event, message_id):
    sid, shopper = world["sid"], world["ids"]["shopper"]
    return {
        "pin": {"session_id": sid, "product_id": world["tea"]},
        "delete_message": {"message_id": message_id},
        "release_message": {"message_id": message_id},
        "mute": {"session_id": sid, "user_id": shopper, "minutes": 5},
        "ban": {"session_id": sid, "user_id": shopper},
        "unban": {"session_id": sid, "user_id": shopper},
        "slow_mode": {"session_id": sid, "seconds": 10},
    }[event]


def held_message(world):
    """A message of the shopper's, held by a blocked word."""

    def make():
        session = sessions.get_session(world["sid"])
        chat.set_blocked_words(session.host, ["oops"])
        shopper = User.get_by_id(world["ids"]["shopper"])
        return chat.post_chat(session, shopper, "oops").id

    return read_db(make)


@pytest.mark.parametrize("event", MOD_EVENTS)
@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (None, "not_signed_in"),
        ("shopper", "forbidden"),
        ("troll", "forbidden"),
        ("other_host", "forbidden"),
    ],
)
def test_moderation_events_refuse_everyone_else(world, event, role, expected):
    message_id = held_message(world)
    (client,) = in_room(world, role)
    assert code(send(client, event, mod_payload(world, event, message_id))) == expected
    session = session_row(world["sid"])
    assert session.pinned_product_id is None and session.slow_mode_s == 0
    assert read_db(lambda: RoomSanction.select().count()) == 0
    assert read_db(lambda: ChatMessage.get_by_id(message_id).status) == "held"


@pytest.mark.parametrize("event", MOD_EVENTS)
@pytest.mark.parametrize("role", ["host", "mod", "admin"])
def test_moderation_events_for_host_moderators_and_admins(world, event, role):
    message_id = held_message(world)
    (client,) = in_room(world, role)
    ack = send(client, event, mod_payload(world, event, message_id))
    assert ack["ok"], ack
    kinds = [
        a["kind"]
        for a in world["api"]
        .call(
            "GET", f"/api/v1/live/{world['sid']}/actions", token=world["tokens"][role]
        )
        .get_json()["items"]
    ]
    expected = {"delete_message": "delete", "release_message": "release"}.get(
        event, event
    )
    assert kinds[-1] == expected


def test_banned_user_is_refused_even_as_moderator_of_another_host(world):
    """A user banned by the host cannot moderate the host's room (they are not a
    moderator there) and cannot act in it."""
    sid = world["sid"]
    (mod,) = in_room(world, "mod")
    assert send(mod, "ban", {"session_id": sid, "user_id": world["ids"]["troll"]})["ok"]
    troll = connect(world, "troll")
    ack = send(troll, "slow_mode", {"session_id": sid, "seconds": 5})
    assert code(ack) == "forbidden"


# --- likes, viewers, purchases --------------------------------------------------------


def test_likes_are_batched_into_one_broadcast_and_one_update(world):
    sid = world["sid"]
    shopper, anon = in_room(world, "shopper", None)
    events.flush()
    received(anon)
    for client, count in ((shopper, 3), (shopper, 7), (anon, 5), (anon, 1)):
        assert send(client, "like", {"session_id": sid, "count": count}) == {"ok": True}
    assert received(anon) == []  # nothing until the flush
    assert session_row(sid).likes == 0
    events.flush()
    assert received(anon) == [{"session_id": sid, "count": 16}]
    assert session_row(sid).likes == 16
    assert send(anon, "like", {"session_id": sid})["ok"]  # count defaults to 1
    events.flush()
    assert received(shopper, "likes") == [
        {"session_id": sid, "count": 16},
        {"session_id": sid, "count": 17},
    ]
    assert join(anon, sid)["likes"] == 17


@pytest.mark.parametrize("count", [0, -1, 51, 2**80, "3", True, 1.0, None])
def test_likes_bounds(world, count):
    (anon,) = in_room(world, None)
    assert code(send(anon, "like", {"session_id": world["sid"], "count": count})) == (
        "invalid"
    )
    events.flush()
    assert session_row(world["sid"]).likes == 0


def test_likes_need_a_joined_room(world):
    anon = connect(world)
    assert code(send(anon, "like", {"session_id": world["sid"], "count": 5})) == (
        "invalid"
    )
    events.flush()
    assert session_row(world["sid"]).likes == 0


def test_viewers_count_joins_leaves_and_disconnects(world):
    sid = world["sid"]
    a, b, c = in_room(world, "shopper", None, None)
    join(a, sid)  # joining twice is one viewer
    events.flush()
    assert received(a, "viewers") == [{"session_id": sid, "count": 3}]
    assert received(b, "viewers") == [{"session_id": sid, "count": 3}]
    assert session_row(sid).peak_viewers == 3

    assert send(b, "leave", {"session_id": sid}) == {"ok": True}
    c.disconnect(namespace=NS)
    events.flush()
    assert received(a, "viewers") == [{"session_id": sid, "count": 1}]
    assert received(b) == []  # b left the room
    assert session_row(sid).peak_viewers == 3  # the peak stays
    events.flush()
    assert received(a) == []  # nothing changed, nothing sent


def test_purchase_from_the_room_is_announced_with_a_masked_name(world):
    sid, api = world["sid"], world["api"]
    anon, _mei = in_room(world, None, "shopper")  # mei watches: her source holds
    resp = api.call(
        "POST",
        "/api/v1/orders",
        token=world["tokens"]["shopper"],
        json={
            "items": [
                {"product_id": world["tea"], "qty": 2, "source": f"live:{sid}"},
                {"product_id": world["cup"], "qty": 1},  # not from the room
            ],
            "shipping": {
                "name": "王小明",
                "address": "浙江省杭州市西湖区龙井路 1 号",
                "phone": "138 0000 0000",
            },
            "idempotency_key": "live-order-0001",
        },
    )
    assert resp.status_code == 201, resp.get_json()
    assert received(anon) == [
        {
            "session_id": sid,
            "buyer": sales.mask_name("mei"),
            "product": {"id": world["tea"], "title": "龙井 250g"},
            "qty": 2,
        }
    ]
    assert sales.mask_name("mei") == "m***i"


def test_only_the_rooms_own_products_are_announced(world):
    """A `live:ID` source is the client's claim: another shop's product bought
    "from" the room, or a room that does not exist, announces nothing."""
    sid, api = world["sid"], world["api"]
    potshop = api.user("potshop", role="merchant")
    pot = api.product(potshop, title="紫砂壶 广告位", stock=5)["id"]
    (anon,) = in_room(world, None)
    for key, source in (("k-00000001", f"live:{sid}"), ("k-00000002", "live:999")):
        resp = api.call(
            "POST",
            "/api/v1/orders",
            token=world["tokens"]["shopper"],
            json={
                "items": [{"product_id": pot, "qty": 1, "source": source}],
                "shipping": {
                    "name": "王小明",
                    "address": "浙江省杭州市西湖区龙井路 1 号",
                    "phone": "138 0000 0000",
                },
                "idempotency_key": key,
            },
        )
        assert resp.status_code == 201, resp.get_json()
    assert received(anon) == []


def test_mask_name():
    assert sales.mask_name("王小明") == "王**"
    assert sales.mask_name("emma_w") == "e***w"
    assert sales.mask_name("a") == "a*"
    assert sales.mask_name("  ") == "?*"


# --- malformed payloads ---------------------------------------------------------------

ALL_EVENTS = ("join", "leave", "chat", "like", *MOD_EVENTS)
NOT_AN_OBJECT = [None, [], [1, 2], "session_id", 42, True, 1.5]
BAD_VALUES = [None, "1", True, 1.0, 0, -1, 2**63, 2**80, -(2**80), [1], {"$gt": 0}]


def bad_payloads(world, event, message_id):
    """Everything wrong with an event's payload: not an object, keys missing, and
    each value of a valid payload swapped for a bad one."""
    valid = {
        "join": {"session_id": world["sid"]},
        "leave": {"session_id": world["sid"]},
        "chat": {"session_id": world["sid"], "body": "hi"},
        "like": {"session_id": world["sid"], "count": 1},
        **{e: mod_payload(world, e, message_id) for e in MOD_EVENTS},
    }[event]
    yield from NOT_AN_OBJECT
    yield {}
    yield {"what": "ever"}
    for key in valid:
        for value in BAD_VALUES:
            still_valid = (
                (key == "product_id" and value is None)  # null unpins
                or (key in ("minutes", "seconds") and value == 0)  # 0 lifts them
                or (key == "body" and isinstance(value, str))
                or (event == "leave" and type(value) is int)  # leave is idempotent
            )
            if not still_valid:
                yield {**valid, key: value}
    if event == "chat":
        yield {**valid, "body": "x" * 100_000}


@pytest.mark.parametrize("event", ALL_EVENTS)
@pytest.mark.parametrize("role", ["admin", "shopper", None])
def test_malformed_payloads_get_an_error_ack_and_hurt_no_one(world, event, role):
    sid = world["sid"]
    message_id = held_message(world)
    client, bystander = in_room(world, role, None)
    for payload in bad_payloads(world, event, message_id):
        ack = send(client, event, payload)
        assert ack["ok"] is False, (event, payload, ack)
        assert ack["error"]["code"] in {
            "invalid",
            "not_found",
            "not_signed_in",
            "forbidden",
        }, (event, payload, ack)
    # two payloads in one event, or none
    assert code(client.emit(event, {}, {}, namespace=NS, callback=True)) == "invalid"
    assert code(client.emit(event, namespace=NS, callback=True)) == "invalid"
    assert client.is_connected(NS) and bystander.is_connected(NS)
    host = connect(world, "host")
    join(host, sid)
    assert send(host, "chat", {"session_id": sid, "body": "still here"})["ok"]
    assert [m["body"] for m in received(bystander, "chat")] == ["still here"]
    state = join(bystander, sid)
    assert state["session"]["slow_mode_s"] == 0 and state["pinned_product"] is None
    assert read_db(lambda: RoomSanction.select().count()) == 0


def test_an_unknown_event_is_ignored(world):
    (client,) = in_room(world, "shopper")
    assert client.emit("explode", {"x": 1}, namespace=NS, callback=True) is None
    assert client.emit("__proto__", namespace=NS, callback=True) is None
    assert join(client, world["sid"])["you"]["user"]["username"] == "mei"


def test_a_wrong_token_is_refused_at_connect(world):
    for auth in ({"token": "nope"}, {"token": 42}, {"token": ""}):
        client = socketio.test_client(world["app"], namespace=NS, auth=auth)
        assert not client.is_connected(NS)
    client = socketio.test_client(world["app"], namespace=NS, auth="not-a-dict")
    assert client.is_connected(NS)  # no token: anonymous


# --- signing out ----------------------------------------------------------------------


def signed_out(client):
    return [e for e in client.queue if e["name"] == "signed_out"]


def test_logout_signs_out_the_users_sockets(world, client, auth):
    auth.signup("ann")
    cookie_socket = connect(world, flask_test_client=client)
    state = join(cookie_socket, world["sid"])
    assert state["you"]["user"]["username"] == "ann"
    token = (
        world["app"]
        .test_client()
        .post(  # cookie-less: no CSRF needed
            "/api/v1/tokens", json={"login": "ann", "password": PASSWORD}
        )
    )
    assert token.status_code == 201, token.get_json()
    bearer_socket = socketio.test_client(
        world["app"], namespace=NS, auth={"token": token.get_json()["token"]}
    )
    bystander = connect(world, "shopper")

    assert auth.logout().status_code == 302
    for sock in (cookie_socket, bearer_socket):
        assert signed_out(sock), sock.queue
        assert not sock.is_connected(NS)
    assert bystander.is_connected(NS) and not signed_out(bystander)
    events.flush()
    assert events.presence.count(world["sid"]) == 0


def test_password_change_signs_out_the_users_sockets(world, client, auth):
    auth.signup("ann")
    sock = connect(world, flask_test_client=client)
    join(sock, world["sid"])
    resp = client.post(
        "/settings/password",
        data={
            "csrf_token": auth.token("/settings/password"),
            "current_password": PASSWORD,
            "new_password": "another long passphrase",
        },
    )
    assert resp.status_code == 302
    assert signed_out(sock) and not sock.is_connected(NS)


def test_a_socket_with_a_stale_session_version_is_refused(world):
    """Signed out in another process: this one learns on the socket's next event."""
    sid = world["sid"]
    (shopper,) = in_room(world, "shopper")
    read_db(
        lambda: (
            User.update(session_version=User.session_version + 1)
            .where(User.id == world["ids"]["shopper"])
            .execute()
        )
    )
    assert code(send(shopper, "chat", {"session_id": sid, "body": "hi"})) == (
        "not_signed_in"
    )
    assert signed_out(shopper)
    assert read_db(lambda: ChatMessage.select().count()) == 0
    deadline = time.monotonic() + 5  # disconnected just after the ack went out
    while shopper.is_connected(NS) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not shopper.is_connected(NS)
