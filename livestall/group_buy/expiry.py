"""Teams whose time ran out: they fail (every order cancelled, paid ones refunded,
stock back once) or, with the deal's virtual fill (模拟成团), succeed as virtual.

Run by the maintenance pass (every serving process, every minute), by `flask
expire-teams`, and lazily before a team or a deal's open teams are read. Each team
closes in its own transaction, by one guarded UPDATE `open -> failed|succeeded`
that only one sweeper wins; its orders then move by the same guarded UPDATE as a
person's cancel, so a sweep racing another process, the buyer or the merchant
changes each order at most once. Deadlines do not wait for the sweep: a join
checks `expires_at` in its own UPDATE.
"""

from livestall.db.base import on_commit, transaction, utcnow
from livestall.errors import Conflict
from livestall.group_buy import signals
from livestall.group_buy.models import GroupBuy, Team, TeamMember, live_seats
from livestall.notifications import rules as notifications
from livestall.orders import lifecycle
from livestall.orders.models import Order

FAILED_NOTE = "Team did not fill in time"


def due(now, team_ids=None, deal_id=None, limit=200):
    query = Team.select(Team.id).where(
        (Team.status == "open") & (Team.expires_at <= now)
    )
    if team_ids is not None:
        query = query.where(Team.id.in_(list(team_ids)))
    if deal_id is not None:
        query = query.where(Team.group_buy == deal_id)
    return [t.id for t in query.order_by(Team.expires_at).limit(limit)]


def expire_teams(now=None, team_ids=None, deal_id=None, limit=200):
    """Close the open teams past `expires_at`; returns the teams this call closed."""
    now = now or utcnow()
    closed = []
    for team_id in due(now, team_ids, deal_id, limit):
        team = _close(team_id, now)
        if team is not None:
            closed.append(team)
    return closed


def _close(team_id, now):
    with transaction():
        team = Team.get_by_id(team_id)
        deal = GroupBuy.get_by_id(team.group_buy_id)
        virtual = bool(deal.virtual_fill) and team.seats_taken > 0
        won = (
            Team.update(
                status="succeeded" if virtual else "failed",
                virtual=virtual,
                closed_at=now,
            )
            .where(
                (Team.id == team_id)
                & (Team.status == "open")
                & (Team.expires_at <= now)
            )
            .execute()
        )
        if not won:  # another sweeper, or the last seat, got there first
            return None
        TeamMember.update(open_deal=None).where(TeamMember.team == team_id).execute()
        team = Team.get_by_id(team_id)
        if virtual:
            notifications.notify_people(
                "team_formed",
                live_seats(team_id),
                {
                    "team_id": team_id,
                    "group_buy_id": deal.id,
                    "username": None,
                    "seats_left": 0,
                    "virtual": True,
                },
            )
        else:
            _cancel_seats(team_id)
        on_commit(
            signals.team_changed.send,
            None,
            team_id=team_id,
            event="formed" if virtual else "failed",
            username=None,
        )
    return team


def _cancel_seats(team_id):
    """Every live seat's order cancelled (refunded if paid): stock back once."""
    seats = (
        Order.select()
        .join(TeamMember, on=(TeamMember.order == Order.id))
        .where((TeamMember.team == team_id) & (TeamMember.status == "active"))
        .order_by(Order.id)
    )
    for order in list(seats):
        to = {"pending_payment": "cancelled", "paid": "refunded"}.get(order.status)
        if to is None:  # cannot ship before forming: nothing else is alive
            continue
        try:
            lifecycle.close(order, to, None, note=FAILED_NOTE, reason="team_failed")
        except Conflict:  # the buyer or merchant moved it meanwhile
            continue
