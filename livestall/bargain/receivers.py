"""What bargaining does when orders move: a placed bargain order marks its
record bought (and its page hears of it); a cancelled or refunded one gives its
unit back to the campaign."""

from livestall.bargain import buying, signals
from livestall.db.base import on_commit
from livestall.orders import signals as order_signals


def _placed(sender, orders, buyer, claim=None, **placed):
    if not isinstance(claim, buying.BargainClaim):
        return
    buying.record_order(claim, orders)
    on_commit(
        signals.record_changed.send,
        None,
        record_id=claim.record.id,
        event="ordered",
        username=buyer.username,
    )


def _closing(sender, order, to_status):
    buying.give_back(order)


def connect():
    order_signals.order_placed.connect(_placed)
    order_signals.order_closing.connect(_closing)
