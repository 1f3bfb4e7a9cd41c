"""`flask --app app ...` commands: seed-demo, reindex, create-admin, backup,
video-server, expire-unpaid."""

import sqlite3
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from extensions import db
from livestall.accounts.models import User
from livestall.db.base import is_sqlite


def register(app):
    app.cli.add_command(seed_demo)
    app.cli.add_command(reindex)
    app.cli.add_command(create_admin)
    app.cli.add_command(backup)
    app.cli.add_command(video_server)
    app.cli.add_command(expire_unpaid)


@click.command("seed-demo")
@with_appcontext
@click.option("--if-empty", is_flag=True, help="Do nothing if the site has users.")
@click.option("--products", default=160, show_default=True, help="How many products.")
def seed_demo(if_empty, products):
    """Create a bilingual demo world: merchants, creators, shoppers, products."""
    from demo import seed as demo
    from livestall.errors import DomainError
    from livestall.search import writer as search_writer

    with db.connection_context():
        if if_empty and User.select().exists():
            click.echo("The database already has users; not seeding.")
            return
        if demo.already_seeded():
            raise click.ClickException("The demo data is already there.")
        config = current_app.config
        try:
            steps = demo.plan(products)
            # The index is rebuilt once at the end instead of per product.
            with search_writer.batch(apply=False):
                with click.progressbar(length=steps, label="Seeding demo data") as bar:
                    summary = demo.seed(
                        products=products,
                        media_dir=config["MEDIA_DIR"],
                        hash_method=config["PASSWORD_HASH_METHOD"],
                        thumb_size=config["THUMBNAIL_SIZE"],
                        progress=bar.update,
                    )
        except (DomainError, ValueError) as e:
            raise click.ClickException(str(e))
        _rebuild_index()
    click.echo(summary)


def _rebuild_index():
    """Rebuild the search index from the database with a progress bar."""
    from livestall.search import jobs as search_jobs

    with click.progressbar(
        length=search_jobs.plan(), label="Building the search index"
    ) as bar:
        counts = search_jobs.rebuild(progress=bar.update)
    return counts


@click.command("reindex")
@with_appcontext
def reindex():
    """Rebuild the search index (DATA_DIR/index) from the database."""
    with db.connection_context():
        counts = _rebuild_index()
    click.echo(
        "Indexed {products} products, {posts} posts and {creators} creators.".format(
            **counts
        )
    )


@click.command("create-admin")
@with_appcontext
@click.option("--username", prompt=True)
@click.option("--email", prompt=True)
@click.password_option()
def create_admin(username, email, password):
    """Create an administrator account."""
    from livestall.accounts import rules as accounts
    from livestall.accounts import verification
    from livestall.errors import DomainError

    with db.connection_context():
        try:
            # register() keeps quiet about a taken email (sign-up must not reveal
            # it); the operator at the console is told
            address = accounts.normalise_email(email)
            if User.select().where(User.email == address).exists():
                raise click.ClickException("An account with that email exists already.")
            user = accounts.register(
                username,
                email,
                password,
                "shopper",
                hash_method=current_app.config["PASSWORD_HASH_METHOD"],
            )
        except DomainError as e:
            raise click.ClickException(e.message)
        accounts.set_roles(user, ["admin", "shopper"])
        verification.mark_verified(user)  # the operator gave the address
    click.echo(f"Admin {user.username} created.")


@click.command("backup")
@with_appcontext
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
def backup(target):
    """Write an online, consistent copy of the SQLite database to TARGET."""
    if not is_sqlite():
        raise click.ClickException("For PostgreSQL use pg_dump (see docs/).")
    if target.exists():
        raise click.ClickException(f"{target} exists; not overwriting it.")
    target.parent.mkdir(parents=True, exist_ok=True)
    with db.connection_context():
        source = db.connection()
        dest = sqlite3.connect(target)
        try:
            source.backup(dest)
        finally:
            dest.close()
    click.echo(f"Backed up to {target}")


@click.command("video-server")
@with_appcontext
@click.option("--print-config", is_flag=True, help="Print the nginx config and stop.")
def video_server(print_config):
    """Run nginx-rtmp in the foreground for development (docs/DEPLOY-video.md)."""
    import os

    from livestall.live import video_server as vs

    config = current_app.config
    if print_config:
        click.echo(vs.render(config))
        return
    missing = vs.missing_tools(config)
    if missing:
        raise click.ClickException(
            "install " + " ".join(missing) + " (apt-get install -y nginx "
            "libnginx-mod-rtmp ffmpeg)"
        )
    conf = vs.write_config(config)
    click.echo(
        f"nginx-rtmp on {config['VIDEO_RTMP_LISTEN']} (publish to "
        f"{config['VIDEO_RTMP_URL']}), callbacks to {config['VIDEO_APP_URL']}, "
        f"files in {vs.video_dir(config)}"
    )
    argv = vs.command(config, conf)
    os.execvp(argv[0], argv)  # noqa: S606 - nginx, in the foreground


@click.command("expire-unpaid")
@with_appcontext
def expire_unpaid():
    """Cancel orders whose time to be paid (bank transfer) or shipped (cash on
    delivery) is over, close group-buying teams past their time (failed, orders
    refunded; or virtually filled), and end lives whose stream stayed away past its
    grace period (the server does all this every minute too; this is for cron on
    hosts that run without it)."""
    from blueprints.maintenance import maintenance_pass

    done = maintenance_pass(current_app._get_current_object())
    click.echo(f"Cancelled {len(done['unpaid_cancelled'])} unpaid order(s).")
    click.echo(f"Ended {len(done['lives_ended'])} live(s) whose stream stayed away.")
    click.echo(f"Closed {len(done['teams_closed'])} group-buying team(s) past time.")
    click.echo(f"Closed {len(done['bargains_closed'])} bargain(s) past time.")
