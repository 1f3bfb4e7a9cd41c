"""What a takedown does everywhere (issue 23): a post leaves the API, its page, the
feeds and search for everyone but its author and admins; a comment leaves the
post page; a chat message leaves open screens (`chat_deleted`), the join state
and the replay; a product leaves its page, the shop, search, the cart and
checkout, and its merchant cannot put it back; a live ends for its viewers
(`session`) and 404s to them. Ending a live or suspending its host ends it too."""

import pytest

from livestall.catalog.models import Product
from livestall.live import replay, sessions
from livestall.live.models import ChatMessage, LiveSession
from livestall.orders.models import CartItem, Order
from tests.factories import orders
from tests.factories.sockets import connect, in_room, received, send
from tests.moderation import world as mw
from tests.plugins.app import csrf_token, read_db, text


@pytest.fixture
def w(app, api):
    return mw.build(app, api)


def take_down(api, w, kind, target_id, reporter="shopper", admin="boss"):
    report = mw.reported(api, w[reporter], kind, target_id, "prohibited")
    return report, mw.resolved(api, w[admin], report["id"], "take_down", "gone")


def search_ids(api, q, kind="products"):
    resp = api.call("GET", f"/api/v1/search?q={q}&type={kind}&per_page=50")
    assert resp.status_code == 200, resp.get_json()
    return [item["id"] for item in resp.get_json()["items"]]


# --- posts ----------------------------------------------------------------------------


def test_a_post_taken_down_is_gone_for_others_but_shown_to_author_and_admins(
    w, api, app
):
    pid = w["post"]
    assert (
        api.call("PUT", "/api/v1/follows/lily", token=w["shopper"]).status_code == 204
    )
    feed = api.call("GET", "/api/v1/feed", token=w["shopper"]).get_json()
    assert [p["id"] for p in feed["items"]] == [pid]
    assert f'href="/posts/{pid}"' in text(mw.browser(app).get("/"))
    assert search_ids(api, "zqxwv", "posts") == [pid]
    pages = {name: mw.browser(app, name) for name in ("mei", "lily", "boss")}
    pages["anonymous"] = mw.browser(app)
    assert all(c.get(f"/posts/{pid}").status_code == 200 for c in pages.values())

    take_down(api, w, "post", pid)
    for token in (None, w["shopper"], w["lan"], w["merchant"]):
        resp = api.call("GET", f"/api/v1/posts/{pid}", token=token)
        assert resp.status_code == 404, resp.get_json()
    for token in (w["creator"], w["boss"], w["judge"]):
        resp = api.call("GET", f"/api/v1/posts/{pid}", token=token)
        assert resp.status_code == 200, resp.get_json()
        assert resp.get_json()["post"]["status"] == "removed"
    assert pages["anonymous"].get(f"/posts/{pid}").status_code == 404
    assert pages["mei"].get(f"/posts/{pid}").status_code == 404
    for name in ("lily", "boss"):
        resp = pages[name].get(f"/posts/{pid}")
        assert resp.status_code == 200, name
        assert "zqxwv" in text(resp)
    # the feeds and search
    feed = api.call("GET", "/api/v1/feed", token=w["shopper"]).get_json()
    assert feed["items"] == [] and feed["total"] == 0
    assert f'href="/posts/{pid}"' not in text(mw.browser(app).get("/"))
    assert f'href="/posts/{pid}"' not in text(pages["mei"].get("/"))
    assert search_ids(api, "zqxwv", "posts") == []
    # and it cannot be liked or commented on by others
    resp = pages["mei"].post(
        f"/posts/{pid}/comments",
        data={"csrf_token": csrf_token(pages["mei"], "/"), "body": "still here?"},
    )
    assert resp.status_code == 404


def test_a_post_restored_on_appeal_comes_back_everywhere(w, api):
    pid = w["post"]
    api.call("PUT", "/api/v1/follows/lily", token=w["shopper"])
    report, decision = take_down(api, w, "post", pid)
    assert search_ids(api, "zqxwv", "posts") == []
    assert mw.appeal(api, w["creator"], decision["id"]).status_code == 200
    mw.resolved(api, w["judge"], report["id"], "dismiss")
    assert api.call("GET", f"/api/v1/posts/{pid}").status_code == 200
    feed = api.call("GET", "/api/v1/feed", token=w["shopper"]).get_json()
    assert [p["id"] for p in feed["items"]] == [pid]
    assert search_ids(api, "zqxwv", "posts") == [pid]


# --- comments -------------------------------------------------------------------------


def test_a_comment_taken_down_shows_to_its_author_only_and_leaves_the_count(
    w, api, app
):
    pid = w["post"]
    mw.comment(w["ids"]["merchant"], pid, "nice tea kept-qq")
    cid = mw.comment(w["ids"]["lan"], pid, "rude words gone-qq")
    assert mw.comment_count(pid) == 2
    take_down(api, w, "comment", cid)
    assert mw.comment_status(cid) == "removed"
    assert mw.comment_count(pid) == 1
    resp = api.call("GET", f"/api/v1/posts/{pid}")
    assert resp.get_json()["post"]["comment_count"] == 1
    for name in (None, "mei", "lily", "teashop"):
        page = text(mw.browser(app, name).get(f"/posts/{pid}"))
        assert "kept-qq" in page, name
        assert "gone-qq" not in page, name
    for name in ("lan", "boss"):
        page = text(mw.browser(app, name).get(f"/posts/{pid}"))
        assert "kept-qq" in page and "gone-qq" in page, name
    # taking it down twice is not possible (nothing left to report), nor is the
    # count moved twice
    assert mw.report(api, w["merchant"], "comment", cid).status_code == 404
    assert mw.comment_count(pid) == 1


# --- chat -----------------------------------------------------------------------------


def test_a_chat_message_taken_down_leaves_screens_join_state_and_replay(w, api, app):
    sid = mw.on_air(api, w)
    mei, anon = in_room(app, sid, w["shopper"], None)
    (lan,) = in_room(app, sid, w["lan"])
    ack = send(lan, "chat", {"session_id": sid, "body": "加微信 gone-chat"})
    assert ack["ok"], ack
    bad = ack["message"]["id"]
    ack = send(lan, "chat", {"session_id": sid, "body": "好喝 kept-chat"})
    good = ack["message"]["id"]
    for client in (mei, anon):
        assert [m["id"] for m in received(client, "chat")] == [bad, good]
    take_down(api, w, "chat", bad)
    assert mw.status_of(ChatMessage, bad) == "removed"
    for client in (mei, anon, lan):
        assert received(client, "chat_deleted") == [
            {"session_id": sid, "message_id": bad}
        ]
    state = send(connect(app, w["merchant"]), "join", {"session_id": sid})["state"]
    assert [m["id"] for m in state["chat"]] == [good]
    # the live ends: its replay shows what stayed
    resp = api.call("POST", f"/api/v1/live/{sid}/end", token=w["creator"])
    assert resp.status_code == 200, resp.get_json()
    played = read_db(
        lambda: [m.id for _, m in replay.replay(sessions.get_session(sid))]
    )
    assert played == [good]
    page = text(mw.browser(app).get(f"/live/{sid}"))
    assert "kept-chat" in page and "gone-chat" not in page
    # a message reported after the end leaves the replay too
    report, _ = take_down(api, w, "chat", good, reporter="merchant")
    played = read_db(
        lambda: [m.id for _, m in replay.replay(sessions.get_session(sid))]
    )
    assert played == []
    assert "kept-chat" not in text(mw.browser(app).get(f"/live/{sid}"))


# --- products -------------------------------------------------------------------------


def test_a_product_taken_down_leaves_the_shop_search_cart_and_checkout(w, api, app):
    gone, other = w["products"][0], w["products"][1]
    assert f"/products/{gone}" in text(mw.browser(app).get("/shop"))
    assert gone in search_ids(api, "龙井")
    take_down(api, w, "product", gone)
    assert mw.status_of(Product, gone) == "removed"
    # its page and API object
    for name in (None, "mei", "lan"):
        assert mw.browser(app, name).get(f"/products/{gone}").status_code == 404, name
    for name in ("teashop", "boss"):
        assert mw.browser(app, name).get(f"/products/{gone}").status_code == 200, name
    assert api.call("GET", f"/api/v1/products/{gone}").status_code == 404
    assert (
        api.call("GET", f"/api/v1/products/{gone}", token=w["shopper"]).status_code
        == 404
    )
    # listings and search
    shop = text(mw.browser(app).get("/shop"))
    assert f"/products/{gone}" not in shop and f"/products/{other}" in shop
    found = search_ids(api, "龙井")
    assert gone not in found and other in found
    # the cart refuses it
    mei = mw.browser(app, "mei")
    resp = mei.post(
        "/cart/add",
        data={"csrf_token": csrf_token(mei, "/"), "product_id": gone, "qty": 1},
    )
    assert resp.status_code == 302
    assert read_db(lambda: CartItem.select().count()) == 0
    # checkout refuses it, while the shop's other tea sells
    resp = orders.place(
        api, w["shopper"], [{"product_id": gone, "qty": 1}], "cod", "key-gone-1"
    )
    assert resp.status_code in (400, 404, 409), resp.get_json()
    assert read_db(lambda: Order.select().count()) == 0
    resp = orders.place(
        api, w["shopper"], [{"product_id": other, "qty": 1}], "cod", "key-other-1"
    )
    assert resp.status_code == 201, resp.get_json()
    # its merchant cannot put it back on sale
    teashop = mw.browser(app, "teashop")
    resp = teashop.post(
        f"/merchant/products/{gone}/restore",
        data={"csrf_token": csrf_token(teashop, "/")},
        follow_redirects=True,
    )
    assert resp.status_code == 200
    assert "An admin took this product down" in text(resp)
    assert mw.status_of(Product, gone) == "removed"
    assert gone not in search_ids(api, "龙井")


def test_a_product_restored_on_appeal_sells_again(w, api):
    gone = w["products"][0]
    report, decision = take_down(api, w, "product", gone)
    assert mw.appeal(api, w["merchant"], decision["id"]).status_code == 200
    mw.resolved(api, w["judge"], report["id"], "dismiss")
    assert mw.status_of(Product, gone) == "active"
    assert gone in search_ids(api, "龙井")
    resp = orders.place(
        api, w["shopper"], [{"product_id": gone, "qty": 1}], "cod", "key-back-1"
    )
    assert resp.status_code == 201, resp.get_json()


# --- lives ----------------------------------------------------------------------------


def test_a_live_taken_down_ends_for_its_viewers_and_404s_to_them(w, api, app):
    sid = mw.on_air(api, w)
    mei, anon = in_room(app, sid, w["shopper"], None)
    take_down(api, w, "live", sid)
    row = read_db(lambda: LiveSession.get_by_id(sid))
    assert row.status == "removed" and row.ended_at is not None
    for client in (mei, anon):
        (event,) = received(client, "session")
        assert event["session"]["id"] == sid
        assert event["session"]["status"] == "removed"
    # to viewers: gone
    for name in (None, "mei", "lan"):
        assert mw.browser(app, name).get(f"/live/{sid}").status_code == 404, name
    for token in (None, w["shopper"]):
        assert api.call("GET", f"/api/v1/live/{sid}", token=token).status_code == 404
    listed = api.call("GET", "/api/v1/live?per_page=50").get_json()["items"]
    assert sid not in [s["id"] for s in listed]
    ack = send(connect(app, w["lan"]), "join", {"session_id": sid})
    assert not ack["ok"] and ack["error"]["code"] == "not_found"
    # its host and admins still see it
    for name in ("lily", "boss"):
        assert mw.browser(app, name).get(f"/live/{sid}").status_code == 200, name
    for token in (w["creator"], w["boss"]):
        resp = api.call("GET", f"/api/v1/live/{sid}", token=token)
        assert resp.status_code == 200, resp.get_json()
        assert resp.get_json()["session"]["status"] == "removed"


def test_end_live_ends_it_for_viewers_without_hiding_it(w, api, app):
    sid = mw.on_air(api, w)
    (mei,) = in_room(app, sid, w["shopper"])
    report = mw.reported(api, w["lan"], "live", sid, "prohibited")
    mw.resolved(api, w["boss"], report["id"], "end_live")
    (event,) = received(mei, "session")
    assert event["session"]["status"] == "ended"
    assert mw.browser(app, "mei").get(f"/live/{sid}").status_code == 200
    resp = api.call("GET", f"/api/v1/live/{sid}")
    assert resp.status_code == 200 and resp.get_json()["session"]["status"] == "ended"


def test_suspending_a_host_ends_their_lives_for_the_viewers(w, api, app):
    sid = mw.on_air(api, w)
    (mei,) = in_room(app, sid, w["shopper"])
    report = mw.reported(api, w["lan"], "post", w["post"], "counterfeit")
    mw.resolved(api, w["boss"], report["id"], "suspend_author")
    assert mw.status_of(LiveSession, sid) == "ended"
    told = [
        (e["session"]["id"], e["session"]["status"]) for e in received(mei, "session")
    ]
    assert told == [(sid, "ended")]  # the viewers' screens learn the live is over
    # a viewer can no longer chat there
    ack = send(mei, "chat", {"session_id": sid, "body": "还在吗"})
    assert not ack["ok"]
