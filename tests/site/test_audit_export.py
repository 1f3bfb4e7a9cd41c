"""The audit log's filters, its CSV download and its JSON API (issue 23: every
admin action in an append-only log, readable and filterable by admins, exported
as CSV): each filter alone and together, wrong filters refused with a message,
the CSV's BOM, header, rows, Chinese and formula-safe cells, read a batch at a
time, and only admins reading any of it."""

import csv
import datetime
import io
import json
import re

import pytest

from extensions import db
from livestall.db.base import utcnow
from livestall.platform import audit
from livestall.platform.models import AuditEntry
from tests.factories import accounts
from tests.plugins.app import read_db, text

DAY = datetime.datetime(2026, 3, 1, 10, 0)


def _seed():
    """Five entries a day apart (ids returned in the order made)."""
    rows = [
        # (actor id, actor name, action, target kind, target id, detail, when)
        (1, "boss", "user.suspend", "user", 11, {"username": "mei"}, DAY),
        (
            1,
            "boss",
            "report.take_down",
            "post",
            21,
            {"reason": "广告，骗人的"},
            # the last second of 2 March: an `until` of that day includes it
            datetime.datetime(2026, 3, 2, 23, 59, 59),
        ),
        (
            2,
            "chief",
            "report.dismiss",
            "report",
            31,
            {"note": '=HYPERLINK("http://evil.example","click")'},
            datetime.datetime(2026, 3, 3, 0, 0),
        ),
        (
            2,
            "chief",
            "order.move",
            "order",
            41,
            {"before": "shipped", "after": "delivered"},
            datetime.datetime(2026, 3, 4, 12, 0),
        ),
        (None, "管理员", "live.end", "live", 51, {}, datetime.datetime(2026, 3, 5, 8)),
    ]

    def dated():
        made = []
        for actor_id, name, action, kind, target, detail, when in rows:
            made.append(
                AuditEntry.create(
                    created_at=when,
                    actor_id=actor_id,
                    actor_name=name,
                    action=action,
                    target_kind=kind,
                    target_id=target,
                    detail=json.dumps(detail, ensure_ascii=False, sort_keys=True),
                ).id
            )
        return made

    return read_db(dated)


@pytest.fixture
def seeded():
    return _seed()


@pytest.fixture
def boss(app):
    return accounts.make_admin(app, "boss")


def log_table(resp):
    """The log's rows on the page ('' when there is no table)."""
    found = re.search(r"<tbody>(.*?)</tbody>", text(resp), re.S)
    return found.group(1) if found else ""


def api_ids(api, token, query=""):
    resp = api.call("GET", f"/api/v1/admin/audit{query}", token=token)
    assert resp.status_code == 200, resp.get_json()
    return [item["target"]["id"] for item in resp.get_json()["items"]]


@pytest.mark.parametrize(
    ("query", "targets"),
    [
        ("", [51, 41, 31, 21, 11]),
        ("?kind=post", [21]),
        ("?kind=report", [31]),
        ("?action=report.dismiss", [31]),
        ("?action=report.", [31, 21]),  # a whole group
        ("?action=live.end", [51]),
        ("?actor=chief", [41, 31]),
        ("?actor=%40CHIEF", [41, 31]),  # "@CHIEF": as typed
        ("?actor=%E7%AE%A1%E7%90%86%E5%91%98", [51]),  # 管理员
        ("?actor=nobody", []),
        ("?target_id=41", [41]),
        ("?since=2026-03-03", [51, 41, 31]),
        ("?until=2026-03-02", [21, 11]),  # the whole last day
        ("?since=2026-03-02&until=2026-03-03", [31, 21]),
        ("?since=2026-03-03&until=2026-03-03", [31]),
        # together
        ("?actor=boss&action=report.&since=2026-03-02", [21]),
        ("?kind=order&actor=chief&until=2026-03-04&target_id=41", [41]),
        ("?kind=order&actor=boss", []),
    ],
)
def test_each_filter_and_filters_together(api, seeded, query, targets):
    token = accounts.admin_token(api, "boss")
    assert api_ids(api, token, query) == targets


@pytest.mark.parametrize(
    ("query", "code", "field"),
    [
        ("?since=2026-13-01", "invalid_date", "since"),
        ("?until=01/03/2026", "invalid_date", "until"),
        ("?since=20260301", "invalid_date", "since"),
        ("?since=2026-03-04&until=2026-03-01", "invalid_date", "since"),
        ("?kind=planet", "invalid_kind", "kind"),
        ("?action=drop.table", "invalid_action", "action"),
        ("?action=User.suspend", "invalid_action", "action"),
        ("?target_id=abc", "invalid", "target_id"),
        ("?target_id=0", "invalid", "target_id"),
        ("?target_id=99999999999999999999", "invalid", "target_id"),
    ],
)
def test_wrong_filters_are_a_400_naming_them(api, seeded, query, code, field):
    token = accounts.admin_token(api, "boss")
    resp = api.call("GET", f"/api/v1/admin/audit{query}", token=token)
    assert resp.status_code == 400
    error = resp.get_json()["error"]
    assert (error["code"], error["field"]) == (code, field)
    assert error["message"]


def test_api_pages_and_counts(api, seeded):
    token = accounts.admin_token(api, "boss")
    resp = api.call("GET", "/api/v1/admin/audit?per_page=2&page=2", token=token)
    body = resp.get_json()
    assert (body["page"], body["per_page"], body["total"]) == (2, 2, 5)
    assert [e["target"]["id"] for e in body["items"]] == [31, 21]
    assert body["items"][1] == {
        "id": seeded[1],
        "created_at": "2026-03-02T23:59:59Z",
        "actor": {"id": 1, "username": "boss"},
        "action": "report.take_down",
        "target": {"kind": "post", "id": 21},
        "detail": {"reason": "广告，骗人的"},
    }
    last = api.call("GET", "/api/v1/admin/audit?per_page=2&page=3", token=token)
    assert [e["target"]["id"] for e in last.get_json()["items"]] == [11]
    filtered = api.call(
        "GET", "/api/v1/admin/audit?action=report.&per_page=1", token=token
    ).get_json()
    assert (filtered["total"], len(filtered["items"])) == (2, 1)
    bad = api.call("GET", "/api/v1/admin/audit?per_page=500", token=token)
    assert bad.status_code == 400


def test_only_admins_use_the_api(app, api, seeded):
    anonymous = api.call("GET", "/api/v1/admin/audit")
    assert anonymous.status_code == 401
    assert anonymous.get_json()["error"]["code"] == "not_signed_in"
    for role in ("shopper", "creator", "merchant"):
        resp = api.call("GET", "/api/v1/admin/audit", token=api.user(f"a_{role}", role))
        assert resp.status_code == 403
        assert resp.get_json()["error"]["code"] == "forbidden"
    # an admin's signed-in browser reads it too (a GET needs no CSRF token)
    boss = accounts.make_admin(app, "boss")
    resp = boss.get("/api/v1/admin/audit?kind=live")
    assert resp.status_code == 200
    assert resp.get_json()["items"][0]["actor"]["username"] == "管理员"


def test_the_page_filters_and_keeps_its_filters_in_links(boss, seeded):
    resp = boss.get("/admin/audit?actor=boss&action=report.")
    assert resp.status_code == 200
    rows = log_table(resp)
    assert "Took down" in rows and "#21" in rows
    assert "#11" not in rows and "#31" not in rows
    page = text(resp)
    # the form shows what is asked; the download carries the same filters
    assert 'name="actor" type="text" value="boss"' in page
    assert '<option value="report." selected>report.</option>' in page
    link = re.search(r'href="(/admin/audit\.csv[^"]*)"', page).group(1)
    assert "actor=boss" in link and "action=report." in link
    assert "No entry matches these filters." in text(
        boss.get("/admin/audit?kind=order&actor=boss")
    )
    chosen = text(boss.get("/admin/audit?kind=order&action=order.move"))
    assert '<option value="order" selected>' in chosen
    assert '<option value="order.move" selected>' in chosen


def test_the_pager_keeps_the_filters(boss):
    def many():
        for n in range(55):
            AuditEntry.create(
                actor_id=1,
                actor_name="boss",
                action="user.suspend",
                target_kind="user",
                target_id=n + 1,
                created_at=DAY,
            )
        AuditEntry.create(
            actor_id=2, actor_name="chief", action="user.suspend", target_kind="user"
        )

    read_db(many)
    first = text(boss.get("/admin/audit?actor=boss&since=2026-03-01"))
    after = re.search(r'<a href="([^"]+)" rel="next">', first).group(1)
    assert "actor=boss" in after and "since=2026-03-01" in after and "page=2" in after
    second = boss.get(after.replace("&amp;", "&"))
    rows = log_table(second)
    assert rows.count("<tr>") == 5  # 55 of boss's, 50 a page; chief's is not here
    assert "chief" not in rows


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?since=yesterday", "since must be a date written YYYY-MM-DD."),
        ("?since=2026-03-04&until=2026-03-01", "The first day comes after the last."),
        ("?kind=planet", "Unknown kind: planet."),
        ("?action=nothing", "Unknown action: nothing."),
    ],
)
def test_a_wrong_filter_is_a_message_on_the_page(boss, seeded, query, message):
    resp = boss.get(f"/admin/audit{query}")
    assert resp.status_code == 400
    page = text(resp)
    assert f'role="alert" id="audit-error">{message}</p>' in page
    assert log_table(resp) == ""  # nothing shown as if it matched
    assert "/admin/audit.csv" not in page
    csv_resp = boss.get(f"/admin/audit.csv{query}")
    assert csv_resp.status_code == 400
    assert csv_resp.mimetype == "text/plain"
    assert csv_resp.get_data(as_text=True) == message


def read_csv(resp):
    data = resp.get_data()
    assert data.startswith("\ufeff".encode())  # the BOM: spreadsheets read UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_the_csv_download(boss, seeded):
    # one more, made for real: boss suspends mei through the page
    mei = accounts.Person(boss.client.application, "mei")
    boss.post(f"/admin/users/{mei.id}", {"roles": ["shopper"], "status": "suspended"})
    resp = boss.get("/admin/audit.csv")
    assert resp.status_code == 200
    assert resp.is_streamed
    assert resp.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert resp.headers["Content-Disposition"] == (
        f'attachment; filename="audit-{utcnow():%Y%m%d}.csv"'
    )
    assert resp.headers["Cache-Control"] == "private, no-store"
    rows = read_csv(resp)
    assert db.is_closed()  # the streamed read let its connection go
    assert rows[0] == list(audit.CSV_HEADER)
    assert rows[0] == [
        "id",
        "created_at",
        "actor_id",
        "actor_name",
        "action",
        "target_kind",
        "target_id",
        "reason",
        "detail",
    ]
    real = rows[1]  # newest first
    assert real[3:7] == ["boss", "user.suspend", "user", str(mei.id)]
    assert json.loads(real[8]) == {"username": "mei"} and real[7] == ""
    assert rows[2] == [
        str(seeded[4]),
        "2026-03-05T08:00:00Z",
        "",  # no actor id
        "管理员",  # Chinese round-trips
        "live.end",
        "live",
        "51",
        "",
        "{}",
    ]
    by_target = {row[6]: row for row in rows[1:]}
    assert by_target["21"][7] == "广告，骗人的"  # the reason
    assert json.loads(by_target["21"][8]) == {"reason": "广告，骗人的"}
    # a reason a spreadsheet would run as a formula is text
    assert by_target["31"][7] == '\'=HYPERLINK("http://evil.example","click")'
    assert by_target["41"][2:7] == ["2", "chief", "order.move", "order", "41"]
    assert [row[6] for row in rows[1:]] == [str(mei.id), "51", "41", "31", "21", "11"]


def test_the_csv_keeps_the_filters(boss, seeded):
    rows = read_csv(boss.get("/admin/audit.csv?action=report.&until=2026-03-02"))
    assert [row[6] for row in rows[1:]] == ["21"]
    rows = read_csv(boss.get("/admin/audit.csv?kind=order"))
    assert [row[6] for row in rows[1:]] == ["41"]
    rows = read_csv(boss.get("/admin/audit.csv?actor=nobody"))
    assert rows == [list(audit.CSV_HEADER)]


def test_the_csv_is_read_a_batch_at_a_time(boss, seeded, monkeypatch, caplog):
    monkeypatch.setattr(audit, "EXPORT_BATCH", 2)
    rows = read_csv(boss.get("/admin/audit.csv"))
    assert [row[6] for row in rows[1:]] == ["51", "41", "31", "21", "11"]

    def export():
        with caplog.at_level("DEBUG", logger="peewee"):
            caplog.clear()
            found = [row[6] for row in audit.csv_rows({"target_kind": None})]
        reads = [
            r.getMessage()
            for r in caplog.records
            if r.name == "peewee" and "audit_entry" in r.getMessage()
        ]
        return found, reads

    found, reads = read_db(export)
    assert found == ["target_id", 51, 41, 31, 21, 11]
    # three reads of at most two rows each (2 + 2 + 1), never the whole log
    assert len(reads) == 3
    assert all("LIMIT" in read for read in reads)


def test_only_admins_download_the_csv(app, seeded):
    shopper = accounts.Person(app, "ann")
    assert shopper.get("/admin/audit.csv").status_code == 403
    anonymous = app.test_client().get("/admin/audit.csv")
    assert anonymous.status_code == 302
    assert anonymous.headers["Location"].startswith("/login")
