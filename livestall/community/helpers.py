"""Leaders' helpers: people a leader names to verify pickup codes at their point.

An approved leader names helpers by username (at most MAX_HELPERS, never
themselves; a user may help any number of leaders) and removes them; both moves
are recorded in the audit log as the leader's own. Naming someone twice is no
error (the same helper, `created` false). The count is checked with the
leader's row held (one guarded UPDATE), so two names sent at once cannot pass
the limit together; the unique (leader, user) index keeps one row per pair.

A helper verifies codes at the points of the approved leaders they help (and a
leader at their own): `points_served`. They see neither earnings nor the
helpers list, and a disabled (or no longer approved) leader's helpers verify
nothing there. Commission always goes to the point's leader.
"""

from peewee import IntegrityError

from livestall.accounts.models import User
from livestall.community import leaders
from livestall.community.models import Leader, LeaderHelper
from livestall.db.base import isoformat, transaction, utcnow
from livestall.errors import Invalid, LimitReached, NotAllowed, NotFound
from livestall.platform import audit

MAX_HELPERS = 10


def own_leader(user):
    """The user's approved leader row (403 otherwise): only they manage helpers."""
    leader = leaders.of_user(user)
    if leader is None or leader.status != "approved":
        raise NotAllowed("Only an approved leader names helpers.")
    return leader


def _username(value):
    name = value.strip().removeprefix("@").strip() if isinstance(value, str) else ""
    if not name:
        raise Invalid("Give the helper's username.", field="username")
    if len(name) > 30:
        raise NotFound(
            "Nobody is called @%(username)s.", field="username", username=name[:30]
        )
    return name


def helpers_of(leader):
    """[LeaderHelper with its user], the first named first."""
    return list(
        LeaderHelper.select(LeaderHelper, User)
        .join(User, on=(LeaderHelper.user == User.id))
        .where(LeaderHelper.leader == leader.id)
        .order_by(LeaderHelper.created_at, LeaderHelper.id)
    )


def add(user, username, now=None):
    """Name `username` a helper of `user`'s point: (LeaderHelper, created)."""
    leader = own_leader(user)
    name = _username(username)
    helper = User.get_or_none(User.username == name)
    if helper is None:
        helper = User.get_or_none(User.username == name.lower())
    if helper is None or helper.status != "active":
        raise NotFound(
            "Nobody is called @%(username)s.", field="username", username=name
        )
    if helper.id == user.id:
        raise Invalid("You verify codes already: name someone else.", field="username")
    now = now or utcnow()
    try:
        with transaction():
            # the leader's row held until commit: adds are counted in turn
            Leader.update(status=Leader.status).where(
                (Leader.id == leader.id) & (Leader.status == "approved")
            ).execute()
            found = LeaderHelper.get_or_none(
                (LeaderHelper.leader == leader.id) & (LeaderHelper.user == helper.id)
            )
            if found is not None:
                return found, False
            count = (
                LeaderHelper.select().where(LeaderHelper.leader == leader.id).count()
            )
            if count >= MAX_HELPERS:
                raise LimitReached(
                    "You have %(n)d helpers, the most a point may have: remove one"
                    " first.",
                    field="username",
                    n=MAX_HELPERS,
                )
            created = LeaderHelper.create(
                leader=leader.id, user=helper.id, created_at=now
            )
            audit.record(
                user,
                "leader.helper_add",
                "leader",
                leader.id,
                helper_id=helper.id,
                helper=helper.username,
            )
    except IntegrityError:  # the same name sent twice at once
        found = LeaderHelper.get(
            (LeaderHelper.leader == leader.id) & (LeaderHelper.user == helper.id)
        )
        return found, False
    created.user = helper
    return created, True


def remove(user, helper_user_id):
    """`user` (a leader) stops `helper_user_id` helping: the removed user."""
    leader = leaders.of_user(user)
    if leader is None:
        raise NotAllowed("Only an approved leader names helpers.")
    try:
        helper_user_id = int(helper_user_id)
    except (TypeError, ValueError):
        raise NotFound("This person is not your helper.") from None
    found = (
        LeaderHelper.get_or_none(
            (LeaderHelper.leader == leader.id) & (LeaderHelper.user == helper_user_id)
        )
        if 0 < helper_user_id < 2**53
        else None
    )
    if found is None:
        raise NotFound("This person is not your helper.")
    with transaction():
        gone = LeaderHelper.delete().where(LeaderHelper.id == found.id).execute()
        if not gone:  # removed meanwhile
            raise NotFound("This person is not your helper.")
        helper = User.get_by_id(helper_user_id)
        audit.record(
            user,
            "leader.helper_remove",
            "leader",
            leader.id,
            helper_id=helper.id,
            helper=helper.username,
        )
    return helper


def points_served(user):
    """The approved leaders at whose points `user` verifies codes: their own,
    then those they help (one query each)."""
    if user is None:
        return []
    served = list(
        Leader.select().where((Leader.user == user.id) & (Leader.status == "approved"))
    )
    served += list(
        Leader.select()
        .join(LeaderHelper, on=(LeaderHelper.leader == Leader.id))
        .where(
            (LeaderHelper.user == user.id)
            & (Leader.status == "approved")
            & (Leader.user != user.id)
        )
        .order_by(Leader.point_name, Leader.id)
    )
    return served


def helped_by(user):
    """Leaders `user` helps (any state), with their users: for the leader home."""
    if user is None:
        return []
    return list(
        Leader.select(Leader, User)
        .join(LeaderHelper, on=(LeaderHelper.leader == Leader.id))
        .switch(Leader)
        .join(User, on=(Leader.user == User.id))
        .where(LeaderHelper.user == user.id)
        .order_by(Leader.point_name, Leader.id)
    )


def helper_dict(row):
    return {
        "user_id": row.user_id,
        "username": row.user.username,
        "display_name": row.user.name,
        "created_at": isoformat(row.created_at),
    }
