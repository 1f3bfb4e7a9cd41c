"""Content-to-purchase attribution: which touchpoints sold an order line.

At order time each line's revenue is split over the buyer's touchpoints that
relate to the line's product (a click on it, a share link to it, a post that tags
it, a live that features it) inside the merchant's window, by the merchant's
model, and the shares are stored (`AttributionCredit`). A purchase made in a live
room while the live is on goes wholly to that live. A line with no touchpoint is
"direct". Money is split in integer cents by largest remainder, so the credits of
a line always sum exactly to its revenue.

Models (as Google Analytics and the ad platforms define them):
- last_touch: all to the last touchpoint (the default);
- first_touch: all to the first;
- linear: equal shares;
- time_decay: weight 2^(-age / 7 days), age counted back from the order;
- position_based: 40% first, 40% last, 20% shared by the ones between
  (one touch: 100%; two: 50/50).

The reports over the stored credits, and the what-if that reruns a model over the
stored touchpoints, are in `livestall.attribution.report`.
"""

import datetime
from collections import defaultdict

from livestall.attribution.models import AttributionCredit, Touchpoint
from livestall.content.models import Post, PostProduct
from livestall.live.models import LiveProduct, LiveSession
from livestall.live.sales import session_of_source
from livestall.merchants.models import ATTRIBUTION_MODELS, MerchantProfile

HALF_LIFE = datetime.timedelta(days=7)
DEFAULT_MODEL = "last_touch"


# --- the arithmetic -------------------------------------------------------------------


def weights(model, times, at):
    """Weights (summing to 1) for touchpoints at `times` (oldest first) before `at`."""
    n = len(times)
    if n == 0:
        return []
    if model == "first_touch":
        return [1.0] + [0.0] * (n - 1)
    if model == "last_touch":
        return [0.0] * (n - 1) + [1.0]
    if model == "linear":
        return [1.0 / n] * n
    if model == "time_decay":
        raw = [0.5 ** ((at - t) / HALF_LIFE) for t in times]
        total = sum(raw)
        return [w / total for w in raw]
    if model == "position_based":
        if n == 1:
            return [1.0]
        if n == 2:
            return [0.5, 0.5]
        middle = 0.2 / (n - 2)
        return [0.4] + [middle] * (n - 2) + [0.4]
    raise ValueError(f"unknown attribution model {model!r}")


def split_cents(total, shares):
    """Split `total` cents by `shares` (summing to 1) with largest remainder:
    floors first, then one cent each to the largest fractional parts (ties to the
    later share). The parts always sum to `total`."""
    exact = [total * w for w in shares]
    parts = [int(x) for x in exact]
    left = total - sum(parts)
    order = sorted(
        range(len(shares)), key=lambda i: (exact[i] - parts[i], i), reverse=True
    )
    for i in order[:left]:
        parts[i] += 1
    return parts


# --- what relates to a line -----------------------------------------------------------


def merchant_settings(merchant_id):
    profile = MerchantProfile.of(merchant_id)
    model = profile.attribution_model
    if model not in ATTRIBUTION_MODELS:
        model = DEFAULT_MODEL
    return model, datetime.timedelta(days=profile.attribution_window_days or 7)


def _buyer_touchpoints(buyer_id, since, until):
    return list(
        Touchpoint.select()
        .where(
            (Touchpoint.user_id == buyer_id)
            & (Touchpoint.created_at >= since)
            & (Touchpoint.created_at <= until)
        )
        .order_by(Touchpoint.created_at, Touchpoint.id)
    )


def _content_maps(touches, product_ids):
    """Which touched posts tag which products, which touched lives feature which,
    and the author of every touched post (share visits carry no creator)."""
    post_ids = {t.post_id for t in touches if t.post_id}
    live_ids = {t.live_session_id for t in touches if t.live_session_id}
    tags = defaultdict(set)
    authors = {}
    if post_ids:
        for post_id, product_id in (
            PostProduct.select(PostProduct.post, PostProduct.product)
            .where(
                PostProduct.post.in_(list(post_ids))
                & PostProduct.product.in_(list(product_ids))
            )
            .tuples()
        ):
            tags[post_id].add(product_id)
        authors = dict(
            Post.select(Post.id, Post.author)
            .where(Post.id.in_(list(post_ids)))
            .tuples()
        )
    features = defaultdict(set)
    hosts = {}
    if live_ids:
        for session_id, product_id in (
            LiveProduct.select(LiveProduct.session, LiveProduct.product)
            .where(
                LiveProduct.session.in_(list(live_ids))
                & LiveProduct.product.in_(list(product_ids))
            )
            .tuples()
        ):
            features[session_id].add(product_id)
        hosts = dict(
            LiveSession.select(LiveSession.id, LiveSession.host)
            .where(LiveSession.id.in_(list(live_ids)))
            .tuples()
        )
    return tags, authors, features, hosts


def content_maps_of(sold):
    """`_content_maps` for the products of the `sold` subquery: every post tagging
    one and every live featuring one, with their authors and hosts. Four queries
    over the content tables (far smaller than the touchpoints); entries for content
    nobody touched are never looked up."""
    tagging = PostProduct.select(PostProduct.post).where(PostProduct.product.in_(sold))
    featuring = LiveProduct.select(LiveProduct.session).where(
        LiveProduct.product.in_(sold)
    )
    tags, features = defaultdict(set), defaultdict(set)
    for post_id, product_id in (
        PostProduct.select(PostProduct.post, PostProduct.product)
        .where(PostProduct.product.in_(sold))
        .tuples()
    ):
        tags[post_id].add(product_id)
    for session_id, product_id in (
        LiveProduct.select(LiveProduct.session, LiveProduct.product)
        .where(LiveProduct.product.in_(sold))
        .tuples()
    ):
        features[session_id].add(product_id)
    authors = dict(
        Post.select(Post.id, Post.author).where(Post.id.in_(tagging)).tuples()
    )
    hosts = dict(
        LiveSession.select(LiveSession.id, LiveSession.host)
        .where(LiveSession.id.in_(featuring))
        .tuples()
    )
    return tags, authors, features, hosts


def _relates(touch, product_id, tags, features):
    if touch.product_id == product_id:
        return True
    if touch.post_id and product_id in tags.get(touch.post_id, ()):
        return True
    return bool(
        touch.live_session_id and product_id in features.get(touch.live_session_id, ())
    )


def _live_purchase(line, at):
    """The session a line was bought from while it was live, or None."""
    session_id = session_of_source(line.source)
    if session_id is None:
        return None
    session = LiveSession.get_or_none(LiveSession.id == session_id)
    if session is None or session.started_at is None or session.started_at > at:
        return None
    if session.ended_at is not None and session.ended_at < at:
        return None
    featured = (
        LiveProduct.select()
        .where(
            (LiveProduct.session == session.id)
            & (LiveProduct.product == line.product_id)
        )
        .exists()
    )
    return session if featured else None


# --- credits at order time ------------------------------------------------------------


class Share:
    """One credited party for a line under one model (before storing)."""

    __slots__ = (
        "touch",
        "kind",
        "creator_id",
        "post_id",
        "live_session_id",
        "sharer_id",
        "weight",
        "cents",
    )

    def __init__(self, touch, kind, creator_id, post_id, live_id, sharer_id, weight):
        self.touch = touch
        self.kind = kind
        self.creator_id = creator_id
        self.post_id = post_id
        self.live_session_id = live_id
        self.sharer_id = sharer_id
        self.weight = weight
        self.cents = 0


def shares_for(line, revenue, touches, model, at, maps):
    """Split one line's revenue over its related touches (oldest first)."""
    tags, authors, features, hosts = maps
    related = [t for t in touches if _relates(t, line.product_id, tags, features)]
    if not related:
        shares = [Share(None, "direct", None, None, None, None, 1.0)]
    else:
        ws = weights(model, [t.created_at for t in related], at)
        shares = [
            Share(
                t,
                t.kind,
                t.creator_id or authors.get(t.post_id) or hosts.get(t.live_session_id),
                t.post_id,
                t.live_session_id,
                t.sharer_id,
                w,
            )
            for t, w in zip(related, ws, strict=True)
        ]
    for share, cents in zip(
        shares, split_cents(revenue, [s.weight for s in shares]), strict=True
    ):
        share.cents = cents
    return [s for s in shares if s.weight > 0 or s.cents]


def earner_of(share, buyer_id):
    """One level: the content's creator, else the sharer; never the buyer."""
    earner = share.creator_id or share.sharer_id
    return None if earner in (None, buyer_id) else earner


def line_shares(line, revenue, touches, model, at, maps):
    """A line's shares: wholly to the live it was bought in while the live was on,
    else its revenue split over its related touches by `model`."""
    session = _live_purchase(line, at)
    if session is None:
        return shares_for(line, revenue, touches, model, at, maps)
    share = Share(None, "live_purchase", session.host_id, None, session.id, None, 1)
    share.cents = revenue
    return [share]


def credit_order(order, lines, products):
    """Store credits for an order's lines (inside checkout's transaction) and
    return them; commissions are computed at each product's rate."""
    at = order.created_at
    model, window = merchant_settings(order.merchant_id)
    touches = _buyer_touchpoints(order.buyer_id, at - window, at)
    maps = _content_maps(touches, {line.product_id for line in lines})
    rows = []
    for line in lines:
        revenue = line.paid_cents  # after its coupon's share
        shares = line_shares(line, revenue, touches, model, at, maps)
        rate = products[line.product_id].commission_bps
        for share in shares:
            earner = earner_of(share, order.buyer_id)
            rows.append(
                {
                    "order_line_id": line.id,
                    "order_id": order.id,
                    "merchant_id": order.merchant_id,
                    "buyer_id": order.buyer_id,
                    "product_id": line.product_id,
                    "touchpoint_id": share.touch.id if share.touch else None,
                    "kind": share.kind,
                    "creator_id": share.creator_id,
                    "post_id": share.post_id,
                    "live_session_id": share.live_session_id,
                    "sharer_id": share.sharer_id,
                    "model": model,
                    "weight": float(share.weight),
                    "units": line.qty * float(share.weight),
                    "revenue_cents": share.cents,
                    "commission_cents": share.cents * rate // 10_000 if earner else 0,
                    "earner_id": earner,
                    "created_at": at,
                }
            )
    if rows:
        AttributionCredit.insert_many(rows).execute()
    return rows
