"""JSON API v1: group buying (docs/API.md, "Group buying (拼团)")."""

from flask import jsonify, request
from flask_login import current_user

from blueprints.api.views import bp, json_body, me, pagination, require_role
from blueprints.common import visitor_id
from livestall.group_buy import deals, expiry, leaving, stats, teams
from livestall.orders import lifecycle as orders


def _viewer():
    return current_user._get_current_object() if current_user.is_authenticated else None


def _base():
    return request.url_root


def _deal_body(deal):
    return teams.deal_dict(deal, teams.open_teams(deal), base_url=_base())


def _seat_answer(team, order, created):
    return (
        jsonify(
            team=teams.team_dict(team, base_url=_base()),
            order=orders.order_dict(order),
        ),
        201 if created else 200,
    )


@bp.post("/group-buys")
def create_group_buy():
    deal = deals.create(require_role("merchant"), json_body())
    return jsonify(group_buy=_deal_body(deal)), 201


@bp.get("/group-buys/<int:deal_id>")
def get_group_buy(deal_id):
    return jsonify(group_buy=_deal_body(teams.visible_deal(deal_id, _viewer())))


@bp.post("/group-buys/<int:deal_id>/end")
def end_group_buy(deal_id):
    """Extension: the merchant ends a deal early (open teams run to expiry)."""
    deal = deals.end(require_role("merchant"), deal_id)
    return jsonify(group_buy=_deal_body(deal))


@bp.get("/group-buys/<int:deal_id>/stats")
def group_buy_stats(deal_id):
    """Extension: the deal's figures for its merchant (another's deal is a 404):
    teams by state, success rate, average time to fill, virtual share, seats,
    units, GMV in cents and buyers."""
    deal = deals.of_merchant(require_role("merchant"), deal_id)
    expiry.expire_teams(deal_id=deal.id)
    return jsonify(group_buy_id=deal.id, stats=stats.stats_of([deal])[deal.id])


@bp.get("/merchant/group-buys")
def list_merchant_group_buys():
    """Extension: the merchant's deals, newest first, with their team counts."""
    user = require_role("merchant")
    page, per_page = pagination()
    found, total = deals.deals_of(user, page, per_page)
    return jsonify(
        items=[teams.deal_dict(d, base_url=_base()) for d in found],
        page=page,
        per_page=per_page,
        total=total,
    )


@bp.post("/group-buys/<int:deal_id>/teams")
def open_team(deal_id):
    team, order, created = teams.open_team(
        me(), deal_id, json_body(), visitor_id=visitor_id()
    )
    return _seat_answer(team, order, created)


@bp.post("/teams/<int:team_id>/join")
def join_team(team_id):
    team, order, created = teams.join_team(
        me(), team_id, json_body(), visitor_id=visitor_id()
    )
    return _seat_answer(team, order, created)


@bp.post("/teams/<int:team_id>/leave")
def leave_team(team_id):
    """Extension: give up one's seat in an open team (the order is cancelled,
    refunded if paid)."""
    user = me()
    order = leaving.leave(user, team_id)
    return jsonify(
        team=teams.team_dict(teams.get(team_id), base_url=_base()),
        order=orders.order_dict(order),
    )


@bp.get("/teams/<int:team_id>")
def get_team(team_id):
    team = teams.visible_team(team_id, _viewer())
    return jsonify(team=teams.team_dict(team, base_url=_base()))


@bp.get("/me/teams")
def my_teams():
    """Extension: the caller's seats, newest first: [{team, order_id}]."""
    user = me()
    return jsonify(
        items=[
            {
                "team": teams.team_dict(team, base_url=_base()),
                "order_id": member.order_id,
                "seat_status": member.status,
            }
            for member, team in teams.teams_of_buyer(user)
        ]
    )
