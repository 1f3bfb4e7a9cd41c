"""CLI commands: backup (and restoring it), create-admin, seed-demo --if-empty."""

import shutil

import pytest

from app import create_app
from extensions import db
from livestall.accounts.models import User
from livestall.catalog.models import Product
from tests.plugins.app import FAST_HASH, PASSWORD


@pytest.mark.sqlite_only
def test_backup_is_a_consistent_copy_that_restores(app, api, tmp_path):
    token = api.user("teahouse", role="merchant")
    api.product(token, title="安吉白茶 2026 新茶 100g")
    target = tmp_path / "backups" / "livestall.db"
    runner = app.test_cli_runner()
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert "Backed up" in result.output
    # Writing after the backup does not reach the copy.
    api.product(token, title="written after the backup")
    # Restore: a new data dir whose database is the backup file.
    restored = tmp_path / "restored"
    restored.mkdir()
    shutil.copy(target, restored / "livestall.db")
    db.close()
    create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(restored),
            "SECRET_KEY": "t",
            "PASSWORD_HASH_METHOD": FAST_HASH,
        }
    )
    with db.connection_context():
        assert [p.title for p in Product.select()] == ["安吉白茶 2026 新茶 100g"]
        assert User.get(User.username == "teahouse").has_role("merchant")
    # Refuses to overwrite an existing file.
    assert runner.invoke(args=["backup", str(target)]).exit_code != 0


def test_create_admin(app):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["create-admin", "--username", "boss", "--email", "boss@example.com"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    with db.connection_context():
        assert sorted(User.get(User.username == "boss").roles) == ["admin", "shopper"]
    weak = runner.invoke(
        args=["create-admin", "--username", "weak", "--email", "weak@example.com"],
        input="password\npassword\n",
    )
    assert weak.exit_code != 0 and "too common" in weak.output
    # the operator is told a taken email (sign-up keeps quiet about it)
    taken = runner.invoke(
        args=["create-admin", "--username", "boss2", "--email", "Boss@example.com"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert taken.exit_code != 0 and "exists already" in taken.output
    with db.connection_context():
        assert not User.select().where(User.username == "boss2").exists()


def test_seed_demo_if_empty_leaves_existing_sites_alone(app, api):
    api.user("existing")
    result = app.test_cli_runner().invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0 and "not seeding" in result.output
    with db.connection_context():
        assert User.select().count() == 1 and Product.select().count() == 0


def test_seed_demo_twice_says_so_cleanly(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo", "--products", "20"])
    assert first.exit_code == 0, first.output
    assert "Seeded 20 products" in first.output
    with db.connection_context():
        assert Product.select().count() == 20
    again = runner.invoke(args=["seed-demo", "--products", "20"])
    assert again.exit_code == 1 and "already there" in again.output
    assert "Traceback" not in again.output
    with db.connection_context():
        assert Product.select().count() == 20
