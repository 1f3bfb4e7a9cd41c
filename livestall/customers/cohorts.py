"""Monthly cohort retention of a shop's buyers (months in UTC).

A buyer's cohort is the month (YYYY-MM) of their first counted order (the orders
`rfm` counts). For each cohort and each month since (0, 1, 2, ...), the share of
the cohort who ordered in that month: month 0 is everyone (100%), month k >= 1
counts the cohort's buyers who placed at least one order in the k-th calendar
month after their first. One GROUP BY in the database: (cohort, month) -> distinct
buyers; months with nobody are zeros here.
"""

from peewee import SQL, Cast, fn

from livestall.customers.rfm import counted
from livestall.orders.models import Order


def month_of(column):
    """ "YYYY-MM" of a stored time (its text starts with the date on SQLite and
    PostgreSQL alike). Literal bounds: PostgreSQL then sees the same expression in
    SELECT and GROUP BY."""
    return fn.SUBSTR(Cast(column, "TEXT"), SQL("1"), SQL("7"))


def months_between(start, end):
    """Whole months from "YYYY-MM" `start` to `end`."""
    y0, m0 = (int(x) for x in start.split("-"))
    y1, m1 = (int(x) for x in end.split("-"))
    return (y1 - y0) * 12 + (m1 - m0)


def table(merchant_id, limit=12):
    """The last `limit` cohorts, oldest first: [{month, customers, retention:
    [{months, customers, share}] for months 0..(the months since, up to now's
    data)}], and `max_months` (the longest row)."""
    first = (
        Order.select(
            Order.buyer.alias("buyer_id"),
            month_of(fn.MIN(Order.created_at)).alias("cohort"),
        )
        .where(counted(merchant_id))
        .group_by(Order.buyer)
        .cte("first_orders")
    )
    month = month_of(Order.created_at)
    rows = (
        Order.select(first.c.cohort, month, fn.COUNT(fn.DISTINCT(Order.buyer)))
        .join(first, on=(first.c.buyer_id == Order.buyer))
        .where(counted(merchant_id))
        .group_by(first.c.cohort, month)
        .with_cte(first)
        .tuples()
    )
    found = {}
    last_month = None
    for cohort, when, buyers in rows:
        found.setdefault(cohort, {})[months_between(cohort, when)] = int(buyers)
        last_month = when if last_month is None or when > last_month else last_month
    cohorts = []
    for cohort in sorted(found)[-limit:]:
        counts = found[cohort]
        size = counts.get(0, 0)
        span = months_between(cohort, last_month)
        cohorts.append(
            {
                "month": cohort,
                "customers": size,
                "retention": [
                    {
                        "months": k,
                        "customers": counts.get(k, 0),
                        "share": counts.get(k, 0) / size if size else 0.0,
                    }
                    for k in range(span + 1)
                ],
            }
        )
    width = max((len(c["retention"]) for c in cohorts), default=0)
    return {"cohorts": cohorts, "max_months": width}
