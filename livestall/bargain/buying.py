"""The owner buys one unit at the price their record reached.

An order is placed through `orders.checkout.place_order` with a `BargainClaim`:
after the buyer's lock and before any stock is taken, the claim moves the record
`open|succeeded -> ordered` (one guarded UPDATE: the owner's, still in time, not
bought yet, so a record is bought once: the second try is 409) and takes one unit
of the campaign's allowance (one guarded UPDATE on `units_sold`); the line is
priced at the record's price (`pricing` kind `bargain`), and the unit comes off
the shelf like any other. Cancelling or refunding the order gives the unit back
to the campaign (`give_back`, on `orders.signals.order_closing`); the record
stays bought.
"""

from livestall.bargain import campaigns, records
from livestall.bargain.models import Bargain, BargainRecord
from livestall.db.base import utcnow
from livestall.errors import Conflict, NotAllowed
from livestall.orders import checkout, sources
from livestall.pricing.rules import Offer


class AlreadyOrdered(Conflict):
    code = "already_ordered"


class BargainClaim:
    """What `checkout.place_order` needs to place a bargain's order."""

    def __init__(self, record, source, now=None):
        self.record = record
        self.now = now
        self.items = {record.bargain.product_id: (1, source)}
        self.digest = ["bargain", record.id]

    def take(self, buyer, products):
        record, now = self.record, self.now or utcnow()
        if record.owner_id != buyer.id:
            raise NotAllowed("Only the person bargaining can buy at this price.")
        claimed = (
            BargainRecord.update(status="ordered", live_key=None, closed_at=now)
            .where(
                (BargainRecord.id == record.id)
                & (BargainRecord.owner == buyer.id)
                & BargainRecord.status.in_(records.BUYABLE)
                & (BargainRecord.expires_at > now)
            )
            .execute()
        )
        if not claimed:
            current = BargainRecord.get_by_id(record.id)
            if current.status == "ordered":
                raise AlreadyOrdered("You already bought this bargain.")
            raise records.RecordClosed("This bargain has expired.")
        unit = (
            Bargain.update(units_sold=Bargain.units_sold + 1)
            .where(
                (Bargain.id == record.bargain_id) & (Bargain.units_sold < Bargain.units)
            )
            .execute()
        )
        if not unit:
            raise records.SoldOut("Every unit of this bargain has been sold.")
        bargain = record.bargain
        if products[bargain.product_id].currency != bargain.currency:
            raise campaigns.CampaignClosed("This bargain has ended.")
        price = BargainRecord.get_by_id(record.id).price_cents
        offer = Offer("bargain", price, sources.LineSource("bargain", record.id))
        return {bargain.product_id: [offer]}


def buy(buyer, record_id, data, visitor_id=None, now=None):
    """Order the record's unit (API.md `POST /api/v1/orders` with
    `bargain_record_id`): (order, created)."""
    if not isinstance(data, dict):
        data = {}
    record = records.visible(record_id, buyer, now)
    if record.owner_id != buyer.id:
        raise NotAllowed("Only the person bargaining can buy at this price.")
    source = sources.clean(data.get("source"))
    claim = BargainClaim(record, source, now)
    orders, created = checkout.place_order(
        buyer,
        None,
        data.get("shipping"),
        data.get("idempotency_key"),
        data.get("payment_method", "cod"),
        visitor_id=visitor_id,
        address_id=data.get("address_id"),
        claim=claim,
    )
    order = orders[0]
    if not created and records.record_of_order(order.id) is None:
        raise Conflict(
            "This idempotency key was already used for a different order.",
            code="idempotency_conflict",
        )
    return order, created


def record_order(claim, orders):
    """After checkout wrote the order: the record points at it (order_placed)."""
    BargainRecord.update(order=orders[0].id).where(
        BargainRecord.id == claim.record.id
    ).execute()


def give_back(order):
    """`order` is being cancelled or refunded: its unit returns to the campaign."""
    record = records.record_of_order(order.id)
    if record is None:
        return None
    Bargain.update(units_sold=Bargain.units_sold - 1).where(
        (Bargain.id == record.bargain_id) & (Bargain.units_sold > 0)
    ).execute()
    return record
