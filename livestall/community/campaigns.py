"""Community campaigns (社区团购): what a merchant offers neighbours through the
leaders' pickup points.

A campaign lists products of the merchant at campaign prices (at most the list
price), takes orders until `cutoff_at` (checked at use: an order's own
transaction refuses from the cut-off on, 409 `cutoff_passed`), and is picked up
on `pickup_on` (the cut-off's day or up to 14 days later). Leaders earn
`leader_commission_bps` (0-30 %) of each order picked up at their point.
"""

import datetime

from livestall.catalog import availability
from livestall.catalog.models import Product
from livestall.community.models import CommunityBuy, CommunityItem
from livestall.db.base import isoformat, transaction, utcnow
from livestall.errors import Conflict, Invalid, NotFound, whole_number
from livestall.live.sessions import parse_time

MAX_ITEMS = 50
COMMISSION_BPS = (0, 3000)
LONGEST = datetime.timedelta(days=30)
PICKUP_WITHIN = datetime.timedelta(days=14)


class CutoffPassed(Conflict):
    code = "cutoff_passed"


def _items(merchant, value):
    if not isinstance(value, list) or not 1 <= len(value) <= MAX_ITEMS:
        raise Invalid(
            "List 1 to %(n)d products with their prices.", field="items", n=MAX_ITEMS
        )
    wanted = {}
    for item in value:
        if not isinstance(item, dict):
            raise Invalid("Each item is {product_id, price_cents}.", field="items")
        pid = whole_number(item, "product_id", 1, 2**53)
        if pid in wanted:
            raise Invalid("Product %(id)d is listed twice.", field="items", id=pid)
        wanted[pid] = item
    found = {p.id: p for p in Product.select().where(Product.id.in_(list(wanted)))}
    out = []
    for pid, item in wanted.items():
        product = found.get(pid)
        if product is None or product.merchant_id != merchant.id:
            raise Invalid("You have no product %(id)d.", field="items", id=pid)
        if product.status != "active":
            raise Invalid("Put product %(id)d on sale first.", field="items", id=pid)
        price = whole_number(item, "price_cents", 1, product.price_cents)
        out.append((product, price))
    availability.check([p for p, _ in out])
    if len({p.currency for p, _ in out}) > 1:
        raise Invalid("List products of one currency.", field="items")
    return out


def _pickup_day(value, cutoff):
    if not isinstance(value, str):
        raise Invalid("Give the pickup day as YYYY-MM-DD.", field="pickup_on")
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        raise Invalid("Give the pickup day as YYYY-MM-DD.", field="pickup_on") from None
    if not cutoff.date() <= day <= (cutoff + PICKUP_WITHIN).date():
        raise Invalid(
            "Pick up on the cut-off's day or within 14 days of it.", field="pickup_on"
        )
    return day


def create(merchant, data, now=None):
    """A new campaign (API.md `POST /api/v1/community-buys`)."""
    now = now or utcnow()
    if not isinstance(data, dict):
        raise Invalid("Send the campaign as a JSON object.")
    title = data.get("title")
    title = title.strip() if isinstance(title, str) else ""
    if not 1 <= len(title) <= 120:
        raise Invalid("Give a title of 1 to 120 characters.", field="title")
    items = _items(merchant, data.get("items"))
    cutoff = parse_time(data.get("cutoff_at"), field="cutoff_at")
    if cutoff <= now + datetime.timedelta(minutes=1):
        raise Invalid("Set the cut-off at least a minute from now.", field="cutoff_at")
    if cutoff > now + LONGEST:
        raise Invalid("Set the cut-off within 30 days.", field="cutoff_at")
    pickup_on = _pickup_day(data.get("pickup_on"), cutoff)
    bps = whole_number(data, "leader_commission_bps", *COMMISSION_BPS, default=0)
    with transaction():
        campaign = CommunityBuy.create(
            merchant=merchant.id,
            title=title,
            currency=items[0][0].currency,
            cutoff_at=cutoff,
            pickup_on=pickup_on,
            leader_commission_bps=bps,
            created_at=now,
        )
        CommunityItem.insert_many(
            [
                {"community_buy": campaign.id, "product": p.id, "price_cents": price}
                for p, price in items
            ]
        ).execute()
    return campaign


def get(campaign_id):
    try:
        campaign_id = int(campaign_id)
    except (TypeError, ValueError):
        raise NotFound("No such campaign.") from None
    found = None
    if 0 < campaign_id < 2**53:
        found = CommunityBuy.get_or_none(CommunityBuy.id == campaign_id)
    if found is None:
        raise NotFound("No such campaign.")
    return found


def of_merchant(merchant, campaign_id):
    """The merchant's own campaign (another's answers 404, as a missing one)."""
    found = get(campaign_id)
    if found.merchant_id != merchant.id:
        raise NotFound("No such campaign.")
    return found


def is_open(campaign, now=None):
    return campaign.cutoff_at > (now or utcnow())


def items_of(campaign):
    """{product id: (Product, campaign price)}."""
    rows = (
        CommunityItem.select(CommunityItem, Product)
        .join(Product)
        .where(CommunityItem.community_buy == campaign.id)
        .order_by(CommunityItem.id)
    )
    return {row.product_id: (row.product, row.price_cents) for row in rows}


def open_campaigns(now=None, limit=50):
    """Campaigns still taking orders, the soonest cut-off first."""
    return list(
        CommunityBuy.select()
        .where(CommunityBuy.cutoff_at > (now or utcnow()))
        .order_by(CommunityBuy.cutoff_at, CommunityBuy.id)
        .limit(limit)
    )


def campaign_dict(campaign, now=None):
    """API.md's `community_buy`."""
    return {
        "id": campaign.id,
        "title": campaign.title,
        "currency": campaign.currency,
        "cutoff_at": isoformat(campaign.cutoff_at),
        "pickup_on": campaign.pickup_on.isoformat(),
        "leader_commission_bps": campaign.leader_commission_bps,
        "status": "open" if is_open(campaign, now) else "closed",
        "items": [
            {
                "product_id": pid,
                "title": product.title,
                "price_cents": price,
                "list_price_cents": product.price_cents,
            }
            for pid, (product, price) in items_of(campaign).items()
        ],
    }
