"""Livestall: the application factory, and `python app.py` to serve it."""

import argparse
import gc
import os
import sys
from pathlib import Path

if __name__ == "__main__":  # pragma: no cover - the fast server needs patching first
    _mode = os.environ.get("LIVESTALL_ASYNC_MODE", "gevent")
    if "--async-mode" in sys.argv:
        _mode = sys.argv[sys.argv.index("--async-mode") + 1]
    if _mode == "gevent":
        import gevent
        from gevent import monkey

        # Each greenlet would keep the stack it was spawned from (gevent's tree of
        # greenlets, for debugging): 3 greenlets per connected socket, ~30 frames.
        gevent.config.track_greenlet_tree = False
        monkey.patch_all()
    os.environ["LIVESTALL_ASYNC_MODE"] = _mode

from flask import Flask  # noqa: E402

import config  # noqa: E402
from extensions import babel, csrf, db, login_manager, socketio  # noqa: E402


def create_app(test_config=None):
    """Build the app; `test_config` overrides settings (tests pass a temp data dir)."""
    app = Flask(__name__, static_folder="static", template_folder="templates")
    configure(app, test_config)
    register_extensions(app)
    register_receivers(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_hooks(app)
    register_commands(app)
    return app


def configure(app, test_config):
    from livestall.platform import settings

    app.config.update(config.load_config())
    if test_config:
        app.config.update(test_config)
    settings.use(app.config)
    data_dir = Path(app.config["DATA_DIR"])
    if test_config and "DATA_DIR" in test_config and "MEDIA_DIR" not in test_config:
        app.config["MEDIA_DIR"] = str(data_dir / "media")
    data_dir.mkdir(parents=True, exist_ok=True)
    Path(app.config["MEDIA_DIR"]).mkdir(parents=True, exist_ok=True)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = config.secret_key(data_dir)


def register_extensions(app):
    from livestall.db.base import open_database
    from livestall.db.migrations import init_schema
    from livestall.platform import shared
    from livestall.registry import MODELS

    db.initialize(open_database(app.config))
    shared.configure(app.config["MESSAGE_QUEUE"], app.config["MESSAGE_QUEUE_CHANNEL"])
    with db.connection_context():
        init_schema(MODELS)
    configure_search(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    babel.init_app(app, locale_selector=_select_locale)
    # Socket.IO handlers are declared at import; Flask-SocketIO copies declared
    # handlers into each new server, but attaches handlers declared after a server
    # exists to that server only. Import them first, so every app gets them.
    from blueprints.bargain import events as record_events  # noqa: F401
    from blueprints.group_buy import events as team_events  # noqa: F401
    from blueprints.groups import events as group_chat_events  # noqa: F401
    from blueprints.live import (  # noqa: F401
        bargain_events,
        events,
        flash_events,
        group_events,
        interaction_events,
        moderation_events,
        pk_events,
        promo_events,
    )

    # init_app keeps options between calls: a queue of an earlier app is not ours.
    socketio.server_options.pop("client_manager", None)
    socketio.init_app(
        app,
        async_mode=app.config["ASYNC_MODE"],
        message_queue=app.config["MESSAGE_QUEUE"] or None,
        channel=app.config["MESSAGE_QUEUE_CHANNEL"],
        max_http_buffer_size=app.config["SOCKET_MAX_FRAME"],
        manage_session=False,
    )
    from blueprints import socket_pings, socket_rooms
    from blueprints.live import join_state

    socket_pings.install()  # one pinging task, not a sleeping greenlet per socket
    join_state.install()  # a live room's kept join state drops when the room hears
    socket_rooms.install(socketio.server)  # a disconnect leaves only its own rooms
    if app.config["TRUSTED_PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)


def configure_search(app):
    """Point the search index at DATA_DIR/index; build it if it is missing."""
    from livestall.search import jobs as search_jobs
    from livestall.search import store as search_store

    search_store.configure(Path(app.config["DATA_DIR"]) / "index")
    with db.connection_context():
        search_jobs.ensure_index()


def _select_locale():
    from blueprints.common import select_locale

    return select_locale()


def register_receivers(app):
    """Connect the domains' signal receivers (search, live rooms, attribution...)."""
    from livestall.receivers import connect_all

    connect_all()


def register_blueprints(app):
    import blueprints.admin.reports  # noqa: F401 - its routes are on admin_bp
    from blueprints.accounts.views import bp as auth_bp
    from blueprints.admin.views import bp as admin_bp
    from blueprints.api import bp as api_bp
    from blueprints.bargain.views import bp as bargain_bp
    from blueprints.catalog.views import bp as shop_bp
    from blueprints.community.leader_views import bp as leader_bp
    from blueprints.community.views import bp as community_bp
    from blueprints.content.views import bp as feed_bp
    from blueprints.converters import IdConverter
    from blueprints.creator.views import bp as creator_bp
    from blueprints.group_buy.views import bp as group_bp
    from blueprints.groups.views import bp as groups_bp
    from blueprints.live.views import bp as live_bp
    from blueprints.membership.views import bp as membership_bp
    from blueprints.merchant.views import bp as merchant_bp
    from blueprints.moderation.views import bp as moderation_bp
    from blueprints.notifications.views import bp as notifications_bp
    from blueprints.orders.views import bp as orders_bp
    from blueprints.promotions.views import bp as promo_bp
    from blueprints.search.views import bp as search_bp

    app.url_map.converters["int"] = IdConverter  # before any rule is added
    for bp in (
        shop_bp,
        feed_bp,
        auth_bp,
        merchant_bp,
        creator_bp,
        orders_bp,
        notifications_bp,
        admin_bp,
        search_bp,
        group_bp,
        bargain_bp,
        promo_bp,
        community_bp,
        membership_bp,
        moderation_bp,
        groups_bp,
        leader_bp,
        api_bp,
        live_bp,  # after the API: the access walk starts sessions through both
    ):
        app.register_blueprint(bp)


def register_errorhandlers(app):
    from blueprints.errors import register

    register(app)


def register_hooks(app):
    from blueprints import page_cache, translations
    from blueprints.common import register_hooks as register

    register(app)
    page_cache.init_app(app)
    translations.install(app)


def register_commands(app):
    from commands import register

    register(app)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Serve Livestall.")
    parser.add_argument("--host", default=os.environ.get("LIVESTALL_HOST", "127.0.0.1"))
    parser.add_argument(
        "--port", type=int, default=int(os.environ.get("LIVESTALL_PORT", "5000"))
    )
    parser.add_argument("--async-mode", choices=("gevent", "threading"))
    args = parser.parse_args(argv)
    from blueprints.maintenance import start_maintenance

    app = create_app()
    start_maintenance(app)
    # messages from the other processes (search index changes, sign-outs, bans)
    from livestall.platform import shared

    shared.ensure_listener(socketio.start_background_task)
    # What start-up loaded (the app, jieba's dictionary: ~10^5 objects) stays for
    # the process's life: out of the collector's sight, a full collection, which
    # runs on the event loop, takes microseconds instead of ~30 ms.
    gc.freeze()
    # Thousands of sockets keep thousands of events in flight: with the default
    # 700 allocations between young collections, each catches many of them alive
    # and promotes them, and the oldest generation, which holds every socket's
    # objects, is then collected again and again (a 10,000-buyer flash sale spent
    # most of its CPU there). A young collection every 50,000 allocations lets
    # in-flight objects die young (LIVESTALL_GC_THRESHOLD, three numbers).
    gc.set_threshold(*app.config["GC_THRESHOLD"])
    print(
        f"Livestall on http://{args.host}:{args.port} "
        f"({app.config['ASYNC_MODE']}, data in {app.config['DATA_DIR']})",
        flush=True,
    )
    if app.config["ASYNC_MODE"] == "gevent":
        serve_gevent(app, args.host, args.port)
        return
    socketio.run(
        app,
        host=args.host,
        port=args.port,
        debug=False,
        use_reloader=False,
        log_output=app.config["ENV_NAME"] == "development",
        allow_unsafe_werkzeug=True,
    )


def serve_gevent(app, host, port):
    """Serve with gevent's WSGI server on a TCP_NODELAY socket.

    Without TCP_NODELAY a keep-alive response written in two segments waits for the
    client's delayed ACK: measured here, 44 ms per request instead of 3 ms.

    WebSockets are gevent-websocket's (python-engineio picks it when it is
    installed): it reads frames in the request's own greenlet, where simple-websocket
    adds a reader greenlet, a duplicate of the socket's file descriptor and wsproto's
    state per connection (bench/viewers_memory.py: 13 KB less per viewer, and half
    the descriptors: 10,000 viewers no longer exhaust a 20,000 limit).
    """
    import socket

    from gevent import pywsgi
    from geventwebsocket.handler import WebSocketHandler

    listener = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((host, port))
    listener.listen(1024)

    engineio_server = socketio.server.eio

    class Handler(WebSocketHandler):
        def __init__(self, sock, address, server, rfile=None):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            # 2 KB, not 8: the buffer lives as long as the connection (a WebSocket's
            # frames are small; larger reads bypass it)
            rfile = rfile or sock.makefile("rb", 2048)
            super().__init__(sock, address, server, rfile)

        def run_application(self):
            if self.foreign_origin():
                # not upgraded: Engine.IO answers 400 as it would without us
                pywsgi.WSGIHandler.run_application(self)
            else:
                # upgrades a WebSocket request before the app runs
                super().run_application()
            # A WebSocket owned the socket until it closed: do not read what is
            # left of it as a next HTTP request.
            if self.environ.get("HTTP_UPGRADE", "").lower() == "websocket":
                self.close_connection = True

        def foreign_origin(self):
            """A WebSocket request whose Origin Engine.IO refuses (its own check,
            which the upgrade would otherwise come before)."""
            origin = self.environ.get("HTTP_ORIGIN")
            if (
                not origin
                or "HTTP_UPGRADE" not in self.environ
                or engineio_server.cors_allowed_origins == []
            ):
                return False
            allowed = engineio_server._cors_allowed_origins(self.environ)
            return allowed is not None and origin not in allowed

        # gevent-websocket logs every request to its own logger: keep pywsgi's log
        log_request = pywsgi.WSGIHandler.log_request

    log = "default" if app.config["ENV_NAME"] == "development" else None
    server = pywsgi.WSGIServer(listener, app, log=log, handler_class=Handler)
    server.clients = WebSocketClients()
    server.serve_forever()


class WebSocketClients(dict):
    """gevent-websocket's registry of open WebSockets by client address, which
    nothing here reads. A client reconnecting from the address and port of a
    connection whose handler had not ended yet (10,000 sockets reconnecting at
    once) had the older handler's clean-up remove the newer entry, and the newer
    one's raise KeyError: a traceback per reconnect. Removing is forgiving here."""

    def __delitem__(self, key):
        self.pop(key, None)


if __name__ == "__main__":
    main()
