"""The demo's bargaining (砍价), so that a newcomer sees prices coming down: two
campaigns, with records of demo shoppers at every stage (one friend has helped,
two of three have, the floor reached, and one bought at the floor).

Everything goes through the rules (`livestall.bargain`): campaigns by their
merchants, records started by shoppers, helps by their friends (with a fixed
random seed, so the demo's cuts are the same every time), the purchase as an
order (cash on delivery).
"""

import datetime
import random

from livestall.bargain import buying, campaigns, helping, records
from livestall.bargain.models import Bargain
from livestall.catalog.models import Product
from livestall.group_buy.models import GroupBuy

CAMPAIGNS = 2
FLOOR = (0.5, 0.6)  # the floor, as a share of the list price
HELPERS = (3, 5)
WINDOW_S = 48 * 3600
RUNS_FOR = datetime.timedelta(days=14)
ADDRESS = "北京市朝阳区三里屯路 19 号"
# (campaign index, owner, helpers, buys): records as the demo shows them
RECORDS = (
    (0, "emma_w", ("chen_jing",), False),
    (0, "xiaoyu_88", ("dawei_hz", "wang_fang", "oliver_t"), True),
    (1, "chen_jing", ("emma_w", "xiaoyu_88"), False),
    (
        1,
        "oliver_t",
        ("chen_jing", "emma_w", "dawei_hz", "wang_fang", "xiaoyu_88"),
        False,
    ),
)


def _chosen():
    """Well-stocked products with no group deal (one offer per product page)."""
    grouped = GroupBuy.select(GroupBuy.product)
    return list(
        Product.select()
        .where(
            (Product.status == "active")
            & (Product.stock >= 20)
            & (Product.price_cents >= 2000)
            & Product.id.not_in(grouped)
        )
        .order_by(Product.stock.desc(), Product.id)
        .limit(CAMPAIGNS)
    )


def seed_bargains(users, now):
    """The campaigns and their records; returns the campaigns made."""
    rng = random.Random(19)
    made = []
    for i, product in enumerate(_chosen()):
        made.append(
            campaigns.create(
                product.merchant,
                {
                    "product_id": product.id,
                    "start_price_cents": product.price_cents,
                    "floor_price_cents": max(1, int(product.price_cents * FLOOR[i])),
                    "helpers_needed": HELPERS[i],
                    "record_window_s": WINDOW_S,
                    "ends_at": now + RUNS_FOR,
                    "units": 10,
                    "per_user_limit": 1,
                },
                now=now,
            )
        )
    for n, (index, owner, helpers, buys) in enumerate(RECORDS):
        if index >= len(made) or owner not in users:
            continue
        record, _ = records.start(users[owner], made[index].id, now=now)
        for name in helpers:
            if name in users:
                helping.help_cut(users[name], record.id, now=now, rng=rng)
        if buys:
            user = users[owner]
            body = {
                "idempotency_key": f"demo-bargain-{record.id}-{n}",
                "shipping": {
                    "name": user.name,
                    "address": ADDRESS,
                    "phone": "139 0013 9000",
                },
                "payment_method": "cod",
            }
            buying.buy(user, record.id, body, now=now)
    return [Bargain.get_by_id(b.id) for b in made]
