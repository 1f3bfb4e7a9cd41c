"""Touchpoints: what a visitor saw before buying (content-to-purchase attribution)."""

from peewee import AutoField, CharField, DateTimeField, FloatField, IntegerField

from livestall.db.base import BaseModel, utcnow

KINDS = (
    "post_view",
    "product_click",
    "share_visit",
    "live_watch",
    "flash_grab",
    "group_card",  # a card opened in a group (社群): the group owner's touch
)


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

    class Meta:
        # The dashboard's funnel counts views and clicks per creator, post, live or
        # share link in a period: covering indexes (schema v6; bench/attribution.py)
        indexes = (
            (("creator_id", "created_at", "kind"), False),
            (("post_id", "created_at", "kind"), False),
            (("live_session_id", "created_at", "kind"), False),
            (("sharer_id", "created_at", "kind"), False),
        )


class AttributionCredit(BaseModel):
    """A share of one order line's revenue credited to one touchpoint (or to
    "direct" when none), stored at order time under the merchant's model, so
    history never changes when settings do. The credits of a line sum exactly to
    its revenue."""

    id = AutoField()
    order_line_id = IntegerField(index=True)
    order_id = IntegerField()
    merchant_id = IntegerField()
    buyer_id = IntegerField()
    product_id = IntegerField()
    touchpoint_id = IntegerField(null=True)  # null: direct (no touchpoint)
    kind = CharField(max_length=16)  # the touchpoint's kind, "live_purchase", "direct"
    creator_id = IntegerField(null=True)
    post_id = IntegerField(null=True)
    live_session_id = IntegerField(null=True)
    sharer_id = IntegerField(null=True)
    model = CharField(max_length=20)
    weight = FloatField()
    units = FloatField()  # the line's units times the weight (for unit reports)
    revenue_cents = IntegerField()
    commission_cents = IntegerField(default=0)
    earner_id = IntegerField(null=True)  # who earns the commission (one level)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = (
            (("merchant_id", "created_at"), False),
            (("earner_id", "created_at"), False),
        )


class CommissionEntry(BaseModel):
    """The creators' commission ledger: append-only. An order adds a `pending`
    row; delivery moves it with a `pending -` row and a `payable +` row; a cancel
    or refund reverses whatever state it is in with a negative `reversal` row."""

    id = AutoField()
    earner_id = IntegerField()
    credit_id = IntegerField()
    order_id = IntegerField()
    state = CharField(max_length=10)  # pending | payable
    kind = CharField(max_length=10)  # accrual | release | reversal
    amount_cents = IntegerField()  # signed
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = (
            (("earner_id", "created_at"), False),
            (("order_id",), False),
        )
