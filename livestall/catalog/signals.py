"""Signals of the catalog. Receivers run in the sender's thread, in its transaction.

- `product_changed(sender=None, product_ids=[...])`: a product's listing changed
  (created, edited, archived, restored): search re-reads it.
- `stock_changed(sender=None, product_ids=[...], reason=str)`: `inventory` moved
  stock of these products (taken, given back, set aside, settled): search re-reads
  the ones whose "in stock" may have flipped.
"""

from blinker import Signal

product_changed = Signal("product-changed")
stock_changed = Signal("stock-changed")
