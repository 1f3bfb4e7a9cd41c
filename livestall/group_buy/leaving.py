"""Leaving a team: a member gives up their seat (or its order is cancelled or
refunded some other way), and what an unformed team's orders may not do yet.

A seat is given back when its order is cancelled or refunded while the team is
open (`free_seat`, on `orders.signals.order_closing`, before the order's own
UPDATE: team row first, the lock order of a joiner). After the team closed, a
cancelled order leaves the team as it was: it formed, or it failed.
"""

from livestall.content import social
from livestall.db.base import transaction, utcnow
from livestall.errors import Conflict, NotAllowed, NotFound
from livestall.group_buy.models import Team, TeamMember
from livestall.group_buy.teams import TeamClosed, get
from livestall.orders import lifecycle
from livestall.orders.models import Order


class TeamNotFormed(Conflict):
    code = "team_not_formed"


def leave(buyer, team_id, now=None):
    """The buyer gives up their seat in an open team: its order is cancelled
    (refunded if paid) and the seat frees. Returns the order."""
    team = get(team_id, now=now)
    member = TeamMember.get_or_none(
        (TeamMember.team == team.id)
        & (TeamMember.user == buyer.id)
        & (TeamMember.status == "active")
    )
    if member is None:
        raise NotFound("You are not in this team.")
    closed = TeamClosed("This team has closed: your seat can no longer be given up.")
    if team.status != "open":
        raise closed
    with transaction():
        # hold the team's row (the lock order of a joiner) while it is open: a
        # last seat taken meanwhile formed it, and then this seat stays
        still_open = (
            Team.update(seats_taken=Team.seats_taken)
            .where(
                (Team.id == team.id)
                & (Team.status == "open")
                & (Team.expires_at > (now or utcnow()))
            )
            .execute()
        )
        if not still_open:
            raise closed
        order = Order.get_by_id(member.order_id)
        to = "refunded" if order.status == "paid" else "cancelled"
        if order.status not in ("pending_payment", "paid"):
            raise NotAllowed("This order can no longer be cancelled.")
        return lifecycle.close(order, to, buyer.id, note="Left the team")


def free_seat(order, now=None):
    """`order` is about to be cancelled or refunded: give its seat back while the
    team is open (team row first); after the team closed, only mark the member.

    A leader who leaves hands the team (and its share link) to the member who
    joined first after them; a team left empty fails at once (nobody is in it to
    share it, and a stranger joining by its link would lead without knowing it).
    Returns (team id, event) for the team's watchers (`left`, `failed`), or None."""
    member = TeamMember.get_or_none(
        (TeamMember.order == order.id) & (TeamMember.status == "active")
    )
    if member is None:
        return None
    now = now or utcnow()
    freed = (
        Team.update(seats_taken=Team.seats_taken - 1)
        .where((Team.id == member.team_id) & (Team.status == "open"))
        .execute()
    )
    TeamMember.update(
        status="left" if freed else "cancelled",
        open_deal=None,
        left_at=now,
        is_leader=member.is_leader and not freed,
    ).where((TeamMember.id == member.id) & (TeamMember.status == "active")).execute()
    if not freed:
        return None
    emptied = (
        Team.update(status="failed", closed_at=now)
        .where(
            (Team.id == member.team_id)
            & (Team.status == "open")
            & (Team.seats_taken == 0)
        )
        .execute()
    )
    if emptied:
        return member.team_id, "failed"
    if member.is_leader:
        _hand_over(member.team_id)
    return member.team_id, "left"


def _hand_over(team_id):
    """The team's earliest remaining member leads it (its link carries their code)."""
    heir = (
        TeamMember.select()
        .where((TeamMember.team == team_id) & (TeamMember.status == "active"))
        .order_by(TeamMember.joined_at, TeamMember.id)
        .first()
    )
    if heir is None:
        return
    social.share_code_for(heir.user)
    Team.update(leader=heir.user_id).where(Team.id == team_id).execute()
    TeamMember.update(is_leader=True).where(TeamMember.id == heir.id).execute()


def hold_of(order):
    """409 `team_not_formed` for a seat whose team has not succeeded, else None."""
    team = (
        Team.select(Team.id, Team.status)
        .join(TeamMember)
        .where(TeamMember.order == order.id)
        .first()
    )
    if team is None or team.status == "succeeded":
        return None
    return TeamNotFormed(
        "The group has not formed yet: this order ships once its team is full."
    )
