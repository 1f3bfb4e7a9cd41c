"""The price pipeline: what each line of a checkout costs, and why.

`price_lines` turns what a buyer asked for (products with quantities, flash-sale
holds) into `PricedLine`s: the list price, the adjustments that apply with their
kind and source, the unit price paid and where the line came from. Checkout writes
these as order lines, and each adjustment as a `LineAdjustment` row, so refunds,
commissions and attribution see the price actually paid and what it was made of.

Two families of adjustment (DESIGN.md, "prices never stack"):

- a **price** (`PRICE_KINDS`: flash, group, bargain and community today; member
  next) replaces the list price of the line: a line may be entitled to several,
  and pays the lowest single one of them (never a combination);
- a **discount** (`DISCOUNT_KINDS`: coupon) comes on top of a normal line,
  split across the lines in scope in whole cents by its own rule.

A new mechanism adds its kind here and an offer for the lines it applies to (a
campaign's claim gives checkout its offers: `group_buy.teams.SeatClaim`,
`bargain.buying.BargainClaim`); the order, refund and attribution code need no
change. A discount (a coupon) never applies to a line priced by a campaign
(group, bargain): only to lines at the list, flash or member price.
"""

from dataclasses import dataclass

from livestall.orders.sources import LineSource
from livestall.pricing import signals

PRICE_KINDS = ("flash", "group", "bargain", "community", "member")
DISCOUNT_KINDS = ("coupon",)
KINDS = PRICE_KINDS + DISCOUNT_KINDS


@dataclass(frozen=True)
class Offer:
    """A price a line is entitled to: `kind` at `unit_price_cents`, from `source`."""

    kind: str
    unit_price_cents: int
    source: LineSource | None = None


@dataclass(frozen=True)
class Adjustment:
    """What changed the line's price: `amount_cents` saved on the whole line."""

    kind: str
    amount_cents: int
    source: LineSource | None = None


@dataclass(frozen=True)
class PricedLine:
    product: object  # catalog.models.Product
    qty: int
    list_price_cents: int
    unit_price_cents: int
    adjustments: tuple = ()
    source: LineSource | None = None
    reservation_id: int | None = None  # the flash-sale hold this line converts

    @property
    def merchant_id(self):
        return self.product.merchant_id

    @property
    def currency(self):
        return self.product.currency

    @property
    def discount_cents(self):
        """What discounts (not prices) take off the line as a whole."""
        return sum(a.amount_cents for a in self.adjustments if a.kind in DISCOUNT_KINDS)

    @property
    def total_cents(self):
        return self.qty * self.unit_price_cents - self.discount_cents

    def sort_key(self):
        return (self.merchant_id, self.product.id, self.reservation_id or 0)


def best_offer(list_price_cents, offers):
    """The lowest single price among the list price and `offers` (None: the list
    price wins, ties included): prices replace each other, never stack."""
    best = None
    for offer in offers:
        if offer.kind not in PRICE_KINDS:
            raise ValueError(f"not a price kind: {offer.kind}")
        lowest = list_price_cents if best is None else best.unit_price_cents
        if offer.unit_price_cents < lowest or (
            best is None and offer.unit_price_cents == list_price_cents
        ):
            best = offer
    return best


def price_line(product, qty, source=None, offers=()):
    """One priced line: the list price, or the best offer it is entitled to."""
    offer = best_offer(product.price_cents, offers)
    if offer is None:
        return PricedLine(
            product, qty, product.price_cents, product.price_cents, (), source
        )
    return _at(product, qty, offer, source)


def _at(product, qty, offer, source, reservation_id=None):
    saved = (product.price_cents - offer.unit_price_cents) * qty
    return PricedLine(
        product,
        qty,
        product.price_cents,
        offer.unit_price_cents,
        (Adjustment(offer.kind, saved, offer.source),),
        source,
        reservation_id,
    )


def hold_line(hold):
    """A flash-sale hold (a converted reservation, its sale and product joined): its
    units were reserved at the sale's price, which binds whatever the list price
    does meanwhile."""
    flash = LineSource("flash", hold.sale_id)
    offer = Offer("flash", hold.price_cents, flash)
    return _at(hold.sale.product, hold.qty, offer, flash, hold.id)


def price_lines(items, products, holds=(), offers=None):
    """Price a checkout: `items` {product id: (qty, source text)} at their
    `products` and the `offers` {product id: [Offer]} they are entitled to, and
    flash-sale `holds` at the sale's price. Returns the lines grouped by shop
    (the order checkout writes them in)."""
    offers = offers or {}
    lines = [
        price_line(products[pid], qty, LineSource.parse(source), offers.get(pid, ()))
        for pid, (qty, source) in items.items()
    ]
    lines += [hold_line(hold) for hold in holds]
    lines.sort(key=PricedLine.sort_key)
    return lines


def standing_offers(buyer_id, products, now, offers=None):
    """`offers` ({product id: [Offer]}, e.g. a campaign claim's) plus the prices the
    buyer is entitled to on any line (`signals.price_offers`: a member's price)."""
    merged = {pid: list(found) for pid, found in (offers or {}).items()}
    if buyer_id is None or not products:
        return merged
    for _receiver, extra in signals.price_offers.send(
        None, buyer_id=buyer_id, products=products, now=now
    ):
        for pid, found in (extra or {}).items():
            merged.setdefault(pid, []).extend(found)
    return merged
