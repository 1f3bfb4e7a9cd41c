"""Who listens to which domain signal: each domain's `receivers.connect()`, called
once by the app factory (connecting twice is harmless: blinker keeps one)."""

from livestall.attribution import receivers as attribution
from livestall.bargain import receivers as bargain
from livestall.community import receivers as community
from livestall.flash import receivers as flash
from livestall.group_buy import receivers as group_buy
from livestall.groups import receivers as groups
from livestall.interaction import receivers as interaction
from livestall.membership import receivers as membership
from livestall.notifications import receivers as notifications
from livestall.orders import receivers as orders
from livestall.promotions import receivers as promotions
from livestall.search import receivers as search


def connect_all():
    """Connect every domain's receivers to the signals they follow."""
    for domain in (
        attribution,
        bargain,
        community,
        flash,
        group_buy,
        groups,
        interaction,
        membership,
        notifications,
        orders,
        promotions,
        search,
    ):
        domain.connect()
