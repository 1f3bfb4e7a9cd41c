"""Attribution at order time and the commission ledger.

The scripted journey: a shopper reads creator A's post tagging the tea (3 days
before buying), follows creator B's share link to the tea (2 days before), watches
creator C's live featuring it (1 day before), then buys one tea for ¥100.00 with a
10% commission. The expected splits are worked out by hand below.
"""

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from livestall.attribution import commissions
from livestall.attribution import engine as attribution
from livestall.attribution.models import AttributionCredit, CommissionEntry, Touchpoint
from livestall.attribution.report import GROUPS, Report
from livestall.content.models import Post, PostProduct
from livestall.db.base import utcnow
from livestall.live.models import LiveProduct, LiveSession
from livestall.merchants.models import ATTRIBUTION_MODELS
from livestall.orders import lifecycle as orders
from tests.factories.attribution import DAY, buy
from tests.plugins.app import read_db


def credits(order_id):
    return read_db(
        lambda: [
            (c.kind, c.revenue_cents, c.commission_cents)
            for c in AttributionCredit.select()
            .where(AttributionCredit.order_id == order_id)
            .order_by(AttributionCredit.id)
        ]
    )


EXPECTED = {
    # (post A, share link B, live C) in cents of ¥100.00
    "last_touch": [10000],  # all to C's live
    "first_touch": [10000],  # all to A's post
    "linear": [3333, 3333, 3334],  # the odd cent to the largest remainder, latest
    # 2^(-3/7), 2^(-2/7), 2^(-1/7) normalised: 3009.24, 3322.47, 3668.30
    "time_decay": [3009, 3323, 3668],
    "position_based": [4000, 2000, 4000],
}
KINDS = {
    "last_touch": ["live_watch"],
    "first_touch": ["post_view"],
}


@pytest.mark.parametrize("model", list(EXPECTED))
def test_the_journey_under_each_model(journey, model):
    order = buy(journey, model)
    got = credits(order.id)
    assert [cents for _, cents, _ in got] == EXPECTED[model]
    assert sum(cents for _, cents, _ in got) == 10000
    if model in KINDS:
        assert [kind for kind, _, _ in got] == KINDS[model]
    else:
        assert [kind for kind, _, _ in got] == [
            "post_view",
            "share_visit",
            "live_watch",
        ]
    # 10% of each credited share, to the creator (or the sharer) behind it
    assert [c for _, _, c in got] == [cents // 10 for cents in EXPECTED[model]]


def test_who_earns_under_linear(journey):
    order = buy(journey, "linear")
    users = journey["users"]
    rows = read_db(
        lambda: {
            c.earner_id: (c.revenue_cents, c.creator_id, c.post_id, c.live_session_id)
            for c in AttributionCredit.select().where(
                AttributionCredit.order_id == order.id
            )
        }
    )
    assert rows[users["creator_a"].id] == (
        3333,
        users["creator_a"].id,
        journey["post"].id,
        None,
    )
    assert rows[users["creator_b"].id][0] == 3333  # the sharer earns on the share
    assert rows[users["creator_c"].id] == (
        3334,
        users["creator_c"].id,
        None,
        journey["live"].id,
    )


def test_an_unrelated_product_is_direct(journey):
    order = buy(journey, "linear", items=[{"product_id": journey["cup"], "qty": 2}])
    assert credits(order.id) == [("direct", 10000, 0)]


def test_touchpoints_outside_the_window_do_not_count(journey):
    read_db(
        lambda: Touchpoint.update(created_at=utcnow() - 8 * DAY).execute()
    )  # the default window is 7 days
    order = buy(journey, "first_touch")
    assert credits(order.id) == [("direct", 10000, 0)]


def test_a_purchase_in_the_live_room_credits_the_live(journey):
    live = journey["live"]
    read_db(
        lambda: (
            LiveSession.update(status="live", started_at=utcnow() - DAY)
            .where(LiveSession.id == live.id)
            .execute()
        )
    )
    order = buy(
        journey,
        "first_touch",  # would credit A's post; the room purchase wins
        items=[{"product_id": journey["tea"], "qty": 1, "source": f"live:{live.id}"}],
    )
    assert credits(order.id) == [("live_purchase", 10000, 1000)]


def test_a_creator_earns_nothing_on_their_own_purchase(journey):
    read_db(
        lambda: Touchpoint.update(user_id=journey["users"]["creator_a"].id).execute()
    )
    order = buy(journey, "first_touch", buyer="creator_a")
    assert credits(order.id) == [("post_view", 10000, 0)]


def ledger(earner_id):
    """The creator's commission rows, oldest first: (state, kind, amount)."""
    return read_db(
        lambda: [
            (e.state, e.kind, e.amount_cents)
            for e in CommissionEntry.select()
            .where(CommissionEntry.earner_id == earner_id)
            .order_by(CommissionEntry.id)
        ]
    )


def test_the_ledger_moves_by_new_rows_only(journey):
    order = buy(journey, "linear")
    users = journey["users"]
    a = users["creator_a"].id
    assert read_db(lambda: commissions.balances(a)) == {
        "pending_cents": 333,
        "payable_cents": 0,
        "reversed_cents": 0,
    }
    merchant = journey["merchant"]
    read_db(
        lambda: orders.move(
            merchant, orders.visible_order(merchant, order.id), "shipped", "SF1234567"
        )
    )
    read_db(
        lambda: orders.move(
            merchant, orders.visible_order(merchant, order.id), "delivered"
        )
    )
    assert read_db(lambda: commissions.balances(a)) == {
        "pending_cents": 0,
        "payable_cents": 333,
        "reversed_cents": 0,
    }
    # a second order, cancelled: its pending commission is reversed by a new row
    second = buy(journey, "linear", key="key-journey-2")
    mei = users["mei"]
    read_db(lambda: orders.move(mei, orders.visible_order(mei, second.id), "cancelled"))
    assert read_db(lambda: commissions.balances(a)) == {
        "pending_cents": 0,
        "payable_cents": 333,
        "reversed_cents": 333,
    }
    assert ledger(a) == [
        ("pending", "accrual", 333),
        ("pending", "release", -333),
        ("payable", "release", 333),
        ("pending", "accrual", 333),
        ("pending", "reversal", -333),
    ]


def test_a_return_after_delivery_reverses_the_payable_commission(journey):
    order = buy(journey, "linear")
    a = journey["users"]["creator_a"].id
    merchant = journey["merchant"]
    for to, tracking in (("shipped", "SF1234567"), ("delivered", None)):
        read_db(
            lambda to=to, tracking=tracking: orders.move(
                merchant, orders.visible_order(merchant, order.id), to, tracking
            )
        )
    assert read_db(lambda: commissions.balances(a))["payable_cents"] == 333
    read_db(
        lambda: orders.move(
            merchant, orders.visible_order(merchant, order.id), "refunded"
        )
    )
    assert read_db(lambda: commissions.balances(a)) == {
        "pending_cents": 0,
        "payable_cents": 0,
        "reversed_cents": 333,
    }
    assert ledger(a)[-1] == ("payable", "reversal", -333)


# --- the arithmetic -----------------------------------------------------------------


def test_weights_at_the_edges():
    at = datetime.datetime(2026, 11, 23)
    one = [at - DAY]
    two = [at - 2 * DAY, at - DAY]
    assert attribution.weights("position_based", one, at) == [1.0]
    assert attribution.weights("position_based", two, at) == [0.5, 0.5]
    assert attribution.weights("linear", [], at) == []
    assert attribution.split_cents(1, [0.5, 0.5]) == [0, 1]
    assert attribution.split_cents(0, [1.0]) == [0]
    with pytest.raises(ValueError):
        attribution.weights("made_up", one, at)


@settings(max_examples=300, deadline=None)
@given(
    revenue=st.integers(min_value=0, max_value=10**9),
    ages=st.lists(st.integers(min_value=0, max_value=7 * 86400), max_size=12),
    model=st.sampled_from(
        ["last_touch", "first_touch", "linear", "time_decay", "position_based"]
    ),
)
def test_splits_never_lose_or_invent_a_cent(revenue, ages, model):
    at = datetime.datetime(2026, 11, 23)
    times = sorted(at - datetime.timedelta(seconds=a) for a in ages)
    ws = attribution.weights(model, times, at)
    assert len(ws) == len(times)
    if not ws:
        return
    assert abs(sum(ws) - 1) < 1e-9 and min(ws) >= 0
    parts = attribution.split_cents(revenue, ws)
    assert sum(parts) == revenue and min(parts) >= 0
    for part, w in zip(parts, ws, strict=True):
        assert abs(part - revenue * w) < 1 + 1e-6  # never more than a cent off


# --- reports ------------------------------------------------------------------------


def report(journey, group_by):
    return Report(journey["merchant"].id, utcnow() - 30 * DAY, utcnow() + DAY, group_by)


def test_the_report_shows_stored_credits_and_what_if(journey):
    buy(journey, "last_touch")
    users = journey["users"]
    rows, totals = read_db(lambda: report(journey, "creator").stored())
    assert [(r["key"], r["revenue_cents"], r["commission_cents"]) for r in rows] == [
        (users["creator_c"].id, 10000, 1000)
    ]
    assert totals["revenue_cents"] == 10000 and totals["orders"] == 1
    # the same order under linear: nothing stored changes
    rows, totals = read_db(lambda: report(journey, "creator").what_if("linear"))
    got = {r["key"]: r["revenue_cents"] for r in rows}
    assert got == {users["creator_c"].id: 3334, users["creator_a"].id: 3333, None: 3333}
    assert totals["revenue_cents"] == 10000
    rows, _ = read_db(lambda: report(journey, "share_link").what_if("linear"))
    assert {r["key"]: r["revenue_cents"] for r in rows}[users["creator_b"].id] == 3333
    rows, _ = read_db(lambda: report(journey, "post").what_if("first_touch"))
    assert [(r["key"], r["label"]) for r in rows] == [(journey["post"].id, "好茶")]
    assert read_db(lambda: AttributionCredit.select().count()) == 1  # untouched
    rows, _ = read_db(lambda: report(journey, "creator").stored())
    assert rows[0]["revenue_cents"] == 10000


@pytest.mark.parametrize("model", ATTRIBUTION_MODELS)
def test_the_what_if_of_the_stored_model_is_the_stored_result(journey, api, model):
    """Recomputed from the touchpoints, the model the orders were stored with gives
    back exactly what was stored, with noise about other products around."""
    other = api.user("potshop", role="merchant")
    pot = api.product(other, title="紫砂壶", price_cents=39900, stock=5)["id"]

    def noise():
        users = journey["users"]
        mei = users["mei"].id
        cup_post = Post.create(
            author=users["creator_b"], body="杯", body_html="<p>杯</p>"
        )
        PostProduct.create(post=cup_post, product=journey["cup"], position=0)
        pot_live = LiveSession.create(
            host=users["creator_b"], title="壶", scheduled_at=utcnow() - DAY
        )
        LiveProduct.create(session=pot_live, product=pot)
        for kind, fields in (
            (
                "post_view",
                {"post_id": cup_post.id, "creator_id": users["creator_b"].id},
            ),
            ("product_click", {"product_id": pot}),
            ("live_watch", {"live_session_id": pot_live.id}),
        ):
            Touchpoint.create(
                kind=kind, visitor_id="v-mei", user_id=mei, created_at=utcnow() - DAY,
                **fields,
            )  # fmt: skip

    read_db(noise)
    buy(journey, model)
    buy(
        journey,
        model,
        items=[{"product_id": journey["cup"], "qty": 2}],
        key="key-journey-2",
    )
    for group in GROUPS:
        stored, stored_totals = read_db(lambda g=group: report(journey, g).stored())
        again, again_totals = read_db(lambda g=group: report(journey, g).what_if(model))

        def numbers(rows):
            return sorted(
                (str(r["key"]), r["orders"], r["revenue_cents"], r["commission_cents"])
                for r in rows
            )

        assert numbers(again) == numbers(stored), (model, group)
        assert again_totals["revenue_cents"] == stored_totals["revenue_cents"] == 20000


def test_cancelled_orders_leave_the_report_and_the_funnel_counts(journey):
    order = buy(journey, "linear")
    rows = read_db(lambda: report(journey, "live").funnel())
    live_row = next(r for r in rows if r["key"] == journey["live"].id)
    assert live_row["views"] == 1 and live_row["orders"] == 1
    mei = journey["users"]["mei"]
    read_db(lambda: orders.move(mei, orders.visible_order(mei, order.id), "cancelled"))
    rows, totals = read_db(lambda: report(journey, "creator").stored())
    assert rows == [] and totals["revenue_cents"] == 0
    assert read_db(lambda: report(journey, "creator").daily()) == []
