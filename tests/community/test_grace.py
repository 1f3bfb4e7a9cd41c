"""Pickup orders' own times (livestall/community/deadlines.py): a bank transfer
placed before the cut-off may be paid until cut-off + COMMUNITY_PAY_GRACE_MIN,
then the sweep cancels it (stock back, out of the batch, both told) and marking
it paid is refused (409 `payment_too_late`); a cash-on-delivery pickup order is
never cancelled before its pickup: it waits until COMMUNITY_PICKUP_DAYS after
the pickup day. The order pages say pickup at the point, not courier."""

import datetime

import pytest

from blueprints.maintenance import maintenance_pass
from livestall.catalog.models import Product
from livestall.community import batches, deadlines
from livestall.community.models import BatchMark, CommunityBuy
from livestall.db.base import utcnow
from livestall.orders import lifecycle
from livestall.orders.models import Order, OrderEvent
from tests.factories import community as cf
from tests.factories.orders import Browser, move, notes
from tests.plugins.app import plain, read_db

GRACE = datetime.timedelta(minutes=30)


@pytest.fixture
def world(app, community_world):
    w = community_world()
    w["app"] = app
    return w


def _err(resp):
    return resp.status_code, resp.get_json()["error"]["code"]


def _moment(value):
    return datetime.datetime.fromisoformat(value.replace("Z", "+00:00")).replace(
        tzinfo=None
    )


def _order(world, payment="bank_transfer", buyer=None, qty=1):
    resp = cf.order(
        world["api"],
        buyer or world["buyer"],
        world["campaign"]["id"],
        world["leader"]["id"],
        [{"product_id": world["tea"], "qty": qty}],
        payment_method=payment,
    )
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()["order"]


def _campaign_row(world):
    return read_db(lambda: CommunityBuy.get_by_id(world["campaign"]["id"]))


def _set_campaign(world, **fields):
    read_db(
        lambda: (
            CommunityBuy.update(**fields)
            .where(CommunityBuy.id == world["campaign"]["id"])
            .execute()
        )
    )


def _backdate(order_id, **delta):
    def go():
        placed = Order.get_by_id(order_id).created_at
        Order.update(created_at=placed - datetime.timedelta(**delta)).where(
            Order.id == order_id
        ).execute()

    read_db(go)


def _status(order_id):
    return read_db(lambda: Order.get_by_id(order_id).status)


def _stock(product_id):
    return read_db(lambda: Product.get_by_id(product_id).stock)


def _sweep(now=None):
    return read_db(lambda: [o.id for o in lifecycle.expire_unpaid(now=now)])


def _batch_orders(world):
    def go():
        campaign = CommunityBuy.get_by_id(world["campaign"]["id"])
        _stock_up, found = batches.batches_of(campaign)
        return [p.order_id for b in found for p in b["orders"]]

    return read_db(go)


# --- bank transfer: paid within the grace after the cut-off --------------------------


def test_a_bank_transfer_pickup_order_is_paid_by_cutoff_plus_grace(world):
    order = _order(world)
    cutoff = _campaign_row(world).cutoff_at
    assert _moment(order["payment"]["pay_by"]) == cutoff + GRACE
    # placed days before a far cut-off: the usual 72 h comes first
    _set_campaign(world, cutoff_at=utcnow() + datetime.timedelta(days=10))
    got = world["api"].call(
        "GET", f"/api/v1/orders/{order['id']}", token=world["buyer"]
    )
    pay_by = _moment(got.get_json()["order"]["payment"]["pay_by"])
    assert pay_by == _moment(order["created_at"]) + datetime.timedelta(hours=72)
    # the buyer's page says it
    mei = Browser(world["app"], "mei", signup=False)
    _set_campaign(world, cutoff_at=cutoff)
    page = plain(mei.get(f"/orders/{order['id']}"))
    assert "Pay by" in page and "or the order is cancelled." in page
    assert "sends it to the pickup point with the campaign's batch" in page


def test_marking_paid_within_the_grace_works_after_it_is_refused(world):
    api = world["api"]
    early = _order(world)
    late = _order(world, buyer=api.user("lan"))
    stock = _stock(world["tea"])
    cf.pass_cutoff(world["campaign"]["id"], seconds=60)  # in the grace
    paid = move(api, world["merchant"], early["id"], "paid")
    assert paid.status_code == 200 and paid.get_json()["order"]["status"] == "paid"
    cf.pass_cutoff(world["campaign"]["id"], seconds=31 * 60)  # grace over
    refused = move(api, world["merchant"], late["id"], "paid")
    assert _err(refused) == (409, "payment_too_late")
    assert _status(late["id"]) == "cancelled"  # checked at use, cancelled then
    assert _stock(world["tea"]) == stock + 1
    assert cf.pickup_row(late["id"]).open_code is None
    paid_events = read_db(
        lambda: (
            OrderEvent.select()
            .where((OrderEvent.order == late["id"]) & (OrderEvent.to_status == "paid"))
            .count()
        )
    )
    assert paid_events == 0
    assert _status(early["id"]) == "paid"  # paid in time: untouched


def test_the_sweep_cancels_unpaid_orders_past_the_grace_and_the_batch_drops_them(
    world,
):
    api = world["api"]
    unpaid = _order(world, qty=2)
    paid = _order(world, buyer=api.user("lan"))
    cod = _order(world, payment="cod", buyer=api.user("zhu"))
    assert move(api, world["merchant"], paid["id"], "paid").status_code == 200
    stock = _stock(world["tea"])
    cf.pass_cutoff(world["campaign"]["id"], seconds=60)
    assert _sweep() == []  # still in the grace
    assert set(_batch_orders(world)) == {unpaid["id"], paid["id"], cod["id"]}
    cf.pass_cutoff(world["campaign"]["id"], seconds=30 * 60 + 1)
    assert _sweep() == [unpaid["id"]]
    assert _sweep() == []  # once
    assert _status(unpaid["id"]) == "cancelled"
    assert _stock(world["tea"]) == stock + 2
    assert set(_batch_orders(world)) == {paid["id"], cod["id"]}
    events = read_db(
        lambda: [
            (e.actor_id, e.note)
            for e in OrderEvent.select().where(
                (OrderEvent.order == unpaid["id"])
                & (OrderEvent.to_status == "cancelled")
            )
        ]
    )
    assert events == [(None, lifecycle.UNPAID_NOTE)]
    told = [
        n["data"].get("reason")
        for n in notes(api, world["buyer"])["items"]
        if n["kind"] == "order_cancelled" and n["order_id"] == unpaid["id"]
    ]
    assert told == ["unpaid"]
    # its code no longer works
    resp = api.call(
        "POST",
        "/api/v1/leader/pickups",
        token=world["leader_token"],
        json={"code": unpaid["pickup"]["code"]},
    )
    assert resp.status_code == 404


def test_the_batch_read_drops_an_order_past_the_grace_before_any_sweep(world):
    unpaid = _order(world)
    cf.pass_cutoff(world["campaign"]["id"], seconds=31 * 60)
    assert _batch_orders(world) == []
    assert _status(unpaid["id"]) == "cancelled"


def test_the_grace_is_a_setting(world, app):
    app.config["COMMUNITY_PAY_GRACE_MIN"] = 5
    try:
        order = _order(world)
        cutoff = _campaign_row(world).cutoff_at
        assert _moment(order["payment"]["pay_by"]) == cutoff + datetime.timedelta(
            minutes=5
        )
        cf.pass_cutoff(world["campaign"]["id"], seconds=6 * 60)
        assert _sweep() == [order["id"]]
    finally:
        app.config["COMMUNITY_PAY_GRACE_MIN"] = 30
    assert read_db(deadlines.pay_grace) == GRACE


# --- cash on delivery: never cancelled before pickup ---------------------------------


def test_a_cod_pickup_order_waits_for_its_pickup_day_not_cod_ship_days(world, app):
    api = world["api"]
    order = _order(world, payment="cod")
    pickup_on = utcnow().date() + datetime.timedelta(days=3)
    _set_campaign(world, pickup_on=pickup_on)
    _backdate(order["id"], days=8)  # past COD_SHIP_DAYS (7) after ordering
    assert read_db(lambda: maintenance_pass(app)["unpaid_cancelled"]) == []
    assert _status(order["id"]) == "pending_payment"
    got = api.call("GET", f"/api/v1/orders/{order['id']}", token=world["buyer"])
    ship_by = _moment(got.get_json()["order"]["payment"]["ship_by"])
    assert ship_by == datetime.datetime.combine(
        pickup_on + datetime.timedelta(days=8), datetime.time()
    )
    # the batch shipped: still not "unshipped"; past the pickup deadline it goes
    cf.pass_cutoff(world["campaign"]["id"])
    assert (
        api.call(
            "POST",
            f"/api/v1/community-buys/{world['campaign']['id']}/batches/"
            f"{world['leader']['id']}/ship",
            token=world["merchant"],
        ).status_code
        == 200
    )
    assert _sweep(now=ship_by - datetime.timedelta(seconds=1)) == []
    assert _sweep(now=ship_by) == [order["id"]]
    note = read_db(
        lambda: (
            OrderEvent.get(
                (OrderEvent.order == order["id"])
                & (OrderEvent.to_status == "cancelled")
            ).note
        )
    )
    assert note == lifecycle.UNCOLLECTED_NOTE
    mei = Browser(world["app"], "mei", signup=False)
    assert f"Order #{order['id']} was cancelled: it was not picked up in time." in (
        plain(mei.get("/notifications"))
    )
    assert "not picked up in time" in plain(mei.get(f"/orders/{order['id']}"))


def test_an_unshipped_cod_pickup_order_lapses_as_unshipped(world):
    order = _order(world, payment="cod")
    _set_campaign(world, pickup_on=utcnow().date() - datetime.timedelta(days=8))
    cf.pass_cutoff(world["campaign"]["id"])
    assert read_db(lambda: BatchMark.select().count()) == 0
    assert _sweep() == [order["id"]]
    told = [
        n["data"].get("reason")
        for n in notes(world["api"], world["buyer"])["items"]
        if n["kind"] == "order_cancelled"
    ]
    assert told == ["unshipped"]


def test_a_code_past_the_pickup_deadline_is_refused_at_use(world):
    order = _order(world, payment="cod")
    cf.pass_cutoff(world["campaign"]["id"])
    _set_campaign(world, pickup_on=utcnow().date() - datetime.timedelta(days=8))
    resp = world["api"].call(
        "POST",
        "/api/v1/leader/pickups",
        token=world["leader_token"],
        json={"code": order["pickup"]["code"]},
    )
    assert _err(resp) == (409, "conflict")
    assert "not shipped in time" in resp.get_json()["error"]["message"]
    assert _status(order["id"]) == "cancelled"
    assert cf.pickup_row(order["id"]).picked_up_at is None


def test_the_order_pages_say_pickup_at_the_point(world):
    order = _order(world, payment="cod")
    mei = Browser(world["app"], "mei", signup=False)
    page = plain(mei.get(f"/orders/{order['id']}"))
    assert "Pickup at the point" in page
    assert cf.POINT["address"] in page and cf.POINT["hours"] in page
    assert "paid in cash at the pickup point" in page
    assert "To be picked up by" in page
    assert "courier" not in page and "To be shipped by" not in page
    assert "Pickup day" in page and "Show your pickup code" in page
    listing = plain(mei.get("/orders"))
    assert "Pickup: no shipping" in listing and cf.POINT["name"] in listing
    shop = Browser(world["app"], "teashop", signup=False)
    page = plain(shop.get(f"/orders/{order['id']}"))
    assert "An order for pickup: it goes to" in page and "See the batches" in page
    assert "courier" not in page
    assert order["pickup"]["code"] not in page
    listing = plain(shop.get("/merchant/orders"))
    assert "Pickup" in listing and f"{cf.POINT['name']} #1" in listing
