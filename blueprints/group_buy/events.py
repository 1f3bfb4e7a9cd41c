"""Live team pages: Socket.IO namespace `/live`, room `team:<id>`.

`watch_team {team_id}` joins the team's room and acks `{ok: true, team}` (the
API's `team`); whenever a team's seats or state change
(`livestall.group_buy.signals.team_changed`, sent after commit) its room hears
`team {team}`. A team page is public, so anyone, signed in or not, may watch.
"""

from flask_socketio import join_room, leave_room

from blueprints.live.events import NS, event, socket_user
from extensions import db, socketio
from livestall.errors import Invalid
from livestall.group_buy import signals, teams
from livestall.group_buy.models import Team


def team_room(team_id):
    return f"team:{team_id}"


def _team_id(data):
    value = data.get("team_id")
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid("team_id must be a whole number.", field="team_id")
    return value


@event("watch_team")
def on_watch_team(data):
    viewer = socket_user()
    # a missing one, or a suspended shop's to a stranger: not_found
    team = teams.visible_team(_team_id(data), viewer)
    join_room(team_room(team.id))
    return {"team": teams.team_dict(team)}


@event("unwatch_team", database=False)
def on_unwatch_team(data):
    leave_room(team_room(_team_id(data)))
    return {}


def broadcast_team(team_id):
    """Send the team as it is now to its page's room."""
    if db.is_closed():  # a sweep or a control message: no request's connection
        with db.connection_context():
            return broadcast_team(team_id)
    team = Team.get_or_none(Team.id == team_id)
    if team is not None:
        socketio.emit(
            "team", teams.team_dict(team), to=team_room(team.id), namespace=NS
        )


def _team_changed(sender, team_id, event=None, username=None, **_):
    broadcast_team(team_id)


signals.team_changed.connect(_team_changed, weak=False)
