"""Discounts on priced lines: a coupon's cents, split across the lines it covers.

A discount comes on top of a line's price (DESIGN.md, "prices never stack"): it
applies to lines at the list price, and to flash-sale lines only when the coupon
allows it; never to a line priced by a campaign (a group-buying seat, a bargain).
Its amount is worked out on the lines in its scope (`base`: what they come to at
the price paid) and never exceeds them. The cents are split across those lines in
proportion to each line's amount, rounded down, and the cents left over go to the
largest line (then the next largest, if the largest is full), so the line
discounts add up to the discount exactly and none exceeds its line. Refunds,
returns and commissions read each line's amount after its discount.
"""

from dataclasses import dataclass, replace

from livestall.errors import Invalid
from livestall.orders.sources import LineSource
from livestall.pricing.rules import Adjustment

CAMPAIGN_KINDS = ("group", "bargain", "community")  # lines no coupon touches


@dataclass(frozen=True)
class Discount:
    """A coupon the buyer applies: its terms and where it came from."""

    source: LineSource  # coupon:<user coupon id>
    title: str
    merchant_id: int
    currency: str
    amount_off_cents: int | None = None
    percent_off: int | None = None
    max_discount_cents: int | None = None
    min_spend_cents: int = 0
    product_ids: frozenset | None = None  # None: the whole shop
    allow_flash: bool = False
    kind: str = "coupon"

    def covers(self, line):
        """Whether this discount may apply to `line` (a `PricedLine`)."""
        if line.merchant_id != self.merchant_id or line.currency != self.currency:
            return False
        if self.product_ids is not None and line.product.id not in self.product_ids:
            return False
        kinds = {a.kind for a in line.adjustments}
        if kinds & set(CAMPAIGN_KINDS) or line.discount_cents:
            return False
        return self.allow_flash or "flash" not in kinds

    def amount_on(self, base_cents):
        """What it takes off lines coming to `base_cents` (never more than that)."""
        if self.percent_off:
            off = base_cents * self.percent_off // 100
            if self.max_discount_cents is not None:
                off = min(off, self.max_discount_cents)
        else:
            off = self.amount_off_cents or 0
        return max(0, min(off, base_cents))


def split(total_cents, bases):
    """`total_cents` split over lines worth `bases`: proportional parts rounded
    down, the leftover cents on the largest line (then the next largest when it
    is full). The parts add up to `total_cents` and part i <= bases[i].
    Requires 0 <= total_cents <= sum(bases)."""
    whole = sum(bases)
    if not 0 <= total_cents <= whole:
        raise ValueError("a discount larger than its lines")
    if whole == 0:
        return [0] * len(bases)
    parts = [total_cents * base // whole for base in bases]
    left = total_cents - sum(parts)
    for i in sorted(range(len(bases)), key=lambda i: (-bases[i], i)):
        if not left:
            break
        more = min(left, bases[i] - parts[i])
        parts[i] += more
        left -= more
    return parts


def _base(line):
    return line.qty * line.unit_price_cents - line.discount_cents


def preview(discount, lines):
    """What `discount` would take off `lines` (0: it does not apply, or their
    spend in its scope is under its minimum)."""
    covered = [line for line in lines if discount.covers(line)]
    base = sum(_base(line) for line in covered)
    if not covered or base < discount.min_spend_cents:
        return 0
    return discount.amount_on(base)


def apply(lines, discounts):
    """`lines` with each of `discounts` split onto the lines it covers, as
    `coupon` adjustments. At most one discount per shop order (shop and
    currency); a discount that covers nothing, whose lines come to less than
    its minimum spend, or that would take nothing off them, is a 400 naming it
    (it is not spent)."""
    lines = list(lines)
    seen = set()
    for discount in discounts:
        if (discount.merchant_id, discount.currency) in seen:
            raise Invalid(
                "Use at most one coupon per shop.",
                field="coupon_ids",
                code="coupon_not_applicable",
            )
        seen.add((discount.merchant_id, discount.currency))
        covered = [i for i, line in enumerate(lines) if discount.covers(line)]
        if not covered:
            raise _not_applicable(discount)
        bases = [_base(lines[i]) for i in covered]
        if sum(bases) < discount.min_spend_cents:
            raise Invalid(
                "The coupon “%(title)s” needs a spend of %(min)s on what it covers.",
                field="coupon_ids",
                code="coupon_min_spend",
                title=discount.title,
                min=_money(discount.min_spend_cents, discount.currency),
            )
        off = discount.amount_on(sum(bases))
        if not off:  # ¥0 lines, 1% of 99 cents: not worth spending the coupon on
            raise _not_applicable(discount)
        for i, part in zip(covered, split(off, bases), strict=True):
            if part:
                line = lines[i]
                lines[i] = replace(
                    line,
                    adjustments=(
                        *line.adjustments,
                        Adjustment(discount.kind, part, discount.source),
                    ),
                )
    return lines


def _not_applicable(discount):
    return Invalid(
        "The coupon “%(title)s” does not apply to anything in this order.",
        field="coupon_ids",
        code="coupon_not_applicable",
        title=discount.title,
    )


def _money(cents, currency):
    return f"{currency} {cents // 100}.{cents % 100:02d}"
