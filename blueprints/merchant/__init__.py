"""The merchant's pages. `views` holds the blueprint and the catalog, settings and
attribution pages; `group_buys`, `coupons` and `bargains` add the group-buying,
coupon and bargain consoles' routes to it."""

from blueprints.merchant import (  # noqa: F401  (register routes on bp)
    bargains,
    coupons,
    group_buys,
)
