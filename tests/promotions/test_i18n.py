"""Coupons and red packets (优惠券, 红包) in Chinese: every message of their code is
in the zh catalogue (translated, not fuzzy), the words shoppers see are the ones
Chinese shops use, and the API's errors come back in Chinese to a Chinese client.

The world (tests/factories/promotions.py): teashop's tea (¥168.00), mei, and
teashop's coupon of ¥20 off over ¥100, one a person."""

import re
from pathlib import Path

from babel.messages.pofile import read_po

from tests.factories import promotions as promo
from tests.factories.orders import Browser

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "translations" / "zh" / "LC_MESSAGES" / "messages.po"
POT = ROOT / "translations" / "messages.pot"
PROMO_SOURCES = (
    "livestall/promotions/",
    "livestall/pricing/discounts.py",
    "blueprints/promotions/",
    "blueprints/merchant/coupons.py",
    "blueprints/live/promo_events.py",
    "blueprints/api/promotions.py",
    "templates/promotions/",
    "templates/merchant/coupon",  # coupon.html and coupons.html
)
ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
HAN = re.compile(r"[\u4e00-\u9fff]")


def _catalog(path):
    with path.open("rb") as fh:
        return read_po(fh, locale="zh")


def _of_promotions(message):
    return message.id and any(
        name.startswith(PROMO_SOURCES) for name, _ in message.locations
    )


def test_every_promotions_message_has_its_chinese():
    promos = [m for m in _catalog(PO) if _of_promotions(m)]
    assert len(promos) > 150  # the locations were read: not an empty pass
    bad = []
    for m in promos:
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        if m.fuzzy or not all(strings):
            bad.append(m.id)
    assert bad == []


def test_the_coupon_words_are_the_ones_chinese_shops_use():
    zh = {m.id: m.string for m in _catalog(PO) if m.id}
    for msgid, chinese in {
        "Over %(amount)s": "满%(amount)s可用",
        "No minimum": "无门槛",
        "%(pct)d%% off": "减%(pct)d%%",
        "Coupon": "优惠券",
        "Coupons": "优惠券",
        "My coupons": "我的优惠券",
        "Claim": "领取",
        "Claimed": "已领取",
        "Whole shop": "全店通用",
        "Shop coupons": "店铺优惠券",
    }.items():
        assert zh[msgid] == chinese, msgid
    assert "红包" in zh["Red packet rain"]


def test_the_domain_errors_of_promotions_are_extracted():
    ids = {m.id for m in _catalog(POT) if _of_promotions(m)}
    for msgid in (
        "All of these coupons have been claimed.",
        "You have claimed this coupon already (%(n)d per person).",
        "This coupon cannot be claimed now.",
        "All the red packets are gone.",
        "You have grabbed one of these already.",
        "This red packet is not open yet.",
        "The coupon “%(title)s” needs a spend of %(min)s on what it covers.",
        "The coupon “%(title)s” does not apply to anything in this order.",
        "Use at most one coupon per shop.",
        "You have no coupon %(id)d.",
    ):
        assert msgid in ids, msgid


def _message(resp):
    return resp.get_json()["error"]["message"]


def test_claiming_a_coupon_twice_is_refused_in_chinese(orders_world):
    world = orders_world(only=["tea"])
    api, shop, mei = world["api"], world["merchant"], world["buyer"]
    c = promo.made_coupon(api, shop)
    promo.claimed(api, mei, c["id"])
    api.client.environ_base["HTTP_ACCEPT_LANGUAGE"] = ZH["Accept-Language"]
    try:
        again = promo.claim(api, mei, c["id"])
        own = promo.claim(api, shop, c["id"])
    finally:
        api.client.environ_base.pop("HTTP_ACCEPT_LANGUAGE", None)
    assert again.status_code == 409, again.get_json()
    assert again.get_json()["error"]["code"] == "limit_reached"
    assert HAN.search(_message(again)), _message(again)
    assert _message(again) == "你已领取过该优惠券（每人限领 1 张）。"
    assert own.status_code >= 400 and HAN.search(_message(own)), own.get_json()
    english = promo.claim(api, mei, c["id"])
    assert english.get_json()["error"]["code"] == "limit_reached"
    assert _message(english) == "You have claimed this coupon already (1 per person)."


def test_a_product_page_in_chinese_words_its_coupon(orders_world, app):
    world = orders_world(only=["tea"])
    api, shop = world["api"], world["merchant"]
    promo.made_coupon(api, shop)  # ¥20 off over ¥100
    path = f"/products/{world['tea']}"
    page = Browser(app).get(path, headers=ZH).get_data(as_text=True)
    assert "满¥100.00可用" in page
    assert "全店通用" in page and "登录后领取" in page
    assert "Over ¥100.00" not in page
    english = Browser(app).get(path).get_data(as_text=True)
    assert "Over ¥100.00" in english
