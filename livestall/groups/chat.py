"""A group's messages and their moderation, as in a live room's chat.

- Members post plain text (`live.chat.clean_chat`: 1-200 characters); a message
  with one of the owner's blocked words (the owner's one list, shared with their
  live room) is `held`: its sender sees it, the group does not, the owner may
  release or delete it.
- The owner mutes a member for a while (0 lifts it), removes a member (the
  membership row stays `removed`: no joining again by link or by following until
  restored), deletes a message, and posts cards (`cards`).
- History: the newest visible messages (and the reader's own held ones), oldest
  first; `before_id` pages back.
"""

import datetime

from livestall.accounts.models import User
from livestall.db.base import isoformat, transaction, utcnow
from livestall.errors import Conflict, Invalid, NotAllowed, NotFound
from livestall.groups import cards, rules
from livestall.groups.models import GroupMember, GroupMessage
from livestall.live import chat as live_chat
from livestall.live.moderation import Muted
from livestall.live.sessions import user_dict
from livestall.notifications import rules as notifications

HISTORY = 50
HISTORY_MAX = 100
MUTE_MAX_MIN = 30 * 24 * 60  # a month, as WeChat groups allow


def _check_open(group):
    if not rules.is_open(group):
        raise rules.GroupClosed("This group is closed.")


def _insert(group, user, now, **fields):
    message = GroupMessage.create(
        group=group.id, user=user.id, created_at=now, **fields
    )
    message.user = user
    return message


def post(group, user, body, now=None):
    """A member's message; raises NotAMember, Muted, GroupClosed or Invalid."""
    _check_open(group)
    member = rules.require_member(group, user)
    body = live_chat.clean_chat(body)
    now = now or utcnow()
    owner = member.role == "owner"
    if not owner and member.muted_until and member.muted_until > now:
        raise Muted(
            "You are muted until %(until)s.", until=isoformat(member.muted_until)
        )
    held = not owner and live_chat.catches(
        body, live_chat.blocked_words(group.owner_id)
    )
    return _insert(group, user, now, body=body, status="held" if held else "visible")


def post_card(group, user, card, body="", now=None):
    """The owner posts a card (with an optional line of text)."""
    rules.require_owner(group, user)
    _check_open(group)
    body = live_chat.clean_chat(body) if body else ""
    kind, target_id, shown = cards.snapshot(group, card)
    with transaction():
        message = _insert(
            group,
            user,
            now or utcnow(),
            body=body,
            card_kind=kind,
            card_id=target_id,
            card=shown,
        )
        _tell_members(group, message)
    return message


def _tell_members(group, message):
    """A card is news: every member but the owner finds it in their notifications
    (one INSERT for all of them), as an @all in a WeChat group."""
    members = (
        GroupMember.select(GroupMember.user)
        .where((GroupMember.group == group.id) & (GroupMember.status == "active"))
        .tuples()
    )
    notifications.notify_people(
        "group_card",
        {user_id: None for (user_id,) in members},
        {
            "group_id": group.id,
            "group_name": group.name,
            "message_id": message.id,
            "card_kind": message.card_kind,
            "title": (message.card or {}).get("title", ""),
        },
        actor_id=group.owner_id,
    )


def history(group, viewer, before_id=None, limit=HISTORY):
    """Visible messages (and `viewer`'s own held ones), oldest first."""
    if (
        isinstance(limit, bool)
        or not isinstance(limit, int)
        or not 1 <= limit <= HISTORY_MAX
    ):
        raise Invalid("limit must be 1 to %(n)d.", field="limit", n=HISTORY_MAX)
    shown = GroupMessage.status == "visible"
    if viewer is not None:
        shown |= (GroupMessage.status == "held") & (GroupMessage.user == viewer.id)
    query = (
        GroupMessage.select(GroupMessage, User)
        .join(User)
        .where((GroupMessage.group == group.id) & shown)
    )
    if before_id is not None:
        query = query.where(GroupMessage.id < before_id)
    return list(query.order_by(GroupMessage.id.desc()).limit(limit))[::-1]


def held(group, limit=50):
    return list(
        GroupMessage.select(GroupMessage, User)
        .join(User)
        .where((GroupMessage.group == group.id) & (GroupMessage.status == "held"))
        .order_by(GroupMessage.id.desc())
        .limit(limit)
    )[::-1]


def get_message(group, message_id):
    if isinstance(message_id, bool) or not isinstance(message_id, int):
        raise Invalid("message_id must be a whole number.", field="message_id")
    message = (
        GroupMessage.select(GroupMessage, User)
        .join(User)
        .where((GroupMessage.id == message_id) & (GroupMessage.group == group.id))
        .first()
        if 0 < message_id < rules.ID_MAX
        else None
    )
    if message is None:
        raise NotFound("No such message.")
    return message


def delete_message(owner, group, message_id):
    """The owner hides a message (a member may delete their own)."""
    message = get_message(group, message_id)
    if owner.id not in (group.owner_id, message.user_id):
        raise NotAllowed("Only the group's owner can do this.")
    GroupMessage.update(status="deleted").where(GroupMessage.id == message.id).execute()
    message.status = "deleted"
    return message


def release_message(owner, group, message_id):
    rules.require_owner(group, owner)
    message = get_message(group, message_id)
    moved = (
        GroupMessage.update(status="visible")
        .where((GroupMessage.id == message.id) & (GroupMessage.status == "held"))
        .execute()
    )
    if not moved:
        raise Conflict("This message is not held.")
    message.status = "visible"
    return message


def mute(owner, group, user_id, minutes, now=None):
    """Mute a member for `minutes` (0 lifts it): (user, until or None)."""
    rules.require_owner(group, owner)
    for key, value, hi in (
        ("user_id", user_id, rules.ID_MAX),
        ("minutes", minutes, MUTE_MAX_MIN),
    ):
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not 0 <= value <= hi
        ):
            raise Invalid(
                "%(key)s must be a whole number from %(lo)d to %(hi)d.",
                field=key,
                key=key,
                lo=0,
                hi=hi,
            )
    if user_id == group.owner_id:
        raise Invalid("The owner cannot be muted.")
    until = (now or utcnow()) + datetime.timedelta(minutes=minutes) if minutes else None
    with transaction():
        member = GroupMember.get_or_none(
            (GroupMember.group == group.id)
            & (GroupMember.user == user_id)
            & (GroupMember.status == "active")
        )
        if member is None:
            raise NotFound("No such member.")
        GroupMember.update(muted_until=until).where(
            GroupMember.id == member.id
        ).execute()
    return member.user, until


def message_dict(message, group_id=None):
    card = None
    if message.card_kind:
        card = dict(message.card or {})
        card["open_url"] = f"/groups/{message.group_id}/cards/{message.id}"
    return {
        "id": message.id,
        "group_id": message.group_id if group_id is None else group_id,
        "user": user_dict(message.user),
        "body": message.body,
        "card": card,
        "status": message.status,
        "created_at": isoformat(message.created_at),
    }
