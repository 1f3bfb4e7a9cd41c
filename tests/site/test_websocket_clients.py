"""`python app.py`'s gevent server keeps gevent-websocket's registry of open
WebSockets in `app.WebSocketClients`: a client that reconnects from the address
and port of a connection whose handler has not ended yet is no KeyError (a
traceback per reconnect when 10,000 sockets came back at once, bench/flash_sale.py)."""

import app as app_module


def test_a_reconnect_from_the_same_address_and_port_is_no_error():
    clients = app_module.WebSocketClients()
    address = ("127.0.0.1", 60822)
    clients[address] = "the first connection"
    clients[address] = "the reconnect"  # before the first handler has ended
    del clients[address]  # the first handler's clean-up
    del clients[address]  # the reconnect's: nothing left, and no KeyError
    assert clients == {}
    clients[address] = "again"
    assert clients[address] == "again"


def test_the_gevent_server_uses_it(monkeypatch, app):
    from gevent import pywsgi

    served = {}

    class Server:
        def __init__(self, listener, application, log=None, handler_class=None):
            self.listener = listener

        def serve_forever(self):
            served["clients"] = self.clients
            self.listener.close()

    monkeypatch.setattr(pywsgi, "WSGIServer", Server)
    app_module.serve_gevent(app, "127.0.0.1", 0)
    assert isinstance(served["clients"], app_module.WebSocketClients)
