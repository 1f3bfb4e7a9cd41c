"""Shop membership (会员) by the API: a shop's programme (`configure`), joining
(`join`), member prices on products (`member_price`), and moving a membership's
end (`set_ends`). `world` is the orders world (teashop's tea and cup, mei) with
tea at a member price of ¥148 and a programme of a free plan and a paid one."""

import datetime

from livestall.db.base import utcnow
from livestall.membership.models import Member, MemberPurchase
from tests.factories import orders
from tests.plugins.app import read_db

FREE = {"name": "入会有礼", "price_cents": 0}
GOLD = {"name": "金卡年卡", "price_cents": 9900, "days": 365, "trial_days": 7}


def configure(api, token, plans=(FREE, GOLD), enabled=True, **extra):
    return api.call(
        "PUT",
        "/api/v1/merchant/membership",
        token=token,
        json={"enabled": enabled, "plans": list(plans), **extra},
    )


def configured(api, token, plans=(FREE, GOLD), **extra):
    resp = configure(api, token, plans, **extra)
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()["membership"]


def join(api, token, merchant_id, plan_id, **body):
    return api.call(
        "POST",
        f"/api/v1/shops/{merchant_id}/membership",
        token=token,
        json={"plan_id": plan_id, **body},
    )


def member_price(api, merchant_token, product_id, cents):
    resp = api.call(
        "PATCH",
        f"/api/v1/products/{product_id}",
        token=merchant_token,
        json={"member_price_cents": cents},
    )
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


def mark_paid(api, merchant_token, purchase_id):
    return api.call(
        "POST",
        f"/api/v1/merchant/membership/purchases/{purchase_id}/paid",
        token=merchant_token,
    )


def member_row(user_id, merchant_id):
    return read_db(
        lambda: Member.get((Member.user == user_id) & (Member.merchant == merchant_id))
    )


def set_ends(user_id, merchant_id, **delta):
    ends = utcnow() + datetime.timedelta(**delta)
    read_db(
        lambda: (
            Member.update(ends_at=ends)
            .where((Member.user == user_id) & (Member.merchant == merchant_id))
            .execute()
        )
    )
    return ends


def age_purchase(purchase_id, **delta):
    at = utcnow() - datetime.timedelta(**delta)
    read_db(
        lambda: (
            MemberPurchase.update(created_at=at)
            .where(MemberPurchase.id == purchase_id)
            .execute()
        )
    )


def user_id(api, token):
    return api.call("GET", "/api/v1/me", token=token).get_json()["user"]["id"]


def world(api):
    found = orders.world(api, only=["tea", "cup"])
    found["merchant_id"] = user_id(api, found["merchant"])
    found["buyer_id"] = user_id(api, found["buyer"])
    member_price(api, found["merchant"], found["tea"], 14800)
    program = configured(api, found["merchant"])
    found["free"], found["gold"] = (p["id"] for p in program["plans"])
    return found
