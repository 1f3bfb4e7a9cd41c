"""Each socket's rooms, indexed, so a disconnect leaves its own rooms instead of
scanning every room of the namespace.

python-socketio keeps rooms as {namespace: {room: {sid: eio_sid}}} only: a
disconnect copies that whole dict and asks every room whether the socket is in
it (`BaseManager.basic_disconnect`), and `get_rooms` scans it the same way. Every
socket has a room of its own and signed-in ones a `user:<id>` room too, so with
10,000 viewers a disconnect read ~20,000 rooms: 10,000 viewers leaving at a sale's
end kept a process busy for minutes (py-spy: bidict's `__contains__` under
`basic_disconnect`, issue 24).

Here the manager also keeps {(namespace, sid): rooms}, updated where a socket
enters or leaves a room (closing a room leaves it sid by sid), and a disconnect
leaves those rooms and then clears the same bookkeeping the original clears.
The manager's class is swapped for a subclass at start-up (`install`, after
`init_app`, which makes a new manager), so the message-queue managers
(`RedisManager`, ...) keep all of their own behaviour.
"""


class RoomIndex:
    """Mixed in before the manager's own class (see the module's docstring)."""

    def _rooms_index(self):
        index = self.__dict__.get("_livestall_rooms_of")
        if index is None:
            index = self._livestall_rooms_of = {}
        return index

    def basic_enter_room(self, sid, namespace, room, eio_sid=None):
        super().basic_enter_room(sid, namespace, room, eio_sid=eio_sid)
        self._rooms_index().setdefault((namespace, sid), {})[room] = None

    def basic_leave_room(self, sid, namespace, room):
        super().basic_leave_room(sid, namespace, room)
        index = self._rooms_index()
        rooms = index.get((namespace, sid))
        if rooms is not None:
            rooms.pop(room, None)
            if not rooms:
                del index[(namespace, sid)]

    def get_rooms(self, sid, namespace):
        rooms = self._rooms_index().get((namespace, sid), {})
        return [room for room in rooms if room is not None]

    def basic_disconnect(self, sid, namespace, **kwargs):
        if namespace not in self.rooms:
            return
        # in the order it entered them (its `None` and own rooms first), as the
        # original's walk of the namespace's rooms met them
        for room in list(self._rooms_index().get((namespace, sid), ())):
            self.basic_leave_room(sid, namespace, room)
        self.callbacks.pop(sid, None)
        for pending in (self.pending_connect, self.pending_disconnect):
            waiting = pending.get(namespace)
            if waiting is not None and sid in waiting:
                waiting.remove(sid)
                if not waiting:
                    del pending[namespace]


def install(server):
    """Give `server`'s manager the index (once; a no-op for an indexed one)."""
    manager = server.manager
    cls = type(manager)
    if issubclass(cls, RoomIndex):
        return
    manager.__class__ = type(f"Indexed{cls.__name__}", (RoomIndex, cls), {})
    index = manager._rooms_index()
    for namespace, rooms in manager.rooms.items():  # anyone already in a room
        for room, members in rooms.items():
            for sid in members:
                index.setdefault((namespace, sid), {})[room] = None
