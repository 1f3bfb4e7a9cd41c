"""The phone-first room page (issue 16), rendered on the server: the frame (host,
title as the page's one h1, close link), the bag sheet listing the live's products
with Buy links that still work without JavaScript, the empty buy sheet for
buy-sheet.js, and GET /api/v1/products/ID telling the sheet what it needs (the
shop's payment methods now, whether it can be bought)."""

import re

import pytest

from tests.plugins.app import text


@pytest.fixture
def world(live_world):
    return live_world(
        merchant="teashop",
        products=[
            {"title": "西湖龙井 Longjing", "price_cents": 16800},
            {"title": "Celadon Tea Cup 青瓷茶杯", "price_cents": 8900},
            {"title": "Not in the live", "price_cents": 100},
        ],
        session="春茶直播",
        featured=[0, 1],
    )


def test_room_frame_bag_and_buy_sheet(world, client):
    sid = world["sid"]
    page = client.get(f"/live/{sid}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert len(re.findall(r"<h1\b", html)) == 1
    assert re.search(r'<h1 class="room-title" id="room-title">春茶直播</h1>', html)
    assert 'class="room-close" href="/live"' in html
    # the bag: the live's two products, each with a Buy link to its page that
    # remembers the room, marked for the buy sheet
    bag = html[html.index('id="room-bag-sheet"') : html.index('id="buy-sheet"')]
    assert "西湖龙井 Longjing" in bag and "Celadon Tea Cup" in bag
    assert "Not in the live" not in bag
    for pid in world["products"][:2]:
        assert re.search(
            rf'href="/products/{pid}[^"]*\?src=live:{sid}" data-buy="{pid}"', bag
        ), pid
    assert 'id="room-bag-n" aria-hidden="true">2<' in html
    assert 'data-api-product="/api/v1/products/0"' in html
    assert "js/buy-sheet.js" in html
    assert f'data-source="live:{sid}"' in html
    # the chat input is part of the bar next to the bag
    bar = html[html.index('class="room-bar"') :]
    assert bar.index('id="room-bag"') < bar.index('id="live-chat-note"')


def test_pinned_card_buy_link_is_marked_for_the_sheet(world, client):
    sid, cup = world["sid"], world["products"][1]
    resp = world["api"].call(
        "POST",
        f"/api/v1/live/{sid}/pin",
        token=world["tokens"]["host"],
        json={"product_id": cup},
    )
    assert resp.status_code == 200
    html = client.get(f"/live/{sid}").get_data(as_text=True)
    pinned = html[
        html.index('id="live-pinned"') : html.index('class="live-video-bottom"')
    ]
    assert f'data-buy="{cup}"' in pinned and "Celadon" in pinned


def test_an_empty_live_says_so_in_the_bag(live_world, client):
    world = live_world(merchant=None, session="聊天专场")
    page = client.get(f"/live/{world['sid']}")
    html = page.get_data(as_text=True)
    assert "The host has not added products yet." in text(page)
    assert 'id="room-bag-n" aria-hidden="true">0<' in html


def test_replay_keeps_the_frame_with_the_bag(world, client):
    sid = world["sid"]
    resp = world["api"].call(
        "POST", f"/api/v1/live/{sid}/end", token=world["tokens"]["host"]
    )
    assert resp.status_code == 200
    html = client.get(f"/live/{sid}").get_data(as_text=True)
    assert 'id="room-bag"' in html and 'id="buy-sheet"' in html
    assert "js/buy-sheet.js" in html and "js/livekit.js" in html
    assert 'id="live-chat-form"' not in html  # nobody chats in a replay


def test_product_api_tells_payment_methods_and_availability(world, api):
    tea = world["products"][0]
    product = api.call("GET", f"/api/v1/products/{tea}").get_json()["product"]
    assert product["payment_methods"] == ["cod"]
    assert product["available"] is True
    # the shop adds bank details: both methods; sells out: not available
    merchant = world["merchant"]
    resp = api.call(
        "PATCH",
        "/api/v1/merchant/settings",
        token=merchant,
        json={
            "bank_name": "招商银行",
            "bank_account_name": "西湖茶庄",
            "bank_account_number": "6225 8888 0000 1234",
        },
    )
    assert resp.status_code == 200, resp.get_json()
    resp = api.call(
        "PATCH", f"/api/v1/products/{tea}", token=merchant, json={"stock": 0}
    )
    assert resp.status_code == 200, resp.get_json()
    product = api.call("GET", f"/api/v1/products/{tea}").get_json()["product"]
    assert product["payment_methods"] == ["cod", "bank_transfer"]
    assert product["available"] is False
