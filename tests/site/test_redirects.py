"""Redirects stay on this site (issue 15, finding 4), and odd paths never break one.

The share-link redirect (`?s=CODE` on any page) ran before routing and echoed the
path: `GET /%09/evil.example/phish?s=x` answered 302 to `//evil.example/phish`,
which a browser reads as another site, and `GET /%0a?s=x` put a newline in the
Location header (a 500). Requests here carry their path the way a server hands it
over (percent-decoded into PATH_INFO), so `//evil` stays a path and does not become
the test client's host.
"""

from urllib.parse import unquote_to_bytes, urlsplit

import pytest

from livestall.accounts.models import User
from livestall.attribution.models import Touchpoint
from livestall.content import social
from tests.plugins.app import csrf_token, read_db


@pytest.fixture
def world(content_world):
    """teashop's teas, lily (creator) and mei (shopper) as bearer tokens; mei's
    share code and a post of lily's tagging the first tea."""
    world = content_world()
    world["code"] = read_db(
        lambda: social.share_code_for(User.get(User.username == "mei"))
    )
    resp = world["api"].call(
        "POST",
        "/api/v1/posts",
        token=world["creator"],
        json={"body": "今天的茶", "product_ids": world["products"][:1]},
    )
    assert resp.status_code == 201
    world["post"] = resp.get_json()["post"]["id"]
    return world


def raw_get(client, path, query=""):
    """GET `path` as a server would hand it to the app: percent-decoded, as is."""
    return client.get(
        "/",
        query_string=query,
        environ_overrides={"PATH_INFO": unquote_to_bytes(path).decode("latin-1")},
    )


def visits():
    return read_db(
        lambda: [
            (t.sharer_id, t.post_id, t.product_id)
            for t in Touchpoint.select().where(Touchpoint.kind == "share_visit")
        ]
    )


def same_site(location):
    """A Location a browser follows on this site: a path with one leading slash
    (or Werkzeug's own absolute redirect to this host, e.g. merging `//` in a path)."""
    if any(ord(c) < 32 or ord(c) == 127 for c in location):
        return False
    parts = urlsplit(location)
    if parts.scheme or parts.netloc:
        return parts.scheme in ("http", "https") and parts.netloc == "localhost"
    return (
        location.startswith("/")
        and not location.startswith("//")
        and not location.startswith("/\\")
        and "\\" not in parts.path[:2]
    )


def test_the_reported_attacks(app, world):
    client = app.test_client()
    resp = raw_get(client, "/%09/evil.example/phish", "s=x")
    assert resp.status_code == 404 and "Location" not in resp.headers
    resp = raw_get(client, "/%0a", "s=x")
    assert resp.status_code == 404 and "Location" not in resp.headers
    # With a real sharer's code as well: no page there, nothing recorded.
    resp = raw_get(client, "/%09/evil.example/phish", f"s={world['code']}")
    assert resp.status_code == 404 and "Location" not in resp.headers
    assert visits() == []


TRICKY_PATHS = [
    "//evil",
    "//evil.example/phish",
    "///evil.example",
    "/\\evil",
    "/\\/evil.example",
    "/%5Cevil",
    "/%5C%5Cevil.example",
    "/%2F%2Fevil",
    "/%2F/evil.example",
    "/./evil",
    "/../evil",
    "/.//evil",
    "/%09/evil.example/phish",
    "/%0d%0aLocation:%20http://evil.example/",
    "/%0a",
    "/%00",
    "/%7f",
    "/%e2%80%ae/evil.example",  # right-to-left override
    "/%ef%bc%8f%ef%bc%8fevil.example",  # full-width solidi
    "/products/1/%2F%2Fevil",
    "/products//1",
    "//products/1",
    "/posts/1/..//evil.example",
    "/u/%2F%2Fevil.example",
    "/u/%5C%5Cevil.example",
    "/c/%2F%2Fevil.example",
    "/search/%2F%2Fevil.example",
    "/static/%2F%2Fevil.example",
    "/api/v1/%2F%2Fevil.example",
    "/live/1/hls/%2F%2Fevil.example",
    "/media/%2F%2Fevil.example",
    "/%20//evil.example",
    "/http://evil.example",
    "/https:evil.example",
]
TRICKY_QUERIES = [
    "",
    "next=//evil.example",
    "_external=1&_scheme=javascript&_anchor=x",
    "s=also&s=twice",
    "product_id=9&username=evil&endpoint=x",
    "utm_source=%0d%0aSet-Cookie:x=1",
]


def test_no_share_link_leaves_the_site(app, world):
    """Every tricky path, with a real sharer's code and other arguments: any
    redirect is to this site, and following redirects ends in an answer."""
    client = app.test_client()
    for path in TRICKY_PATHS:
        for extra in TRICKY_QUERIES:
            query = "&".join(q for q in (f"s={world['code']}", extra) if q)
            resp = raw_get(client, path, query)
            assert resp.status_code < 500, (path, query, resp.status_code)
            hops = 0
            while resp.status_code in (301, 302, 303, 307, 308):
                location = resp.headers["Location"]
                assert same_site(location), (path, query, location)
                hops += 1
                assert hops < 4, (path, query, location)
                resp = client.get(location)
            assert resp.status_code in (200, 404), (path, query, resp.status_code)


def test_share_links_land_on_the_page_built_by_url_for(app, world):
    """The page keeps its other arguments, and arguments named like url_for's own
    keywords or the page's path arguments are plain query arguments."""
    code, pid = world["code"], world["products"][0]
    client = app.test_client()
    cases = {
        f"/products/{pid}?s={code}": f"/products/{pid}",
        f"/posts/{world['post']}?s={code}&utm_source=wx": (
            f"/posts/{world['post']}?utm_source=wx"
        ),
        f"/c/tea-drinks?sort=new&s={code}&page=2": "/c/tea-drinks?sort=new&page=2",
        f"/?s={code}&_external=1&_scheme=javascript": (
            "/?_external=1&_scheme=javascript"
        ),
        f"/products/{pid}?s={code}&product_id=9": f"/products/{pid}?product_id=9",
        f"/u/lily?s={code}": "/u/lily",
        f"/search?q=%E9%BE%99%E4%BA%95&s={code}": "/search?q=%E9%BE%99%E4%BA%95",
    }
    for path, target in cases.items():
        resp = client.get(path)
        assert resp.status_code == 302, path
        assert resp.headers["Location"] == target, path
        assert client.get(target).status_code == 200, target


def test_a_share_link_records_the_visit_by_route(app, world):
    """The visit names the post or product from the route's own arguments."""
    mei = read_db(lambda: User.get(User.username == "mei").id)
    code, pid = world["code"], world["products"][0]
    visitor = app.test_client()
    visitor.get(f"/posts/{world['post']}?s={code}")
    visitor.get(f"/products/{pid}?s={code}")
    visitor.get(f"/u/lily?s={code}")
    assert visits() == [
        (mei, world["post"], None),
        (mei, None, pid),
        (mei, None, None),
    ]
    # A path no route answers records nothing and redirects nowhere.
    assert visitor.get(f"/nowhere/{pid}?s={code}").status_code == 404
    assert visitor.get(f"/products/{pid}/x?s={code}").status_code == 404
    assert len(visits()) == 3


def test_share_codes_on_the_api_static_files_and_forms_are_left_alone(app, world):
    code, pid = world["code"], world["products"][0]
    client = app.test_client()
    resp = client.get(f"/api/v1/products/{pid}?s={code}")
    assert resp.status_code == 200 and resp.get_json()["product"]["id"] == pid
    resp = client.get(f"/static/css/site.css?s={code}")
    assert resp.status_code == 200 and "Location" not in resp.headers
    # A form posted to a URL carrying a code is handled, not bounced to a GET.
    token = csrf_token(client, "/")
    resp = client.post(f"/language?s={code}", data={"csrf_token": token, "lang": "zh"})
    assert resp.status_code == 302 and "s=" not in resp.headers["Location"]
    assert visits() == []


CONTROL = ["%00", "%01", "%0a", "%0d", "%09", "%1b", "%7f", "%c2%85", "%e2%80%ae"]


@pytest.mark.parametrize("char", CONTROL)
def test_control_characters_in_a_path_are_never_a_500(app, world, char):
    """Anywhere in the path (a page, a path argument, the API, static files), with
    and without a share code: 404 (or 400), never a 500. A share code on a routed
    page (`/u/<username>`) first lands on that page, its name escaped."""
    pid = world["products"][0]
    client = app.test_client()
    paths = [
        f"/{char}",
        f"/{char}/evil.example",
        f"/products/{char}",
        f"/products/{pid}{char}",
        f"/posts/{char}",
        f"/u/{char}",
        f"/u/lily{char}",
        f"/c/{char}",
        f"/media/{char}",
        f"/live/1/hls/{char}",
        f"/api/v1/{char}",
        f"/api/v1/products/{char}",
        f"/static/{char}",
        f"/static/css/{char}",
        f"/static/css/site.css{char}",
    ]
    for path in paths:
        for query in ("", "s=x", f"s={world['code']}"):
            resp = raw_get(client, path, query)
            if resp.status_code == 302 and query:
                assert same_site(resp.headers["Location"]), (path, query)
                assert char.upper() in resp.headers["Location"], (path, query)
                resp = client.get(resp.headers["Location"])
            assert resp.status_code in (400, 404), (path, query, resp.status_code)
    for method in ("PUT", "DELETE"):
        resp = world["api"].call(
            method, f"/api/v1/follows/{char}", token=world["shopper"]
        )
        assert resp.status_code in (400, 404), (method, resp.status_code)
