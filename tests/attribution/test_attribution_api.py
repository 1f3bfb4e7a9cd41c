"""The attribution API (docs/API.md, "Attribution") and the dashboard's CSV.

Built on the scripted journey of tests/attribution/test_attribution.py: mei reads
creator A's post tagging the tea (3 days before), follows creator B's share link to it
(2 days before), watches creator C's live featuring it (1 day before), then buys one tea
for ¥100.00 with a 10% commission.
"""

import csv
import datetime
import io

import pytest

from livestall.accounts import rules as accounts
from livestall.attribution.models import AttributionCredit
from livestall.content.models import Post
from tests.factories.attribution import buy
from tests.plugins.app import PASSWORD, read_db

URL = "/api/v1/merchant/attribution"


def token(api, username):
    resp = api.call(
        "POST", "/api/v1/tokens", json={"login": username, "password": PASSWORD}
    )
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()["token"]


def get(api, username, url=URL, **params):
    return api.call("GET", url, token=token(api, username), query_string=params)


def by_label(rows):
    return {r["label"]: r["revenue_cents"] for r in rows}


def test_stored_result_under_the_merchants_model(api, journey):
    buy(journey, "last_touch")
    resp = get(api, "teashop")
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["model"] == body["stored_model"] == "last_touch"
    assert body["what_if"] is False
    assert body["window_days"] == 7
    assert body["group_by"] == "creator"
    c = journey["users"]["creator_c"]
    assert body["rows"] == [
        {
            "key": c.id,
            "label": "creator_c",
            "orders": 1,
            "units": 1.0,
            "revenue_cents": 10000,
            "commission_cents": 1000,
        }
    ]
    assert body["totals"] == {
        "orders": 1,
        "units": 1.0,
        "revenue_cents": 10000,
        "commission_cents": 1000,
    }
    # by live session: the live; by post: nothing was credited to a post
    live = get(api, "teashop", group_by="live").get_json()["rows"]
    assert [(r["key"], r["revenue_cents"]) for r in live] == [
        (journey["live"].id, 10000)
    ]
    post = get(api, "teashop", group_by="post").get_json()["rows"]
    assert [(r["key"], r["label"], r["revenue_cents"]) for r in post] == [
        (None, None, 10000)
    ]


def test_what_if_recomputes_without_writing(api, journey):
    order = buy(journey, "last_touch")
    before = read_db(
        lambda: list(
            AttributionCredit.select()
            .where(AttributionCredit.order_id == order.id)
            .dicts()
        )
    )
    body = get(api, "teashop", model="linear").get_json()
    assert body["model"] == "linear"
    assert body["stored_model"] == "last_touch"
    assert body["what_if"] is True
    # A's post and C's live; B's share visit carries no creator (key null)
    assert by_label(body["rows"]) == {"creator_c": 3334, "creator_a": 3333, None: 3333}
    assert body["totals"]["revenue_cents"] == 10000
    # commissions: 10% of every share that has an earner (B earns as the sharer)
    assert body["totals"]["commission_cents"] == 333 + 333 + 333
    shares = get(api, "teashop", model="linear", group_by="share_link").get_json()
    assert by_label(shares["rows"]) == {None: 6667, "creator_b": 3333}
    posts = get(api, "teashop", model="position_based", group_by="post").get_json()
    assert [(r["key"], r["revenue_cents"]) for r in posts["rows"]] == [
        (None, 6000),
        (journey["post"].id, 4000),
    ]
    assert posts["rows"][1]["label"] == "好茶"
    after = read_db(
        lambda: list(
            AttributionCredit.select()
            .where(AttributionCredit.order_id == order.id)
            .dicts()
        )
    )
    assert after == before  # nothing stored changed
    # asking for the stored model by name is the stored result, not a what-if
    same = get(api, "teashop", model="last_touch").get_json()
    assert same["what_if"] is False
    assert by_label(same["rows"]) == {"creator_c": 10000}


def test_periods_are_dates_and_to_is_inclusive(api, journey):
    buy(journey, "last_touch")
    today = datetime.datetime.now(datetime.UTC).date()
    yesterday = today - datetime.timedelta(days=1)
    body = get(api, "teashop", **{"from": str(today), "to": str(today)}).get_json()
    assert body["totals"]["orders"] == 1 and body["from"] == body["to"] == str(today)
    body = get(api, "teashop", to=str(yesterday)).get_json()
    assert body["rows"] == [] and body["totals"]["orders"] == 0
    assert body["from"] == str(yesterday - datetime.timedelta(days=29))
    body = get(api, "teashop", **{"from": str(today + datetime.timedelta(days=1))})
    assert body.status_code == 400  # from after the default `to` (today)


@pytest.mark.parametrize(
    ("params", "field", "code"),
    [
        ({"from": "2024-13-01"}, "from", "invalid_date"),
        ({"from": "2024-02-30"}, "from", "invalid_date"),
        ({"to": "20240101"}, "to", "invalid_date"),
        ({"to": "2024-1-1"}, "to", "invalid_date"),
        ({"to": "yesterday"}, "to", "invalid_date"),
        ({"to": "0001-01-01"}, "to", "invalid_date"),
        ({"to": "9999-12-31"}, "to", "invalid_date"),
        ({"to": "٢٠٢٤-٠١-٠١"}, "to", "invalid_date"),  # Arabic-Indic digits
        ({"from": "2024-03-02", "to": "2024-03-01"}, "from", "invalid_period"),
        ({"from": "2023-01-01", "to": "2024-03-01"}, "from", "invalid_period"),
        ({"model": "last_click"}, "model", "invalid_model"),
        ({"group_by": "product"}, "group_by", "invalid_group_by"),
    ],
)
def test_bad_parameters_are_400_with_a_clear_message(api, journey, params, field, code):
    resp = get(api, "teashop", **params)
    assert resp.status_code == 400
    error = resp.get_json()["error"]
    assert error["code"] == code
    assert error.get("field") == field
    assert error["message"]


def test_who_may_call_the_merchant_api(api, journey):
    buy(journey, "last_touch")
    assert api.call("GET", URL).status_code == 401
    assert get(api, "mei").status_code == 403
    assert get(api, "creator_a").status_code == 403
    assert get(api, "teashop").status_code == 200


def test_an_admin_sees_only_their_own_ids_data(api, journey):
    buy(journey, "last_touch")
    read_db(lambda: accounts.set_roles(journey["users"]["creator_b"], ["admin"]))
    body = get(api, "creator_b").get_json()
    assert body["rows"] == [] and body["totals"]["orders"] == 0
    assert body["model"] == "last_touch"


def test_creator_earnings(api, journey):
    order = buy(journey, "linear")
    body = get(api, "creator_c", "/api/v1/creator/earnings").get_json()
    assert body["balances"] == {
        "pending_cents": 333,
        "payable_cents": 0,
        "reversed_cents": 0,
    }
    assert body["total"] == 1 and body["page"] == 1
    (item,) = body["items"]
    assert set(item) == {
        "id",
        "order_id",
        "state",
        "kind",
        "amount_cents",
        "created_at",
    }
    assert (item["order_id"], item["state"], item["kind"], item["amount_cents"]) == (
        order.id,
        "pending",
        "accrual",
        333,
    )
    assert body["by_post"] == []
    assert body["by_live"] == [
        {
            "live_id": journey["live"].id,
            "label": "直播",
            "orders": 1,
            "revenue_cents": 3334,
            "commission_cents": 333,
        }
    ]
    a = get(api, "creator_a", "/api/v1/creator/earnings").get_json()
    assert a["by_post"][0]["post_id"] == journey["post"].id
    assert a["by_post"][0]["commission_cents"] == 333
    assert a["by_live"] == []


def test_the_ledger_is_newest_first_and_paginated(api, journey):
    from livestall.orders import lifecycle as orders

    order = buy(journey, "last_touch")
    merchant = journey["merchant"]
    for status in ("shipped", "delivered"):
        read_db(
            lambda s=status: orders.move(
                merchant, orders.visible_order(merchant, order.id), s, "SF1234567"
            )
        )
    body = get(api, "creator_c", "/api/v1/creator/earnings", per_page=2).get_json()
    assert body["total"] == 3 and len(body["items"]) == 2
    assert [i["kind"] for i in body["items"]] == ["release", "release"]
    assert body["balances"]["payable_cents"] == 1000
    rest = get(
        api, "creator_c", "/api/v1/creator/earnings", per_page=2, page=2
    ).get_json()
    assert [i["kind"] for i in rest["items"]] == ["accrual"]
    bad = get(api, "creator_c", "/api/v1/creator/earnings", per_page=0)
    assert bad.status_code == 400


def test_who_may_call_the_creator_api(api, journey):
    url = "/api/v1/creator/earnings"
    assert api.call("GET", url).status_code == 401
    assert get(api, "mei", url).status_code == 403
    assert get(api, "teashop", url).status_code == 403


# --- the dashboard's CSV --------------------------------------------------------------


def rows_of(resp):
    text = resp.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_csv_of_the_rows_and_the_what_if(client, auth, journey):
    buy(journey, "last_touch")
    auth.login("teashop")
    resp = client.get("/merchant/attribution.csv?table=rows")
    assert resp.status_code == 200
    assert resp.mimetype == "text/csv"
    assert "attachment" in resp.headers["Content-Disposition"]
    table = rows_of(resp)
    assert table[0] == [
        "creator",
        "label",
        "views",
        "clicks",
        "orders",
        "units",
        "revenue_last_touch",
        "commission",
    ]
    c = journey["users"]["creator_c"]
    assert table[1] == [str(c.id), "creator_c", "1", "0", "1", "1.0", "100.00", "10.00"]
    what_if = rows_of(client.get("/merchant/attribution.csv?model=linear"))
    assert what_if[0][-2:] == ["revenue_linear", "difference"]
    c_row = next(r for r in what_if if r[1] == "creator_c")
    assert c_row[6:] == ["100.00", "10.00", "33.34", "-66.66"]
    daily = rows_of(client.get("/merchant/attribution.csv?table=daily"))
    assert daily[0] == ["date", "attributed", "direct", "total"]
    assert len(daily) == 31  # every day of the default 30
    assert daily[-1][1:] == ["100.00", "0.00", "100.00"]


def test_csv_cells_never_run_as_formulas(client, auth, journey):
    post_id = journey["post"].id
    read_db(
        lambda: (
            Post.update(body='=HYPERLINK("http://evil.example","x")')
            .where(Post.id == post_id)
            .execute()
        )
    )
    buy(journey, "first_touch")
    auth.login("teashop")
    table = rows_of(client.get("/merchant/attribution.csv?group_by=post"))
    assert table[1][1].startswith("'=HYPERLINK")


def test_csv_bad_input_is_400(client, auth, journey):
    auth.login("teashop")
    assert client.get("/merchant/attribution.csv?table=orders").status_code == 400
    resp = client.get("/merchant/attribution.csv?from=2024-02-30")
    assert resp.status_code == 400
    assert "not a date" in resp.get_data(as_text=True)
