"""People: signed-in browsers (`Person`) through the real forms, bearer tokens through
the API, admins, and a cast of either kind."""

from livestall.accounts import rules as accounts
from livestall.accounts.models import User
from tests.plugins.app import AuthActions, csrf_token, read_db


class Person:
    """A signed-in browser (its own test client) for one account."""

    def __init__(self, app, username, role="shopper"):
        self.username = username
        self.client = app.test_client()
        self.auth = AuthActions(self.client)
        resp = self.auth.signup(username, role=role, display_name=username.title())
        assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
        self.id = read_db(lambda: User.get(User.username == username).id)

    def get(self, path, **kw):
        return self.client.get(path, **kw)

    def post(self, path, data=None, **kw):
        data = {"csrf_token": csrf_token(self.client, "/"), **(data or {})}
        return self.client.post(path, data=data, **kw)

    def user(self):
        return read_db(lambda: User.get_by_id(self.id))


def grant_admin(username):
    """Give an existing account the admin role, directly (no page does it)."""
    read_db(lambda: accounts.set_roles(User.get(User.username == username), ["admin"]))


def make_admin(app, username="boss"):
    """An admin's signed-in browser."""
    person = Person(app, username)
    grant_admin(username)
    return person


def admin_token(api, username="boss"):
    """An admin's bearer token: the account made through the API, then granted."""
    token = api.user(username)
    grant_admin(username)
    return token


def user_id(api, token):
    return api.call("GET", "/api/v1/me", token=token).get_json()["user"]["id"]


def cast(app, api, people, browsers=False):
    """{key: a Person, or a bearer token} for each (key, username, role) of `people`,
    made in that order."""
    if browsers:
        return {key: Person(app, name, role) for key, name, role in people}
    return {key: api.user(name, role=role) for key, name, role in people}
