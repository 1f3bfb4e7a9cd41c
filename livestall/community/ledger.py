"""The leaders' commission ledger, append-only (as the creators' in
`attribution.commissions`):

    order picked up            pending  +X   (accrual: the campaign's rate x goods)
    its return window ended    pending  -X   and  payable +X   (release)
    refunded                   <state>  -X   (reversal, from whichever state holds it)

so a leader's pending and payable balances are sums by state. Releases run in the
maintenance pass (and before a leader's earnings are read).
"""

from peewee import fn

from livestall.community.models import LeaderEntry, PickupOrder
from livestall.db.base import isoformat, transaction, utcnow
from livestall.orders import lifecycle
from livestall.orders.models import Order, OrderLine


def commission_of(order, bps):
    """The leader's cut of an order's goods (what its lines were paid, shipping
    aside), rounded down to the cent."""
    goods = (
        OrderLine.select(fn.SUM(OrderLine.paid_sql()))
        .where(OrderLine.order == order.id)
        .scalar()
    )
    return int(goods or 0) * bps // 10_000


def accrue(leader_id, order, bps, now=None):
    amount = commission_of(order, bps)
    if amount > 0:
        LeaderEntry.create(
            leader=leader_id,
            order_id=order.id,
            state="pending",
            kind="accrual",
            amount_cents=amount,
            created_at=now or utcnow(),
        )
    return amount


def _held(order_id):
    held = {}
    for e in LeaderEntry.select().where(LeaderEntry.order_id == order_id):
        key = (e.leader_id, e.state)
        held[key] = held.get(key, 0) + e.amount_cents
    return {k: v for k, v in held.items() if v}


def reverse(order_id, now=None):
    """Refunded or cancelled: whatever the order still holds is reversed."""
    rows = [
        {
            "leader": leader_id,
            "order_id": order_id,
            "state": state,
            "kind": "reversal",
            "amount_cents": -amount,
            "created_at": now or utcnow(),
        }
        for (leader_id, state), amount in _held(order_id).items()
    ]
    if rows:
        LeaderEntry.insert_many(rows).execute()
    return len(rows)


def release_due(now=None, leader_id=None, limit=500):
    """Pending commissions of delivered orders whose return window has ended
    become payable; returns the orders released."""
    now = now or utcnow()
    pending = (
        LeaderEntry.select(LeaderEntry.order_id)
        .where(LeaderEntry.state == "pending")
        .group_by(LeaderEntry.order_id)
        .having(fn.SUM(LeaderEntry.amount_cents) > 0)
    )
    if leader_id is not None:
        pending = pending.where(LeaderEntry.leader == leader_id)
    released = []
    for order in Order.select().where(Order.id.in_(pending)).limit(limit):
        if order.status != "delivered" or lifecycle.returns_open_until(order, now):
            continue
        with transaction():
            rows = []
            for (lid, state), amount in _held(order.id).items():
                if state != "pending":
                    continue
                base = {"leader": lid, "order_id": order.id, "created_at": now}
                rows.append(
                    {
                        **base,
                        "state": "pending",
                        "kind": "release",
                        "amount_cents": -amount,
                    }
                )
                rows.append(
                    {
                        **base,
                        "state": "payable",
                        "kind": "release",
                        "amount_cents": amount,
                    }
                )
            if rows:
                LeaderEntry.insert_many(rows).execute()
                released.append(order.id)
    return released


def earnings(leader, now=None):
    """{pending_cents, payable_cents, reversed_cents, entries} of a leader
    (releases that are due are made first)."""
    release_due(now, leader_id=leader.id)
    out = {"pending_cents": 0, "payable_cents": 0, "reversed_cents": 0}
    for state, kind, total in (
        LeaderEntry.select(
            LeaderEntry.state, LeaderEntry.kind, fn.SUM(LeaderEntry.amount_cents)
        )
        .where(LeaderEntry.leader == leader.id)
        .group_by(LeaderEntry.state, LeaderEntry.kind)
        .tuples()
    ):
        out[f"{state}_cents"] += int(total or 0)
        if kind == "reversal":
            out["reversed_cents"] -= int(total or 0)
    codes = {
        p.order_id: p.seq_no
        for p in PickupOrder.select().where(PickupOrder.leader == leader.id)
    }
    out["entries"] = [
        {
            "order_id": e.order_id,
            "seq_no": codes.get(e.order_id),
            "state": e.state,
            "kind": e.kind,
            "amount_cents": e.amount_cents,
            "created_at": isoformat(e.created_at),
        }
        for e in LeaderEntry.select()
        .where(LeaderEntry.leader == leader.id)
        .order_by(LeaderEntry.id.desc())
        .limit(200)
    ]
    return out
