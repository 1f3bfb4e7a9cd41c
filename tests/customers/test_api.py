"""The customers API: the list (figures, search, sort, filters, pages), segments
and cohorts, tags (a merchant's own customers only), coupon sends (the total
respected, holders skipped, notifications, the used count) and who may call it."""

from livestall.customers.models import CouponSend, CouponSendRecipient
from livestall.notifications.models import Notification
from livestall.promotions.models import Coupon, UserCoupon
from tests.factories import promotions as pf
from tests.plugins.app import read_db

LIST = "/api/v1/merchant/customers"


def _get(w, path, who="shop"):
    resp = w["api"].call("GET", path, token=w[who])
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


def test_the_list_has_every_buyer_with_their_figures(shop):
    body = _get(shop, LIST)
    assert body["total"] == 4  # chen's only order was cancelled; ann is potshop's
    names = [c["username"] for c in body["items"]]
    assert names == ["mei", "zhou", "lin", "wang"]  # by spend
    mei = body["items"][0]
    assert mei["orders"] == 5 and mei["spend_cents"] == 100000
    assert mei["average_order_cents"] == 20000
    assert mei["recency_days"] == 1 and mei["segment"] == "champions"
    assert mei["member"] == "none" and mei["tags"] == []
    lin = body["items"][2]
    assert lin["orders"] == 2 and lin["spend_cents"] == 16000  # pending counts
    wang = body["items"][3]
    assert wang["spend_cents"] == 1000  # shipping is not spend
    assert wang["segment"] == "hibernating"


def test_search_sort_filters_and_pages(shop):
    assert [c["username"] for c in _get(shop, LIST + "?q=ZHO")["items"]] == ["zhou"]
    by_orders = _get(shop, LIST + "?sort=orders")["items"]
    assert [c["username"] for c in by_orders][:2] == ["mei", "lin"]
    latest = _get(shop, LIST + "?sort=last_order")["items"]
    assert [c["username"] for c in latest] == ["mei", "lin", "zhou", "wang"]
    newest = _get(shop, LIST + "?sort=first_order")["items"]
    assert [c["username"] for c in newest] == ["mei", "lin", "zhou", "wang"]
    page2 = _get(shop, LIST + "?per_page=3&page=2")
    assert page2["total"] == 4 and [c["username"] for c in page2["items"]] == ["wang"]
    champs = _get(shop, LIST + "?segment=champions")["items"]
    assert [c["username"] for c in champs] == ["mei"]
    assert _get(shop, LIST + "?member=active")["total"] == 0
    bad = shop["api"].call("GET", LIST + "?sort=name", token=shop["shop"])
    assert bad.status_code == 400
    bad = shop["api"].call("GET", LIST + "?segment=vip", token=shop["shop"])
    assert bad.status_code == 400


def test_tags_are_the_merchants_own_and_filter_the_list(shop):
    api, ids = shop["api"], shop["ids"]
    path = f"{LIST}/{ids['lin']}/tags"
    resp = api.call(
        "PUT", path, token=shop["shop"], json={"tags": ["VIP", " 老客 ", "VIP"]}
    )
    assert resp.status_code == 200 and resp.get_json()["tags"] == ["VIP", "老客"]
    assert [c["username"] for c in _get(shop, LIST + "?tag=VIP")["items"]] == ["lin"]
    assert _get(shop, LIST + "?q=lin")["items"][0]["tags"] == ["VIP", "老客"]
    too_long = api.call("PUT", path, token=shop["shop"], json={"tags": ["x" * 21]})
    assert too_long.status_code == 400
    assert (
        api.call("PUT", path, token=shop["shop"], json={"tags": 3}).status_code == 400
    )
    # another shop's buyer, a shopper who never bought, and a cancelled-only
    # buyer's tags: potshop cannot touch teashop's customer, nor teashop potshop's
    assert (
        api.call("PUT", path, token=shop["other"], json={"tags": []}).status_code == 404
    )
    ann = f"{LIST}/{ids['ann']}/tags"
    assert (
        api.call("PUT", ann, token=shop["shop"], json={"tags": []}).status_code == 404
    )
    assert (
        api.call("PUT", f"{LIST}/987654/tags", token=shop["shop"], json={}).status_code
        == 404
    )
    # the other shop sees only its own buyer
    assert [c["username"] for c in _get(shop, LIST, "other")["items"]] == ["ann"]
    # cleared
    assert (
        api.call("PUT", path, token=shop["shop"], json={"tags": []}).get_json()["tags"]
        == []
    )


def test_access(shop):
    api = shop["api"]
    assert api.call("GET", LIST).status_code == 401
    assert api.call("GET", LIST, token=shop["mei"]).status_code == 403
    assert api.call("GET", LIST + "/segments", token=shop["mei"]).status_code == 403
    sends = LIST + "/coupon-sends"
    assert api.call("POST", sends, token=shop["mei"], json={}).status_code == 403
    assert api.call("GET", sends).status_code == 401


def test_segments_and_cohorts(shop):
    body = _get(shop, LIST + "/segments")
    assert body["customers"] == 4 and body["revenue_cents"] == 147000
    assert body["repeat_customers"] == 2 and body["repeat_rate"] == 0.5
    by = {s["segment"]: s for s in body["segments"]}
    assert by["champions"]["customers"] == 1
    assert by["champions"]["revenue_cents"] == 100000
    assert sum(s["customers"] for s in body["segments"]) == 4
    assert body["members"]["revenue_cents"] == 0
    assert body["non_members"]["share"] == 1.0
    assert body["cohorts"] and all(
        c["retention"][0]["share"] == 1.0 for c in body["cohorts"]
    )
    assert sum(c["customers"] for c in body["cohorts"]) == 4


def test_a_coupon_send_respects_the_total_skips_holders_and_counts_uses(shop):
    api, ids = shop["api"], shop["ids"]
    coupon = pf.made_coupon(
        api, shop["shop"], total=2, min_spend_cents=0, amount_off_cents=500
    )
    pf.claimed(api, shop["zhou"], coupon["id"])  # zhou holds it already
    for name in ("mei", "zhou", "wang"):
        api.call(
            "PUT",
            f"{LIST}/{ids[name]}/tags",
            token=shop["shop"],
            json={"tags": ["茶友"]},
        )
    sends = LIST + "/coupon-sends"
    resp = api.call(
        "POST",
        sends,
        token=shop["shop"],
        json={"coupon_id": coupon["id"], "tag": "茶友"},
    )
    assert resp.status_code == 201, resp.get_json()
    sent = resp.get_json()["send"]
    # 3 tagged, zhou skipped; 1 coupon left of 2: mei (the bigger spender) gets it
    assert (sent["audience"], sent["already_held"], sent["sent"], sent["left_out"]) == (
        3,
        1,
        1,
        1,
    )

    def state():
        held = {
            u: n
            for u, n in UserCoupon.select(UserCoupon.user, UserCoupon.nth)
            .where(UserCoupon.coupon == coupon["id"])
            .tuples()
        }
        notes = [
            (n.user_id, n.data)
            for n in Notification.select().where(Notification.kind == "coupon_sent")
        ]
        return Coupon.get_by_id(coupon["id"]).claimed, held, notes

    claimed, held, notes = read_db(state)
    assert claimed == 2 and set(held) == {ids["zhou"], ids["mei"]}
    assert notes == [
        (
            ids["mei"],
            {
                "merchant_id": ids["teashop"],
                "coupon_id": coupon["id"],
                "title": "¥5 off, no minimum",
                "shop": "teashop",
            },
        )
    ]
    # mei uses it: the report counts it
    read_db(
        lambda: (
            UserCoupon.update(status="used")
            .where(
                (UserCoupon.coupon == coupon["id"]) & (UserCoupon.user == ids["mei"])
            )
            .execute()
        )
    )
    listed = _get(shop, sends)["items"]
    assert [(s["id"], s["sent"], s["used"]) for s in listed] == [(sent["id"], 1, 1)]
    # sold out now: a second send reaches nobody, and says so
    again = api.call(
        "POST",
        sends,
        token=shop["shop"],
        json={"coupon_id": coupon["id"], "segment": "champions"},
    )
    assert again.status_code == 201
    assert again.get_json()["send"]["sent"] == 0
    assert again.get_json()["send"]["already_held"] == 1  # mei holds it
    n = read_db(
        lambda: (CouponSend.select().count(), CouponSendRecipient.select().count())
    )
    assert n == (2, 1)


def test_a_send_to_a_segment_and_its_refusals(shop):
    api, ids = shop["api"], shop["ids"]
    coupon = pf.made_coupon(api, shop["shop"], total=100)
    sends = LIST + "/coupon-sends"
    resp = api.call(
        "POST",
        sends,
        token=shop["shop"],
        json={"coupon_id": coupon["id"], "segment": "hibernating"},
    )
    assert resp.status_code == 201
    assert resp.get_json()["send"]["sent"] == 1
    note = read_db(lambda: Notification.get(Notification.kind == "coupon_sent"))
    assert note.user_id == ids["wang"] and note.data["coupon_id"] == coupon["id"]
    bad = [
        ({}, 400),
        ({"coupon_id": coupon["id"]}, 400),
        ({"coupon_id": coupon["id"], "segment": "vip"}, 400),
        ({"coupon_id": coupon["id"], "segment": "champions", "tag": "x"}, 400),
        ({"coupon_id": coupon["id"], "tag": "nobody"}, 400),
    ]
    for body, status in bad:
        assert (
            api.call("POST", sends, token=shop["shop"], json=body).status_code == status
        ), body
    theirs = pf.made_coupon(api, shop["other"])
    resp = api.call(
        "POST",
        sends,
        token=shop["shop"],
        json={"coupon_id": theirs["id"], "segment": "champions"},
    )
    assert resp.status_code == 404
    api.call("POST", f"/api/v1/coupons/{coupon['id']}/end", token=shop["shop"])
    resp = api.call(
        "POST",
        sends,
        token=shop["shop"],
        json={"coupon_id": coupon["id"], "segment": "champions"},
    )
    assert resp.status_code == 409
    assert resp.get_json()["error"]["code"] == "coupon_not_sendable"
