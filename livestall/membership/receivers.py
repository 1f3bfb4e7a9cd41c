"""What membership does when others ask: checkout, the cart and the coupon quote
ask for the prices a buyer is entitled to (`pricing.signals.price_offers`)."""

from livestall.membership import prices
from livestall.pricing import signals as pricing_signals


def _offers(sender, buyer_id, products, now, **_):
    return prices.member_offers(buyer_id, products, now)


def connect():
    pricing_signals.price_offers.connect(_offers)
