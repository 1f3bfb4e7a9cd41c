"""A line's source is the client's claim (issue 15, finding 3): `?src=`, the cart
and checkout forms, the API's `items[].source`. It earns credit, commission or a
"live purchase" only when it holds (`orders.sources.verified`): a post source for a
published post that tags the product, a live source for a buyer who watched
(joined) or grabbed in that room, a share source for a buyer who followed that
person's link. Any other claim is dropped, and the purchase still goes through.

The world: teashop's tea (¥100.00, 10% commission) and cup; creators wen (an
honest post about the tea, another about the cup), eve (a draft about the tea, a
post about the cup), lily and rose (each live now, both featuring the tea); mei
buys one tea, by the pages or by the API.
"""

import pytest

from extensions import socketio
from livestall.accounts.models import User
from livestall.attribution.models import AttributionCredit, Touchpoint
from livestall.content.models import Post, PostProduct
from livestall.orders.models import CartItem, OrderLine
from tests.factories.flash import CONSENT
from tests.factories.live import new_session
from tests.factories.orders import SHIP, Browser, order_id
from tests.plugins.app import read_db

NS = "/live"
CREATORS = ("wen", "eve", "lily", "rose")
# each attack: the claimed source (kind, name in the world), who it would credit,
# and the room mei really watched (None: none)
ATTACKS = {
    "draft_post": (("post", "eve_draft"), "eve", None),
    "post_not_tagging_the_product": (("post", "eve_cup"), "eve", None),
    "someone_elses_post_not_tagging_it": (("post", "wen_cup"), "wen", None),
    "live_never_watched": (("live", "lily"), "lily", None),
    "live_of_another_room": (("live", "rose"), "rose", "lily"),
    "flash_sale_of_another_room": (("flash", "rose_sale"), "rose", "lily"),
    "share_link_never_followed": (("share", "eve"), "eve", None),
}


@pytest.fixture
def world(app, api):
    shop = api.user("teashop", role="merchant")
    tea = api.product(
        shop,
        title="明前龙井",
        price_cents=10000,
        stock=50,
        commission_bps=1000,
        **CONSENT,
    )["id"]
    cup = api.product(shop, title="青瓷杯", price_cents=5000, stock=50)["id"]
    tokens = {name: api.user(name, role="creator") for name in CREATORS}
    lives = {name: new_session(api, tokens[name], [tea]) for name in ("lily", "rose")}

    def write():
        users = {u.username: u.id for u in User.select()}
        posts = {}
        for name, author, product, status in (
            ("wen_tea", "wen", tea, "published"),
            ("wen_cup", "wen", cup, "published"),
            ("eve_draft", "eve", tea, "draft"),
            ("eve_cup", "eve", cup, "published"),
        ):
            post = Post.create(
                author=users[author], body="茶", body_html="<p>茶</p>", status=status
            )
            PostProduct.create(post=post, product=product, position=0)
            posts[name] = post.id
        return users, posts

    users, posts = read_db(write)
    return {
        "app": app,
        "api": api,
        "tea": tea,
        "tokens": tokens,
        "users": users,
        "posts": posts,
        "lives": lives,
    }


def launch_sale(world, host):
    """A flash sale of the tea in `host`'s live: its id."""
    resp = world["api"].call(
        "POST",
        f"/api/v1/live/{world['lives'][host]}/flash-sales",
        token=world["tokens"][host],
        json={
            "product_id": world["tea"],
            "price_cents": 8000,
            "quantity": 5,
            "per_user_limit": 1,
            "duration_s": 600,
        },
    )
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()["flash_sale"]["id"]


def claim(world, kind, name):
    """The source text of a claim: `post:ID`, `live:ID`, `flash:ID`, `share:ID`."""
    if kind == "post":
        return f"post:{world['posts'][name]}"
    if kind == "live":
        return f"live:{world['lives'][name]}"
    if kind == "flash":
        return f"flash:{launch_sale(world, name.removesuffix('_sale'))}"
    return f"share:{world['users'][name]}"


def watch(world, host, **client):
    """Join `host`'s room on the socket (a `live_watch` touchpoint), as the
    browser (`flask_test_client`) or the bearer token (`auth`) given."""
    sock = socketio.test_client(world["app"], namespace=NS, **client)
    ack = sock.emit(
        "join", {"session_id": world["lives"][host]}, namespace=NS, callback=True
    )
    assert ack["ok"], ack
    return sock


def credits(oid):
    """(kind, earner's username, revenue, commission) of an order's credits."""
    names = {}

    def run():
        names.update({u.id: u.username for u in User.select()})
        return list(
            AttributionCredit.select()
            .where(AttributionCredit.order_id == oid)
            .order_by(AttributionCredit.id)
        )

    return [
        (c.kind, names.get(c.earner_id), c.revenue_cents, c.commission_cents)
        for c in read_db(run)
    ]


def line_source(oid):
    return read_db(lambda: OrderLine.get(OrderLine.order == oid).source)


def clicks():
    """(creator, post) of every product click recorded."""
    return read_db(
        lambda: [
            (t.creator_id, t.post_id)
            for t in Touchpoint.select().where(Touchpoint.kind == "product_click")
        ]
    )


DIRECT = [("direct", None, 10000, 0)]
WATCHED_LILY = [("live_watch", "lily", 10000, 1000)]  # the touch mei really made


# --- through the pages ----------------------------------------------------------------


def page_buy(world, source, browser=None):
    """`browser` (mei, signed in, unless given) opens the tea with `?src=`, adds
    it with the page's source, and checks out: (order id, the cart line's source)."""
    mei = browser or Browser(world["app"], "mei")
    assert mei.get(f"/products/{world['tea']}?src={source}").status_code == 200
    assert mei.add(world["tea"], 1, source=source).location == "/cart"
    if browser is not None and browser.username is None:
        assert browser.auth.signup("mei", display_name="Mei").status_code == 302
    in_cart = read_db(lambda: CartItem.get().source)
    resp, _key = mei.checkout()
    return order_id(resp), in_cart


@pytest.mark.parametrize("attack", list(ATTACKS))
def test_a_crafted_page_source_earns_nothing(world, attack):
    (kind, name), claimed, watched = ATTACKS[attack]
    mei = Browser(world["app"], "mei")
    if watched:
        watch(world, watched, flask_test_client=mei.client)
    source = claim(world, kind, name)
    oid, in_cart = page_buy(world, source, mei)  # bought all the same
    assert clicks() == []  # no product click for a draft or a post without it
    got = credits(oid)
    assert not [c for c in got if c[1] == claimed or c[0] == "live_purchase"]
    assert got == (WATCHED_LILY if watched else DIRECT)
    assert in_cart is None and line_source(oid) is None  # nor the room's stats


def test_a_published_post_that_tags_the_product_still_earns(world):
    source = f"post:{world['posts']['wen_tea']}"
    oid, in_cart = page_buy(world, source)
    assert in_cart == source and line_source(oid) == source
    assert clicks() == [(world["users"]["wen"], world["posts"]["wen_tea"])]
    assert credits(oid) == [("product_click", "wen", 10000, 1000)]


def test_a_viewer_who_joined_the_room_buys_from_the_live(world):
    mei = Browser(world["app"], "mei")
    watch(world, "lily", flask_test_client=mei.client)
    source = f"live:{world['lives']['lily']}"
    oid, in_cart = page_buy(world, source, mei)
    assert in_cart == source and line_source(oid) == source
    assert credits(oid) == [("live_purchase", "lily", 10000, 1000)]


def test_an_anonymous_viewer_keeps_the_live_source_through_sign_up(world):
    """Watched and filled the cart signed out (the browser's visitor cookie),
    then signed up: the watch is hers, the claim holds at checkout."""
    visitor = Browser(world["app"])
    visitor.get("/")  # the visitor cookie
    watch(world, "lily", flask_test_client=visitor.client)
    source = f"live:{world['lives']['lily']}"
    oid, in_cart = page_buy(world, source, visitor)
    assert in_cart == source and line_source(oid) == source
    assert credits(oid) == [("live_purchase", "lily", 10000, 1000)]


def test_a_cart_line_claimed_from_another_browser_earns_nothing(world):
    """A browser where someone else watched proves nothing for the next account
    signed in on it (only touchpoints nobody owns yet count as the browser's)."""
    shared = Browser(world["app"], "lin")
    watch(world, "lily", flask_test_client=shared.client)
    shared.auth.logout()
    shared.auth.signup("mei", display_name="Mei")
    shared.username = "mei"
    oid, in_cart = page_buy(world, f"live:{world['lives']['lily']}", shared)
    assert credits(oid) == DIRECT
    assert in_cart is None and line_source(oid) is None


# --- through the API ------------------------------------------------------------------


def api_buy(world, token, source, key="claims-0001"):
    """POST /api/v1/orders for one tea with `source`: the order id (201 always)."""
    resp = world["api"].call(
        "POST",
        "/api/v1/orders",
        token=token,
        json={
            "items": [{"product_id": world["tea"], "qty": 1, "source": source}],
            "shipping": SHIP,
            "idempotency_key": key,
        },
    )
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()["order"]["id"]


@pytest.mark.parametrize("attack", list(ATTACKS))
def test_a_crafted_api_source_earns_nothing(world, attack):
    (kind, name), claimed, watched = ATTACKS[attack]
    mei = world["api"].user("mei")
    if watched:
        watch(world, watched, auth={"token": mei})
    oid = api_buy(world, mei, claim(world, kind, name))
    got = credits(oid)
    assert not [c for c in got if c[1] == claimed or c[0] == "live_purchase"]
    assert got == (WATCHED_LILY if watched else DIRECT)
    assert line_source(oid) is None


def test_the_api_keeps_a_true_post_source(world):
    mei = world["api"].user("mei")
    source = f"post:{world['posts']['wen_tea']}"
    oid = api_buy(world, mei, source)
    assert line_source(oid) == source
    assert credits(oid) == DIRECT  # as before: a source alone is no touchpoint


def test_an_api_viewer_who_joined_buys_from_the_live(world):
    mei = world["api"].user("mei")
    watch(world, "lily", auth={"token": mei})
    source = f"live:{world['lives']['lily']}"
    oid = api_buy(world, mei, source)
    assert line_source(oid) == source
    assert credits(oid) == [("live_purchase", "lily", 10000, 1000)]


def test_a_grab_in_the_room_is_proof_enough(world):
    """mei never joined on the socket, but grabbed a flash-sale unit in lily's
    room: her list-price tea claimed from that room (or that sale) is a live
    purchase; rose's room, where she did nothing, still earns nothing."""
    api, mei = world["api"], world["api"].user("mei")
    sale = launch_sale(world, "lily")
    resp = api.call("POST", f"/api/v1/flash-sales/{sale}/grab", token=mei, json={})
    assert resp.status_code == 201, resp.get_json()
    for key, source in (
        ("grab-0001", f"live:{world['lives']['lily']}"),
        ("grab-0002", f"flash:{sale}"),
    ):
        oid = api_buy(world, mei, source, key=key)
        assert line_source(oid) == source
        assert credits(oid) == [("live_purchase", "lily", 10000, 1000)]
    oid = api_buy(world, mei, f"live:{world['lives']['rose']}", key="grab-0003")
    assert credits(oid) == [("flash_grab", "lily", 10000, 1000)]
    assert line_source(oid) is None


def test_a_followed_share_link_still_names_its_sharer(world):
    """The honest share path: mei follows eve's link, then claims it."""
    from livestall.content import social

    mei = Browser(world["app"], "mei")
    code = read_db(lambda: social.share_code_for(User.get(User.username == "eve")))
    mei.get(f"/products/{world['tea']}?s={code}")
    source = f"share:{world['users']['eve']}"
    oid, in_cart = page_buy(world, source, mei)
    assert in_cart == source and line_source(oid) == source
    assert credits(oid) == [("share_visit", "eve", 10000, 1000)]
