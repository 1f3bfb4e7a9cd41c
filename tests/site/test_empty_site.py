"""A new site, before anyone has made anything: every page and API list answers
(no 500 from an empty catalogue, an empty search index or empty dashboards)."""

import pytest

from extensions import db
from livestall.accounts import rules as accounts
from livestall.accounts.models import User
from tests.plugins.app import AuthActions

ROLES = ("anonymous", "shopper", "creator", "merchant", "admin")
# every GET route without an argument is walked, bar static files
SKIPPED = {"static"}


def _people(app):
    auth = AuthActions(app.test_client())
    for role in ROLES[1:-1]:
        assert auth.signup(f"new{role}", role=role).status_code == 302
        auth.logout()
    assert auth.signup("newadmin").status_code == 302
    with db.connection_context():
        accounts.set_roles(User.get(User.username == "newadmin"), ["admin"])


def _pages(app):
    for rule in app.url_map.iter_rules():
        walked = "GET" in rule.methods and rule.endpoint not in SKIPPED
        if walked and not rule.arguments:
            yield rule.rule


@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_an_empty_site_answers(app, role):
    _people(app)
    client = app.test_client()
    if role != "anonymous":
        assert AuthActions(client).login(f"new{role}").status_code == 302
    seen = []
    for path in _pages(app):
        for query in ("", "?q=tea&page=2"):
            resp = client.get(path + query)
            assert resp.status_code < 500, (role, path + query, resp.status_code)
            seen.append(path)
    # the walk did reach the pages of a new shop, a search and the dashboards
    for path in ("/", "/shop", "/search", "/api/v1/search", "/live"):
        assert path in seen
