"""Groups and their members: a leader's group, a creator's fan group, joining (by
link or by following), leaving, and who may read and write.

- Every approved leader has a group, named after their pickup point, made the
  first time it is asked for (`leader_group`); it is open while the leader is
  approved (checked at use: disabling a leader closes the group at once).
- A creator opens one fan group (`open_fan_group`); following the creator joins it
  (`join_by_follow`), and anyone may join by its link.
- The owner is a member (role `owner`) and cannot leave. A member who leaves may
  join again; one the owner removed may not (until the owner restores them).
"""

from peewee import IntegrityError

from livestall.accounts.models import User
from livestall.community.models import Leader
from livestall.db.base import Prepared, isoformat, transaction, utcnow
from livestall.errors import Conflict, DomainError, Invalid, NotAllowed, NotFound
from livestall.groups.models import Group, GroupMember
from livestall.live.sessions import user_dict

NAME_MAX = 60
INTRO_MAX = 200
ID_MAX = 2**53


class GroupClosed(DomainError):
    code, status = "group_closed", 409


class NotAMember(NotAllowed):
    code = "not_a_member"


class RemovedFromGroup(NotAllowed):
    code = "removed_from_group"


def get(group_id):
    if isinstance(group_id, bool):
        raise NotFound("No such group.")
    try:
        group_id = int(group_id)
    except (TypeError, ValueError):
        raise NotFound("No such group.") from None
    group = Group.get_or_none(Group.id == group_id) if 0 < group_id < ID_MAX else None
    if group is None:
        raise NotFound("No such group.")
    return group


def _leader(group):
    if group.leader_id is None:
        return None
    return Leader.get_or_none(Leader.id == group.leader_id)


def is_open(group):
    """A leader's group is open while the leader is approved; a fan group while its
    owner's account is active."""
    if group.kind == "leader":
        leader = _leader(group)
        return leader is not None and leader.status == "approved"
    return group.owner.is_active


def visible(group_id, viewer=None):
    """The group, to anyone while it is open; a closed one to its owner and admins
    only (others get 404, as for a group that does not exist)."""
    group = get(group_id)
    if is_open(group):
        return group
    if viewer is not None and (viewer.id == group.owner_id or viewer.has_role("admin")):
        return group
    raise NotFound("No such group.")


def _clean_text(value, field, limit, required):
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise Invalid("Write a name.", field=field)
    value = " ".join(value.replace("\x00", "").split())
    if required and not value:
        raise Invalid("Write a name.", field=field)
    if len(value) > limit:
        raise Invalid("At most %(n)d characters.", field=field, n=limit)
    return value


def _add_owner(group):
    GroupMember.insert(
        group=group.id, user=group.owner_id, role="owner", via="owner"
    ).on_conflict_ignore().execute()


def _create(owner_id, kind, name, intro="", leader_id=None):
    """The owner's group of `kind`, made once (a race makes one: unique index)."""
    found = Group.get_or_none((Group.owner == owner_id) & (Group.kind == kind))
    if found is not None:
        return found, False
    try:
        with transaction():
            group = Group.create(
                owner=owner_id,
                kind=kind,
                name=name,
                intro=intro,
                leader_id=leader_id,
                member_count=1,
            )
            _add_owner(group)
    except IntegrityError:  # made meanwhile by another request
        return Group.get((Group.owner == owner_id) & (Group.kind == kind)), False
    return group, True


def leader_group(leader):
    """The group of an approved leader (made on first use); None for a leader who
    is not approved and never had one."""
    found = Group.get_or_none(
        (Group.owner == leader.user_id) & (Group.kind == "leader")
    )
    if found is not None or leader.status != "approved":
        return found
    return _create(
        leader.user_id, "leader", leader.point_name[:NAME_MAX], "", leader.id
    )[0]


def fan_group_of(creator_id):
    return Group.get_or_none((Group.owner == creator_id) & (Group.kind == "fan"))


def open_fan_group(user, data):
    """A creator opens (or renames) their fan group: (group, created)."""
    if not user.has_role("creator"):
        raise NotAllowed("Only creators open a fan group.")
    if not isinstance(data, dict):
        raise Invalid("Send one JSON object.")
    name = _clean_text(data.get("name"), "name", NAME_MAX, True)
    intro = _clean_text(data.get("intro"), "intro", INTRO_MAX, False)
    group, created = _create(user.id, "fan", name, intro)
    if not created:
        Group.update(name=name, intro=intro).where(Group.id == group.id).execute()
        group = Group.get_by_id(group.id)
    return group, created


def membership(group, user):
    if user is None:
        return None
    return _MEMBERSHIP.first(group.id, user.id)


# read on every page that shows a group's box: compiled once
_MEMBERSHIP = Prepared(
    lambda group_id, user_id: GroupMember.select().where(
        (GroupMember.group == group_id) & (GroupMember.user == user_id)
    )
)


def require_member(group, user):
    """The active membership of `user` (the owner's included), else NotAMember."""
    member = membership(group, user)
    if member is None or member.status != "active":
        raise NotAMember("Join the group to read and write in it.")
    return member


def require_owner(group, user):
    if user is None or user.id != group.owner_id:
        raise NotAllowed("Only the group's owner can do this.")


def _count(group_id, delta):
    Group.update(member_count=Group.member_count + delta).where(
        Group.id == group_id
    ).execute()


def join(user, group, via="link"):
    """Join (or join again after leaving): (member, joined now)."""
    if not is_open(group):
        raise GroupClosed("This group is closed.")
    with transaction():
        member = membership(group, user)
        if member is None:
            try:
                with transaction():
                    GroupMember.create(group=group.id, user=user.id, via=via)
            except IntegrityError:  # joined from another tab meanwhile
                return membership(group, user), False
            _count(group.id, 1)
            return membership(group, user), True
        if member.status == "removed":
            raise RemovedFromGroup("The group's owner removed you from this group.")
        if member.status == "active":
            return member, False
        moved = (
            GroupMember.update(status="active", via=via, joined_at=utcnow())
            .where((GroupMember.id == member.id) & (GroupMember.status == "left"))
            .execute()
        )
        if moved:
            _count(group.id, 1)
        return membership(group, user), bool(moved)


def join_by_follow(follower_id, creator_id):
    """Following a creator joins their fan group, if they have one (never over a
    removal, never into a closed group)."""
    group = fan_group_of(creator_id)
    user = User.get_or_none(User.id == follower_id)
    if group is None or user is None or not is_open(group):
        return None
    try:
        return join(user, group, via="follow")[0]
    except (RemovedFromGroup, GroupClosed):
        return None


def leave(user, group):
    member = require_member(group, user)
    if member.role == "owner":
        raise Invalid("The owner cannot leave their own group.")
    with transaction():
        moved = (
            GroupMember.update(status="left")
            .where((GroupMember.id == member.id) & (GroupMember.status == "active"))
            .execute()
        )
        if moved:
            _count(group.id, -1)


def set_member_status(owner, group, user_id, to_status):
    """The owner removes a member (`removed`) or lets a removed one back (`left`:
    they may join again). Returns the member's user."""
    require_owner(group, owner)
    if isinstance(user_id, bool) or not isinstance(user_id, int):
        raise Invalid("user_id must be a whole number.", field="user_id")
    if user_id == group.owner_id:
        raise Invalid("The owner cannot be removed.")
    member = GroupMember.get_or_none(
        (GroupMember.group == group.id) & (GroupMember.user == user_id)
    )
    if member is None:
        raise NotFound("No such member.")
    source = ("active", "left") if to_status == "removed" else ("removed",)
    with transaction():
        moved = (
            GroupMember.update(status=to_status, muted_until=None)
            .where((GroupMember.id == member.id) & GroupMember.status.in_(source))
            .execute()
        )
        if not moved:
            raise Conflict("Nothing to change: reload to see the member list.")
        if member.status == "active":
            _count(group.id, -1)
    return member.user


def groups_of(user, limit=100):
    """The groups `user` is an active member of, newest joined first."""
    return list(
        Group.select(Group, GroupMember)
        .join(GroupMember)
        .where((GroupMember.user == user.id) & (GroupMember.status == "active"))
        .order_by(GroupMember.joined_at.desc(), Group.id.desc())
        .limit(limit)
    )


def members(group, status="active", limit=200):
    return list(
        GroupMember.select(GroupMember, User)
        .join(User)
        .where((GroupMember.group == group.id) & (GroupMember.status == status))
        .order_by(GroupMember.role.desc(), GroupMember.joined_at)
        .limit(limit)
    )


def group_dict(group):
    return {
        "id": group.id,
        "kind": group.kind,
        "name": group.name,
        "intro": group.intro,
        "owner": user_dict(group.owner),
        "leader_id": group.leader_id,
        "member_count": group.member_count,
        "open": is_open(group),
        "url": f"/groups/{group.id}",
        "created_at": isoformat(group.created_at),
    }


def member_dict(member, now=None):
    now = now or utcnow()
    muted = (
        member.muted_until if member.muted_until and member.muted_until > now else None
    )
    return {
        "user": user_dict(member.user),
        "role": member.role,
        "status": member.status,
        "via": member.via,
        "muted_until": isoformat(muted),
        "joined_at": isoformat(member.joined_at),
    }
