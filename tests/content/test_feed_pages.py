"""The content web pages: home feed, posts, likes, comments, follows, creator pages.

HTTP tests per route and role through the real forms (CSRF included), the XSS corpus
on the post page, feed order and paging, and a constant query count for the feeds.
"""

import io
import logging
import re
from html import unescape
from urllib.parse import urlsplit

import pytest

from blueprints.content.views import PER_PAGE, parse_product_refs
from livestall.accounts.models import User
from livestall.attribution.models import Touchpoint
from livestall.content import rules as content
from livestall.content import social
from livestall.content.models import Comment, Post, PostImage, PostProduct
from livestall.media import images
from livestall.media.models import Image
from tests.factories.accounts import Person, make_admin
from tests.factories.content import XSS_CORPUS
from tests.plugins.api import image_bytes
from tests.plugins.app import csrf_token, error_of, plain, read_db, text

# --- set-up ---------------------------------------------------------------------------


@pytest.fixture
def world(content_world):
    """A merchant's three products (one archived), a creator, a shopper (browsers)."""
    return content_world(
        title="西湖龙井 Longjing {n}", archive_last=True, browsers=True
    )


def write(
    person, products, body="**好物分享** My tea this week", action="publish", **kw
):
    """Post the form at /posts/new; return the response."""
    data = {"body": body, "product_ids": [str(p) for p in products], "action": action}
    data.update(kw)
    return person.post("/posts/new", data, content_type="multipart/form-data")


def new_post_id(resp):
    assert resp.status_code == 302, text(resp)[:2000]
    match = re.fullmatch(r"/posts/(\d+)", urlsplit(resp.location).path)
    assert match, resp.location
    return int(match.group(1))


def make_post(username, products, body="A post", publish=True, images=None):
    """Write a post straight through the service (fast, for set-up)."""

    def run():
        author = User.get(User.username == username)
        return content.create_post(author, body, products, images, publish).id

    return read_db(run)


def post_row(post_id):
    return read_db(lambda: Post.get_or_none(Post.id == post_id))


def section(html, start, end):
    """The part of a page between two markers."""
    assert start in html, start
    return html.split(start, 1)[1].split(end, 1)[0]


def post_body(html):
    return section(html, '<div class="post-body">', '<p class="muted small post-date">')


# --- writing posts --------------------------------------------------------------------


def test_creator_writes_a_post_with_two_products_and_a_photo(app, world):
    lily = world["creator"]
    p1, p2 = world["products"]
    form = text(lily.get("/posts/new"))
    assert "Markdown supported" in form
    assert f'name="product_ids" value="{p1}"' in form
    assert f'name="product_ids" value="{world["archived"]}"' not in form
    assert 'name="photos"' in form and "multiple" in form

    resp = write(
        lily,
        [p1],
        product_refs=f"http://localhost/products/{p2}?x=1, junk /c/tea {p1}",
        photos=[(io.BytesIO(image_bytes("JPEG", (300, 400))), "tea.jpg")],
    )
    post_id = new_post_id(resp)
    page = lily.get(f"/posts/{post_id}")
    html = text(page)
    assert page.status_code == 200
    assert "Post published." in html
    assert "<strong>好物分享</strong>" in post_body(html)
    for pid in (p1, p2):
        assert f'href="/products/{pid}?src=post:{post_id}"' in html
    assert html.count('class="btn btn-small btn-block buy"') == 2
    assert re.search(r'<img src="/media/[0-9a-f]{64}\.webp"', html)
    assert f'href="/posts/{post_id}/edit"' in html  # the author's own buttons
    assert f'action="/posts/{post_id}/delete"' in html

    def links():
        tagged = PostProduct.select().where(PostProduct.post == post_id)
        photos = PostImage.select().where(PostImage.post == post_id)
        return [r.product_id for r in tagged.order_by(PostProduct.position)], len(
            list(photos)
        )

    assert read_db(links) == ([p1, p2], 1)
    assert post_row(post_id).is_published


def test_product_references_are_parsed_leniently():
    assert parse_product_refs("12, 13 /products/14 https://x.test/products/15?a=b") == [
        12,
        13,
        14,
        15,
    ]
    assert parse_product_refs("abc, /products/, 0, -3, ¹², ４５, 1e5, /c/kitchen") == []
    assert parse_product_refs("7，8、9;10\n11") == [7, 8, 9, 10, 11]
    assert parse_product_refs("9" * 40) == []  # longer than any id: junk
    assert parse_product_refs(None) == []


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"body": "   "}, "body", "Write something first."),
        ({"body": "x" * 20_001}, "body", "At most 20000 characters."),
        ({"product_ids": []}, "product_ids", "Tag at least one product."),
        (
            {"product_refs": "424242 and some junk"},
            "product_ids",
            "There is no product 424242.",
        ),
        ({"archived": True}, "product_ids", "is no longer sold and cannot be tagged"),
    ],
)
def test_form_errors_are_shown_next_to_the_field(world, fields, field, message):
    lily = world["creator"]
    products = list(world["products"][:1])
    if fields.pop("archived", False):
        products.append(world["archived"])
    products = fields.pop("product_ids", products)
    resp = write(lily, products, **fields)
    assert resp.status_code == 400
    assert message in (error_of(text(resp), field) or "")
    assert read_db(lambda: Post.select().count()) == 0


def test_a_stored_photo_survives_a_form_error(world):
    lily = world["creator"]
    resp = write(
        lily,
        world["products"],
        body="",
        photos=[(io.BytesIO(image_bytes()), "a.png")],
    )
    assert resp.status_code == 400
    html = text(resp)
    image_id = read_db(lambda: Image.get(Image.owner == lily.id).id)
    assert f'name="image_ids" value="{image_id}" checked' in html
    for pid in world["products"]:  # the ticked products stay ticked
        assert f'name="product_ids" value="{pid}" checked' in html
    resp = write(lily, world["products"], image_ids=[str(image_id)])
    post_id = new_post_id(resp)
    assert (
        read_db(lambda: PostImage.get(PostImage.post == post_id).image_id) == image_id
    )


def test_photo_limits_and_broken_photos(world):
    lily = world["creator"]
    files = [(io.BytesIO(image_bytes(color=(i, 0, 0))), f"{i}.png") for i in range(10)]
    resp = write(lily, world["products"], photos=files)
    assert resp.status_code == 400
    assert error_of(text(resp), "image_ids") == "At most 9 photos."
    resp = write(lily, world["products"], photos=[(io.BytesIO(b"<svg/>"), "x.png")])
    assert resp.status_code == 400
    assert error_of(text(resp), "image_ids")
    assert read_db(lambda: Post.select().count()) == 0


def test_someone_elses_image_id_is_refused(app, world, api):
    other = Person(app, "rival", "creator")
    write(other, world["products"], photos=[(io.BytesIO(image_bytes()), "a.png")])
    theirs = read_db(lambda: Image.get(Image.owner == other.id).id)
    resp = write(world["creator"], world["products"], image_ids=[str(theirs)])
    assert resp.status_code == 400
    assert error_of(text(resp), "image_ids") == f"There is no image {theirs} of yours."


@pytest.mark.parametrize("role", ["shopper", "merchant"])
def test_only_creators_and_admins_write(app, world, role, client):
    person = Person(app, f"a_{role}", role)
    assert person.get("/posts/new").status_code == 403
    assert write(person, world["products"]).status_code == 403
    resp = client.get("/posts/new")
    assert resp.status_code == 302 and urlsplit(resp.location).path == "/login"
    admin = make_admin(app)
    assert admin.get("/posts/new").status_code == 200
    new_post_id(write(admin, world["products"]))


def test_nav_has_write_and_my_page_for_creators(world):
    nav = section(text(world["creator"].get("/")), '<nav class="nav"', "</nav>")
    assert 'href="/posts/new"' in nav and 'href="/u/lily"' in nav
    nav = section(text(world["shopper"].get("/")), '<nav class="nav"', "</nav>")
    assert "/posts/new" not in nav and "My page" not in nav


# --- drafts, editing, deleting --------------------------------------------------------


def test_a_draft_is_seen_only_by_its_author(app, world, client):
    lily, mei = world["creator"], world["shopper"]
    post_id = new_post_id(write(lily, world["products"], body="Secret", action="draft"))
    assert not post_row(post_id).is_published
    html = text(lily.get(f"/posts/{post_id}"))
    assert "Draft saved. Only you can see it." in html
    assert "This is a draft: only you can see it." in html
    assert mei.get(f"/posts/{post_id}").status_code == 404
    assert client.get(f"/posts/{post_id}").status_code == 404
    assert make_admin(app).get(f"/posts/{post_id}").status_code == 404
    assert "Secret" not in text(mei.get("/u/lily"))
    own = text(lily.get("/u/lily"))
    assert "Secret" in own and 'class="tag tag-draft"' in own
    assert "Secret" not in text(lily.get("/?tab=discover"))
    # Others cannot like, comment on or edit a draft: it does not exist for them.
    for path in ("like", "comments", "edit", "delete"):
        assert mei.post(f"/posts/{post_id}/{path}").status_code == 404, path
    # A draft needs no products; publishing it does.
    draft = new_post_id(write(lily, [], body="Idea", action="draft"))
    resp = lily.post(f"/posts/{draft}/edit", {"body": "Idea", "action": "publish"})
    assert resp.status_code == 400
    assert error_of(text(resp), "product_ids") == "Tag at least one product."


def test_publishing_a_draft_by_editing(world):
    lily, mei = world["creator"], world["shopper"]
    post_id = new_post_id(write(lily, world["products"][:1], action="draft"))
    form = text(lily.get(f"/posts/{post_id}/edit"))
    assert "My tea this week" in form and ">Publish<" in form
    assert f'name="product_ids" value="{world["products"][0]}" checked' in form
    resp = lily.post(
        f"/posts/{post_id}/edit",
        {
            "body": "Now public",
            "product_ids": [str(p) for p in world["products"]],
            "action": "publish",
        },
        content_type="multipart/form-data",
    )
    assert resp.status_code == 302
    assert "Post saved." in text(lily.get(resp.location))
    row = post_row(post_id)
    assert row.is_published and row.published_at and row.body == "Now public"
    assert "Now public" in text(mei.get(f"/posts/{post_id}"))


def test_only_the_author_edits(app, world):
    lily, mei = world["creator"], world["shopper"]
    post_id = make_post("lily", world["products"], "Original")
    rival = Person(app, "rival", "creator")
    admin = make_admin(app)
    for person in (mei, rival, admin):
        assert person.get(f"/posts/{post_id}/edit").status_code == 403
        resp = person.post(f"/posts/{post_id}/edit", {"body": "Hacked"})
        assert resp.status_code == 403
        assert f"/posts/{post_id}/edit" not in text(person.get(f"/posts/{post_id}"))
    assert post_row(post_id).body == "Original"
    draft = make_post("lily", [], "Draft", publish=False)
    assert rival.get(f"/posts/{draft}/edit").status_code == 404
    assert lily.get(f"/posts/{draft}/edit").status_code == 200
    resp = app.test_client().get(f"/posts/{post_id}/edit")
    assert resp.status_code == 302 and urlsplit(resp.location).path == "/login"


def test_only_the_author_or_an_admin_deletes(app, world):
    lily, mei = world["creator"], world["shopper"]
    first = make_post("lily", world["products"], "First")
    second = make_post("lily", world["products"], "Second")
    rival = Person(app, "rival", "creator")
    for person in (mei, rival):
        assert person.post(f"/posts/{first}/delete").status_code == 403
    assert post_row(first) is not None
    resp = lily.post(f"/posts/{first}/delete")
    assert resp.status_code == 302 and urlsplit(resp.location).path == "/u/lily"
    assert "Post deleted." in text(lily.get(resp.location))
    assert post_row(first) is None
    assert mei.get(f"/posts/{first}").status_code == 404
    resp = make_admin(app).post(f"/posts/{second}/delete")
    assert resp.status_code == 302 and post_row(second) is None


# --- reading, liking, sharing ---------------------------------------------------------


def test_post_page_for_each_role(app, world, client):
    post_id = make_post("lily", world["products"], "Hello *tea*")
    for browser in (client, world["shopper"].client, world["creator"].client):
        resp = browser.get(f"/posts/{post_id}")
        assert resp.status_code == 200
        assert "<em>tea</em>" in resp.get_data(as_text=True)
    assert client.get("/posts/987654").status_code == 404
    anon = text(client.get(f"/posts/{post_id}"))
    assert "Sign in to comment" in anon
    assert f'action="/posts/{post_id}/comments"' not in anon
    assert f"/posts/{post_id}/edit" not in anon and "/delete" not in anon
    assert f'value="http://localhost/posts/{post_id}"' in anon  # a plain share link


def test_a_missing_post_and_someone_elses_draft_look_the_same(world):
    draft = make_post("lily", [], "Draft", publish=False)
    mei = world["shopper"]
    mei.get("/")  # show the welcome flash now

    def page(resp):
        return re.sub(r'value="[^"]*"', "", resp.get_data(as_text=True))

    for suffix, method in [("", "get"), ("/edit", "get"), ("/like", "post")]:
        real = getattr(mei, method)(f"/posts/{draft}{suffix}")
        ghost = getattr(mei, method)(f"/posts/987654{suffix}")
        assert real.status_code == ghost.status_code == 404
        assert page(real) == page(ghost)


def test_share_box_carries_the_viewers_code_and_the_link_lands(app, world, client):
    post_id = make_post("lily", world["products"])
    mei = world["shopper"]
    html = text(mei.get(f"/posts/{post_id}"))
    code = mei.user().share_code
    assert code
    assert f'value="http://localhost/posts/{post_id}?s={code}"' in html
    resp = client.get(f"/posts/{post_id}?s={code}")
    assert resp.status_code == 302
    assert urlsplit(resp.location).path == f"/posts/{post_id}"
    assert client.get(resp.location).status_code == 200


def test_reading_a_post_records_a_view(world, client):
    post_id = make_post("lily", world["products"])
    client.get(f"/posts/{post_id}")
    rows = read_db(lambda: list(Touchpoint.select()))
    assert [(r.kind, r.post_id) for r in rows] == [("post_view", post_id)]
    draft = make_post("lily", world["products"], publish=False)
    world["creator"].get(f"/posts/{draft}")
    assert read_db(lambda: Touchpoint.select().count()) == 1  # drafts: no view


def test_like_and_unlike(app, world, client):
    post_id = make_post("lily", world["products"])
    mei = world["shopper"]
    resp = mei.post(f"/posts/{post_id}/like")
    assert (
        resp.status_code == 302 and urlsplit(resp.location).path == f"/posts/{post_id}"
    )
    mei.post(f"/posts/{post_id}/like")  # twice: still one like
    assert post_row(post_id).like_count == 1
    html = text(mei.get(f"/posts/{post_id}"))
    assert f'action="/posts/{post_id}/unlike"' in html and "Liked" in html
    assert '<span class="like-count">1</span>' in html
    Person(app, "jun").post(f"/posts/{post_id}/like")
    assert post_row(post_id).like_count == 2
    home = text(mei.get("/"))
    assert 'class="count liked"' in home  # the card shows mei's like
    mei.post(f"/posts/{post_id}/unlike")
    mei.post(f"/posts/{post_id}/unlike")
    assert post_row(post_id).like_count == 1
    assert f'action="/posts/{post_id}/like"' in text(mei.get(f"/posts/{post_id}"))
    resp = client.post(
        f"/posts/{post_id}/like", data={"csrf_token": csrf_token(client, "/")}
    )
    assert resp.status_code == 302 and urlsplit(resp.location).path == "/login"
    assert f"next=/posts/{post_id}" in unescape(resp.location).replace("%2F", "/")
    # Without a CSRF token nothing happens.
    assert mei.client.post(f"/posts/{post_id}/like").status_code == 400
    assert post_row(post_id).like_count == 1


# --- comments -------------------------------------------------------------------------


def comment_ids(post_id):
    return read_db(
        lambda: [c.id for c in Comment.select().where(Comment.post == post_id)]
    )


def test_comments_are_plain_text(world):
    post_id = make_post("lily", world["products"])
    mei = world["shopper"]
    payload = "<b>nice</b> <script>alert(1)</script> **tea**"
    resp = mei.post(f"/posts/{post_id}/comments", {"body": payload})
    assert resp.status_code == 302
    assert urlsplit(resp.location).path == f"/posts/{post_id}"
    html = mei.get(f"/posts/{post_id}").get_data(as_text=True)
    comments = section(html, '<ul class="comment-list">', "</ul>")
    assert "&lt;b&gt;nice&lt;/b&gt; &lt;script&gt;alert(1)&lt;/script&gt;" in comments
    assert "<script" not in comments and "<b>" not in comments
    assert "Comment posted." in html
    assert post_row(post_id).comment_count == 1


def test_empty_and_long_comments_are_refused_with_a_flash(world):
    post_id = make_post("lily", world["products"])
    mei = world["shopper"]
    for body, message in [("  ", "Write something first."), ("x" * 501, "At most 500")]:
        resp = mei.post(f"/posts/{post_id}/comments", {"body": body})
        assert resp.status_code == 302
        assert message in text(mei.get(resp.location))
    assert comment_ids(post_id) == []


def test_who_may_delete_a_comment(app, world):
    post_id = make_post("lily", world["products"])
    lily, mei = world["creator"], world["shopper"]
    jun = Person(app, "jun")
    for n in range(3):
        mei.post(f"/posts/{post_id}/comments", {"body": f"comment {n}"})
    first, second, third = comment_ids(post_id)
    html = text(jun.get(f"/posts/{post_id}"))
    assert f"/comments/{first}/delete" not in html  # no button for bystanders
    assert jun.post(f"/comments/{first}/delete").status_code == 403
    assert f"/comments/{first}/delete" in text(mei.get(f"/posts/{post_id}"))
    resp = mei.post(f"/comments/{first}/delete")  # the comment's author
    assert resp.status_code == 302
    assert urlsplit(resp.location).path == f"/posts/{post_id}"
    assert lily.post(f"/comments/{second}/delete").status_code == 302  # post author
    assert make_admin(app).post(f"/comments/{third}/delete").status_code == 302
    assert comment_ids(post_id) == []
    assert post_row(post_id).comment_count == 0
    assert mei.post(f"/comments/{first}/delete").status_code == 404  # gone


def test_comments_are_rate_limited(world):
    post_id = make_post("lily", world["products"])
    mei = world["shopper"]
    for n in range(social.COMMENTS_PER_MINUTE):
        resp = mei.post(f"/posts/{post_id}/comments", {"body": f"n{n}"})
        assert resp.status_code == 302
    resp = mei.post(f"/posts/{post_id}/comments", {"body": "one too many"})
    assert resp.status_code == 302
    assert "You are commenting too fast. Wait a minute." in text(mei.get(resp.location))
    assert len(comment_ids(post_id)) == social.COMMENTS_PER_MINUTE


# --- following and creator pages ------------------------------------------------------


def test_follow_and_unfollow_from_the_creator_page(app, world, client):
    mei = world["shopper"]
    page = text(mei.get("/u/lily"))
    assert 'action="/u/lily/follow"' in page and "0 followers" in plain(
        mei.get("/u/lily")
    )
    resp = mei.post("/u/lily/follow", {"next": "/u/lily"})
    assert resp.status_code == 302 and urlsplit(resp.location).path == "/u/lily"
    page = text(mei.get("/u/lily"))
    assert "You follow Lily now." in page and 'action="/u/lily/unfollow"' in page
    assert "1 follower " in plain(mei.get("/u/lily"))
    mei.post("/u/lily/follow")  # twice: still one
    assert (
        read_db(lambda: social.follower_count(User.get_by_id(world["creator"].id))) == 1
    )
    resp = mei.post("/u/lily/unfollow", {"next": "https://evil.example/"})
    assert resp.status_code == 302 and urlsplit(resp.location).netloc in (
        "",
        "localhost",
    )
    assert urlsplit(resp.location).path == "/u/lily"
    assert "0 followers" in plain(mei.get("/u/lily"))
    # Nobody follows themselves; non-creators have no page; anonymous must sign in.
    lily = world["creator"]
    resp = lily.post("/u/lily/follow")
    assert "You cannot follow yourself." in text(lily.get(resp.location))
    assert mei.post("/u/teashop/follow").status_code == 404
    resp = client.post("/u/lily/follow", data={"csrf_token": csrf_token(client, "/")})
    assert resp.status_code == 302 and urlsplit(resp.location).path == "/login"


def test_creator_page_shows_profile_picks_and_posts(app, world, client):
    lily = world["creator"]
    read_db(
        lambda: (
            User.update(bio="Tea lover in 杭州 <b>hi</b>")
            .where(User.id == lily.id)
            .execute()
        )
    )
    first = make_post("lily", world["products"][:1], "First post")
    make_post("lily", world["products"][1:], "Second post")
    draft = make_post("lily", [], "Unfinished", publish=False)
    world["shopper"].post("/u/lily/follow")
    html = client.get("/u/lily").get_data(as_text=True)
    assert "<h1>Lily</h1>" in html and "@lily" in html
    assert "Tea lover in 杭州 &lt;b&gt;hi&lt;/b&gt;" in html
    stats = plain(client.get("/u/lily"))
    assert "1 follower 0 following 2 posts" in stats
    picks = section(html, 'id="picks-title"', "</section>")
    for pid in world["products"]:
        assert f'href="/products/{pid}"' in picks
    posts = section(html, 'id="posts-title"', "</section>")
    assert posts.index("Second post") < posts.index("First post")
    assert f'href="/posts/{first}"' in posts and f"/posts/{draft}" not in posts
    assert 'class="avatar avatar-xl avatar-empty"' in html  # no avatar: an initial
    assert 'action="/u/lily/follow"' in html  # anonymous: the button signs in first
    own = text(lily.get("/u/lily"))
    assert "Unfinished" in own and "Write a post" in own and "/u/lily/follow" not in own
    for name in ("teashop", "mei", "nobody", "x" * 40, "LILY"):
        expected = 200 if name == "LILY" else 404
        assert client.get(f"/u/{name}").status_code == expected, name


# --- the home feed --------------------------------------------------------------------


def test_home_for_anonymous_is_discover_with_a_hint(world, client):
    make_post("lily", world["products"], "Fresh tea")
    html = text(client.get("/"))
    assert "Follow creators to fill your feed" in html
    assert 'class="tabs"' not in html
    assert "Fresh tea" in html and 'id="popular-title"' in html
    strip = section(html, 'id="new-products-title"', "</section>")
    assert 'href="/shop"' in strip
    assert strip.count('class="card product-card"') == 2  # the archived one is not
    assert 'class="brand" href="/"' in html


def test_home_tabs_for_a_follower(app, world):
    mei = world["shopper"]
    make_post("lily", world["products"], "From Lily")
    rival = Person(app, "rival", "creator")
    make_post("rival", world["products"], "From Rival")
    html = text(mei.get("/"))
    assert 'class="tabs"' not in html and "Follow creators to fill your feed" in html
    assert "From Lily" in html and "From Rival" in html

    mei.post("/u/lily/follow")
    html = text(mei.get("/"))
    tabs = section(html, '<nav class="tabs"', "</nav>")
    assert 'class="tab active" aria-current="page">Following' in tabs
    assert "From Lily" in html and "From Rival" not in html
    assert 'id="popular-title"' not in html
    html = text(mei.get("/?tab=discover"))
    assert 'class="tab active" aria-current="page">Discover' in html
    assert "From Lily" in html and "From Rival" in html and 'id="popular-title"' in html
    # Following someone who has not posted: an empty tab that points to Discover.
    read_db(lambda: Post.delete().execute())
    html = text(mei.get("/"))
    assert "The creators you follow have not posted yet." in html
    assert rival.get("/").status_code == 200


def test_popular_box_ranks_by_likes(app, world, client):
    quiet = make_post("lily", world["products"], "Quiet post")
    loved = make_post("lily", world["products"], "Loved post")
    for name in ("a_one", "a_two"):
        Person(app, name).post(f"/posts/{quiet}/like")
    Person(app, "a_three").post(f"/posts/{loved}/like")
    box = section(text(client.get("/")), 'id="popular-title"', "</aside>")
    assert box.index("Quiet post") < box.index("Loved post")


def test_feed_is_newest_first_and_paginated(world):
    mei = world["shopper"]
    mei.post("/u/lily/follow")
    total = PER_PAGE + 5
    for n in range(total):
        make_post("lily", world["products"], f"Post number {n:02d}")
    for path, pager in [("/", "/?page=2"), ("/?tab=discover", "/?page=2&tab=discover")]:
        first = text(mei.get(path))
        feed = section(first, '<section class="feed-main"', "</section>")
        numbers = [int(n) for n in re.findall(r"Post number (\d\d)", feed)]
        assert numbers == list(range(total - 1, total - 1 - PER_PAGE, -1))
        assert "Page 1 of 2" in first and f'href="{pager}"' in first
        sep = "&" if "?" in path else "?"
        second = text(mei.get(f"{path}{sep}page=2"))
        feed = section(second, '<section class="feed-main"', "</section>")
        numbers = [int(n) for n in re.findall(r"Post number (\d\d)", feed)]
        assert numbers == [4, 3, 2, 1, 0]
        past = text(mei.get(f"{path}{sep}page=9"))
        assert "No more posts." in past
    for odd in ("0", "-1", "abc", "9" * 40):
        assert mei.get(f"/?page={odd}").status_code == 200


def count_queries(fn):
    """How many SQL statements `fn` runs (peewee logs each one at DEBUG)."""
    logger = logging.getLogger("peewee")
    seen = []

    class Counter(logging.Handler):
        def emit(self, record):
            if record.name == "peewee":  # not peewee.pool
                seen.append(record)

    handler, level = Counter(logging.DEBUG), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        fn()
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    return len(seen)


def test_feed_pages_run_a_constant_number_of_queries(app, world):
    mei = world["shopper"]
    mei.post("/u/lily/follow")
    lily = world["creator"]

    colours = iter(range(0, 256, 16))

    def avatar_and_photo(username):
        def run():
            user = User.get(User.username == username)
            image = images.ingest(
                image_bytes(color=(next(colours), 40, 200)),  # a new image each
                user,
                media_dir=app.config["MEDIA_DIR"],
                max_pixels=app.config["MAX_IMAGE_PIXELS"],
                thumb_size=app.config["THUMBNAIL_SIZE"],
            )
            User.update(avatar=image.id).where(User.id == user.id).execute()
            return image.id

        return read_db(run)

    photo = avatar_and_photo("lily")
    mei.post(f"/posts/{make_post('lily', world['products'], images=[photo])}/like")

    def measure():
        return [
            count_queries(lambda p=p: mei.get(p))
            for p in ("/", "/?tab=discover", "/u/lily")
        ] + [count_queries(lambda: lily.get("/u/lily"))]

    few = measure()
    for n in range(12):
        author = f"writer{n}"
        Person(app, author, "creator")
        theirs = avatar_and_photo(author)
        make_post(author, world["products"], f"Post {n}", images=[theirs])
        make_post("lily", world["products"], f"Lily {n}", images=[photo])
        mei.post(f"/u/{author}/follow")
    many = measure()
    assert few == many, (few, many)


# --- the XSS corpus on the post page --------------------------------------------------

EXTRA_XSS = [
    '<a href="data:text/html,<script>alert(1)</script>">data</a>',
    "<iframe srcdoc='<script>alert(1)</script>'></iframe>",
    "<style>@import 'http://evil.example/x.css';</style>",
    "<scr<script>ipt>alert(1)</scr<script>ipt>",
    "[a](  javascript:alert(1))",
    "<a href='vbscript:msgbox(1)'>vb</a>",
    '<img src="x" onerror="alert(1)"/>',
    "<svg/onload=alert(1)>",
]


@pytest.mark.parametrize("payload", XSS_CORPUS + EXTRA_XSS)
def test_xss_payloads_are_inert_on_the_post_page(world, payload):
    lily = world["creator"]
    post_id = new_post_id(write(lily, world["products"][:1], body=f"Hi {payload} end"))
    for viewer in (lily, world["shopper"]):
        html = viewer.get(f"/posts/{post_id}").get_data(as_text=True)
        body = post_body(html).lower()
        assert "<script" not in body
        assert not re.search(r"\son\w+\s*=", body), body
        assert "javascript:" not in body and "vbscript:" not in body
        assert not re.search(r"""(href|src)\s*=\s*["']?\s*data:""", body), body
        for tag in ("<svg", "<iframe", "<style", "<img", "<object", "<meta", "<base"):
            assert tag not in body, (tag, body)
        # Cards show the same post as escaped text.
        card = viewer.get("/?tab=discover").get_data(as_text=True)
        excerpt = section(card, '<p class="post-excerpt', "</p>").lower()
        assert "<" not in excerpt.split(">", 1)[1]


def test_strange_form_values_never_break_the_pages(world):
    lily = world["creator"]
    post_id = make_post("lily", world["products"])
    for value in ["\x00", "x" * 5000, "🛒" * 300, "%s %(x)s {{7*7}}", "\u202e"]:
        for path, fields in [
            ("/posts/new", {"body": value, "product_refs": value, "action": value}),
            (f"/posts/{post_id}/comments", {"body": value}),
            (f"/posts/{post_id}/edit", {"body": value, "product_ids": value}),
        ]:
            resp = lily.post(path, fields)
            assert resp.status_code in (200, 302, 400), (path, resp.status_code)
    assert post_row(post_id).body == "A post"
