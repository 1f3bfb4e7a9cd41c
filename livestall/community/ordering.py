"""Ordering for pickup at a leader's point, and the pickup codes.

An order is placed through `orders.checkout.place_order` with a `PickupClaim`:
inside the checkout's transaction, after the buyer's lock, the claim checks the
cut-off against the clock of that transaction (409 `cutoff_passed` from the
cut-off on: an order either commits having passed this check, and is in the
batch, or is refused with nothing taken), that the leader is approved, and holds
the leader's row (PostgreSQL) so the point's 跟团号 are handed out in turn. The
lines pay the campaign's prices (pricing kind `community`); the order's delivery
is the pickup point (no address, no shipping fee).

Each order gets a random 8-digit pickup code, unique among the open orders (the
unique `open_code`), shown to its buyer only, and the next sequence number of
its point in the campaign.
"""

import secrets

from livestall.community import campaigns, leaders
from livestall.community.models import Leader, PickupOrder
from livestall.db.base import utcnow
from livestall.errors import Conflict, Invalid, whole_number
from livestall.orders import checkout, sources
from livestall.pricing.rules import Offer

CODE_TRIES = 20
MAX_QTY = 99


def _items(campaign, value):
    """{product id: (qty, None)} of the campaign's products ordered."""
    if not isinstance(value, list) or not value:
        raise Invalid("Choose at least one product of the campaign.", field="items")
    offered = campaigns.items_of(campaign)
    out = {}
    for item in value:
        if not isinstance(item, dict):
            raise Invalid("Each item is {product_id, qty}.", field="items")
        pid = whole_number(item, "product_id", 1, 2**53)
        if pid not in offered:
            raise Invalid(
                "Product %(id)d is not in this campaign.", field="items", id=pid
            )
        qty = whole_number(item, "qty", 1, MAX_QTY, default=1)
        out[pid] = (out.get(pid, (0, None))[0] + qty, None)
    return out, offered


class PickupClaim:
    """What `checkout.place_order` needs to place an order for pickup."""

    def __init__(self, campaign, leader, items, offered, now=None):
        self.campaign = campaign
        self.leader = leader
        self.items = items
        self.offered = offered
        self.now = now
        self.digest = ["community", campaign.id, leader.id]
        self.shipping = {
            "name": leader.point_name,
            "address": leader.point_address,
            "phone": leader.point_phone,
        }

    def take(self, buyer, products):
        now = self.now or utcnow()
        if self.campaign.cutoff_at <= now:
            raise campaigns.CutoffPassed("This campaign's cut-off has passed.")
        # the leader's row held until commit: this point's sequence numbers in turn
        held = (
            Leader.update(status=Leader.status)
            .where((Leader.id == self.leader.id) & (Leader.status == "approved"))
            .execute()
        )
        if not held:
            raise leaders.LeaderNotApproved("This pickup point is not taking orders.")
        for pid in self.items:
            if products[pid].currency != self.campaign.currency:
                raise campaigns.CutoffPassed("This campaign has closed.")
        source = sources.LineSource("community", self.campaign.id)
        return {
            pid: [Offer("community", self.offered[pid][1], source)]
            for pid in self.items
        }


def place(buyer, data, visitor_id=None, now=None):
    """Order for pickup (API.md `POST /api/v1/orders` with `community_buy_id`):
    (order, created)."""
    if not isinstance(data, dict):
        raise Invalid("Send the order as a JSON object.")
    campaign = campaigns.get(whole_number(data, "community_buy_id", 1, 2**53))
    leader = leaders.approved(whole_number(data, "leader_id", 1, 2**53))
    items, offered = _items(campaign, data.get("items"))
    claim = PickupClaim(campaign, leader, items, offered, now)
    orders, created = checkout.place_order(
        buyer,
        None,
        None,
        data.get("idempotency_key"),
        data.get("payment_method", "cod"),
        visitor_id=visitor_id,
        claim=claim,
    )
    order = orders[0]
    if not created and pickup_of(order.id) is None:
        raise Conflict(
            "This idempotency key was already used for a different order.",
            code="idempotency_conflict",
        )
    return order, created


def _new_code():
    for _ in range(CODE_TRIES):
        code = f"{secrets.randbelow(10**8):08d}"
        if not PickupOrder.select().where(PickupOrder.open_code == code).exists():
            return code
    raise RuntimeError("no free pickup code")  # pragma: no cover - 10**8 codes


def record_pickup_order(claim, buyer, orders, now):
    """After checkout wrote the order: its pickup code and 跟团号 (order_placed)."""
    last = (
        PickupOrder.select(PickupOrder.seq_no)
        .where(
            (PickupOrder.community_buy == claim.campaign.id)
            & (PickupOrder.leader == claim.leader.id)
        )
        .order_by(PickupOrder.seq_no.desc())
        .scalar()
    )
    code = _new_code()
    PickupOrder.create(
        order=orders[0].id,
        community_buy=claim.campaign.id,
        leader=claim.leader.id,
        buyer=buyer.id,
        pickup_code=code,
        open_code=code,
        seq_no=(last or 0) + 1,
        created_at=now,
    )


def pickup_of(order_id):
    return PickupOrder.get_or_none(PickupOrder.order == order_id)


def close_code(order):
    """`order` is being cancelled or refunded: its code stops working."""
    PickupOrder.update(open_code=None).where(PickupOrder.order == order.id).execute()
