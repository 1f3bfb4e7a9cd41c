"""Pickup points near me (附近自提点): the approved leaders' points, searched by
the point's name or address.

A search of several words finds the points where every word is in the name or
the address (any case; `%` and `_` are plain characters). Only approved leaders'
points are listed: a pending, rejected or disabled one is nobody's to find.
"""

from livestall.accounts.models import User
from livestall.catalog.models import Product
from livestall.community.models import CommunityItem, Leader

MAX_QUERY = 100
MAX_WORDS = 5
PER_PAGE = 20


def clean_query(value):
    """The search as typed, spaces folded, at most MAX_QUERY characters."""
    return " ".join(value.split())[:MAX_QUERY] if isinstance(value, str) else ""


def search(q="", page=1, per_page=PER_PAGE):
    """(approved leaders on page `page` whose point matches `q`, with their
    users, by point name; how many match in all)."""
    query = (
        Leader.select(Leader, User)
        .join(User, on=(Leader.user == User.id))
        .where(Leader.status == "approved")
    )
    for word in clean_query(q).split()[:MAX_WORDS]:
        query = query.where(
            Leader.point_name.contains(word) | Leader.point_address.contains(word)
        )
    total = query.count()
    found = list(
        query.order_by(Leader.point_name, Leader.id).paginate(max(1, page), per_page)
    )
    return found, total


def offers_of(campaigns):
    """{campaign id: [(product, campaign price)]} of `campaigns`, their products'
    photos attached (two queries)."""
    out = {c.id: [] for c in campaigns}
    if not out:
        return out
    rows = list(
        CommunityItem.select(CommunityItem, Product)
        .join(Product)
        .where(CommunityItem.community_buy.in_(list(out)))
        .order_by(CommunityItem.id)
    )
    Product.attach_galleries([row.product for row in rows])
    for row in rows:
        out[row.community_buy_id].append((row.product, row.price_cents))
    return out
