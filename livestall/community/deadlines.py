"""When an order for pickup, still pending payment, is cancelled by the system:
the answers community buying gives to `orders.signals.pending_deadline` (one
order) and `deadline_sweep` (the maintenance pass), instead of the payment
methods' times counted from when the order was placed.

- Paid before pickup (bank transfer, marked paid by the merchant): new orders
  are refused from the cut-off on; the payment of one placed before it may still
  complete within COMMUNITY_PAY_GRACE_MIN minutes (30) of the cut-off. So it is
  cancelled (`unpaid`, stock back, it leaves the batch, both told) at
  cut-off + grace, or at its method's own time (72 h after it was placed) when
  that comes first: an order placed days before the cut-off is not held longer
  than any other shop order. Marking it paid after that is refused (409
  `payment_too_late`), checked at use by `orders.lifecycle.move`.
- Paid at pickup (cash on delivery, paid when the leader verifies the code):
  never cancelled before its pickup. Its time is the end of the
  COMMUNITY_PICKUP_DAYS-th day (7) after the pickup day (UTC), whether or not
  the batch was shipped, instead of COD_SHIP_DAYS after it was placed; then it
  is cancelled as `uncollected` when its batch was shipped to the point, else
  as `unshipped` (the shop never sent it).
"""

import datetime
from functools import reduce
from operator import or_

from livestall.community.models import BatchMark, CommunityBuy, PickupOrder
from livestall.orders import payments
from livestall.orders.models import Order
from livestall.platform import settings

DEFAULT_PAY_GRACE_MIN = 30
DEFAULT_PICKUP_DAYS = 7


def pay_grace():
    minutes = settings.get("COMMUNITY_PAY_GRACE_MIN", DEFAULT_PAY_GRACE_MIN)
    return datetime.timedelta(minutes=max(0, minutes))


def pickup_days():
    return max(0, settings.get("COMMUNITY_PICKUP_DAYS", DEFAULT_PICKUP_DAYS))


def pay_deadline(campaign):
    """Until when an order of `campaign` placed before its cut-off may be paid."""
    return campaign.cutoff_at + pay_grace()


def collect_deadline(campaign):
    """Until when an order paid at pickup waits to be collected: the end of the
    pickup_days()-th day after the pickup day."""
    day = campaign.pickup_on + datetime.timedelta(days=pickup_days() + 1)
    return datetime.datetime.combine(day, datetime.time())


def deadline_of(order):
    """`payments.Deadline` of a pending pickup order (None: not one)."""
    pickup = (
        PickupOrder.select(PickupOrder, CommunityBuy)
        .join(CommunityBuy, on=(PickupOrder.community_buy == CommunityBuy.id))
        .where(PickupOrder.order == order.id)
        .first()
    )
    if pickup is None:
        return None
    campaign = pickup.community_buy
    provider = payments.provider(order.payment_method)
    if provider.ships_before_payment:  # paid at pickup
        shipped = (
            BatchMark.select()
            .where(
                (BatchMark.community_buy == campaign.id)
                & (BatchMark.leader == pickup.leader_id)
                & BatchMark.shipped_at.is_null(False)
            )
            .exists()
        )
        lapse = "uncollected" if shipped else "unshipped"
        return payments.Deadline(collect_deadline(campaign), lapse)
    at = pay_deadline(campaign)
    within = provider.pending_within()
    if within is not None:
        at = min(at, order.created_at + within)
    return payments.Deadline(at, provider.lapse)


def sweep(now):
    """(every pickup order's id, those pending past their deadline at `now`):
    queries for `orders.lifecycle.expire_unpaid`."""
    paid_late = now - pay_grace()
    last_day = (now - datetime.timedelta(days=pickup_days() + 1)).date()
    due_if = []
    for code, provider in payments.PROVIDERS.items():
        if provider.ships_before_payment:
            late = CommunityBuy.pickup_on <= last_day
        else:
            late = CommunityBuy.cutoff_at <= paid_late
            within = provider.pending_within()
            if within is not None:
                late = late | (Order.created_at <= now - within)
        due_if.append((Order.payment_method == code) & late)
    governed = PickupOrder.select(PickupOrder.order)
    due = (
        PickupOrder.select(PickupOrder.order)
        .join(Order, on=(PickupOrder.order == Order.id))
        .switch(PickupOrder)
        .join(CommunityBuy, on=(PickupOrder.community_buy == CommunityBuy.id))
        .where((Order.status == "pending_payment") & reduce(or_, due_if))
    )
    return governed, due
