"""Group-buying deals: what a merchant offers, and what everyone reads of it.

Rules (Pinduoduo's public rules, and how CRMEB and yudao model 拼团):
- only the product's merchant creates a deal, for an active product of theirs, at
  a group price below the list price, for teams of 2-50 filling within 60 s to 7
  days, until `ends_at`; one buyer buys at most `per_user_limit` units of it;
- a product has at most one running deal at a time (the product page and the
  live room offer "start a group" at one price);
- ending a deal early stops new teams; teams already open run to their own
  expiry (never later than the deal's original end), so nobody's seat is lost
  because the merchant changed their mind.
"""

import datetime

from peewee import fn

from livestall.catalog import availability
from livestall.catalog.models import Product
from livestall.db.base import transaction, utcnow
from livestall.errors import AlreadyExists, Conflict, Invalid, NotFound, whole_number
from livestall.group_buy.models import GroupBuy, Team
from livestall.live.sessions import parse_time

TEAM_SIZE = (2, 50)
WINDOW_S = (60, 7 * 86400)
PER_USER_MAX = 99
LONGEST_DEAL = datetime.timedelta(days=90)


class DealClosed(Conflict):
    code = "deal_closed"


def create(merchant, data, now=None):
    """A new deal of `merchant`'s product (API.md `POST /api/v1/group-buys`)."""
    now = now or utcnow()
    if not isinstance(data, dict):
        raise Invalid("Send the deal as a JSON object.")
    product_id = whole_number(data, "product_id", 1, 2**53)
    product = Product.get_or_none(Product.id == product_id)
    if product is None or product.merchant_id != merchant.id:
        raise Invalid("You have no product %(id)d.", field="product_id", id=product_id)
    if product.status != "active":
        raise Invalid("Put the product on sale first.", field="product_id")
    availability.check([product])
    if product.price_cents < 2:
        raise Invalid(
            "This product is too cheap for a group price.", field="price_cents"
        )
    price = whole_number(data, "price_cents", 1, product.price_cents - 1)
    size = whole_number(data, "team_size", *TEAM_SIZE)
    window = whole_number(data, "team_window_s", *WINDOW_S)
    limit = whole_number(data, "per_user_limit", 1, PER_USER_MAX, default=1)
    virtual = data.get("virtual_fill", False)
    if not isinstance(virtual, bool):
        raise Invalid("virtual_fill must be true or false.", field="virtual_fill")
    ends_at = parse_time(data.get("ends_at"), field="ends_at")
    if ends_at <= now + datetime.timedelta(seconds=WINDOW_S[0]):
        raise Invalid("End the deal at least a minute from now.", field="ends_at")
    if ends_at > now + LONGEST_DEAL:
        raise Invalid("A deal runs for at most 90 days.", field="ends_at")
    with transaction():
        # the product's row held until commit: two creates at once on PostgreSQL
        # (SQLite's writers are one at a time already) cannot both see no deal
        Product.update(status=Product.status).where(Product.id == product.id).execute()
        if running_deal(product.id, now) is not None:
            raise AlreadyExists(
                "This product already has a group deal running. End it first.",
                field="product_id",
            )
        deal = GroupBuy.create(
            product=product.id,
            merchant=merchant.id,
            price_cents=price,
            currency=product.currency,
            team_size=size,
            team_window_s=window,
            per_user_limit=limit,
            virtual_fill=virtual,
            ends_at=ends_at,
            created_at=now,
        )
    return deal


def end(merchant, deal_id, now=None):
    """End a deal early (new teams stop; open ones run to their expiry)."""
    deal = of_merchant(merchant, deal_id)
    now = now or utcnow()
    GroupBuy.update(status="ended", ended_at=now).where(
        (GroupBuy.id == deal.id) & (GroupBuy.status == "active")
    ).execute()
    return GroupBuy.get_by_id(deal.id)


def is_running(deal, now=None):
    """New teams may open: not ended by the merchant and before `ends_at`."""
    return deal.status == "active" and deal.ends_at > (now or utcnow())


def status_of(deal, now=None):
    return "active" if is_running(deal, now) else "ended"


def running_deal(product_id, now=None):
    """The product's running deal, or None."""
    return (
        GroupBuy.select()
        .where(
            (GroupBuy.product == product_id)
            & (GroupBuy.status == "active")
            & (GroupBuy.ends_at > (now or utcnow()))
        )
        .order_by(GroupBuy.id.desc())
        .first()
    )


def running_deals(product_ids, now=None):
    """{product id: running deal} for `product_ids` (one query)."""
    if not product_ids:
        return {}
    found = GroupBuy.select().where(
        GroupBuy.product.in_(list(product_ids))
        & (GroupBuy.status == "active")
        & (GroupBuy.ends_at > (now or utcnow()))
    )
    return {deal.product_id: deal for deal in found.order_by(GroupBuy.id)}


def get(deal_id):
    try:
        deal_id = int(deal_id)
    except (TypeError, ValueError):
        raise NotFound("No such group deal.") from None
    deal = GroupBuy.get_or_none(GroupBuy.id == deal_id) if 0 < deal_id < 2**53 else None
    if deal is None:
        raise NotFound("No such group deal.")
    return deal


def product_of_team(team_id):
    """The id of the product a team sells (None: no such team): a share link to
    the team page is a share of this product, for attribution."""
    return (
        Team.select(GroupBuy.product).join(GroupBuy).where(Team.id == team_id).scalar()
    )


def of_merchant(merchant, deal_id):
    """The merchant's own deal (another's answers 404, as a missing one)."""
    deal = get(deal_id)
    if deal.merchant_id != merchant.id:  # admins too: a deal is its shop's
        raise NotFound("No such group deal.")
    return deal


def deals_of(merchant, page=1, per_page=50):
    query = GroupBuy.select().where(GroupBuy.merchant == merchant.id)
    total = query.count()
    found = list(
        query.order_by(GroupBuy.created_at.desc(), GroupBuy.id.desc()).paginate(
            page, per_page
        )
    )
    return found, total


def team_counts(deal_ids):
    """{deal id: {teams_open, teams_succeeded, teams_failed}}."""
    counts = {
        i: {"teams_open": 0, "teams_succeeded": 0, "teams_failed": 0} for i in deal_ids
    }
    if not deal_ids:
        return counts
    rows = (
        Team.select(Team.group_buy, Team.status, fn.COUNT(Team.id))
        .where(Team.group_buy.in_(list(deal_ids)))
        .group_by(Team.group_buy, Team.status)
        .tuples()
    )
    for deal_id, status, n in rows:
        counts[deal_id][f"teams_{status}"] = n
    return counts
