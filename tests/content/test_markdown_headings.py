"""Markdown headings in a post (issue 15): `# heading` kept its text but lost its
heading, since nh3 drops h1. Every heading now sits one level down (h1 -> h2 ...,
h6 stays h6), so the levels an author chose stay apart under the page's own."""

import re

import pytest

from livestall.content import rules as content
from tests.plugins.app import text


def headings(html):
    return re.findall(r"<(h[1-6])>(.*?)</\1>", html)


def test_every_heading_level_moves_down_one():
    html = content.render(
        "# 一\n\n## 二\n\n### 三\n\n#### 四\n\n##### 五\n\n###### 六\n\n正文"
    )
    assert headings(html) == [
        ("h2", "一"),
        ("h3", "二"),
        ("h4", "三"),
        ("h5", "四"),
        ("h6", "五"),
        ("h6", "六"),
    ]
    assert "<p>正文</p>" in html


@pytest.mark.parametrize(
    "body, expected",
    [
        ("标题\n===\n\n正文", [("h2", "标题")]),  # setext h1
        ("标题\n---\n\n正文", [("h3", "标题")]),  # setext h2
        ("> # 引用里的标题", [("h2", "引用里的标题")]),
        ("- # 列表里的标题", [("h2", "列表里的标题")]),
        ("# **粗** `c`", [("h2", "<strong>粗</strong> <code>c</code>")]),
        ("## 标题 ##\n正文", [("h3", "标题")]),
        ("正文\n# 标题\n更多", [("h2", "标题")]),
    ],
)
def test_headings_anywhere_keep_their_content(body, expected):
    assert headings(content.render(body)) == expected


@pytest.mark.parametrize(
    "body",
    ["#春茶 #龙井", "正文\n#春茶上新", "####### 七个", "\\# 不是标题", "    # 代码"],
)
def test_hashtags_and_the_like_are_not_headings(body):
    """As in CommonMark, a heading needs a space after its #s: `#春茶` at the start
    of a line is a hashtag (Python-Markdown made it an h1, shown as plain text)."""
    html = content.render(body)
    assert headings(html) == [], html
    assert "#" in html, html


def test_a_heading_is_still_sanitised():
    html = content.render(
        '# <script>alert(1)</script>[x](javascript:alert(1)) <img src=x onerror="a()">'
    )
    assert html.startswith("<h2>") and html.rstrip().endswith("</h2>")
    assert "script" not in html and "javascript:" not in html and "<img" not in html
    # Raw HTML headings are not Markdown: an h1 still loses its tag, never the page's.
    assert "<h1>" not in content.render("<h1>raw</h1>")


def test_the_post_page_shows_the_heading(api, content_world, client):
    world = content_world()
    resp = api.call(
        "POST",
        "/api/v1/posts",
        token=world["creator"],
        json={"body": "# 春茶上新\n\n今年的龙井", "product_ids": world["products"][:1]},
    )
    assert resp.status_code == 201
    post = resp.get_json()["post"]
    assert headings(post["body_html"]) == [("h2", "春茶上新")]
    page = text(client.get(f"/posts/{post['id']}"))
    assert "<h2>春茶上新</h2>" in page
