"""Signals of pricing.

`price_offers(sender=None, buyer_id, products, now)` -> each receiver returns None
or {product id: [pricing.rules.Offer]}: the prices a buyer is entitled to on
normal lines whatever the checkout's claim (a shop member's price: see
`livestall.membership.prices`). Asked by `pricing.rules.standing_offers`, which
checkout, the cart and the coupon quote call, so all three show the same price.
"""

from blinker import Signal

price_offers = Signal("price-offers")
