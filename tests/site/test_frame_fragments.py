"""Cached fragments show each viewer exactly what a full render shows them.

The frame's (base.html: the header, the account menu, the tab bar, the report
sheet) and the shared ones of pages (post cards liked or not, a post's photos,
text, products and comments, a product's photos and description, shop grids):
pages are fetched with fragments cached (warmed by other viewers first, shoppers
with the same roles among them) and compared with the same pages rendered in full,
with the page cache's shared store off and on. Names, unread counts, cart badges,
likes, one's own comments, tokens and addresses are the viewer's own; a change
shows at once."""

import re

import pytest

from livestall.accounts.models import User
from livestall.notifications.models import Notification
from tests.factories import accounts
from tests.factories.content import world as content_world
from tests.plugins.app import AuthActions, read_db

TOKEN = re.compile(r'(name="csrf_token" value="|name="csrf-token" content=")[^"]+"')


def _normal(html):
    return TOKEN.sub(r'\1TOKEN"', html)


class _Browser:
    def __init__(self, client, username):
        self.client, self.username = client, username
        self.id = read_db(lambda: User.get(User.username == username).id)

    def get(self, path, **kw):
        return self.client.get(path, **kw)

    def post(self, path, data=None, **kw):
        token = AuthActions(self.client).token()
        return self.client.post(path, data={"csrf_token": token, **(data or {})}, **kw)


def _signed_in(app, username):
    client = app.test_client()
    assert AuthActions(client).login(username).status_code == 302
    return _Browser(client, username)


@pytest.fixture
def cast(app, api):
    world = content_world(app, api)
    lily, mei = _signed_in(app, "lily"), _signed_in(app, "mei")
    kai = accounts.Person(app, "kai")
    shop = accounts.Person(app, "shopkeeper", role="merchant")
    boss = accounts.make_admin(app, "boss")
    resp = api.call(
        "POST",
        "/api/v1/posts",
        token=world["creator"],
        json={"body": "今天的茶", "product_ids": world["products"][:1]},
    )
    assert resp.status_code == 201, resp.get_json()

    def setup():
        # names that need escaping, unread notifications, a cart
        User.update(display_name='Mei <b>"&"</b>').where(User.id == mei.id).execute()
        for _ in range(3):
            Notification.create(user=mei.id, kind="order_shipped", data={})
        Notification.create(user=lily.id, kind="order_shipped", data={})

    read_db(setup)
    add = mei.post("/cart/add", {"product_id": world["products"][0], "qty": 2})
    assert add.status_code in (302, 303), add.status_code
    post_id = resp.get_json()["post"]["id"]
    # kai follows lily (his home is her feed) and likes the post; mei comments
    assert kai.post("/u/lily/follow").status_code in (302, 303)
    assert kai.post(f"/posts/{post_id}/like").status_code in (302, 303)
    said = mei.post(f"/posts/{post_id}/comments", {"body": "好喝吗？"})
    assert said.status_code in (302, 303)
    for person in (mei, kai, shop, boss):
        person.get("/cart")  # their flash messages shown
    return {
        "world": world,
        "post": resp.get_json()["post"]["id"],
        "viewers": {
            "anonymous": None,
            "mei": mei,
            "kai": kai,
            "lily": lily,
            "shopkeeper": shop,
            "boss": boss,
        },
    }


def _get(app, viewer, path, cached):
    app.config["FRAGMENT_CACHE"] = cached
    client = viewer.client if viewer else app.test_client()
    resp = client.get(path)
    return resp.status_code, _normal(resp.get_data(as_text=True))


def _store(app, seconds):
    """The page cache's shared store on (`seconds`) or off, as the app runs it."""
    from blueprints.page_cache import cache_of

    cache_of(app).ttl_s = seconds


@pytest.mark.parametrize("store_s", [0, 30])
def test_cached_frame_equals_a_full_render_for_every_viewer(app, cast, store_s):
    _store(app, store_s)
    product = cast["world"]["products"][0]
    pages = [
        "/",
        "/shop",
        f"/products/{product}",
        f"/posts/{cast['post']}",
        "/u/lily",
        "/search?q=%E9%BE%99%E4%BA%95%22%3E%3Cb%3E",
        "/cart",
        "/me",
        "/orders",
        "/merchant/products",
        "/admin/reports",
        "/live",
        "/c/tea-drinks",
        "/?tab=discover",
    ]
    compared = 0
    for path in pages:
        for name, viewer in cast["viewers"].items():
            status, cached = _get(app, viewer, path, True)
            again_status, full = _get(app, viewer, path, False)
            assert status == again_status, (path, name)
            assert cached == full, (path, name)
            compared += status == 200
    assert compared >= 40
    assert len(app.extensions["livestall_fragments"]) > 10  # they were cached


def test_each_viewer_sees_their_own_name_counts_and_cart(app, cast):
    mei, kai = cast["viewers"]["mei"], cast["viewers"]["kai"]
    for _ in range(2):  # the second round is served from the fragments
        mei_page = _get(app, mei, "/shop", True)[1]
        kai_page = _get(app, kai, "/shop", True)[1]
        assert "Mei &lt;b&gt;&#34;&amp;&#34;&lt;/b&gt;" in mei_page
        assert "<b>" not in mei_page.split("<main", 1)[0]
        assert 'aria-label="Notifications: 3 unread"' in mei_page
        assert '<span class="badge">3</span>' in mei_page
        assert '<span class="badge">2</span>' in mei_page  # her cart
        assert ">Kai</span>" in kai_page and "Mei" not in kai_page
        assert "unread" not in kai_page.split("<main", 1)[0]
        assert '<span class="badge">' not in kai_page
    # the same fragment served both: one per roles and page
    keys = list(app.extensions["livestall_fragments"]._entries)
    header_keys = [k for k in keys if k[0] == "header" and k[3][0] == "shop.index"]
    assert len(header_keys) == 1


def test_a_creator_menu_marks_her_own_page(app, cast):
    lily, kai = cast["viewers"]["lily"], cast["viewers"]["kai"]
    kai.get("/u/lily")
    page = _get(app, lily, "/u/lily", True)[1]
    menu = page.split('id="me-menu"', 1)[1].split("</div>\n          </div>", 1)[0]
    assert '<a href="/u/lily" aria-current="page">My page</a>' in menu
    other = _get(app, lily, "/shop", True)[1]
    assert '<a href="/u/lily">My page</a>' in other


def test_shared_fragments_keep_likes_and_own_comments_apart(app, cast):
    _store(app, 30)
    post = cast["post"]
    mei, kai, lily = (cast["viewers"][k] for k in ("mei", "kai", "lily"))
    for _ in range(2):  # the second round is served from the store
        kai_home = _get(app, kai, "/", True)[1]
        mei_post = _get(app, mei, f"/posts/{post}", True)[1]
        kai_post = _get(app, kai, f"/posts/{post}", True)[1]
        lily_page = _get(app, lily, "/u/lily", True)[1]
        # kai's card and button say liked; lily's own page does not
        assert 'class="count liked"' in kai_home
        assert 'class="count liked"' not in lily_page
        assert 'class="btn btn-pill liked" aria-pressed="true"' in kai_post
        assert "btn-pill liked" not in mei_post
        # mei may delete her comment; kai may report it
        mine = mei_post.split('class="comment-list"', 1)[1]
        theirs = kai_post.split('class="comment-list"', 1)[1]
        assert "好喝吗？" in mine and "好喝吗？" in theirs
        assert "/delete" in mine.split("</ul>", 1)[0]
        assert "/delete" not in theirs.split("</ul>", 1)[0]


def test_a_change_shows_at_once_on_signed_in_pages(app, api, cast):
    _store(app, 30)
    world = cast["world"]
    product = world["products"][0]
    kai = cast["viewers"]["kai"]
    assert "¥88.00" not in _get(app, kai, f"/products/{product}", True)[1]
    resp = api.call(
        "PATCH",
        f"/api/v1/products/{product}",
        token=world["merchant"],
        json={"price_cents": 8800, "description": "新茶上市"},
    )
    assert resp.status_code == 200, resp.get_json()
    page = _get(app, kai, f"/products/{product}", True)[1]
    assert "¥88.00" in page and "新茶上市" in page

    # a post edited: its text on its page and its card, at once
    def edit():
        from livestall.content import rules as content

        post = content.get_post(cast["post"])
        content.update_post(post, post.author, "明前龙井，今天到货", [product])

    read_db(edit)
    assert "明前龙井" in _get(app, kai, f"/posts/{cast['post']}", True)[1]
    assert "明前龙井" in _get(app, kai, "/", True)[1]
