"""The same code on PostgreSQL (LIVESTALL_DATABASE_URL): schema, accounts, catalog,
shared login throttling. Needs the local server; required under CI."""

import os
import uuid

import pytest
from peewee import PostgresqlDatabase

from app import create_app
from extensions import db
from tests.plugins.api import Api
from tests.plugins.app import FAST_HASH

ADMIN_DSN = os.environ.get("LIVESTALL_TEST_PG", "postgresql://postgres@127.0.0.1:5432")


@pytest.fixture
def pg_url():
    psycopg2 = pytest.importorskip("psycopg2")
    try:
        admin = psycopg2.connect(ADMIN_DSN + "/postgres", connect_timeout=3)
    except psycopg2.OperationalError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required under CI: {exc}")
        pytest.skip(f"no PostgreSQL at {ADMIN_DSN}: {exc}")
    admin.autocommit = True
    name = "livestall_test_" + uuid.uuid4().hex[:10]
    with admin.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')
    yield f"{ADMIN_DSN}/{name}"
    if not db.is_closed():
        db.close()
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def _app(tmp_path, url, **extra):
    return create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(tmp_path),
            "DATABASE_URL": url,
            "PASSWORD_HASH_METHOD": FAST_HASH,
            "SESSION_COOKIE_SECURE": False,
            **extra,
        }
    )


def test_app_runs_on_postgresql(tmp_path, pg_url, png):
    app = _app(tmp_path, pg_url)
    assert isinstance(db.obj, PostgresqlDatabase)  # pooled: PooledPostgresqlDatabase
    api = Api(app.test_client())
    token = api.user("pgshop", role="merchant")
    product = api.product(token, title="云南普洱 熟茶饼 357g", tags=["普洱", "tea"])
    resp = api.call(
        "PATCH", f"/api/v1/products/{product['id']}", token=token, json={"stock": 3}
    )
    assert resp.status_code == 200 and resp.get_json()["product"]["stock"] == 3
    resp = api.call(
        "POST",
        f"/api/v1/products/{product['id']}/images",
        token=token,
        data={"file": (__import__("io").BytesIO(png), "a.png")},
        content_type="multipart/form-data",
    )
    assert resp.status_code == 201
    got = api.call("GET", f"/api/v1/products/{product['id']}").get_json()["product"]
    assert got["title"] == "云南普洱 熟茶饼 357g" and got["tags"] == ["普洱", "tea"]
    assert len(got["images"]) == 1
    # A second start on the same database finds the schema current.
    db.close()
    _app(tmp_path, pg_url)
    from livestall.db.migrations import LATEST, current_version

    with db.connection_context():
        assert current_version() == LATEST


def test_login_throttle_is_shared_on_postgresql(tmp_path, pg_url):
    app = _app(tmp_path, pg_url, LOGIN_LIMIT_PER_ACCOUNT=3)
    Api(app.test_client()).user("victim")
    api = Api(app.test_client())  # a stranger's (the other is a known device)
    for _ in range(3):
        resp = api.call(
            "POST",
            "/api/v1/tokens",
            json={"login": "victim", "password": "wrong password"},
        )
        assert resp.status_code == 401
    other = _app(tmp_path, pg_url, LOGIN_LIMIT_PER_ACCOUNT=3)  # "another process"
    resp = Api(other.test_client()).call(
        "POST", "/api/v1/tokens", json={"login": "victim", "password": "wrong again"}
    )
    assert (
        resp.status_code == 429 and resp.get_json()["error"]["code"] == "rate_limited"
    )
