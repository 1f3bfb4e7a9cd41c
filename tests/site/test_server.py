"""`python app.py` as users run it (gevent): pages, Socket.IO over WebSocket and
long-polling, keep-alive, and a clean log."""

import http.client
import time

import socketio


def test_serves_pages_with_keep_alive(live_server):
    conn = http.client.HTTPConnection("127.0.0.1", live_server.port, timeout=10)
    for path in ("/healthz", "/", "/login", "/healthz"):
        conn.request("GET", path)
        resp = conn.getresponse()
        body = resp.read()
        assert resp.status == 200, (path, body[:200])
        assert resp.getheader("Connection", "keep-alive").lower() != "close"
    conn.close()


def test_socketio_connects_over_websocket_and_polling(live_server):
    for transports in (["websocket"], ["websocket"], ["polling"], ["websocket"], None):
        client = socketio.Client(reconnection=False)
        client.connect(live_server.url, transports=transports, wait_timeout=10)
        assert client.connected
        if transports:
            assert client.transport() == transports[0]
        client.disconnect()
    # An upgraded connection ends on websocket.
    client = socketio.Client(reconnection=False)
    client.connect(live_server.url, wait_timeout=10)
    deadline = time.monotonic() + 5
    while client.transport() != "websocket" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert client.transport() == "websocket"
    client.disconnect()
    time.sleep(0.3)
    log = live_server.output()
    # After a WebSocket closes, nothing of it may be parsed as a next HTTP request.
    for sign in (
        "Traceback",
        "Invalid HTTP method",
        "Invalid http version",
        "Expected GET method",
    ):
        assert sign not in log, log
