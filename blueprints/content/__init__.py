"""Creators' content on the web: the home feed, posts, comments, creator pages.

`views` holds the blueprint and the pages; `actions` adds the buttons' routes
(like, comment, follow) to it, answering JSON to page scripts that ask for it."""

from blueprints.content import actions  # noqa: F401  (registers its routes on bp)
