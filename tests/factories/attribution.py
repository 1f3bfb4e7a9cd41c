"""Attribution's scripted journey: mei reads creator A's post tagging the tea (3 days
before buying), follows creator B's share link to it (2 days before), watches
creator C's live featuring it (1 day before); `buy` then places her order under a
merchant's attribution model. The tea is ¥100.00 with a 10% commission."""

import datetime

from livestall.accounts.models import User
from livestall.attribution.models import Touchpoint
from livestall.content.models import Post, PostProduct
from livestall.db.base import utcnow
from livestall.live.models import LiveProduct, LiveSession
from livestall.merchants.models import MerchantProfile
from livestall.orders import checkout
from tests.plugins.app import read_db

SHIP = {
    "name": "王小明",
    "address": "浙江省杭州市西湖区龙井路 1 号",
    "phone": "13800000000",
}
DAY = datetime.timedelta(days=1)


def journey(app, api):
    """teashop's tea and cup, creators a, b and c, mei and her three touchpoints:
    {"users": {username: User}, "post", "live", "tea", "cup", "merchant" (a User)}."""
    merchant = api.user("teashop", role="merchant")
    for name in ("creator_a", "creator_b", "creator_c"):
        api.user(name, role="creator")
    api.user("mei")
    tea = api.product(
        merchant, title="明前龙井", price_cents=10000, stock=50, commission_bps=1000
    )
    cup = api.product(merchant, title="青瓷杯", price_cents=5000, stock=50)

    def build():
        users = {u.username: u for u in User.select()}
        post = Post.create(
            author=users["creator_a"], body="好茶", body_html="<p>好茶</p>"
        )
        PostProduct.create(post=post, product=tea["id"], position=0)
        live = LiveSession.create(
            host=users["creator_c"], title="直播", scheduled_at=utcnow() - 2 * DAY
        )
        LiveProduct.create(session=live, product=tea["id"])
        now = utcnow()
        mei = users["mei"].id
        touch = [
            ("post_view", {"post_id": post.id, "creator_id": users["creator_a"].id}, 3),
            (
                "share_visit",
                {"product_id": tea["id"], "sharer_id": users["creator_b"].id},
                2,
            ),
            (
                "live_watch",
                {"live_session_id": live.id, "creator_id": users["creator_c"].id},
                1,
            ),
        ]
        for kind, fields, days in touch:
            Touchpoint.create(
                kind=kind,
                visitor_id="v-mei",
                user_id=mei,
                created_at=now - days * DAY,
                **fields,
            )
        return users, post, live

    users, post, live = read_db(build)
    return {
        "users": users,
        "post": post,
        "live": live,
        "tea": tea["id"],
        "cup": cup["id"],
        "merchant": users["teashop"],
    }


def buy(journey, model, items=None, key="key-journey-1", buyer="mei"):
    """`buyer` orders (one tea unless `items`) with the merchant's model set to
    `model`: the merchant's order."""

    def run():
        MerchantProfile.insert(
            user=journey["merchant"].id, attribution_model=model
        ).on_conflict(
            conflict_target=[MerchantProfile.user],
            update={MerchantProfile.attribution_model: model},
        ).execute()
        placed, _ = checkout.place_order(
            User.get(User.username == buyer),
            items or [{"product_id": journey["tea"], "qty": 1}],
            SHIP,
            key,
        )
        return placed[0]

    return read_db(run)
