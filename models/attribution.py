"""Touchpoints: what a visitor saw before buying (content-to-purchase attribution)."""

from peewee import AutoField, CharField, DateTimeField, IntegerField

from models.base import BaseModel, utcnow

KINDS = ("post_view", "product_click", "share_visit", "live_watch", "flash_grab")


class Touchpoint(BaseModel):
    """One row per event, written with a single INSERT and no read on the hot path.

    Ids are plain integers rather than foreign keys: a touchpoint must never block
    or slow the page that records it, and it outlives the rows it mentions.
    """

    id = AutoField()
    kind = CharField(max_length=16)
    visitor_id = CharField(max_length=40, index=True)
    user_id = IntegerField(null=True, index=True)
    creator_id = IntegerField(null=True)  # whose content it was
    post_id = IntegerField(null=True)
    live_session_id = IntegerField(null=True)
    product_id = IntegerField(null=True)
    sharer_id = IntegerField(null=True)  # whose share link was followed
    utm_source = CharField(max_length=100, null=True)
    utm_medium = CharField(max_length=100, null=True)
    utm_campaign = CharField(max_length=100, null=True)
    created_at = DateTimeField(default=utcnow, index=True)
