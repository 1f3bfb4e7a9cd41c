"""Creators' content on the web: the home feed, posts, comments, creator pages."""
