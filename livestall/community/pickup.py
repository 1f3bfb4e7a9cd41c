"""Pickup: a leader verifies a buyer's code at the point.

The code is looked up among this leader's open orders only: a wrong code and
another point's code get the same 404 (nobody learns which codes exist); a code
already used is 409 `already_picked_up`; a cancelled or refunded order's code no
longer works. The code is used by one guarded UPDATE (`picked_up_at IS NULL`),
then the order is handed over (delivered, whether or not the batch was marked
received: goods sometimes arrive before the paperwork) and the leader's
commission accrues (not on the leader's own order), all in one transaction.
"""

import re

from livestall.community import leaders, ledger
from livestall.community.models import CommunityBuy, PickupOrder
from livestall.db.base import transaction, utcnow
from livestall.errors import Conflict, Invalid, NotAllowed, NotFound
from livestall.orders import lifecycle
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


def verify(user, code, now=None):
    """Hand over the order whose pickup code is `code` at `user`'s point."""
    leader = leader_of(user)
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
                (PickupOrder.leader == leader.id)
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
            raise AlreadyPickedUp(
                "This code was already used: the order was picked up."
            )
        order = Order.get_by_id(found.order_id)
        delivered = lifecycle.hand_over(order, user.id, NOTE)
        if order.buyer_id != leader.user_id:  # no commission on one's own order
            campaign = CommunityBuy.get_by_id(found.community_buy_id)
            ledger.accrue(leader.id, delivered, campaign.leader_commission_bps, now)
    return delivered, found
