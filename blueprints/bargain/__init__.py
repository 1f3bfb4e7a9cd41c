"""Bargaining (砍价) for shoppers: the record page and its live updates."""
