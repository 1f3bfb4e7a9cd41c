"""Lucky draws (福袋) with real Socket.IO test clients (docs/API.md, "Lucky
draws"): the commitment published at the start, entry by chatting the keyword
(or the one-tap `draw_enter`), once per person across sockets, follow-only
draws, the deadline checked at entry, the draw once (host, sweep, two threads),
winners recomputed from the revealed seed by scripts/verify_draw.py, product
prizes held at ¥0 and checked out, coupon prizes issued and the rest given back,
and every refusal by code."""

import datetime
import hashlib
import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from blueprints.live import interaction_events
from livestall.catalog.models import Product
from livestall.db.base import utcnow
from livestall.flash.models import FlashSale, Reservation
from livestall.interaction import draws, stats
from livestall.interaction.models import Draw
from livestall.live.models import LiveSession
from livestall.notifications.models import Notification
from livestall.promotions.models import Coupon, UserCoupon
from tests.factories import promotions as promo
from tests.factories.orders import SHIP
from tests.factories.sockets import connect, in_room, join, received, send
from tests.plugins.app import read_db

VERIFY = Path(__file__).resolve().parents[2] / "scripts" / "verify_draw.py"
PRIZE = {  # the merchant consents to ¥0 units: prizes
    "title": "福袋 龙井 50g",
    "price_cents": 3900,
    "stock": 10,
    "flash_min_price_cents": 0,
    "flash_max_units": 5,
}
FANS = ("mei", "lan", "zhu", "ann")


@pytest.fixture
def world(live_world):
    interaction_events.reset()
    return live_world(
        products={
            "prize": PRIZE,
            "plain": {"title": "No consent", "price_cents": 5000, "stock": 9},
        },
        people=[("host", "lily", "creator"), *((f, f, "shopper") for f in FANS)],
        ids=True,
        session="福袋之夜",
    )


def start(client, world, **fields):
    body = {
        "session_id": world["sid"],
        "prize": {"product_id": world["prize"]},
        "winners": 2,
        "keyword": "好运来",
        "duration_s": 60,
        **fields,
    }
    return send(client, "draw_start", body)


def stock(world):
    return read_db(lambda: Product.get_by_id(world["prize"]).stock)


def test_a_draw_from_start_to_verified_winners(world, api, tmp_path):
    app, sid, tokens, ids = world["app"], world["sid"], world["tokens"], world["ids"]
    host, mei, mei_again, lan, zhu, ann, anon = in_room(
        app,
        sid,
        tokens["host"],
        tokens["mei"],
        tokens["mei"],
        tokens["lan"],
        tokens["zhu"],
        tokens["ann"],
        None,
    )
    before = stock(world)
    ack = start(host, world)
    assert ack["ok"], ack
    draw = ack["draw"]
    assert draw["status"] == "open" and draw["seed"] is None
    assert draw["algorithm"] == "sha256-rank-v1" and len(draw["seed_sha256"]) == 64
    assert draw["prize"]["product"]["id"] == world["prize"]
    assert stock(world) == before - 2  # the prize is set aside at the start
    assert received(anon, "draw")[0]["seed_sha256"] == draw["seed_sha256"]

    # entering: the keyword in chat (width, case and spaces do not count)...
    ack = send(mei, "chat", {"session_id": sid, "body": " 好运来 "})
    assert ack["ok"] and ack["draw_entered"] == draw["id"]
    # ...once per person, whatever the socket
    ack = send(mei_again, "chat", {"session_id": sid, "body": "好运来"})
    assert ack["ok"] and ack["draw_entered"] is None
    assert ack["draw_refused"] == "already_entered"
    assert send(mei_again, "draw_enter", {"draw_id": draw["id"]})["error"]["code"] == (
        "already_entered"
    )
    # other chat is just chat
    assert (
        send(lan, "chat", {"session_id": sid, "body": "好运"}).get("draw_entered")
        is None
    )
    # the one-tap button sends the keyword as your message
    ack = send(lan, "draw_enter", {"draw_id": draw["id"]})
    assert ack["ok"] and ack["draw_entered"] == draw["id"]
    assert ack["message"]["body"] == "好运来"
    assert send(zhu, "draw_enter", {"draw_id": draw["id"]})["draw_entered"]
    assert send(ann, "draw_enter", {"draw_id": draw["id"]})["draw_entered"]
    # the host does not enter their own draw
    assert send(host, "chat", {"session_id": sid, "body": "好运来"})[
        "draw_refused"
    ] == ("forbidden")
    assert send(anon, "draw_enter", {"draw_id": draw["id"]})["error"]["code"] == (
        "not_signed_in"
    )
    received(anon)
    interaction_events.flush()
    assert received(anon, "draw")[-1]["entrants"] == 4

    # a late joiner sees the draw, and whether she entered
    state = join(connect(app, tokens["mei"]), sid)
    assert state["draw"]["id"] == draw["id"] and state["draw"]["entered"] is True

    for client in (mei, lan, zhu, ann):
        client.get_received("/live")
    done = send(host, "draw_end", {"draw_id": draw["id"]})
    assert done["ok"], done
    drawn = done["draw"]
    assert drawn["status"] == "drawn" and len(drawn["winners"]) == 2
    assert hashlib.sha256(drawn["seed"].encode()).hexdigest() == draw["seed_sha256"]
    entrants = sorted(ids[f] for f in FANS)
    expected = draws.rank(drawn["seed"], entrants, 2)
    assert [w["id"] for w in drawn["winners"]] == expected
    assert send(host, "draw_end", {"draw_id": draw["id"]})["error"]["code"] == (
        "draw_ended"
    )

    # each winner's sockets hear it, with a hold at ¥0; the others do not
    by_id = {ids[f]: c for f, c in zip(FANS, (mei, lan, zhu, ann), strict=True)}
    for uid, client in by_id.items():
        won = received(client, "draw_won")
        if uid in expected:
            (won,) = won
            assert won["reservation"]["price_cents"] == 0
            assert won["reservation"]["qty"] == 1
        else:
            assert won == []
    assert read_db(
        lambda: sorted(
            n.user_id
            for n in Notification.select().where(Notification.kind == "draw_won")
        )
    ) == sorted(expected)

    # anyone checks it with the repo's script, from the public record
    resp = api.call("GET", f"/api/v1/draws/{draw['id']}")
    assert resp.status_code == 200
    record = resp.get_json()
    assert record["entrant_ids"] == entrants
    saved = tmp_path / "draw.json"
    saved.write_text(json.dumps(record))
    run = subprocess.run(
        [sys.executable, str(VERIFY), str(saved)], capture_output=True, text=True
    )
    assert run.returncode == 0 and "VERIFIED" in run.stdout, run.stdout + run.stderr
    # a tampered record fails: another winner, or another seed
    loser = next(u for u in entrants if u not in expected)
    record["draw"]["winners"][0]["id"] = loser
    saved.write_text(json.dumps(record))
    run = subprocess.run(
        [sys.executable, str(VERIFY), str(saved)], capture_output=True, text=True
    )
    assert run.returncode == 1 and "NOT VERIFIED" in run.stdout

    # the winner checks the prize out at ¥0
    winner = next(f for f in FANS if ids[f] == expected[0])
    rid = read_db(lambda: Reservation.get(Reservation.user == expected[0]).id)
    resp = api.call(
        "POST",
        "/api/v1/orders",
        token=tokens[winner],
        json={
            "shipping": SHIP,
            "idempotency_key": "draw-prize-00001",
            "reservation_ids": [rid],
        },
    )
    assert resp.status_code == 201, resp.get_json()
    (line,) = resp.get_json()["order"]["items"]
    assert (line["product_id"], line["qty"], line["unit_price_cents"]) == (
        world["prize"],
        1,
        0,
    )
    assert (
        api.call("GET", f"/api/v1/live/{sid}/draws").get_json()["draws"][0]["id"]
        == draw["id"]
    )
    # the host console's figures: one draw, four in it, two won, one taken
    figures = read_db(lambda: stats.figures(LiveSession.get_by_id(sid)))
    assert (
        figures["draws"],
        figures["entrants"],
        figures["prizes_won"],
        figures["prizes_taken"],
    ) == (1, 4, 2, 1)


def test_the_deadline_is_checked_at_entry_and_the_draw_happens_once(world):
    app, sid, tokens = world["app"], world["sid"], world["tokens"]
    host, mei, anon = in_room(app, sid, tokens["host"], tokens["mei"], None)
    draw = start(host, world, winners=1)["draw"]
    assert send(mei, "draw_enter", {"draw_id": draw["id"]})["draw_entered"]
    past = utcnow() - datetime.timedelta(seconds=1)
    read_db(lambda: Draw.update(ends_at=past).where(Draw.id == draw["id"]).execute())
    interaction_events.reset()  # forget the cached keyword
    (lan,) = in_room(app, sid, tokens["lan"])
    ack = send(lan, "draw_enter", {"draw_id": draw["id"]})
    assert ack["error"]["code"] == "draw_ended"
    # the keyword in chat past the deadline is only chat
    ack = send(lan, "chat", {"session_id": sid, "body": "好运来"})
    assert ack["ok"] and ack.get("draw_entered") is None
    # the draw runs once, whoever tries at the same moment
    results = []

    def run():
        results.append(read_db(lambda: draws.run(draw["id"])))

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    won = [r for r in results if r is not None]
    assert len(won) == 1 and list(won[0][1]) == [world["ids"]["mei"]]
    assert read_db(lambda: Reservation.select().count()) == 1
    received(anon)
    interaction_events.tick(config=app.config)  # the sweep finds nothing left
    assert received(anon, "draw") == []


def test_the_sweep_draws_at_the_deadline_and_returns_unwon_units(world, api):
    app, sid, tokens = world["app"], world["sid"], world["tokens"]
    host, mei, anon = in_room(app, sid, tokens["host"], tokens["mei"], None)
    before = stock(world)
    draw = start(host, world, winners=3)["draw"]
    send(mei, "draw_enter", {"draw_id": draw["id"]})
    received(anon)
    later = utcnow() + datetime.timedelta(seconds=61)
    interaction_events.tick(now=later, config=app.config)
    (seen,) = received(anon, "draw")
    assert seen["status"] == "drawn" and [w["username"] for w in seen["winners"]] == [
        "mei"
    ]
    # one unit held for mei, the two not won are back on the shelf
    assert stock(world) == before - 1
    sale = read_db(lambda: FlashSale.get(FlashSale.mode == "prize"))
    assert (sale.quantity, sale.held, sale.remaining, sale.sold) == (1, 1, 0, 0)
    # nobody sees the prize units as a flash sale
    assert join(connect(app), sid)["flash_sales"] == []


def test_follow_only_draws_enter_followers(world, api):
    app, sid, tokens = world["app"], world["sid"], world["tokens"]
    host, mei = in_room(app, sid, tokens["host"], tokens["mei"])
    draw = start(host, world, follow_required=True)["draw"]
    ack = send(mei, "draw_enter", {"draw_id": draw["id"]})
    assert ack["draw_entered"] is None and ack["draw_refused"] == "follow_required"
    resp = api.call("PUT", "/api/v1/follows/lily", token=tokens["mei"])
    assert resp.status_code == 204
    ack = send(mei, "chat", {"session_id": sid, "body": "好运来"})
    assert ack["draw_entered"] == draw["id"]


def test_coupon_prizes_are_issued_and_the_rest_given_back(world, api):
    app, sid, tokens, ids = world["app"], world["sid"], world["tokens"], world["ids"]
    coupon = promo.made_coupon(api, world["merchant"], total=5, live_id=sid)
    host, mei = in_room(app, sid, tokens["host"], tokens["mei"])
    ack = start(host, world, prize={"coupon_id": coupon["id"]}, winners=3)
    assert ack["ok"], ack
    assert ack["draw"]["prize"]["coupon"]["id"] == coupon["id"]
    assert read_db(lambda: Coupon.get_by_id(coupon["id"]).claimed) == 3
    too_many = start(host, world, prize={"coupon_id": coupon["id"]}, winners=3)
    assert too_many["error"]["code"] == "draw_open"
    send(mei, "draw_enter", {"draw_id": ack["draw"]["id"]})
    mei.get_received("/live")
    assert send(host, "draw_end", {"draw_id": ack["draw"]["id"]})["ok"]
    (won,) = received(mei, "draw_won")
    assert won["user_coupon"]["amount_off_cents"] == 2000
    held = read_db(lambda: UserCoupon.get(UserCoupon.user == ids["mei"]))
    assert held.coupon_id == coupon["id"]
    assert read_db(lambda: Coupon.get_by_id(coupon["id"]).claimed) == 1  # 2 back
    # another shop's coupon not made for this live is refused
    other = promo.made_coupon(api, world["merchant"], total=5)
    refused = start(host, world, prize={"coupon_id": other["id"]})
    assert refused["error"]["code"] == "forbidden"


@pytest.mark.parametrize(
    "fields, code",
    [
        ({"winners": 0}, "invalid"),
        ({"winners": 101}, "invalid"),
        ({"keyword": ""}, "invalid"),
        ({"keyword": "字" * 21}, "invalid"),
        ({"duration_s": 29}, "invalid"),
        ({"duration_s": 1801}, "invalid"),
        ({"follow_required": "yes"}, "invalid"),
        ({"prize": {}}, "invalid"),
        ({"prize": {"product_id": 1, "coupon_id": 1}}, "invalid"),
        ({"prize": "tea"}, "invalid"),
        ({"winners": 6}, "not_allowed_by_merchant"),  # beyond flash_max_units
        ({"prize": {"coupon_id": 10**9}}, "not_found"),
    ],
)
def test_bad_draws_are_refused_by_code(world, fields, code):
    (host,) = in_room(world["app"], world["sid"], world["tokens"]["host"])
    ack = start(host, world, **fields)
    assert ack["ok"] is False and ack["error"]["code"] == code, ack


def test_who_may_start_a_draw_and_what_the_merchant_allows(world, api):
    app, sid, tokens = world["app"], world["sid"], world["tokens"]
    host, mei = in_room(app, sid, tokens["host"], tokens["mei"])
    assert start(mei, world)["error"]["code"] == "forbidden"
    plain = start(host, world, prize={"product_id": world["plain"]})
    assert plain["error"]["code"] == "not_allowed_by_merchant"
    assert stock(world) == PRIZE["stock"]  # nothing set aside by a refusal
    api.call("POST", f"/api/v1/live/{sid}/end", token=tokens["host"])
    assert start(host, world)["error"]["code"] == "not_live"
    assert send(mei, "draw_enter", {"draw_id": 10**9})["error"]["code"] == "not_found"
    assert send(mei, "draw_end", {"draw_id": "x"})["error"]["code"] == "invalid"
