"""Signals of bargaining.

`record_changed(sender=None, record_id, event, username)`: a record's price or
state changed, after commit: `event` is `helped` (`username` cut it), `succeeded`
(that cut reached the floor), `ordered` or `failed`. The live blueprint sends the
record to its page's room.
"""

from blinker import Signal

record_changed = Signal("bargain-record-changed")
