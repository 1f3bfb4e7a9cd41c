"""The admin users list (issue 16): one's own row offers no Save (no roles or
suspension form, "you" instead); the server still refuses changing one's own roles
or suspension, whatever is posted."""

import re
from html import unescape

from livestall.accounts.models import User
from tests.factories.accounts import Person, make_admin
from tests.plugins.app import read_db


def row_of(page, username):
    """The <tr> of `username` in the users table."""
    for row in re.findall(r"<tr>.*?</tr>", page, flags=re.S):
        if f"<strong>{username}</strong>" in row:
            return row
    raise AssertionError(f"no row for {username}")


def test_ones_own_row_has_no_save_and_says_you(app):
    admin = make_admin(app, "boss")
    Person(app, "carol", "merchant")
    page = unescape(admin.get("/admin/users").get_data(as_text=True))
    mine = row_of(page, "boss")
    assert "<form" not in mine and "Save" not in mine
    assert 'name="roles"' not in mine and 'name="status"' not in mine
    assert ">you<" in mine and "Admin" in mine
    theirs = row_of(page, "carol")
    assert "<form" in theirs and "Save" in theirs and 'name="status"' in theirs
    assert page.count("<h1") == 1


def test_the_server_refuses_changing_ones_own_roles_or_suspension(app):
    admin = make_admin(app, "boss")
    me = read_db(lambda: User.get(User.username == "boss"))
    resp = admin.post(
        f"/admin/users/{me.id}",
        {"roles": ["shopper"], "status": "suspended"},
        follow_redirects=True,
    )
    assert resp.status_code == 200
    assert "You cannot change your own account here." in unescape(
        resp.get_data(as_text=True)
    )
    after = read_db(lambda: User.get_by_id(me.id))
    assert after.roles == ["admin"] and after.status == "active"
    # another admin can
    other = make_admin(app, "chief")
    resp = other.post(f"/admin/users/{me.id}", {"roles": ["admin", "creator"]})
    assert resp.status_code == 302
    assert read_db(lambda: User.get_by_id(me.id)).roles == ["admin", "creator"]
