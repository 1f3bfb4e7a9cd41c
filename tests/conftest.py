"""Fixtures: `app` (fresh temp data dir per test), `client`, `auth`, `api`, images."""

import io
import re

import pytest
from PIL import Image as PILImage

from app import create_app
from extensions import db

FAST_HASH = "pbkdf2:sha256:1000"  # the strong default is asserted in test_security
PASSWORD = "correct horse battery"


@pytest.fixture
def app(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(tmp_path / "data"),
            "SECRET_KEY": "test-secret",
            "PASSWORD_HASH_METHOD": FAST_HASH,
            "SESSION_COOKIE_SECURE": False,
            "REMEMBER_COOKIE_SECURE": False,
        }
    )
    yield app
    if not db.is_closed():
        db.close()


@pytest.fixture
def client(app):
    return app.test_client()


def csrf_token(client, path="/login"):
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


class AuthActions:
    """Sign up, sign in and out through the real forms (CSRF included)."""

    def __init__(self, client):
        self.client = client

    def signup(self, username="alice", role="shopper", password=PASSWORD, **extra):
        token = csrf_token(self.client, "/signup")
        data = {
            "csrf_token": token,
            "username": username,
            "email": extra.pop("email", f"{username}@example.com"),
            "password": password,
            "role": role,
            **extra,
        }
        return self.client.post("/signup", data=data)

    def login(self, login="alice", password=PASSWORD):
        token = csrf_token(self.client, "/login")
        return self.client.post(
            "/login", data={"csrf_token": token, "login": login, "password": password}
        )

    def logout(self):
        token = csrf_token(self.client, "/")
        return self.client.post("/logout", data={"csrf_token": token})

    def token(self, path="/"):
        return csrf_token(self.client, path)


@pytest.fixture
def auth(client):
    return AuthActions(client)


class Api:
    """JSON API calls with an optional bearer token."""

    def __init__(self, client):
        self.client = client

    def call(self, method, path, token=None, **kw):
        headers = kw.pop("headers", {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return self.client.open(path, method=method, headers=headers, **kw)

    def user(self, username, role="shopper", password=PASSWORD):
        resp = self.call(
            "POST",
            "/api/v1/users",
            json={
                "username": username,
                "email": f"{username}@example.com",
                "password": password,
                "role": role,
            },
        )
        assert resp.status_code == 201, resp.get_json()
        return resp.get_json()["token"]

    def product(self, token, **fields):
        body = {
            "title": "Hand Blender 手持料理棒",
            "price_cents": 12900,
            "category": "kitchen",
            "stock": 10,
            **fields,
        }
        resp = self.call("POST", "/api/v1/products", token=token, json=body)
        assert resp.status_code == 201, resp.get_json()
        return resp.get_json()["product"]


@pytest.fixture
def api(client):
    return Api(client)


def image_bytes(fmt="PNG", size=(64, 48), color=(200, 30, 60), **save):
    buf = io.BytesIO()
    mode = "RGBA" if fmt == "PNG" and save.pop("alpha", False) else "RGB"
    PILImage.new(mode, size, color).save(buf, fmt, **save)
    return buf.getvalue()


@pytest.fixture
def png():
    return image_bytes()
