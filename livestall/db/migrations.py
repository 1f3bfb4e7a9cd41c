"""Schema creation and in-place upgrades.

A new database gets every table at the latest version. An older one is upgraded on
start by the migrations below, each run once, in order, inside a transaction, with
the version row bumped in the same transaction. Rules for contributors:

- a new model (a new table) only needs adding to `livestall.registry.MODELS`;
- a new or changed column on an existing table needs a migration here, and
  `tests/db/test_schema.py` fails until the upgraded schema equals a fresh one.
"""

from peewee import IntegerField
from playhouse.migrate import SchemaMigrator, migrate

from livestall.db.base import BaseModel, db, is_sqlite, transaction

# Version 1 was the first foundation schema; see tests/data/livestall_v1.sql.


class SchemaVersion(BaseModel):
    version = IntegerField()


def _v2_locale_and_sales(migrator):
    """Add the user's UI language setting and a product sales counter."""
    from livestall.accounts.models import User
    from livestall.catalog.models import Product

    migrate(
        migrator.add_column("user", "locale", User.locale),
        migrator.add_column("product", "sales_count", Product.sales_count),
    )


def _v3_listing_indexes(migrator):
    """Replace single-column product indexes with the ones shop listings use."""
    migrate(
        migrator.drop_index("product", "product_status"),
        migrator.drop_index("product", "product_created_at"),
        migrator.add_index("product", ("status", "created_at"), False),
        migrator.add_index("product", ("category", "status", "created_at"), False),
    )


def _v4_share_codes(migrator):
    """Give users a personal share code column (content issue)."""
    from livestall.accounts.models import User

    migrate(
        migrator.add_column("user", "share_code", User.share_code)
    )  # + unique index


def _v5_paid_at(migrator):
    """Record when an order's money arrived (payment providers)."""
    from livestall.orders.models import Order

    if "order" in db.get_tables():  # older databases get the whole table later
        migrate(migrator.add_column("order", "paid_at", Order.paid_at))


def _v6_touchpoint_funnel_indexes(migrator):
    """Index touchpoints by creator, post, live and sharer over time (the
    attribution dashboard's funnel; bench/attribution.py)."""
    if "touchpoint" not in db.get_tables():  # older databases get the whole table
        return
    migrate(
        *(
            migrator.add_index("touchpoint", (column, "created_at", "kind"), False)
            for column in ("creator_id", "post_id", "live_session_id", "sharer_id")
        )
    )


def _v7_flash_consent(migrator):
    """Let merchants consent to creators' flash sales of their products: a floor
    price and a unit allowance, null (no consent) until the merchant sets them."""
    from livestall.catalog.models import Product

    migrate(
        migrator.add_column(
            "product", "flash_min_price_cents", Product.flash_min_price_cents
        ),
        migrator.add_column("product", "flash_max_units", Product.flash_max_units),
    )


def _v8_addresses(migrator):
    """Give users an address book (issue 16): the `address` table, made here so
    the version says when it arrived (a fresh database gets it with the others)."""
    from livestall.accounts.addresses import Address

    db.create_tables([Address], safe=True)


def _v9_shipping_fee(migrator):
    """A shop's shipping fee and free-shipping threshold, and each order's
    shipping (issue 16); 0 for older orders and shops: free shipping as before."""
    from livestall.merchants.models import MerchantProfile
    from livestall.orders.models import Order

    tables = db.get_tables()  # older databases get the whole tables later
    steps = []
    if "merchant_profile" in tables:
        steps += [
            migrator.add_column(
                "merchant_profile",
                "shipping_fee_cents",
                MerchantProfile.shipping_fee_cents,
            ),
            migrator.add_column(
                "merchant_profile",
                "free_shipping_over_cents",
                MerchantProfile.free_shipping_over_cents,
            ),
        ]
    if "order" in tables:
        steps.append(
            migrator.add_column("order", "shipping_cents", Order.shipping_cents)
        )
    if steps:
        migrate(*steps)


def _v10_discounts(migrator):
    """Coupons (issue 18): what a coupon took off each order and each line; 0
    for older ones (the coupon tables are new: created with the others)."""
    from livestall.orders.models import Order, OrderLine

    tables = db.get_tables()  # older databases get the whole tables later
    steps = []
    if "order" in tables:
        steps.append(
            migrator.add_column("order", "discount_cents", Order.discount_cents)
        )
    if "order_line" in tables:
        steps.append(
            migrator.add_column(
                "order_line", "discount_cents", OrderLine.discount_cents
            )
        )
    if steps:
        migrate(*steps)


def _v11_member_price(migrator):
    """Membership (issue 21): a product's member price (null: none)."""
    from livestall.catalog.models import Product

    if "product" in db.get_tables():
        migrate(
            migrator.add_column(
                "product", "member_price_cents", Product.member_price_cents
            )
        )


def _v12_flash_mode(migrator):
    """Live interaction (issue 22): a flash sale's mode (race, lottery or a lucky
    draw's prize units)."""
    from livestall.flash.models import FlashSale

    if "flash_sale" in db.get_tables():
        migrate(migrator.add_column("flash_sale", "mode", FlashSale.mode))


def _v13_email_verified(migrator):
    """Accounts (issue 23): when a user's email was verified; accounts from
    before count as verified (since they were made), so nothing they did stops."""
    from livestall.accounts.models import User

    if "user" in db.get_tables():
        migrate(
            migrator.add_column("user", "email_verified_at", User.email_verified_at)
        )
        User.update(email_verified_at=User.created_at).where(
            User.email_verified_at.is_null()
        ).execute()


def _v14_comment_status(migrator):
    """Trust and safety (issue 23): a comment an admin took down stays for its
    author and admins (status `removed`)."""
    from livestall.content.models import Comment

    if "comment" in db.get_tables():
        migrate(migrator.add_column("comment", "status", Comment.status))


MIGRATIONS = [
    (2, _v2_locale_and_sales),
    (3, _v3_listing_indexes),
    (4, _v4_share_codes),
    (5, _v5_paid_at),
    (6, _v6_touchpoint_funnel_indexes),
    (7, _v7_flash_consent),
    (8, _v8_addresses),
    (9, _v9_shipping_fee),
    (10, _v10_discounts),
    (11, _v11_member_price),
    (12, _v12_flash_mode),
    (13, _v13_email_verified),
    (14, _v14_comment_status),
]
LATEST = MIGRATIONS[-1][0] if MIGRATIONS else 1


def current_version():
    row = SchemaVersion.select().order_by(SchemaVersion.version.desc()).first()
    return row.version if row else 0


def _lock():
    """Serialise schema work across processes starting at the same time."""
    if not is_sqlite():
        db.execute_sql("SELECT pg_advisory_xact_lock(4242001)")


def init_schema(models):
    """Create a fresh schema or upgrade an older one to `LATEST`; return the version."""
    with transaction():
        _lock()
        tables = set(db.get_tables())
        if not tables:
            db.create_tables(models)
            SchemaVersion.create(version=LATEST)
            return LATEST
        if "schema_version" not in tables:
            raise RuntimeError(
                "the database has tables but is not a Livestall database"
            )
    version = current_version()
    if version > LATEST:
        raise RuntimeError(
            f"the database is at schema {version}, newer than this release ({LATEST})"
        )
    if version == LATEST and {m._meta.table_name for m in models} <= tables:
        # Up to date: nothing to create (a new index or column on an existing
        # table always comes with a migration and a new LATEST)
        return version
    migrator = SchemaMigrator.from_database(db.obj)
    for number, step in MIGRATIONS:
        if number <= version:
            continue
        with transaction():
            _lock()
            if current_version() >= number:  # another process got there first
                continue
            step(migrator)
            SchemaVersion.update(version=number).execute()
    with transaction():
        _lock()
        db.create_tables(models, safe=True)
    return current_version()
