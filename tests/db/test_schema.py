"""Schema creation and in-place upgrades of databases made by earlier releases."""

import sqlite3
from pathlib import Path

import pytest

from app import create_app
from extensions import db
from livestall.accounts.models import User
from livestall.catalog.models import Product
from livestall.db.migrations import LATEST, SchemaVersion, current_version
from tests.plugins.app import FAST_HASH, PASSWORD

pytestmark = pytest.mark.sqlite_only  # SQLite files of earlier releases
V1_DUMP = Path(__file__).resolve().parents[1] / "data" / "livestall_v1.sql"


def _make_app(data_dir):
    return create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(data_dir),
            "SECRET_KEY": "t",
            "PASSWORD_HASH_METHOD": FAST_HASH,
            "SESSION_COOKIE_SECURE": False,
        }
    )


def _restore_v1(data_dir):
    data_dir.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(data_dir / "livestall.db")
    con.executescript(V1_DUMP.read_text(encoding="utf-8"))
    con.close()


def _schema(path):
    """Tables -> sorted (column, type, notnull, default, pk) and index definitions."""
    con = sqlite3.connect(path)
    out = {}
    tables = [
        r[0]
        for r in con.execute(
            "SELECT name FROM sqlite_master "
            "WHERE type='table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    for table in tables:
        cols = sorted(
            (r[1], r[2].upper(), r[3], r[5])
            for r in con.execute(f'PRAGMA table_info("{table}")')
        )
        indexes = sorted(
            (r[2], tuple(c[2] for c in con.execute(f'PRAGMA index_info("{r[1]}")')))
            for r in con.execute(f'PRAGMA index_list("{table}")')
        )
        fks = sorted(
            (r[2], r[3], r[4])
            for r in con.execute(f'PRAGMA foreign_key_list("{table}")')
        )
        out[table] = (cols, indexes, fks)
    con.close()
    return out


def test_fresh_database_is_created_at_latest_version(tmp_path):
    _make_app(tmp_path / "fresh")
    with db.connection_context():
        assert current_version() == LATEST
        assert SchemaVersion.select().count() == 1


def test_v1_database_upgrades_in_place_without_losing_rows(tmp_path):
    old = tmp_path / "old"
    _restore_v1(old)
    app = _make_app(old)
    with db.connection_context():
        assert current_version() == LATEST
        user = User.get(User.username == "oldmerchant")
        assert user.display_name == "老店" and user.locale is None
        assert user.roles == ["merchant"]
        products = {p.id: p for p in Product.select()}
        assert products[1].title == "西湖龙井 明前特级 250g"
        assert products[1].price_cents == 25900 and products[1].tags == ["绿茶", "明前"]
        assert products[2].status == "archived"
        assert {p.sales_count for p in products.values()} == {0}
    # The old account still signs in, and its product page still renders.
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    resp = client.post(
        "/login",
        data={"csrf_token": token, "login": "old@example.com", "password": PASSWORD},
    )
    assert resp.status_code == 302
    assert "西湖龙井" in client.get("/products/1").get_data(as_text=True)


def test_upgraded_schema_equals_a_fresh_one(tmp_path):
    """Fails when a model changes without a migration in livestall/db/migrations.py."""
    _make_app(tmp_path / "fresh")
    db.close()
    old = tmp_path / "old"
    _restore_v1(old)
    _make_app(old)
    db.close()
    assert _schema(old / "livestall.db") == _schema(tmp_path / "fresh" / "livestall.db")


def test_starting_twice_is_idempotent(tmp_path):
    _restore_v1(tmp_path / "d")
    _make_app(tmp_path / "d")
    db.close()
    _make_app(tmp_path / "d")
    with db.connection_context():
        assert current_version() == LATEST
        assert User.select().count() == 1 and Product.select().count() == 2


def test_a_newer_database_is_refused(tmp_path):
    _make_app(tmp_path / "d")
    with db.connection_context():
        SchemaVersion.update(version=LATEST + 1).execute()
    db.close()
    with pytest.raises(RuntimeError, match="newer than this release"):
        _make_app(tmp_path / "d")


def test_a_foreign_database_is_refused(tmp_path):
    (tmp_path / "d").mkdir()
    con = sqlite3.connect(tmp_path / "d" / "livestall.db")
    con.execute("CREATE TABLE accounts (id INTEGER PRIMARY KEY)")
    con.commit()
    con.close()
    with pytest.raises(RuntimeError, match="not a Livestall database"):
        _make_app(tmp_path / "d")


def test_sqlite_pragmas(app):
    with db.connection_context():
        pragma = db.obj.execute_sql
        assert pragma("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert pragma("PRAGMA busy_timeout").fetchone()[0] >= 5000
        assert pragma("PRAGMA foreign_keys").fetchone()[0] == 1
        assert pragma("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_write_transactions_take_the_write_lock_up_front(app):
    """transaction() is BEGIN IMMEDIATE: a second writer cannot start meanwhile."""
    from livestall.db.base import transaction

    path = Path(app.config["DATA_DIR"]) / "livestall.db"
    with db.connection_context():
        with transaction():
            other = sqlite3.connect(path, timeout=0)
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
            other.close()
        other = sqlite3.connect(path, timeout=0)
        other.execute("BEGIN IMMEDIATE")  # free again after commit
        other.rollback()
        other.close()
