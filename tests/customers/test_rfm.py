"""RFM scores, segments, repeat rate, members' share and cohorts against a
brute-force Python computation of the documented rules, on generated orders
(random buyers, times over a year and a half, amounts and statuses) written
straight into the test database."""

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extensions import db
from livestall.customers import cohorts, listing, rfm
from livestall.membership.models import Member, MembershipPlan
from livestall.orders.models import STATUSES, Checkout, Order
from tests.customers.data import BASE, brute, brute_cohorts, order, person

NOW = BASE + datetime.timedelta(days=600)

orders_strategy = st.lists(
    st.tuples(
        st.integers(0, 7),  # buyer
        st.sampled_from(STATUSES),
        st.sampled_from([0, 100, 990, 5000, 12345]),  # goods: ties on purpose
        st.integers(0, 540),  # day
        st.sampled_from([0, 3600, 7200]),  # second of the day: ties too
    ),
    min_size=1,
    max_size=30,
)


@pytest.fixture
def ctx(app):
    with app.app_context(), db.connection_context():
        shop = person("shop")
        buyers = [person(f"buyer{i}") for i in range(8)]
        yield shop, buyers


def _load(shop, buyers, raw):
    Order.delete().execute()
    Checkout.delete().execute()
    orders = []
    for b, status, goods, day, second in raw:
        when = BASE + datetime.timedelta(days=day, seconds=second)
        order(buyers[b].id, shop.id, goods, when, status=status, shipping=500)
        orders.append((buyers[b].id, status, goods, when))
    return orders


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(raw=orders_strategy)
def test_scores_and_segments_match_brute_force(ctx, raw):
    shop, buyers = ctx
    expected = brute(_load(shop, buyers, raw))
    rows, total = listing.customers(shop.id, listing.filters_of({}), NOW, per_page=100)
    assert total == len(expected)
    got = {
        r["user_id"]: {
            "orders": r["orders"],
            "spend": r["spend_cents"],
            "first": r["first_order_at"],
            "last": r["last_order_at"],
            "r": r["r"],
            "f": r["f"],
            "m": r["m"],
            "segment": r["segment"],
        }
        for r in rows
    }
    assert got == expected
    # sorted by spend, highest first
    spends = [r["spend_cents"] for r in rows]
    assert spends == sorted(spends, reverse=True)
    summary = rfm.summary(shop.id, NOW)
    for seg in summary["segments"]:
        mine = [e for e in expected.values() if e["segment"] == seg["segment"]]
        assert seg["customers"] == len(mine)
        assert seg["revenue_cents"] == sum(e["spend"] for e in mine)
    assert sum(s["customers"] for s in summary["segments"]) == len(expected)
    repeat = sum(1 for e in expected.values() if e["orders"] >= 2)
    assert summary["repeat_customers"] == repeat
    for segment in rfm.SEGMENTS:
        listed, n = listing.customers(
            shop.id, listing.filters_of({"segment": segment}), NOW, per_page=100
        )
        assert n == len(listed)
        assert {r["user_id"] for r in listed} == {
            b for b, e in expected.items() if e["segment"] == segment
        }
        assert set(rfm.buyers_in(shop.id, segment, NOW)) == {
            r["user_id"] for r in listed
        }


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(raw=orders_strategy)
def test_cohorts_match_brute_force(ctx, raw):
    shop, buyers = ctx
    orders = _load(shop, buyers, raw)
    expected = brute_cohorts(orders)
    found = cohorts.table(shop.id, limit=100)
    assert [c["month"] for c in found["cohorts"]] == sorted(expected)
    for c in found["cohorts"]:
        want = expected[c["month"]]
        assert c["customers"] == want[0]
        for cell in c["retention"]:
            assert cell["customers"] == want.get(cell["months"], 0)
            assert cell["share"] == pytest.approx(want.get(cell["months"], 0) / want[0])
        assert c["retention"][0]["share"] == 1.0


def test_every_segment_rule_is_reachable_and_exclusive():
    seen = {}
    for r in range(1, 6):
        for f in range(1, 6):
            for m in range(1, 6):
                seen.setdefault(rfm.segment_of(r, f, m), []).append((r, f, m))
    assert set(seen) == set(rfm.SEGMENTS)
    assert sum(len(v) for v in seen.values()) == 125
    assert rfm.score(0, 10) == 1 and rfm.score(9, 10) == 5 and rfm.score(2, 10) == 2


def test_members_share_and_member_states(ctx):
    shop, buyers = ctx
    a, b, c, d = buyers[:4]
    order(a.id, shop.id, 6000, BASE)
    order(b.id, shop.id, 3000, BASE)
    order(c.id, shop.id, 1000, BASE)
    order(d.id, shop.id, 0, BASE, status="cancelled")
    plan = MembershipPlan.create(merchant=shop.id, name="会员", price_cents=0)
    Member.create(
        merchant=shop.id, user=a.id, plan=plan.id, status="active", starts_at=BASE
    )
    Member.create(
        merchant=shop.id,
        user=b.id,
        plan=plan.id,
        status="active",
        starts_at=BASE,
        ends_at=NOW - datetime.timedelta(seconds=1),
    )
    summary = rfm.summary(shop.id, NOW)
    assert summary["customers"] == 3
    assert summary["members"] == {"revenue_cents": 6000, "share": 0.6}
    assert summary["non_members"]["revenue_cents"] == 4000
    rows, _ = listing.customers(shop.id, listing.filters_of({}), NOW)
    assert [(r["user_id"], r["member"]) for r in rows] == [
        (a.id, "active"),
        (b.id, "expired"),
        (c.id, "none"),
    ]
    only, n = listing.customers(shop.id, listing.filters_of({"member": "expired"}), NOW)
    assert n == 1 and only[0]["user_id"] == b.id
