"""What the attribution dashboards and their API show, on top of the engine
(attribution.engine) and the ledger (attribution.commissions).

Pages and the API share these helpers so both read the same periods, models and
numbers. Money stays in integer cents; only templates and CSV format it.
"""

import datetime
import re

from peewee import fn

from livestall.attribution import commissions
from livestall.attribution.engine import merchant_settings
from livestall.attribution.models import AttributionCredit, CommissionEntry
from livestall.attribution.report import COUNTED, GROUPS, Report, excerpt
from livestall.content.models import Post
from livestall.errors import Invalid
from livestall.flash import sales as flash_sales
from livestall.live import sales as live_sales
from livestall.live.models import LiveSession
from livestall.merchants.models import ATTRIBUTION_MODELS
from livestall.orders.models import Order

DEFAULT_DAYS = 30
MAX_DAYS = 366  # one period at most a year (a what-if rereads every order in it)
DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
FIRST_DAY = datetime.date(2000, 1, 1)
LAST_DAY = datetime.date(2999, 12, 31)
TOP_N = 5
LIVES_SHOWN = 20


def today():
    return datetime.datetime.now(datetime.UTC).date()


def _date(text, field):
    if not isinstance(text, str) or not DATE_RE.fullmatch(text.strip()):
        raise Invalid("Give the date as YYYY-MM-DD.", field=field, code="invalid_date")
    try:
        day = datetime.date.fromisoformat(text.strip())
    except ValueError:
        raise Invalid(
            "%(date)s is not a date on the calendar.",
            field=field,
            code="invalid_date",
            date=text.strip(),
        ) from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise Invalid(
            "Choose a date from 2000-01-01 to 2999-12-31.",
            field=field,
            code="invalid_date",
        )
    return day


def parse_period(from_text=None, to_text=None, now=None):
    """The (first, last) days, both included: by default the last 30 days."""
    last = _date(to_text, "to") if to_text else (now or today())
    first = (
        _date(from_text, "from")
        if from_text
        else last - datetime.timedelta(days=DEFAULT_DAYS - 1)
    )
    if first > last:
        raise Invalid(
            "The start date must not be after the end date.",
            field="from",
            code="invalid_period",
        )
    if (last - first).days + 1 > MAX_DAYS:
        raise Invalid(
            "Choose a period of at most %(n)d days.",
            field="from",
            code="invalid_period",
            n=MAX_DAYS,
        )
    return first, last


def bounds(first, last):
    """[start, end) datetimes (naive UTC, the database convention) of a period."""
    start = datetime.datetime.combine(first, datetime.time.min)
    return start, datetime.datetime.combine(
        last + datetime.timedelta(days=1), datetime.time.min
    )


def parse_group(text):
    text = text or "creator"
    if text not in GROUPS:
        raise Invalid(
            "group_by must be one of: %(groups)s.",
            field="group_by",
            code="invalid_group_by",
            groups=", ".join(GROUPS),
        )
    return text


def parse_model(text, stored):
    text = text or stored
    if text not in ATTRIBUTION_MODELS:
        raise Invalid(
            "model must be one of: %(models)s.",
            field="model",
            code="invalid_model",
            models=", ".join(ATTRIBUTION_MODELS),
        )
    return text


class Query:
    """One dashboard request: a merchant, a period, a grouping and a model."""

    def __init__(self, merchant_id, args):
        self.first, self.last = parse_period(args.get("from"), args.get("to"))
        self.group_by = parse_group(args.get("group_by"))
        stored_model, window = merchant_settings(merchant_id)
        self.stored_model = stored_model
        self.window_days = window.days
        self.model = parse_model(args.get("model"), stored_model)
        self.what_if = self.model != stored_model
        self.merchant_id = merchant_id
        self.report = Report(merchant_id, *bounds(self.first, self.last), self.group_by)

    def args(self, **override):
        """The query string of this view (for links and the CSV)."""
        out = {
            "from": self.first.isoformat(),
            "to": self.last.isoformat(),
            "group_by": self.group_by,
            "model": self.model,
        }
        out.update(override)
        return out

    def answer(self):
        """The API's answer (docs/API.md), with `stored_model` and `what_if`."""
        rows, totals = (
            self.report.what_if(self.model) if self.what_if else self.report.stored()
        )
        return {
            "rows": rows,
            "totals": totals,
            "model": self.model,
            "window_days": self.window_days,
            "stored_model": self.stored_model,
            "what_if": self.what_if,
            "group_by": self.group_by,
            "from": self.first.isoformat(),
            "to": self.last.isoformat(),
        }

    def compared(self):
        """Rows for the page: the stored result with its funnel, and when another
        model is chosen its revenue and commission beside it, and the difference.
        Returns (rows, stored totals, what-if totals or None)."""
        stored, totals = self.report.stored()
        if not self.what_if:
            return self.report.funnel(stored), totals, None
        other, other_totals = self.report.what_if(self.model)
        by_key = {r["key"]: r for r in stored}
        for row in other:
            if row["key"] not in by_key:
                by_key[row["key"]] = {
                    "key": row["key"],
                    "label": row["label"],
                    "orders": 0,
                    "units": 0,
                    "revenue_cents": 0,
                    "commission_cents": 0,
                }
        theirs = {r["key"]: r for r in other}
        rows = list(by_key.values())
        for row in rows:
            alt = theirs.get(row["key"])
            row["what_if_orders"] = alt["orders"] if alt else 0
            row["what_if_revenue_cents"] = alt["revenue_cents"] if alt else 0
            row["what_if_commission_cents"] = alt["commission_cents"] if alt else 0
            row["difference_cents"] = (
                row["what_if_revenue_cents"] - row["revenue_cents"]
            )
        rows.sort(
            key=lambda r: (
                -max(r["revenue_cents"], r["what_if_revenue_cents"]),
                r["key"] is None,
                r["key"] or 0,
            )
        )
        return self.report.funnel(rows), totals, other_totals

    def daily(self):
        """Every day of the period (zeros included), attributed and direct cents."""
        found = {d["date"]: d for d in self.report.daily()}
        out, day = [], self.first
        while day <= self.last:
            key = day.isoformat()
            row = found.get(key, {})
            out.append(
                {
                    "date": key,
                    "attributed_cents": row.get("attributed_cents", 0),
                    "direct_cents": row.get("direct_cents", 0),
                }
            )
            day += datetime.timedelta(days=1)
        return out

    def top_content(self, n=TOP_N):
        """The best-selling posts and live sessions of the period (stored credits)."""
        start, end = bounds(self.first, self.last)
        out = []
        for group in ("post", "live"):
            rows, _ = Report(self.merchant_id, start, end, group).stored()
            out.extend({**row, "kind": group} for row in rows if row["key"] is not None)
        out.sort(key=lambda r: -r["revenue_cents"])
        return out[:n]


# --- creators -------------------------------------------------------------------------


def ledger(user_id, page=1, per_page=20):
    query = CommissionEntry.select().where(CommissionEntry.earner_id == user_id)
    total = query.count()
    items = list(
        query.order_by(
            CommissionEntry.created_at.desc(), CommissionEntry.id.desc()
        ).paginate(page, per_page)
    )
    return items, total


def entry_dict(entry, isoformat):
    return {
        "id": entry.id,
        "order_id": entry.order_id,
        "state": entry.state,
        "kind": entry.kind,
        "amount_cents": entry.amount_cents,
        "created_at": isoformat(entry.created_at),
    }


def balances(user_id):
    """{pending_cents, payable_cents, reversed_cents}."""
    return commissions.balances(user_id)


def earnings_by(user_id, group):
    """The caller's credited revenue and commission by post or live session, from
    orders still counted (not cancelled or refunded), best first."""
    column = {
        "post": AttributionCredit.post_id,
        "live": AttributionCredit.live_session_id,
    }[group]
    rows = list(
        AttributionCredit.select(
            column.alias("key"),
            fn.COUNT(fn.DISTINCT(AttributionCredit.order_id)).alias("orders"),
            fn.SUM(AttributionCredit.revenue_cents).alias("revenue"),
            fn.SUM(AttributionCredit.commission_cents).alias("commission"),
        )
        .join(Order, on=(Order.id == AttributionCredit.order_id))
        .where(
            (AttributionCredit.earner_id == user_id)
            & column.is_null(False)
            & Order.status.in_(COUNTED)
        )
        .group_by(column)
        .dicts()
    )
    keys = [r["key"] for r in rows]
    if group == "post":
        labels = {
            p.id: excerpt(p.body)
            for p in Post.select(Post.id, Post.body).where(Post.id.in_(keys))
        }
    else:
        labels = dict(
            LiveSession.select(LiveSession.id, LiveSession.title)
            .where(LiveSession.id.in_(keys))
            .tuples()
        )
    out = [
        {
            f"{group}_id": r["key"],
            "label": labels.get(r["key"]),
            "orders": r["orders"],
            "revenue_cents": int(r["revenue"] or 0),
            "commission_cents": int(r["commission"] or 0),
        }
        for r in rows
    ]
    out.sort(key=lambda r: (-r["commission_cents"], -r["revenue_cents"]))
    return out


def live_stats(user_id, n=LIVES_SHOWN):
    """The host's latest sessions: peak viewers, orders and GMV from the room, and
    each flash sale's units sold, GMV and time to sell out."""
    sessions = list(
        LiveSession.select()
        .where(LiveSession.host == user_id)
        .order_by(LiveSession.scheduled_at.desc(), LiveSession.id.desc())
        .limit(n)
    )
    out = []
    for session in sessions:
        sales = []
        for sale in flash_sales.sales_of(session):
            summary = flash_sales.summary(sale)
            sales.append(
                {
                    "id": sale.id,
                    "product_id": sale.product_id,
                    "title": sale.product.title,
                    "quantity": sale.quantity,
                    "sold": summary["sold"],
                    "gmv_cents": summary["gmv_cents"],
                    "currency": sale.currency,
                    "sell_out_s": summary["sell_out_s"],
                }
            )
        room = live_sales.sales(session)
        out.append(
            {
                "session": session,
                "peak_viewers": session.peak_viewers,
                "orders": room["orders"],
                "units": room["units"],
                "gmv_cents": room["gmv_cents"],
                "flash_sales": sales,
            }
        )
    return out
