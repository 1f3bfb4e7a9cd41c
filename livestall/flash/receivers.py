"""Flash sales follow placed orders: a closed sale whose last hold was just bought
settles (its unsold units go back to the shelf) once the order is committed."""

from livestall.db.base import on_commit
from livestall.flash import sales
from livestall.orders import signals, sources


def _settle_sales(sender, lines_of, **placed):
    sale_ids = sources.ids_of(
        (line.source for lines in lines_of.values() for line in lines), "flash"
    )
    for sale_id in sorted(sale_ids):
        on_commit(sales.settle, sale_id)


def connect():
    signals.order_placed.connect(_settle_sales)
