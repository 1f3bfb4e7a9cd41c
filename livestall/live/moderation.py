"""Moderating a live room: mute, ban, slow mode, deleting and releasing messages, the
host's moderators, and the sanctions a chat message or a grab is checked against.
"""

import datetime

from peewee import fn

from livestall.accounts.models import User
from livestall.db.base import Prepared, on_commit, transaction, utcnow
from livestall.errors import Conflict, DomainError, Invalid, NotAllowed, NotFound
from livestall.live import signals
from livestall.live.models import ChatMessage, LiveSession, Moderator, RoomSanction
from livestall.live.sessions import (
    check_host,
    get_session,
    is_moderator,
    log_action,
    require_moderator,
)

MUTE_MAX_MIN = 24 * 60
SLOW_MODE_MAX_S = 300
MODERATORS_MAX = 20


class Banned(DomainError):
    code, status = "banned", 403


class Muted(DomainError):
    code, status = "muted", 403


class SlowMode(DomainError):
    code, status = "slow_mode", 429


# on every chat message and every grab (the kinds are parameters: see Prepared)
_SANCTIONS = Prepared(
    lambda user_id, host_id, ban, session_id, mute: RoomSanction.select(
        RoomSanction.kind, RoomSanction.until
    ).where(
        (RoomSanction.user == user_id)
        & (
            ((RoomSanction.host == host_id) & (RoomSanction.kind == ban))
            | ((RoomSanction.session == session_id) & (RoomSanction.kind == mute))
        )
    )
)


def sanction_of(session, user_id):
    """(banned, muted_until) for this user in this session's room."""
    rows = _SANCTIONS.rows(user_id, session.host_id, "ban", session.id, "mute")
    banned, muted_until, now = False, None, utcnow()
    for row in rows:
        if row.kind == "ban":
            banned = True
            continue
        until = row.until
        if until and until > now:
            muted_until = max(muted_until or until, until)
    return banned, muted_until


def sanctioned(session, user_ids, now=None):
    """(banned ids, muted ids) among `user_ids` in this session's room: one query
    for a whole batch of grabs (flash.allotment)."""
    now = now or utcnow()
    rows = RoomSanction.select(
        RoomSanction.user, RoomSanction.kind, RoomSanction.until
    ).where(
        RoomSanction.user.in_(sorted(user_ids))
        & (
            ((RoomSanction.host == session.host_id) & (RoomSanction.kind == "ban"))
            | ((RoomSanction.session == session.id) & (RoomSanction.kind == "mute"))
        )
    )
    banned, muted = set(), set()
    for row in rows.tuples():
        user_id, kind, until = row
        if kind == "ban":
            banned.add(user_id)
        elif until and until > now:
            muted.add(user_id)
    return banned, muted


def _message(message_id):
    if isinstance(message_id, bool) or not isinstance(message_id, int):
        raise Invalid("message_id must be a whole number.", field="message_id")
    if not 0 < message_id < 2**53:  # SQLite cannot even compare bigger ones
        raise NotFound("No such message.")
    message = (
        ChatMessage.select(ChatMessage, User)
        .join(User)
        .where(ChatMessage.id == message_id)
        .first()
    )
    if message is None:
        raise NotFound("No such message.")
    return message


def delete_message(user, message_id):
    """Hide a message for everyone; returns (session, message)."""
    message = _message(message_id)
    session = get_session(message.session_id)
    require_moderator(user, session)
    with transaction():
        ChatMessage.update(status="deleted").where(
            ChatMessage.id == message.id
        ).execute()
        log_action(
            session.id,
            user,
            "delete",
            target_user=message.user_id,
            message_id=message.id,
            data={"body": message.body},
        )
    message.status = "deleted"
    return session, message


def release_message(user, message_id):
    """Let a held message out to the room; returns (session, message)."""
    message = _message(message_id)
    session = get_session(message.session_id)
    require_moderator(user, session)
    with transaction():
        moved = (
            ChatMessage.update(status="visible")
            .where((ChatMessage.id == message.id) & (ChatMessage.status == "held"))
            .execute()
        )
        if not moved:
            raise Conflict("This message is not held.")
        log_action(
            session.id,
            user,
            "release",
            target_user=message.user_id,
            message_id=message.id,
        )
    message.status = "visible"
    return session, message


def _target(user_id):
    if isinstance(user_id, bool) or not isinstance(user_id, int):
        raise Invalid("user_id must be a whole number.", field="user_id")
    if not 0 < user_id < 2**53:  # SQLite cannot even compare bigger ones
        raise NotFound("No such user.")
    target = User.get_or_none(User.id == user_id)
    if target is None:
        raise NotFound("No such user.")
    return target


def _whole(value, field, lo, hi):
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise Invalid("Choose %(lo)d to %(hi)d.", field=field, lo=lo, hi=hi)
    return value


def mute(user, session, user_id, minutes):
    """Mute for `minutes` in this session (0 lifts it); returns the end or None."""
    require_moderator(user, session)
    minutes = _whole(minutes, "minutes", 0, MUTE_MAX_MIN)
    target = _target(user_id)
    if is_moderator(target, session):
        raise NotAllowed("Moderators cannot be muted.")
    until = utcnow() + datetime.timedelta(minutes=minutes) if minutes else None
    with transaction():
        RoomSanction.delete().where(
            (RoomSanction.session == session.id)
            & (RoomSanction.user == target.id)
            & (RoomSanction.kind == "mute")
        ).execute()
        if until:
            RoomSanction.create(
                host=session.host_id,
                session=session.id,
                user=target.id,
                kind="mute",
                until=until,
            )
        log_action(
            session.id,
            user,
            "mute" if until else "unmute",
            target_user=target.id,
            data={"minutes": minutes},
        )
    return target, until


def ban(user, session, user_id):
    """Ban from all of the host's rooms (their past messages stay for review)."""
    require_moderator(user, session)
    target = _target(user_id)
    if is_moderator(target, session):
        raise NotAllowed("Moderators cannot be banned.")
    with transaction():
        exists = (
            RoomSanction.select()
            .where(
                (RoomSanction.host == session.host_id)
                & (RoomSanction.user == target.id)
                & (RoomSanction.kind == "ban")
            )
            .exists()
        )
        if not exists:
            RoomSanction.create(
                host=session.host_id, session=session.id, user=target.id, kind="ban"
            )
        log_action(session.id, user, "ban", target_user=target.id)
    return target


def unban(user, session, user_id):
    require_moderator(user, session)
    target = _target(user_id)
    with transaction():
        RoomSanction.delete().where(
            (RoomSanction.host == session.host_id)
            & (RoomSanction.user == target.id)
            & (RoomSanction.kind == "ban")
        ).execute()
        log_action(session.id, user, "unban", target_user=target.id)
    return target


def set_slow_mode(user, session, seconds):
    require_moderator(user, session)
    seconds = _whole(seconds, "seconds", 0, SLOW_MODE_MAX_S)
    with transaction():
        LiveSession.update(slow_mode_s=seconds).where(
            LiveSession.id == session.id
        ).execute()
        log_action(session.id, user, "slow_mode", data={"seconds": seconds})
    return seconds


def moderators_of(host):
    return list(
        User.select()
        .join(Moderator, on=(Moderator.user == User.id))
        .where(Moderator.host == host.id)
        .order_by(User.username)
    )


def set_moderators(host, usernames):
    check_host(host)
    if isinstance(usernames, str):
        usernames = usernames.replace("，", ",").replace("\n", ",").split(",")
    if not isinstance(usernames, list) or not all(
        isinstance(u, str) for u in usernames
    ):
        raise Invalid("Give the usernames as a list.", field="usernames")
    names = list(
        dict.fromkeys(u.strip().lstrip("@").lower() for u in usernames if u.strip())
    )
    if len(names) > MODERATORS_MAX:
        raise Invalid("At most %(n)d moderators.", field="usernames", n=MODERATORS_MAX)
    found = (
        {
            u.username.lower(): u
            for u in User.select().where(fn.LOWER(User.username).in_(names))
        }
        if names
        else {}
    )
    for name in names:
        if name not in found:
            raise Invalid("There is no user %(name)s.", field="usernames", name=name)
        if found[name].id == host.id:
            raise Invalid("You moderate your own rooms already.", field="usernames")
    with transaction():
        before = {
            m.user_id
            for m in Moderator.select(Moderator.user).where(Moderator.host == host.id)
        }
        Moderator.delete().where(Moderator.host == host.id).execute()
        if found:
            Moderator.insert_many(
                [(host.id, u.id) for u in found.values()],
                fields=[Moderator.host, Moderator.user],
            ).execute()
        changed = before ^ {u.id for u in found.values()}
        if changed:  # their sockets join or leave the moderators' rooms
            on_commit(
                signals.moderators_changed.send,
                None,
                host_id=host.id,
                user_ids=sorted(changed),
            )
    return moderators_of(host)
