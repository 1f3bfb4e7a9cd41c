"""Teams and seats: open a team, join one, read it (leaving: `group_buy.leaving`).

A seat is an order placed through `orders.checkout.place_order` with a
`SeatClaim`: checkout takes the buyer's lock, then the claim takes the seat (one
guarded UPDATE on the team's `seats_taken`), then stock is taken and the order
written, all in one transaction. So with one seat left, any number of concurrent
joiners produce exactly one more member: the others' UPDATE matches no row and
they get 409 `team_full` with no order and no stock taken. The UPDATE that takes
the last seat is followed by the one that moves the team `open -> succeeded`
(guarded on the status and the count): a team succeeds exactly once.
"""

import datetime

from livestall.catalog import availability
from livestall.content import social
from livestall.db.base import isoformat, transaction, utcnow
from livestall.errors import Conflict, LimitReached, NotFound, whole_number
from livestall.group_buy import deals, expiry
from livestall.group_buy.models import GroupBuy, Team, TeamMember
from livestall.orders import checkout, sources
from livestall.orders.models import Order
from livestall.pricing.rules import Offer


class TeamFull(Conflict):
    code = "team_full"


class TeamClosed(Conflict):
    code = "team_closed"


class AlreadyInTeam(Conflict):
    code = "already_in_team"


LIVE = ("pending_payment", "paid", "shipped", "delivered")  # orders still alive


class SeatClaim:
    """What `checkout.place_order` needs to place a seat (see its `claim`)."""

    def __init__(self, deal, team_id, qty, source, now=None):
        self.deal = deal
        self.team_id = team_id  # None: open a new team, led by the buyer
        self.qty = qty
        self.now = now
        self.items = {deal.product_id: (qty, source)}
        self.digest = ["group", deal.id, team_id or 0]
        self.team = None  # the team the seat was taken in (set by `take`)
        self.formed = False  # this seat was the last one: the team succeeded

    def take(self, buyer, products):
        deal, now = self.deal, self.now or utcnow()
        _check_limit(buyer, deal, self.qty)
        if (
            TeamMember.select()
            .where((TeamMember.user == buyer.id) & (TeamMember.open_deal == deal.id))
            .exists()
        ):
            raise AlreadyInTeam(
                "You are already in an open team of this deal: share it to fill it.",
            )
        if self.team_id is None:
            self.team = _open(buyer, deal, now)
        else:
            self.team = _take_seat(self.team_id, deal, now)
            self.formed = _form(self.team, now)
        if products[deal.product_id].currency != deal.currency:
            # the shop changed the product's currency: the deal's price is in the old
            raise deals.DealClosed("This group deal has ended.")
        offer = Offer("group", deal.price_cents, sources.LineSource("group", deal.id))
        return {deal.product_id: [offer]}


def _check_limit(buyer, deal, qty):
    """`per_user_limit` units at the group price per buyer, live seats counted."""
    bought = (
        TeamMember.select(TeamMember.qty)
        .join(Team)
        .switch(TeamMember)
        .join(Order)
        .where(
            (Team.group_buy == deal.id)
            & (TeamMember.user == buyer.id)
            & Order.status.in_(LIVE)
        )
    )
    if sum(m.qty for m in bought) + qty > deal.per_user_limit:
        raise LimitReached(
            "You may buy %(n)d of this at the group price.", n=deal.per_user_limit
        )


def _open(buyer, deal, now):
    if not deals.is_running(deal, now):
        raise deals.DealClosed("This group deal has ended.")
    social.share_code_for(buyer)  # the team's link carries the leader's code
    expires = min(now + datetime.timedelta(seconds=deal.team_window_s), deal.ends_at)
    return Team.create(
        group_buy=deal.id,
        leader=buyer.id,
        team_size=deal.team_size,
        seats_taken=1,
        expires_at=expires,
        created_at=now,
    )


def _take_seat(team_id, deal, now):
    """The guarded UPDATE: one more seat, if the team is open, in time and not full."""
    taken = (
        Team.update(seats_taken=Team.seats_taken + 1)
        .where(
            (Team.id == team_id)
            & (Team.group_buy == deal.id)
            & (Team.status == "open")
            & (Team.expires_at > now)
            & (Team.seats_taken < Team.team_size)
        )
        .execute()
    )
    team = Team.get_or_none((Team.id == team_id) & (Team.group_buy == deal.id))
    if team is None:
        raise NotFound("No such team.")
    if not taken:
        if team.status != "open" or team.expires_at <= now:
            raise TeamClosed("This team has closed. Start a new one.")
        raise TeamFull("This team is full. Start a new one or join another.")
    return team


def _form(team, now):
    """`open -> succeeded` once its last seat is taken; True if this call did it."""
    if team.seats_taken < team.team_size:
        return False
    formed = (
        Team.update(status="succeeded", closed_at=now)
        .where(
            (Team.id == team.id)
            & (Team.status == "open")
            & (Team.seats_taken >= Team.team_size)
        )
        .execute()
    )
    if formed:
        team.status, team.closed_at = "succeeded", now
    return bool(formed)


def place_seat(buyer, deal, team_id, data, visitor_id=None, now=None):
    """Open a team (`team_id` None) or join `team_id` with a seat of `data`
    (API.md: qty, idempotency_key, shipping or address_id, payment_method,
    source). Returns (team, order, created)."""
    if not isinstance(data, dict):
        data = {}
    qty = whole_number(data, "qty", 1, deal.per_user_limit, default=1)
    source = sources.clean(data.get("source"))  # checkout verifies the claim
    claim = SeatClaim(deal, team_id, qty, source, now)
    orders, created = checkout.place_order(
        buyer,
        None,
        data.get("shipping"),
        data.get("idempotency_key"),
        data.get("payment_method", "cod"),
        visitor_id=visitor_id,
        address_id=data.get("address_id"),
        claim=claim,
    )
    order = orders[0]
    member = TeamMember.get_or_none(TeamMember.order == order.id)
    if member is None:  # the key was used for another kind of order
        raise Conflict(
            "This idempotency key was already used for a different order.",
            code="idempotency_conflict",
        )
    return Team.get_by_id(member.team_id), order, created


def open_team(buyer, deal_id, data, visitor_id=None, now=None):
    return place_seat(buyer, deals.get(deal_id), None, data, visitor_id, now)


def join_team(buyer, team_id, data, visitor_id=None, now=None):
    team = get(team_id)
    return place_seat(buyer, team.group_buy, team.id, data, visitor_id, now)


# --- reading ------------------------------------------------------------------------


def get(team_id, now=None):
    """The team (expired ones closed first: deadlines are checked at use)."""
    try:
        team_id = int(team_id)
    except (TypeError, ValueError):
        raise NotFound("No such team.") from None
    team = Team.get_or_none(Team.id == team_id) if 0 < team_id < 2**53 else None
    if team is None:
        raise NotFound("No such team.")
    if team.status == "open" and team.expires_at <= (now or utcnow()):
        expiry.expire_teams(now=now, team_ids=[team.id])
        team = Team.get_by_id(team.id)
    return team


def shown_to(deal, viewer):
    """Whether `deal` and its teams show to `viewer` (None: anonymous): as its
    product does (a suspended shop's to itself and admins only), and to the
    buyers who hold seats in it."""
    if availability.visible_to(deal.product, viewer):
        return True
    return (
        viewer is not None
        and TeamMember.select()
        .join(Team)
        .where((Team.group_buy == deal.id) & (TeamMember.user == viewer.id))
        .exists()
    )


def visible_team(team_id, viewer, now=None):
    """`get` for `viewer`: NotFound when its deal does not show to them."""
    team = get(team_id, now=now)
    if not shown_to(team.group_buy, viewer):
        raise NotFound("No such team.")
    return team


def visible_deal(deal_id, viewer):
    deal = deals.get(deal_id)
    if not shown_to(deal, viewer):
        raise NotFound("No such group deal.")
    return deal


def open_teams(deal, limit=10, now=None):
    """The deal's open teams with seats left, closest to filling first."""
    now = now or utcnow()
    expiry.expire_teams(now=now, deal_id=deal.id)
    return list(
        Team.select()
        .where(
            (Team.group_buy == deal.id)
            & (Team.status == "open")
            & (Team.expires_at > now)
            & (Team.seats_taken < Team.team_size)
            & (Team.seats_taken > 0)
        )
        .order_by((Team.team_size - Team.seats_taken), Team.expires_at)
        .limit(limit)
    )


def members_of(team_ids):
    """{team id: [TeamMember with user joined]} of the seats shown (not left)."""
    from livestall.accounts.models import User

    found = {tid: [] for tid in team_ids}
    if not team_ids:
        return found
    rows = (
        TeamMember.select(TeamMember, User)
        .join(User)
        .where(TeamMember.team.in_(list(team_ids)) & (TeamMember.status != "left"))
        .order_by(TeamMember.joined_at, TeamMember.id)
    )
    for member in rows:
        found[member.team_id].append(member)
    return found


def team_of_order(order_id):
    """(team, member) of a seat's order, or (None, None)."""
    member = TeamMember.get_or_none(TeamMember.order == order_id)
    if member is None:
        return None, None
    return Team.get_by_id(member.team_id), member


def share_path(team):
    code = team.leader.share_code
    return f"{team.url}?s={code}" if code else team.url


def team_dict(team, base_url="", members=None):
    """API.md's `team` (plus leader, price, product and the members' names)."""
    if members is None:
        members = members_of([team.id])[team.id]
    deal = team.group_buy
    return {
        "id": team.id,
        "group_buy_id": team.group_buy_id,
        "product_id": deal.product_id,
        "price_cents": deal.price_cents,
        "currency": deal.currency,
        "status": team.status,
        "virtual": bool(team.virtual),
        "team_size": team.team_size,
        "seats_left": team.seats_left if team.status == "open" else 0,
        "members": [
            {
                "username": m.user.username,
                "display_name": m.user.name,
                "is_leader": bool(m.is_leader),
                "joined_at": isoformat(m.joined_at),
            }
            for m in members
        ],
        "leader": {"username": team.leader.username, "display_name": team.leader.name},
        "expires_at": isoformat(team.expires_at),
        "closed_at": isoformat(team.closed_at) if team.closed_at else None,
        "url": team.url,
        "share_url": base_url.rstrip("/") + share_path(team),
    }


def teams_of_buyer(user, limit=50):
    """The buyer's seats, newest first, with their teams: [(member, team)]."""
    rows = (
        TeamMember.select(TeamMember, Team, GroupBuy)
        .join(Team)
        .join(GroupBuy)
        .where(TeamMember.user == user.id)
        .order_by(TeamMember.joined_at.desc(), TeamMember.id.desc())
        .limit(limit)
    )
    return [(m, m.team) for m in rows]


def record_seat(claim, buyer, orders, now):
    """After checkout wrote the order: the member row (order_placed receiver)."""
    team = claim.team
    with transaction():
        TeamMember.create(
            team=team.id,
            user=buyer.id,
            order=orders[0].id,
            qty=claim.qty,
            open_deal=None if team.status != "open" else claim.deal.id,
            is_leader=claim.team_id is None,
            joined_at=now,
        )
        if claim.formed:
            TeamMember.update(open_deal=None).where(
                TeamMember.team == team.id
            ).execute()


def deal_dict(deal, open_teams=None, now=None, base_url=""):
    """API.md's `group_buy` (plus currency, list price, virtual_fill, product)."""
    product = deal.product
    cover = product.cover
    out = {
        "id": deal.id,
        "product_id": deal.product_id,
        "price_cents": deal.price_cents,
        "list_price_cents": product.price_cents,
        "currency": deal.currency,
        "team_size": deal.team_size,
        "team_window_s": deal.team_window_s,
        "ends_at": isoformat(deal.ends_at),
        "per_user_limit": deal.per_user_limit,
        "virtual_fill": bool(deal.virtual_fill),
        "status": deals.status_of(deal, now),
        "stats": deals.team_counts([deal.id])[deal.id],
        "product": {
            "id": product.id,
            "title": product.title,
            "url": product.url,
            "image_url": cover.thumb_url if cover else None,
            "stock": product.stock,
        },
    }
    if open_teams is not None:
        out["open_teams"] = [team_dict(t, base_url=base_url) for t in open_teams]
    return out
