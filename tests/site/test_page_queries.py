"""Each public page runs a constant number of SQL statements, whatever it shows:
home, shop, category, product, post and creator pages, for an anonymous visitor
and for a signed-in shopper, with a few items and with many (more posts, products,
images, comments, likes and follows). A page whose count grows with its items has
an N+1 query (issue 24)."""

from livestall.accounts.models import User
from livestall.media import images
from tests.factories import accounts, catalog
from tests.factories.content import world as content_world
from tests.plugins.api import image_bytes
from tests.plugins.app import read_db

from .test_page_cache import visit


def count_queries(app, fn):
    """How many SQL statements `fn` runs (counted where peewee executes them)."""
    from extensions import db

    real = db.obj
    seen = []
    execute = real.execute_sql

    def counting(sql, params=None, *args, **kwargs):
        seen.append(sql)
        return execute(sql, params, *args, **kwargs)

    real.execute_sql = counting
    try:
        fn()
    finally:
        del real.execute_sql  # back to the class's method
    return len(seen)


def photo(app, username, shade):
    def run():
        user = User.get(User.username == username)
        return images.ingest(
            image_bytes(color=(shade, 40, 200)),
            user,
            media_dir=app.config["MEDIA_DIR"],
            max_pixels=app.config["MAX_IMAGE_PIXELS"],
            thumb_size=app.config["THUMBNAIL_SIZE"],
        ).id

    return read_db(run)


def test_public_pages_run_a_constant_number_of_queries(app, api):
    world = content_world(app, api)
    merchant, lily = world["merchant"], world["creator"]
    mei = accounts.Person(app, "meimei")
    anonymous = app.test_client()
    shades = iter(range(0, 256, 4))

    def post(token, product_ids, body):
        resp = api.call(
            "POST",
            "/api/v1/posts",
            token=token,
            json={"body": body, "product_ids": product_ids},
        )
        assert resp.status_code == 201, resp.get_json()
        return resp.get_json()["post"]["id"]

    first = post(lily, world["products"][:1], "第一篇")
    product = world["products"][0]
    pages = (
        "/",
        "/?tab=discover",
        "/shop",
        "/c/tea-drinks",
        f"/products/{product}",
        f"/posts/{first}",
        "/u/lily",
    )

    def measure():
        counts = {}
        for who, client in (("anonymous", anonymous), ("signed in", mei.client)):
            for path in pages:
                visit(client, path)  # warm: prepared statements, avatars
                counts[who, path] = count_queries(
                    app, lambda c=client, p=path: visit(c, p)
                )
        return counts

    mei.post("/u/lily/follow")
    writer = api.user("writer", role="creator")
    mei.post("/u/writer/follow")
    for username in ("lily", "writer", "meimei"):
        image_id = photo(app, username, next(shades))
        read_db(
            lambda u=username, i=image_id: (
                User.update(avatar=i).where(User.username == u).execute()
            )
        )
    made = {"shops": 0}

    def grow(n):
        """n more of everything the pages list: a shop's products, posts tagging
        several products by both creators, comments and likes."""
        made["shops"] += 1
        _, more = catalog.shop(
            api, f"cupshop{made['shops']}", catalog.teas(2 * n + 3, "青瓷杯 {n}")
        )
        more_ids = [p["id"] for p in more]
        for i in range(n):
            liked = post(lily, world["products"] + more_ids[i : i + 3], f"Lily {i}")
            post(writer, more_ids[i : i + 2], f"Writer {i}")
            mei.post(f"/posts/{liked}/like")
            resp = mei.post(f"/posts/{first}/comments", {"body": f"好喝 {i}"})
            assert resp.status_code in (200, 302)

    grow(2)  # a few of each: every kind of item is on the pages
    mei.post(f"/posts/{first}/like")
    few = measure()
    grow(12)
    api.call(
        "PATCH",
        f"/api/v1/products/{product}",
        token=merchant,
        json={"description": "明前特级 " * 20},
    )
    many = measure()
    grew = {key: (few[key], many[key]) for key in few if few[key] != many[key]}
    assert not grew, f"query counts grew with the items shown: {grew}"
