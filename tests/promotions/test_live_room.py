"""Coupons and red packets in the live room (Socket.IO /live with real test
clients): the room state carries the open pools and the running coupon drops;
only the host (or an admin) opens a pool or drops a coupon, anyone else gets an
error ack (never a server error); grabs answer with the packet or sold_out /
limit_reached; the coalesced `red_packet` carries the right count_left; bad
payloads are refused by code; a drop of another shop's coupon, or of a coupon
tied to another live, is refused. The host console shows the pools, the coupons
to drop and the live's promo numbers."""

import pytest

from blueprints.live import promo_events
from extensions import socketio
from livestall.live.models import LiveSession
from livestall.promotions import live_stats
from tests.factories import promotions as promo
from tests.plugins.app import AuthActions, read_db

NS = "/live"


@pytest.fixture
def world(live_world):
    world = live_world(
        products={
            "tea": {"title": "龙井 250g", "price_cents": 16800, "stock": 20},
            "cup": {"title": "青瓷杯", "price_cents": 8900, "stock": 5},
        },
        people=[
            ("host", "lily", "creator"),
            ("rival", "rose", "creator"),
            ("shopper", "mei", "shopper"),
            ("lan", "lan", "shopper"),
            ("zhu", "zhu", "shopper"),
            ("ann", "ann", "shopper"),
        ],
        admin=True,
        session="春茶直播",
    )
    world["shop"] = world["merchant"]
    return world


def connect(world, role=None):
    auth = {"token": world["tokens"][role]} if role else None
    client = socketio.test_client(world["app"], namespace=NS, auth=auth)
    assert client.is_connected(NS)
    return client


def join(client, sid):
    ack = client.emit("join", {"session_id": sid}, namespace=NS, callback=True)
    assert ack["ok"], ack
    client.get_received(NS)
    return ack["state"]


def emit(client, name, payload):
    return client.emit(name, payload, namespace=NS, callback=True)


def received(client, name):
    return [e["args"][0] for e in client.get_received(NS) if e["name"] == name]


def refused(ack, code):
    assert ack["ok"] is False, ack
    assert ack["error"]["code"] == code, ack
    assert ack["error"]["message"], ack


def pool(world, **fields):
    resp = promo.red_packet(world["api"], world["shop"], world["sid"], **fields)
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()["red_packet"]


def opened(world, **fields):
    rp = pool(world, **fields)
    ack = emit(connect(world, "host"), "open_red_packet", {"red_packet_id": rp["id"]})
    assert ack["ok"], ack
    return ack["red_packet"]


def kept_for_drop(world, **fields):
    """A teashop coupon kept for a drop in the world's live."""
    return promo.made_coupon(
        world["api"], world["shop"], live_id=world["sid"], drop=True, **fields
    )


def test_joining_shows_the_open_pools_and_the_running_drops(world):
    sid = world["sid"]
    ready = pool(world, total_cents=500, count=2)
    rain = opened(world, total_cents=1000, count=4, min_spend_cents=5000)
    coupon = kept_for_drop(world)
    host = connect(world, "host")
    ack = emit(host, "drop_coupon", {"session_id": sid, "coupon_id": coupon["id"]})
    assert ack["ok"], ack

    anonymous = join(connect(world), sid)
    assert [p["id"] for p in anonymous["red_packets"]] == [rain["id"]]  # not `ready`
    shown = anonymous["red_packets"][0]
    assert shown["session_id"] == sid and shown["status"] == "open"
    assert shown["count_left"] == 4 and shown["total_cents"] == 1000
    assert shown["min_spend_cents"] == 5000 and shown["ends_at"].endswith("Z")
    assert shown["mine_cents"] is None
    (drop,) = anonymous["coupon_drops"]
    assert drop["session_id"] == sid and drop["ends_at"] == ack["ends_at"]
    assert drop["coupon"]["id"] == coupon["id"]
    assert drop["coupon"]["claim_state"] == "claimable"
    assert "held" not in drop["coupon"]  # nobody to hold it
    assert ready["id"] not in [p["id"] for p in anonymous["red_packets"]]

    mei = connect(world, "shopper")
    state = join(mei, sid)
    assert state["red_packets"][0]["mine_cents"] is None
    assert state["coupon_drops"][0]["coupon"]["held"] == 0
    got = emit(mei, "grab_red_packet", {"red_packet_id": rain["id"]})
    assert got["ok"], got
    claim = emit(mei, "claim_coupon", {"coupon_id": coupon["id"]})
    assert claim["ok"], claim

    again = join(connect(world, "shopper"), sid)  # a reload: her grab and claim show
    assert again["red_packets"][0]["mine_cents"] == got["amount_cents"]
    assert again["red_packets"][0]["count_left"] == 3
    assert again["coupon_drops"][0]["coupon"]["held"] == 1


def test_only_the_host_or_an_admin_opens_a_pool_or_drops_a_coupon(world):
    sid = world["sid"]
    rp = pool(world)
    coupon = kept_for_drop(world)
    watcher = connect(world)
    join(watcher, sid)
    open_it = {"red_packet_id": rp["id"]}
    drop_it = {"session_id": sid, "coupon_id": coupon["id"], "window_s": 30}

    for role in ("shopper", "rival"):
        client = connect(world, role)
        refused(emit(client, "open_red_packet", open_it), "not_found")
        refused(emit(client, "drop_coupon", drop_it), "forbidden")
    anonymous = connect(world)
    refused(emit(anonymous, "open_red_packet", open_it), "not_signed_in")
    refused(emit(anonymous, "drop_coupon", drop_it), "not_signed_in")
    assert received(watcher, "red_packet") == received(watcher, "coupon_drop") == []

    ack = emit(connect(world, "host"), "open_red_packet", open_it)
    assert ack["ok"] and ack["red_packet"]["status"] == "open", ack
    (heard,) = received(watcher, "red_packet")
    assert heard["id"] == rp["id"] and heard["event"] == "opened"
    assert heard["session_id"] == sid and heard["count_left"] == rp["count"]
    refused(emit(connect(world, "host"), "open_red_packet", open_it), "already_open")

    ack = emit(connect(world, "admin"), "drop_coupon", drop_it)
    assert ack["ok"], ack
    (heard,) = received(watcher, "coupon_drop")
    assert heard == {k: ack[k] for k in ("session_id", "coupon", "ends_at")}
    assert heard["coupon"]["id"] == coupon["id"] and heard["session_id"] == sid


def test_grabs_one_each_until_sold_out(world):
    rp = opened(world, total_cents=1000, count=3)
    payload = {"red_packet_id": rp["id"]}
    mei = connect(world, "shopper")
    first = emit(mei, "grab_red_packet", payload)
    assert first["ok"], first
    assert first["amount_cents"] >= 1
    uc = first["user_coupon"]
    assert uc["red_packet_id"] == rp["id"] and uc["status"] == "unused"
    assert uc["amount_off_cents"] == first["amount_cents"]
    assert uc["merchant_id"] == rp["merchant_id"]
    refused(emit(mei, "grab_red_packet", payload), "limit_reached")
    promo_events.reset()  # another process: the database says no again
    refused(
        emit(connect(world, "shopper"), "grab_red_packet", payload), "limit_reached"
    )

    amounts = [first["amount_cents"]]
    for role in ("lan", "zhu"):
        ack = emit(connect(world, role), "grab_red_packet", payload)
        assert ack["ok"], ack
        amounts.append(ack["amount_cents"])
    assert sum(amounts) == 1000 and min(amounts) >= 1
    refused(emit(connect(world, "ann"), "grab_red_packet", payload), "sold_out")
    promo_events.reset()
    refused(emit(connect(world, "ann"), "grab_red_packet", payload), "sold_out")
    refused(emit(connect(world), "grab_red_packet", payload), "not_signed_in")


def test_a_pool_not_yet_open_cannot_be_grabbed(world):
    rp = pool(world)
    refused(
        emit(connect(world, "shopper"), "grab_red_packet", {"red_packet_id": rp["id"]}),
        "not_open",
    )


def test_the_room_hears_count_left_once_per_flush_and_the_end(world):
    sid = world["sid"]
    rp = opened(world, total_cents=900, count=3)
    watcher = connect(world)
    join(watcher, sid)
    assert promo_events.flush() == 0
    for role in ("shopper", "lan"):
        ack = emit(connect(world, role), "grab_red_packet", {"red_packet_id": rp["id"]})
        assert ack["ok"], ack
    assert received(watcher, "red_packet") == []  # coalesced: nothing yet
    assert promo_events.to_send() == {rp["id"]}
    assert promo_events.flush() == 1
    (heard,) = received(watcher, "red_packet")
    assert heard["id"] == rp["id"] and heard["session_id"] == sid
    assert heard["count_left"] == 1 and heard["status"] == "open"
    assert "event" not in heard
    assert promo_events.flush() == 0

    ack = emit(connect(world, "zhu"), "grab_red_packet", {"red_packet_id": rp["id"]})
    assert ack["ok"], ack
    promo_events.flush()
    (heard,) = received(watcher, "red_packet")
    assert heard["count_left"] == 0 and heard["grabbed_cents"] == 900
    promo_events.finish_due()  # all grabbed: the pool closes, the room hears it
    (heard,) = received(watcher, "red_packet")
    assert heard["event"] == "finished" and heard["status"] == "finished"
    assert join(connect(world), sid)["red_packets"] == []


@pytest.mark.parametrize(
    "name, payload, code",
    [
        ("grab_red_packet", {}, "invalid"),
        ("grab_red_packet", {"red_packet_id": None}, "invalid"),
        ("grab_red_packet", {"red_packet_id": "abc"}, "invalid"),
        ("grab_red_packet", {"red_packet_id": ""}, "invalid"),
        ("grab_red_packet", {"red_packet_id": True}, "invalid"),
        ("grab_red_packet", {"red_packet_id": [1]}, "invalid"),
        ("grab_red_packet", {"red_packet_id": 2**70}, "not_found"),
        ("grab_red_packet", "1", "invalid"),
        ("open_red_packet", {}, "not_found"),
        ("open_red_packet", {"red_packet_id": "abc"}, "not_found"),
        ("open_red_packet", {"red_packet_id": True}, "not_found"),
        ("open_red_packet", {"red_packet_id": 99999}, "not_found"),
        ("claim_coupon", {}, "not_found"),
        ("claim_coupon", {"coupon_id": "abc"}, "not_found"),
        ("claim_coupon", {"coupon_id": True}, "not_found"),
        ("claim_coupon", {"coupon_id": {"id": 1}}, "not_found"),
        ("claim_coupon", ["x"], "invalid"),
        ("drop_coupon", {"coupon_id": 1}, "invalid"),
        ("drop_coupon", {"session_id": "SID", "coupon_id": 1}, "invalid"),
        ("drop_coupon", {"session_id": True, "coupon_id": 1}, "invalid"),
        ("drop_coupon", {"session_id": "sid", "coupon_id": True}, "not_found"),
        ("drop_coupon", {"session_id": "sid", "coupon_id": "abc"}, "not_found"),
        (
            "drop_coupon",
            {"session_id": "sid", "coupon_id": 1, "window_s": "60"},
            "invalid",
        ),
        (
            "drop_coupon",
            {"session_id": "sid", "coupon_id": 1, "window_s": True},
            "invalid",
        ),
        (
            "drop_coupon",
            {"session_id": "sid", "coupon_id": 1, "window_s": 5},
            "invalid",
        ),
        (
            "drop_coupon",
            {"session_id": "sid", "coupon_id": 1, "window_s": 3601},
            "invalid",
        ),
    ],
)
def test_bad_payloads_get_error_acks(world, name, payload, code):
    # id 1 exists in both tables: a payload read as 1 would go through
    first = opened(world, total_cents=500, count=5)
    coupon = kept_for_drop(world)
    assert first["id"] == 1 and coupon["id"] == 1
    if isinstance(payload, dict):
        payload = {k: world["sid"] if v == "sid" else v for k, v in payload.items()}
    role = "host" if name in ("open_red_packet", "drop_coupon") else "shopper"
    refused(emit(connect(world, role), name, payload), code)
    assert read_db(lambda: LiveSession.get_by_id(world["sid"]).status) == "live"


def test_a_drop_of_another_shops_coupon_or_another_lives_is_refused(world):
    api, sid = world["api"], world["sid"]
    other_shop = api.user("hupao", role="merchant")
    api.product(other_shop, title="虎跑泉水", price_cents=3000)
    theirs = promo.made_coupon(api, other_shop, min_spend_cents=5000)
    other_live = promo.live_on(api, [world["tea"]], host="tom", title="另一场")[0]
    elsewhere = promo.made_coupon(api, world["shop"], live_id=other_live, drop=True)
    host = connect(world, "host")
    for coupon in (theirs, elsewhere):
        ack = emit(host, "drop_coupon", {"session_id": sid, "coupon_id": coupon["id"]})
        refused(ack, "not_found")
    # the shop's coupon claimable anywhere is announced within its own window
    anywhere = promo.made_coupon(api, world["shop"])
    ack = emit(host, "drop_coupon", {"session_id": sid, "coupon_id": anywhere["id"]})
    assert ack["ok"], ack


def test_a_drop_opens_claims_for_its_window_one_each_until_sold_out(world):
    sid = world["sid"]
    coupon = kept_for_drop(world, total=2, amount_off_cents=2000)
    mei = connect(world, "shopper")
    join(mei, sid)
    before = emit(mei, "claim_coupon", {"coupon_id": coupon["id"]})
    refused(before, "not_claimable")  # kept for the drop: not yet

    host = connect(world, "host")
    payload = {"session_id": sid, "coupon_id": coupon["id"], "window_s": 60}
    ack = emit(host, "drop_coupon", payload)
    assert ack["ok"], ack
    (heard,) = received(mei, "coupon_drop")
    assert heard["coupon"]["claim_state"] == "claimable"

    got = emit(mei, "claim_coupon", {"coupon_id": coupon["id"]})
    assert got["ok"], got
    assert got["user_coupon"]["coupon_id"] == coupon["id"]
    assert got["user_coupon"]["amount_off_cents"] == 2000
    refused(emit(mei, "claim_coupon", {"coupon_id": coupon["id"]}), "limit_reached")
    assert emit(connect(world, "lan"), "claim_coupon", {"coupon_id": coupon["id"]})[
        "ok"
    ]
    refused(
        emit(connect(world, "zhu"), "claim_coupon", {"coupon_id": coupon["id"]}),
        "sold_out",
    )
    refused(emit(host, "drop_coupon", payload), "sold_out")  # none left to drop
    refused(
        emit(connect(world), "claim_coupon", {"coupon_id": coupon["id"]}),
        "not_signed_in",
    )


def test_live_stats_count_grabs_and_claims_of_this_live(world):
    sid = world["sid"]
    first = opened(world, total_cents=600, count=3)
    second = opened(world, total_cents=400, count=2)
    coupon = kept_for_drop(world, total=5)
    anywhere = promo.made_coupon(world["api"], world["shop"])  # not this live's
    emit(
        connect(world, "host"),
        "drop_coupon",
        {"session_id": sid, "coupon_id": coupon["id"]},
    )
    grabs = [("shopper", first), ("lan", first), ("shopper", second)]
    cents = 0
    for role, rp in grabs:
        ack = emit(connect(world, role), "grab_red_packet", {"red_packet_id": rp["id"]})
        assert ack["ok"], ack
        cents += ack["amount_cents"]
    for role in ("shopper", "zhu"):
        assert emit(connect(world, role), "claim_coupon", {"coupon_id": coupon["id"]})[
            "ok"
        ]
    promo.claimed(world["api"], world["tokens"]["ann"], anywhere["id"])

    figures = read_db(lambda: live_stats.figures(LiveSession.get_by_id(sid)))
    assert figures == {
        "red_packets_grabbed": 3,
        "red_packet_viewers": 2,
        "red_packet_cents": [{"currency": "CNY", "cents": cents}],
        "coupons_claimed": 2,
        "coupon_claimers": 2,
    }
    empty = read_db(
        lambda: live_stats.figures(
            LiveSession.get_by_id(
                promo.live_on(world["api"], [world["cup"]], host="tom")[0]
            )
        )
    )
    assert empty["red_packets_grabbed"] == empty["coupons_claimed"] == 0
    assert empty["red_packet_cents"] == []


def signed_in(world, username):
    """A browser (test client) signed in as `username`."""
    client = world["app"].test_client()
    resp = AuthActions(client).login(username)
    assert resp.status_code == 302, resp.get_data(as_text=True)[:300]
    return client


def test_the_console_lists_pools_and_coupons_to_drop_with_the_numbers(world):
    sid = world["sid"]
    ready = pool(world, total_cents=888, count=8)
    rain = opened(world, total_cents=500, count=5)
    coupon = kept_for_drop(world, amount_off_cents=2000, min_spend_cents=10000)
    ack = emit(
        connect(world, "shopper"), "grab_red_packet", {"red_packet_id": rain["id"]}
    )
    assert ack["ok"], ack

    host = signed_in(world, "lily")
    stats = host.get(f"/live/{sid}/stats")
    assert stats.status_code == 200
    assert stats.get_json()["stats"]["promo"]["red_packets_grabbed"] == 1

    page = host.get(f"/live/{sid}/console")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="promo"' in html and "Coupons & red packets" in html
    assert (
        f'class="btn btn-small promo-open" data-red-packet-id="{ready["id"]}"' in html
    )
    assert f'data-red-packet-id="{rain["id"]}" data-status="open"' in html
    assert "1 of 5 grabbed" in html
    assert f'class="btn btn-small promo-drop" data-coupon-id="{coupon["id"]}"' in html
    assert "Kept for a drop in this live" in html
    assert 'id="stat-red-packets"' in html and 'id="stat-coupons"' in html
    assert "js/promo-console.js" in html
