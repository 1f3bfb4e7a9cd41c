"""The merchant's pages. `views` holds the blueprint and the catalog, settings and
attribution pages; `group_buys`, `coupons`, `bargains`, `community`, `membership` and
`customers` add the group-buying, coupon, bargain, community group buying,
membership and customers (CRM) consoles' routes to it."""

from blueprints.merchant import (  # noqa: F401  (register routes on bp)
    bargains,
    community,
    coupons,
    customers,
    group_buys,
    membership,
)
