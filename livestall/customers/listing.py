"""The customers page: every buyer of the shop with their figures (from
`rfm.Scored`: one query for the page's rows and one COUNT), searched by username
or display name, filtered by segment, tag and member state, sorted, paginated;
then, for the page's rows only, their tags and the touch that first brought them
(two or three small queries, whatever the shop's size).

The touch that first brought a buyer: the attribution credits of their first
counted order with the shop (the lowest id), the one with the largest share of
revenue (ties: the first credited); `direct` when the order came with no touch,
None when the order has no credits (placed before attribution existed).
"""

import datetime

from peewee import SQL, fn

from livestall.accounts.models import User
from livestall.attribution.models import AttributionCredit
from livestall.customers.models import CustomerTag
from livestall.customers.rfm import MEMBER_STATES, SEGMENTS, Scored, counted
from livestall.db.base import isoformat
from livestall.errors import Invalid
from livestall.orders.models import Order, OrderLine

SORTS = ("spend", "orders", "last_order", "first_order")
PER_PAGE = 20
CSV_MAX = 50_000
Q_MAX = 60


def filters_of(args):
    """{q, sort, segment, tag, member} from query arguments (a dict-like): each
    checked; empty ones are None (sort: spend)."""
    out = {}
    q = args.get("q") or ""
    out["q"] = " ".join(str(q).split())[:Q_MAX] or None
    sort = args.get("sort") or "spend"
    if sort not in SORTS:
        raise Invalid(
            "sort must be spend, orders, last_order or first_order.", field="sort"
        )
    out["sort"] = sort
    segment = args.get("segment") or None
    if segment is not None and segment not in SEGMENTS:
        raise Invalid("No such segment.", field="segment")
    out["segment"] = segment
    tag = " ".join(str(args.get("tag") or "").split()) or None
    out["tag"] = tag[:40] if tag else None
    member = args.get("member") or None
    if member is not None and member not in MEMBER_STATES:
        raise Invalid("member must be active, expired or none.", field="member")
    out["member"] = member
    return out


def _where(scored, merchant_id, filters):
    c = scored.c
    cond = SQL("1 = 1")
    if filters.get("q"):
        q = filters["q"]
        cond &= User.username.contains(q) | User.display_name.contains(q)
    if filters.get("segment"):
        cond &= c.segment == filters["segment"]
    if filters.get("member"):
        cond &= c.member == filters["member"]
    if filters.get("tag"):
        tagged = CustomerTag.select(CustomerTag.user).where(
            (CustomerTag.merchant == merchant_id) & (CustomerTag.tag == filters["tag"])
        )
        cond &= c.buyer_id.in_(tagged)
    return cond


def _order_by(c, sort):
    column = {
        "spend": c.spend,
        "orders": c.orders,
        "last_order": c.last_at,
        "first_order": c.first_at,
    }[sort]
    return [column.desc(), c.buyer_id]


def to_time(value):
    """A stored time read through a raw SELECT (SQLite gives text)."""
    if value is None or isinstance(value, datetime.datetime):
        return value
    return datetime.datetime.fromisoformat(str(value))


def _rows(rows, now):
    out = []
    for (
        buyer_id,
        username,
        display_name,
        orders,
        spend,
        first_at,
        last_at,
        r,
        f,
        m,
        segment,
        member,
    ) in rows:
        orders, spend = int(orders), int(spend or 0)
        first_at, last_at = to_time(first_at), to_time(last_at)
        out.append(
            {
                "user_id": buyer_id,
                "username": username,
                "name": display_name or username,
                "orders": orders,
                "spend_cents": spend,
                "average_order_cents": spend // orders if orders else 0,
                "first_order_at": first_at,
                "last_order_at": last_at,
                "recency_days": (now - last_at).days,
                "r": int(r),
                "f": int(f),
                "m": int(m),
                "segment": segment,
                "member": member,
            }
        )
    return out


def _select(scored, *extra):
    c = scored.c
    return scored.with_user(
        c.buyer_id,
        User.username,
        User.display_name,
        c.orders,
        c.spend,
        c.first_at,
        c.last_at,
        c.r,
        c.f,
        c.m,
        c.segment,
        c.member,
        *extra,
    )


def customers(merchant_id, filters, now, page=1, per_page=PER_PAGE):
    """(the page's rows with tags and first touch, the number of matches). One
    query: the matches' count rides along as a window (`COUNT(*) OVER ()`,
    taken after the filters and before the LIMIT); a page past the end counts
    with a second one."""
    scored = Scored(merchant_id, now)
    where = _where(scored, merchant_id, filters)
    query = (
        _select(scored, fn.COUNT(SQL("*")).over())
        .where(where)
        .order_by(*_order_by(scored.c, filters.get("sort") or "spend"))
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    found = list(query.tuples())
    if found:
        total = found[0][-1]
    else:
        total = scored.with_user(fn.COUNT(SQL("*"))).where(where).scalar()
    rows = _rows([row[:-1] for row in found], now)
    decorate(merchant_id, rows)
    return rows, int(total or 0)


def every_customer(merchant_id, filters, now, limit=CSV_MAX):
    """Every matching row (for the CSV), decorated in chunks."""
    scored = Scored(merchant_id, now)
    query = (
        _select(scored)
        .where(_where(scored, merchant_id, filters))
        .order_by(*_order_by(scored.c, filters.get("sort") or "spend"))
        .limit(limit)
    )
    rows = _rows(query.tuples(), now)
    for start in range(0, len(rows), 500):
        decorate(merchant_id, rows[start : start + 500])
    return rows


def decorate(merchant_id, rows):
    """Add `tags` and `first_touch` to the rows (three queries at most)."""
    ids = [row["user_id"] for row in rows]
    tags = tags_of(merchant_id, ids)
    touches = first_touches(merchant_id, ids)
    for row in rows:
        row["tags"] = tags.get(row["user_id"], [])
        row["first_touch"] = touches.get(row["user_id"])


def tags_of(merchant_id, user_ids):
    """{user id: [tags, sorted]}."""
    out = {}
    if not user_ids:
        return out
    for user_id, tag in (
        CustomerTag.select(CustomerTag.user, CustomerTag.tag)
        .where((CustomerTag.merchant == merchant_id) & CustomerTag.user.in_(user_ids))
        .order_by(CustomerTag.tag)
        .tuples()
    ):
        out.setdefault(user_id, []).append(tag)
    return out


def first_touches(merchant_id, buyer_ids):
    """{buyer id: first touch dict} (see the module's docstring)."""
    if not buyer_ids:
        return {}
    firsts = dict(
        Order.select(Order.buyer, fn.MIN(Order.id))
        .where(counted(merchant_id) & Order.buyer.in_(buyer_ids))
        .group_by(Order.buyer)
        .tuples()
    )
    if not firsts:
        return {}
    lines = OrderLine.select(OrderLine.id).where(
        OrderLine.order.in_(list(firsts.values()))
    )
    best = {}
    for credit in (
        AttributionCredit.select()
        .where(AttributionCredit.order_line_id.in_(lines))
        .order_by(AttributionCredit.id)
    ):
        if firsts.get(credit.buyer_id) != credit.order_id:
            continue
        held = best.get(credit.buyer_id)
        if held is None or credit.revenue_cents > held.revenue_cents:
            best[credit.buyer_id] = credit
    people = {c.creator_id for c in best.values()} | {
        c.sharer_id for c in best.values()
    }
    people.discard(None)
    names = {
        u.id: u
        for u in User.select(User.id, User.username, User.display_name).where(
            User.id.in_(list(people) or [0])
        )
    }
    out = {}
    for buyer_id, credit in best.items():
        creator = names.get(credit.creator_id)
        sharer = names.get(credit.sharer_id)
        out[buyer_id] = {
            "kind": credit.kind,
            "creator_id": credit.creator_id,
            "creator": creator.username if creator else None,
            "sharer_id": credit.sharer_id,
            "sharer": sharer.username if sharer else None,
            "post_id": credit.post_id,
            "live_session_id": credit.live_session_id,
        }
    return out


def customer_dict(row):
    """The API's `customer`."""
    return {
        "user_id": row["user_id"],
        "username": row["username"],
        "name": row["name"],
        "orders": row["orders"],
        "spend_cents": row["spend_cents"],
        "average_order_cents": row["average_order_cents"],
        "first_order_at": isoformat(row["first_order_at"]),
        "last_order_at": isoformat(row["last_order_at"]),
        "recency_days": row["recency_days"],
        "rfm": {"r": row["r"], "f": row["f"], "m": row["m"]},
        "segment": row["segment"],
        "member": row["member"],
        "first_touch": row.get("first_touch"),
        "tags": row.get("tags", []),
    }
