"""The demo's live interaction, in the show on air: the host's announcement, a
running poll with viewers' votes, and a lucky draw (福袋) of one of the featured
products at ¥0 that viewers entered by chatting its keyword. Through the domain
functions (`livestall.interaction`); the merchant's consent for the prize units
(a floor of ¥0) is given as on the product form."""

from livestall.catalog.models import Product
from livestall.db.base import transaction
from livestall.interaction import announcements, draws, polls
from livestall.live import chat

ANNOUNCEMENT = "今晚 8 点整点秒杀 · 关注主播参与福袋，口令「好运来」"
POLL = {
    "question": "下一款先泡哪个？ Which tea next?",
    "options": ["白茶 White", "普洱 Pu'er", "乌龙 Oolong"],
    "duration_s": 600,
}
VOTES = {"xiaoyu_88": 0, "emma_w": 1, "chen_jing": 0, "dawei_hz": 2, "oliver_t": 0}
KEYWORD = "好运来"
ENTRANTS = ("xiaoyu_88", "emma_w", "chen_jing", "wang_fang", "oliver_t")
PRIZE_UNITS = 3


def seed_interaction(users, on_air):
    """The on-air show's announcement, poll and lucky draw (nothing without one)."""
    if on_air is None:
        return None
    host = users[on_air.host.username]
    with transaction():
        announcements.announce(host, on_air, ANNOUNCEMENT)
        poll = polls.start(host, on_air, POLL)
        for username, option in VOTES.items():
            if username in users:
                polls.vote(users[username], poll.id, option)
    prize = (
        Product.select()
        .where(
            (Product.id != on_air.pinned_product_id)
            & (Product.status == "active")
            & (Product.stock >= PRIZE_UNITS)
            & Product.id.in_([p.product_id for p in on_air.product_links])
        )
        .order_by(Product.price_cents)
        .first()
    )
    if prize is None:
        return poll
    # the merchant allows its units as prizes (a floor of ¥0, a few units)
    Product.update(
        flash_min_price_cents=0,
        flash_max_units=max(prize.flash_max_units or 0, PRIZE_UNITS),
    ).where(Product.id == prize.id).execute()
    draw = draws.start(
        host,
        on_air,
        {
            "prize": {"product_id": prize.id},
            "winners": PRIZE_UNITS,
            "keyword": KEYWORD,
            "duration_s": draws.DURATION_S[1],
        },
    )
    for username in ENTRANTS:
        if username in users:
            chat.post_chat(on_air, users[username], KEYWORD)
            draws.enter(users[username], draw)
    return draw
