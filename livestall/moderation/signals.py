"""What moderation tells the rest of the system.

- `target_changed(sender=None, kind, target_id)`: a report's target was taken down,
  restored or (a live) ended by a decision: public pages showing it are out of date
  (the page cache drops them).
"""

from blinker import Signal

target_changed = Signal("moderation-target-changed")
