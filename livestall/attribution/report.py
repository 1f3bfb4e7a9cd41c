"""Attribution reports: a merchant's attributed sales for a period, from the credits
stored at order time (`livestall.attribution.engine.credit_order`), grouped by
creator, post, live or share link, with their funnel and daily series.

`Report.what_if` reruns any model over the stored touchpoints for a period without
touching the stored credits, so a merchant can compare models side by side.
"""

import datetime
from collections import defaultdict

from peewee import fn

from livestall.accounts.models import User
from livestall.attribution.engine import (
    content_maps_of,
    earner_of,
    line_shares,
    merchant_settings,
)
from livestall.attribution.models import AttributionCredit, Touchpoint
from livestall.catalog.models import Product
from livestall.content.models import Post, PostProduct
from livestall.live.models import LiveProduct, LiveSession
from livestall.merchants.models import ATTRIBUTION_MODELS
from livestall.orders.models import Order, OrderLine
from livestall.platform import offload

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
        """The same orders credited under `model` (and this merchant's window).

        It runs off the event loop (platform.offload, kind "report"), reading on a
        connection of its own: for a busy month it is a second of reading rows and
        crediting them in Python, which would stall every request of the process.
        """
        if model not in ATTRIBUTION_MODELS:
            raise ValueError(model)
        return offload.run_reading("report", self._what_if, model)

    def _what_if(self, model):
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
                    OrderLine.discount_cents,
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
            # only touchpoints that can relate to a product sold (as shares_for
            # reads it): of the product, of a post tagging it or of a live
            # featuring it; the others would be read only to be dropped
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
            maps = content_maps_of(sold)
        for order in orders:
            mine = lines[order.id]
            since = order.created_at - self.window
            touches = [
                t
                for t in by_buyer.get(order.buyer_id, ())
                if since <= t.created_at <= order.created_at
            ]
            for line in mine:
                revenue = line.qty * line.unit_price_cents - line.discount_cents
                shares = line_shares(
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
                elif kind in ("product_click", "flash_grab", "group_card"):
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


_LINE_NAMES = (
    "order_id",
    "product_id",
    "qty",
    "unit_price_cents",
    "discount_cents",
    "source",
)
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
