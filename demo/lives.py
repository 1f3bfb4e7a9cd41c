"""The demo's live selling, so that a newcomer sees the live pages alive: one live on
air (started a few minutes ago, a product pinned, chat, hearts and a running flash
sale the merchant consented to), one scheduled for tomorrow evening, and one replay
(yesterday's show, with its pinned-product chapters and chat).

Everything goes through the domain functions (`livestall.live`, `livestall.flash`);
only the clock is moved afterwards (the rules stamp "now"), so that the show on air
started minutes ago and yesterday's happened yesterday.
"""

import datetime

from livestall.catalog.models import Product
from livestall.db.base import transaction
from livestall.flash import sales as flash_sales
from livestall.live import chat, sales, sessions
from livestall.live.models import ChatMessage, LiveAction, LiveSession

BEIJING = datetime.timedelta(hours=8)
ON_AIR_FOR = datetime.timedelta(minutes=7)
FLASH_UNITS = 20
FLASH_S = flash_sales.DURATION_S[1]  # as long as a sale may last: still on later
SHOWS = {
    "on_air": {
        "host": "susu_tea",
        "categories": ("tea-drinks", "food"),
        "title": "春茶开箱 · 明前龙井现场冲泡 Spring tea unboxing",
        "description": "今晚现场冲泡三款新茶，边喝边聊；整点秒杀。"
        "Brewing three new teas live, with a flash sale on the hour.",
    },
    "scheduled": {
        "host": "kai_tech",
        "categories": ("electronics",),
        "title": "数码好物夜 · 降噪耳机横评 Headphones night",
        "description": "六款降噪耳机实测对比，直播间专享价。"
        "Six noise-cancelling headphones tested side by side.",
    },
    "replay": {
        "host": "lily_eats",
        "categories": ("food", "fresh"),
        "title": "零食试吃大会 Snack tasting party",
        "description": "一口气试吃十款网红零食，好吃的都在购物袋里。"
        "Ten viral snacks tasted in one go.",
    },
}
ON_AIR_CHAT = [
    ("xiaoyu_88", "来了来了！今天喝什么茶？", 390),
    ("emma_w", "Hi from Shanghai! Is the Longjing this year's harvest?", 330),
    ("susu_tea", "明前的，今早刚到货～先给大家冲一杯看看汤色。", 300),
    ("chen_jing", "汤色好清亮 😍", 240),
    ("dawei_hz", "秒杀几点开始？", 150),
    ("susu_tea", "已经开抢啦，点下面的秒杀卡片！", 120),
    ("oliver_t", "Just grabbed one, thanks!", 60),
    ("wang_fang", "再来一杯白茶可以吗？", 20),
]
REPLAY_CHAT = [
    ("meimei_sh", "第一款看起来就好脆！", 4),
    ("sophie_li", "How spicy is it, really?", 9),
    ("lily_eats", "微辣，不怕辣的可以放心冲～", 10),
    ("zhou_lei", "第二款已下单 ✌️", 21),
    ("jason_zhang", "The mango one looks amazing", 27),
    ("xiaoyu_88", "明天还有直播吗？", 38),
    ("lily_eats", "周末见！记得关注哦", 46),
]
REPLAY_PINS = (3, 17, 33)  # minutes into the show each product is pinned
REPLAY_MINUTES = 50


def _products(categories, count, consenting=False):
    """Up to `count` products of the categories (others if too few), the best
    stocked first; `consenting`: only those whose merchant allows flash sales."""
    query = Product.select().where(Product.status == "active", Product.stock > 0)
    if consenting:
        query = query.where(
            Product.flash_min_price_cents.is_null(False),
            Product.flash_max_units >= 1,
            Product.stock >= FLASH_UNITS,
        )
    chosen = list(
        query.where(Product.category.in_(categories))
        .order_by(Product.stock.desc(), Product.id)
        .limit(count)
    )
    if len(chosen) < count:
        ids = [p.id for p in chosen] or [0]
        chosen += list(
            query.where(Product.id.not_in(ids))
            .order_by(Product.stock.desc(), Product.id)
            .limit(count - len(chosen))
        )
    return chosen


def _shift(session_id, delta):
    """Move a show in time: its own times, its actions' and its messages'."""
    session = LiveSession.get_by_id(session_id)
    moved = {
        name: getattr(session, name) + delta
        for name in ("scheduled_at", "started_at", "ended_at", "created_at")
        if getattr(session, name) is not None
    }
    LiveSession.update(moved).where(LiveSession.id == session_id).execute()
    for model in (LiveAction, ChatMessage):
        rows = model.select(model.id, model.created_at).where(
            model.session == session_id
        )
        for row in list(rows):
            model.update(created_at=row.created_at + delta).where(
                model.id == row.id
            ).execute()


def _stamp(session_id, kind, moments):
    """Give the show's `kind` actions, in order, these times."""
    rows = (
        LiveAction.select(LiveAction.id)
        .where((LiveAction.session == session_id) & (LiveAction.kind == kind))
        .order_by(LiveAction.id)
    )
    for row, moment in zip(list(rows), moments, strict=False):
        LiveAction.update(created_at=moment).where(LiveAction.id == row.id).execute()


def _create(show, host, featured, **fields):
    """A session of `show` by `host` featuring `featured`, through the rules."""
    return sessions.create_session(
        host,
        {
            "title": show["title"],
            "description": show["description"],
            "product_ids": [p.id for p in featured],
            **fields,
        },
    )


def _on_air(users, now):
    show = SHOWS["on_air"]
    host = users[show["host"]]
    deal = _products(show["categories"], 1, consenting=True)
    others = [p for p in _products(show["categories"], 4) if p not in deal]
    featured = (deal + others)[:4]
    if not featured:
        return None
    session = sessions.start(_create(show, host, featured), host)
    started = session.started_at
    session = sessions.pin(session, host, featured[0].id)
    for username, body, ago in ON_AIR_CHAT:
        moment = started + ON_AIR_FOR - datetime.timedelta(seconds=ago)
        chat.post_chat(session, users[username], body, now=moment)
    if deal:
        product = Product.get_by_id(deal[0].id)
        flash_sales.launch(
            session,
            host,
            {
                "product_id": product.id,
                "price_cents": product.flash_min_price_cents,
                "quantity": min(FLASH_UNITS, product.flash_max_units),
                "per_user_limit": 2,
                "duration_s": FLASH_S,
            },
        )
    chat.add_likes(session.id, 1288)
    sales.note_viewers(session.id, 86)
    # it started ON_AIR_FOR ago: the pin two minutes in, the chat as posted
    _shift(session.id, -ON_AIR_FOR)
    _stamp(session.id, "pin", [started - ON_AIR_FOR + datetime.timedelta(minutes=2)])
    return session


def _scheduled(users, now):
    show = SHOWS["scheduled"]
    featured = _products(show["categories"], 3)
    tomorrow = (now + BEIJING + datetime.timedelta(days=1)).replace(
        hour=20, minute=0, second=0, microsecond=0
    )
    return _create(show, users[show["host"]], featured, scheduled_at=tomorrow - BEIJING)


def _replay(users, now):
    show = SHOWS["replay"]
    host = users[show["host"]]
    featured = _products(show["categories"], len(REPLAY_PINS))
    if not featured:
        return None
    session = sessions.start(_create(show, host, featured), host)
    started = session.started_at
    minute = datetime.timedelta(minutes=1)
    for product in featured:
        session = sessions.pin(session, host, product.id)
    for username, body, at in REPLAY_CHAT:
        chat.post_chat(session, users[username], body, now=started + at * minute)
    chat.add_likes(session.id, 3560)
    sales.note_viewers(session.id, 214)
    session = sessions.end(session, host)
    _stamp(session.id, "pin", [started + m * minute for m in REPLAY_PINS])
    _stamp(session.id, "end", [started + REPLAY_MINUTES * minute])
    LiveSession.update(ended_at=started + REPLAY_MINUTES * minute).where(
        LiveSession.id == session.id
    ).execute()
    # yesterday at 20:00 in Beijing
    yesterday = (now + BEIJING - datetime.timedelta(days=1)).replace(
        hour=20, minute=0, second=0, microsecond=0
    ) - BEIJING
    _shift(session.id, yesterday - started)
    return session


def seed_lives(users, now):
    """The three shows; {kind: session} (none without products)."""
    with transaction():
        shows = {
            "replay": _replay(users, now),
            "scheduled": _scheduled(users, now),
            "on_air": _on_air(users, now),
        }
    return {kind: s for kind, s in shows.items() if s is not None}
