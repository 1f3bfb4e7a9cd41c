"""Member prices through commissions (issue 21's "done when"): the creator whose
live sold a line earns the product's rate on what the member paid, not on the list
price, and a refund of the order reverses exactly that."""

from livestall.accounts.models import User
from livestall.attribution.models import AttributionCredit, CommissionEntry
from livestall.catalog.models import Product
from livestall.membership import plans, rules
from livestall.merchants.models import MerchantProfile
from livestall.orders import checkout
from livestall.orders import lifecycle as orders
from livestall.orders.models import Order
from tests.factories.orders import SHIP
from tests.plugins.app import read_db


def test_commissions_are_on_the_member_price_and_reversed_on_cancel(journey):
    """The journey's tea is ¥100.00 at 10% commission and creator C's live is the
    last touch; at a member price of ¥80.00, two teas earn C ¥16.00, not ¥20.00."""
    teashop, tea = journey["merchant"], journey["tea"]

    def buy():
        MerchantProfile.insert(
            user=teashop.id, attribution_model="last_touch"
        ).on_conflict(
            conflict_target=[MerchantProfile.user],
            update={MerchantProfile.attribution_model: "last_touch"},
        ).execute()
        Product.update(member_price_cents=8000).where(Product.id == tea).execute()
        plans.configure(
            teashop,
            {"enabled": True, "plans": [{"name": "入会", "price_cents": 0}]},
        )
        mei = User.get(User.username == "mei")
        plan = plans.plans_of(teashop.id)[0]
        rules.join(mei, teashop.id, {"plan_id": plan.id})
        placed, _ = checkout.place_order(
            mei, [{"product_id": tea, "qty": 2}], SHIP, "key-member-commission"
        )
        return placed[0]

    order = read_db(buy)
    assert order.goods_cents == 16000
    credit = read_db(
        lambda: AttributionCredit.get(AttributionCredit.order_id == order.id)
    )
    assert (credit.kind, credit.revenue_cents, credit.commission_cents) == (
        "live_watch",
        16000,
        1600,
    )

    def ledger():
        return [
            (e.kind, e.amount_cents)
            for e in CommissionEntry.select()
            .where(CommissionEntry.order_id == order.id)
            .order_by(CommissionEntry.id)
        ]

    assert read_db(ledger) == [("accrual", 1600)]
    mei = journey["users"]["mei"]
    read_db(lambda: orders.move(mei, Order.get_by_id(order.id), "cancelled"))
    assert read_db(ledger) == [("accrual", 1600), ("reversal", -1600)]
