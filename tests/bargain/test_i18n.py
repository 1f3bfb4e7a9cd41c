"""Bargaining (砍价) in Chinese: every message of its code is in the zh catalogue
(translated, not fuzzy), its domain errors are extracted, and the API's and the
record page's refusals come back in Chinese to a Chinese client."""

import re
from pathlib import Path

from babel.messages.pofile import read_po

from tests.factories import bargain as bf

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "translations" / "zh" / "LC_MESSAGES" / "messages.po"
POT = ROOT / "translations" / "messages.pot"
SOURCES = (
    "livestall/bargain/",
    "blueprints/bargain/",
    "blueprints/merchant/bargains.py",
    "blueprints/live/bargain_events.py",
    "templates/bargain/",
    "templates/merchant/bargain",
)
ZH = "zh-CN,zh;q=0.9"
HAN = re.compile(r"[\u4e00-\u9fff]")


def _catalog(path):
    with path.open("rb") as fh:
        return read_po(fh, locale="zh")


def _of_bargaining(message):
    return message.id and any(name.startswith(SOURCES) for name, _ in message.locations)


def test_every_bargaining_message_has_its_chinese():
    found = [m for m in _catalog(PO) if _of_bargaining(m)]
    assert len(found) > 80  # the locations were read: not an empty pass
    bad = []
    for m in found:
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        if m.fuzzy or not all(strings) or not all(HAN.search(s) for s in strings):
            bad.append(m.id)
    assert bad == []


def test_the_domain_errors_of_bargaining_are_extracted():
    ids = {m.id for m in _catalog(POT) if _of_bargaining(m)}
    for msgid in (
        "You already helped with this bargain.",
        "You can help with %(n)d bargains a day. Come back tomorrow.",
        "This bargain has closed.",
        "Accounts newer than %(n)d minutes cannot help with this bargain.",
        "You already bought this bargain.",
        "Every unit of this bargain has been sold.",
        "This bargain has ended.",
        "Share your bargain: your friends cut the price for you.",
    ):
        assert msgid in ids, msgid


def _zh(api):
    api.client.environ_base["HTTP_ACCEPT_LANGUAGE"] = ZH


def test_refusals_come_back_in_chinese(bargain_world):
    world = bargain_world(helpers_needed=2)
    api, owner = world["api"], world["buyer"]
    record = bf.started(api, owner, world["bargain"]["id"])
    lan, zhu, dan = api.user("lan"), api.user("zhu"), api.user("dan")
    english = bf.help_cut(api, owner, record["id"])
    assert english.get_json()["error"]["message"].startswith("Share your bargain")
    _zh(api)
    own = bf.help_cut(api, owner, record["id"])
    assert own.status_code == 403
    assert own.get_json()["error"]["message"] == "分享你的砍价：由好友帮你砍价。"
    assert bf.help_cut(api, lan, record["id"]).status_code == 201
    again = bf.help_cut(api, lan, record["id"])
    assert again.get_json()["error"]["code"] == "already_helped"
    assert again.get_json()["error"]["message"] == "你已经帮砍过这个砍价了。"
    assert bf.help_cut(api, zhu, record["id"]).status_code == 201
    late = bf.help_cut(api, dan, record["id"])
    assert late.get_json()["error"]["code"] == "record_closed"
    assert late.get_json()["error"]["message"] == "这个砍价已砍到底价。"
    assert bf.buy(api, owner, record["id"]).status_code == 201
    twice = bf.buy(api, owner, record["id"])
    assert twice.status_code == 409
    assert twice.get_json()["error"]["message"] == "你已购买过这个砍价商品。"
