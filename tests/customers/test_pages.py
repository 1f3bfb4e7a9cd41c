"""The customers pages: the list (figures, search, filters, a bad filter ignored),
tags edited in place (another shop's buyer a 404), the CSV, the segments page
(tiles, cohorts, the send form and its errors, past sends), the buyer's
notification, and who may open them."""

import csv
import io
import re

import pytest

from livestall.customers.models import CustomerTag
from tests.factories import promotions as pf
from tests.factories.orders import Browser
from tests.plugins.app import plain, read_db, text


@pytest.fixture
def pages(app, shop):
    shop["shop_b"] = Browser(app, "teashop", signup=False)
    shop["other_b"] = Browser(app, "potshop", signup=False)
    shop["mei_b"] = Browser(app, "mei", signup=False)
    shop["anon"] = Browser(app)
    return shop


def _flashes(resp):
    return " ".join(
        re.sub(r"<[^>]+>", "", m)
        for m in re.findall(r'<p class="flash flash-\w+">(.*?)</p>', text(resp), re.S)
    )


def test_the_list_shows_the_shops_buyers(pages):
    resp = pages["shop_b"].get("/merchant/customers")
    assert resp.status_code == 200
    page = plain(resp)
    assert "4 customers" in page
    for name in ("@mei", "@lin", "@zhou", "@wang"):
        assert name in page
    assert "@chen" not in page and "@ann" not in page
    assert "Champions" in page and "¥1,000.00" in page
    found = plain(pages["shop_b"].get("/merchant/customers?q=zho"))
    assert "@zhou" in found and "@mei" not in found
    champs = plain(pages["shop_b"].get("/merchant/customers?segment=champions"))
    assert "@mei" in champs and "@lin" not in champs
    # a filter that is not one is dropped, not an error
    assert (
        pages["shop_b"].get("/merchant/customers?sort=x&segment=y").status_code == 200
    )
    assert "@ann" in plain(pages["other_b"].get("/merchant/customers"))


def test_who_may_open_the_pages(pages):
    for path in (
        "/merchant/customers",
        "/merchant/customers/segments",
        "/merchant/customers.csv",
    ):
        assert pages["mei_b"].get(path).status_code == 403
        resp = pages["anon"].get(path)
        assert resp.status_code == 302 and "/login" in resp.location


def test_tags_are_edited_in_place(pages):
    ids = pages["ids"]
    path = f"/merchant/customers/{ids['lin']}/tags"
    resp = pages["shop_b"].post(
        path, {"tags": "VIP, 老客，VIP", "next": "/merchant/customers?q=lin"}
    )
    assert resp.status_code == 302
    assert resp.location.endswith(f"/merchant/customers?q=lin#customer-{ids['lin']}")
    tags = read_db(lambda: sorted(t.tag for t in CustomerTag.select()))
    assert tags == ["VIP", "老客"]
    listed = pages["shop_b"].get("/merchant/customers?tag=VIP")
    assert 'value="VIP, 老客"' in text(listed) and "@lin" in plain(listed)
    bad = pages["shop_b"].post(path, {"tags": "x" * 21}, follow_redirects=True)
    assert "at most 20 characters" in _flashes(bad)
    assert pages["other_b"].post(path, {"tags": "mine"}).status_code == 404
    ann = f"/merchant/customers/{ids['ann']}/tags"
    assert pages["shop_b"].post(ann, {"tags": "x"}).status_code == 404
    # an outside `next` is not followed
    resp = pages["shop_b"].post(path, {"tags": "VIP", "next": "https://evil.example/"})
    assert resp.location.split("#")[0].endswith("/merchant/customers")


def test_the_csv(pages):
    read_db(
        lambda: CustomerTag.create(
            merchant=pages["ids"]["teashop"], user=pages["ids"]["mei"], tag="=SUM(A1)"
        )
    )
    resp = pages["shop_b"].get("/merchant/customers.csv?segment=champions")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    body = resp.get_data(as_text=True)
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body[1:])))
    assert rows[0][:4] == ["Username", "Display name", "Orders", "Spend"]
    assert len(rows) == 2
    mei = rows[1]
    assert mei[:5] == ["mei", "mei", "5", "1000.00", "200.00"]
    assert mei[11:13] == ["Champions", "Not a member"]
    assert mei[14] == "'=SUM(A1)"  # no formula
    whole = list(
        csv.reader(
            io.StringIO(
                pages["shop_b"]
                .get("/merchant/customers.csv")
                .get_data(as_text=True)[1:]
            )
        )
    )
    assert [r[0] for r in whole[1:]] == ["mei", "zhou", "lin", "wang"]


def test_the_segments_page_and_a_send(pages):
    coupon = pf.made_coupon(pages["api"], pages["shop"], total=5, title="老客回馈")
    resp = pages["shop_b"].get("/merchant/customers/segments")
    assert resp.status_code == 200
    page = plain(resp)
    assert "Champions" in page and "Hibernating" in page and "At risk" in page
    assert "Repeat-purchase rate" in page and "50.0%" in page
    assert "Monthly cohorts" in page and 'data-cohorts="' in text(resp)
    assert "老客回馈" in page
    empty = pages["shop_b"].post("/merchant/customers/segments", {})
    assert empty.status_code == 400
    assert "Choose a coupon." in plain(empty) and "Choose a segment or a tag." in plain(
        empty
    )
    nobody = pages["shop_b"].post(
        "/merchant/customers/segments",
        {"coupon_id": str(coupon["id"]), "audience": "tag:nobody"},
    )
    assert nobody.status_code == 400
    sent = pages["shop_b"].post(
        "/merchant/customers/segments",
        {"coupon_id": str(coupon["id"]), "audience": "segment:champions"},
        follow_redirects=True,
    )
    assert _flashes(sent) == "Sent to 1 customer."
    assert "老客回馈" in plain(sent) and "Coupons sent" in plain(sent)
    note = plain(pages["mei_b"].get("/notifications"))
    assert "teashop sent you a coupon: 老客回馈" in note
    assert "老客回馈" in plain(pages["mei_b"].get("/me/coupons"))


def test_the_pages_in_chinese(pages):
    pages["shop_b"].post("/language", {"lang": "zh"})
    page = plain(pages["shop_b"].get("/merchant/customers/segments"))
    assert "客户分群" in page
