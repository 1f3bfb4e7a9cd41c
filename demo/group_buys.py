"""The demo's group buying (拼团), so that a newcomer sees teams forming: a deal on the
product pinned in the live on air and on a few more products, each with teams led by
demo shoppers (two seats to go, one to go) and one team that already formed.

Everything goes through the rules (`livestall.group_buy`): deals by their merchants,
seats placed by shoppers as orders (cash on delivery), so stock, orders and
notifications are the real ones.
"""

import datetime

from livestall.catalog.models import Product
from livestall.group_buy import deals, teams

DEALS = 4  # products with a deal: the live's pinned one first, then the best stocked
TEAM_SIZES = (3, 2, 3, 5)
PRICE_OFF = (0.8, 0.85, 0.75, 0.7)  # the group price, as a share of the list price
WINDOW_S = 24 * 3600
RUNS_FOR = datetime.timedelta(days=14)
ADDRESS = "上海市徐汇区漕溪北路 88 号 3 楼"
# (deal index, leader, joiners): teams as the demo shows them
TEAMS = (
    (0, "xiaoyu_88", ()),  # two more needed
    (0, "emma_w", ("chen_jing",)),  # one more needed
    (1, "dawei_hz", ("wang_fang",)),  # formed
    (2, "oliver_t", ()),
    (3, "chen_jing", ("xiaoyu_88", "emma_w")),
)


def _chosen(pinned_id):
    query = Product.select().where(Product.status == "active", Product.stock >= 20)
    chosen = [p for p in query.where(Product.id == pinned_id)] if pinned_id else []
    ids = [p.id for p in chosen] or [0]
    chosen += list(
        query.where(Product.id.not_in(ids), Product.price_cents >= 1000)
        .order_by(Product.stock.desc(), Product.id)
        .limit(DEALS - len(chosen))
    )
    return chosen


def _seat(user, deal, team_id, n):
    body = {
        "qty": 1,
        "idempotency_key": f"demo-group-{deal.id}-{user.username}-{n}",
        "shipping": {"name": user.name, "address": ADDRESS, "phone": "138 0013 8000"},
        "payment_method": "cod",
    }
    team, _order, _created = teams.place_seat(user, deal, team_id, body)
    return team


def seed_group_buys(users, now, pinned_id=None):
    """The deals and their teams; returns the deals made."""
    made = []
    for i, product in enumerate(_chosen(pinned_id)):
        deal = deals.create(
            product.merchant,
            {
                "product_id": product.id,
                "price_cents": max(1, int(product.price_cents * PRICE_OFF[i])),
                "team_size": TEAM_SIZES[i],
                "team_window_s": WINDOW_S,
                "ends_at": now + RUNS_FOR,
                "per_user_limit": 2,
            },
            now=now,
        )
        made.append(deal)
    for n, (index, leader, joiners) in enumerate(TEAMS):
        if index >= len(made) or leader not in users:
            continue
        team = _seat(users[leader], made[index], None, n)
        for joiner in joiners:
            if joiner in users:
                _seat(users[joiner], made[index], team.id, n)
    return made
