"""Engine.IO pings come from one task per server (blueprints/socket_pings.py), not a
sleeping task per socket: each socket still gets its PING `ping_interval` after it
was scheduled, closed sockets get none, and the task ends when nothing is pending."""

import threading
import time

import engineio
import engineio.socket
from engineio import packet

from blueprints import socket_pings

INTERVAL = 0.2


def server():
    socket_pings.install()
    return engineio.Server(async_mode="threading", ping_interval=INTERVAL)


def queued(sock):
    out = []
    while not sock.queue.empty():
        out.append(sock.queue.get_nowait())
    return out


def wait_for(predicate, limit=5.0):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return False


def test_each_socket_is_pinged_one_interval_after_scheduling_by_one_task():
    srv = server()
    threads_before = threading.active_count()
    sockets = [engineio.socket.Socket(srv, f"sid{i}") for i in range(50)]
    t0 = time.monotonic()
    for sock in sockets:
        sock.schedule_ping()
    assert threading.active_count() <= threads_before + 1  # one pinger, not 50
    assert all(sock.last_ping is None for sock in sockets)
    assert wait_for(lambda: all(sock.last_ping for sock in sockets))
    assert time.monotonic() - t0 >= INTERVAL
    for sock in sockets:
        (ping,) = queued(sock)
        assert ping.packet_type == packet.PING
    # nothing pending: the task ends, and the next schedule starts one again
    pinger = socket_pings.pinger_of(srv)
    assert wait_for(lambda: not pinger.running)
    sockets[0].schedule_ping()
    assert pinger.running
    assert wait_for(lambda: sockets[0].last_ping)
    assert [p.packet_type for p in queued(sockets[0])] == [packet.PING]


def test_a_closed_or_closing_socket_is_not_pinged():
    srv = server()
    gone, closing, alive = (engineio.socket.Socket(srv, s) for s in "abc")
    for sock in (gone, closing, alive):
        sock.schedule_ping()
    gone.closed = True
    closing.closing = True
    assert wait_for(lambda: alive.last_ping)
    time.sleep(0.05)
    assert queued(gone) == [] and queued(closing) == []
    assert gone.last_ping is None and closing.last_ping is None


def test_a_ping_is_scheduled_once_per_completed_cycle():
    """As engineio's own: a second PONG before the ping went out adds none."""
    srv = server()
    sock = engineio.socket.Socket(srv, "x")
    sock.schedule_ping()
    sock.schedule_ping()  # last_ping is None until the ping is sent
    assert len(socket_pings.pinger_of(srv).due) == 1
    assert wait_for(lambda: sock.last_ping)
    assert len(queued(sock)) == 1
