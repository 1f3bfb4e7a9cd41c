"""The site frame (templates/base.html): skip link, the phone tab bar, the desktop
account menu, the Me page by role, one h1 per page, and times in the viewer's
time zone (`local_time`)."""

import re
from datetime import UTC, datetime, timedelta, timezone

import pytest

from blueprints.catalog import frame
from extensions import db
from livestall.accounts import rules as accounts
from livestall.accounts.models import User
from tests.factories import orders
from tests.plugins.app import text


def _section(html, start, end):
    return html.split(start, 1)[1].split(end, 1)[0]


def _tabbar(html):
    return _section(html, '<nav class="tabbar"', "</nav>")


def _current_tabs(html):
    return re.findall(
        r'class="tab-item[^"]*" aria-current="page">.*?<span>([^<]+)', _tabbar(html)
    )


def _set_roles(username, roles):
    with db.connection_context():
        accounts.set_roles(User.get(User.username == username), roles)


def test_skip_link_is_the_first_focusable_and_targets_main(client):
    html = text(client.get("/shop"))
    assert html.startswith("<!doctype html>")  # the macro imports print nothing
    body = html.split("<body", 1)[1]
    first = re.search(r"<(a|button|input|select|textarea)\b[^>]*>", body).group(0)
    assert 'class="skip-link"' in first and 'href="#main"' in first
    assert '<main id="main"' in html
    assert "Skip to content" in body


def test_tab_bar_has_five_tabs_and_marks_the_current_one(client, auth):
    html = text(client.get("/"))
    bar = _tabbar(html)
    for label in ("Home", "Shop", "LIVE", "Cart", "Me"):
        assert f"<span>{label}</span>" in bar
    assert 'href="/me"' in bar and 'href="/cart"' in bar
    assert _current_tabs(html) == ["Home"]
    for path, tab in [
        ("/shop", "Shop"),
        ("/c/kitchen", "Shop"),
        ("/live", "LIVE"),
        ("/cart", "Cart"),
        ("/me", "Me"),
        ("/login", "Me"),
    ]:
        assert _current_tabs(text(client.get(path))) == [tab], path
    auth.signup("mei")
    for path in ("/orders", "/notifications", "/settings/profile"):
        assert _current_tabs(text(client.get(path))) == ["Me"], path
    assert _current_tabs(text(client.get("/search?q=tea"))) == []


def test_cart_count_shows_on_the_tab_and_checkout_hides_the_bar(app, api):
    world = orders.world(api, only=("tea",))
    shopper = orders.Browser(app, "lan")
    assert 'class="tab-badge"' not in _tabbar(text(shopper.get("/")))
    shopper.add(world["tea"], qty=2)
    bar = _tabbar(text(shopper.get("/")))
    assert re.search(r'tab-cart".*?<span class="tab-badge">.*?2</span>', bar, re.S)
    assert re.search(r'<body class="[^"]*\bno-tabbar\b', text(shopper.get("/checkout")))
    assert not re.search(r'<body class="[^"]*\bno-tabbar\b', text(shopper.get("/cart")))


def test_me_page_signed_out_offers_sign_in_up_and_the_language(client):
    resp = client.get("/me")
    assert resp.status_code == 200
    page = _section(text(resp), '<main id="main"', "</main>")
    assert 'href="/login?next=/me"' in page and 'href="/signup"' in page
    assert 'class="me-lang"' in page and 'value="zh"' in page
    assert "Sign out" not in page and "My orders" not in page
    assert page.count("<h1") == 1


@pytest.mark.parametrize(
    ("roles", "present", "absent"),
    [
        (
            [],
            ["My orders", "Notifications", "Profile"],
            ["Write a post", "My products", "Users"],
        ),
        (
            ["creator"],
            ["Write a post", "My page", "Earnings"],
            ["My products", "Users"],
        ),
        (
            ["merchant"],
            ["My products", "Sales by content", "Shop settings", "/merchant/orders"],
            ["Write a post", "Users"],
        ),
        (["admin"], ["Users", "Audit log"], ["My products", "Write a post"]),
        (
            ["merchant", "creator", "admin"],
            [
                "Write a post",
                "Earnings",
                "My products",
                "Shop settings",
                "Users",
                "Audit log",
            ],
            [],
        ),
    ],
)
def test_me_page_and_account_menu_by_role(client, auth, roles, present, absent):
    auth.signup("someone", display_name="Some One")
    if roles:
        _set_roles("someone", roles)
    html = text(client.get("/me"))
    page = _section(html, '<main id="main"', "</main>")
    menu = _section(
        html,
        '<div id="me-menu" class="me-menu" hidden>',
        '<form method="post" action="/language"',
    )
    for part in (page, menu):
        for item in present:
            assert item in part, item
        for item in absent:
            assert item not in part, item
        assert "Sign out" in part
    assert page.count("<h1") == 1 and "Some One" in page
    assert "<h1" not in menu and "<h2" not in menu  # no headings before the page's h1
    assert 'class="me-lang"' in page  # the phone's language switch
    button = re.search(r'<button type="button" class="nav-me-btn[^>]*>', html).group(0)
    assert 'aria-expanded="false"' in button and 'aria-controls="me-menu"' in button
    assert 'class="nav-me nav-user"' in html and 'href="/me"' in html  # without JS


def test_me_links_to_addresses_only_when_that_page_exists(app, client, auth):
    auth.signup("mei")
    has_route = any(r.rule == "/account/addresses" for r in app.url_map.iter_rules())
    assert ('href="/account/addresses"' in text(client.get("/me"))) == has_route


def test_unread_notifications_count_on_me(app, api):
    world = orders.world(api, only=("tea",))
    shopper = orders.Browser(app, "lan")
    shopper.add(world["tea"])
    assert shopper.checkout()[0].status_code == 302
    merchant = orders.Browser(app, "teashop", signup=False)
    html = text(merchant.get("/me"))
    assert re.search(
        r'class="me-notifications">Notifications <span class="badge">1</span>', html
    )
    assert "1 unread" in _tabbar(html)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/shop",
        "/c/kitchen",
        "/live",
        "/login",
        "/signup",
        "/me",
        "/cart",
        "/search?q=tea",
        "/no-such-page",
    ],
)
def test_every_page_has_exactly_one_h1(client, path):
    html = text(client.get(path))
    assert html.count("<h1") == 1, path


def test_signed_in_pages_have_one_h1(client, auth):
    auth.signup("lily", role="creator")
    for path in (
        "/notifications",
        "/settings/password",
        "/me",
        "/creator/earnings",
        "/orders",
    ):
        assert text(client.get(path)).count("<h1") == 1, path


def test_frame_scripts_load_once(client):
    html = text(client.get("/shop"))
    assert html.count("js/localtime.js") == 1 and html.count("js/nav.js") == 1
    assert "<script>" not in html  # no inline scripts (CSP)


def test_local_time_renders_utc_for_the_browser_to_localise(app):
    with app.test_request_context("/"):
        naive = frame.local_time(datetime(2026, 3, 1, 12, 45, 40))
        aware = frame.local_time(
            datetime(2026, 3, 1, 20, 45, 40, tzinfo=timezone(timedelta(hours=8)))
        )
        day = frame.local_time(datetime(2026, 3, 1, 12, 0, tzinfo=UTC), "date")
        assert str(naive) == (
            '<time datetime="2026-03-01T12:45:40Z" data-local="datetime">'
            "2026-03-01 12:45 UTC</time>"
        )
        assert str(aware) == str(naive)
        assert 'data-local="date">2026-03-01</time>' in str(day)
        assert frame.local_time(None) == ""
        rendered = app.jinja_env.from_string(
            '{% from "_partials.html" import local_time %}'
            "{{ local_time(t) }}|{{ local_time_tag(t) }}"
        ).render(t=datetime(2026, 3, 1, 12, 45, 40))
        assert rendered == f"{naive}|{naive}"


def test_url_exists(app):
    with app.test_request_context("/"):
        assert frame.url_exists("/shop") and frame.url_exists("/me")
        assert not frame.url_exists("/no-such-page")
        assert not frame.url_exists("/logout")  # POST only
