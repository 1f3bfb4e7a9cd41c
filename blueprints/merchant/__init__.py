"""The merchant's pages. `views` holds the blueprint and the catalog, settings and
attribution pages; `group_buys` adds the group-buying console's routes to it."""

from blueprints.merchant import coupons, group_buys  # noqa: F401  (register routes on bp)
