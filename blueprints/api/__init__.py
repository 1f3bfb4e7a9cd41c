"""The public JSON API, version 1 (docs/API.md)."""

from blueprints.api import (  # noqa: F401 - routes
    accounts,
    addresses,
    admin_audit,
    attribution,
    bargain,
    catalog,
    community,
    content,
    customers,
    flash,
    group_buy,
    groups,
    interaction,
    live,
    membership,
    moderation,
    orders,
    pk,
    promotions,
    search,
)
from blueprints.api.views import bp

__all__ = ["bp"]
