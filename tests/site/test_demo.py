"""The demo seeder (`flask seed-demo`): a bilingual, pictured catalogue and the
creators' posts, with follows, likes and comments."""

import datetime
import re
from collections import Counter
from pathlib import Path

import pytest

from app import create_app
from demo import seed as demo
from demo.data import PASSWORD
from extensions import db
from livestall.accounts import passwords
from livestall.accounts.models import User
from livestall.bargain.models import Bargain, BargainRecord
from livestall.catalog import rules as catalog
from livestall.catalog.models import Product, ProductImage
from livestall.community import batches as community_batches
from livestall.community import campaigns as community_campaigns
from livestall.community.models import (
    BatchMark,
    CommunityBuy,
    Leader,
    LeaderEntry,
    PickupOrder,
)
from livestall.content.models import Comment, Follow, Like, Post, PostImage, PostProduct
from livestall.db.base import utcnow
from livestall.flash import sales as flash_sales
from livestall.group_buy import deals as group_deals
from livestall.group_buy import teams as group_teams
from livestall.group_buy.models import Team
from livestall.groups.models import Group, GroupMessage
from livestall.interaction import announcements, draws, polls
from livestall.interaction.models import Draw
from livestall.live import chat, replay, sessions
from livestall.live.models import LiveAction, LiveSession
from livestall.media.models import Image
from livestall.moderation import queue as moderation_queue
from livestall.orders import payments
from livestall.orders.models import Order
from livestall.platform.models import AuditEntry
from livestall.promotions.models import Coupon, RedPacket, UserCoupon
from tests.plugins.app import AuthActions, text

CJK = re.compile(r"[\u4e00-\u9fff]")
BEIJING = datetime.timedelta(hours=8)


def test_seed_builds_a_bilingual_pictured_world(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(tmp_path),
            "SECRET_KEY": "t",
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "WTF_CSRF_ENABLED": False,
        }
    )
    media = Path(app.config["MEDIA_DIR"])
    steps = []
    try:
        with db.connection_context():
            summary = demo.seed(
                products=160,
                media_dir=str(media),
                hash_method=app.config["PASSWORD_HASH_METHOD"],
                thumb_size=app.config["THUMBNAIL_SIZE"],
                progress=steps.append,
            )
            assert PASSWORD in summary and "\n" not in summary
            assert steps == [1] * demo.plan(160)

            products = list(Product.active())
            assert len(products) >= 160
            per_category = Counter(p.category for p in products)
            assert set(per_category) == set(catalog.CATEGORIES)
            assert min(per_category.values()) >= 5

            titles = [p.title for p in products]
            assert len(set(titles)) == len(titles)
            assert sum(bool(CJK.search(t)) for t in titles) >= 0.6 * len(titles)
            prizes = {d.product_id for d in Draw.select(Draw.product)}
            assert len(prizes) == 1
            for p in products:
                assert p.description and p.brand and 2 <= len(p.tags) <= 5
                assert p.currency == "CNY" and 0 <= p.stock <= 500
                assert 1990 <= p.price_cents <= 259900
                assert 500 <= p.commission_bps <= 2000
                # creators may run flash sales of it, within the shop's terms
                # (the show on air's lucky-bag prize: its shop allows ¥0 units)
                floor = 0 if p.id in prizes else 100
                assert floor <= p.flash_min_price_cents < p.price_cents
                assert p.flash_max_units >= 1
            assert any(p.stock == 0 for p in products)

            rows = Counter(r.product_id for r in ProductImage.select())
            assert all(rows[p.id] == 1 for p in products)
            for image in Image.select().join(ProductImage):
                assert (media / f"{image.sha256}.webp").is_file()
                assert (media / f"{image.sha256}_t.webp").is_file()
                assert (image.width, image.height) == (800, 800)

            merchants = list(User.with_role("merchant"))
            creators = list(User.with_role("creator"))
            assert len(merchants) >= 6 and len(creators) >= 8
            assert all(p.merchant.has_role("merchant") for p in products)
            assert all(c.avatar_id for c in creators)
            # most shops take bank transfers too; one is cash on delivery only
            ways = [payments.methods_for({m.id}) for m in merchants]
            assert ways.count(["cod", "bank_transfer"]) == len(merchants) - 1
            assert ways.count(["cod"]) == 1
            admin = User.get(User.username == "admin")
            assert admin.has_role("admin")
            assert passwords.verify_password(creators[0].password_hash, PASSWORD)
            assert passwords.verify_password(admin.password_hash, PASSWORD)
            assert creators[0].password_hash.startswith("pbkdf2:sha256:1000$")

            # The creators' posts: tagged products, their own photos, real dates.
            posts = list(Post.published().order_by(Post.id))
            assert len(posts) >= 30 and len(posts) == Post.select().count()
            per_author = Counter(p.author_id for p in posts)
            assert all(per_author[c.id] >= 4 for c in creators)
            tagged = Counter(r.post_id for r in PostProduct.select())
            photos = Counter(r.post_id for r in PostImage.select())
            owners = {
                r.post_id: r.image.owner_id
                for r in PostImage.select(PostImage, Image).join(Image)
            }
            for p in posts:
                assert 1 <= tagged[p.id] <= 4 and 1 <= photos[p.id] <= 3
                assert owners[p.id] == p.author_id
            for image in Image.select().join(PostImage):
                assert (media / f"{image.sha256}.webp").is_file()
                assert (image.width, image.height) == (750, 1000)
            distinct = PostImage.select(PostImage.image).distinct().count()
            assert distinct == sum(photos.values())  # every photo drawn afresh
            assert sum(bool(CJK.search(p.body)) for p in posts) >= 0.7 * len(posts)
            dates = [p.published_at for p in posts]
            assert dates == sorted(dates)  # newest last, ids in step with dates
            assert utcnow() - dates[0] < datetime.timedelta(days=30)
            assert dates[-1] < utcnow()
            assert dates[-1] - dates[0] > datetime.timedelta(days=14)

            # Follows, likes and comments, with counters that match the rows.
            shoppers = [u for u in User.with_role("shopper") if not u.has_role("admin")]
            creator_ids = {c.id for c in creators}
            follows = Counter(
                f.follower_id for f in Follow.select() if f.followee_id in creator_ids
            )
            assert len(shoppers) >= 10
            assert all(follows[s.id] >= 2 for s in shoppers)
            likes = Counter(r.post_id for r in Like.select())
            comments = Counter(r.post_id for r in Comment.select())
            for p in posts:
                assert p.like_count == likes[p.id] <= 15
                assert p.comment_count == comments[p.id] <= 4
            assert sum(likes.values()) > 3 * len(posts)
            assert sum(comments.values()) > len(posts)
            for c in Comment.select(Comment, Post).join(Post):
                assert c.created_at > c.post.published_at
    finally:
        if not db.is_closed():
            db.close()


def test_content_plan_is_deterministic_and_fits_any_catalogue():
    now = utcnow()
    specs = demo.build_catalogue(160)
    posts, follows = demo.build_content(specs, now)
    assert (posts, follows) == demo.build_content(demo.build_catalogue(160), now)
    assert len(posts) == demo.plan(160) - demo.plan(0) - 160
    for post in posts:
        categories = {specs[i]["data"]["category"] for i in post["products"]}
        assert categories and len(post["products"]) == len(set(post["products"]))
        assert 1 <= len(post["photos"]) <= 3
    tea = [p for p in posts if p["author"] == "susu_tea"]
    assert any(specs[p["products"][0]]["item"] == "西湖龙井" for p in tea)
    mum = {
        specs[i]["data"]["category"]
        for p in posts
        if p["author"] == "yoyo_mama"
        for i in p["products"]
    }
    assert "mother-baby" in mum

    small = demo.build_catalogue(3)
    posts, _ = demo.build_content(small, now)
    assert posts and all(0 < len(p["products"]) <= 3 for p in posts)
    assert all(i < len(small) for p in posts for i in p["products"])
    assert demo.build_content([], now)[0] == []


@pytest.mark.parametrize("products", [0, 5])
def test_small_seeds_report_exactly_the_planned_steps(app, products):
    steps = []
    with db.connection_context():
        demo.seed(
            products=products,
            media_dir=app.config["MEDIA_DIR"],
            hash_method=app.config["PASSWORD_HASH_METHOD"],
            progress=steps.append,
        )
        assert steps == [1] * demo.plan(products)
        posts = Post.select().count()
        assert posts == demo.plan(products) - demo.plan(0) - products
        assert (posts == 0) == (products == 0)
        assert Follow.select().count() >= 2 * 10


def test_seed_puts_a_live_on_air_one_tomorrow_and_a_replay(app):
    """A newcomer sees the live pages alive: one on air (started minutes ago, a
    product pinned, chat, a running flash sale the merchant consented to), one
    tomorrow, one replay with its product chapters and chat; and the other ways
    of buying together (拼团, coupons, 砍价, 社区团购) each with something to show."""
    with db.connection_context():
        demo.seed(
            products=30,
            media_dir=app.config["MEDIA_DIR"],
            hash_method=app.config["PASSWORD_HASH_METHOD"],
        )
        now = utcnow()
        shows = {s.status: s for s in LiveSession.select()}
        assert sorted(shows) == ["ended", "live", "scheduled"]

        on_air = shows["live"]
        started_ago = now - on_air.started_at
        assert (
            datetime.timedelta(minutes=2) < started_ago < datetime.timedelta(minutes=15)
        )
        assert on_air.pinned_product_id in {p.id for p in sessions.products_of(on_air)}
        assert len(chat.recent_chat(on_air)) >= 5
        assert all(m.created_at <= now for m in chat.recent_chat(on_air))
        assert on_air.likes > 0 and on_air.peak_viewers > 0
        [sale] = flash_sales.open_sales(on_air)
        assert flash_sales.status_of(sale) == "open"
        product = sale.product
        assert product.flash_min_price_cents <= sale.price_cents < product.price_cents
        assert sale.quantity <= product.flash_max_units
        assert (
            LiveAction.select()
            .where((LiveAction.session == on_air.id) & (LiveAction.kind == "pin"))
            .exists()
        )

        # the pinned product sells as a group too, with teams forming (拼团)
        deal = group_deals.running_deal(on_air.pinned_product_id)
        assert deal is not None and deal.price_cents < on_air.pinned_product.price_cents
        teams_of = {t.status: t for t in Team.select()}
        assert sorted(teams_of) == ["open", "succeeded"]
        forming = group_teams.open_teams(deal)
        assert sorted(t.seats_left for t in forming) == [1, 2]
        assert Team.select().where(Team.status == "succeeded").count() == 1

        # coupons on the shops' pages, held by shoppers (one paid an order), and a
        # drop and a red packet ready in the live (优惠券, 红包)
        shop_coupons = Coupon.select().where(Coupon.live.is_null())
        assert shop_coupons.count() >= 4
        assert {c.kind for c in shop_coupons} == {"amount_off", "percent_off"}
        assert UserCoupon.select().where(UserCoupon.status == "unused").count() >= 4
        [used] = UserCoupon.select().where(UserCoupon.status == "used")
        assert used.order.discount_cents == used.discount_cents > 0
        [drop] = Coupon.select().where(Coupon.live == on_air.id)
        assert drop.drop_pending
        [pool] = RedPacket.select().where(RedPacket.live == on_air.id)
        assert pool.status == "ready" and pool.total_cents == 8888

        # bargains at every stage: one friend in, most in, the floor reached and
        # bought at the floor (砍价)
        assert Bargain.select().count() == 2
        states = sorted(r.status for r in BargainRecord.select())
        assert states == ["open", "open", "ordered", "succeeded"]
        for record in BargainRecord.select():
            helps = list(record.helps)
            assert record.start_price_cents - record.price_cents == sum(
                h.cut_cents for h in helps
            )
            assert record.price_cents >= record.floor_price_cents
        [bought] = BargainRecord.select().where(BargainRecord.status == "ordered")
        assert bought.order.total_cents >= bought.floor_price_cents

        community = _assert_community_seeded(now)

        # the show on air has its announcement, a running poll with votes and a
        # lucky draw viewers entered by its keyword (the prize held at ¥0)
        assert announcements.of_session(on_air).text.startswith("今晚")
        poll = polls.current(on_air)
        assert poll.status == "open" and sum(polls.counts(poll)) == 5
        draw = draws.current(on_air)
        assert draw.status == "open" and draw.entrants == 5
        assert draw.sale.price_cents == 0 and draw.sale.quantity == draw.winners_count
        assert flash_sales.open_sales(on_air) == [sale]  # the prize is not on sale

        # the admin's queue has work: a comment two shoppers flagged as spam (first
        # reported), then a chat line in the show on air
        items, total = moderation_queue.queue("open")
        assert total == 2
        assert [(i["kind"], i["count"]) for i in items] == [("comment", 2), ("chat", 1)]
        assert items[1]["target"]["url"] == f"/live/{on_air.id}"

        tomorrow = shows["scheduled"]
        ahead = tomorrow.scheduled_at - now
        assert datetime.timedelta(hours=1) < ahead < datetime.timedelta(hours=48)
        assert sessions.products_of(tomorrow)

        replayed = shows["ended"]
        assert (
            replayed.started_at < replayed.ended_at < now - datetime.timedelta(hours=1)
        )
        chapters = replay.chapters(replayed)
        assert len(chapters) >= 2
        offsets = [c["offset_s"] for c in chapters]
        assert offsets == sorted(offsets) and offsets[0] > 0
        assert len({c["product"].id for c in chapters}) == len(chapters)
        lines = replay.replay(replayed)
        assert len(lines) >= 5 and lines[0][0] < lines[-1][0]  # "00:04:00" < ...

    # the pages show them
    client = app.test_client()
    for session in shows.values():
        resp = client.get(f"/live/{session.id}")
        assert resp.status_code == 200
        assert session.title in resp.get_data(as_text=True)
    listing = client.get("/live").get_data(as_text=True)
    assert all(s.title in listing for s in shows.values())
    _assert_community_pages(app, community)


def _assert_community_seeded(now):
    """Community group buying (社区团购): two approved points and an application
    waiting, a campaign still taking orders (cut-off tomorrow 22:00 Beijing time,
    pickup the day after) and one past its cut-off with orders at both points,
    one batch shipped and received, one order picked up and its commission in the
    leader's ledger; every move made by the rules (the approvals audited)."""
    statuses = {leader.user.username: leader.status for leader in Leader.select()}
    assert statuses == {
        "wang_fang": "approved",
        "dawei_hz": "approved",
        "jason_zhang": "pending",
    }
    approved = list(Leader.select().where(Leader.status == "approved"))
    for leader in approved:
        assert CJK.search(leader.point_name)
        assert leader.point_address and leader.point_phone
        assert re.fullmatch(r"\d\d:\d\d-\d\d:\d\d", leader.point_hours)
    assert "阳光花园3栋 便利店" in {leader.point_name for leader in approved}
    audited = AuditEntry.select().where(AuditEntry.action == "leader.approve")
    assert sorted(e.target_id for e in audited) == sorted(x.id for x in approved)

    [still_open] = community_campaigns.open_campaigns(now)
    local_cutoff = still_open.cutoff_at + BEIJING
    assert local_cutoff.date() == (now + BEIJING).date() + datetime.timedelta(days=1)
    assert (local_cutoff.hour, local_cutoff.minute) == (22, 0)
    assert still_open.pickup_on == local_cutoff.date() + datetime.timedelta(days=1)
    assert CJK.search(still_open.title)
    offered = community_campaigns.items_of(still_open)
    assert 2 <= len(offered) <= 3
    for product, price in offered.values():
        assert 0 < price < product.price_cents
        assert product.merchant_id == still_open.merchant_id

    [past] = CommunityBuy.select().where(CommunityBuy.cutoff_at <= now)
    assert past.merchant_id == still_open.merchant_id
    stock_up, made = community_batches.batches_of(past, now)
    assert stock_up and len(made) == 2
    assert {b["leader"].id for b in made} == {x.id for x in approved}
    assert all(len(b["orders"]) >= 2 for b in made)
    marks = list(BatchMark.select().where(BatchMark.community_buy == past.id))
    [mark] = marks  # one batch shipped and received, the other still to ship
    assert past.cutoff_at < mark.shipped_at < mark.received_at <= now
    [collected] = PickupOrder.select().where(PickupOrder.picked_up_at.is_null(False))
    assert collected.community_buy_id == past.id
    assert collected.leader_id == mark.leader_id and collected.open_code is None
    assert Order.get_by_id(collected.order_id).status == "delivered"
    [entry] = LeaderEntry.select()
    assert (entry.leader_id, entry.order_id) == (mark.leader_id, collected.order_id)
    assert (entry.state, entry.kind) == ("pending", "accrual")
    assert entry.amount_cents > 0
    waiting = PickupOrder.select().where(PickupOrder.community_buy == still_open.id)
    assert waiting.count() >= 2
    return {
        "leader": Leader.get_by_id(mark.leader_id),
        "merchant": past.merchant.username,
        "open": still_open,
        "past": past,
    }


def _assert_community_pages(app, community):
    """/points, a point's page, the merchant's console and the leader's pages
    answer the demo's people (demo password)."""
    leader = community["leader"]
    anon = app.test_client()
    near = text(anon.get("/points"))
    assert leader.point_name in near and "湖畔花园" not in near  # pending: hidden
    point = anon.get(f"/points/{leader.id}")
    assert point.status_code == 200
    assert community["open"].title in text(point)

    def signed_in(username):
        client = app.test_client()
        resp = AuthActions(client).login(username, PASSWORD)
        assert resp.status_code == 302, username
        return client

    shop = signed_in(community["merchant"])
    console = shop.get("/merchant/community")
    assert console.status_code == 200
    assert community["open"].title in text(console)
    assert community["past"].title in text(console)
    batches_page = shop.get(f"/merchant/community/{community['past'].id}")
    assert batches_page.status_code == 200
    assert leader.point_name in text(batches_page)

    own = signed_in(leader.user.username)
    home = own.get("/leader")
    assert home.status_code == 200
    assert f'id="batch-{community["past"].id}"' in text(home)
    assert own.get("/leader/pickup").status_code == 200
    earnings = own.get("/leader/earnings")
    assert earnings.status_code == 200
    assert "+¥" in text(earnings)
    _assert_groups(signed_in, community)


def _assert_groups(signed_in, community):
    """The point's neighbourhood group (社群): neighbours talking and tomorrow's
    campaign as a card; lily_eats' fan group joined by her followers."""
    leader = community["leader"]
    with db.connection_context():
        group = Group.get((Group.owner == leader.user_id) & (Group.kind == "leader"))
        assert group.member_count == 5  # wang_fang and four neighbours
        cards = GroupMessage.select().where(
            (GroupMessage.group == group.id) & GroupMessage.card_kind.is_null(False)
        )
        assert [(c.card_kind, c.card_id) for c in cards] == [
            ("campaign", community["open"].id)
        ]
        fans = Group.get(Group.kind == "fan")
        assert fans.owner.username == "lily_eats" and fans.member_count > 1
        said = GroupMessage.select().where(GroupMessage.group == fans.id).count()
        assert said >= 3
    page = signed_in("zhou_lei").get(f"/groups/{group.id}")
    assert page.status_code == 200
    assert community["open"].title in text(page) and "已下单 +1" in text(page)
