"""The arithmetic of a friend's cut (`bargain.cuts`): one cent kept for every later
cut, a cut that is not the last takes 20-80% of what can still be cut (at least a
cent), the last takes exactly the rest; so the N cuts of a record add up to
start - floor and the price never passes the floor. Unit tests, then a property
test (hypothesis) over any start, floor and N."""

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from livestall.bargain import cuts
from livestall.catalog.models import PRICE_MAX

FEW = settings(max_examples=300, deadline=None)


class Bounds:
    """An rng that answers `randint(a, b)` with `a` or `b` (`pick`), and keeps
    every (a, b) it was asked."""

    def __init__(self, pick="low"):
        self.pick = pick
        self.asked = []

    def randint(self, a, b):
        self.asked.append((a, b))
        return a if self.pick == "low" else b


def _band(cuttable):
    """(lowest, highest) a non-final cut may take of `cuttable` cents, in exact
    integers: ceil(20%) and floor(80%), at least a cent."""
    low = max(1, -(-cuttable // 5))
    return low, max(low, min(cuttable, 4 * cuttable // 5))


# --- next_cut -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("remaining", "cuts_left", "band"),
    [
        (100, 2, (20, 79)),  # 99 cuttable: ceil(19.8), floor(79.2)
        (9000, 3, (1800, 7198)),  # 8998 cuttable
        (10, 2, (2, 7)),  # 9 cuttable: ceil(1.8), floor(7.2)
        (6, 2, (1, 4)),  # 5 cuttable: exactly 1 and 4
        (4, 3, (1, 1)),  # 2 cuttable: 20% is under a cent, 80% is 1
        (2, 2, (1, 1)),  # 1 cuttable: the cent kept for the last cut is all
        (3, 2, (1, 1)),  # 2 cuttable
        (5, 2, (1, 3)),  # 4 cuttable: ceil(0.8), floor(3.2)
    ],
)
def test_a_cut_that_is_not_the_last_is_drawn_from_the_band(remaining, cuts_left, band):
    for pick in ("low", "high"):
        rng = Bounds(pick)
        got = cuts.next_cut(remaining, cuts_left, rng)
        assert rng.asked == [band]
        assert got == (band[0] if pick == "low" else band[1])
    assert band == _band(remaining - (cuts_left - 1))


@pytest.mark.parametrize(("remaining", "expected"), [(1, 1), (7, 7), (9000, 9000)])
def test_the_last_cut_takes_exactly_the_rest_without_drawing(remaining, expected):
    rng = Bounds()
    assert cuts.next_cut(remaining, 1, rng) == expected
    assert rng.asked == []  # nothing random about the last cut


def test_a_cut_with_a_cent_for_each_cut_takes_one_cent():
    # 5 cents, 5 cuts: every cut is a cent (the band collapses to 1..1)
    assert cuts.all_cuts(1005, 1000, 5, random.Random(1)) == [1] * 5
    assert cuts.next_cut(5, 5, Bounds("high")) == 1


@pytest.mark.parametrize(
    ("remaining", "cuts_left"),
    [(0, 1), (2, 3), (5, 0), (5, -1), (-1, 1), (0, 0)],
)
def test_an_impossible_cut_is_refused(remaining, cuts_left):
    with pytest.raises(ValueError, match="cannot cut"):
        cuts.next_cut(remaining, cuts_left)


def test_the_system_random_is_used_without_an_rng():
    drawn = {cuts.next_cut(10_000, 2) for _ in range(60)}
    low, high = _band(9_999)
    assert all(low <= c <= high for c in drawn)
    assert len(drawn) > 1  # random, not a fixed share


# --- all_cuts -------------------------------------------------------------------------


def test_all_cuts_of_the_default_campaign_reach_the_floor():
    got = cuts.all_cuts(10_000, 1_000, 3, random.Random(7))
    assert len(got) == 3 and sum(got) == 9_000 and min(got) >= 1
    # the same seed, the same cuts (the demo and bench rely on it)
    assert cuts.all_cuts(10_000, 1_000, 3, random.Random(7)) == got


def test_one_helper_cuts_it_all_and_the_smallest_gap_cuts_a_cent_each():
    assert cuts.all_cuts(10_000, 1_000, 1) == [9_000]
    assert cuts.all_cuts(3, 1, 2) == [1, 1]
    with pytest.raises(ValueError):
        cuts.all_cuts(3, 1, 3)  # 2 cents cannot make 3 cuts


def test_the_extremes_of_the_band_still_leave_a_cent_per_cut():
    """Always the largest cut allowed, then always the smallest: the reserve holds
    either way and the last cut lands on the floor."""
    for pick in ("low", "high"):
        got = cuts.all_cuts(10_000, 100, 100, Bounds(pick))
        assert len(got) == 100 and sum(got) == 9_900 and min(got) >= 1
    greedy = cuts.all_cuts(10_000, 100, 10, Bounds("high"))
    assert greedy[0] == 4 * 9_891 // 5  # 80% of all but 9 reserved cents


# --- the property ---------------------------------------------------------------------


@st.composite
def campaigns(draw):
    needed = draw(st.integers(1, 100))
    floor = draw(st.integers(1, PRICE_MAX - needed))
    gap = draw(
        st.one_of(
            st.integers(needed, needed + 50),  # tight: the reserve binds
            st.integers(needed, PRICE_MAX - floor),
        )
    )
    return floor + gap, floor, needed, draw(st.integers(0, 2**32))


@FEW
@given(campaigns())
def test_any_campaigns_cuts_add_up_to_the_gap_within_the_band(case):
    start, floor, needed, seed = case
    got = cuts.all_cuts(start, floor, needed, random.Random(seed))
    assert len(got) == needed
    assert sum(got) == start - floor
    assert all(isinstance(c, int) and c >= 1 for c in got)
    price = start
    for i, cut in enumerate(got):
        left = needed - i
        cuttable = (price - floor) - (left - 1)
        if left > 1:
            low, high = _band(cuttable)
            assert low <= cut <= high, (i, cut, cuttable)
            # the band, exactly: 20-80% of what can be cut, or the 1-cent clamp
            assert cut == 1 or 5 * cut >= cuttable
            assert cut == 1 or 5 * cut <= 4 * cuttable
        else:
            assert cut == price - floor  # the last cut takes the rest
        price -= cut
        assert price >= floor
        assert price - floor >= left - 1  # a cent left for each later cut
    assert price == floor
