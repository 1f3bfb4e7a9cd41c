"""Group-buying figures for the merchant's console: per deal, how its teams went
(open, succeeded, failed; 成团率 = succeeded / closed), how fast real teams filled,
the share completed by virtual fill (模拟成团), and what the seats sold (seats,
units, GMV, buyers). A list of deals costs two queries whatever its length.

GMV is the goods of the seat orders still alive (not cancelled or refunded):
each line's qty x unit price (the group price), in the deal's currency; shipping
is not goods.
"""

from peewee import fn

from livestall.accounts.models import User
from livestall.catalog.models import Product
from livestall.db.base import is_sqlite, isoformat, utcnow
from livestall.group_buy import deals
from livestall.group_buy.models import GroupBuy, Team, TeamMember
from livestall.orders.models import Order, OrderLine
from livestall.platform.figures import amount, percent

CLOSED_ORDERS = ("cancelled", "refunded")
TEAMS_SHOWN = 100

CSV_HEADER = [
    "deal_id",
    "product_id",
    "product",
    "currency",
    "group_price",
    "list_price",
    "team_size",
    "team_window_s",
    "per_user_limit",
    "virtual_fill",
    "created_at",
    "ends_at",
    "status",
    "teams_open",
    "teams_succeeded",
    "teams_failed",
    "success_rate_pct",
    "avg_fill_s",
    "virtual_share_pct",
    "seats",
    "units",
    "gmv",
    "buyers",
]


def _fill_seconds():
    """closed_at - created_at of a team, in seconds (NULL while open)."""
    if is_sqlite():
        return (fn.julianday(Team.closed_at) - fn.julianday(Team.created_at)) * 86400
    return fn.date_part("epoch", Team.closed_at - Team.created_at)


def _empty(deal):
    return {
        "teams_open": 0,
        "teams_succeeded": 0,
        "teams_failed": 0,
        "teams_virtual": 0,
        "success_rate": None,
        "avg_fill_s": None,
        "virtual_share": None,
        "seats": 0,
        "units": 0,
        "gmv_cents": 0,
        "buyers": 0,
        "currency": deal.currency,
    }


def stats_of(deal_list):
    """{deal id: figures} for `deal_list` (GroupBuy rows): two queries in all."""
    out = {deal.id: _empty(deal) for deal in deal_list}
    if not out:
        return out
    ids = list(out)
    fill_sum = {i: 0.0 for i in ids}
    teams = (
        Team.select(
            Team.group_buy,
            Team.status,
            Team.virtual,
            fn.COUNT(Team.id),
            fn.SUM(_fill_seconds()),
        )
        .where(Team.group_buy.in_(ids))
        .group_by(Team.group_buy, Team.status, Team.virtual)
        .tuples()
    )
    for deal_id, status, virtual, n, seconds in teams:
        figures = out[deal_id]
        figures[f"teams_{status}"] += n
        if status == "succeeded" and virtual:
            figures["teams_virtual"] += n
        elif status == "succeeded":
            fill_sum[deal_id] += float(seconds or 0)
    seats = (
        TeamMember.select(
            Team.group_buy,
            fn.COUNT(fn.DISTINCT(TeamMember.id)),
            fn.COUNT(fn.DISTINCT(TeamMember.user)),
            fn.SUM(OrderLine.qty),
            fn.SUM(OrderLine.paid_sql()),
        )
        .join(Team)
        .switch(TeamMember)
        .join(Order)
        .join(OrderLine, on=(OrderLine.order == Order.id))
        .where(Team.group_buy.in_(ids) & Order.status.not_in(CLOSED_ORDERS))
        .group_by(Team.group_buy)
        .tuples()
    )
    for deal_id, n_seats, n_buyers, units, gmv in seats:
        out[deal_id].update(
            seats=n_seats,
            buyers=n_buyers,
            units=int(units or 0),
            gmv_cents=int(gmv or 0),
        )
    for deal_id, figures in out.items():
        won, lost = figures["teams_succeeded"], figures["teams_failed"]
        real = won - figures["teams_virtual"]
        if won + lost:
            figures["success_rate"] = won / (won + lost)
        if won:
            figures["virtual_share"] = figures["teams_virtual"] / won
        if real:
            figures["avg_fill_s"] = round(fill_sum[deal_id] / real)
    return out


def merchant_deals(merchant, page=1, per_page=50):
    """(the merchant's deals newest first, their product joined and its photos
    attached; total): three queries."""
    query = GroupBuy.select(GroupBuy, Product).join(Product)
    query = query.where(GroupBuy.merchant == merchant.id)
    total = query.count()
    found = list(
        query.order_by(GroupBuy.created_at.desc(), GroupBuy.id.desc()).paginate(
            page, per_page
        )
    )
    Product.attach_galleries([deal.product for deal in found])
    return found, total


def team_rows(deal, limit=TEAMS_SHOWN):
    """The deal's newest teams: [{team, members, fill_s}]; `fill_s` is the time a
    real team took to fill (None for open, failed and virtual ones)."""
    found = (
        Team.select(Team, User)
        .join(User, on=(Team.leader == User.id))
        .where(Team.group_buy == deal.id)
        .order_by(Team.created_at.desc(), Team.id.desc())
        .limit(limit)
    )
    rows = []
    for team in found:
        filled = team.status == "succeeded" and not team.virtual and team.closed_at
        rows.append(
            {
                "team": team,
                "members": team.seats_taken,
                "fill_s": (
                    round((team.closed_at - team.created_at).total_seconds())
                    if filled
                    else None
                ),
            }
        )
    return rows


def csv_rows(merchant, now=None):
    """The merchant's deals as CSV rows, the header first (plain values: the
    caller makes every cell safe for a spreadsheet)."""
    now = now or utcnow()
    found = list(
        GroupBuy.select(GroupBuy, Product)
        .join(Product)
        .where(GroupBuy.merchant == merchant.id)
        .order_by(GroupBuy.created_at.desc(), GroupBuy.id.desc())
    )
    figures = stats_of(found)
    rows = [list(CSV_HEADER)]
    for deal in found:
        f = figures[deal.id]
        rows.append(
            [
                deal.id,
                deal.product_id,
                deal.product.title,
                deal.currency,
                amount(deal.price_cents),
                amount(deal.product.price_cents),
                deal.team_size,
                deal.team_window_s,
                deal.per_user_limit,
                "yes" if deal.virtual_fill else "no",
                isoformat(deal.created_at),
                isoformat(deal.ends_at),
                deals.status_of(deal, now),
                f["teams_open"],
                f["teams_succeeded"],
                f["teams_failed"],
                percent(f["success_rate"]),
                "" if f["avg_fill_s"] is None else f["avg_fill_s"],
                percent(f["virtual_share"]),
                f["seats"],
                f["units"],
                amount(f["gmv_cents"]),
                f["buyers"],
            ]
        )
    return rows
