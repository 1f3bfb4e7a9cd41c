"""Signals of the live domain.

- `moderators_changed(sender=None, host_id=int, user_ids=[...])`: a host named or
  removed these moderators (for all the host's rooms). Sent once the change has
  committed: the live room (blueprints/live/events.py) moves those users' sockets,
  in every server process, into or out of the moderators' rooms, where held
  messages go.
"""

from blinker import Signal

moderators_changed = Signal("moderators-changed")
