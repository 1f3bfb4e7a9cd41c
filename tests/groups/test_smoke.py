"""Neighbourhood groups end to end by the API and real Socket.IO clients: a
leader's group (made for the approved leader), a neighbour joins by its link,
chats, the leader posts the campaign card, the neighbour opens it (the leader's
touchpoint) and lands on the point's order page."""

from extensions import socketio
from livestall.attribution.models import Touchpoint
from tests.plugins.app import read_db

NS = "/live"


def connect(app, token):
    client = socketio.test_client(app, namespace=NS, auth={"token": token})
    assert client.is_connected(NS)
    return client


def received(client, name):
    return [e["args"][0] for e in client.get_received(NS) if e["name"] == name]


def test_leader_group_chat_and_campaign_card(app, api, community_world):
    world = community_world()
    leader_id = world["leader"]["id"]
    resp = api.call("GET", f"/api/v1/leaders/{leader_id}/group")
    assert resp.status_code == 200, resp.get_json()
    group = resp.get_json()["group"]
    assert group["kind"] == "leader" and group["member_count"] == 1
    gid = group["id"]

    mei = world["buyer"]
    # not a member yet: the socket refuses her
    neighbour = connect(app, mei)
    ack = neighbour.emit("watch_group", {"group_id": gid}, namespace=NS, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "not_a_member"

    resp = api.call("POST", f"/api/v1/groups/{gid}/members", token=mei)
    assert resp.status_code == 201, resp.get_json()
    ack = neighbour.emit("watch_group", {"group_id": gid}, namespace=NS, callback=True)
    assert ack["ok"], ack
    assert ack["you"]["role"] == "member" and ack["group"]["member_count"] == 2

    owner = connect(app, world["leader_token"])
    ack = owner.emit("watch_group", {"group_id": gid}, namespace=NS, callback=True)
    assert ack["ok"] and ack["you"]["role"] == "owner" and ack["held"] == []

    ack = neighbour.emit(
        "group_send",
        {"group_id": gid, "body": "明天几点能取？"},
        namespace=NS,
        callback=True,
    )
    assert ack["ok"], ack
    assert [m["body"] for m in received(owner, "group_message")] == ["明天几点能取？"]

    ack = owner.emit(
        "group_card",
        {"group_id": gid, "card": {"kind": "campaign", "id": world["campaign"]["id"]}},
        namespace=NS,
        callback=True,
    )
    assert ack["ok"], ack
    card = ack["message"]["card"]
    assert card["kind"] == "campaign" and card["price_cents"] == 6900
    shown = received(neighbour, "group_message")
    assert shown[-1]["card"]["title"] == world["campaign"]["title"]

    # a newcomer's history has both
    resp = api.call("GET", f"/api/v1/groups/{gid}/messages", token=mei)
    assert [m["body"] for m in resp.get_json()["items"]][0] == "明天几点能取？"

    browser = app.test_client()
    resp = browser.get(card["open_url"])
    assert resp.status_code == 302
    assert resp.headers["Location"].endswith(
        f"/points/{leader_id}/order?campaign={world['campaign']['id']}"
    )
    touches = read_db(
        lambda: list(Touchpoint.select().where(Touchpoint.kind == "group_card"))
    )
    assert len(touches) == 1
