"""Group chat (社群) over Socket.IO: namespace `/live`, room `group:<id>`.

Members only (the owner is one): membership itself is HTTP (`POST
/api/v1/groups/ID/members`, the group page's Join button, or following the
creator). Every event answers through its ack, `{ok: true, ...}` or `{ok: false,
error: {code, message}}`, as the live room's do (docs/API.md, "Groups").

- `watch_group {group_id}` enters the room: ack `{group, messages (history, oldest
  first), you: {role, muted_until, can_post}, held (the owner's)}`.
- `unwatch_group {group_id}` leaves it.
- `group_send {group_id, body}` -> ack `{message}`; the room hears `group_message
  {message}` (a held one goes to its sender and the owner only: `group_held`).
- Owner: `group_card {group_id, card: {kind, id}, body?}`, `group_delete {group_id,
  message_id}` (room: `group_message_deleted {group_id, message_id}`),
  `group_release {group_id, message_id}`, `group_mute {group_id, user_id,
  minutes}` (the member hears `group_muted {group_id, until}`), `group_remove
  {group_id, user_id}` (the member hears `group_removed {group_id}` and their
  sockets leave the room, in every process).
"""

from flask_socketio import join_room, leave_room

from blueprints.live.events import (
    NS,
    chat_buckets,
    event,
    presence,
    socket_user,
    user_room,
)
from extensions import socketio
from livestall.db.base import isoformat, utcnow
from livestall.errors import Invalid, NotAuthenticated
from livestall.groups import chat, rules
from livestall.live import chat as live_chat
from livestall.live.moderation import SlowMode
from livestall.platform import shared


def group_room(group_id):
    return f"group:{group_id}"


def owner_room(group_id):
    return f"group-owner:{group_id}"


def _group_id(data):
    value = data.get("group_id")
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid("group_id must be a whole number.", field="group_id")
    return value


def _member_user(data):
    user = socket_user()
    if user is None:
        raise NotAuthenticated("Sign in to do this.")
    group = rules.get(_group_id(data))
    return user, group


def you(group, member, now=None):
    now = now or utcnow()
    muted = (
        member.muted_until if member.muted_until and member.muted_until > now else None
    )
    return {
        "role": member.role,
        "muted_until": isoformat(muted),
        "can_post": rules.is_open(group) and muted is None,
    }


@event("watch_group")
def on_watch_group(data):
    user, group = _member_user(data)
    member = rules.require_member(group, user)
    join_room(group_room(group.id))
    out = {
        "group": rules.group_dict(group),
        "messages": [chat.message_dict(m) for m in chat.history(group, user)],
        "you": you(group, member),
    }
    if member.role == "owner":
        join_room(owner_room(group.id))
        out["held"] = [chat.message_dict(m) for m in chat.held(group)]
    return out


@event("unwatch_group", database=False)
def on_unwatch_group(data):
    group_id = _group_id(data)
    leave_room(group_room(group_id))
    leave_room(owner_room(group_id))
    return {}


def broadcast_message(message):
    """A new (or released) message to the group, or a held one to its sender and
    the owner."""
    payload = chat.message_dict(message)
    if message.status == "visible":
        socketio.emit(
            "group_message", payload, to=group_room(message.group_id), namespace=NS
        )
    else:
        for to in (owner_room(message.group_id), user_room(message.user_id)):
            socketio.emit("group_held", payload, to=to, namespace=NS)
    return payload


def broadcast_deleted(message):
    socketio.emit(
        "group_message_deleted",
        {"group_id": message.group_id, "message_id": message.id},
        to=group_room(message.group_id),
        namespace=NS,
    )


def chat_buckets_take(user):
    """Take a chat token for `user` (shared with live chat), or raise rate_limited."""
    wait = chat_buckets().take(user.id)
    if wait:
        error = SlowMode("You are sending messages too fast.", code="rate_limited")
        error.retry_after_s = int(wait) + 1
        raise error


@event("group_send")
def on_group_send(data):
    user, group = _member_user(data)
    rules.require_member(group, user)
    live_chat.clean_chat(data.get("body"))  # a malformed message costs no token
    chat_buckets_take(user)
    message = chat.post(group, user, data.get("body"))
    return {"message": broadcast_message(message)}


@event("group_card")
def on_group_card(data):
    user, group = _member_user(data)
    message = chat.post_card(group, user, data.get("card"), data.get("body") or "")
    return {"message": broadcast_message(message)}


@event("group_delete")
def on_group_delete(data):
    user, group = _member_user(data)
    message = chat.delete_message(user, group, data.get("message_id"))
    broadcast_deleted(message)
    return {}


@event("group_release")
def on_group_release(data):
    user, group = _member_user(data)
    message = chat.release_message(user, group, data.get("message_id"))
    return {"message": broadcast_message(message)}


def tell_muted(group, target, until):
    socketio.emit(
        "group_muted",
        {"group_id": group.id, "until": isoformat(until)},
        to=user_room(target.id),
        namespace=NS,
    )


@event("group_mute")
def on_group_mute(data):
    user, group = _member_user(data)
    target, until = chat.mute(user, group, data.get("user_id"), data.get("minutes"))
    tell_muted(group, target, until)
    return {"until": isoformat(until)}


def removed(group, target):
    """Tell a removed member and take their sockets out of the room, everywhere."""
    socketio.emit(
        "group_removed", {"group_id": group.id}, to=user_room(target.id), namespace=NS
    )
    _remove_local(target.id, group.id)
    shared.publish("group_remove", user_id=target.id, group_id=group.id)


@shared.on_control("group_remove")
def _remove_local(user_id, group_id):
    for sid in presence.sids_of_user(user_id):
        socketio.server.leave_room(sid, group_room(group_id), namespace=NS)


@event("group_remove")
def on_group_remove(data):
    user, group = _member_user(data)
    target = rules.set_member_status(user, group, data.get("user_id"), "removed")
    removed(group, target)
    return {}
