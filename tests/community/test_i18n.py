"""Community group buying (社区团购) in Chinese: every message of its code is in
the zh catalogue (translated, not fuzzy, its placeholders kept), its domain errors
are extracted, the API's refusals come back in Chinese to a Chinese client, and
its pages (near me, a point, the leader's pages, the admins' queue and the
merchant's console) read in Chinese.

The world (tests/factories/community.py): teashop's tea and cup at ¥128 and ¥69
in a campaign, auntie_li's approved point, mei a buyer, boss an admin."""

import re
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tests.factories import community as cf
from tests.factories.orders import Browser
from tests.plugins.app import text

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "translations" / "zh" / "LC_MESSAGES" / "messages.po"
POT = ROOT / "translations" / "messages.pot"
SOURCES = (
    "livestall/community/",
    "blueprints/community/",
    "blueprints/api/community.py",
    "blueprints/merchant/community.py",
    "templates/community/",
    "templates/merchant/community",
)
ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
HAN = re.compile(r"[\u4e00-\u9fff]")
PLACEHOLDER = re.compile(r"%(?:\(\w+\))?[sdif%]")


def _catalog(path):
    with path.open("rb") as fh:
        return read_po(fh, locale="zh")


def _of_community(message):
    return message.id and any(name.startswith(SOURCES) for name, _ in message.locations)


def _strings(value):
    return value if isinstance(value, tuple) else (value,)


def test_every_community_message_has_its_chinese():
    found = [m for m in _catalog(PO) if _of_community(m)]
    assert len(found) > 150  # the locations were read: not an empty pass
    bad = []
    for m in found:
        strings = _strings(m.string)
        if m.fuzzy or not all(strings) or not all(HAN.search(s) for s in strings):
            bad.append(m.id)
    assert bad == []


def _placeholders(message):
    """The message's placeholders, and its bare "%" signs (a template's `_()`
    always formats: a bare "%" there is a ValueError, a 500 on the page)."""
    return Counter(PLACEHOLDER.findall(message)), PLACEHOLDER.sub("", message).count(
        "%"
    )


def test_the_chinese_keeps_every_placeholder():
    """%(name)s in the English is in the Chinese, and nothing else is: a lost or
    misspelt placeholder is a KeyError (or a raw "%(n)d") on a Chinese page, and
    a bare "%" the English has not ("团长佣金（%）") a ValueError."""
    found = [m for m in _catalog(PO) if _of_community(m)]
    with_placeholders = 0
    bad = []
    for m in found:
        english = _strings(m.id)[-1]  # a plural's Chinese follows its plural form
        wanted = _placeholders(english)
        with_placeholders += bool(wanted[0])
        for chinese in _strings(m.string):
            if _placeholders(chinese) != wanted:
                bad.append((m.id, chinese))
    assert with_placeholders > 20
    assert bad == []


def test_the_domain_errors_of_community_buying_are_extracted():
    ids = {m.id for m in _catalog(POT) if _of_community(m)}
    for msgid in (
        "This campaign's cut-off has passed.",
        "This pickup point is not taking orders.",
        "This code was already used: the order was picked up.",
        "No order at your point has this code.",
        "A pickup code is 8 digits.",
        "The batches are made at the cut-off.",
        "Only an approved leader verifies pickup codes.",
        "Give the pickup point's %(what)s.",
        "Pick up on the cut-off's day or within 14 days of it.",
    ):
        assert msgid in ids, msgid


def _message(resp):
    return resp.get_json()["error"]["message"]


def test_refusals_come_back_in_chinese(community_world):
    world = community_world()
    api, campaign_id = world["api"], world["campaign"]["id"]
    leader_id = world["leader"]["id"]
    tea = [{"product_id": world["tea"], "qty": 1}]
    resp = cf.order(api, world["buyer"], campaign_id, leader_id, tea)
    assert resp.status_code == 201, resp.get_json()
    code = resp.get_json()["order"]["pickup"]["code"]
    api.client.environ_base["HTTP_ACCEPT_LANGUAGE"] = ZH["Accept-Language"]
    try:
        verify = "/api/v1/leader/pickups"
        short = api.call(
            "POST", verify, token=world["leader_token"], json={"code": "123"}
        )
        cf.pass_cutoff(campaign_id)
        late = cf.order(api, world["buyer"], campaign_id, leader_id, tea)
        used = [
            api.call("POST", verify, token=world["leader_token"], json={"code": code})
            for _ in range(2)
        ][-1]
    finally:
        api.client.environ_base.pop("HTTP_ACCEPT_LANGUAGE", None)
    assert short.status_code == 400
    assert _message(short) == "提货码为 8 位数字。"
    assert late.status_code == 409
    assert late.get_json()["error"]["code"] == "cutoff_passed"
    assert _message(late) == "这个活动已截单。"
    assert used.status_code == 409
    assert _message(used) == "这个提货码已使用：订单已提货。"


# --- the pages ------------------------------------------------------------------------


@pytest.fixture
def world(app, community_world):
    """community_world with mei's order at auntie_li's point, and browsers."""
    w = community_world()
    resp = cf.order(
        w["api"],
        w["buyer"],
        w["campaign"]["id"],
        w["leader"]["id"],
        [{"product_id": w["tea"], "qty": 2}],
    )
    assert resp.status_code == 201, resp.get_json()
    w["order"] = resp.get_json()["order"]
    w["app"] = app
    w["anon"] = Browser(app)
    w["shop_b"] = Browser(app, "teashop", signup=False)
    w["leader_b"] = Browser(app, "auntie_li", signup=False)
    w["admin_b"] = Browser(app, "boss", signup=False)
    return w


def _zh(browser, path):
    resp = browser.get(path, headers=ZH)
    assert resp.status_code == 200, (path, resp.status_code)
    page = text(resp)
    assert '<html lang="zh' in page, path
    return page


def _has(page, *strings):
    missing = [s for s in strings if s not in page]
    assert missing == [], missing


def _lacks(page, *strings):
    found = [s for s in strings if s in page]
    assert found == [], found


def test_near_me_and_a_point_read_in_chinese(world):
    near = _zh(world["anon"], "/points")
    _has(
        near,
        "附近的自提点",
        "和邻居一起团购（社区团购）",
        "1 个自提点",
        "当前有 1 个团购活动正在接单",
        "团长：",
        cf.POINT["name"],
    )
    _lacks(near, "Pickup points near me", "campaign taking orders now")
    empty = _zh(world["anon"], "/points?q=nowhere")
    _has(empty, "没有与“nowhere”匹配的自提点")

    point = _zh(world["anon"], f"/points/{world['leader']['id']}")
    _has(point, cf.POINT["name"], "在这里下单自提", "来自 ", "明早到：龙井新茶")
    _lacks(point, "Order for pickup here", "From teashop")


def test_the_leaders_pages_read_in_chinese(world):
    leader = world["leader_b"]
    home = _zh(leader, "/leader")
    _has(
        home,
        "社区团长",
        "团长工具",
        "核销提货码",
        "接单中",
        "你的自提点目前有 1 笔订单",
    )
    _lacks(home, "Leader tools", "order at your point so far")

    cf.pass_cutoff(world["campaign"]["id"])
    batch = _zh(leader, "/leader")
    _has(
        batch,
        "你的自提点的配送批次",
        "尚未发货",
        "已提货：0 / 1",
        "待交付的订单",
        "跟团号",
        "确认收到这批货",
    )
    _lacks(batch, "Batches at your point", "Received this batch")

    verify = _zh(leader, "/leader/pickup")
    _has(verify, "买家的 8 位提货码", "核销", "请向买家索取订单的提货码")
    _lacks(verify, "The buyer's 8-digit pickup code")

    earnings = _zh(leader, "/leader/earnings")
    _has(earnings, "团长收益", "待结算", "可提现", "还没有收益")
    _lacks(earnings, "Leader earnings", "No earnings yet")

    newcomer = Browser(world["app"], "lan")
    invite = _zh(newcomer, "/leader")
    _has(invite, "为邻居们开一个自提点", "申请成为团长")
    form = _zh(newcomer, "/leader/apply")
    _has(form, "成为社区团长", "自提点名称", "营业时间", "提交申请")
    _lacks(form, "Become a community leader", "Send application")

    queue = _zh(world["admin_b"], "/admin/leaders?status=approved")
    _has(queue, "团长申请", "按状态查看申请", "停用", cf.POINT["name"])
    _lacks(queue, "Leader applications", "Applications by status")


def test_the_merchants_console_reads_in_chinese(world):
    shop = world["shop_b"]
    console = _zh(shop, "/merchant/community")
    _has(console, "社区团购", "新建团购活动", "你的团购活动", "接单中", "团长佣金")
    _lacks(console, "Your campaigns", "New campaign", "taking orders")

    campaign_path = f"/merchant/community/{world['campaign']['id']}"
    before = _zh(shop, campaign_path)
    _has(before, "邻居们正在下单，截单时间为", "剩余时间：")
    cf.pass_cutoff(world["campaign"]["id"])
    after = _zh(shop, campaign_path)
    _has(after, "备货单", "配送批次", "待发货", "标记已发货", "1 个订单", "下载 CSV")
    _lacks(after, "Stock-up list", "Mark shipped", "to ship")
