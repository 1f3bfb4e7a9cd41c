"""Community group buying (社区团购) by the API: leaders (`apply`, `approved_leader`),
campaigns (`campaign_body`, `made_campaign`), orders for pickup (`order`),
moving a campaign past its cut-off (`pass_cutoff`) and reading the ledger. `world`
is the orders world (teashop's tea and cup, mei) with an approved leader (auntie_li)
and a campaign of both products, as the `community_world` fixture."""

import datetime
import itertools

from livestall.accounts import rules as accounts
from livestall.accounts.models import User
from livestall.community.models import CommunityBuy, LeaderEntry, PickupOrder
from livestall.db.base import utcnow
from tests.factories import orders
from tests.plugins.app import read_db

_KEYS = itertools.count(1)
POINT = {
    "name": "翠苑一区 3 号楼便利店",
    "address": "杭州市西湖区翠苑一区 3 幢 101",
    "hours": "08:00-21:00",
    "phone": "0571 8888 0001",
}


def key(prefix="pickup"):
    return f"{prefix}-{next(_KEYS):06d}"


def later(**delta):
    return datetime.datetime.now(datetime.UTC) + datetime.timedelta(**delta)


def admin(api, name="boss"):
    token = api.user(name)
    read_db(lambda: accounts.set_roles(User.get(User.username == name), ["admin"]))
    return token


def apply(api, token, **point):
    return api.call(
        "POST",
        "/api/v1/leaders",
        token=token,
        json={"pickup_point": {**POINT, **point}},
    )


def decide(api, admin_token, leader_id, action, reason=""):
    return api.call(
        "POST",
        f"/api/v1/admin/leaders/{leader_id}/{action}",
        token=admin_token,
        json={"reason": reason},
    )


def approved_leader(api, admin_token, username, **point):
    """(token, leader dict) of a new approved leader."""
    token = api.user(username)
    resp = apply(api, token, **point)
    assert resp.status_code == 201, resp.get_json()
    leader = resp.get_json()["leader"]
    resp = decide(api, admin_token, leader["id"], "approve")
    assert resp.status_code == 200, resp.get_json()
    return token, resp.get_json()["leader"]


def campaign_body(products, **fields):
    body = {
        "title": "明早到：龙井新茶",
        "items": products,
        "cutoff_at": later(hours=2).isoformat(),
        "pickup_on": later(days=1).date().isoformat(),
        "leader_commission_bps": 1000,
        **fields,
    }
    return {k: v for k, v in body.items() if v is not None}


def made_campaign(api, merchant, items, **fields):
    resp = api.call(
        "POST",
        "/api/v1/community-buys",
        token=merchant,
        json=campaign_body(items, **fields),
    )
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()["community_buy"]


def order(api, token, campaign_id, leader_id, items, idempotency_key=None, **extra):
    return api.call(
        "POST",
        "/api/v1/orders",
        token=token,
        json={
            "community_buy_id": campaign_id,
            "leader_id": leader_id,
            "items": items,
            "idempotency_key": idempotency_key or key(),
            "payment_method": "cod",
            **extra,
        },
    )


def pass_cutoff(campaign_id, seconds=1):
    past = utcnow() - datetime.timedelta(seconds=seconds)
    read_db(
        lambda: (
            CommunityBuy.update(cutoff_at=past)
            .where(CommunityBuy.id == campaign_id)
            .execute()
        )
    )


def ledger_total(leader_id):
    return read_db(
        lambda: sum(
            e.amount_cents
            for e in LeaderEntry.select().where(LeaderEntry.leader == leader_id)
        )
    )


def pickup_row(order_id):
    return read_db(lambda: PickupOrder.get(PickupOrder.order == order_id))


def world(api):
    found = orders.world(api, only=["tea", "cup"])
    found["admin"] = admin(api)
    found["leader_token"], found["leader"] = approved_leader(
        api, found["admin"], "auntie_li"
    )
    found["campaign"] = made_campaign(
        api,
        found["merchant"],
        [
            {"product_id": found["tea"], "price_cents": 12800},
            {"product_id": found["cup"], "price_cents": 6900},
        ],
    )
    return found
