"""PK battles (连麦PK, docs/API.md "Live interaction" -> "PK battles") through real
Socket.IO test clients: invite, accept, refuse, lapse, one PK per host, scores from
each room's orders and hearts, the server ending a PK on time, settlement exactly
once (twice in a row, from two threads at once, both hosts), and the HTTP list.

Time is moved with the rules' `now=` (the sockets use the clock)."""

import datetime
import threading
import uuid

import pytest

from blueprints.live import events, pk_events
from extensions import db, socketio
from livestall.accounts.models import User
from livestall.db.base import utcnow
from livestall.interaction import pk as pks
from livestall.interaction.pk_models import LivePK
from livestall.notifications.models import Notification
from tests.factories.flash import CONSENT
from tests.factories.live import new_session
from tests.plugins.app import read_db

NS = "/live"
SHIP = {
    "name": "王小明",
    "address": "浙江省杭州市西湖区龙井路 1 号",
    "phone": "138 0000 0000",
}
TEA = 16800


@pytest.fixture(autouse=True)
def _fresh_pk_state():
    pk_events.reset()
    yield
    pk_events.reset()


@pytest.fixture
def world(live_world):
    """lily's live and rose's (and jack's), each on air featuring teashop's tea and
    cup; mei and ann shop; tom is lily's moderator."""
    world = live_world(
        products={
            "tea": {"title": "龙井 250g", "price_cents": TEA, "stock": 50, **CONSENT},
            "cup": {"title": "青瓷杯", "price_cents": 8900, "stock": 50},
        },
        people=[
            ("host", "lily", "creator"),
            ("rival", "rose", "creator"),
            ("third", "jack", "creator"),
            ("shopper", "mei", "shopper"),
            ("fan", "ann", "shopper"),
            ("mod", "tom", "shopper"),
        ],
        admin=True,
        moderators=["tom"],
        ids=True,
        session="今晚上新",
    )
    api, tokens = world["api"], world["tokens"]
    world["a"] = world["sid"]
    world["b"] = new_session(api, tokens["rival"], world["products"], title="玫瑰专场")
    world["c"] = new_session(api, tokens["third"], world["products"], title="杰克专场")
    return world


def connect(world, role=None):
    auth = {"token": world["tokens"][role]} if role else None
    client = socketio.test_client(world["app"], namespace=NS, auth=auth)
    assert client.is_connected(NS)
    return client


def send(client, event, data):
    return client.emit(event, data, namespace=NS, callback=True)


def join(client, sid):
    ack = send(client, "join", {"session_id": sid})
    assert ack["ok"], ack
    return ack["state"]


def received(client, name="pk"):
    return [e["args"][0] for e in client.get_received(NS) if e["name"] == name]


def in_room(world, sid, *roles):
    clients = [connect(world, role) for role in roles]
    for client in clients:
        join(client, sid)
        client.get_received(NS)
    return clients


def ok(ack):
    assert ack["ok"], ack
    return ack


def refused(ack, code):
    assert not ack["ok"] and ack["error"]["code"] == code, ack
    return ack["error"]


def buy(world, sid, qty=1, product="tea", role="shopper"):
    """An order from live `sid` (the buyer must have watched it): the order."""
    resp = world["api"].call(
        "POST",
        "/api/v1/orders",
        token=world["tokens"][role],
        json={
            "items": [
                {"product_id": world[product], "qty": qty, "source": f"live:{sid}"}
            ],
            "shipping": SHIP,
            "idempotency_key": "pk-" + uuid.uuid4().hex,
        },
    )
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()["order"]


def invite(world, client, a="a", b="b", duration_s=300):
    """`pk_invite` from `a` to `b` (lily's and rose's lives unless told)."""
    return send(
        client,
        "pk_invite",
        {
            "session_id": world["a"] if a == "a" else a,
            "opponent_session_id": world["b"] if b == "b" else b,
            "duration_s": duration_s,
        },
    )


def running_pk(world, duration_s=300):
    """lily invites rose, rose accepts: (pk, lily's socket, rose's socket)."""
    host, rival = connect(world, "host"), connect(world, "rival")
    pk = ok(invite(world, host, duration_s=duration_s))["pk"]
    pk = ok(send(rival, "pk_accept", {"pk_id": pk["id"]}))["pk"]
    host.get_received(NS)
    rival.get_received(NS)
    return pk, host, rival


def user_of(world, role):
    return read_db(lambda: User.get_by_id(world["ids"][role]))


def pk_results(pk_id=None):
    def count():
        query = Notification.select().where(Notification.kind == "pk_result")
        rows = list(query.order_by(Notification.user))
        return [n for n in rows if pk_id is None or n.data["pk_id"] == pk_id]

    return read_db(count)


def row(pk_id):
    return read_db(lambda: LivePK.get_by_id(pk_id))


# --- invite, accept, scores -----------------------------------------------------------


def test_invite_accept_and_scores_from_each_rooms_orders_and_hearts(world):
    a, b = world["a"], world["b"]
    viewer_a, shopper = in_room(world, a, None, "shopper")
    (viewer_b,) = in_room(world, b, None)
    join(shopper, b)  # mei watches both rooms
    shopper.get_received(NS)
    before = buy(world, a, qty=1)  # before the PK: never counts
    host, rival = connect(world, "host"), connect(world, "rival")
    join(host, a)
    join(rival, b)
    for c in (host, rival, viewer_a, viewer_b, shopper):
        c.get_received(NS)

    pk = ok(invite(world, host))["pk"]
    assert pk["status"] == "invited" and pk["duration_s"] == 300
    assert [s["session_id"] for s in pk["sides"]] == [a, b]
    assert pk["sides"][0]["host"]["username"] == "lily"
    assert pk["sides"][1]["host"]["username"] == "rose"
    assert pk["winner_session_id"] is None and pk["starts_at"] is None
    # the invited host's sockets hear it (so do the inviter's); viewers do not
    assert [p["status"] for p in received(rival)] == ["invited"]
    assert [p["status"] for p in received(host)] == ["invited"]
    assert received(viewer_a) == received(viewer_b) == []

    pk = ok(send(rival, "pk_accept", {"pk_id": pk["id"]}))["pk"]
    assert pk["status"] == "running"
    starts = datetime.datetime.fromisoformat(pk["starts_at"].rstrip("Z"))
    ends = datetime.datetime.fromisoformat(pk["ends_at"].rstrip("Z"))
    assert (ends - starts).total_seconds() == 300
    assert pk["ends_at_ms"] // 1000 == int(
        ends.replace(tzinfo=datetime.UTC).timestamp()
    )
    # both rooms (and both hosts, once each) hear it start
    for client in (viewer_a, viewer_b, host, rival, shopper):
        assert [p["status"] for p in received(client)] == ["running"], client
    assert [s["score"] for s in pk["sides"]] == [0, 0]

    # during the PK: 2 teas bought from room A, a cup from room B by ann, 7 hearts in B
    buy(world, a, qty=2)
    (fan,) = in_room(world, b, "fan")
    buy(world, b, qty=1, product="cup", role="fan")
    assert ok(send(viewer_b, "like", {"session_id": b, "count": 7}))
    events.flush()  # the hearts are written
    for c in (viewer_a, viewer_b, fan):
        c.get_received(NS)
    assert pk_events.to_send() == {pk["id"]}  # the orders marked the PK
    assert pk_events.flush() == 1
    assert pk_events.flush() == 0  # coalesced: sent once
    (scores,) = received(viewer_a)
    assert received(viewer_b) == [scores]
    side_a, side_b = scores["sides"]
    assert side_a["gmv_cents"] == 2 * TEA and side_a["hearts"] == 0
    assert side_a["score"] == 2 * TEA
    assert side_a["supporters"] == [
        {
            "user": {
                "id": world["ids"]["shopper"],
                "username": "mei",
                "display_name": "mei",
            },
            "gmv_cents": 2 * TEA,
        }
    ]
    assert side_b["gmv_cents"] == 8900 and side_b["hearts"] == 7
    assert side_b["score"] == 8900 + 7 * pks.PK_HEART_CENTS
    assert side_b["supporters"][0]["user"]["username"] == "ann"
    # the loop's second: scores again, nothing settled
    assert pk_events.tick() == []
    assert [p["sides"] for p in received(viewer_a)] == [scores["sides"]]

    # a late joiner's state carries the running PK
    state = join(connect(world), b)
    assert state["pk"]["id"] == pk["id"] and state["pk"]["status"] == "running"
    assert state["pk"]["sides"] == scores["sides"]

    # lily ends it: the result, frozen, to both rooms once; both hosts told
    for c in (viewer_a, viewer_b, host, rival):
        c.get_received(NS)
    result = ok(send(host, "pk_end", {"pk_id": pk["id"]}))["pk"]
    assert result["status"] == "ended" and result["winner_session_id"] == a
    assert [s["score"] for s in result["sides"]] == [
        2 * TEA,
        8900 + 7 * pks.PK_HEART_CENTS,
    ]
    for client in (viewer_a, viewer_b, host, rival):
        assert received(client) == [result]
    notes = pk_results(pk["id"])
    assert sorted((n.user_id, n.data["result"]) for n in notes) == sorted(
        [(world["ids"]["host"], "won"), (world["ids"]["rival"], "lost")]
    )
    mine = next(n for n in notes if n.user_id == world["ids"]["host"])
    assert mine.data["score"] == 2 * TEA and mine.data["opponent"] == "rose"
    assert mine.data["session_id"] == a and mine.data["opponent_session_id"] == b
    # rose ends it too: she reads the result, nobody hears it again
    again = ok(send(rival, "pk_end", {"pk_id": pk["id"]}))["pk"]
    assert again == result
    assert received(viewer_a) == received(host) == []
    assert len(pk_results(pk["id"])) == 2
    # hearts after the end change nothing; the PK stays in the state for 120 s
    assert ok(send(viewer_b, "like", {"session_id": b, "count": 5}))
    events.flush()
    state = join(connect(world), a)
    assert state["pk"] == result
    assert (
        read_db(lambda: pks.current(a, now=utcnow() + datetime.timedelta(seconds=121)))
        is None
    )
    # the replay and the API show it
    assert read_db(lambda: pks.of_session(b)) == [result]
    resp = world["api"].call("GET", f"/api/v1/live/{a}/pks")
    assert resp.status_code == 200 and resp.get_json() == {"pks": [result]}
    assert before["status"] == "pending_payment"  # placed, just too early


def test_an_order_cancelled_before_settlement_does_not_count(world):
    a = world["a"]
    (shopper,) = in_room(world, a, "shopper")
    pk, host, _ = running_pk(world)
    kept = buy(world, a, qty=1)
    dropped = buy(world, a, qty=3)
    resp = world["api"].call(
        "POST",
        f"/api/v1/orders/{dropped['id']}/status",
        token=world["tokens"]["shopper"],
        json={"status": "cancelled"},
    )
    assert resp.status_code == 200, resp.get_json()
    result = ok(send(host, "pk_end", {"pk_id": pk["id"]}))["pk"]
    assert result["sides"][0]["gmv_cents"] == kept["goods_cents"] == TEA
    assert result["winner_session_id"] == a


def test_a_flash_sale_unit_bought_during_the_pk_counts_for_its_room(world):
    api, tokens, b = world["api"], world["tokens"], world["b"]
    resp = api.call(
        "POST",
        f"/api/v1/live/{b}/flash-sales",
        token=tokens["rival"],
        json={
            "product_id": world["tea"],
            "price_cents": 9900,
            "quantity": 5,
            "per_user_limit": 1,
            "duration_s": 600,
        },
    )
    assert resp.status_code == 201, resp.get_json()
    sale_id = resp.get_json()["flash_sale"]["id"]
    pk, host, _ = running_pk(world)
    resp = api.call(
        "POST",
        f"/api/v1/flash-sales/{sale_id}/grab",
        token=tokens["shopper"],
        json={"qty": 1},
    )
    assert resp.status_code in (200, 201), resp.get_json()
    hold = resp.get_json()["reservation"]
    resp = api.call(
        "POST",
        "/api/v1/orders",
        token=tokens["shopper"],
        json={
            "reservation_ids": [hold["id"]],
            "shipping": SHIP,
            "idempotency_key": "pk-flash-0001",
        },
    )
    assert resp.status_code == 201, resp.get_json()
    assert pk_events.to_send() == {pk["id"]}
    result = ok(send(host, "pk_end", {"pk_id": pk["id"]}))["pk"]
    assert [s["gmv_cents"] for s in result["sides"]] == [0, 9900]
    assert result["winner_session_id"] == b


def test_a_draw_has_no_winner(world):
    pk, host, _ = running_pk(world)
    result = ok(send(host, "pk_end", {"pk_id": pk["id"]}))["pk"]
    assert result["winner_session_id"] is None
    assert {n.data["result"] for n in pk_results(pk["id"])} == {"draw"}


# --- refusing, lapsing, who may -------------------------------------------------------


def test_refuse_tells_both_rooms_and_frees_both_hosts(world):
    (viewer_a,) = in_room(world, world["a"], None)
    (viewer_b,) = in_room(world, world["b"], None)
    host, rival = connect(world, "host"), connect(world, "rival")
    pk = ok(invite(world, host))["pk"]
    refused(send(host, "pk_refuse", {"pk_id": pk["id"]}), "forbidden")
    out = ok(send(rival, "pk_refuse", {"pk_id": pk["id"]}))["pk"]
    assert out["status"] == "refused"
    assert [p["status"] for p in received(viewer_a)] == ["refused"]
    assert [p["status"] for p in received(viewer_b)] == ["refused"]
    refused(send(rival, "pk_accept", {"pk_id": pk["id"]}), "pk_answered")
    refused(send(rival, "pk_refuse", {"pk_id": pk["id"]}), "pk_answered")
    refused(send(host, "pk_end", {"pk_id": pk["id"]}), "pk_not_running")
    assert ok(invite(world, host))["pk"]["status"] == "invited"  # free again


def test_an_invitation_lapses_after_60_seconds(world):
    (viewer_a,) = in_room(world, world["a"], None)
    host, rival = connect(world, "host"), connect(world, "rival")
    pk = ok(invite(world, host))["pk"]
    invited_at = row(pk["id"]).invited_at
    late = invited_at + datetime.timedelta(seconds=pks.INVITE_TTL_S)
    rose = user_of(world, "rival")
    with pytest.raises(pks.PKExpired):
        read_db(lambda: pks.accept(rose, pk["id"], now=late))
    with pytest.raises(pks.PKExpired):
        read_db(lambda: pks.refuse(rose, pk["id"], now=late))
    # shown as lapsed once its time is over, before any sweep
    assert read_db(lambda: pks.pk_dict(row(pk["id"]), now=late))["status"] == "lapsed"
    assert read_db(lambda: pks.busy_hosts([rose.id], now=late)) == set()
    # the sweep marks it, once, and both rooms and hosts hear it
    assert pk_events.sweep(now=late - datetime.timedelta(seconds=1)) == []
    assert [p.id for p in pk_events.sweep(now=late)] == [pk["id"]]
    assert pk_events.sweep(now=late) == []
    assert row(pk["id"]).status == "lapsed"
    assert [p["status"] for p in received(viewer_a)] == ["lapsed"]
    assert [p["status"] for p in received(rival) if p["status"] == "lapsed"] == [
        "lapsed"
    ]
    refused(send(rival, "pk_accept", {"pk_id": pk["id"]}), "pk_expired")
    assert ok(invite(world, host))["pk"]["status"] == "invited"


def test_accepting_just_before_the_lapse_runs(world):
    host = connect(world, "host")
    pk = ok(invite(world, host))["pk"]
    almost = row(pk["id"]).invited_at + datetime.timedelta(seconds=59)
    rose = user_of(world, "rival")
    accepted = read_db(lambda: pks.accept(rose, pk["id"], now=almost))
    assert accepted.status == "running" and accepted.starts_at == almost


def test_one_pk_per_host_at_a_time(world):
    host, rival, third = (connect(world, r) for r in ("host", "rival", "third"))
    pk = ok(invite(world, host))["pk"]  # lily -> rose, invited
    c = world["c"]
    refused(invite(world, host, b=c), "pk_busy")  # lily is busy
    refused(invite(world, third, a=c, b=world["b"]), "pk_busy")  # rose is
    refused(invite(world, third, a=c, b=world["a"]), "pk_busy")  # lily is
    refused(invite(world, rival, a=world["b"], b=c), "pk_busy")
    ok(send(rival, "pk_accept", {"pk_id": pk["id"]}))  # running: still busy
    refused(invite(world, third, a=c, b=world["a"]), "pk_busy")
    refused(invite(world, host, b=c), "pk_busy")
    ok(send(host, "pk_end", {"pk_id": pk["id"]}))  # ended: free
    second = ok(invite(world, third, a=c, b=world["a"]))["pk"]
    assert second["sides"][0]["session_id"] == c


def test_two_invitations_at_once_one_wins(world):
    """Two hosts invite lily at the same moment, from two threads: one is busy."""
    users = [user_of(world, "rival"), user_of(world, "third")]
    pairs = [(users[0], world["b"]), (users[1], world["c"])]
    barrier = threading.Barrier(2)
    outcomes = []

    def run(user, sid):
        with db.connection_context():
            barrier.wait()
            try:
                outcomes.append(pks.invite(user, sid, world["a"], 120).id)
            except pks.PKBusy:
                outcomes.append("pk_busy")

    threads = [threading.Thread(target=run, args=pair) for pair in pairs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(map(str, outcomes))[-1] == "pk_busy"
    assert len([o for o in outcomes if o != "pk_busy"]) == 1
    assert read_db(lambda: LivePK.select().count()) == 1


def test_only_live_sessions_may_battle(world):
    api, tokens = world["api"], world["tokens"]
    scheduled = new_session(api, tokens["rival"], world["products"], start=False)
    host = connect(world, "host")
    refused(invite(world, host, b=scheduled), "not_live")
    resp = api.call("POST", f"/api/v1/live/{world['c']}/end", token=tokens["third"])
    assert resp.status_code == 200
    refused(invite(world, host, b=world["c"]), "not_live")
    # an invitation whose live ends meanwhile lapses, and cannot be accepted
    rival = connect(world, "rival")
    pk = ok(invite(world, host))["pk"]
    resp = api.call("POST", f"/api/v1/live/{world['a']}/end", token=tokens["host"])
    assert resp.status_code == 200
    assert row(pk["id"]).status == "lapsed"
    refused(send(rival, "pk_accept", {"pk_id": pk["id"]}), "pk_expired")


def test_a_live_that_ends_settles_its_pk(world):
    (viewer_b,) = in_room(world, world["b"], None)
    pk, host, rival = running_pk(world)
    viewer_b.get_received(NS)
    resp = world["api"].call(
        "POST", f"/api/v1/live/{world['b']}/end", token=world["tokens"]["rival"]
    )
    assert resp.status_code == 200
    (ended,) = received(viewer_b)
    assert ended["id"] == pk["id"] and ended["status"] == "ended"
    assert len(pk_results(pk["id"])) == 2


def test_who_may_invite_answer_and_end(world):
    mod, shopper, admin = (connect(world, r) for r in ("mod", "shopper", "admin"))
    anon = connect(world)
    host, rival = connect(world, "host"), connect(world, "rival")
    # inviting is for the host alone: not their moderator, nor an admin
    for client in (mod, shopper, admin):
        refused(invite(world, client), "forbidden")
    refused(invite(world, anon), "not_signed_in")
    refused(invite(world, host, b=world["a"]), "pk_same_host")
    for duration in (59, 1801, "300", True, None):
        refused(invite(world, host, duration_s=duration), "invalid")
    for bad in ("x", None, 1.5):
        refused(invite(world, host, b=bad), "invalid")
    refused(invite(world, host, b=999999), "not_found")
    refused(invite(world, host, b=world["a"] + 10**6), "not_found")
    pk = ok(invite(world, host, duration_s=60))["pk"]
    # answering is for the invited host alone
    for client in (host, mod, shopper, admin):
        refused(send(client, "pk_accept", {"pk_id": pk["id"]}), "forbidden")
    refused(send(anon, "pk_accept", {"pk_id": pk["id"]}), "not_signed_in")
    refused(send(rival, "pk_accept", {"pk_id": 10**9}), "not_found")
    refused(send(rival, "pk_accept", {"pk_id": "1"}), "invalid")
    refused(send(rival, "pk_accept", []), "invalid")
    ok(send(rival, "pk_accept", {"pk_id": pk["id"]}))
    # ending is for either side's host, their moderators and admins
    refused(send(shopper, "pk_end", {"pk_id": pk["id"]}), "forbidden")
    assert ok(send(mod, "pk_end", {"pk_id": pk["id"]}))["pk"]["status"] == "ended"
    assert row(pk["id"]).ended_by_id == world["ids"]["mod"]


# --- the server ends it on time, and settles it once ----------------------------------


def test_the_server_ends_a_pk_at_its_time(world):
    a = world["a"]
    (viewer_a,) = in_room(world, a, None)
    (shopper,) = in_room(world, a, "shopper")
    pk, host, rival = running_pk(world, duration_s=60)
    buy(world, a, qty=1)
    ends_at = row(pk["id"]).ends_at
    viewer_a.get_received(NS)
    assert pk_events.sweep(now=ends_at - datetime.timedelta(seconds=1)) == []
    assert row(pk["id"]).status == "running"
    # swept late: the scores stop at ends_at all the same
    moved = pk_events.tick(now=ends_at + datetime.timedelta(seconds=3))
    assert [p.id for p in moved] == [pk["id"]]
    settled = row(pk["id"])
    assert settled.status == "ended" and settled.ended_at == ends_at
    assert settled.ended_by_id is None and settled.score_a == TEA
    (ended,) = received(viewer_a)
    assert ended["status"] == "ended" and ended["winner_session_id"] == a
    assert [p["status"] for p in received(host)] == ["ended"]
    assert pk_events.tick(now=ends_at + datetime.timedelta(seconds=4)) == []
    assert received(viewer_a) == []
    assert len(pk_results(pk["id"])) == 2


def test_a_join_after_the_time_settles_a_pk_no_sweep_ended(world):
    (viewer_b,) = in_room(world, world["b"], None)
    pk, _, _ = running_pk(world)
    viewer_b.get_received(NS)
    past = utcnow() - datetime.timedelta(seconds=1)
    read_db(lambda: LivePK.update(ends_at=past).where(LivePK.id == pk["id"]).execute())
    state = join(connect(world), world["a"])  # checked at use
    assert state["pk"]["status"] == "ended" and state["pk"]["id"] == pk["id"]
    assert row(pk["id"]).ended_at == past
    assert [p["status"] for p in received(viewer_b)] == ["ended"]
    assert len(pk_results(pk["id"])) == 2


def test_settling_twice_settles_once(world):
    pk, _, _ = running_pk(world)
    first = read_db(lambda: pks.settle(pk["id"]))
    second = read_db(lambda: pks.settle(pk["id"]))
    assert first[1] is True and second[1] is False
    assert second[0].ended_at == first[0].ended_at
    assert len(pk_results(pk["id"])) == 2


def test_settling_from_two_threads_at_once_settles_once(world):
    pk, _, _ = running_pk(world)
    barrier = threading.Barrier(2)
    won = []

    def run():
        with db.connection_context():
            barrier.wait()
            won.append(pks.settle(pk["id"])[1])

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(won) == [False, True]
    notes = pk_results(pk["id"])
    assert sorted(n.user_id for n in notes) == sorted(
        [world["ids"]["host"], world["ids"]["rival"]]
    )


def test_both_hosts_end_at_once_one_broadcast(world):
    (viewer_a,) = in_room(world, world["a"], None)
    pk, host, rival = running_pk(world)
    viewer_a.get_received(NS)
    acks = []
    barrier = threading.Barrier(2)

    def run(client):
        barrier.wait()
        acks.append(send(client, "pk_end", {"pk_id": pk["id"]}))

    threads = [threading.Thread(target=run, args=(c,)) for c in (host, rival)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert [a["ok"] for a in acks] == [True, True]
    assert acks[0]["pk"] == acks[1]["pk"]
    assert [p["status"] for p in received(viewer_a)] == ["ended"]
    assert len(pk_results(pk["id"])) == 2


# --- the HTTP list --------------------------------------------------------------------


def test_the_list_of_a_lives_pks(world):
    api = world["api"]
    host, rival = connect(world, "host"), connect(world, "rival")
    first = ok(invite(world, host))["pk"]
    ok(send(rival, "pk_refuse", {"pk_id": first["id"]}))
    pk, _, _ = running_pk(world)
    for token in (None, world["tokens"]["shopper"]):
        resp = api.call("GET", f"/api/v1/live/{world['b']}/pks", token=token)
        assert resp.status_code == 200
        got = resp.get_json()["pks"]
        assert [(p["id"], p["status"]) for p in got] == [
            (first["id"], "refused"),
            (pk["id"], "running"),
        ]
    resp = api.call("GET", f"/api/v1/live/{world['c']}/pks")
    assert resp.get_json() == {"pks": []}
    assert api.call("GET", "/api/v1/live/999999/pks").status_code == 404
    assert read_db(lambda: pks.of_session(world["a"])) == []  # none ended yet
