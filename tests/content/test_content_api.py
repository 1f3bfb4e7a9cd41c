"""Posts, feed, follows and touchpoints through the JSON API (API.md, Content)."""

import io

import pytest

from extensions import db
from livestall.accounts.models import User
from livestall.attribution.models import Touchpoint
from livestall.content.models import Post
from tests.plugins.api import image_bytes, upload
from tests.plugins.app import read_db

XSS = "<script>alert(1)</script><img src=x onerror=alert(1)> [x](javascript:alert(1))"


@pytest.fixture
def world(content_world):
    """A merchant with three products, a creator and a shopper (bearer tokens)."""
    return content_world()


def post(api, token, products, **extra):
    body = {"body": "**好物分享** 今天的茶", "product_ids": products, **extra}
    return api.call("POST", "/api/v1/posts", token=token, json=body)


def touchpoints(kind):
    return read_db(lambda: list(Touchpoint.select().where(Touchpoint.kind == kind)))


def test_creator_posts_with_products_and_photos(api, world):
    image = upload(api, world["creator"])
    resp = post(api, world["creator"], world["products"][:2], image_ids=[image])
    assert resp.status_code == 201
    got = resp.get_json()["post"]
    assert set(got) >= {
        "id",
        "author",
        "body_html",
        "products",
        "images",
        "url",
        "share_url",
        "created_at",
    }
    assert got["author"]["username"] == "lily"
    assert got["body_html"] == "<p><strong>好物分享</strong> 今天的茶</p>"
    assert [p["id"] for p in got["products"]] == world["products"][:2]
    assert got["products"][0]["title"] == "西湖龙井 0"
    assert [i["id"] for i in got["images"]] == [image]
    assert got["url"] == f"/posts/{got['id']}"
    assert got["created_at"].endswith("Z")


def test_post_body_is_sanitised(api, world):
    got = post(api, world["creator"], world["products"][:1], body=XSS).get_json()
    html = got["post"]["body_html"]
    for bad in ("<script", "onerror", "javascript:", "<img"):
        assert bad not in html


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"product_ids": []}, "product_ids", "Tag at least one product."),
        ({"product_ids": [999999]}, "product_ids", "There is no product 999999."),
        ({"product_ids": list(range(1, 23))}, "product_ids", "At most 20."),
        ({"product_ids": ["1"]}, "product_ids", "Expected a list of ids."),
        ({"body": ""}, "body", "Write something first."),
        ({"body": 7}, "body", "This field must be text."),
        ({"body": "x" * 20_001}, "body", "At most 20000 characters."),
        ({"image_ids": [424242]}, "image_ids", "There is no image 424242 of yours."),
        ({"publish": "yes"}, "publish", "publish must be true or false."),
    ],
)
def test_bad_posts_are_refused_clearly(api, world, change, field, message):
    resp = post(api, world["creator"], world["products"][:1], **change)
    assert resp.status_code == 400
    error = resp.get_json()["error"]
    assert error["field"] == field and error["message"] == message
    assert read_db(lambda: Post.select().count()) == 0


def test_archived_product_cannot_be_tagged(api, world):
    pid = world["products"][0]
    api.call("DELETE", f"/api/v1/products/{pid}", token=world["merchant"])
    resp = post(api, world["creator"], [pid])
    assert resp.status_code == 400
    assert "no longer sold" in resp.get_json()["error"]["message"]


def test_someone_elses_photo_cannot_be_used(api, world):
    theirs = upload(api, world["shopper"])
    resp = post(api, world["creator"], world["products"][:1], image_ids=[theirs])
    assert resp.status_code == 400 and resp.get_json()["error"]["field"] == "image_ids"


def test_only_creators_post(api, world):
    for who in ("shopper", "merchant"):
        resp = post(api, world[who], world["products"][:1])
        assert resp.status_code == 403
    assert post(api, None, world["products"][:1]).status_code == 401


def test_drafts_are_private(api, world):
    draft = post(api, world["creator"], [], publish=False).get_json()["post"]
    assert draft["status"] == "draft"
    path = f"/api/v1/posts/{draft['id']}"
    assert api.call("GET", path, token=world["creator"]).status_code == 200
    assert api.call("GET", path, token=world["shopper"]).status_code == 404
    assert api.call("GET", path).status_code == 404
    assert touchpoints("post_view") == []


def test_reading_a_post_records_a_view(api, world, client):
    got = post(api, world["creator"], world["products"][:1]).get_json()["post"]
    assert api.call("GET", f"/api/v1/posts/{got['id']}").status_code == 200
    api.call("GET", f"/api/v1/posts/{got['id']}", token=world["shopper"])
    views = touchpoints("post_view")
    lily = read_db(lambda: User.get(User.username == "lily"))
    mei = read_db(lambda: User.get(User.username == "mei"))
    assert [(t.post_id, t.creator_id) for t in views] == [(got["id"], lily.id)] * 2
    assert [t.user_id for t in views] == [None, mei.id]


def test_share_url_credits_the_sharer(api, world, client):
    got = post(api, world["creator"], world["products"][:1]).get_json()["post"]
    shared = api.call("GET", f"/api/v1/posts/{got['id']}", token=world["shopper"])
    share_url = shared.get_json()["post"]["share_url"]
    assert "?s=" in share_url and share_url.startswith("http://localhost/posts/")
    # Another visitor follows the link: recorded once, then the clean URL.
    visitor = client.application.test_client()
    resp = visitor.get(share_url.replace("http://localhost", ""))
    assert resp.status_code == 302 and resp.headers["Location"] == got["url"]
    (visit,) = touchpoints("share_visit")
    mei = read_db(lambda: User.get(User.username == "mei"))
    assert visit.sharer_id == mei.id and visit.post_id == got["id"]
    assert visit.visitor_id == visitor.get_cookie("lsv").value
    # A code nobody owns records nothing but still lands on the page.
    resp = visitor.get(f"/posts/{got['id']}?s=nobody12&utm_source=wx")
    assert resp.status_code == 302
    assert resp.headers["Location"] == f"/posts/{got['id']}?utm_source=wx"
    assert len(touchpoints("share_visit")) == 1


def test_product_opened_from_a_post_is_recorded(api, world, client):
    got = post(api, world["creator"], world["products"][:1]).get_json()["post"]
    pid = world["products"][0]
    assert client.get(f"/products/{pid}?src=post:{got['id']}").status_code == 200
    for junk in ("post:abc", "post:", "live:1", "post:99999999", "x" * 300):
        assert client.get(f"/products/{pid}?src={junk}").status_code == 200
    (click,) = touchpoints("product_click")
    lily = read_db(lambda: User.get(User.username == "lily"))
    assert (click.product_id, click.post_id, click.creator_id) == (
        pid,
        got["id"],
        lily.id,
    )


def test_visitor_touchpoints_join_the_account_at_sign_in(api, world, client, auth):
    got = post(api, world["creator"], world["products"][:1]).get_json()["post"]
    client.get(f"/products/{world['products'][0]}?src=post:{got['id']}")
    assert touchpoints("product_click")[0].user_id is None
    auth.signup("newbie")
    newbie = read_db(lambda: User.get(User.username == "newbie"))
    assert touchpoints("product_click")[0].user_id == newbie.id


def test_follow_and_feed(api, world):
    creator2 = api.user("chen", role="creator")
    first = post(api, world["creator"], world["products"][:1]).get_json()["post"]
    post(api, creator2, world["products"][1:2])
    third = post(api, world["creator"], world["products"][2:]).get_json()["post"]
    shopper = world["shopper"]
    assert api.call("GET", "/api/v1/feed", token=shopper).get_json()["total"] == 0
    assert api.call("PUT", "/api/v1/follows/lily", token=shopper).status_code == 204
    assert api.call("PUT", "/api/v1/follows/lily", token=shopper).status_code == 204
    feed = api.call("GET", "/api/v1/feed", token=shopper).get_json()
    assert [p["id"] for p in feed["items"]] == [third["id"], first["id"]]
    assert feed["total"] == 2 and feed["page"] == 1
    page2 = api.call("GET", "/api/v1/feed?per_page=1&page=2", token=shopper)
    assert [p["id"] for p in page2.get_json()["items"]] == [first["id"]]
    assert api.call("DELETE", "/api/v1/follows/lily", token=shopper).status_code == 204
    assert api.call("GET", "/api/v1/feed", token=shopper).get_json()["items"] == []


def test_follow_errors(api, world):
    shopper = world["shopper"]
    assert api.call("PUT", "/api/v1/follows/teashop", token=shopper).status_code == 404
    assert api.call("PUT", "/api/v1/follows/nobody", token=shopper).status_code == 404
    assert api.call("PUT", "/api/v1/follows/lily").status_code == 401
    resp = api.call("PUT", "/api/v1/follows/lily", token=world["creator"])
    assert resp.status_code == 400
    assert api.call("GET", "/api/v1/feed").status_code == 401


def count_queries(monkeypatch):
    calls = []
    original = type(db.obj).execute_sql

    def counting(self, sql, *args, **kwargs):
        calls.append(sql)
        return original(self, sql, *args, **kwargs)

    monkeypatch.setattr(type(db.obj), "execute_sql", counting)
    return calls


def test_feed_query_count_does_not_grow_with_posts(api, world, monkeypatch):
    shopper = world["shopper"]
    api.call("PUT", "/api/v1/follows/lily", token=shopper)
    counts = []
    for batch in (2, 15):
        for _ in range(batch):
            image = upload(api, world["creator"])
            post(api, world["creator"], world["products"], image_ids=[image])
        api.call("GET", "/api/v1/feed", token=shopper)  # share code made on first use
        calls = count_queries(monkeypatch)
        resp = api.call("GET", "/api/v1/feed?per_page=50", token=shopper)
        assert resp.status_code == 200
        counts.append(len(calls))
        monkeypatch.undo()
    assert counts[0] == counts[1], counts


def test_a_photo_someone_else_uploaded_first_can_still_be_posted(api, world):
    """Identical bytes share one stored image; whoever uploads them may use them."""
    same = image_bytes("PNG", (40, 40), color=(1, 2, 3))
    ids = []
    for token in (world["merchant"], world["creator"]):
        resp = api.call(
            "POST",
            "/api/v1/images",
            token=token,
            data={"file": (io.BytesIO(same), "same.png")},
            content_type="multipart/form-data",
        )
        ids.append(resp.get_json()["image"]["id"])
    assert ids[0] == ids[1]
    resp = post(api, world["creator"], world["products"][:1], image_ids=[ids[0]])
    assert resp.status_code == 201, resp.get_json()
    # ...but not by someone who never uploaded it.
    resp = post(
        api, api.user("chen", role="creator"), world["products"][:1], image_ids=[ids[0]]
    )
    assert resp.status_code == 400


def test_product_share_link_credits_the_sharer(api, world, client, auth):
    pid = world["products"][0]
    auth.signup("sharer")
    html = client.get(f"/products/{pid}").get_data(as_text=True)
    code = html.split(f"/products/{pid}?s=")[1].split('"')[0]
    visitor = client.application.test_client()
    resp = visitor.get(f"/products/{pid}?s={code}")
    assert resp.status_code == 302 and resp.headers["Location"] == f"/products/{pid}"
    (visit,) = touchpoints("share_visit")
    sharer = read_db(lambda: User.get(User.username == "sharer"))
    assert (visit.sharer_id, visit.product_id, visit.post_id) == (sharer.id, pid, None)
    # Following your own link records nothing.
    client.get(f"/products/{pid}?s={code}")
    assert len(touchpoints("share_visit")) == 1
