"""After the cut-off: the merchant's stock-up list and one delivery batch per
pickup point.

Both are counted from the campaign's orders whenever they are read (orders not
cancelled or refunded), so a late cancel or refund changes them at once; an
order's transaction refused everything from the cut-off on, so every order
counted was placed before it. Orders whose time ran out (not paid within the
grace after the cut-off: `deadlines`) are cancelled before a batch is counted,
so they never reach it even before the maintenance pass. The merchant marks a
point's batch shipped, the leader marks it received (its buyers are told their
goods are ready); each mark is one guarded UPDATE, made once.
"""

from livestall.accounts.models import User
from livestall.community import campaigns
from livestall.community.models import BatchMark, Leader, PickupOrder
from livestall.db.base import isoformat, transaction, utcnow
from livestall.errors import Conflict, NotAllowed, NotFound
from livestall.notifications import rules as notifications
from livestall.orders import lifecycle
from livestall.orders.models import Order, OrderLine

CLOSED = ("cancelled", "refunded")


class BeforeCutoff(Conflict):
    code = "before_cutoff"


def _orders(campaign):
    """The campaign's live pickup rows with just what a batch shows (the buyer's
    names): building whole Order and Leader rows for every order cost most of the
    read (bench/community.py)."""
    return list(
        PickupOrder.select(
            PickupOrder.id,
            PickupOrder.order,
            PickupOrder.leader,
            PickupOrder.buyer,
            PickupOrder.seq_no,
            PickupOrder.picked_up_at,
            User.id,
            User.username,
            User.display_name,
        )
        .join(Order, on=(PickupOrder.order == Order.id))
        .switch(PickupOrder)
        .join(User, on=(PickupOrder.buyer == User.id))
        .where((PickupOrder.community_buy == campaign.id) & Order.status.not_in(CLOSED))
        .order_by(PickupOrder.leader, PickupOrder.seq_no)
    )


def _leaders(ids):
    """{leader id: Leader} with its user, one query for the campaign's points."""
    if not ids:
        return {}
    found = Leader.select(Leader, User).join(User).where(Leader.id.in_(list(ids)))
    return {leader.id: leader for leader in found}


def batches_of(campaign, now=None):
    """(stock-up list {product id: {title, qty}}, batches [{leader, lines
    {product id: qty}, orders [PickupOrder], shipped_at, received_at}])."""
    if campaigns.is_open(campaign, now):
        raise BeforeCutoff("The batches are made at the cut-off.")
    pending = [
        row.order_id
        for row in PickupOrder.select(PickupOrder.order)
        .join(Order, on=(PickupOrder.order == Order.id))
        .where(
            (PickupOrder.community_buy == campaign.id)
            & (Order.status == "pending_payment")
        )
    ]
    if pending:  # their time may have run out: checked at read
        lifecycle.expire_unpaid(now=now, order_ids=pending, limit=len(pending))
    found = _orders(campaign)
    leaders = _leaders({p.leader_id for p in found})
    lines = {}
    if found:
        for line in OrderLine.select(
            OrderLine.order, OrderLine.product, OrderLine.title, OrderLine.qty
        ).where(OrderLine.order.in_([p.order_id for p in found])):
            lines.setdefault(line.order_id, []).append(line)
    marks = {
        m.leader_id: m
        for m in BatchMark.select().where(BatchMark.community_buy == campaign.id)
    }
    stock_up, batches = {}, {}
    for pickup in found:
        batch = batches.setdefault(
            pickup.leader_id,
            {
                "leader": leaders[pickup.leader_id],
                "lines": {},
                "orders": [],
                "mark": marks.get(pickup.leader_id),
            },
        )
        batch["orders"].append(pickup)
        for line in lines.get(pickup.order_id, ()):
            batch["lines"][line.product_id] = (
                batch["lines"].get(line.product_id, 0) + line.qty
            )
            item = stock_up.setdefault(line.product_id, {"title": line.title, "qty": 0})
            item["qty"] += line.qty
    return stock_up, list(batches.values())


def batch_dict(batch):
    mark = batch["mark"]
    leader = batch["leader"]
    return {
        "leader": {"id": leader.id, "user": leader.user.username},
        "pickup_point": {"name": leader.point_name, "address": leader.point_address},
        "lines": [
            {"product_id": pid, "qty": qty}
            for pid, qty in sorted(batch["lines"].items())
        ],
        "orders": [
            {
                "order_id": p.order_id,
                "seq_no": p.seq_no,
                "buyer": p.buyer.username,
                "picked_up": p.picked_up_at is not None,
            }
            for p in batch["orders"]
        ],
        "shipped_at": isoformat(mark.shipped_at) if mark and mark.shipped_at else None,
        "received_at": isoformat(mark.received_at)
        if mark and mark.received_at
        else None,
    }


def _mark(campaign, leader_id, column, now):
    with transaction():
        BatchMark.insert(
            community_buy=campaign.id, leader=leader_id
        ).on_conflict_ignore().execute()
        done = (
            BatchMark.update({column: now})
            .where(
                (BatchMark.community_buy == campaign.id)
                & (BatchMark.leader == leader_id)
                & column.is_null()
            )
            .execute()
        )
    return bool(done)


def mark_shipped(merchant, campaign_id, leader_id, now=None):
    """The merchant sent `leader_id`'s batch; True the first time."""
    campaign = campaigns.of_merchant(merchant, campaign_id)
    if campaigns.is_open(campaign, now):
        raise BeforeCutoff("The batches are made at the cut-off.")
    if (
        not PickupOrder.select()
        .where(
            (PickupOrder.community_buy == campaign.id)
            & (PickupOrder.leader == leader_id)
        )
        .exists()
    ):
        raise NotFound("No batch for this pickup point.")
    return _mark(campaign, leader_id, BatchMark.shipped_at, now or utcnow())


def mark_received(user, campaign_id, now=None):
    """The leader received their batch: its buyers hear their goods are ready."""
    leader = Leader.get_or_none(
        (Leader.user == user.id) & (Leader.status == "approved")
    )
    if leader is None:
        raise NotAllowed("Only an approved leader receives batches.")
    campaign = campaigns.get(campaign_id)
    if campaigns.is_open(campaign, now):
        raise BeforeCutoff("The batches are made at the cut-off.")
    found = [p for p in _orders(campaign) if p.leader_id == leader.id]
    if not found:
        raise NotFound("No batch for your pickup point.")
    now = now or utcnow()
    if not _mark(campaign, leader.id, BatchMark.received_at, now):
        return False
    waiting = {p.buyer_id: p.order_id for p in found if p.picked_up_at is None}
    notifications.notify_people(
        "pickup_ready",
        waiting,
        {
            "community_buy_id": campaign.id,
            "leader_id": leader.id,
            "point": leader.point_name,
            "pickup_on": campaign.pickup_on.isoformat(),
        },
    )
    return True
