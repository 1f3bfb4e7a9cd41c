"""How much one friend's help cuts: pure arithmetic, no database.

The rule (Pinduoduo's 砍价 as the issue states it): with `remaining` cents between
the price and the floor and `cuts_left` cuts to go (this one included), keep one
cent in reserve for every later cut; a cut that is not the last takes 20-80% of
what can still be cut (at least 1 cent); the last cut takes exactly the rest. So
every cut is >= 1 cent, no cut passes the floor, and the `helpers_needed`-th cut
lands exactly on it: the cuts of a record always add up to start - floor.
"""

import math
import random

LOW, HIGH = 0.2, 0.8
_system = random.SystemRandom()


def next_cut(remaining, cuts_left, rng=None):
    """The next cut in cents (1 <= cut <= remaining - (cuts_left - 1))."""
    if cuts_left < 1 or remaining < cuts_left:
        raise ValueError(f"cannot cut {remaining} cents in {cuts_left} cuts")
    if cuts_left == 1:
        return remaining
    cuttable = remaining - (cuts_left - 1)  # one cent kept for each later cut
    lo = max(1, math.ceil(cuttable * LOW))
    hi = max(lo, min(cuttable, math.floor(cuttable * HIGH)))
    return (rng or _system).randint(lo, hi)


def all_cuts(start, floor, helpers_needed, rng=None):
    """Every cut of a record from `start` to `floor` (tests, the demo, bench)."""
    cuts, remaining = [], start - floor
    for left in range(helpers_needed, 0, -1):
        cut = next_cut(remaining, left, rng)
        cuts.append(cut)
        remaining -= cut
    return cuts
