"""Issue 16, posts: the post page's gallery, product pills and share panel; like,
follow and comment answering JSON to page scripts (and still redirecting forms);
the note cards of the feeds; the product picker's search endpoint and markup."""

import io
import re

import pytest

from livestall.content.models import Comment, Follow, Like, Post
from tests.content.test_feed_pages import make_post, new_post_id, section, write
from tests.plugins.api import image_bytes
from tests.plugins.app import csrf_token, read_db, text

JSON = {"Accept": "application/json"}


@pytest.fixture
def world(content_world):
    """teashop's teas (the last archived), lily the creator, mei the shopper."""
    return content_world(
        title="西湖龙井 Longjing {n}", archive_last=True, browsers=True
    )


def photos(*sizes):
    return [
        (io.BytesIO(image_bytes("JPEG", size, color=(40 * i, 90, 120))), f"{i}.jpg")
        for i, size in enumerate(sizes)
    ]


def post_json(person, path, data=None):
    return person.post(path, data or {}, headers=JSON)


# --- the post page --------------------------------------------------------------------


@pytest.mark.parametrize(
    "size, frame",
    [
        ((300, 400), "r34"),  # 3:4 portrait
        ((300, 900), "r34"),  # taller: clamped to 3:4, shown whole (letterboxed)
        ((400, 500), "r45"),
        ((500, 500), "r11"),
        ((500, 400), "r54"),
        ((400, 300), "r43"),
        ((900, 300), "r43"),  # wider: clamped to 4:3
    ],
)
def test_the_gallery_frame_follows_the_first_photo(world, size, frame):
    resp = write(
        world["creator"], world["products"][:1], photos=photos(size, (500, 500))
    )
    html = text(world["shopper"].get(f"/posts/{new_post_id(resp)}"))
    assert f'class="post-gallery frame-{frame}"' in html


def test_a_gallery_of_three_photos_has_a_counter_dots_and_buttons(world):
    resp = write(
        world["creator"],
        world["products"][:2],
        photos=photos((300, 400), (400, 300), (300, 300)),
    )
    post_id = new_post_id(resp)
    html = text(world["shopper"].get(f"/posts/{post_id}"))
    gallery = section(html, '<section class="post-gallery', "</section>")
    assert len(re.findall(r'<figure class="post-slide" id="photo-\d"', gallery)) == 3
    assert 'alt="Photo 1 of 3 by Lily"' in gallery
    assert 'alt="Photo 3 of 3 by Lily"' in gallery
    assert '<span class="gallery-at">1</span>/3' in gallery
    assert gallery.count('class="gallery-dot"') == 3
    assert (
        'aria-label="Next photo"' in gallery
        and 'aria-label="Previous photo"' in gallery
    )
    assert 'tabindex="0"' in gallery  # the row scrolls with the arrow keys
    # One photo: no counter, dots or buttons.
    one = new_post_id(
        write(world["creator"], world["products"][:1], photos=photos((300, 400)))
    )
    gallery = section(
        text(world["shopper"].get(f"/posts/{one}")),
        '<section class="post-gallery',
        "</section>",
    )
    assert "gallery-at" not in gallery and "gallery-dot" not in gallery
    assert "gallery-next" not in gallery


def test_tagged_products_show_as_pills_near_the_top(world):
    lily, mei = world["creator"], world["shopper"]
    p1, p2 = world["products"][:2]
    post_id = new_post_id(write(lily, [p1, p2], body="Pills first"))
    html = text(mei.get(f"/posts/{post_id}"))
    pills = section(html, '<ul class="post-pills"', "</ul>")
    for pid in (p1, p2):  # the post's attribution, as the product cards keep it
        assert f'href="/products/{pid}?src=post:{post_id}"' in pills
    assert "西湖龙井 Longjing 0" in pills and "pill-price" in pills
    # Near the top: before the post's text, and the full cards stay lower down.
    assert html.index('class="post-pills"') < html.index('<div class="post-body">')
    assert html.index('<div class="post-body">') < html.index(
        'class="card product-card tagged-card"'
    )


def test_the_share_panel_has_the_sharers_link_and_a_copy_button(world):
    lily, mei = world["creator"], world["shopper"]
    post_id = make_post("lily", world["products"])
    html = text(mei.get(f"/posts/{post_id}"))
    panel = section(html, '<details class="share-panel">', "</details>")
    code = re.search(r'value="http://localhost/posts/\d+\?s=([A-Za-z0-9_-]+)"', panel)
    assert code, panel
    assert 'class="btn btn-small share-copy" hidden' in panel  # shown by post.js
    assert 'data-i18n-copied="Link copied."' in panel
    assert 'role="status"' in panel
    # The same sharer gets the same code every time; lily has her own.
    assert code.group(0) in text(mei.get(f"/posts/{post_id}"))
    assert code.group(1) not in text(lily.get(f"/posts/{post_id}"))


def test_the_buttons_carry_what_post_js_needs(world):
    mei = world["shopper"]
    post_id = make_post("lily", world["products"])
    html = text(mei.get(f"/posts/{post_id}"))
    like = section(html, '<form method="post" action="/posts/', "</form>")
    assert f'data-like="/posts/{post_id}/like"' in like
    assert f'data-unlike="/posts/{post_id}/unlike"' in like
    assert 'aria-pressed="false"' in like
    follow = section(html, 'class="inline follow-form"', "</form>")
    assert 'data-follow="/u/lily/follow"' in follow and 'aria-pressed="false"' in follow
    assert 'src="/static/js/post.js"' in html
    assert '<small class="error comment-error" id="e-comment" hidden>' in html


# --- like, follow, comment: JSON for page scripts, redirects for forms ----------------


def test_like_and_unlike_answer_json(world):
    mei = world["shopper"]
    post_id = make_post("lily", world["products"])
    resp = post_json(mei, f"/posts/{post_id}/like")
    assert resp.status_code == 200
    assert resp.get_json() == {"liked": True, "like_count": 1}
    assert post_json(mei, f"/posts/{post_id}/like").get_json()["like_count"] == 1
    resp = post_json(mei, f"/posts/{post_id}/unlike")
    assert resp.get_json() == {"liked": False, "like_count": 0}
    assert read_db(lambda: Like.select().count()) == 0
    # The form still redirects back.
    resp = mei.post(f"/posts/{post_id}/like")
    assert resp.status_code == 302 and resp.location.endswith(f"/posts/{post_id}")


def test_the_csrf_token_may_come_as_a_header(world):
    mei = world["shopper"]
    post_id = make_post("lily", world["products"])
    token = csrf_token(mei.client, "/")
    resp = mei.client.post(
        f"/posts/{post_id}/like", headers={**JSON, "X-CSRFToken": token}
    )
    assert resp.get_json()["liked"] is True
    resp = mei.client.post(f"/posts/{post_id}/unlike", headers=JSON)  # no token
    assert resp.status_code == 400
    assert resp.get_json()["error"]["code"] == "csrf_failed"
    assert read_db(lambda: Like.select().count()) == 1


def test_json_errors_for_likes(world, client):
    mei = world["shopper"]
    draft = make_post("lily", world["products"], publish=False)
    resp = post_json(mei, f"/posts/{draft}/like")
    assert resp.status_code == 404 and resp.get_json()["error"]["code"] == "not_found"
    assert post_json(mei, "/posts/999999/like").status_code == 404
    post_id = make_post("lily", world["products"])
    resp = client.post(
        f"/posts/{post_id}/like",
        headers={**JSON, "X-CSRFToken": csrf_token(client, "/")},
    )
    assert resp.status_code == 401
    assert resp.get_json()["login_url"] == f"/login?next=/posts/{post_id}"
    assert resp.get_json()["error"]["message"] == "Sign in first."


def test_follow_and_unfollow_answer_json(world):
    mei, lily = world["shopper"], world["creator"]
    resp = post_json(mei, "/u/lily/follow")
    assert resp.status_code == 200
    assert resp.get_json() == {
        "following": True,
        "followers": 1,
        "message": "You follow Lily now.",
    }
    assert post_json(mei, "/u/lily/follow").get_json()["followers"] == 1
    resp = post_json(mei, "/u/lily/unfollow")
    assert resp.get_json() == {
        "following": False,
        "followers": 0,
        "message": "You no longer follow Lily.",
    }
    resp = post_json(lily, "/u/lily/follow")
    assert resp.status_code == 400
    assert resp.get_json()["error"]["message"] == "You cannot follow yourself."
    assert post_json(mei, "/u/nobody/follow").status_code == 404
    assert post_json(mei, "/u/mei/follow").status_code == 404  # not a creator
    assert read_db(lambda: Follow.select().count()) == 0
    resp = mei.post("/u/lily/follow", {"next": "/posts/1"})  # the form: redirect
    assert resp.status_code == 302 and resp.location.endswith("/posts/1")


def test_follow_answers_in_chinese(world):
    mei = world["shopper"]
    mei.post("/language", {"lang": "zh", "next": "/"})
    message = post_json(mei, "/u/lily/follow").get_json()["message"]
    assert "Lily" in message and "You follow" not in message


def test_a_comment_answers_json_with_its_html(world):
    mei = world["shopper"]
    post_id = make_post("lily", world["products"])
    resp = post_json(mei, f"/posts/{post_id}/comments", {"body": "<b>好</b> nice"})
    assert resp.status_code == 201
    got = resp.get_json()
    assert got["comment_count"] == 1 and got["message"] == "Comment posted."
    cid = read_db(lambda: Comment.get().id)
    assert got["comment"]["id"] == cid
    html = got["comment"]["html"]
    assert f'<li class="comment" id="comment-{cid}">' in html
    assert "&lt;b&gt;好&lt;/b&gt; nice" in html and "<b>" not in html
    assert f'action="/comments/{cid}/delete"' in html  # mei may delete her own
    # The page shows it too, in the same markup.
    page = text(mei.get(f"/posts/{post_id}"))
    assert f'id="comment-{cid}"' in section(page, '<ul class="comment-list"', "</ul>")


def test_comment_errors_are_json(world, client):
    mei = world["shopper"]
    post_id = make_post("lily", world["products"])
    resp = post_json(mei, f"/posts/{post_id}/comments", {"body": "   "})
    assert resp.status_code == 400
    assert resp.get_json()["error"] == {
        "code": "invalid",
        "message": "Write something first.",
        "field": "body",
    }
    resp = post_json(mei, f"/posts/{post_id}/comments", {"body": "x" * 501})
    assert resp.status_code == 400 and "500" in resp.get_json()["error"]["message"]
    for n in range(6):
        assert (
            post_json(mei, f"/posts/{post_id}/comments", {"body": f"{n}"}).status_code
            == 201
        )
    resp = post_json(mei, f"/posts/{post_id}/comments", {"body": "again"})
    assert resp.status_code == 429 and resp.headers["Retry-After"] == "60"
    assert "too fast" in resp.get_json()["error"]["message"]
    resp = client.post(
        f"/posts/{post_id}/comments",
        data={"body": "hi", "csrf_token": csrf_token(client, "/")},
        headers=JSON,
    )
    assert resp.status_code == 401
    assert resp.get_json()["login_url"] == f"/login?next=/posts/{post_id}%23comments"


# --- feed cards -----------------------------------------------------------------------


def test_feeds_show_note_cards_with_author_and_likes(world):
    lily, mei = world["creator"], world["shopper"]
    with_photo = new_post_id(
        write(
            lily,
            world["products"][:2],
            body="Photo note",
            photos=photos((300, 400), (400, 300)),
        )
    )
    make_post("lily", world["products"][:1], "Text only note")
    post_json(mei, f"/posts/{with_photo}/like")
    for path in ("/", "/u/lily"):
        html = text(mei.get(path))
        grid = section(html, '<div class="grid posts">', "</section>")
        assert grid.count('class="card post-card note-card"') == 2
        assert 'class="post-author-mini" href="/u/lily"' in grid
        assert 'class="count liked"' in grid  # mei's like, with the count
        assert "1/2" in grid and "2 products" in grid
        assert 'class="post-excerpt long">Text only note' in grid  # no cover


# --- the product picker ---------------------------------------------------------------


def picker(person, **args):
    return person.get("/api/v1/picker/products", query_string=args)


def test_the_picker_searches_the_whole_active_catalogue(world, api):
    lily = world["creator"]
    cup = api.product(
        world["merchant"], title="Celadon Tea Cup 青瓷茶杯", price_cents=8900
    )["id"]
    resp = picker(lily, q="青瓷")
    assert resp.status_code == 200
    got = resp.get_json()
    assert [i["id"] for i in got["items"]] == [cup]
    item = got["items"][0]
    assert item["title"] == "Celadon Tea Cup 青瓷茶杯" and item["price_cents"] == 8900
    assert item["currency"] == "CNY" and item["price"] and item["merchant"]
    assert set(item) == {
        "id",
        "title",
        "price_cents",
        "currency",
        "price",
        "merchant",
        "thumb_url",
    }
    assert [i["id"] for i in picker(lily, q="celadon cup").get_json()["items"]] == [cup]
    teas = picker(lily, q="龙井").get_json()
    assert {i["id"] for i in teas["items"]} == set(world["products"])  # not archived
    assert world["archived"] not in {i["id"] for i in teas["items"]}
    assert picker(lily, q="zzzz nothing").get_json()["items"] == []


def test_the_picker_pages_and_lists_the_newest_without_a_query(world, api):
    lily = world["creator"]
    newest = picker(lily, per_page=1).get_json()
    assert newest["total"] == 2 and newest["has_more"] is True
    assert newest["items"][0]["id"] == world["products"][-1]
    second = picker(lily, per_page=1, page=2).get_json()
    assert second["items"][0]["id"] == world["products"][0]
    assert second["has_more"] is False
    both = picker(lily, q="Longjing", per_page=1, page=2).get_json()
    assert both["total"] == 2 and len(both["items"]) == 1 and not both["has_more"]


def test_the_picker_refuses_strangers_and_bad_pages(world, client):
    resp = client.get("/api/v1/picker/products?q=tea")
    assert resp.status_code == 401
    lily = world["creator"]
    for args in ({"page": "0"}, {"page": "x"}, {"per_page": "101"}):
        resp = picker(lily, **args)
        assert resp.status_code == 400 and resp.get_json()["error"]["code"]
    assert picker(lily, q="茶" * 500).status_code == 200  # cut, never an error


def test_post_and_live_forms_offer_the_search_picker(world):
    lily = world["creator"]
    for path, limit in (("/posts/new", 20), ("/live/new", 50)):
        html = text(lily.get(path))
        box = section(html, '<fieldset class="field product-picker', "</fieldset>")
        assert 'data-src="/api/v1/picker/products"' in box
        assert f'data-max="{limit}"' in box
        assert '<div class="picker-tools" hidden>' in box  # shown by picker.js
        assert 'id="picker-q"' in box and 'type="search"' in box
        assert 'data-i18n-found-one="One product found."' in box
        assert 'data-i18n-count="{n} of {max} chosen"' in box
        for pid in world["products"]:  # the checkbox list without script
            assert f'name="product_ids" value="{pid}"' in box
        assert 'src="/static/js/picker.js"' in html
        assert 'id="f-product_refs"' in html


def test_post_and_comment_times_are_in_the_viewers_zone(world):
    """Times go out as UTC in <time data-local> for localtime.js to show in the
    viewer's own zone (a shopper in Shanghai saw UTC before issue 16)."""
    mei = world["shopper"]
    post_id = make_post("lily", world["products"])
    post_json(mei, f"/posts/{post_id}/comments", {"body": "好喝"})
    page = text(mei.get(f"/posts/{post_id}"))
    published, commented = read_db(
        lambda: (Post.get_by_id(post_id).published_at, Comment.get().created_at)
    )
    stamp = "%Y-%m-%dT%H:%M:%SZ"
    assert f'<time datetime="{published.strftime(stamp)}" data-local="date">' in page
    assert f'<time datetime="{commented.strftime(stamp)}" data-local="datetime">' in (
        section(page, '<ul class="comment-list"', "</ul>")
    )
