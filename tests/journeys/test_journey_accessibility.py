"""Browser journey: the accessibility sweep (issue 16). A small world (a shop with
products, a creator with a post and a live on air, a shopper with an order, a user
who is merchant, creator and admin at once) and every main page, on a 390x844
phone and a 1280x900 desktop, in English and Chinese: axe finds no serious or
critical violation, each page has exactly one h1 and nothing scrolls sideways.

Failures are gathered over the whole sweep and reported together, so one run names
every page that needs work (pages other areas own are marked below)."""

import datetime

import pytest

from tests.factories.journeys import api_user, call_api, merchant_with_two_products
from tests.factories.orders import SHIP
from tests.journeys.test_journey_admin import create_admin
from tests.plugins.app import PASSWORD
from tests.plugins.axe import axe_violations

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

_LAYOUT = """() => ({
  h1: document.querySelectorAll('h1').length,
  scroll: document.documentElement.scrollWidth,
  width: window.innerWidth,
})"""


def _world(base, live_server):
    """The shop's two teas, lin's post and live (on air), mei's order, boss the
    admin, and xihu_tea made merchant + creator + admin."""
    tea, cup = merchant_with_two_products(base)
    lin = api_user(base, "lin", "creator", "Lin")
    post = call_api(
        base,
        "POST",
        "/api/v1/posts",
        lin,
        body={"body": "My spring tea ritual 春茶", "product_ids": [tea["id"]]},
    )["post"]
    session = call_api(
        base,
        "POST",
        "/api/v1/live",
        lin,
        body={"title": "春茶直播 Spring tea", "product_ids": [tea["id"], cup["id"]]},
    )["session"]
    call_api(base, "POST", f"/api/v1/live/{session['id']}/start", lin)
    mei = api_user(base, "mei", "shopper", "Mei")
    order = call_api(
        base,
        "POST",
        "/api/v1/orders",
        mei,
        body={
            "items": [{"product_id": cup["id"], "qty": 1}],
            "shipping": SHIP,
            "idempotency_key": "sweep-order-0001",
            "payment_method": "cod",
        },
    )
    order_id = order["order"]["id"]
    team_id = _group_team(base, tea, mei)
    create_admin(live_server, "boss")
    return {
        "tea": tea,
        "post": post,
        "session": session,
        "order_id": order_id,
        "team_id": team_id,
    }


def _group_team(base, tea, mei):
    """A 3-person group deal on the tea, and mei's open team (group buying)."""
    shop = call_api(
        base, "POST", "/api/v1/tokens", body={"login": "xihu_tea", "password": PASSWORD}
    )["token"]
    ends = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=1)
    deal = call_api(
        base,
        "POST",
        "/api/v1/group-buys",
        shop,
        body={
            "product_id": tea["id"],
            "price_cents": 9900,
            "team_size": 3,
            "team_window_s": 3600,
            "ends_at": ends.isoformat(),
        },
    )["group_buy"]
    seat = call_api(
        base,
        "POST",
        f"/api/v1/group-buys/{deal['id']}/teams",
        mei,
        body={
            "shipping": SHIP,
            "idempotency_key": "sweep-team-0001",
            "payment_method": "cod",
        },
    )
    return seat["team"]["id"]


def login(page, base, username):
    """Sign in through the page, in any language."""
    page.goto(base + "/login")
    page.fill("#f-login", username)
    page.fill("#f-password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)


def _grant_all_roles(page, base, username):
    """boss (admin) makes `username` merchant, creator and admin on the users page."""
    login(page, base, "boss")
    page.goto(f"{base}/admin/users?q={username}")
    row = page.locator("table tbody tr", has_text=username)
    for role in ("merchant", "creator", "admin"):
        row.locator(f"input[name=roles][value={role}]").check()
    row.locator("button:has-text('Save')").click()
    page.wait_for_selector(f"text=Saved {username}.")


class Sweep:
    def __init__(self, shots, label):
        self.shots = shots
        self.label = label
        self.problems = []

    def check(self, page, name, url=None):
        """Visit `url` (when given), then: axe, one h1, no sideways scroll."""
        if url:
            page.goto(url)
        page.wait_for_load_state("load")
        where = f"{name} ({self.label})"
        bad = [
            v for v in axe_violations(page) if v["impact"] in ("serious", "critical")
        ]
        for v in bad:
            nodes = "; ".join(n["target"] for n in v["nodes"])
            self.problems.append(f"{where}: axe {v['id']} ({v['impact']}): {nodes}")
        layout = page.evaluate(_LAYOUT)
        if layout["h1"] != 1:
            self.problems.append(f"{where}: {layout['h1']} h1 elements, not 1")
        if layout["scroll"] > layout["width"]:
            self.problems.append(
                f"{where}: scrolls sideways ({layout['scroll']} > {layout['width']})"
            )
        self.shots(page, name.replace(" ", "-"))

    def assert_clean(self):
        assert not self.problems, "\n".join(self.problems)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_accessibility_sweep(live_server, new_page, shots, viewport):
    base = live_server.url
    world = _world(base, live_server)
    boss = new_page(viewport=viewport)
    _grant_all_roles(boss, base, "xihu_tea")
    tea_url = base + world["tea"]["url"]
    post_url = f"{base}/posts/{world['post']['id']}"
    room_url = f"{base}/live/{world['session']['id']}"
    sweep = Sweep(shots, "")
    for locale in ("en-US", "zh-CN"):
        sweep.label = f"{locale}, {viewport['width']}px"
        tag = locale[:2]

        anon = new_page(locale=locale, viewport=viewport)
        sweep.check(anon, f"{tag} home", base + "/")
        sweep.check(anon, f"{tag} shop", base + "/shop")
        sweep.check(anon, f"{tag} category", base + "/c/tea-drinks")
        sweep.check(anon, f"{tag} product", tea_url)
        # owned by posts, see report (its h1 came from this sweep)
        sweep.check(anon, f"{tag} post", post_url)
        sweep.check(anon, f"{tag} live list", base + "/live")
        sweep.check(anon, f"{tag} live room", room_url)
        sweep.check(anon, f"{tag} search", base + "/search?q=tea")
        sweep.check(anon, f"{tag} team", f"{base}/teams/{world['team_id']}")
        sweep.check(anon, f"{tag} login", base + "/login")
        sweep.check(anon, f"{tag} signup", base + "/signup")
        sweep.check(anon, f"{tag} me signed out", base + "/me")
        sweep.check(anon, f"{tag} not found", base + "/no-such-page")

        shopper = new_page(locale=locale, viewport=viewport)
        login(shopper, base, "mei")
        shopper.goto(tea_url)
        shopper.click("form.add-to-cart button[type=submit]")
        shopper.wait_for_url(lambda url: "/products/" not in url)
        sweep.check(shopper, f"{tag} cart", base + "/cart")
        sweep.check(shopper, f"{tag} checkout", base + "/checkout")
        sweep.check(shopper, f"{tag} order", f"{base}/orders/{world['order_id']}")
        sweep.check(shopper, f"{tag} my orders", base + "/orders")
        sweep.check(shopper, f"{tag} notifications", base + "/notifications")
        sweep.check(shopper, f"{tag} me shopper", base + "/me")
        sweep.check(shopper, f"{tag} my groups", base + "/me/teams")
        sweep.check(shopper, f"{tag} my team", f"{base}/teams/{world['team_id']}")

        creator = new_page(locale=locale, viewport=viewport)
        login(creator, base, "lin")
        sweep.check(creator, f"{tag} host console", room_url + "/console")
        sweep.check(creator, f"{tag} earnings", base + "/creator/earnings")
        sweep.check(creator, f"{tag} me creator", base + "/me")

        owner = new_page(locale=locale, viewport=viewport)
        login(owner, base, "xihu_tea")
        sweep.check(owner, f"{tag} merchant products", base + "/merchant/products")
        sweep.check(owner, f"{tag} shop settings", base + "/merchant/settings")
        sweep.check(owner, f"{tag} attribution", base + "/merchant/attribution")
        sweep.check(owner, f"{tag} merchant orders", base + "/merchant/orders")
        sweep.check(owner, f"{tag} admin users", base + "/admin/users")
        sweep.check(owner, f"{tag} audit log", base + "/admin/audit")
        sweep.check(owner, f"{tag} me all roles", base + "/me")
        if viewport is DESKTOP:
            owner.goto(base + "/shop")
            owner.click(".nav-me-btn")
            owner.locator("#me-menu").wait_for()
            sweep.check(owner, f"{tag} account menu open")
        for page in (anon, shopper, creator, owner):
            bad = [r for r in page.bad_responses if not r[1].endswith("/no-such-page")]
            errors = [e for e in page.errors if "404" not in e or bad]
            if errors or bad:
                sweep.problems.append(f"{sweep.label}: page errors {errors} {bad}")
            page.context.close()
    sweep.assert_clean()


def _one_row(page):
    """The header's height and whether its parts share one row."""
    return page.evaluate(
        """() => {
      const bar = document.querySelector('.topbar').getBoundingClientRect();
      const tops = [...document.querySelectorAll(
        '.topbar-inner > *, .nav > *:not(form), .lang-switch')]
        .filter(e => e.getClientRects().length)
        .map(e => e.getBoundingClientRect())
        .map(r => r.top + r.height / 2);
      return {height: bar.height, spread: Math.max(...tops) - Math.min(...tops),
              right: Math.max(...[...document.querySelectorAll('.topbar-inner *')]
                .filter(e => e.getClientRects().length)
                .map(e => e.getBoundingClientRect().right)),
              width: window.innerWidth};
    }"""
    )


def test_phone_tab_bar_me_page_and_language(live_server, new_page, shots):
    base = live_server.url
    tea, _cup = merchant_with_two_products(base)
    api_user(base, "mei", "shopper", "Mei")
    page = new_page(viewport=PHONE)
    page.goto(base + "/")
    bar = page.locator("nav.tabbar")
    assert bar.is_visible() and not page.locator("nav.nav a.nav-cart").is_visible()
    box = bar.bounding_box()
    assert box["y"] + box["height"] == PHONE["height"]  # fixed to the bottom
    assert page.get_attribute(".tabbar a[href='/']", "aria-current") == "page"
    head = _one_row(page)
    assert head["height"] <= 64 and head["spread"] <= 8 and head["right"] <= 390

    # Signed out, Me offers signing in or up
    page.click(".tabbar >> text='Me'")
    page.wait_for_url(base + "/me")
    assert page.get_attribute(".tabbar a[href='/me']", "aria-current") == "page"
    shots(page, "me-signed-out")
    page.click("main a:has-text('Sign in')")
    page.wait_for_url(base + "/login?next=/me")
    page.fill("#f-login", "mei")
    page.fill("#f-password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(base + "/me")
    assert page.locator("main h1", has_text="Mei").is_visible()

    # the cart's count shows on its tab
    page.goto(base + tea["url"])
    page.click("form.add-to-cart button[type=submit]")
    page.wait_for_url(lambda url: "/products/" not in url)
    page.goto(base + "/shop")
    badge = page.locator(".tabbar .tab-cart .tab-badge")
    assert badge.is_visible() and badge.inner_text().strip().endswith("1")
    shots(page, "shop-with-cart-badge")

    # the language switch is on screen, in the header, without scrolling sideways
    zh = page.locator(".lang-switch button[value=zh]")
    zbox = zh.bounding_box()
    assert zh.is_visible() and zbox["x"] + zbox["width"] <= PHONE["width"]
    zh.click()
    page.wait_for_url(base + "/shop")
    assert page.get_attribute("html", "lang") == "zh-CN"
    assert page.locator(".tabbar >> text=购物车").is_visible()
    assert page.locator(".lang-switch button[value=en]").is_visible()
    page.click(".tabbar >> text='我'")
    page.wait_for_url(base + "/me")
    assert page.locator("main .me-lang button[value=en]").is_visible()
    page.locator("main .me-signout button").scroll_into_view_if_needed()
    shots(page, "me-shopper-zh")
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.click("main .me-signout button")
    page.wait_for_url(base + "/")
    assert page.errors == []


def test_desktop_header_is_one_row_with_a_keyboard_account_menu(
    live_server, new_page, shots
):
    base = live_server.url
    merchant_with_two_products(base)
    create_admin(live_server, "boss")
    boss = new_page(viewport=DESKTOP)
    _grant_all_roles(boss, base, "xihu_tea")

    for locale in ("en-US", "zh-CN"):
        page = new_page(locale=locale, viewport=DESKTOP)
        page.goto(base + "/shop")
        assert not page.locator("nav.tabbar").is_visible()
        head = _one_row(page)
        assert head["height"] <= 64 and head["spread"] <= 8, head  # signed out
        login(page, base, "xihu_tea")  # merchant, creator and admin at once
        page.goto(base + "/shop")
        head = _one_row(page)
        assert head["height"] <= 64 and head["spread"] <= 8, head
        assert head["right"] <= DESKTOP["width"]
        assert page.locator(".lang-switch").is_visible()
        assert page.locator("nav.nav a.nav-cart").is_visible()

        # the skip link comes first and moves focus to the content
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "skip-link"
        assert page.locator(".skip-link").is_visible()
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main"

        # the account menu: a disclosure button, opened by keyboard, Esc closes
        button = page.locator(".nav-me-btn")
        menu = page.locator("#me-menu")
        assert button.is_visible() and not page.locator(".nav-me").is_visible()
        assert button.get_attribute("aria-expanded") == "false" and menu.is_hidden()
        button.focus()
        page.keyboard.press("Enter")
        assert button.get_attribute("aria-expanded") == "true" and menu.is_visible()
        for href in (
            "/posts/new",
            "/merchant/products",
            "/merchant/settings",
            "/admin/users",
            "/admin/audit",
            "/orders",
            "/notifications",
        ):
            assert menu.locator(f"a[href='{href}']").is_visible(), href
        mbox = menu.bounding_box()
        assert mbox["x"] + mbox["width"] <= DESKTOP["width"]
        shots(page, f"account-menu-{locale[:2]}")
        page.keyboard.press("Tab")  # into the menu
        assert page.evaluate("!!document.activeElement.closest('#me-menu')")
        page.keyboard.press("Escape")
        assert menu.is_hidden() and button.get_attribute("aria-expanded") == "false"
        assert page.evaluate("document.activeElement.classList.contains('nav-me-btn')")
        page.keyboard.press("Space")
        assert menu.is_visible()
        page.click("main h2")  # a click elsewhere closes it
        assert menu.is_hidden()
        button.click()
        menu.locator("a[href='/merchant/settings']").click()
        page.wait_for_url(base + "/merchant/settings")
        assert page.get_attribute(".nav-me-btn", "aria-expanded") == "false"
        for width in (768, 1024):  # tablets: still one row, nothing off screen
            page.set_viewport_size({"width": width, "height": 900})
            head = _one_row(page)
            assert head["height"] <= 64 and head["spread"] <= 8, (width, head)
            assert head["right"] <= width, (width, head)
            page.wait_for_load_state("load")
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            shots(page, f"header-{width}-{locale[:2]}")
        assert page.errors == []
