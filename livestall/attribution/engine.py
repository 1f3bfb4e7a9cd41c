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

`what_if` reruns any model over the stored touchpoints for a period without
touching the stored credits, so a merchant can compare models side by side.
"""

import datetime
from collections import defaultdict

from peewee import fn

from livestall.accounts.models import User
from livestall.attribution.models import AttributionCredit, Touchpoint
from livestall.catalog.models import Product
from livestall.content.models import Post, PostProduct
from livestall.flash.models import FlashSale
from livestall.live.models import LiveProduct, LiveSession
from livestall.merchants.models import ATTRIBUTION_MODELS, MerchantProfile
from livestall.orders.models import Order, OrderLine

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


def _content_maps_of(sold):
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
    kind, _, ident = (line.source or "").partition(":")
    if kind == "flash" and ident.isdecimal():
        session_id = (
            FlashSale.select(FlashSale.session)
            .where(FlashSale.id == int(ident))
            .scalar()
        )
    elif kind == "live" and ident.isdecimal():
        session_id = int(ident)
    else:
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


def credit_order(order, lines, products):
    """Store credits for an order's lines (inside checkout's transaction) and
    return them; commissions are computed at each product's rate."""
    at = order.created_at
    model, window = merchant_settings(order.merchant_id)
    touches = _buyer_touchpoints(order.buyer_id, at - window, at)
    maps = _content_maps(touches, {line.product_id for line in lines})
    rows = []
    for line in lines:
        revenue = line.qty * line.unit_price_cents
        session = _live_purchase(line, at)
        if session is not None:
            shares = [
                Share(None, "live_purchase", session.host_id, None, session.id, None, 1)
            ]
            shares[0].cents = revenue
        else:
            shares = shares_for(line, revenue, touches, model, at, maps)
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


# --- reports --------------------------------------------------------------------------

GROUPS = ("creator", "post", "live", "share_link")
_GROUP_COLUMN = {
    "creator": "creator_id",
    "post": "post_id",
    "live": "live_session_id",
    "share_link": "sharer_id",
}
COUNTED = ("pending_payment", "paid", "shipped", "delivered")  # not cancelled/refunded


class Report:
    """A merchant's attributed sales for a period, grouped by creator, post, live
    or share link, from the stored credits; `what_if(model)` recomputes the same
    orders under another model from the stored touchpoints (nothing is written)."""

    def __init__(self, merchant_id, start, end, group_by="creator"):
        if group_by not in GROUPS:
            raise ValueError(group_by)
        self.merchant_id = merchant_id
        self.start, self.end = start, end
        self.group_by = group_by
        self.model, self.window = merchant_settings(merchant_id)

    def _orders(self):
        return Order.select(Order.id).where(
            (Order.merchant == self.merchant_id)
            & (Order.created_at >= self.start)
            & (Order.created_at < self.end)
            & Order.status.in_(COUNTED)
        )

    def stored(self):
        """Rows from the credits stored at order time."""
        column = getattr(AttributionCredit, _GROUP_COLUMN[self.group_by])
        query = (
            AttributionCredit.select(
                column.alias("key"),
                fn.COUNT(fn.DISTINCT(AttributionCredit.order_id)).alias("orders"),
                fn.SUM(AttributionCredit.units).alias("units"),
                fn.SUM(AttributionCredit.revenue_cents).alias("revenue"),
                fn.SUM(AttributionCredit.commission_cents).alias("commission"),
            )
            .where(
                (AttributionCredit.merchant_id == self.merchant_id)
                & (AttributionCredit.created_at >= self.start)
                & (AttributionCredit.created_at < self.end)
                & AttributionCredit.order_id.in_(self._orders())
            )
            .group_by(column)
            .dicts()
        )
        return self._finish(
            {
                row["key"]: {
                    "orders": row["orders"],
                    "units": row["units"] or 0,
                    "revenue_cents": int(row["revenue"] or 0),
                    "commission_cents": int(row["commission"] or 0),
                }
                for row in query
            }
        )

    def what_if(self, model):
        """The same orders credited under `model` (and this merchant's window)."""
        if model not in ATTRIBUTION_MODELS:
            raise ValueError(model)
        totals = {}
        # plain rows, not models: at 10^4 orders building models cost more than
        # the crediting (peewee parses each date with strptime; _moment does not)
        orders = [
            _Row(("id", "buyer_id", "created_at"), row)
            for row in Order.select(
                Order.id,
                Order.buyer,
                fn.COALESCE(Order.created_at, Order.created_at).python_value(_moment),
            )
            .where(Order.id.in_(self._orders()))
            .order_by(Order.id)
            .tuples()
        ]
        lines = defaultdict(list)
        if orders:
            for row in (
                OrderLine.select(
                    OrderLine.order,
                    OrderLine.product,
                    OrderLine.qty,
                    OrderLine.unit_price_cents,
                    OrderLine.source,
                )
                .where(OrderLine.order.in_(self._orders()))
                .tuples()
            ):
                line = _Row(_LINE_NAMES, row)
                lines[line.order_id].append(line)
        product_ids = {ln.product_id for mine in lines.values() for ln in mine}
        rates = {}
        if product_ids:
            rates = dict(
                Product.select(Product.id, Product.commission_bps)
                .where(Product.id.in_(list(product_ids)))
                .tuples()
            )
        # every buyer's touchpoints over the period and its window, in one query;
        # each order then takes its own buyer's inside its own window
        by_buyer = defaultdict(list)
        maps = ({}, {}, {}, {})
        if orders:
            since = min(o.created_at for o in orders) - self.window
            until = max(o.created_at for o in orders)
            buyers = Order.select(Order.buyer).where(Order.id.in_(self._orders()))
            scope = (
                Touchpoint.user_id.in_(buyers)
                & (Touchpoint.created_at >= since)
                & (Touchpoint.created_at <= until)
            )
            sold = OrderLine.select(OrderLine.product).where(
                OrderLine.order.in_(self._orders())
            )
            # only touchpoints that can relate to a product sold (_relates): of the
            # product, of a post tagging it or of a live featuring it; the others
            # would be read only to be dropped
            may_relate = (
                Touchpoint.product_id.in_(sold)
                | Touchpoint.post_id.in_(
                    PostProduct.select(PostProduct.post).where(
                        PostProduct.product.in_(sold)
                    )
                )
                | Touchpoint.live_session_id.in_(
                    LiveProduct.select(LiveProduct.session).where(
                        LiveProduct.product.in_(sold)
                    )
                )
            )
            for row in (
                Touchpoint.select(
                    *(getattr(Touchpoint, f) for f in _TOUCH_NAMES[:-1]),
                    # the stored text parsed once by fromisoformat (peewee tries
                    # strptime formats one by one: most of the time at 10^5 rows)
                    fn.COALESCE(
                        Touchpoint.created_at, Touchpoint.created_at
                    ).python_value(_moment),
                )
                .where(scope & may_relate)
                .order_by(Touchpoint.created_at, Touchpoint.id)
                .tuples()
            ):
                touch = _Row(_TOUCH_NAMES, row)
                by_buyer[touch.user_id].append(touch)
            maps = _content_maps_of(sold)
        for order in orders:
            mine = lines[order.id]
            since = order.created_at - self.window
            touches = [
                t
                for t in by_buyer.get(order.buyer_id, ())
                if since <= t.created_at <= order.created_at
            ]
            for line in mine:
                revenue = line.qty * line.unit_price_cents
                session = _live_purchase(line, order.created_at)
                if session is not None:
                    share = Share(
                        None,
                        "live_purchase",
                        session.host_id,
                        None,
                        session.id,
                        None,
                        1,
                    )
                    share.cents = revenue
                    shares = [share]
                else:
                    shares = shares_for(
                        line, revenue, touches, model, order.created_at, maps
                    )
                for share in shares:
                    key = getattr(share, _GROUP_COLUMN[self.group_by])
                    row = totals.setdefault(
                        key,
                        {
                            "orders": set(),
                            "units": 0.0,
                            "revenue_cents": 0,
                            "commission_cents": 0,
                        },
                    )
                    row["orders"].add(order.id)
                    row["units"] += line.qty * share.weight
                    row["revenue_cents"] += share.cents
                    if earner_of(share, order.buyer_id):
                        rate = rates.get(line.product_id, 0)
                        row["commission_cents"] += share.cents * rate // 10_000
        for row in totals.values():
            row["orders"] = len(row["orders"])
        return self._finish(totals)

    def _finish(self, by_key):
        labels = self._labels([k for k in by_key if k is not None])
        rows = [
            {
                "key": key,
                "label": labels.get(key) if key is not None else None,
                "orders": row["orders"],
                "units": round(row["units"], 2),
                "revenue_cents": row["revenue_cents"],
                "commission_cents": row["commission_cents"],
            }
            for key, row in by_key.items()
        ]
        rows.sort(key=lambda r: (-r["revenue_cents"], r["key"] is None, r["key"] or 0))
        totals = {
            "orders": self._orders().count(),
            "units": round(sum(r["units"] for r in rows), 2),
            "revenue_cents": sum(r["revenue_cents"] for r in rows),
            "commission_cents": sum(r["commission_cents"] for r in rows),
        }
        return rows, totals

    def _labels(self, keys):
        if not keys:
            return {}
        if self.group_by in ("creator", "share_link"):
            return {
                u.id: u.display_name or u.username
                for u in User.select().where(User.id.in_(keys))
            }
        if self.group_by == "post":
            return {
                p.id: excerpt(p.body)
                for p in Post.select(Post.id, Post.body).where(Post.id.in_(keys))
            }
        return dict(
            LiveSession.select(LiveSession.id, LiveSession.title)
            .where(LiveSession.id.in_(keys))
            .tuples()
        )

    def funnel(self, rows=None):
        """Views -> product clicks -> orders for each row's content in the period
        (the stored rows, or the `rows` given, e.g. stored and what-if merged)."""
        if rows is None:
            rows, _ = self.stored()
        keys = [r["key"] for r in rows if r["key"] is not None]
        views, clicks = defaultdict(int), defaultdict(int)
        if keys:
            column = getattr(Touchpoint, _GROUP_COLUMN[self.group_by])
            view_kinds = {
                "creator": ("post_view", "live_watch"),
                "post": ("post_view",),
                "live": ("live_watch",),
                "share_link": ("share_visit",),
            }[self.group_by]
            for key, kind, count in (
                Touchpoint.select(column, Touchpoint.kind, fn.COUNT(Touchpoint.id))
                .where(
                    column.in_(keys)
                    & (Touchpoint.created_at >= self.start)
                    & (Touchpoint.created_at < self.end)
                )
                .group_by(column, Touchpoint.kind)
                .tuples()
            ):
                if kind in view_kinds:
                    views[key] += count
                elif kind in ("product_click", "flash_grab"):
                    clicks[key] += count
        for row in rows:
            row["views"] = views.get(row["key"], 0)
            row["clicks"] = clicks.get(row["key"], 0)
        return rows

    def daily(self):
        """Attributed and direct revenue per day (stored credits)."""
        day = fn.DATE(AttributionCredit.created_at)
        series = defaultdict(lambda: {"attributed_cents": 0, "direct_cents": 0})
        for date, kind, cents in (
            AttributionCredit.select(
                day, AttributionCredit.kind, fn.SUM(AttributionCredit.revenue_cents)
            )
            .where(
                (AttributionCredit.merchant_id == self.merchant_id)
                & (AttributionCredit.created_at >= self.start)
                & (AttributionCredit.created_at < self.end)
                & AttributionCredit.order_id.in_(self._orders())
            )
            .group_by(day, AttributionCredit.kind)
            .tuples()
        ):
            slot = "direct_cents" if kind == "direct" else "attributed_cents"
            series[str(date)[:10]][slot] += int(cents or 0)
        return [{"date": d, **v} for d, v in sorted(series.items())]


def _moment(value):
    if value is None or isinstance(value, datetime.datetime):
        return value
    return datetime.datetime.fromisoformat(value)


_LINE_NAMES = ("order_id", "product_id", "qty", "unit_price_cents", "source")
_TOUCH_NAMES = (
    "id",
    "kind",
    "user_id",
    "creator_id",
    "post_id",
    "live_session_id",
    "product_id",
    "sharer_id",
    "created_at",
)


class _Row:
    """A row read for a what-if (touchpoint, order or line), as plain attributes:
    no model overhead at 10^5 rows."""

    def __init__(self, names, values):
        for name, value in zip(names, values, strict=True):
            setattr(self, name, value)


def excerpt(text, n=60):
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[: n - 1] + "…"
