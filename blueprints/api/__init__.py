"""The public JSON API, version 1 (docs/API.md)."""

from blueprints.api import content, flash, live, orders  # noqa: F401 - routes
from blueprints.api.views import bp

__all__ = ["bp"]
