"""A live room's join state from its kept room part (blueprints/live/join_state.py,
issue 24): what each viewer gets is what a fresh build gives them, their own vote,
draw entry, red-packet grab and coupons included; a join from the kept part runs
a handful of statements; any message to the room (chat, a pin, one delivered
straight by the manager as the message queue's listener does) drops the kept part
at once; a change that sends no message shows within `LIVE_JOIN_STATE_S`; and a
part built while a message went out is not kept."""

import time

import pytest
from flask import current_app

from blueprints.live import events, interaction_events, join_state
from extensions import socketio
from livestall.catalog.models import Product
from tests.factories import promotions as promo
from tests.factories.sockets import connect, in_room, join, send
from tests.plugins.app import read_db

from ..site.test_page_queries import count_queries

NS = "/live"
PRIZE = {
    "title": "福袋 龙井 50g",
    "price_cents": 3900,
    "stock": 10,
    "flash_min_price_cents": 0,
    "flash_max_units": 5,
}
CLOCKS = ("server_time", "server_time_ms")


@pytest.fixture
def world(live_world):
    interaction_events.reset()
    world = live_world(
        products={
            "tea": {"title": "龙井 250g", "price_cents": 16800, "stock": 20},
            "cup": {"title": "青瓷杯", "price_cents": 8900, "stock": 5},
            "prize": PRIZE,
        },
        people=[
            ("host", "lily", "creator"),
            ("mei", "mei", "shopper"),
            ("lan", "lan", "shopper"),
        ],
        moderators=["lan"],
        ids=True,
        session="今晚上新",
    )
    return world


def busy(world):
    """The room with something of everything: a pinned product, chat, a poll mei
    voted in, a draw she entered, a red packet she grabbed from and a coupon drop
    she claimed."""
    app, sid, tokens = world["app"], world["sid"], world["tokens"]
    host, mei = in_room(app, sid, tokens["host"], tokens["mei"])
    assert send(host, "pin", {"session_id": sid, "product_id": world["tea"]})["ok"]
    assert send(mei, "chat", {"session_id": sid, "body": "想要龙井!"})["ok"]
    poll = send(
        host,
        "poll_start",
        {
            "session_id": sid,
            "question": "哪款?",
            "options": ["龙井", "杯"],
            "duration_s": 60,
        },
    )
    assert poll["ok"], poll
    assert send(mei, "vote", {"poll_id": poll["poll"]["id"], "option": 1})["ok"]
    draw = send(
        host,
        "draw_start",
        {
            "session_id": sid,
            "prize": {"product_id": world["prize"]},
            "winners": 1,
            "keyword": "好运来",
            "duration_s": 60,
        },
    )
    assert draw["ok"], draw
    assert send(mei, "draw_enter", {"draw_id": draw["draw"]["id"]})["ok"]
    made = promo.red_packet(world["api"], world["merchant"], sid, count=4)
    assert made.status_code == 201, made.get_json()
    packet = made.get_json()["red_packet"]
    assert send(host, "open_red_packet", {"red_packet_id": packet["id"]})["ok"]
    assert send(mei, "grab_red_packet", {"red_packet_id": packet["id"]})["ok"]
    coupon = promo.made_coupon(world["api"], world["merchant"], live_id=sid, drop=True)
    dropped = send(host, "drop_coupon", {"session_id": sid, "coupon_id": coupon["id"]})
    assert dropped["ok"], dropped
    assert send(mei, "claim_coupon", {"coupon_id": coupon["id"]})["ok"]
    interaction_events.flush()  # the coalesced counts go out


def joined(world, who):
    """`who`'s join state (None: anonymous), from a socket that then leaves."""
    client = connect(world["app"], world["tokens"].get(who))
    state = join(client, world["sid"])
    client.disconnect(namespace=NS)
    return {k: v for k, v in state.items() if k not in CLOCKS}


def test_every_viewer_gets_what_a_fresh_build_gives_them(world):
    busy(world)
    app = world["app"]
    viewers = (None, "mei", "lan", "host")
    app.config["LIVE_JOIN_STATE_S"] = 0
    fresh = {who: joined(world, who) for who in viewers}
    # what makes the case: mei's own part differs from everyone else's
    mine = fresh["mei"]
    assert mine["poll"]["my_vote"] == 1 and mine["draw"]["entered"] is True
    assert mine["red_packets"][0]["mine_cents"] > 0
    assert mine["coupon_drops"][0]["coupon"]["held"] == 1
    assert fresh[None]["poll"]["my_vote"] is None
    assert fresh[None]["red_packets"][0]["mine_cents"] is None
    assert "held" not in fresh[None]["coupon_drops"][0]["coupon"]
    assert fresh["lan"]["draw"]["entered"] is False
    assert fresh["lan"]["coupon_drops"][0]["coupon"]["held"] == 0
    assert fresh["lan"]["you"]["is_moderator"] and "held" in fresh["lan"]
    assert fresh["host"]["you"]["is_host"]

    app.config["LIVE_JOIN_STATE_S"] = 60
    for _ in range(2):  # built once, then from the kept part
        for who in viewers:
            assert joined(world, who) == fresh[who], who


def test_a_join_from_the_kept_part_runs_a_handful_of_statements(world):
    busy(world)
    app = world["app"]
    app.config["LIVE_JOIN_STATE_S"] = 60
    joined(world, None)  # builds the room's part
    anonymous = connect(app)
    built = count_queries(app, lambda: join(anonymous, world["sid"]))
    mei = connect(app, world["tokens"]["mei"])
    hers = count_queries(app, lambda: join(mei, world["sid"]))
    app.config["LIVE_JOIN_STATE_S"] = 0
    again = connect(app)
    whole = count_queries(app, lambda: join(again, world["sid"]))
    # the session and the touchpoint; she adds her user, roles, moderator and
    # sanction checks, vote, entry, grabs and coupons
    assert built == 2, built
    assert hers <= 12, hers
    assert whole > 20, whole


def test_a_message_to_the_room_drops_the_kept_part_at_once(world):
    app, sid, tokens = world["app"], world["sid"], world["tokens"]
    app.config["LIVE_JOIN_STATE_S"] = 60
    host, mei = in_room(app, sid, tokens["host"], tokens["mei"])
    assert joined(world, None)["chat"] == []
    assert send(mei, "chat", {"session_id": sid, "body": "第一条"})["ok"]
    assert [m["body"] for m in joined(world, None)["chat"]] == ["第一条"]
    assert send(host, "pin", {"session_id": sid, "product_id": world["cup"]})["ok"]
    assert joined(world, None)["pinned_product"]["id"] == world["cup"]

    # a message delivered straight by the manager (as the message queue's
    # listener delivers another process's): the title changed with no message
    # from here, the room hears one from elsewhere
    read_db(
        lambda: (
            Product.update(title="青瓷杯 新款")
            .where(Product.id == world["cup"])
            .execute()
        )
    )
    assert joined(world, None)["pinned_product"]["title"] == "青瓷杯"  # kept
    with app.app_context():
        socketio.server.manager.emit(
            "announcement", {"text": "hi"}, namespace=NS, room=events.room(sid)
        )
    assert joined(world, None)["pinned_product"]["title"] == "青瓷杯 新款"


def test_a_message_to_an_empty_room_drops_it_too(world):
    """The last viewer leaves, the host pins another product (nobody here to hear
    it), the viewer comes back: the join state has the new pin (the journey's
    reconnect case, tests/journeys/test_journey_bargain_live.py)."""
    app, sid = world["app"], world["sid"]
    app.config["LIVE_JOIN_STATE_S"] = 60
    assert joined(world, None)["pinned_product"] is None  # kept; nobody is left
    assert socketio.server.manager.rooms.get(NS, {}) == {}
    made = world["api"].call(
        "POST",
        f"/api/v1/live/{sid}/pin",
        token=world["tokens"]["host"],
        json={"product_id": world["cup"]},
    )
    assert made.status_code == 200, made.get_json()
    assert joined(world, None)["pinned_product"]["id"] == world["cup"]


def test_a_message_from_the_queue_drops_it(app):
    """With a message queue, each message the queue brings (`_handle_emit`, the
    sender's own too) drops the room's kept part, whoever is in the room here."""
    manager = socketio.server.manager
    heard = []
    manager._handle_emit = heard.append  # a stand-in for the queue's handler
    manager._livestall_watched = False
    join_state.install()
    builds = []

    def build():
        builds.append(1)
        return {"n": len(builds)}, {}

    join_state.reset()
    with app.app_context():
        current_app.config["LIVE_JOIN_STATE_S"] = 60
        assert join_state.room_part(5, build)[0] == {"n": 1}
        assert join_state.room_part(5, build)[0] == {"n": 1}  # kept
        manager._handle_emit({"room": "live:5", "event": "pinned"})
        assert heard == [{"room": "live:5", "event": "pinned"}]  # handled as before
        assert join_state.room_part(5, build)[0] == {"n": 2}
    join_state.reset()


def test_a_change_that_sends_nothing_shows_within_the_bound(world):
    app, sid = world["app"], world["sid"]
    host = connect(app, world["tokens"]["host"])
    assert send(host, "pin", {"session_id": sid, "product_id": world["cup"]})["ok"]
    app.config["LIVE_JOIN_STATE_S"] = 0.5
    assert joined(world, None)["pinned_product"]["title"] == "青瓷杯"
    read_db(
        lambda: (
            Product.update(title="青瓷杯 新款")
            .where(Product.id == world["cup"])
            .execute()
        )
    )
    assert joined(world, None)["pinned_product"]["title"] == "青瓷杯"
    time.sleep(0.6)
    assert joined(world, None)["pinned_product"]["title"] == "青瓷杯 新款"


def test_a_part_built_while_a_message_went_out_is_not_kept(app):
    builds = []

    def build(during=None):
        def run():
            builds.append(1)
            if during:
                join_state.delivered(during)
            return {"n": len(builds)}, {}

        return run

    join_state.reset()
    with app.app_context():
        current_app.config["LIVE_JOIN_STATE_S"] = 60
        assert join_state.room_part(7, build("live:7"))[0] == {"n": 1}
        assert join_state.room_part(7, build())[0] == {"n": 2}  # not kept: built anew
        assert join_state.room_part(7, build())[0] == {"n": 2}  # kept this time
        join_state.delivered("live:8")  # another room's message
        join_state.delivered("user:7")  # not a room
        assert join_state.room_part(7, build())[0] == {"n": 2}
        join_state.delivered("live:7")
        assert join_state.room_part(7, build())[0] == {"n": 3}
    join_state.reset()


def _joins_at_once(app, n, build):
    """`n` joins asking for room 7's part at the same moment (threads)."""
    import threading

    got, start = [], threading.Barrier(n)

    def one():
        with app.app_context():
            start.wait()
            got.append(join_state.room_part(7, build)[0])

    threads = [threading.Thread(target=one) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return got


def test_joins_that_arrive_during_a_build_wait_for_it(app):
    """A crowd arriving while the part is being built does not build it again
    each (on PostgreSQL a build yields at every statement)."""
    builds = []

    def build():
        builds.append(1)
        time.sleep(0.3)  # a build's statements
        return {"n": len(builds)}, {}

    join_state.reset()
    app.config["LIVE_JOIN_STATE_S"] = 60
    got = _joins_at_once(app, 8, build)
    assert len(builds) == 1
    assert got == [{"n": 1}] * 8
    join_state.reset()


def test_a_build_a_message_overtook_is_no_answer_for_those_waiting(app):
    """The build in flight was not kept (a message went to the room while it
    ran): those waiting may have joined after that message, so each builds."""
    builds = []

    def build():
        builds.append(1)
        if len(builds) == 1:
            time.sleep(0.3)
            join_state.delivered("live:7")
        return {"n": len(builds)}, {}

    join_state.reset()
    app.config["LIVE_JOIN_STATE_S"] = 60
    got = _joins_at_once(app, 4, build)
    assert {"n": 1} in got
    assert len(builds) > 1  # the waiters did not take the overtaken copy
    assert got.count({"n": 1}) == 1
    join_state.reset()


def test_those_waiting_take_a_build_that_started_after_they_joined(app):
    """Two joins wait on a build that a message overtook; one of them builds
    again (overtaken too) and the other takes that build: it started after both
    had joined, so whatever went to the room since, they heard."""
    import threading

    builds, got = [], []

    def build():
        builds.append(1)
        n = len(builds)
        time.sleep(0.4)
        join_state.delivered("live:7")  # every build is overtaken
        return {"n": n}, {}

    def one(delay):
        time.sleep(delay)
        with app.app_context():
            got.append(join_state.room_part(7, build)[0]["n"])

    join_state.reset()
    app.config["LIVE_JOIN_STATE_S"] = 60
    threads = [threading.Thread(target=one, args=(d,)) for d in (0, 0.1, 0.15)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(got) == [1, 2, 2]
    assert len(builds) == 2
    join_state.reset()
