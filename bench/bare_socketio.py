"""Baseline for bench/chat_fanout.py: a bare python-socketio chat room, no database.

The same stack `python app.py` serves Socket.IO with (python-socketio, gevent async
mode, gevent pywsgi on a TCP_NODELAY socket, gevent-websocket), namespace `/live`,
with only what a chat room cannot do without: `join` puts the sid in a room, `chat`
builds a message shaped like Livestall's (`{id, session_id, body, user, created_at,
status}`, so the broadcast frames are about the same size), broadcasts it to the room
and acks `{ok: true, message}`. No Flask, no database, no auth checks, no rate limit:
the ratio against it is what Livestall costs per message on top of the transport.

    .venv/bin/python bench/bare_socketio.py [--host 127.0.0.1] [--port 5097]
"""

if __name__ == "__main__":  # pragma: no cover - patch before anything imports socket
    from gevent import monkey

    monkey.patch_all()

import argparse
import itertools
import socket
from datetime import UTC, datetime

import socketio

NS = "/live"

sio = socketio.Server(async_mode="gevent", max_http_buffer_size=64 * 1024)
_ids = itertools.count(1)
_users = {}  # sid -> user dict (from auth token, or None for anonymous viewers)


@sio.on("connect", namespace=NS)
def on_connect(sid, environ, auth=None):
    token = (auth or {}).get("token") if isinstance(auth, dict) else None
    _users[sid] = (
        {"id": abs(hash(token)) % 100000, "username": "u", "display_name": "u"}
        if token
        else None
    )


@sio.on("disconnect", namespace=NS)
def on_disconnect(sid, reason=None):
    _users.pop(sid, None)


@sio.on("join", namespace=NS)
def on_join(sid, data):
    session_id = int(data["session_id"])
    sio.enter_room(sid, f"live:{session_id}", namespace=NS)
    return {"ok": True, "state": {"session": {"id": session_id}, "chat": []}}


@sio.on("leave", namespace=NS)
def on_leave(sid, data):
    sio.leave_room(sid, f"live:{int(data['session_id'])}", namespace=NS)
    return {"ok": True}


@sio.on("chat", namespace=NS)
def on_chat(sid, data):
    user = _users.get(sid)
    if user is None:
        return {"ok": False, "error": {"code": "not_signed_in", "message": "Sign in."}}
    session_id = int(data["session_id"])
    message = {
        "id": next(_ids),
        "session_id": session_id,
        "body": str(data["body"])[:200],
        "user": user,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "status": "visible",
    }
    sio.emit("chat", message, room=f"live:{session_id}", namespace=NS)
    return {"ok": True, "message": message}


def healthz(environ, start_response):
    start_response("200 OK", [("Content-Type", "application/json")])
    return [b'{"ok": true}']


def main():
    from gevent import pywsgi
    from geventwebsocket.handler import WebSocketHandler

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5097)
    args = parser.parse_args()
    listener = socket.socket(socket.AF_INET)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((args.host, args.port))
    listener.listen(1024)

    class Handler(WebSocketHandler):  # as app.serve_gevent
        def __init__(self, sock, *a, **kw):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            super().__init__(sock, *a, **kw)

        def run_application(self):
            super().run_application()
            if self.environ.get("HTTP_UPGRADE", "").lower() == "websocket":
                self.close_connection = True

        log_request = pywsgi.WSGIHandler.log_request

    app = socketio.WSGIApp(sio, healthz)
    print(f"bare socketio on http://{args.host}:{args.port} (gevent)", flush=True)
    pywsgi.WSGIServer(listener, app, log=None, handler_class=Handler).serve_forever()


if __name__ == "__main__":
    main()
