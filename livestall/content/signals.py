"""Signals of content. Receivers run in the sender's thread, in its transaction.

- `post_changed(sender=None, post_ids=[...])`: a post was written, edited, published
  or deleted: search re-reads it.
"""

from blinker import Signal

post_changed = Signal("post-changed")
followed = Signal("followed")
