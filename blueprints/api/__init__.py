"""The public JSON API, version 1 (docs/API.md)."""

from blueprints.api import content  # noqa: F401 - registers the content routes
from blueprints.api.views import bp

__all__ = ["bp"]
