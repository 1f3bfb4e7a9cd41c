"""Engine.IO pings from one task per server instead of one sleeping task per socket.

python-engineio schedules each socket's next ping by starting a background task that
sleeps `ping_interval` (25 s) and sends it: under gevent a greenlet per connected
socket, always there, with its saved C stack and its own Python frame stack (about
12 KB of a viewer's memory, measured by bench/viewers_memory.py). Here every socket's
next ping goes into one deque per Engine.IO server, in due order (they are all
`ping_interval` from their scheduling), and one task sends the pings that are due;
it ends when no ping is pending and starts again with the next one.

What a socket sees is unchanged: a PING `ping_interval` after the handshake or after
its last PONG, `last_ping` set when it goes out (the server's ping-timeout check reads
it), none to a socket that is closing or closed.
"""

import collections
import threading
import time

import engineio.socket
from engineio import packet

_IDLE_S = 1.0  # the longest the task sleeps: a ping is sent at most this late


class Pinger:
    """The pending pings of one Engine.IO server and the task that sends them."""

    def __init__(self, server):
        self.server = server
        self.due = collections.deque()  # (monotonic due time, socket), in due order
        self.lock = threading.Lock()
        self.running = False

    def schedule(self, sock):
        with self.lock:
            self.due.append((time.monotonic() + self.server.ping_interval, sock))
            if self.running:
                return
            self.running = True
        self.server.start_background_task(self.run)

    def take_due(self):
        """Sockets whose ping is due; None (and the task stops) when none pends."""
        now = time.monotonic()
        with self.lock:
            out = []
            while self.due and self.due[0][0] <= now:
                out.append(self.due.popleft()[1])
            if not out and not self.due:
                self.running = False
                return None
            return out

    def wait_s(self):
        with self.lock:
            if not self.due:
                return 0
            return min(_IDLE_S, max(0.0, self.due[0][0] - time.monotonic()))

    def run(self):
        while True:
            sockets = self.take_due()
            if sockets is None:
                return
            for sock in sockets:
                try:
                    send_ping(sock)
                except Exception:  # one socket's failure is not the others'
                    self.server.logger.exception("ping failed")
            self.server.sleep(self.wait_s())


def send_ping(sock):
    """What engineio's Socket._send_ping does after its sleep."""
    if not sock.closing and not sock.closed:
        sock.last_ping = time.time()
        sock.send(packet.Packet(packet.PING))


def schedule_ping(self):
    """engineio.socket.Socket.schedule_ping, the sleep handed to the server's
    pinger: only if the previous ping's wait cycle completed."""
    if self.last_ping:
        self.last_ping = None
        pinger_of(self.server).schedule(self)


_create_lock = threading.Lock()


def pinger_of(server):
    pinger = getattr(server, "_livestall_pinger", None)
    if pinger is None:
        with _create_lock:
            pinger = getattr(server, "_livestall_pinger", None)
            if pinger is None:
                pinger = server._livestall_pinger = Pinger(server)
    return pinger


def install():
    """Send every Engine.IO server's pings from its one pinger (idempotent)."""
    engineio.socket.Socket.schedule_ping = schedule_ping
