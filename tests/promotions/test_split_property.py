"""Property tests (hypothesis) of the arithmetic under coupons and red packets:
`pricing.discounts.split`, `apply` and `preview` (line discounts add up to the
coupon's cents, never exceed a line, the odd cents go to the largest line) and
`promotions.red_packets.split_random` / `split_equal` (every packet at least a
cent, the packets add up to the pool, double-mean bounds)."""

import random
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from livestall.errors import Invalid
from livestall.orders.sources import LineSource
from livestall.pricing import discounts
from livestall.pricing.rules import Adjustment, PricedLine
from livestall.promotions import red_packets

FEW = settings(max_examples=150, deadline=None)

# --- split --------------------------------------------------------------------------

bases_st = st.lists(st.integers(0, 500_000), min_size=1, max_size=12)


@st.composite
def split_case(draw):
    bases = draw(bases_st)
    total = draw(st.integers(0, sum(bases)))
    return total, bases


def _floors(total, bases):
    whole = sum(bases)
    return [total * b // whole if whole else 0 for b in bases]


@FEW
@given(split_case())
def test_split_parts_add_up_and_never_exceed_their_line(case):
    total, bases = case
    parts = discounts.split(total, bases)
    assert len(parts) == len(bases)
    assert sum(parts) == total
    assert all(0 <= p <= b for p, b in zip(parts, bases, strict=True))


@FEW
@given(split_case())
def test_split_is_proportional_and_the_odd_cents_go_to_the_largest_line(case):
    total, bases = case
    parts = discounts.split(total, bases)
    floors = _floors(total, bases)
    extra = [p - f for p, f in zip(parts, floors, strict=True)]
    assert all(e >= 0 for e in extra)
    left = total - sum(floors)
    assert left < max(1, sum(1 for b in bases if b))  # under a cent a line
    order = sorted(range(len(bases)), key=lambda i: (-bases[i], i))
    if left:
        largest = order[0]
        # the largest line takes the leftover, as much as it has room for
        assert extra[largest] == min(left, bases[largest] - floors[largest])
    # lines take leftover cents in size order, each filled before the next gets any
    got = [i for i in order if extra[i]]
    assert got == order[: len(got)]
    for i in got[:-1]:
        assert parts[i] == bases[i]


def test_split_worked_examples():
    # 20.00 off tea 168.00 + cups 178.00: 971.09 -> 971 and 1028.90 -> 1028, +1
    assert discounts.split(2000, [16800, 17800]) == [971, 1029]
    assert discounts.split(3, [1, 1, 1]) == [1, 1, 1]
    assert discounts.split(2, [1, 1, 1]) == [1, 1, 0]  # ties: the first listed
    assert discounts.split(0, [0, 0]) == [0, 0]
    # the largest line full: the next largest takes the rest
    assert discounts.split(10, [9, 1, 1]) == [9, 1, 0]
    with pytest.raises(ValueError):
        discounts.split(11, [5, 5])
    with pytest.raises(ValueError):
        discounts.split(-1, [5])


# --- apply and preview --------------------------------------------------------------

SHOPS = (7, 8)


def _line(pid, merchant, price, qty, kind=None, currency="CNY"):
    product = SimpleNamespace(id=pid, merchant_id=merchant, currency=currency)
    if kind is None:
        return PricedLine(product, qty, price, price)
    paid = max(1, price // 2)
    adj = Adjustment(kind, (price - paid) * qty, LineSource("flash", 1))
    return PricedLine(product, qty, price, paid, (adj,))


@st.composite
def basket(draw):
    n = draw(st.integers(1, 8))
    lines = []
    for pid in range(1, n + 1):
        lines.append(
            _line(
                pid,
                draw(st.sampled_from(SHOPS)),
                draw(st.integers(1, 100_000)),
                draw(st.integers(1, 5)),
                draw(st.sampled_from([None, None, None, "flash", "group", "bargain"])),
                draw(st.sampled_from(["CNY", "CNY", "CNY", "USD"])),
            )
        )
    return lines


@st.composite
def discount(draw, merchant=None, uc_id=1):
    percent = draw(st.booleans())
    scoped = draw(st.booleans())
    return discounts.Discount(
        source=LineSource("coupon", uc_id),
        title=f"coupon {uc_id}",
        merchant_id=merchant or draw(st.sampled_from(SHOPS)),
        currency="CNY",
        amount_off_cents=None if percent else draw(st.integers(1, 300_000)),
        percent_off=draw(st.integers(1, 95)) if percent else None,
        max_discount_cents=(
            draw(st.none() | st.integers(1, 100_000)) if percent else None
        ),
        min_spend_cents=draw(st.sampled_from([0, 0, 1000, 50_000, 400_000])),
        product_ids=(
            frozenset(draw(st.lists(st.integers(1, 8), min_size=1, max_size=4)))
            if scoped
            else None
        ),
        allow_flash=draw(st.booleans()),
    )


def _covered(d, line):
    kinds = {a.kind for a in line.adjustments}
    return (
        line.merchant_id == d.merchant_id
        and line.currency == d.currency
        and (d.product_ids is None or line.product.id in d.product_ids)
        and not kinds & {"group", "bargain"}
        and (d.allow_flash or "flash" not in kinds)
    )


def _base(line):
    return line.qty * line.unit_price_cents


def _coupon_cents(line, d):
    return sum(
        a.amount_cents
        for a in line.adjustments
        if a.kind == "coupon" and a.source == d.source
    )


def _expected_off(d, base):
    if d.percent_off:
        off = base * d.percent_off // 100
        if d.max_discount_cents is not None:
            off = min(off, d.max_discount_cents)
        return min(off, base)
    return min(d.amount_off_cents, base)


@FEW
@given(basket(), discount())
def test_apply_splits_one_coupon_exactly_onto_the_lines_it_covers(lines, d):
    covered = [line for line in lines if _covered(d, line)]
    base = sum(_base(line) for line in covered)
    if not covered:
        assert discounts.preview(d, lines) == 0
        with pytest.raises(Invalid) as err:
            discounts.apply(lines, [d])
        assert err.value.code == "coupon_not_applicable"
        return
    if base < d.min_spend_cents:
        assert discounts.preview(d, lines) == 0
        with pytest.raises(Invalid) as err:
            discounts.apply(lines, [d])
        assert err.value.code == "coupon_min_spend"
        assert d.title in err.value.message
        return
    off = _expected_off(d, base)
    assert discounts.preview(d, lines) == off
    if not off:  # nothing to take off (1% of 99 cents): refused, not spent
        with pytest.raises(Invalid) as err:
            discounts.apply(lines, [d])
        assert err.value.code == "coupon_not_applicable"
        return
    out = discounts.apply(lines, [d])
    assert len(out) == len(lines)
    parts = [_coupon_cents(line, d) for line in out]
    assert sum(parts) == off == sum(line.discount_cents for line in out)
    for before, after, part in zip(lines, out, parts, strict=True):
        assert (before.product, before.qty, before.unit_price_cents) == (
            after.product,
            after.qty,
            after.unit_price_cents,
        )
        if not _covered(d, before):
            assert after == before  # untouched
        assert 0 <= part <= _base(before)
        assert after.total_cents == _base(before) - part >= 0
    # the split is discounts.split over the covered lines' bases
    assert [p for p, line in zip(parts, lines, strict=True) if _covered(d, line)] == (
        discounts.split(off, [_base(line) for line in covered])
    )
    if d.percent_off and d.max_discount_cents is not None:
        assert off <= d.max_discount_cents


@FEW
@given(basket(), discount(merchant=7, uc_id=1), discount(merchant=8, uc_id=2))
def test_apply_two_shops_coupons_each_on_its_own_lines(lines, first, second):
    expected = {}
    for d in (first, second):
        covered = [line for line in lines if _covered(d, line)]
        base = sum(_base(line) for line in covered)
        off = _expected_off(d, base)
        expected[d.source] = (
            None if not covered or base < d.min_spend_cents or not off else off
        )
    if None in expected.values():
        with pytest.raises(Invalid):
            discounts.apply(lines, [first, second])
        return
    out = discounts.apply(lines, [first, second])
    for d in (first, second):
        got = [_coupon_cents(line, d) for line in out]
        assert sum(got) == expected[d.source]
        for line, cents in zip(out, got, strict=True):
            if cents:
                assert line.merchant_id == d.merchant_id
    assert sum(line.discount_cents for line in out) == sum(expected.values())
    assert all(line.total_cents >= 0 for line in out)


def test_apply_refuses_two_coupons_of_one_shop():
    lines = [_line(1, 7, 10_000, 1), _line(2, 7, 5_000, 2)]
    a = discounts.Discount(LineSource("coupon", 1), "a", 7, "CNY", amount_off_cents=100)
    b = discounts.Discount(LineSource("coupon", 2), "b", 7, "CNY", amount_off_cents=200)
    with pytest.raises(Invalid) as err:
        discounts.apply(lines, [a, b])
    assert err.value.code == "coupon_not_applicable"
    # a line already discounted takes no second coupon
    once = discounts.apply(lines, [a])
    assert discounts.preview(b, once) == 0


def test_a_coupon_taking_nothing_off_is_refused():
    free = [_line(1, 7, 0, 3)]
    cheap = [_line(2, 7, 99, 1)]
    flat = discounts.Discount(
        LineSource("coupon", 1), "f", 7, "CNY", amount_off_cents=5
    )
    pct = discounts.Discount(LineSource("coupon", 2), "p", 7, "CNY", percent_off=1)
    for lines, d in ((free, flat), (cheap, pct)):
        assert discounts.preview(d, lines) == 0
        with pytest.raises(Invalid) as err:
            discounts.apply(lines, [d])
        assert err.value.code == "coupon_not_applicable"
    assert discounts.apply(free + cheap, [flat])[1].discount_cents == 5


def test_amount_on_percent_with_cap_and_never_above_the_base():
    pct = discounts.Discount(
        LineSource("coupon", 1), "p", 7, "CNY", percent_off=15, max_discount_cents=2000
    )
    assert pct.amount_on(10_000) == 1500
    assert pct.amount_on(100_000) == 2000  # capped
    assert pct.amount_on(99) == 14  # rounded down
    flat = discounts.Discount(
        LineSource("coupon", 2), "f", 7, "CNY", amount_off_cents=5000
    )
    assert flat.amount_on(3000) == 3000  # never more than the lines
    assert flat.amount_on(0) == 0


# --- red packets --------------------------------------------------------------------


@st.composite
def pool(draw):
    count = draw(st.integers(1, 300))
    total = draw(st.integers(count, 2_000_000))
    return total, count


@FEW
@given(pool(), st.integers(0, 2**32))
def test_split_random_packets_add_up_each_a_cent_or_more(case, seed):
    total, count = case
    packets = red_packets.split_random(total, count, random.Random(seed))
    assert len(packets) == count
    assert sum(packets) == total
    assert min(packets) >= 1


@FEW
@given(pool(), st.integers(0, 2**32))
def test_split_random_is_double_mean(case, seed):
    """No packet exceeds twice the mean of what was left when it was cut."""
    total, count = case
    packets = red_packets.split_random(total, count, random.Random(seed))
    left = total
    for i, amount in enumerate(packets):
        n = count - i  # packets still to cut, this one included
        assert amount * n <= 2 * left, (i, amount, left, n)
        assert left - amount >= n - 1  # a cent kept for each one to come
        left -= amount
    assert left == 0


def test_split_random_spreads_the_money():
    """Not degenerate: over many pools the packets differ, and the first packet
    averages about the mean (double-mean is fair in expectation)."""
    rng = random.Random(18)
    firsts = [red_packets.split_random(10_000, 10, rng)[0] for _ in range(2000)]
    assert len(set(firsts)) > 500
    assert 900 <= sum(firsts) / len(firsts) <= 1100


@FEW
@given(pool())
def test_split_equal_is_within_a_cent_the_first_ones_larger(case):
    total, count = case
    packets = red_packets.split_equal(total, count)
    assert len(packets) == count and sum(packets) == total
    assert min(packets) >= 1 and max(packets) - min(packets) <= 1
    assert packets == sorted(packets, reverse=True)


def test_splits_need_a_cent_a_packet():
    assert red_packets.split_random(3, 3) == [1, 1, 1]
    assert red_packets.split_equal(10, 3) == [4, 3, 3]
    for fn in (red_packets.split_random, red_packets.split_equal):
        with pytest.raises(ValueError):
            fn(2, 3)
        with pytest.raises(ValueError):
            fn(5, 0)
