"""Socket.IO test clients on `/live` (Flask-SocketIO's test client): connect with a
bearer token, send with an ack, join a room, read what arrived."""

from extensions import socketio

NS = "/live"


def connect(app, token=None):
    client = socketio.test_client(
        app, namespace=NS, auth={"token": token} if token else None
    )
    assert client.is_connected(NS)
    return client


def send(client, event, data):
    return client.emit(event, data, namespace=NS, callback=True)


def join(client, session_id):
    ack = send(client, "join", {"session_id": session_id})
    assert ack["ok"], ack
    return ack["state"]


def received(client, name=None):
    got = client.get_received(NS)
    return [e["args"][0] for e in got if name is None or e["name"] == name]


def in_room(app, session_id, *tokens):
    """Connected clients (one per token; None: anonymous), joined, inboxes empty."""
    clients = [connect(app, token) for token in tokens]
    for client in clients:
        join(client, session_id)
        client.get_received(NS)
    return clients
