"""Live bargain pages: Socket.IO namespace `/live`, room `bargain:<id>`.

`watch_bargain {record_id}` joins the record's room and acks `{ok: true, record}`
(the API's `record`); whenever a record's price or state changes
(`livestall.bargain.signals.record_changed`, sent after commit) its room hears
`bargain {record, event, username}` (`event`: helped, succeeded, ordered,
failed). A record page is public (it is the share target), so anyone may watch.
"""

from flask_socketio import join_room, leave_room

from blueprints.live.events import NS, event, socket_user
from extensions import db, socketio
from livestall.bargain import records, signals
from livestall.bargain.models import BargainRecord
from livestall.errors import Invalid


def record_room(record_id):
    return f"bargain:{record_id}"


def _record_id(data):
    value = data.get("record_id")
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid("record_id must be a whole number.", field="record_id")
    return value


@event("watch_bargain")
def on_watch_bargain(data):
    record = records.visible(_record_id(data), socket_user())
    join_room(record_room(record.id))
    return {"record": records.record_dict(record)}


@event("unwatch_bargain", database=False)
def on_unwatch_bargain(data):
    leave_room(record_room(_record_id(data)))
    return {}


def broadcast_record(record_id, event_name=None, username=None):
    """Send the record as it is now to its page's room."""
    if db.is_closed():  # a sweep or a control message: no request's connection
        with db.connection_context():
            return broadcast_record(record_id, event_name, username)
    record = BargainRecord.get_or_none(BargainRecord.id == record_id)
    if record is not None:
        socketio.emit(
            "bargain",
            {
                "record": records.record_dict(record),
                "event": event_name,
                "username": username,
            },
            to=record_room(record.id),
            namespace=NS,
        )


def _record_changed(sender, record_id, event=None, username=None, **_):
    broadcast_record(record_id, event, username)


signals.record_changed.connect(_record_changed, weak=False)
