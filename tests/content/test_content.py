"""Unit tests of the content services: sanitising, counters, share codes."""

import re

import pytest

from extensions import db
from livestall.accounts import rules as accounts
from livestall.accounts.models import User
from livestall.catalog import rules as catalog
from livestall.content import rules as content
from livestall.content import social
from livestall.content.models import Like, Post
from livestall.errors import Invalid, NotAllowed, NotFound
from tests.factories.content import XSS_CORPUS
from tests.plugins.app import FAST_HASH, PASSWORD

DANGER = re.compile(
    r"<\s*(script|svg|iframe|object|embed|style|meta|base|form|input|img|math|body"
    r"|details)\b|\son\w+\s*=|javascript:|data:|vbscript:|style=",
    re.IGNORECASE,
)


@pytest.mark.parametrize("payload", XSS_CORPUS)
def test_rendered_posts_carry_no_active_content(payload):
    html = content.render(f"before {payload} after")
    assert not DANGER.search(html), html
    assert "before" in html


def test_markdown_that_is_allowed_survives():
    html = content.render(
        "# 今日好物\n\n**加粗** *斜体* ~~删除~~\n\n- 一\n- 二\n\n"
        "> 引用\n\n[链接](https://example.com/a?b=1) `code`"
    )
    for part in (
        "<h2>今日好物</h2>",
        "<strong>加粗</strong>",
        "<em>斜体</em>",
        "<li>一</li>",
        "<blockquote>",
        "<code>code</code>",
    ):
        assert part in html, html
    assert 'href="https://example.com/a?b=1"' in html
    assert 'rel="noopener noreferrer nofollow ugc"' in html


@pytest.fixture
def people(app):
    with db.connection_context():

        def make(name, role):
            return accounts.register(
                name, f"{name}@example.com", PASSWORD, role, hash_method=FAST_HASH
            )

        merchant = make("shop", "merchant")
        product = catalog.create_product(
            merchant,
            {"title": "紫砂壶", "price_cents": 39900, "category": "tea-drinks"},
        )
        yield {
            "creator": make("lily", "creator"),
            "other": make("chen", "creator"),
            "shopper": make("mei", "shopper"),
            "product": product,
        }


def test_only_the_author_edits_and_deletes(people):
    with db.connection_context():
        post = content.create_post(people["creator"], "hi", [people["product"].id])
        with pytest.raises(NotAllowed):
            content.update_post(
                post, people["other"], "mine now", [people["product"].id]
            )
        with pytest.raises(NotAllowed):
            content.delete_post(post, people["shopper"])
        edited = content.update_post(
            post, people["creator"], "edited", [people["product"].id]
        )
        assert edited.body == "edited" and edited.published_at == post.published_at
        content.delete_post(post, people["creator"])
        assert Post.select().count() == 0


def test_drafts_publish_later_and_stay_private_until_then(people):
    with db.connection_context():
        draft = content.create_post(people["creator"], "draft", [], publish=False)
        assert draft.published_at is None
        with pytest.raises(NotFound):
            content.get_post(draft.id, people["shopper"])
        with pytest.raises(Invalid):  # publishing needs a product
            content.update_post(draft, people["creator"], "go", [])
        live = content.update_post(
            draft, people["creator"], "go", [people["product"].id]
        )
        assert live.is_published and live.published_at is not None
        assert content.get_post(draft.id, people["shopper"]).id == draft.id


def test_likes_count_once_per_user(people):
    with db.connection_context():
        post = content.create_post(people["creator"], "hi", [people["product"].id])
        for _ in range(3):
            social.like(people["shopper"], post)
        social.like(people["other"], post)
        assert Post.get_by_id(post.id).like_count == 2 == Like.select().count()
        social.unlike(people["shopper"], post)
        social.unlike(people["shopper"], post)
        assert Post.get_by_id(post.id).like_count == 1


def test_comments_are_plain_counted_and_rate_limited(people):
    with db.connection_context():
        post = content.create_post(people["creator"], "hi", [people["product"].id])
        first = social.add_comment(people["shopper"], post, "  <b>求链接</b>  ")
        assert first.body == "<b>求链接</b>"  # stored as text; escaped when shown
        for n in range(social.COMMENTS_PER_MINUTE - 1):
            social.add_comment(people["shopper"], post, f"more {n}")
        with pytest.raises(Exception, match="too fast"):
            social.add_comment(people["shopper"], post, "one too many")
        assert Post.get_by_id(post.id).comment_count == social.COMMENTS_PER_MINUTE
        with pytest.raises(NotAllowed):
            social.delete_comment(people["other"], first.id)
        social.delete_comment(people["creator"], first.id)  # the post's author may
        assert Post.get_by_id(post.id).comment_count == social.COMMENTS_PER_MINUTE - 1


def test_share_codes_are_personal_and_stable(people):
    with db.connection_context():
        a = social.share_code_for(people["shopper"])
        assert a == social.share_code_for(User.get_by_id(people["shopper"].id))
        b = social.share_code_for(people["creator"])
        assert a != b and len(a) == 8
        assert social.sharer_of(a) == people["shopper"].id
        for junk in (None, "", "x", "y" * 100, 5):
            assert social.sharer_of(junk) is None
