"""RFM: every buyer of a shop scored on recency, frequency and monetary value, and
named by segment. Computed in the database: one GROUP BY over the shop's orders
(a CTE), window functions for the ranks (SQLite >= 3.25 and PostgreSQL), and the
segment and member state as CASE expressions, so the customers page, the segment
tiles and a coupon send all read the same numbers.

Which orders count: every order of the shop that is not cancelled or refunded
(`pending_payment` included: a cash-on-delivery order is unpaid until it is
delivered, and an unpaid bank transfer that is not paid in time is cancelled, so
leaving it out would hide most of a cash-on-delivery shop's buyers). Spend is the
goods of those orders (`total_cents - shipping_cents`: after coupon discounts,
without shipping), in cents, whatever their currency.

Scores (1-5, by quintiles of the shop's own buyers, NTILE-like by rank): with `n`
buyers and `rank` a buyer's 0-based rank in ascending order of the value, ties
sharing the lowest rank (SQL `RANK() - 1`: the number of buyers with a strictly
smaller value), the score is `1 + floor(5 * rank / n)`. Equal values always score
the same. R ranks the last order's time (older first, so the most recent score
5); F ranks the number of orders; M ranks spend.

Segments, first rule that matches (so each buyer is in exactly one):

    champions    R >= 4 and F >= 4 and M >= 4   bought lately, often, the most
    loyal        R >= 3 and F >= 3              come back regularly
    new          R >= 4 (and F <= 2)            recent, few orders yet
    at_risk      R <= 2 and (F >= 3 or M >= 3)  were good customers, gone quiet
    hibernating  R <= 2 (F and M <= 2)          few, small, long ago
    potential    the rest (R = 3, F <= 2)       middling: worth a nudge

Member state, now: `active` (status active and no end or an end in the future),
`expired` (was a member: a start, no longer active), `none`.
"""

from peewee import SQL, Case, Select, fn

from livestall.accounts.models import User
from livestall.membership.models import Member
from livestall.orders.models import Order

CLOSED = ("cancelled", "refunded")
SEGMENTS = ("champions", "loyal", "new", "at_risk", "hibernating", "potential")
MEMBER_STATES = ("active", "expired", "none")


def score(rank, n):
    """The 1-5 score of a 0-based `rank` among `n` (the rule above)."""
    return 1 + (5 * rank) // n


def segment_of(r, f, m):
    """The segment of scores (r, f, m): the rules above, in Python."""
    if r >= 4 and f >= 4 and m >= 4:
        return "champions"
    if r >= 3 and f >= 3:
        return "loyal"
    if r >= 4:
        return "new"
    if r <= 2 and (f >= 3 or m >= 3):
        return "at_risk"
    if r <= 2:
        return "hibernating"
    return "potential"


def _segment_sql(r, f, m):
    """segment_of() as a CASE expression (the same rules, in the same order)."""
    return Case(
        None,
        [
            ((r >= 4) & (f >= 4) & (m >= 4), "champions"),
            ((r >= 3) & (f >= 3), "loyal"),
            (r >= 4, "new"),
            ((r <= 2) & ((f >= 3) | (m >= 3)), "at_risk"),
            (r <= 2, "hibernating"),
        ],
        "potential",
    )


def counted(merchant_id):
    """The condition on `Order` of the shop's orders that count."""
    return (Order.merchant == merchant_id) & Order.status.not_in(CLOSED)


def spend_sql():
    return Order.total_cents - Order.shipping_cents


class Scored:
    """The CTEs of one shop's buyers: `agg` (one row per buyer: orders, spend,
    first and last order), `ranked` (+ r, f, m), `seg` (+ segment, member state).
    `seg.c.<name>` are the columns to select, filter and sort on; `query(cols)`
    a SELECT from `seg` with the CTEs attached."""

    def __init__(self, merchant_id, now):
        self.merchant_id = merchant_id
        agg = (
            Order.select(
                Order.buyer.alias("buyer_id"),
                fn.COUNT(Order.id).alias("orders"),
                fn.SUM(spend_sql()).alias("spend"),
                fn.MIN(Order.created_at).alias("first_at"),
                fn.MAX(Order.created_at).alias("last_at"),
            )
            .where(counted(merchant_id))
            .group_by(Order.buyer)
            .cte("agg")
        )
        # one window per rank and the buyers' count once; the scores are plain
        # arithmetic on them in `seg`
        ranked = Select(
            (agg,),
            (
                agg.c.buyer_id,
                agg.c.orders,
                agg.c.spend,
                agg.c.first_at,
                agg.c.last_at,
                fn.RANK().over(order_by=[agg.c.last_at]).alias("r_rank"),
                fn.RANK().over(order_by=[agg.c.orders]).alias("f_rank"),
                fn.RANK().over(order_by=[agg.c.spend]).alias("m_rank"),
                fn.COUNT(SQL("*")).over().alias("n"),
            ),
        ).cte("ranked")

        def scored(rank):
            # 1 + floor(5 * (RANK() - 1) / n): integers divide whole on both
            return SQL("1") + (SQL("5") * (rank - SQL("1"))) / ranked.c.n

        r, f, m = (scored(ranked.c[k]) for k in ("r_rank", "f_rank", "m_rank"))
        active = (Member.status == "active") & (
            Member.ends_at.is_null() | (Member.ends_at > now)
        )
        member_state = Case(
            None,
            [
                (Member.id.is_null(), "none"),
                (active, "active"),
                (Member.starts_at.is_null(), "none"),
            ],
            "expired",
        )
        seg = (
            Select(
                (ranked,),
                (
                    ranked.c.buyer_id,
                    ranked.c.orders,
                    ranked.c.spend,
                    ranked.c.first_at,
                    ranked.c.last_at,
                    r.alias("r"),
                    f.alias("f"),
                    m.alias("m"),
                    _segment_sql(r, f, m).alias("segment"),
                    member_state.alias("member"),
                ),
            )
            .join(
                Member,
                "LEFT OUTER JOIN",
                on=(Member.user == ranked.c.buyer_id)
                & (Member.merchant == merchant_id),
            )
            .cte("seg")
        )
        self.ctes = (agg, ranked, seg)
        self.seg = seg
        self.c = seg.c

    def query(self, *columns):
        return (
            Select((self.seg,), columns).with_cte(*self.ctes).bind(Order._meta.database)
        )

    def with_user(self, *columns):
        return self.query(*columns).join(User, on=(User.id == self.c.buyer_id))


def _int(value):
    return int(value or 0)


def summary(merchant_id, now):
    """Per segment: buyers and revenue (every segment, zeros included, in the
    order of SEGMENTS); buyers, revenue, repeat buyers and rate; revenue of
    active members and of everyone else, with their shares (one query)."""
    scored = Scored(merchant_id, now)
    c = scored.c
    by_segment = {
        s: {"segment": s, "customers": 0, "revenue_cents": 0} for s in SEGMENTS
    }
    repeat = Case(None, [(c.orders >= 2, 1)], 0)
    members = Case(None, [(c.member == "active", c.spend)], 0)
    buyers = revenue = repeaters = member_revenue = 0
    rows = (
        scored.query(
            c.segment,
            fn.COUNT(SQL("*")),
            fn.SUM(c.spend),
            fn.SUM(repeat),
            fn.SUM(members),
        )
        .group_by(c.segment)
        .tuples()
    )
    for segment, customers, spend, repeats, of_members in rows:
        customers, spend = _int(customers), _int(spend)
        by_segment[segment].update(customers=customers, revenue_cents=spend)
        buyers += customers
        revenue += spend
        repeaters += _int(repeats)
        member_revenue += _int(of_members)
    for row in by_segment.values():
        row["share"] = row["customers"] / buyers if buyers else 0.0
        row["revenue_share"] = row["revenue_cents"] / revenue if revenue else 0.0
    return {
        "customers": buyers,
        "revenue_cents": revenue,
        "segments": list(by_segment.values()),
        "repeat_customers": repeaters,
        "repeat_rate": repeaters / buyers if buyers else 0.0,
        "members": {
            "revenue_cents": member_revenue,
            "share": member_revenue / revenue if revenue else 0.0,
        },
        "non_members": {
            "revenue_cents": revenue - member_revenue,
            "share": (revenue - member_revenue) / revenue if revenue else 0.0,
        },
    }


def buyers_in(merchant_id, segment, now):
    """The ids of the shop's buyers in `segment`, best spenders first."""
    scored = Scored(merchant_id, now)
    c = scored.c
    query = (
        scored.query(c.buyer_id)
        .where(c.segment == segment)
        .order_by(c.spend.desc(), c.buyer_id)
        .tuples()
    )
    return [row[0] for row in query]
