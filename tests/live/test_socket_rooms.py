"""Each socket's rooms are indexed (blueprints/socket_rooms.py, issue 24): a
disconnect leaves exactly its own rooms, an emptied room goes, and everyone
else's rooms and messages are as they were; `rooms()` answers from the index;
the manager's own class (here the plain one) is kept underneath."""

from blueprints import socket_rooms
from blueprints.live import events
from extensions import socketio
from tests.factories.live import act, created
from tests.factories.sockets import connect, join, received, send
from tests.live import test_live_api

world = test_live_api.world  # lily hosts; mei shops
NS = "/live"


def rooms_of(sid):
    manager = socketio.server.manager
    return {r for r, members in manager.rooms.get(NS, {}).items() if sid in members}


def test_a_disconnect_leaves_its_own_rooms_only(world):
    app = world["app"]
    sid = created(world)["id"]
    act(world, sid, "start")
    manager = socketio.server.manager
    assert isinstance(manager, socket_rooms.RoomIndex)
    assert type(manager).__mro__[2].__name__ in ("Manager", "RedisManager")
    mei = connect(app, world["tokens"]["shopper"])
    other = connect(app)
    join(mei, sid)
    join(other, sid)
    mei_sid = mei.eio_sid and socketio.server.manager.sid_from_eio_sid(mei.eio_sid, NS)
    mine = rooms_of(mei_sid)
    assert events.room(sid) in mine and any(str(r).startswith("user:") for r in mine)
    assert set(manager.get_rooms(mei_sid, NS)) == mine - {None}

    mei.disconnect(namespace=NS)
    assert rooms_of(mei_sid) == set()
    user_rooms = [r for r in mine if str(r).startswith("user:")]
    assert all(r not in manager.rooms.get(NS, {}) for r in user_rooms)  # emptied
    assert mei_sid not in manager.rooms.get(NS, {})  # her own room too
    assert (NS, mei_sid) not in manager._rooms_index()
    # the other viewer is still in the room and still hears it
    received(other)
    host = connect(app, world["tokens"]["creator"])
    join(host, sid)
    assert send(host, "chat", {"session_id": sid, "body": "还在吗"})["ok"]
    assert [m["body"] for m in received(other, "chat")] == ["还在吗"]
    # leaving a room by the event keeps the index in step
    other_sid = manager.sid_from_eio_sid(other.eio_sid, NS)
    assert send(other, "leave", {"session_id": sid})["ok"]
    assert events.room(sid) not in manager.get_rooms(other_sid, NS)
    assert events.room(sid) not in rooms_of(other_sid)


def test_install_indexes_who_is_already_in_a_room(world):
    app = world["app"]
    client = connect(app, world["tokens"]["shopper"])
    manager = socketio.server.manager
    sid = manager.sid_from_eio_sid(client.eio_sid, NS)
    manager._livestall_rooms_of = {}  # as if the index were new
    manager.__class__ = type(manager).__mro__[2]  # and the class the original
    socket_rooms.install(socketio.server)
    assert set(manager.get_rooms(sid, NS)) == rooms_of(sid) - {None}
    client.disconnect(namespace=NS)
    assert rooms_of(sid) == set()
