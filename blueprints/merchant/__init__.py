"""The merchant's pages. `views` holds the blueprint and the catalog, settings and
attribution pages; `group_buys` adds the group-buying console's routes to it."""

from blueprints.merchant import group_buys  # noqa: F401  (registers its routes on bp)
