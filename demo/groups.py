"""Demo neighbourhood groups (社群): wang_fang's estate group, where her neighbours
talk and she posts tomorrow's community campaign as a card, and lily_eats' fan group,
joined by her followers, with a product card. Everything goes through the domain
(`livestall.groups`), with `now=` only to spread the messages over the evening."""

import datetime

from livestall.accounts.models import User
from livestall.catalog.models import Product
from livestall.content.models import Follow
from livestall.groups import chat, rules

LEADER = "wang_fang"
NEIGHBOURS = ("xiaoyu_88", "chen_jing", "emma_w", "zhou_lei")
LEADER_CHAT = (
    ("xiaoyu_88", "昨天的龙井收到了，很新鲜！谢谢王姐", 180),
    ("chen_jing", "明天还有茶叶吗？想给爸妈带一点", 150),
    (LEADER, "有的，今晚我把团发群里，明晚十点截单，后天到货自提", 140),
    ("zhou_lei", "已下单 +1", 30),
    ("emma_w", "请问周末能取吗？", 20),
    (LEADER, "可以的，店里 8 点到 21 点都有人", 15),
)
FAN_OWNER = "lily_eats"
FAN_GROUP = {"name": "Lily 的吃货小分队", "intro": "新品试吃、直播预告、粉丝专属福利"}
FAN_CHAT = (
    (FAN_OWNER, "周末直播试吃新到的零食，大家想看哪款？", 300),
    (None, "想看辣条测评！", 290),
    (None, "上次推荐的茶真的好喝", 200),
)


def _ago(now, minutes):
    return now - datetime.timedelta(minutes=minutes)


def _talk(group, users, lines, now, members):
    for username, body, minutes in lines:
        author = users.get(username) if username else (members[0] if members else None)
        if author is not None:
            chat.post(group, author, body, now=_ago(now, minutes))


def seed_groups(users, community, now):
    """The two groups; returns {"leader": Group or None, "fan": Group or None}."""
    made = {"leader": None, "fan": None}
    leader = (community.get("leaders") or {}).get(LEADER)
    if leader is not None:
        group = rules.leader_group(leader)
        for username in NEIGHBOURS:
            if username in users:
                rules.join(users[username], group)
        _talk(group, users, LEADER_CHAT[:3], now, [])
        if community.get("open") is not None:
            chat.post_card(
                group,
                users[LEADER],
                {"kind": "campaign", "id": community["open"].id},
                "明晚 22:00 截单，后天到店自提",
                now=_ago(now, 120),
            )
        _talk(group, users, LEADER_CHAT[3:], now, [])
        made["leader"] = group
    owner = users.get(FAN_OWNER)
    if owner is not None:
        group, _ = rules.open_fan_group(owner, FAN_GROUP)
        fans = list(
            User.select()
            .join(Follow, on=(Follow.follower == User.id))
            .where(Follow.followee == owner.id)
            .order_by(User.id)
        )
        for fan in fans:
            rules.join(fan, group, via="follow")
        _talk(group, users, FAN_CHAT, now, fans)
        product = Product.listing().order_by(Product.sales_count.desc()).first()
        if product is not None:
            chat.post_card(
                group,
                owner,
                {"kind": "product", "id": product.id},
                "今晚直播会讲这款",
                now=_ago(now, 100),
            )
        made["fan"] = group
    return made
