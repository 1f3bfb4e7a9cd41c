"""Coupon rules by the API: what a merchant may create (every bad field a 400
naming it), when a coupon can be claimed, what a holder keeps when the merchant
ends it, "my coupons", the shop's coupons for a product, and who may see or touch
what (another merchant, guessed ids)."""

import datetime

import pytest

from blueprints.live.events import NS
from extensions import socketio
from livestall.live.models import LiveSession
from livestall.promotions.models import Coupon, RedPacket, UserCoupon
from tests.factories import promotions as promo
from tests.factories.promotions import at
from tests.plugins.app import read_db

PAST = datetime.datetime(2020, 1, 1)


@pytest.fixture
def world(orders_world):
    """teashop (tea ¥168, cup ¥89), potshop (pot ¥399) and mei."""
    return orders_world()


def err(resp):
    """(status, code, field) of a response."""
    body = resp.get_json() or {}
    error = body.get("error") if isinstance(body, dict) else None
    error = error or {}
    return resp.status_code, error.get("code"), error.get("field")


def set_coupon(coupon_id, **fields):
    read_db(lambda: Coupon.update(**fields).where(Coupon.id == coupon_id).execute())


def coupon_row(coupon_id):
    return read_db(lambda: Coupon.get_by_id(coupon_id))


def held_rows(coupon_id):
    return read_db(
        lambda: sorted(
            (uc.user_id, uc.nth)
            for uc in UserCoupon.select().where(UserCoupon.coupon == coupon_id)
        )
    )


def scheduled_live(api, product_ids, host="lily"):
    """A live not yet on (scheduled), hosted by a new creator: (id, host token)."""
    token = api.user(host, role="creator")
    resp = api.call(
        "POST",
        "/api/v1/live",
        token=token,
        json={"title": "明晚直播", "product_ids": product_ids},
    )
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()["session"]["id"], token


# --- creating -----------------------------------------------------------------------

LONG = "x" * 61
BAD_BODIES = [
    # (fields over coupon_body, the field the 400 names)
    ({"kind": None}, "kind"),
    ({"kind": "free_gift"}, "kind"),
    ({"kind": ["amount_off"]}, "kind"),
    ({"amount_off_cents": None}, "amount_off_cents"),
    ({"amount_off_cents": 0}, "amount_off_cents"),
    ({"amount_off_cents": -100}, "amount_off_cents"),
    ({"amount_off_cents": "2000"}, "amount_off_cents"),
    ({"amount_off_cents": 20.5}, "amount_off_cents"),
    ({"amount_off_cents": True}, "amount_off_cents"),
    ({"amount_off_cents": 10**12}, "amount_off_cents"),
    # 满减: the amount off must stay under the minimum spend
    ({"amount_off_cents": 10000, "min_spend_cents": 10000}, "amount_off_cents"),
    ({"amount_off_cents": 10001, "min_spend_cents": 10000}, "amount_off_cents"),
    ({"kind": "percent_off", "percent_off": None}, "percent_off"),
    ({"kind": "percent_off", "percent_off": 0}, "percent_off"),
    ({"kind": "percent_off", "percent_off": 96}, "percent_off"),
    ({"kind": "percent_off", "percent_off": 100}, "percent_off"),
    ({"kind": "percent_off", "percent_off": "10"}, "percent_off"),
    (
        {"kind": "percent_off", "percent_off": 10, "max_discount_cents": 0},
        "max_discount_cents",
    ),
    (
        {"kind": "percent_off", "percent_off": 10, "max_discount_cents": "5"},
        "max_discount_cents",
    ),
    ({"min_spend_cents": -1}, "min_spend_cents"),
    ({"min_spend_cents": "100"}, "min_spend_cents"),
    ({"product_ids": "1"}, "product_ids"),
    ({"product_ids": [0]}, "product_ids"),
    ({"product_ids": [True]}, "product_ids"),
    ({"product_ids": [1.5]}, "product_ids"),
    ({"product_ids": [2**53]}, "product_ids"),
    ({"product_ids": [999_999]}, "product_ids"),
    ({"product_ids": list(range(1, 102))}, "product_ids"),
    ({"total": None}, "total"),
    ({"total": 0}, "total"),
    ({"total": 1_000_001}, "total"),
    ({"total": "10"}, "total"),
    ({"per_user_limit": 0}, "per_user_limit"),
    ({"per_user_limit": 100}, "per_user_limit"),
    ({"per_user_limit": False}, "per_user_limit"),
    ({"claim_ends_at": None}, "claim_ends_at"),
    ({"claim_ends_at": "tomorrow"}, "claim_ends_at"),
    ({"claim_ends_at": "2026-13-45T00:00:00Z"}, "claim_ends_at"),
    ({"claim_ends_at": 1767225600}, "claim_ends_at"),
    ({"claim_ends_at": "2020-01-01T00:00:00Z"}, "claim_ends_at"),
    ({"claim_ends_at": "9999-12-31T23:59:59+14:00"}, "claim_ends_at"),
    ({"claim_ends_at": "0001-01-01T00:00:00-14:00"}, "claim_ends_at"),
    ({"claim_ends_at": "__AT__days=400"}, "claim_ends_at"),
    ({"claim_starts_at": "soon"}, "claim_starts_at"),
    ({"claim_starts_at": ["2030-01-01"]}, "claim_starts_at"),
    ({"claim_starts_at": "__AT__days=2"}, "claim_ends_at"),  # ends before it starts
    ({"valid_days": 0}, "valid_days"),
    ({"valid_days": 366}, "valid_days"),
    ({"valid_days": "7"}, "valid_days"),
    ({"valid_until": "2020-01-01T00:00:00Z"}, "valid_until"),
    ({"valid_until": "never"}, "valid_until"),
    ({"valid_until": "__AT__days=800"}, "valid_until"),
    ({"live_id": "1"}, "live_id"),
    ({"live_id": True}, "live_id"),
    ({"live_id": 1.0}, "live_id"),
    ({"live_id": 999_999}, "live_id"),
    ({"live_id": 2**53}, "live_id"),
    ({"live_id": 2**63}, "live_id"),
    ({"live_id": -1}, "live_id"),
    ({"drop": True}, "drop"),  # a drop needs a live
    ({"drop": "yes"}, "drop"),
    ({"allow_flash": "yes"}, "allow_flash"),
    ({"allow_flash": 1}, "allow_flash"),
    ({"title": LONG}, "title"),
    ({"title": 5}, "title"),
    ({"currency": "US"}, "currency"),
    ({"currency": 156}, "currency"),
]


def _resolved(fields):
    out = {}
    for key, value in fields.items():
        if isinstance(value, str) and value.startswith("__AT__"):
            unit, n = value[6:].split("=")
            value = at(**{unit: int(n)})
        out[key] = value
    return out


def test_every_bad_field_is_a_400_naming_it(world):
    """(One world for all the bodies: each is a request of its own.)"""
    api, shop = world["api"], world["merchant"]
    wrong = []
    for fields, field in BAD_BODIES:
        resp = promo.coupon(api, shop, **_resolved(fields))
        if err(resp)[0::2] != (400, field):
            wrong.append((fields, resp.status_code, resp.get_json()))
    assert wrong == []
    assert read_db(lambda: Coupon.select().count()) == 0


def test_another_merchants_products_and_lives_are_refused(world):
    api, shop, pot = world["api"], world["merchant"], world["pot"]
    resp = promo.coupon(api, shop, product_ids=[world["tea"], pot])
    assert err(resp)[0::2] == (400, "product_ids")
    # potshop's live (rose hosts it, featuring only the pot): not teashop's to use
    other_live, rose = promo.live_on(api, [pot], host="rose")
    resp = promo.coupon(api, shop, live_id=other_live)
    assert err(resp)[0::2] == (400, "live_id")
    assert promo.coupon(api, world["other"], live_id=other_live).status_code == 201
    # teashop's own live, once ended, takes no new coupon
    own_live, lily = promo.live_on(api, [world["tea"]])
    assert promo.coupon(api, shop, live_id=own_live).status_code == 201
    ended = api.call("POST", f"/api/v1/live/{own_live}/end", token=lily)
    assert ended.status_code == 200
    assert err(promo.coupon(api, shop, live_id=own_live))[0::2] == (400, "live_id")
    # red packets: the same rule
    r = promo.red_packet(api, shop, other_live)
    assert err(r)[0::2] == (400, "live_id")


def test_only_merchants_create_and_the_body_must_be_an_object(world):
    api, shop = world["api"], world["merchant"]
    assert err(promo.coupon(api, world["buyer"]))[0] == 403
    assert err(api.call("POST", "/api/v1/coupons", json=promo.coupon_body()))[0] == 401
    for body in ([promo.coupon_body()], "x", 5):
        resp = api.call("POST", "/api/v1/coupons", token=shop, json=body)
        assert resp.status_code == 400, (body, resp.get_json())
    resp = api.call(
        "POST", "/api/v1/coupons", token=shop, data="{", content_type="application/json"
    )
    assert resp.status_code == 400


def test_good_coupons_of_each_kind(world):
    api, shop, tea, cup = world["api"], world["merchant"], world["tea"], world["cup"]
    pct = promo.made_coupon(
        api,
        shop,
        kind="percent_off",
        amount_off_cents=None,
        percent_off=95,
        max_discount_cents=5000,
        min_spend_cents=0,
        product_ids=[cup, cup, tea],  # a repeated id counts once
    )
    assert (pct["kind"], pct["percent_off"], pct["max_discount_cents"]) == (
        "percent_off",
        95,
        5000,
    )
    assert pct["amount_off_cents"] is None and pct["product_ids"] == [cup, tea]
    assert pct["title"] == "95% off"
    one = promo.made_coupon(
        api, shop, kind="percent_off", percent_off=1, amount_off_cents=None
    )
    assert one["max_discount_cents"] is None  # no cap
    free = promo.made_coupon(api, shop, amount_off_cents=500, min_spend_cents=0)
    assert free["title"] == "¥5 off, no minimum"
    assert free["currency"] == "CNY" and free["claim_state"] == "claimable"
    later = promo.made_coupon(api, shop, claim_starts_at=at(hours=2))
    assert later["claim_state"] == "not_claimable"
    fixed = promo.made_coupon(api, shop, valid_until=at(days=30), valid_days=None)
    assert fixed["valid_days"] is None and fixed["valid_until"]
    named = promo.made_coupon(api, shop, title="  开业大促  ")
    assert named["title"] == "开业大促"


RED_PACKET_BAD = [
    ({"count": 0}, "count"),
    ({"count": 10_001}, "count"),
    ({"total_cents": 4, "count": 5}, "total_cents"),  # a cent a packet at least
    ({"total_cents": "1000"}, "total_cents"),
    ({"split": "lucky"}, "split"),
    ({"min_spend_cents": -1}, "min_spend_cents"),
    ({"valid_days": 0}, "valid_days"),
    ({"grab_window_s": 5}, "grab_window_s"),
    ({"live_id": 999_999}, "live_id"),
    ({"live_id": None}, "live_id"),
    ({"live_id": 2**63}, "live_id"),
]


def test_red_packet_bad_fields_are_400s_naming_them(world):
    api, shop = world["api"], world["merchant"]
    sid, _ = promo.live_on(api, [world["tea"]])
    for fields, field in RED_PACKET_BAD:
        body = {"live_id": sid, "total_cents": 1000, "count": 5, **fields}
        resp = api.call("POST", "/api/v1/red-packets", token=shop, json=body)
        assert err(resp)[0::2] == (400, field), (fields, resp.get_json())
    assert read_db(lambda: RedPacket.select().count()) == 0
    assert err(promo.red_packet(api, world["buyer"], sid))[0] == 403


# --- claiming -----------------------------------------------------------------------


def test_claim_window_pause_and_end(world):
    api, shop, mei = world["api"], world["merchant"], world["buyer"]
    later = promo.made_coupon(api, shop, claim_starts_at=at(hours=1))
    assert err(promo.claim(api, mei, later["id"])) == (409, "not_claimable", None)
    set_coupon(later["id"], claim_starts_at=PAST)  # the window opens
    promo.claimed(api, mei, later["id"])

    over = promo.made_coupon(api, shop)
    set_coupon(over["id"], claim_starts_at=PAST, claim_ends_at=PAST.replace(day=2))
    assert err(promo.claim(api, mei, over["id"])) == (409, "not_claimable", None)

    c = promo.made_coupon(api, shop, per_user_limit=3)
    paused = api.call("POST", f"/api/v1/coupons/{c['id']}/pause", token=shop)
    assert paused.get_json()["coupon"]["status"] == "paused"
    assert err(promo.claim(api, mei, c["id"])) == (409, "not_claimable", None)
    resumed = api.call("POST", f"/api/v1/coupons/{c['id']}/resume", token=shop)
    assert resumed.get_json()["coupon"]["status"] == "active"
    promo.claimed(api, mei, c["id"])
    ended = api.call("POST", f"/api/v1/coupons/{c['id']}/end", token=shop)
    assert ended.get_json()["coupon"]["status"] == "ended"
    assert err(promo.claim(api, mei, c["id"])) == (409, "not_claimable", None)
    again = api.call("POST", f"/api/v1/coupons/{c['id']}/resume", token=shop)
    assert err(again) == (409, "coupon_ended", None)
    assert coupon_row(c["id"]).claimed == 1  # refused claims took nothing
    assert coupon_row(later["id"]).claimed == 1 and coupon_row(over["id"]).claimed == 0


def test_own_shop_and_anonymous_claims_are_refused(world):
    api, shop = world["api"], world["merchant"]
    c = promo.made_coupon(api, shop)
    assert err(promo.claim(api, shop, c["id"])) == (409, "not_claimable", None)
    assert err(promo.claim(api, None, c["id"]))[0] == 401
    assert coupon_row(c["id"]).claimed == 0


def test_per_person_limit_and_sold_out(world):
    api, shop, mei = world["api"], world["merchant"], world["buyer"]
    c = promo.made_coupon(api, shop, per_user_limit=3, total=5)
    got = [promo.claimed(api, mei, c["id"]) for _ in range(3)]
    assert len({uc["id"] for uc in got}) == 3
    assert err(promo.claim(api, mei, c["id"])) == (409, "limit_reached", None)
    ann, bob, cat = (api.user(n) for n in ("ann", "bob", "cat"))
    promo.claimed(api, ann, c["id"])
    promo.claimed(api, bob, c["id"])
    assert err(promo.claim(api, cat, c["id"])) == (409, "sold_out", None)
    row = coupon_row(c["id"])
    assert (row.claimed, row.total) == (5, 5)
    assert [n for _, n in held_rows(c["id"])] == [1, 2, 3, 1, 1]
    seen = api.call("GET", f"/api/v1/coupons/{c['id']}", token=mei).get_json()
    assert seen["coupon"]["held"] == 3 and seen["coupon"]["left"] == 0
    assert seen["coupon"]["claim_state"] == "sold_out"


def test_a_live_coupon_only_while_that_live_is_on(world, app):
    api, shop, mei = world["api"], world["merchant"], world["buyer"]
    sid, lily = scheduled_live(api, [world["tea"]])
    c = promo.made_coupon(api, shop, live_id=sid, per_user_limit=2)
    assert c["live_id"] == sid
    assert err(promo.claim(api, mei, c["id"])) == (409, "not_claimable", None)
    listed = api.call("GET", f"/api/v1/shops/{c['merchant_id']}/coupons").get_json()
    assert c["id"] not in [x["id"] for x in listed["items"]]
    assert api.call("POST", f"/api/v1/live/{sid}/start", token=lily).status_code == 200
    promo.claimed(api, mei, c["id"])
    in_live = api.call(
        "GET", f"/api/v1/shops/{c['merchant_id']}/coupons?live_id={sid}"
    ).get_json()
    assert c["id"] in [x["id"] for x in in_live["items"]]
    # not through the shop page without the live
    listed = api.call("GET", f"/api/v1/shops/{c['merchant_id']}/coupons").get_json()
    assert c["id"] not in [x["id"] for x in listed["items"]]
    assert api.call("POST", f"/api/v1/live/{sid}/end", token=lily).status_code == 200
    assert err(promo.claim(api, mei, c["id"])) == (409, "not_claimable", None)
    assert coupon_row(c["id"]).claimed == 1


def test_a_drop_pending_coupon_waits_for_the_hosts_drop(world, app):
    api, shop, mei = world["api"], world["merchant"], world["buyer"]
    sid, lily = promo.live_on(api, [world["tea"]])
    c = promo.made_coupon(api, shop, live_id=sid, drop=True, total=3)
    assert err(promo.claim(api, mei, c["id"])) == (409, "not_claimable", None)
    in_live = api.call(
        "GET", f"/api/v1/shops/{c['merchant_id']}/coupons?live_id={sid}"
    ).get_json()
    assert c["id"] not in [x["id"] for x in in_live["items"]]
    viewer = socketio.test_client(app, namespace=NS, auth={"token": mei})
    host = socketio.test_client(app, namespace=NS, auth={"token": lily})
    try:
        ack = viewer.emit(
            "drop_coupon",
            {"session_id": sid, "coupon_id": c["id"], "window_s": 60},
            namespace=NS,
            callback=True,
        )
        assert ack["ok"] is False and ack["error"]["code"] == "forbidden", ack
        ack = viewer.emit(
            "claim_coupon", {"coupon_id": c["id"]}, namespace=NS, callback=True
        )
        assert (ack["ok"], ack["error"]["code"]) == (False, "not_claimable")
        ack = host.emit(
            "drop_coupon",
            {"session_id": sid, "coupon_id": c["id"], "window_s": 60},
            namespace=NS,
            callback=True,
        )
        assert ack["ok"], ack
        row = coupon_row(c["id"])
        assert not row.drop_pending
        assert (row.claim_ends_at - row.claim_starts_at).total_seconds() == 60
        ack = viewer.emit(
            "claim_coupon", {"coupon_id": c["id"]}, namespace=NS, callback=True
        )
        assert ack["ok"] and ack["user_coupon"]["coupon_id"] == c["id"], ack
        ack = viewer.emit(
            "claim_coupon", {"coupon_id": c["id"]}, namespace=NS, callback=True
        )
        assert (ack["ok"], ack["error"]["code"]) == (False, "limit_reached")
    finally:
        viewer.disconnect(namespace=NS)
        host.disconnect(namespace=NS)
    # the drop's window over: no more claims
    set_coupon(c["id"], claim_ends_at=PAST)
    assert err(promo.claim(api, api.user("ann"), c["id"]))[:2] == (409, "not_claimable")
    assert coupon_row(c["id"]).claimed == 1


def test_held_coupons_keep_their_terms_after_the_merchant_ends_the_coupon(world):
    api, shop, mei, tea = world["api"], world["merchant"], world["buyer"], world["tea"]
    c = promo.made_coupon(api, shop, amount_off_cents=3000, min_spend_cents=15000)
    uc = promo.claimed(api, mei, c["id"])
    api.call("POST", f"/api/v1/coupons/{c['id']}/pause", token=shop)
    api.call("POST", f"/api/v1/coupons/{c['id']}/end", token=shop)
    # even edited under the holder's feet, the held copy is what counts
    set_coupon(c["id"], amount_off_cents=1, min_spend_cents=90000)
    mine = api.call("GET", "/api/v1/me/coupons", token=mei).get_json()
    assert [(m["id"], m["status"]) for m in mine] == [(uc["id"], "unused")]
    assert (mine[0]["amount_off_cents"], mine[0]["min_spend_cents"]) == (3000, 15000)
    assert mine[0]["valid_until"] == uc["valid_until"]
    r = promo.order_with(api, mei, [(tea, 1)], [uc["id"]])
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["order"]["discount_cents"] == 3000


# --- my coupons ---------------------------------------------------------------------


def test_my_coupons_and_their_statuses(world):
    api, shop, mei, tea = world["api"], world["merchant"], world["buyer"], world["tea"]
    a = promo.claimed(api, mei, promo.made_coupon(api, shop)["id"])
    b = promo.claimed(
        api,
        mei,
        promo.made_coupon(api, shop, amount_off_cents=500, min_spend_cents=0)["id"],
    )
    c = promo.claimed(
        api, mei, promo.made_coupon(api, world["other"], valid_days=1)["id"]
    )
    assert {a["status"], b["status"], c["status"]} == {"unused"}
    assert c["merchant_id"] != a["merchant_id"]
    assert promo.order_with(api, mei, [(tea, 1)], [a["id"]]).status_code == 201
    # c's end passes; no sweep ran: reading the list says expired all the same
    read_db(
        lambda: (
            UserCoupon.update(valid_until=PAST)
            .where(UserCoupon.id == c["id"])
            .execute()
        )
    )
    mine = api.call("GET", "/api/v1/me/coupons", token=mei).get_json()
    assert [(m["id"], m["status"]) for m in mine] == [
        (b["id"], "unused"),
        (a["id"], "used"),
        (c["id"], "expired"),
    ]
    used = mine[1]
    assert used["discount_cents"] == 2000 and used["order_id"]
    for status, ids in (("unused", [b]), ("used", [a]), ("expired", [c])):
        got = api.call("GET", f"/api/v1/me/coupons?status={status}", token=mei)
        assert [m["id"] for m in got.get_json()] == [x["id"] for x in ids]
    bad = api.call("GET", "/api/v1/me/coupons?status=lost", token=mei)
    assert err(bad)[0::2] == (400, "status")
    assert api.call("GET", "/api/v1/me/coupons").status_code == 401
    # nobody else sees mei's coupons
    assert api.call("GET", "/api/v1/me/coupons", token=api.user("ann")).get_json() == []


def test_shop_coupons_filter_by_product_scope(world):
    api, shop, tea, cup = world["api"], world["merchant"], world["tea"], world["cup"]
    whole = promo.made_coupon(api, shop)
    cups = promo.made_coupon(api, shop, product_ids=[cup], min_spend_cents=0)
    paused = promo.made_coupon(api, shop)
    api.call("POST", f"/api/v1/coupons/{paused['id']}/pause", token=shop)
    gone = promo.made_coupon(api, shop, total=1)
    promo.claimed(api, world["buyer"], gone["id"])
    promo.made_coupon(api, world["other"])  # another shop's
    mid = whole["merchant_id"]

    def listed(query=""):
        resp = api.call("GET", f"/api/v1/shops/{mid}/coupons{query}")
        assert resp.status_code == 200, resp.get_json()
        return [c["id"] for c in resp.get_json()["items"]]

    assert listed() == [cups["id"], whole["id"]]
    assert listed(f"?product_id={tea}") == [whole["id"]]
    assert listed(f"?product_id={cup}") == [cups["id"], whole["id"]]
    assert listed(f"?product_id={world['pot']}") == [whole["id"]]
    assert api.call("GET", f"/api/v1/shops/{mid}/coupons?product_id=x").status_code == (
        400
    )
    # held counts for a signed-in viewer
    mine = api.call(
        "GET", f"/api/v1/shops/{mid}/coupons", token=world["buyer"]
    ).get_json()
    assert {c["id"]: c["held"] for c in mine["items"]} == {
        cups["id"]: 0,
        whole["id"]: 0,
    }


# --- who may see and touch what -----------------------------------------------------


def test_another_merchant_cannot_manage_a_coupon(world):
    api, shop, other = world["api"], world["merchant"], world["other"]
    c = promo.made_coupon(api, shop)
    for action in ("pause", "resume", "end"):
        resp = api.call("POST", f"/api/v1/coupons/{c['id']}/{action}", token=other)
        assert err(resp)[:2] == (404, "not_found"), action
        resp = api.call(
            "POST", f"/api/v1/coupons/{c['id']}/{action}", token=world["buyer"]
        )
        assert err(resp)[0] == 403
    resp = api.call("GET", f"/api/v1/coupons/{c['id']}/stats", token=other)
    assert err(resp)[:2] == (404, "not_found")
    mine = api.call("GET", "/api/v1/merchant/coupons", token=other).get_json()
    assert mine["items"] == []
    assert coupon_row(c["id"]).status == "active"


def test_a_ready_red_packet_is_seen_only_by_those_running_it(world):
    api, shop, other, mei = (
        world["api"],
        world["merchant"],
        world["other"],
        world["buyer"],
    )
    sid, lily = promo.live_on(api, [world["tea"]])
    rp = promo.red_packet(api, shop, sid).get_json()["red_packet"]
    path = f"/api/v1/red-packets/{rp['id']}"
    for token in (other, mei, None):
        assert err(api.call("GET", path, token=token))[:2] == (404, "not_found")
        listed = api.call("GET", f"/api/v1/live/{sid}/red-packets", token=token)
        assert listed.status_code == 200 and listed.get_json()["items"] == []
    for token in (shop, lily):
        assert api.call("GET", path, token=token).status_code == 200
        listed = api.call("GET", f"/api/v1/live/{sid}/red-packets", token=token)
        assert [p["id"] for p in listed.get_json()["items"]] == [rp["id"]]
    # neither another merchant nor a viewer may open it
    for token in (other, mei):
        assert err(api.call("POST", path + "/open", token=token))[0] == 404
    assert read_db(lambda: RedPacket.get_by_id(rp["id"]).status) == "ready"
    assert api.call("POST", path + "/open", token=lily).status_code == 200
    seen = api.call("GET", path, token=mei).get_json()["red_packet"]
    assert seen["status"] == "open" and seen["count_left"] == 5
    assert seen.get("mine_cents") is None
    again = api.call("POST", path + "/open", token=shop)
    assert err(again)[:2] == (409, "already_open")


@pytest.mark.parametrize("bad_id", [999_999, 2**53, 2**63])
def test_guessed_ids_are_404s(world, bad_id):
    api, shop, mei = world["api"], world["merchant"], world["buyer"]
    for method, path, token in (
        ("GET", f"/api/v1/coupons/{bad_id}", mei),
        ("POST", f"/api/v1/coupons/{bad_id}/claim", mei),
        ("POST", f"/api/v1/coupons/{bad_id}/pause", shop),
        ("GET", f"/api/v1/coupons/{bad_id}/stats", shop),
        ("GET", f"/api/v1/red-packets/{bad_id}", mei),
        ("POST", f"/api/v1/red-packets/{bad_id}/open", shop),
        ("POST", f"/api/v1/red-packets/{bad_id}/grab", mei),
        ("GET", f"/api/v1/live/{bad_id}/red-packets", mei),
    ):
        resp = api.call(method, path, token=token)
        assert resp.status_code == 404, (path, resp.get_json())
        assert resp.get_json()["error"]["code"] == "not_found"


def test_a_suspended_shops_coupons_are_gone_to_strangers(world):
    """A coupon of a shop that stopped selling reads as no coupon (404), and the
    shop lists none."""
    from livestall.accounts.models import User

    api, shop, mei = world["api"], world["merchant"], world["buyer"]
    c = promo.made_coupon(api, shop)
    mid = c["merchant_id"]
    read_db(lambda: User.update(status="suspended").where(User.id == mid).execute())
    assert read_db(lambda: User.get_by_id(mid).status) == "suspended"
    assert err(api.call("GET", f"/api/v1/coupons/{c['id']}", token=mei))[0] == 404
    assert err(promo.claim(api, mei, c["id"]))[0] == 404
    listed = api.call("GET", f"/api/v1/shops/{mid}/coupons").get_json()
    assert listed["items"] == []
    assert coupon_row(c["id"]).claimed == 0


def test_live_session_rows_are_what_the_factories_say(world):
    """(The helpers above rely on it: `live_on` is on air, `scheduled_live` not.)"""
    api = world["api"]
    on, _ = promo.live_on(api, [world["tea"]])
    later, _ = scheduled_live(api, [world["tea"]], host="rose")
    assert read_db(lambda: LiveSession.get_by_id(on).status) == "live"
    assert read_db(lambda: LiveSession.get_by_id(later).status) == "scheduled"
