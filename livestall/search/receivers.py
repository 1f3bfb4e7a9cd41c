"""Search listens to the other domains: what they change, it re-reads and indexes.

Every index write waits for the sender's transaction to commit
(`livestall.db.base.on_commit`; at once when none is open), so the index only ever
sees committed rows and a rolled-back change never reaches it.
"""

import logging

from livestall.accounts import signals as accounts_signals
from livestall.catalog import signals as catalog_signals
from livestall.catalog.models import Product
from livestall.content import signals as content_signals
from livestall.db.base import on_commit
from livestall.search import store, writer

log = logging.getLogger(__name__)
# Stock moves after which a product can only have gone out of stock: only the ones
# now sold out need a new document ("in stock only" results). After the others
# (given back, settled) a product may be back in stock: all are read again.
SELL_OUT_REASONS = ("taken", "set_aside")


def on_product_changed(sender, product_ids=(), **_):
    on_commit(writer.changed, "product", *product_ids)


def on_post_changed(sender, post_ids=(), **_):
    on_commit(writer.changed, "post", *post_ids)


def on_user_changed(sender, user_ids=(), **_):
    on_commit(writer.changed, "user", *user_ids)


def on_stock_changed(sender, product_ids=(), reason=None, **_):
    if reason in SELL_OUT_REASONS:
        on_commit(reindex_sold_out, list(product_ids))
    else:
        on_commit(writer.changed, "product", *product_ids)


def reindex_sold_out(product_ids):
    """Index again those of the products that are now out of stock (one cheap read;
    an index write only on a sell-out, which is rare). Never raises."""
    ids = list(product_ids)
    if not ids or not store.is_configured():
        return
    try:
        sold_out = [
            pid
            for (pid,) in Product.select(Product.id)
            .where(Product.id.in_(ids) & (Product.stock <= 0))
            .tuples()
        ]
    except Exception:  # the sale stands; the index catches up at the next reindex
        log.exception("search: could not read the stock of %d products", len(ids))
        return
    if sold_out:
        writer.changed("product", *sold_out)


def connect():
    """Follow the catalog's, content's and accounts' signals (idempotent)."""
    catalog_signals.product_changed.connect(on_product_changed)
    catalog_signals.stock_changed.connect(on_stock_changed)
    content_signals.post_changed.connect(on_post_changed)
    accounts_signals.user_changed.connect(on_user_changed)
