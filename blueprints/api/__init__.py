"""The public JSON API, version 1 (docs/API.md)."""

from blueprints.api import content, orders  # noqa: F401 - register their routes
from blueprints.api.views import bp

__all__ = ["bp"]
