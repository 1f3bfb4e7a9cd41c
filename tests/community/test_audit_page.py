"""The admin audit log names the admins' decisions on community leaders (团长) in
words, in English and in Chinese: approving, rejecting and disabling a pickup
point are labelled actions on a "Community leader", never the raw `leader.*`
keys, and the log has a tab of its own for them."""

import re

import pytest

from tests.factories import accounts
from tests.factories import community as cf
from tests.plugins.app import text

ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}


@pytest.fixture
def boss(app):
    return accounts.make_admin(app, "boss")


def _applied(api, username, **point):
    resp = cf.apply(api, api.user(username), **point)
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()["leader"]["id"]


def _log(page):
    """The log's table body (the filter form above it names every action)."""
    body = re.search(r"<tbody>(.*?)</tbody>", page, re.S)
    return body.group(1) if body else ""


def _rows(page):
    """The log's rows as their cells' text."""
    body = re.search(r"<tbody>(.*?)</tbody>", page, re.S)
    assert body, page[:800]
    return [
        [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<td>(.*?)</td>", row, re.S)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S)
    ]


def test_approving_a_leader_is_labelled_on_the_audit_page(api, boss):
    leader_id = _applied(api, "auntie_li")
    resp = boss.post(f"/admin/leaders/{leader_id}/approve", {"status": "pending"})
    assert resp.status_code == 302

    page = text(boss.get("/admin/audit"))
    assert "leader.approve" not in _log(page)
    [row] = _rows(page)
    assert row[1:4] == [
        "boss",
        "Approved the pickup point",
        f"Community leader #{leader_id}",
    ]

    # its own tab; the other tabs leave it out
    assert '<option value="leader"' in page  # the kind filter offers it
    assert "Community leaders" in page
    assert len(_rows(text(boss.get("/admin/audit?kind=leader")))) == 1
    assert "Approved the pickup point" not in _log(
        text(boss.get("/admin/audit?kind=user"))
    )

    # in Chinese
    zh = text(boss.get("/admin/audit", headers=ZH))
    assert "leader.approve" not in _log(zh)
    [row] = _rows(zh)
    assert row[2] == "通过了自提点"
    assert row[3] == f"社区团长 #{leader_id}"


def test_rejecting_and_disabling_are_labelled_with_the_reason(api, boss):
    rejected = _applied(api, "lin", name="Pending Point 待审核")
    disabled = _applied(api, "zhang", name="Riverside Grocery 江边小卖部")
    boss.post(
        f"/admin/leaders/{rejected}/reject",
        {"status": "pending", "reason": "地址不完整"},
    )
    boss.post(f"/admin/leaders/{disabled}/approve", {"status": "pending"})
    boss.post(
        f"/admin/leaders/{disabled}/disable",
        {"status": "approved", "reason": "长期不营业"},
    )
    page = text(boss.get("/admin/audit"))
    assert not re.search(r"leader\.(approve|reject|disable)", _log(page))
    actions = [(row[2], row[3], row[4]) for row in _rows(page)]
    assert actions == [  # newest first
        (
            "Disabled the pickup point",
            f"Community leader #{disabled}",
            "reason: 长期不营业",
        ),
        ("Approved the pickup point", f"Community leader #{disabled}", "reason:"),
        (
            "Rejected the leader application",
            f"Community leader #{rejected}",
            "reason: 地址不完整",
        ),
    ]
    zh = [row[2] for row in _rows(text(boss.get("/admin/audit", headers=ZH)))]
    assert zh == ["停用了自提点", "通过了自提点", "驳回了团长申请"]
