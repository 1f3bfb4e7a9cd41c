"""A shop (teashop) with five buyers whose orders are written straight into the
database (mei the best, then lin, zhou, wang and chen; chen's only order was
cancelled, so chen is no customer), and another shop (potshop) with its own buyer
(ann), each with a bearer token."""

import datetime

import pytest

from livestall.accounts.models import User
from livestall.db.base import utcnow
from tests.customers.data import order
from tests.plugins.app import read_db

BUYERS = ("mei", "lin", "zhou", "wang", "chen")


@pytest.fixture
def shop(api):
    w = {"api": api}
    w["shop"] = api.user("teashop", role="merchant")
    w["other"] = api.user("potshop", role="merchant")
    for name in (*BUYERS, "ann"):
        w[name] = api.user(name)
    ids = read_db(lambda: {u.username: u.id for u in User.select()})
    w["ids"] = ids
    now = utcnow()

    def days(n):
        return now - datetime.timedelta(days=n)

    def write():
        shop_id = ids["teashop"]
        for n in range(5):
            order(ids["mei"], shop_id, 20000, days(1 + n * 20))
        order(ids["lin"], shop_id, 8000, days(3))
        order(ids["lin"], shop_id, 8000, days(200), status="pending_payment")
        order(ids["zhou"], shop_id, 30000, days(300))
        order(ids["wang"], shop_id, 1000, days(400), shipping=800)
        order(ids["chen"], shop_id, 9000, days(2), status="cancelled")
        order(ids["ann"], ids["potshop"], 5000, days(2))

    read_db(write)
    return w
