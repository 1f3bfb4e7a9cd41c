"""Signals of accounts. Receivers run in the sender's thread, in its transaction.

- `user_changed(sender=None, user_ids=[...])`: what the public sees of a user
  changed (a creator registered, a new display name or bio, roles set): search
  re-reads the creator, their products and their posts.
- `sessions_ended(user_id)`: the user's sessions and tokens stopped working
  (logout, password change, suspension): the live room disconnects their sockets.
- `user_suspended(sender=None, user_id=...)`: an admin suspended the user: the
  lives they host end.
"""

from blinker import Signal

user_changed = Signal("user-changed")
sessions_ended = Signal("sessions-ended")
user_suspended = Signal("user-suspended")
