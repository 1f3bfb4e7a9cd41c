"""One-level creator commissions as an append-only ledger.

An order line credited to a creator (or a sharer) earns them the product's
commission rate on the credited revenue. The ledger is never edited:

    order placed       pending  +X   (accrual)
    order delivered    pending  -X   (release)  and  payable +X (release)
    cancel or refund   <state>  -X   (reversal, from whichever state holds it)

so a creator's pending and payable balances are sums by state, and what was
reversed is the sum of reversal rows. There is no second level: nobody earns from
what their referrals' referrals sell. A creator never earns from their own
purchases (attribution.engine.earner_of).
"""

from peewee import fn

from livestall.attribution.models import AttributionCredit, CommissionEntry
from livestall.db.base import utcnow


def accrue(credit_rows, now=None):
    """Pending rows for fresh credits (inside checkout's transaction)."""
    now = now or utcnow()
    ids = {
        row["order_line_id"]: row["order_id"]
        for row in credit_rows
        if row["commission_cents"] > 0
    }
    if not ids:
        return 0
    credits = AttributionCredit.select().where(
        AttributionCredit.order_id.in_(set(ids.values()))
        & (AttributionCredit.commission_cents > 0)
    )
    rows = [
        {
            "earner_id": c.earner_id,
            "credit_id": c.id,
            "order_id": c.order_id,
            "state": "pending",
            "kind": "accrual",
            "amount_cents": c.commission_cents,
            "created_at": now,
        }
        for c in credits
    ]
    if rows:
        CommissionEntry.insert_many(rows).execute()
    return len(rows)


def _held(order_id):
    """Per (earner, credit, state): what the ledger holds now for this order."""
    held = {}
    for e in CommissionEntry.select().where(CommissionEntry.order_id == order_id):
        key = (e.earner_id, e.credit_id, e.state)
        held[key] = held.get(key, 0) + e.amount_cents
    return {k: v for k, v in held.items() if v}


def release(order_id, now=None):
    """Delivered: pending commissions become payable."""
    now = now or utcnow()
    rows = []
    for (earner, credit, state), amount in _held(order_id).items():
        if state != "pending":
            continue
        base = {"earner_id": earner, "credit_id": credit, "order_id": order_id}
        rows.append(
            {**base, "state": "pending", "kind": "release", "amount_cents": -amount}
        )
        rows.append(
            {**base, "state": "payable", "kind": "release", "amount_cents": amount}
        )
    for row in rows:
        row["created_at"] = now
    if rows:
        CommissionEntry.insert_many(rows).execute()
    return len(rows)


def reverse(order_id, now=None):
    """Cancelled or refunded: whatever the order still holds is reversed."""
    now = now or utcnow()
    rows = [
        {
            "earner_id": earner,
            "credit_id": credit,
            "order_id": order_id,
            "state": state,
            "kind": "reversal",
            "amount_cents": -amount,
            "created_at": now,
        }
        for (earner, credit, state), amount in _held(order_id).items()
    ]
    if rows:
        CommissionEntry.insert_many(rows).execute()
    return len(rows)


def balances(earner_id):
    """{pending, payable, reversed} in cents for one creator."""
    out = {"pending_cents": 0, "payable_cents": 0, "reversed_cents": 0}
    for state, kind, total in (
        CommissionEntry.select(
            CommissionEntry.state,
            CommissionEntry.kind,
            fn.SUM(CommissionEntry.amount_cents),
        )
        .where(CommissionEntry.earner_id == earner_id)
        .group_by(CommissionEntry.state, CommissionEntry.kind)
        .tuples()
    ):
        out[f"{state}_cents"] += int(total or 0)
        if kind == "reversal":
            out["reversed_cents"] -= int(total or 0)
    return out
