"""Signals of group buying.

`team_changed(sender=None, team_id, event, username)`: a team's seats or state
changed, after commit: `event` is `joined` (`username` took a seat), `left`
(a seat was given up), `formed` (it succeeded) or `failed`. The live blueprint
broadcasts the team to its page's room and to live rooms selling its deal.
"""

from blinker import Signal

team_changed = Signal("team-changed")
