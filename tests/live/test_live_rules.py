"""Rules of live sessions found in review: what counts as a room's sales, pins that
outlive their product, forgotten sessions, who the log names, covers by admins."""

import datetime

from extensions import socketio
from livestall.accounts.models import User
from livestall.live import chat, listings, sessions
from livestall.live import sales as live_sales
from livestall.live.models import LiveAction, LiveSession
from tests.factories.live import act, created
from tests.live import test_live_api
from tests.plugins.api import upload
from tests.plugins.app import FAST_HASH, read_db

world = test_live_api.world  # the same fixture: a host, a moderator, products

SHIP = {
    "name": "王小明",
    "address": "浙江省杭州市西湖区龙井路 1 号",
    "phone": "13800000000",
}


def test_a_room_sells_only_what_it_features(world):
    api, tokens, products = world["api"], world["tokens"], world["products"]
    sid = created(world, product_ids=products[:1])["id"]
    act(world, sid, "start")
    buyer = api.user("buyer")
    # the buyer watches the room: a `live:ID` source counts only for its viewers
    watcher = socketio.test_client(
        world["app"], namespace="/live", auth={"token": buyer}
    )
    ack = watcher.emit("join", {"session_id": sid}, namespace="/live", callback=True)
    assert ack["ok"], ack
    resp = api.call(
        "POST",
        "/api/v1/orders",
        token=buyer,
        json={
            "items": [
                {"product_id": products[0], "qty": 2, "source": f"live:{sid}"},
                # a product the room never showed, claiming to come from it
                {"product_id": products[2], "qty": 5, "source": f"live:{sid}"},
            ],
            "shipping": SHIP,
            "idempotency_key": "key-live-00001",
        },
    )
    assert resp.status_code == 201
    sales = read_db(lambda: live_sales.sales(sessions.get_session(sid)))
    assert sales == {"orders": 1, "units": 2, "gmv_cents": 2 * 12900}
    assert tokens


def test_changing_products_drops_a_pin_that_is_no_longer_featured(world):
    products = world["products"]
    sid = created(world)["id"]
    act(world, sid, "start")
    act(world, sid, "pin", json={"product_id": products[1]})
    resp = world["api"].call(
        "PATCH",
        f"/api/v1/live/{sid}",
        token=world["tokens"]["host"],
        json={"product_ids": [products[0]]},
    )
    assert resp.get_json()["session"]["pinned_product"] is None
    act(world, sid, "pin", json={"product_id": products[0]})
    resp = world["api"].call(
        "PATCH",
        f"/api/v1/live/{sid}",
        token=world["tokens"]["host"],
        json={"product_ids": [products[0], products[2]]},
    )
    assert resp.get_json()["session"]["pinned_product"]["id"] == products[0]


def test_forgotten_sessions_are_not_upcoming(world):
    fresh = created(world)["id"]
    stale = created(world)["id"]
    long_ago = datetime.datetime(2026, 1, 1)
    read_db(
        lambda: (
            LiveSession.update(scheduled_at=long_ago)
            .where(LiveSession.id == stale)
            .execute()
        )
    )
    got = world["api"].call("GET", "/api/v1/live?status=scheduled").get_json()
    assert [s["id"] for s in got["items"]] == [fresh]
    host = read_db(lambda: User.get(User.username == "lily"))
    assert [s.id for s in read_db(lambda: listings.upcoming_of([host.id]))] == [fresh]


def test_the_log_names_who_changed_the_blocked_words(world):
    sid = created(world)["id"]
    read_db(
        lambda: chat.set_blocked_words(
            User.get(User.username == "lily"),
            ["加微信"],
            sessions.get_session(sid),
            actor=User.get(User.username == "tom"),
        )
    )
    actor = read_db(lambda: LiveAction.get(LiveAction.kind == "blocked_words").actor)
    assert actor.username == "tom"


def test_an_admin_may_give_a_session_a_cover_they_uploaded(world):
    sid = created(world)["id"]
    image_id = upload(world["api"], world["tokens"]["admin"])
    resp = world["api"].call(
        "PATCH",
        f"/api/v1/live/{sid}",
        token=world["tokens"]["admin"],
        json={"cover_image_id": image_id},
    )
    assert resp.status_code == 200 and resp.get_json()["session"]["cover_url"]
    # a shopper's image is nobody's cover
    other = upload(world["api"], world["tokens"]["shopper"])
    resp = world["api"].call(
        "PATCH",
        f"/api/v1/live/{sid}",
        token=world["tokens"]["host"],
        json={"cover_image_id": other},
    )
    assert resp.status_code == 400


def test_a_muted_user_is_told_they_cannot_chat(app, world):
    sid = created(world)["id"]
    act(world, sid, "start")
    mei = socketio.test_client(
        app, namespace="/live", auth={"token": world["tokens"]["shopper"]}
    )
    you = mei.emit("join", {"session_id": sid}, namespace="/live", callback=True)
    assert you["state"]["you"]["can_chat"] is True
    mei_id = read_db(lambda: User.get(User.username == "mei").id)
    host = socketio.test_client(
        app, namespace="/live", auth={"token": world["tokens"]["host"]}
    )
    ack = host.emit(
        "mute",
        {"session_id": sid, "user_id": mei_id, "minutes": 5},
        namespace="/live",
        callback=True,
    )
    assert ack["ok"]
    you = mei.emit("join", {"session_id": sid}, namespace="/live", callback=True)
    assert you["state"]["you"]["can_chat"] is False
    assert you["state"]["you"]["muted_until"]


def test_every_app_gets_the_socket_handlers(tmp_path):
    """Two apps in one process (as in tests, or a WSGI host that builds several):
    the second's server must answer /live too, even after the first emitted."""
    from app import create_app

    def make(name):
        return create_app(
            {
                "TESTING": True,
                "DATA_DIR": str(tmp_path / name),
                "SECRET_KEY": "x",
                "PASSWORD_HASH_METHOD": FAST_HASH,
            }
        )

    first = make("one")
    with first.app_context():
        socketio.emit("viewers", {"count": 1}, to="live:1", namespace="/live")
    second = make("two")
    client = socketio.test_client(second, namespace="/live")
    assert client.is_connected("/live")
    ack = client.emit("join", {"session_id": 1}, namespace="/live", callback=True)
    assert ack["error"]["code"] == "not_found"
