"""What group buying does when orders move: a placed seat becomes a member (and
the team hears of it), a cancelled seat frees its place, an unformed seat's order
waits to ship."""

from livestall.db.base import on_commit
from livestall.group_buy import leaving, signals, teams
from livestall.group_buy.models import live_seats
from livestall.notifications import rules as notifications
from livestall.orders import signals as order_signals


def _seat_placed(sender, orders, buyer, placed_at, claim=None, **placed):
    if not isinstance(claim, teams.SeatClaim):
        return
    teams.record_seat(claim, buyer, orders, placed_at)
    team = claim.team
    members = live_seats(team.id)
    data = {
        "team_id": team.id,
        "group_buy_id": claim.deal.id,
        "username": buyer.username,
        "seats_left": team.seats_left,
        "virtual": False,
    }
    if claim.team_id is not None:  # the others hear someone joined
        notifications.notify_people("team_joined", members, data, actor_id=buyer.id)
    if claim.formed:
        notifications.notify_people("team_formed", members, data)
    on_commit(
        signals.team_changed.send,
        None,
        team_id=team.id,
        event="formed" if claim.formed else "joined",
        username=buyer.username,
    )


def _seat_closing(sender, order, to_status):
    freed = leaving.free_seat(order)
    if freed is not None:
        team_id, event = freed
        on_commit(
            signals.team_changed.send, None, team_id=team_id, event=event, username=None
        )


def _hold(sender, order):
    return leaving.hold_of(order)


def connect():
    order_signals.order_placed.connect(_seat_placed)
    order_signals.order_closing.connect(_seat_closing)
    order_signals.fulfilment_hold.connect(_hold)
