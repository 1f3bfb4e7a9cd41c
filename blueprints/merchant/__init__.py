"""The merchant's pages. `views` holds the blueprint and the catalog, settings and
attribution pages; `group_buys`, `coupons`, `bargains` and `community` add the
group-buying, coupon, bargain and community group buying consoles' routes to it."""

from blueprints.merchant import (  # noqa: F401  (register routes on bp)
    bargains,
    community,
    coupons,
    group_buys,
)
