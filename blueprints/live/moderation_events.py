"""What a moderation decision does to open rooms, in every process (the
Socket.IO message queue carries the emits): a removed chat message leaves every
screen, a live an admin ended or took down ends for its viewers (their page
reloads: a taken-down live is a 404 to them). A suspended host's lives end."""

from blueprints.live import events
from extensions import socketio
from livestall.accounts import signals as accounts_signals
from livestall.errors import NotFound
from livestall.live import sessions
from livestall.moderation import targets


def _end(session_id):
    """Tell the room its live is over (or gone)."""
    try:
        session = sessions.get_session(session_id, removed=True)
    except NotFound:  # deleted since: nobody to tell
        return
    events.broadcast_session(session)


def carry_out(outcome):
    for effect in outcome.effects:
        if effect[0] == "chat_removed":
            _, session_id, message_id = effect
            socketio.emit(
                "chat_deleted",
                {"session_id": session_id, "message_id": message_id},
                to=events.room(session_id),
                namespace=events.NS,
            )
        elif effect[0] == "live_ended":
            _end(effect[1])


def _on_suspended(sender, user_id=None, **_):
    for session_id in targets.end_lives_of(user_id):
        _end(session_id)


accounts_signals.user_suspended.connect(_on_suspended, weak=False)
