"""The demo's community group buying (社区团购), so that a newcomer sees every side
of it: two neighbours run pickup points (approved by the admin), a third waits
for review; a shop runs a campaign still taking orders (cut-off tomorrow at 22:00
Beijing time, pickup the day after) with a few orders in, and one whose cut-off
passed last night, its orders in two batches: one shipped, received at the point
and one order already picked up (the leader's commission pending in the ledger),
the other still to be shipped.

Everything goes through the rules (`livestall.community`): applications and the
admin's decisions, campaigns, orders for pickup (cash on delivery), the batch
marks and the pickup code's verification. Only the past campaign's clock is
faked, through the rules' `now=`: it was created and ordered from before its
cut-off, which has since passed.
"""

import datetime

from livestall.accounts.models import User
from livestall.catalog.models import Product
from livestall.community import batches, campaigns, leaders, ordering, pickup
from livestall.community.models import PickupOrder

BEIJING = datetime.timedelta(hours=8)
COMMISSION_BPS = 1000  # 10 % of each picked-up order to its leader
PRICE_SHARE = 85  # the campaign price, as a percentage of the list price
ITEMS = 3
# the shop running the campaigns, else the first of these with something to sell
SHOPS = ("xihu_teahouse", "chanmao_snacks", "slowdays_living")
FRESH = ("fresh", "food", "tea-drinks")  # grocery-like first
POINTS = {
    "wang_fang": {
        "name": "阳光花园3栋 便利店",
        "address": "杭州市西湖区文三路 阳光花园 3 幢 102 号",
        "hours": "08:00-21:00",
        "phone": "0571 8801 2233",
    },
    "dawei_hz": {
        "name": "枫林小区东门 邻里生鲜",
        "address": "杭州市拱墅区枫林路 18 号 枫林小区东门",
        "hours": "07:30-20:30",
        "phone": "138 5712 6688",
    },
}
PENDING = (
    "jason_zhang",
    {
        "name": "湖畔花园 快递驿站",
        "address": "杭州市余杭区湖畔花园 南门 5 号商铺",
        "hours": "09:00-21:00",
        "phone": "0571 8606 1199",
    },
)
OPEN_TITLE = "明晚 22:00 截单｜邻里鲜货团"
PAST_TITLE = "周末尝鲜团｜今日到店自提"
# (leader, buyer, {item index: qty}): orders as the demo shows them
PAST_ORDERS = (
    ("wang_fang", "xiaoyu_88", {0: 2, 1: 1}),
    ("wang_fang", "chen_jing", {0: 1}),
    ("wang_fang", "emma_w", {1: 2, 2: 1}),
    ("dawei_hz", "meimei_sh", {0: 1, 2: 1}),
    ("dawei_hz", "sophie_li", {1: 1}),
)
OPEN_ORDERS = (
    ("wang_fang", "zhou_lei", {0: 1, 1: 1}),
    ("wang_fang", "chen_jing", {2: 2}),
    ("dawei_hz", "oliver_t", {0: 1}),
)
PICKED_UP = "xiaoyu_88"  # her order at wang_fang's point was collected


def _local_day(moment):
    """The Beijing date of a naive UTC moment."""
    return (moment + BEIJING).date()


def _at_local(day, hour):
    """Naive UTC of `hour`:00 Beijing time on `day`."""
    return datetime.datetime.combine(day, datetime.time(hour)) - BEIJING


def _products():
    """(shop, up to ITEMS of its well-stocked products, grocery-like first)."""
    for username in SHOPS + (None,):
        query = Product.select().where(
            (Product.status == "active")
            & (Product.stock >= 20)
            & (Product.price_cents >= 1000)
        )
        if username is not None:
            shop = User.get_or_none(User.username == username)
            if shop is None:
                continue
            query = query.where(Product.merchant == shop.id)
        found = sorted(
            query.order_by(Product.id),
            key=lambda p: FRESH.index(p.category) if p.category in FRESH else 9,
        )
        if found:
            return found[0].merchant, found[:ITEMS]
    return None, []


def _price(product):
    """About 85 % of the list price, ending in .90 as shop prices do."""
    price = product.price_cents * PRICE_SHARE // 100 // 100 * 100 - 10
    return max(1, min(price, product.price_cents))


def _campaign(shop, products, title, cutoff, now):
    return campaigns.create(
        shop,
        {
            "title": title,
            "items": [{"product_id": p.id, "price_cents": _price(p)} for p in products],
            "cutoff_at": cutoff,
            "pickup_on": (_local_day(cutoff) + datetime.timedelta(days=1)).isoformat(),
            "leader_commission_bps": COMMISSION_BPS,
        },
        now=now,
    )


def _orders(campaign, products, points, users, plan, now):
    """Orders for pickup per `plan`; {(leader username, buyer): order}."""
    placed = {}
    for n, (leader_name, buyer, wanted) in enumerate(plan):
        if leader_name not in points or buyer not in users:
            continue
        items = [
            {"product_id": products[i].id, "qty": qty}
            for i, qty in wanted.items()
            if i < len(products)
        ]
        if not items:
            continue
        order, _created = ordering.place(
            users[buyer],
            {
                "community_buy_id": campaign.id,
                "leader_id": points[leader_name].id,
                "items": items,
                "idempotency_key": f"demo-community-{campaign.id}-{n}",
                "payment_method": "cod",
            },
            now=now + datetime.timedelta(minutes=7 * n),
        )
        placed[(leader_name, buyer)] = order
    return placed


def seed_community(users, now):
    """Points, campaigns, orders, batches and a pickup; returns what it made:
    {"leaders": {username: Leader}, "pending": Leader, "open": CommunityBuy,
    "past": CommunityBuy} (no campaign without a product to offer)."""
    admin = users.get("admin")
    made = {"leaders": {}, "pending": None, "open": None, "past": None}
    if admin is None:
        return made
    applied_at = now - datetime.timedelta(days=20)
    for username, point in POINTS.items():
        if username in users:
            leader, _ = leaders.apply(
                users[username], {"pickup_point": point}, now=applied_at
            )
            made["leaders"][username] = leaders.decide(
                admin, leader.id, "approve", now=applied_at + datetime.timedelta(days=1)
            )
    username, point = PENDING
    if username in users:
        made["pending"], _ = leaders.apply(
            users[username],
            {"pickup_point": point},
            now=now - datetime.timedelta(hours=5),
        )
    shop, products = _products()
    if shop is None or not made["leaders"]:
        return made
    points = made["leaders"]

    # last night's campaign: made two days before its cut-off, ordered from
    # before it; its batches are counted now that it has passed
    cutoff = _at_local(_local_day(now) - datetime.timedelta(days=1), 22)
    started = cutoff - datetime.timedelta(days=2)
    past = _campaign(shop, products, PAST_TITLE, cutoff, started)
    placed = _orders(
        past,
        products,
        points,
        users,
        PAST_ORDERS,
        started + datetime.timedelta(hours=3),
    )
    first = next(iter(points))
    # shipped the morning after, received at the point, one order collected;
    # never later than now, however early in the day the demo is seeded
    minute = datetime.timedelta(minutes=1)
    shipped_at = min(cutoff + datetime.timedelta(hours=8), now - 3 * minute)
    received_at = min(shipped_at + datetime.timedelta(hours=2), now - 2 * minute)
    if any(name == first for name, _ in placed):
        batches.mark_shipped(shop, past.id, points[first].id, now=shipped_at)
        batches.mark_received(users[first], past.id, now=received_at)
        collected = placed.get((first, PICKED_UP))
        if collected is not None:
            code = PickupOrder.get(PickupOrder.order == collected.id).pickup_code
            collected_at = min(received_at + datetime.timedelta(hours=1), now - minute)
            pickup.verify(users[first], code, now=collected_at)

    # tomorrow night's campaign, still taking orders
    cutoff = _at_local(_local_day(now) + datetime.timedelta(days=1), 22)
    opened = now - datetime.timedelta(hours=6)
    current = _campaign(shop, products, OPEN_TITLE, cutoff, opened)
    _orders(current, products, points, users, OPEN_ORDERS, opened)
    made["past"], made["open"] = past, current
    return made
