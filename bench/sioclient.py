"""A thin asyncio Socket.IO client for load: Engine.IO 4 / Socket.IO 5 over a
hand-written WebSocket, no polling, a few microseconds of CPU per frame.

python-socketio's `Client` costs ~0.3 ms CPU per message and saturates before the
server does; this one lets one process drive a thousand sockets. It speaks just
enough of the protocols: the upgrade handshake, masked client frames, pings,
namespace connect with `auth`, events with ack ids and acks.

    client = await connect("127.0.0.1", port, "/live", token=None, on_event=None)
    recv_ns, ack = await client.emit("join", {"session_id": 1})

`on_event(name, data, recv_ns)` gets each event with its receive time
(time.monotonic_ns() when its bytes arrived). `emit` sends at once and returns the
ack's future, so many can be in flight before any is awaited. A subclass can take
over `event_received` (the raw JSON bytes, to skip decoding), `handshake_failed`
and `namespace_disconnected`; connect(..., factory=Subclass) builds it.

Used by bench/flash_sale.py, bench/chat_fanout.py, bench/run.py and
tests/flash/test_flash_load.py, tests/site/test_cluster.py.
"""

import asyncio
import base64
import json
import os
import struct
import time


class SocketClient(asyncio.Protocol):
    def __init__(self, host, port, namespace, token=None, on_event=None):
        self.host, self.port = host, port
        self.ns = namespace.encode()
        self.token = token
        self.on_event = on_event
        self.transport = None
        self.buf = b""
        self.frag = None
        self.upgraded = False
        self.acks = {}
        self.next_ack = 1
        self.closed = False
        self.connected = asyncio.get_running_loop().create_future()

    # --- WebSocket -----------------------------------------------------------------

    def connection_made(self, transport):
        self.transport = transport
        key = base64.b64encode(os.urandom(16)).decode()
        transport.write(
            (
                "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n"
                f"Host: {self.host}:{self.port}\r\n"
                "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
            ).encode()
        )

    def connection_lost(self, exc):
        self.closed = True
        if not self.connected.done():
            self.connected.set_exception(ConnectionError("closed before connect"))
        for fut in self.acks.values():
            if not fut.done():
                fut.set_exception(ConnectionError("closed"))

    def data_received(self, data):
        now = time.monotonic_ns()
        buf = self.buf + data if self.buf else data
        if not self.upgraded:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                self.buf = buf
                return
            if not buf.startswith(b"HTTP/1.1 101"):
                self.handshake_failed(buf)
                self.transport.close()
                return
            self.upgraded = True
            buf = buf[end + 4 :]
        pos, n = 0, len(buf)
        while n - pos >= 2:
            b0, size = buf[pos], buf[pos + 1] & 0x7F
            head = 2
            if size == 126:
                if n - pos < 4:
                    break
                (size,) = struct.unpack_from("!H", buf, pos + 2)
                head = 4
            elif size == 127:
                if n - pos < 10:
                    break
                (size,) = struct.unpack_from("!Q", buf, pos + 2)
                head = 10
            if n - pos < head + size:
                break
            payload = buf[pos + head : pos + head + size]
            pos += head + size
            opcode = b0 & 0x0F
            if opcode == 0:
                self.frag += payload
                if b0 & 0x80:
                    payload, self.frag = self.frag, None
                    self._packet(payload, now)
            elif opcode in (1, 2):
                if b0 & 0x80:
                    self._packet(payload, now)
                else:
                    self.frag = payload
            elif opcode == 9:
                self._frame(payload, opcode=0xA)
            elif opcode == 8:
                self.transport.close()
                return
        self.buf = buf[pos:] if pos < n else b""

    def _frame(self, payload, opcode=1):
        n = len(payload)
        if n < 126:
            head = struct.pack("!BB", 0x80 | opcode, 0x80 | n)
        elif n < 65536:
            head = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, n)
        else:
            head = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, n)
        mask = os.urandom(4)
        if n:
            rep = (mask * (n // 4 + 1))[:n]
            payload = (
                int.from_bytes(payload, "big") ^ int.from_bytes(rep, "big")
            ).to_bytes(n, "big")
        self.transport.write(head + mask + payload)

    # --- Engine.IO / Socket.IO -----------------------------------------------------

    def _packet(self, p, now):
        kind = p[:1]
        if kind == b"4":
            sub = p[1:2]
            rest = p[2:]
            if rest.startswith(self.ns + b","):
                rest = rest[len(self.ns) + 1 :]
            if sub == b"3":  # ack: id then JSON array
                i = 0
                while rest[i : i + 1].isdigit():
                    i += 1
                fut = self.acks.pop(int(rest[:i]), None)
                if fut is not None and not fut.done():
                    fut.set_result((now, json.loads(rest[i:])[0]))
            elif sub == b"2":
                self.event_received(rest, now)
            elif sub == b"0":
                if not self.connected.done():
                    self.connected.set_result(True)
            elif sub == b"4":
                if not self.connected.done():
                    self.connected.set_exception(
                        ConnectionError(rest.decode(errors="replace"))
                    )
            elif sub == b"1":
                # The server dropped us (sign-out, ban). As socket.io-client
                # does, give the connection up: pending acks fail.
                self.namespace_disconnected()
                self.transport.close()
        elif kind == b"2":
            self._frame(b"3")
        elif kind == b"0":
            auth = json.dumps({"token": self.token}) if self.token else ""
            self._frame(b"40" + self.ns + b"," + auth.encode())
        elif kind == b"1":
            self.transport.close()

    # --- hooks for subclasses -----------------------------------------------------

    def event_received(self, raw, now):
        """An event packet: `raw` is its JSON array as bytes, `now` its receive
        time in monotonic ns."""
        if self.on_event is not None:
            name, *args = json.loads(raw)
            self.on_event(name, args[0] if args else None, now)

    def handshake_failed(self, response):
        """The server answered the upgrade with something other than 101;
        `response` is the bytes received so far. The socket is closed next."""

    def namespace_disconnected(self):
        """The server disconnected the namespace ("41"); the connection closes
        next."""

    def emit(self, event, data):
        """Send an event with an ack id; returns a future of (recv_ns, ack)."""
        i = self.next_ack
        self.next_ack += 1
        fut = asyncio.get_running_loop().create_future()
        if self.closed:  # lost already: no ack will ever come
            fut.set_exception(ConnectionError("closed"))
            return fut
        self.acks[i] = fut
        body = json.dumps([event, data], separators=(",", ":"))
        self._frame(b"42" + self.ns + b"," + str(i).encode() + body.encode())
        return fut

    def close(self):
        if self.transport is not None and not self.closed:
            self.transport.close()


async def connect(
    host,
    port,
    namespace="/live",
    token=None,
    on_event=None,
    timeout=60,
    factory=SocketClient,
):
    """Open a socket and connect the namespace; `factory(host, port, namespace,
    token, on_event)` builds the protocol (SocketClient or a subclass)."""
    loop = asyncio.get_running_loop()
    _, client = await loop.create_connection(
        lambda: factory(host, port, namespace, token, on_event), host, port
    )
    await asyncio.wait_for(client.connected, timeout)
    return client
