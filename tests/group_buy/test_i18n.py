"""Group buying (拼团) in Chinese: every message of its code is in the zh catalogue
(translated, not fuzzy), and the API's errors come back in Chinese to a Chinese
client (Accept-Language or the `lang` cookie).

The world (tests/factories/group_buy.py): teashop's tea (¥168.00, 20 in stock),
mei, and a deal of the tea at ¥99.00 for teams of 3 within an hour, 2 a buyer."""

import contextlib
import re
from pathlib import Path

from babel.messages.pofile import read_po

from livestall.group_buy.models import Team
from tests.factories.group_buy import error, join, open_team, seated
from tests.factories.orders import move
from tests.plugins.app import read_db

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "translations" / "zh" / "LC_MESSAGES" / "messages.po"
POT = ROOT / "translations" / "messages.pot"
GROUP_SOURCES = (
    "livestall/group_buy/",
    "blueprints/group_buy/",
    "blueprints/merchant/group_buys.py",
    "templates/group_buy/",
    "blueprints/live/group_events.py",
)
ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
HAN = re.compile(r"[\u4e00-\u9fff]")


def _catalog(path):
    with path.open("rb") as fh:
        return read_po(fh, locale="zh")


def _of_group_buying(message):
    return message.id and any(
        name.startswith(GROUP_SOURCES) for name, _ in message.locations
    )


def test_every_group_buying_message_has_its_chinese():
    group = [m for m in _catalog(PO) if _of_group_buying(m)]
    assert len(group) > 50  # the locations were read: not an empty pass
    bad = []
    for m in group:
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        if m.fuzzy or not all(strings):
            bad.append(m.id)
    assert bad == []


def test_the_domain_errors_of_group_buying_are_extracted():
    ids = {m.id for m in _catalog(POT) if _of_group_buying(m)}
    for msgid in (
        "This team is full. Start a new one or join another.",
        "This team has closed. Start a new one.",
        "This team has closed: your seat can no longer be given up.",
        "You are already in an open team of this deal: share it to fill it.",
        "The group has not formed yet: this order ships once its team is full.",
        "This group deal has ended.",
        "You may buy %(n)d of this at the group price.",
    ):
        assert msgid in ids, msgid


def _message(resp):
    return resp.get_json()["error"]["message"]


@contextlib.contextmanager
def _chinese(api, by="header"):
    """Every request of `api`'s client in Chinese: by Accept-Language or by the
    `lang` cookie (the shopper's pick); English again afterwards."""
    if by == "header":
        api.client.environ_base["HTTP_ACCEPT_LANGUAGE"] = ZH["Accept-Language"]
    else:
        api.client.set_cookie("lang", "zh")
    try:
        yield
    finally:
        api.client.environ_base.pop("HTTP_ACCEPT_LANGUAGE", None)
        api.client.delete_cookie("lang")


def test_team_full_and_already_in_team_come_back_in_chinese(group_buy_world):
    world = group_buy_world()
    api, mei, deal_id = world["api"], world["buyer"], world["deal"]["id"]
    team, order = seated(open_team(api, mei, deal_id))
    lan, zhu = api.user("lan"), api.user("zhu")
    # mei again, in her own team: the rule speaks the client's language
    with _chinese(api):
        resp = join(api, mei, team["id"])
    assert error(resp) == (409, "already_in_team")
    assert _message(resp) == "你已在这个活动的一个拼团中：分享给好友，尽快拼成。"
    english = join(api, mei, team["id"])
    assert error(english) == (409, "already_in_team")
    assert _message(english).startswith("You are already in an open team")
    # every seat taken while the team is still open (the loser of the last-seat
    # race sees this): the guarded UPDATE refuses, and says so in Chinese
    read_db(
        lambda: (
            Team.update(seats_taken=Team.team_size)
            .where(Team.id == team["id"])
            .execute()
        )
    )
    with _chinese(api):
        resp = join(api, lan, team["id"])
    assert error(resp) == (409, "team_full")
    assert _message(resp) == "该团已满，请重新发起拼团或参与其他团。"
    # the same through the language cookie (a shopper who chose 中文)
    with _chinese(api, by="cookie"):
        resp = join(api, zhu, team["id"])
        shipped = move(api, world["merchant"], order["id"], "shipped")
    assert error(resp) == (409, "team_full")
    assert _message(resp) == "该团已满，请重新发起拼团或参与其他团。"
    # not formed: the shop may not ship it yet
    assert error(shipped) == (409, "team_not_formed")
    assert _message(shipped) == "尚未拼团成功：凑满人后订单才会发货。"
    english = join(api, zhu, team["id"])
    assert _message(english) == "This team is full. Start a new one or join another."


def test_a_limit_a_closed_deal_and_a_missing_team_in_chinese(group_buy_world):
    world = group_buy_world()
    api, mei, deal_id = world["api"], world["buyer"], world["deal"]["id"]
    lan = api.user("lan")
    seated(open_team(api, mei, deal_id, qty=2))  # per_user_limit is 2
    with _chinese(api):
        over = open_team(api, mei, deal_id)
        ended = api.call(
            "POST", f"/api/v1/group-buys/{deal_id}/end", token=world["merchant"]
        )
        closed = open_team(api, lan, deal_id)
        missing = join(api, mei, 999999)
    assert error(over) == (409, "limit_reached")
    assert _message(over) == "拼团价每人限购 2 件。"
    assert ended.status_code == 200, ended.get_json()
    assert error(closed) == (409, "deal_closed")
    assert _message(closed) == "该拼团活动已结束。"
    assert missing.status_code == 404
    assert HAN.search(_message(missing)), _message(missing)


def test_the_team_window_reads_one_hour_not_one_hours(app):
    from blueprints.merchant.group_buys import window_label

    with app.test_request_context("/"):
        assert window_label(3600) == "1 hour"
        assert window_label(2 * 3600) == "2 hours"
        assert window_label(900) == "15 minutes"
        assert window_label(86400 * 2) == "2 days"
    with app.test_request_context("/", headers=ZH):
        assert window_label(3600) == "1 小时"
        assert window_label(7 * 86400) == "7 天"
