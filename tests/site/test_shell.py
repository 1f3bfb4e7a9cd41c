"""The site shell: navigation by role, languages, error pages, money formatting."""

import pytest

from blueprints.common import money


def nav(client):
    html = client.get("/").get_data(as_text=True)
    return html.split('<nav class="nav"')[1].split("</nav>")[0]


@pytest.mark.parametrize(
    ("role", "present", "absent"),
    [
        ("shopper", ["Sign out"], ["My products", "Users", "Sign in"]),
        ("creator", ["Sign out"], ["My products", "Users"]),
        ("merchant", ["My products", "Sales by content", "Sign out"], ["Users"]),
    ],
)
def test_navigation_by_role(client, auth, role, present, absent):
    auth.signup("someone", role=role)
    links = nav(client)
    for text in present:
        assert text in links
    for text in absent:
        assert text not in links


def test_navigation_for_admin_and_anonymous(app, client, auth):
    links = nav(client)
    assert "Sign in" in links and "Sign up" in links and "Sign out" not in links
    auth.signup("boss")
    from extensions import db
    from livestall.accounts import rules as accounts
    from livestall.accounts.models import User

    with db.connection_context():
        accounts.set_roles(User.get(User.username == "boss"), ["admin"])
    assert "Users" in nav(client)


def test_flash_message_after_signup(client, auth):
    auth.signup("mei")
    html = client.get("/").get_data(as_text=True)
    assert 'class="flash flash-success"' in html and "Welcome to Livestall" in html
    assert "Welcome to Livestall" not in client.get("/").get_data(as_text=True)


def test_language_by_accept_language_cookie_and_account(client, auth):
    zh = {"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"}
    html = client.get("/", headers=zh).get_data(as_text=True)
    assert '<html lang="zh-CN">' in html and "登录" in html
    html = client.get("/", headers={"Accept-Language": "en-GB"}).get_data(as_text=True)
    assert '<html lang="en">' in html and "Sign in" in html
    # The switcher sets a cookie that beats the header.
    resp = client.post(
        "/language",
        data={"csrf_token": auth.token(), "lang": "en", "next": "/login"},
        headers=zh,
    )
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/login")
    assert "Sign in" in client.get("/", headers=zh).get_data(as_text=True)
    # A signed-in user's setting beats both.
    auth.signup("lang_user")
    client.post(
        "/language", data={"csrf_token": auth.token(), "lang": "zh", "next": "/"}
    )
    client.delete_cookie("lang")
    html = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "退出登录" in html


def test_unknown_language_is_refused_politely(client, auth):
    resp = client.post(
        "/language", data={"csrf_token": auth.token(), "lang": "xx", "next": "/"}
    )
    assert resp.status_code == 302
    assert "Unknown language." in client.get("/").get_data(as_text=True)


def test_error_pages_are_friendly_and_json_for_the_api(app, client):
    @app.get("/boom")
    def boom():
        raise RuntimeError("kaboom")

    @app.get("/api/v1/boom")
    def api_boom():
        raise RuntimeError("kaboom")

    resp = client.get("/boom")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 500 and "Something went wrong" in html
    assert "kaboom" not in html and "Traceback" not in html
    assert "Content-Security-Policy" in resp.headers
    resp = client.get("/api/v1/boom")
    assert resp.status_code == 500
    assert resp.get_json()["error"]["code"] == "server_error"
    resp = client.get("/no/such/page")
    assert resp.status_code == 404 and "We couldn't find that page" in resp.text
    resp = client.get("/api/v1/nothing-here")
    assert resp.status_code == 404 and resp.get_json()["error"]["code"] == "not_found"
    resp = client.get("/merchant/products")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_forbidden_page(client, auth):
    auth.signup("shopper1")
    resp = client.get("/merchant/products")
    assert resp.status_code == 403 and "You can't do that" in resp.text


def test_category_page_and_unknown_category(client, api):
    token = api.user("wokshop", role="merchant")
    api.product(token, title="铸铁炒锅 32cm", category="kitchen")
    assert "铸铁炒锅" in client.get("/c/kitchen").text
    assert "铸铁炒锅" not in client.get("/c/beauty").text
    assert client.get("/c/not-a-category").status_code == 404


@pytest.mark.parametrize(
    ("cents", "currency", "text"),
    [
        (12990, "CNY", "¥129.90"),
        (5, "USD", "$0.05"),
        (123456789, "EUR", "€1,234,567.89"),
        (150000, "JPY", "¥1,500"),
        (-250, "GBP", "-£2.50"),
    ],
)
def test_money_formatting(cents, currency, text):
    assert money(cents, currency) == text
