"""The page cache (livestall/platform/pagecache.py, blueprints/page_cache.py):
anonymous visitors get public pages from it, each with their own CSRF token; a
price change, a post edit or a takedown is seen at once; stock never older than
the bound; signed-in visitors, flashed messages and unknown query arguments pass
by; across processes a change drops the other processes' pages through Redis."""

import re
import uuid

import pytest

from blueprints import page_cache
from livestall.attribution.models import Touchpoint
from livestall.catalog.models import Product
from livestall.platform.pagecache import Entry, PageCache
from tests.factories import accounts, catalog
from tests.factories.content import world as content_world
from tests.plugins.app import read_db

META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


@pytest.fixture
def cache(app):
    """The app's page cache, on (the test app has it off), with a clock we move."""
    cache = page_cache.cache_of(app)
    now = [1000.0]
    cache.ttl_s = 60
    cache.clock = lambda: now[0]
    cache.now = now
    return cache


@pytest.fixture
def shop(app, api):
    merchant, products = catalog.shop(
        api, "teashop", [{"title": "明前龙井", "price_cents": 12900, "stock": 7}]
    )
    return {"merchant": merchant, "product": products[0]["id"]}


def visit(client, path, **kw):
    resp = client.get(path, **kw)
    assert resp.status_code == 200, (path, resp.status_code)
    return resp


def test_anonymous_visitors_share_the_page_and_each_get_their_own_token(
    app, cache, shop
):
    path = f"/products/{shop['product']}"
    one, two = app.test_client(), app.test_client()
    first, second = visit(one, path), visit(two, path)
    assert first.headers[page_cache.HEADER] == "MISS"
    assert second.headers[page_cache.HEADER] == "HIT"
    tokens = []
    for resp in (first, second):
        html = resp.get_data(as_text=True)
        assert page_cache.HOLE not in html
        assert "明前龙井" in html
        tokens.append(META.search(html).group(1))
    assert tokens[0] != tokens[1]
    # the token on the cached page is the visitor's own: their form goes through
    resp = two.post(
        "/login",
        data={"csrf_token": tokens[1], "login": "nobody", "password": "wrong pass"},
    )
    assert resp.status_code == 401  # past the CSRF check: the password is wrong
    # and another visitor's token is refused (no one shares a token)
    resp = one.post(
        "/login",
        data={"csrf_token": tokens[1], "login": "nobody", "password": "wrong pass"},
    )
    assert resp.status_code == 400


def test_every_public_page_is_cached_for_anonymous_visitors(app, api, cache):
    world = content_world(app, api)
    lily = world["creator"]
    resp = api.call(
        "POST",
        "/api/v1/posts",
        token=lily,
        json={"body": "新茶到了", "product_ids": world["products"][:1]},
    )
    assert resp.status_code == 201, resp.get_json()
    post_id = resp.get_json()["post"]["id"]
    visitor = app.test_client()
    for path in (
        "/",
        "/shop",
        "/c/tea-drinks",
        f"/products/{world['products'][0]}",
        f"/posts/{post_id}",
        "/u/lily",
        "/?page=2",
    ):
        assert visit(visitor, path).headers[page_cache.HEADER] == "MISS", path
        assert visit(visitor, path).headers[page_cache.HEADER] == "HIT", path
    # a post read from the cache still counts as read (its touchpoint)
    views = read_db(
        lambda: (
            Touchpoint.select()
            .where((Touchpoint.kind == "post_view") & (Touchpoint.post_id == post_id))
            .count()
        )
    )
    assert views == 2


def test_signed_in_people_flashes_and_other_arguments_pass_by(app, api, cache, shop):
    path = f"/products/{shop['product']}"
    mei = accounts.Person(app, "mei")
    for _ in range(2):
        resp = visit(mei.client, path)
        assert page_cache.HEADER not in resp.headers
        assert "Mei" in resp.get_data(as_text=True)
    visitor = app.test_client()
    visit(visitor, path)
    # a share-attributed or source-tagged visit is not the cached page
    resp = visit(visitor, f"{path}?src=post:1")
    assert page_cache.HEADER not in resp.headers
    # a message waiting for this browser is shown, not the cached page
    with visitor.session_transaction() as sess:
        sess["_flashes"] = [("success", "已保存 saved-message")]
    resp = visit(visitor, path)
    assert page_cache.HEADER not in resp.headers
    assert "saved-message" in resp.get_data(as_text=True)


def test_languages_are_cached_apart(app, cache, shop):
    path = f"/products/{shop['product']}"
    english, chinese = app.test_client(), app.test_client()
    chinese.set_cookie("lang", "zh")
    english.set_cookie("lang", "en")
    for _ in range(2):
        assert 'lang="zh-CN"' in visit(chinese, path).get_data(as_text=True)
        assert 'lang="en"' in visit(english, path).get_data(as_text=True)


def test_a_price_change_is_seen_at_once(app, api, cache, shop):
    path = f"/products/{shop['product']}"
    visitor = app.test_client()
    assert "129.00" in visit(visitor, path).get_data(as_text=True)
    assert visit(visitor, path).headers[page_cache.HEADER] == "HIT"
    resp = api.call(
        "PATCH",
        f"/api/v1/products/{shop['product']}",
        token=shop["merchant"],
        json={"price_cents": 9900},
    )
    assert resp.status_code == 200, resp.get_json()
    resp = visit(visitor, path)
    assert resp.headers[page_cache.HEADER] == "MISS"
    html = resp.get_data(as_text=True)
    assert "99.00" in html and "129.00" not in html


def test_a_takedown_is_gone_at_once(app, api, cache):
    world = content_world(app, api)
    resp = api.call(
        "POST",
        "/api/v1/posts",
        token=world["creator"],
        json={"body": "违规内容 takedown-me", "product_ids": world["products"][:1]},
    )
    post_id = resp.get_json()["post"]["id"]
    visitor = app.test_client()
    for path in (f"/posts/{post_id}", "/", "/u/lily"):
        visit(visitor, path)
        resp = visit(visitor, path)
        assert resp.headers[page_cache.HEADER] == "HIT"
        assert "takedown-me" in resp.get_data(as_text=True), path
    boss = accounts.admin_token(api)
    report = api.call(
        "POST",
        "/api/v1/reports",
        token=world["shopper"],
        json={"kind": "post", "id": post_id, "reason": "spam"},
    )
    assert report.status_code == 201, report.get_json()
    report_id = report.get_json()["report"]["id"]
    resp = api.call(
        "POST",
        f"/api/v1/admin/reports/{report_id}/resolve",
        token=boss,
        json={"action": "take_down"},
    )
    assert resp.status_code == 200, resp.get_json()
    for path in ("/", "/u/lily"):
        assert "takedown-me" not in visitor.get(path).get_data(as_text=True), path
    assert "takedown-me" not in visitor.get(f"/posts/{post_id}").get_data(as_text=True)


def test_stock_is_never_older_than_the_bound(app, cache, shop):
    path = f"/products/{shop['product']}"
    visitor = app.test_client()
    assert "In stock: 7" in visit(visitor, path).get_data(as_text=True)

    def sell():  # a sale's guarded UPDATE: no signal, the age bound covers it
        Product.update(stock=Product.stock - 5).where(
            Product.id == shop["product"]
        ).execute()

    read_db(sell)
    cache.now[0] += cache.ttl_s - 0.1
    resp = visit(visitor, path)
    assert resp.headers[page_cache.HEADER] == "HIT"
    assert "In stock: 7" in resp.get_data(as_text=True)
    cache.now[0] += 0.1  # the bound: never older than ttl_s
    resp = visit(visitor, path)
    assert resp.headers[page_cache.HEADER] == "MISS"
    assert "In stock: 2" in resp.get_data(as_text=True)


def test_a_render_overtaken_by_a_change_is_not_kept():
    cache = PageCache(ttl_s=60)
    started = cache.start()
    cache.changed()  # a takedown while the page was being rendered
    cache.put("k", Entry(b"old", 200, "text/html"), started)
    assert cache.get("k") is None
    cache.put("k", Entry(b"new", 200, "text/html"), cache.start())
    assert cache.get("k").body == b"new"


def test_the_cache_is_bounded():
    cache = PageCache(ttl_s=60, size=3)
    for n in range(5):
        cache.put(n, Entry(b"x", 200, "text/html"), cache.start())
    assert len(cache) == 3
    assert cache.get(0) is None and cache.get(4) is not None


@pytest.mark.serial
def test_a_change_in_one_process_drops_the_others_pages(monkeypatch):
    """Two processes' caches over one Redis: a change on A is gone from B's
    within `check_s`; with Redis unreachable B renders (never trusts blind)."""
    pytest.importorskip("redis")
    import redis

    from livestall.platform import shared

    url = "redis://127.0.0.1:6379/9"
    redis.Redis.from_url(url, socket_timeout=3).ping()
    channel = "lstest-" + uuid.uuid4().hex[:10]
    shared.configure(url, channel)
    try:
        now = [0.0]
        a = PageCache(ttl_s=60, check_s=0.5, clock=lambda: now[0])
        b = PageCache(ttl_s=60, check_s=0.5, clock=lambda: now[0])
        page = Entry(b"<p>on sale</p>", 200, "text/html")
        assert b.get("p") is None  # first look at the counter
        b.put("p", page, b.start())
        assert b.get("p") is page
        a.changed()  # a takedown on process A
        now[0] += 0.4
        assert b.get("p") is page  # inside B's check interval
        now[0] += 0.1
        assert b.get("p") is None  # B read the counter: dropped
        b.put("p", page, b.start())
        assert b.get("p") is page
        shared.configure("redis://127.0.0.1:1/0", "lstest-down")  # Redis gone
        now[0] += 1
        assert b.get("p") is None
    finally:
        shared.configure(url, channel)
        shared.redis_client().delete(shared.key("pages", "generation"))
        shared.configure("", "livestall")


def test_signed_in_pages_share_listings_and_still_see_changes_at_once(
    app, api, cache, shop
):
    """What signed-in pages take from the shared store (a shop listing, the
    discover posts) follows the same rules: a price change shows at once."""
    mei = accounts.Person(app, "mei")
    assert "129.00" in visit(mei.client, "/shop").get_data(as_text=True)
    hits = cache.hits
    assert "129.00" in visit(mei.client, "/shop").get_data(as_text=True)
    assert cache.hits > hits  # the listing came from the shared store
    resp = api.call(
        "PATCH",
        f"/api/v1/products/{shop['product']}",
        token=shop["merchant"],
        json={"price_cents": 8800},
    )
    assert resp.status_code == 200
    html = visit(mei.client, "/shop").get_data(as_text=True)
    assert "88.00" in html and "129.00" not in html
    # and stock sold by a guarded UPDATE (no signal) is at most the bound old
    read_db(
        lambda: Product.update(stock=0).where(Product.id == shop["product"]).execute()
    )
    cache.now[0] += cache.ttl_s
    assert "Sold out" in visit(mei.client, f"/products/{shop['product']}").get_data(
        as_text=True
    )


def test_a_guests_cart_badge_is_their_own_on_a_cached_page(app, cache, shop):
    """A guest's cart (their visitor cookie) is a hole in the cached page."""
    path = f"/products/{shop['product']}"
    buyer, other = app.test_client(), app.test_client()
    visit(other, path)  # the page is cached with no cart in it
    visit(buyer, "/")  # the visitor cookie
    token = META.search(visit(buyer, "/shop").get_data(as_text=True)).group(1)
    resp = buyer.post(
        "/cart/add",
        data={"csrf_token": token, "product_id": shop["product"], "qty": 3},
    )
    assert resp.status_code in (200, 302), resp.status_code
    visit(buyer, "/cart")  # where "added" is said
    mine = visit(buyer, path)
    assert mine.headers[page_cache.HEADER] == "HIT"
    html = mine.get_data(as_text=True)
    assert '<span class="badge">3</span>' in html
    assert '<span class="visually-hidden">: </span>3</span>' in html
    theirs = visit(other, path).get_data(as_text=True)
    assert 'class="badge"' not in theirs and "__livestall_hole" not in theirs
