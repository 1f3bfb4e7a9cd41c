"""Pickup: a leader (or a helper the leader named) verifies a buyer's code at
the point.

The code is looked up among the open orders of the points the user serves
(`helpers.points_served`: their own approved point and the approved points of
the leaders they help), or of the one point `leader_id` names among them: a
wrong code and another point's code get the same 404 (nobody learns which codes
exist); a code
already used is 409 `already_picked_up`; a cancelled or refunded order's code no
longer works. The code is used by one guarded UPDATE (`picked_up_at IS NULL`),
then the order is handed over (delivered, whether or not the batch was marked
received: goods sometimes arrive before the paperwork) and the leader's
commission accrues to the point's leader, whoever verified (`picked_up_by`
records who did; not on the leader's own order), all in one transaction.
"""

import re

from livestall.community import helpers, leaders, ledger
from livestall.community.models import CommunityBuy, Leader, PickupOrder
from livestall.db.base import transaction, utcnow
from livestall.errors import Conflict, Invalid, NotAllowed, NotFound
from livestall.orders import lifecycle, payments
from livestall.orders.models import Order

CODE = re.compile(r"^[0-9]{8}$")
NOTE = "Picked up at the pickup point"


class AlreadyPickedUp(Conflict):
    code = "already_picked_up"


def leader_of(user):
    """The user's approved leader row (403 otherwise)."""
    leader = leaders.of_user(user)
    if leader is None or leader.status != "approved":
        raise NotAllowed("Only an approved leader verifies pickup codes.")
    return leader


def serving(user, leader_id=None):
    """The approved points where `user` verifies codes (403 if none), or the one
    of them `leader_id` names (403 if it is not one of theirs)."""
    served = helpers.points_served(user)
    if not served:
        raise NotAllowed("Only an approved leader verifies pickup codes.")
    if leader_id is None:
        return served
    try:
        leader_id = int(leader_id)
    except (TypeError, ValueError):
        raise Invalid("leader_id must be a leader's id.", field="leader_id") from None
    chosen = [x for x in served if x.id == leader_id]
    if not chosen:
        raise NotAllowed("You do not verify codes at this pickup point.")
    return chosen


def verify(user, code, now=None, leader_id=None):
    """Hand over the order whose pickup code is `code` at a point `user` serves
    (`leader_id`: only at that one)."""
    if isinstance(leader_id, bool):
        raise Invalid("leader_id must be a leader's id.", field="leader_id")
    served = serving(user, leader_id)
    code = re.sub(r"[\s-]", "", code) if isinstance(code, str) else ""
    if not CODE.match(code):
        raise Invalid("A pickup code is 8 digits.", field="code")
    now = now or utcnow()
    with transaction():
        # the open order with this code, else a used one (a cancelled order's
        # code may since have been given to another order)
        found = (
            PickupOrder.select()
            .where(
                PickupOrder.leader.in_([x.id for x in served])
                & (PickupOrder.pickup_code == code)
                & (
                    (PickupOrder.open_code == code)
                    | PickupOrder.picked_up_at.is_null(False)
                )
            )
            .order_by(PickupOrder.picked_up_at.is_null(False), PickupOrder.id.desc())
            .first()
        )
        if found is None:
            raise NotFound("No order at your point has this code.")
        if found.picked_up_at is not None:
            raise AlreadyPickedUp(
                "This code was already used: the order was picked up."
            )
        # the point's leader still approved, read in this transaction
        leader = Leader.get_or_none(
            (Leader.id == found.leader_id) & (Leader.status == "approved")
        )
        if leader is None:
            raise NotAllowed("Only an approved leader verifies pickup codes.")
        order = Order.get_by_id(found.order_id)
        late = payments.deadline(order) if lifecycle.overdue(order, now) else None
        if late is None:
            delivered = _hand_over(user, code, found, leader, order, now)
    if late is not None:  # its time ran out, not yet swept: checked at use
        lifecycle.expire_unpaid(now=now, order_ids=[order.id])
        lifecycle.too_late(late.lapse, "delivered")
    found.leader = leader
    return delivered, found


def _hand_over(user, code, found, leader, order, now):
    """Use the code (one guarded UPDATE), deliver the order, accrue the
    leader's commission: inside the verify's transaction."""
    used = (
        PickupOrder.update(picked_up_at=now, picked_up_by=user.id, open_code=None)
        .where(
            (PickupOrder.id == found.id)
            & PickupOrder.picked_up_at.is_null()
            & (PickupOrder.open_code == code)
        )
        .execute()
    )
    if not used:
        raise AlreadyPickedUp("This code was already used: the order was picked up.")
    delivered = lifecycle.hand_over(order, user.id, NOTE)
    if order.buyer_id != leader.user_id:  # no commission on one's own order
        campaign = CommunityBuy.get_by_id(found.community_buy_id)
        ledger.accrue(leader.id, delivered, campaign.leader_commission_bps, now)
    return delivered
