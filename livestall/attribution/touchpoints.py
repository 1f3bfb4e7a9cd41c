"""Record touchpoints: one INSERT each, no read on the hot path."""

from livestall.attribution.models import Touchpoint
from livestall.content.models import Post
from livestall.db.base import PreparedInsert, utcnow
from livestall.orders import sources

UTM_MAX = 100


def _utm(value):
    return value[:UTM_MAX] if isinstance(value, str) and value else None


def record(
    kind,
    visitor_id,
    user_id=None,
    *,
    creator_id=None,
    post_id=None,
    product_id=None,
    sharer_id=None,
    live_session_id=None,
    utm=None,
):
    """Insert one touchpoint row."""
    utm = utm or {}
    _INSERT(
        kind,
        visitor_id,
        user_id,
        creator_id,
        post_id,
        product_id,
        sharer_id,
        live_session_id,
        _utm(utm.get("utm_source")),
        _utm(utm.get("utm_medium")),
        _utm(utm.get("utm_campaign")),
        utcnow(),
    )


# every post view, live join and share-link visit: compiled once
_INSERT = PreparedInsert(
    Touchpoint.kind,
    Touchpoint.visitor_id,
    Touchpoint.user_id,
    Touchpoint.creator_id,
    Touchpoint.post_id,
    Touchpoint.product_id,
    Touchpoint.sharer_id,
    Touchpoint.live_session_id,
    Touchpoint.utm_source,
    Touchpoint.utm_medium,
    Touchpoint.utm_campaign,
    Touchpoint.created_at,
)


def record_product_click(visitor_id, user_id, product_id, post_id, utm=None):
    """A product opened from a post: the post's author is found by the same INSERT
    (INSERT ... SELECT), so the page does no extra read. `?src=post:ID` is the
    visitor's claim: only a published post that tags the product records a click
    (`sources.tagging_posts`); a draft, an unknown post or one about another
    product records nothing."""
    utm = utm or {}
    source = Post.select(
        "product_click",
        visitor_id,
        user_id,
        Post.author,
        Post.id,
        product_id,
        _utm(utm.get("utm_source")),
        _utm(utm.get("utm_medium")),
        _utm(utm.get("utm_campaign")),
        utcnow(),
    ).where((Post.id == post_id) & Post.id.in_(sources.tagging_posts(product_id)))
    Touchpoint.insert_from(
        source,
        [
            Touchpoint.kind,
            Touchpoint.visitor_id,
            Touchpoint.user_id,
            Touchpoint.creator_id,
            Touchpoint.post_id,
            Touchpoint.product_id,
            Touchpoint.utm_source,
            Touchpoint.utm_medium,
            Touchpoint.utm_campaign,
            Touchpoint.created_at,
        ],
    ).execute()


def merge_visitor(visitor_id, user_id):
    """At sign-in, the browser's anonymous touchpoints become the user's."""
    if visitor_id:
        Touchpoint.update(user_id=user_id).where(
            (Touchpoint.visitor_id == visitor_id) & (Touchpoint.user_id.is_null())
        ).execute()
