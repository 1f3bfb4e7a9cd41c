"""Group chat with real Socket.IO clients (namespace /live): members only, history
on entering, messages to everyone in the room, held ones to their sender and the
owner only, mutes and removals reach the member's sockets at once (a removed
member hears nothing more), the chat's rate limit, cards and deletions broadcast,
and every bad payload answered with an error ack, never a crash."""

import pytest

from extensions import socketio
from livestall.accounts.models import User
from tests.factories import groups as grf
from tests.plugins.app import read_db

NS = "/live"


@pytest.fixture
def world(groups_world, api):
    found = groups_world()
    gid = found["group"]["id"]
    grf.join(api, found["buyer"], gid)
    grf.join(api, found["lan"], gid)
    return found


def connect(app, token=None):
    client = socketio.test_client(
        app, namespace=NS, auth={"token": token} if token else None
    )
    assert client.is_connected(NS)
    return client


def emit(client, name, payload):
    return client.emit(name, payload, namespace=NS, callback=True)


def events(client, name):
    return [e["args"][0] for e in client.get_received(NS) if e["name"] == name]


def watching(app, world, key):
    client = connect(app, world[key])
    ack = emit(client, "watch_group", {"group_id": world["group"]["id"]})
    assert ack["ok"], ack
    return client, ack


def test_entering_gives_history_and_messages_reach_the_room(app, api, world):
    gid = world["group"]["id"]
    grf.post(api, world["leader_token"], gid, "明早 9 点到货")
    mei, ack = watching(app, world, "buyer")
    assert [m["body"] for m in ack["messages"]] == ["明早 9 点到货"]
    assert ack["you"] == {"role": "member", "muted_until": None, "can_post": True}
    assert "held" not in ack
    lan, _ = watching(app, world, "lan")
    owner, owner_ack = watching(app, world, "leader_token")
    assert owner_ack["held"] == []
    ack = emit(mei, "group_send", {"group_id": gid, "body": "收到，谢谢团长"})
    assert ack["ok"] and ack["message"]["user"]["username"] == "mei"
    for client in (mei, lan, owner):
        assert [m["body"] for m in events(client, "group_message")] == [
            "收到，谢谢团长"
        ]
    # what the API posts is broadcast too
    grf.post(api, world["lan"], gid, "我也收到")
    assert [m["body"] for m in events(mei, "group_message")] == ["我也收到"]
    # leaving the room: no more messages
    assert emit(mei, "unwatch_group", {"group_id": gid})["ok"]
    emit(lan, "group_send", {"group_id": gid, "body": "还有人吗"})
    assert events(mei, "group_message") == []


def test_members_only_and_bad_payloads(app, api, world):
    gid = world["group"]["id"]
    anonymous = connect(app)
    ack = emit(anonymous, "watch_group", {"group_id": gid})
    assert ack["error"]["code"] == "not_signed_in"
    outsider = connect(app, api.user("stranger"))
    for name, payload in (
        ("watch_group", {"group_id": gid}),
        ("group_send", {"group_id": gid, "body": "hi"}),
    ):
        assert emit(outsider, name, payload)["error"]["code"] == "not_a_member"
    mei, _ = watching(app, world, "buyer")
    for payload in (
        {"group_id": str(gid), "body": "hi"},
        {"group_id": True, "body": "hi"},
        {"body": "hi"},
        {"group_id": gid, "body": ""},
        {"group_id": gid, "body": "长" * 201},
        {"group_id": gid, "body": ["hi"]},
    ):
        ack = emit(mei, "group_send", payload)
        assert ack["ok"] is False and ack["error"]["code"] == "invalid", payload
    assert (
        emit(mei, "watch_group", {"group_id": 987654})["error"]["code"] == "not_found"
    )
    ack = mei.emit("group_send", "not a dict", namespace=NS, callback=True)
    assert ack["error"]["code"] == "invalid"
    assert mei.is_connected(NS)
    # members cannot moderate or post cards
    lan_id = world["ids"]["lan"]
    for name, payload in (
        ("group_mute", {"group_id": gid, "user_id": lan_id, "minutes": 5}),
        ("group_remove", {"group_id": gid, "user_id": lan_id}),
        (
            "group_card",
            {"group_id": gid, "card": {"kind": "product", "id": world["tea"]}},
        ),
    ):
        assert emit(mei, name, payload)["error"]["code"] == "forbidden", name


def test_a_held_message_reaches_its_sender_and_the_owner_only(app, api, world):
    gid = world["group"]["id"]
    api.call(
        "PUT",
        f"/api/v1/groups/{gid}/blocked-words",
        token=world["leader_token"],
        json={"words": ["代购"]},
    )
    mei, _ = watching(app, world, "buyer")
    lan, _ = watching(app, world, "lan")
    owner, _ = watching(app, world, "leader_token")
    ack = emit(mei, "group_send", {"group_id": gid, "body": "有人要代购吗"})
    assert ack["ok"] and ack["message"]["status"] == "held"
    assert [m["body"] for m in events(owner, "group_held")] == ["有人要代购吗"]
    assert [m["body"] for m in events(mei, "group_held")] == ["有人要代购吗"]
    assert events(lan, "group_held") == [] and events(lan, "group_message") == []
    # the owner releases it: now everyone sees it
    ack = emit(
        owner, "group_release", {"group_id": gid, "message_id": ack["message"]["id"]}
    )
    assert ack["ok"], ack
    assert [m["body"] for m in events(lan, "group_message")] == ["有人要代购吗"]
    # and a late entrant's owner state lists what is still held
    emit(mei, "group_send", {"group_id": gid, "body": "代购代购"})
    _, again = watching(app, world, "leader_token")
    assert [m["body"] for m in again["held"]] == ["代购代购"]


def test_mute_and_removal_reach_the_members_sockets(app, world):
    gid = world["group"]["id"]
    mei, _ = watching(app, world, "buyer")
    lan, _ = watching(app, world, "lan")
    owner, _ = watching(app, world, "leader_token")
    mei_id = world["ids"]["mei"]
    ack = emit(owner, "group_mute", {"group_id": gid, "user_id": mei_id, "minutes": 10})
    assert ack["ok"] and ack["until"]
    assert events(mei, "group_muted")[0]["until"] == ack["until"]
    ack = emit(mei, "group_send", {"group_id": gid, "body": "为什么禁言"})
    assert ack["error"]["code"] == "muted"
    assert emit(
        owner, "group_mute", {"group_id": gid, "user_id": mei_id, "minutes": 0}
    )["ok"]
    assert events(mei, "group_muted")[0]["until"] is None
    assert emit(mei, "group_send", {"group_id": gid, "body": "好的"})["ok"]

    assert emit(owner, "group_remove", {"group_id": gid, "user_id": mei_id})["ok"]
    assert events(mei, "group_removed") == [{"group_id": gid}]
    events(mei, "group_message")  # drain
    emit(lan, "group_send", {"group_id": gid, "body": "她走了"})
    assert events(mei, "group_message") == []
    # and cannot come back in by the socket
    assert (
        emit(mei, "watch_group", {"group_id": gid})["error"]["code"] == "not_a_member"
    )


def test_cards_and_deletions_are_broadcast(app, world):
    gid = world["group"]["id"]
    mei, _ = watching(app, world, "buyer")
    owner, _ = watching(app, world, "leader_token")
    ack = emit(
        owner,
        "group_card",
        {
            "group_id": gid,
            "card": {"kind": "campaign", "id": world["campaign"]["id"]},
            "body": "今晚 10 点截单",
        },
    )
    assert ack["ok"], ack
    shown = events(mei, "group_message")
    assert shown[0]["card"]["kind"] == "campaign"
    assert shown[0]["card"]["open_url"] == f"/groups/{gid}/cards/{ack['message']['id']}"
    bad = emit(
        owner, "group_card", {"group_id": gid, "card": {"kind": "product", "id": 0}}
    )
    assert bad["error"]["code"] == "invalid"
    ack = emit(
        owner, "group_delete", {"group_id": gid, "message_id": ack["message"]["id"]}
    )
    assert ack["ok"]
    assert events(mei, "group_message_deleted") == [
        {"group_id": gid, "message_id": shown[0]["id"]}
    ]


def test_the_chat_rate_limit_applies(app, world):
    gid = world["group"]["id"]
    mei, _ = watching(app, world, "buyer")
    burst = app.config["CHAT_BURST"]
    acks = [
        emit(mei, "group_send", {"group_id": gid, "body": f"刷屏{n}"})
        for n in range(burst + 2)
    ]
    assert all(a["ok"] for a in acks[:burst])
    assert acks[-1]["error"]["code"] == "rate_limited"
    assert acks[-1]["error"]["retry_after_s"] >= 1


def test_a_signed_out_socket_is_refused(app, api, world):
    mei, _ = watching(app, world, "buyer")
    # as a password change elsewhere does: the socket's session is no longer valid
    read_db(
        lambda: (
            User.update(session_version=User.session_version + 1)
            .where(User.id == world["ids"]["mei"])
            .execute()
        )
    )
    ack = emit(mei, "group_send", {"group_id": world["group"]["id"], "body": "hi"})
    assert ack["ok"] is False and ack["error"]["code"] == "not_signed_in"
