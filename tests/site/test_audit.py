"""The admin audit log (SECURITY.md: every admin action is in an append-only log):
each action an admin takes by admin right leaves one entry, an owner acting on
their own leaves none, entries are never changed or deleted, and only admins read
them at /admin/audit."""

import json

import pytest

from livestall.accounts import rules as accounts_rules
from livestall.accounts.models import User
from livestall.content.models import Comment
from livestall.platform.models import AppendOnly, AuditEntry
from tests.factories import accounts
from tests.factories import orders as shop
from tests.factories.live import new_session
from tests.plugins.app import PASSWORD, read_db, text


def entries():
    return read_db(
        lambda: [
            (e.actor_name, e.action, e.target_kind, e.target_id, json.loads(e.detail))
            for e in AuditEntry.select().order_by(AuditEntry.id)
        ]
    )


@pytest.fixture
def boss(app):
    return accounts.make_admin(app, "boss")


def test_role_and_status_changes_are_logged(app, boss):
    target = accounts.Person(app, "mei")
    resp = boss.post(
        f"/admin/users/{target.id}",
        {"roles": ["shopper", "creator"], "status": "suspended"},
    )
    assert resp.status_code == 302
    assert read_db(lambda: User.get_by_id(target.id).status) == "suspended"
    assert entries() == [
        (
            "boss",
            "user.roles",
            "user",
            target.id,
            {"username": "mei", "before": ["shopper"], "after": ["creator", "shopper"]},
        ),
        ("boss", "user.suspend", "user", target.id, {"username": "mei"}),
    ]
    # saving the same form again changes nothing, so logs nothing
    boss.post(
        f"/admin/users/{target.id}",
        {"roles": ["shopper", "creator"], "status": "suspended"},
    )
    assert len(entries()) == 2
    boss.post(
        f"/admin/users/{target.id}",
        {"roles": ["shopper", "creator"], "status": "active"},
    )
    assert entries()[-1] == (
        "boss",
        "user.reinstate",
        "user",
        target.id,
        {"username": "mei"},
    )


def test_unknown_status_is_refused_not_turned_active(app, boss):
    target = accounts.Person(app, "mei")
    boss.post(
        f"/admin/users/{target.id}", {"roles": ["shopper"], "status": "suspended"}
    )
    resp = boss.post(
        f"/admin/users/{target.id}",
        {"roles": ["shopper"], "status": "banished"},
        follow_redirects=True,
    )
    assert "Unknown status." in text(resp)
    assert read_db(lambda: User.get_by_id(target.id).status) == "suspended"


def test_an_admins_move_of_anothers_order_is_logged_an_owners_is_not(api):
    world = shop.world(api, only=("tea",))
    line = [{"product_id": world["tea"], "qty": 1}]
    resp = shop.place(api, world["buyer"], line, "cod", "audit-order-1")
    assert resp.status_code == 201, resp.get_json()
    oid = resp.get_json()["order"]["id"]
    resp = shop.move(api, world["merchant"], oid, "shipped", tracking_number="SF123")
    assert resp.status_code == 200, resp.get_json()
    assert entries() == []  # the merchant moved their own order
    boss = accounts.admin_token(api, "boss")
    resp = shop.move(api, boss, oid, "delivered")
    assert resp.status_code == 200, resp.get_json()
    assert entries() == [
        (
            "boss",
            "order.move",
            "order",
            oid,
            {"before": "shipped", "after": "delivered"},
        )
    ]


def _post(api, creator, shop_name="teashop"):
    product = api.product(api.user(shop_name, role="merchant"))["id"]
    resp = api.call(
        "POST",
        "/api/v1/posts",
        token=creator,
        json={"body": "今天的好物", "product_ids": [product]},
    )
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()["post"]["id"]


def test_an_admin_deleting_anothers_post_and_comment_is_logged(app, api, boss):
    author = api.user("lily", role="creator")
    pid = _post(api, author)
    fan = accounts.Person(app, "mei")
    fan.post(f"/posts/{pid}/comments", {"body": "好看！"})
    cid = read_db(lambda: Comment.get(Comment.post == pid).id)
    assert boss.post(f"/comments/{cid}/delete").status_code == 302
    assert boss.post(f"/posts/{pid}/delete").status_code == 302
    assert [e[:4] for e in entries()] == [
        ("boss", "comment.delete", "comment", cid),
        ("boss", "post.delete", "post", pid),
    ]
    # an admin deleting their own post is a user like any other: not logged
    boss_id = read_db(lambda: User.get(User.username == "boss").id)
    read_db(
        lambda: accounts_rules.set_roles(User.get_by_id(boss_id), ["admin", "creator"])
    )
    mine = _post(
        api,
        api.call(
            "POST", "/api/v1/tokens", json={"login": "boss", "password": PASSWORD}
        ).get_json()["token"],
        "potshop",
    )
    assert boss.post(f"/posts/{mine}/delete").status_code == 302
    assert len(entries()) == 2


def test_an_admin_ending_anothers_live_is_logged(api):
    host = api.user("lily", role="creator")
    product = api.product(api.user("teashop", role="merchant"))["id"]
    sid = new_session(api, host, [product])
    boss = accounts.admin_token(api, "boss")
    resp = api.call("POST", f"/api/v1/live/{sid}/end", token=boss)
    assert resp.status_code == 200, resp.get_json()
    assert entries() == [("boss", "live.end", "live", sid, {})]
    # the host's own start was not logged (only the admin's end is there)


def test_entries_are_never_changed_or_deleted(app, boss):
    target = accounts.Person(app, "mei")
    boss.post(
        f"/admin/users/{target.id}", {"roles": ["shopper"], "status": "suspended"}
    )

    def tamper():
        entry = AuditEntry.get()
        entry.action = "nothing"
        for attempt in (
            entry.save,
            entry.delete_instance,
            lambda: AuditEntry.update(action="x").execute(),
            lambda: AuditEntry.delete().execute(),
        ):
            with pytest.raises(AppendOnly):
                attempt()

    read_db(tamper)
    assert entries() == [
        ("boss", "user.suspend", "user", target.id, {"username": "mei"})
    ]


def test_only_admins_read_the_log(app, boss):
    target = accounts.Person(app, "mei")
    boss.post(
        f"/admin/users/{target.id}", {"roles": ["shopper"], "status": "suspended"}
    )
    page = text(boss.get("/admin/audit"))
    assert "Suspended the account" in page and "boss" in page
    orders = text(boss.get("/admin/audit?kind=order"))
    assert "<tbody>" not in orders and "No entry matches these filters." in orders
    shopper = accounts.Person(app, "ann")
    assert shopper.get("/admin/audit").status_code == 403
    assert app.test_client().get("/admin/audit").status_code == 302
