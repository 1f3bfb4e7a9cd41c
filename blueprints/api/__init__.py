"""The public JSON API, version 1 (API.md)."""

from blueprints.api.views import bp

__all__ = ["bp"]
