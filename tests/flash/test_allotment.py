"""Grabs in batches with the sale's row locked once (flash.allotment, the
PostgreSQL hot path; the suite runs it on SQLite and again on PostgreSQL): the same
answers as one grab at a time, in arrival order, with the books kept."""

import datetime

import pytest

from livestall.accounts.models import User
from livestall.attribution.models import Touchpoint
from livestall.db.base import utcnow
from livestall.errors import (
    Invalid,
    LimitReached,
    NotFound,
    OutOfStock,
    SaleEnded,
)
from livestall.flash import allotment, grabs
from livestall.flash.models import FlashBuyer, FlashSale, Reservation
from livestall.flash.sales import SaleNotStarted
from tests.plugins.app import read_db


@pytest.fixture
def sale(flash_world):
    world = flash_world()
    resp = world["api"].call(
        "POST",
        f"/api/v1/live/{world['sid']}/flash-sales",
        token=world["host"],
        json={
            "product_id": world["catalog"]["tea"]["id"],
            "price_cents": 9900,
            "quantity": 7,
            "per_user_limit": 3,
            "duration_s": 120,
        },
    )
    assert resp.status_code == 201, resp.get_json()
    ids = [
        read_db(lambda n=name: User.get(User.username == n).id)
        for name in _buyers(world["api"], 5)
    ]
    return {"id": resp.get_json()["flash_sale"]["id"], "buyers": ids, **world}


def _buyers(api, n):
    names = [f"buyer{i}" for i in range(n)]
    for name in names:
        api.user(name)
    return names


def _run(requests, **kw):
    return read_db(lambda: allotment.grab_batch(requests, hold_s=300, **kw))


def _touch(user_id):
    return {"visitor_id": f"user:{user_id}", "creator_id": 1, "live_session_id": 1}


def test_a_batch_allots_in_arrival_order_within_limits_and_stock(sale):
    a, b, c, d, _ = sale["buyers"]
    sid = sale["id"]
    out = _run(
        [
            (sid, a, 2, _touch(a)),
            (sid, b, 3, _touch(b)),
            (sid, c, 4, None),  # over the limit of 3
            (sid, d, 2, None),  # 2 left: takes them, the sale sells out
            (sid, c, 1, None),  # nothing left
            ("x", c, 1, None),  # not a sale id
            (sid, c, 0, None),  # not a quantity
        ]
    )
    granted = [r for r, e in out if e is None]
    assert [(r["qty"], left) for r, left in granted] == [(2, 5), (3, 2), (2, 0)]
    errors = [type(e) for r, e in out if e is not None]
    assert errors == [LimitReached, OutOfStock, NotFound, Invalid]
    assert str(out[4][1].params) == "{'left': 0}"

    def books():
        s = FlashSale.get_by_id(sid)
        holds = {
            r.id: (r.user_id, r.qty, r.price_cents, r.status)
            for r in Reservation.select().where(Reservation.sale == sid)
        }
        counts = dict(
            FlashBuyer.select(FlashBuyer.user, FlashBuyer.qty)
            .where(FlashBuyer.sale == sid)
            .tuples()
        )
        touched = Touchpoint.select().where(Touchpoint.kind == "flash_grab").count()
        return s, holds, counts, touched

    s, holds, counts, touched = read_db(books)
    assert (s.remaining, s.held, s.sold) == (0, 7, 0)
    assert s.sold_out_at is not None
    # each answer carries its own hold's id
    for (reservation, _), who in zip(granted, (a, b, d), strict=True):
        assert holds[reservation["id"]] == (who, reservation["qty"], 9900, "held")
    assert counts == {a: 2, b: 3, d: 2}
    assert touched == 2


def test_counts_carry_over_between_batches_and_limits_hold(sale):
    a, b, *_ = sale["buyers"]
    sid = sale["id"]
    first = _run([(sid, a, 2, None)])
    assert first[0][1] is None
    second = _run([(sid, a, 2, None), (sid, b, 1, None), (sid, a, 1, None)])
    assert isinstance(second[0][1], LimitReached)  # 2 + 2 > 3
    assert second[1][1] is None and second[2][1] is None
    assert (
        read_db(
            lambda: (
                FlashBuyer.get((FlashBuyer.sale == sid) & (FlashBuyer.user == a)).qty
            )
        )
        == 3
    )
    # the one-at-a-time path agrees with the batch's counts
    with pytest.raises(LimitReached):
        read_db(lambda: grabs.grab(sid, User.get_by_id(a), 1, hold_s=300))


def test_a_sale_that_refuses_refuses_the_whole_batch_alike(sale):
    a, b, *_ = sale["buyers"]
    sid = sale["id"]
    later = utcnow() - datetime.timedelta(hours=1)
    out = _run([(sid, a, 1, None), (sid, b, 1, None)], now=later)
    assert [type(e) for _, e in out] == [SaleNotStarted, SaleNotStarted]
    read_db(
        lambda: (
            FlashSale.update(closed_at=utcnow()).where(FlashSale.id == sid).execute()
        )
    )
    out = _run([(sid, a, 1, None), (999_999, b, 1, None)])
    assert [type(e) for _, e in out] == [SaleEnded, NotFound]
    s = read_db(lambda: FlashSale.get_by_id(sid))
    assert (s.remaining, s.held) == (7, 0)
    assert read_db(lambda: Reservation.select().count()) == 0
