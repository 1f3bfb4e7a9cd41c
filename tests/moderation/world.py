"""The moderation tests' world and calls: a shop, a creator (lily) with a post, two
shoppers (mei, lan), two admins (boss, judge); reports, decisions and appeals
through the API; a signed-in browser for the pages."""

import json

from livestall.accounts.models import User
from livestall.content import social
from livestall.content.models import Comment, Post
from livestall.live import chat, sessions
from livestall.platform.models import AuditEntry
from tests.factories import accounts, content, live
from tests.plugins.app import PASSWORD, AuthActions, read_db

POST_BODY = "假货 counterfeit oolong zqxwv"  # zqxwv: a word only this post has


def build(app, api, **kw):
    """content.world's teashop, lily (creator) and mei (shopper), then lan, boss and
    judge (admins), and lily's published post ("post")."""
    w = content.world(app, api, **kw)
    w["app"] = app
    w["lan"] = api.user("lan")
    w["boss"] = accounts.admin_token(api, "boss")
    w["judge"] = accounts.admin_token(api, "judge")
    w["ids"] = {
        key: accounts.user_id(api, w[key])
        for key in ("merchant", "creator", "shopper", "lan", "boss", "judge")
    }
    w["post"] = new_post(api, w["creator"], w["products"][:1])
    return w


def new_post(api, token, product_ids=(), body=POST_BODY, publish=True):
    resp = api.call(
        "POST",
        "/api/v1/posts",
        token=token,
        json={"body": body, "product_ids": list(product_ids), "publish": publish},
    )
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()["post"]["id"]


def comment(user_id, post_id, body="这是假货 fake!"):
    """A comment by `user_id` on the post, through the rules: its id."""

    def run():
        return social.add_comment(
            User.get_by_id(user_id), Post.get_by_id(post_id), body
        ).id

    return read_db(run)


def on_air(api, w, title="今晚上新"):
    """lily's live, on air: its id."""
    return live.new_session(api, w["creator"], w["products"][:2], title=title)


def chat_line(session_id, user_id, body):
    """A chat message through the rules (no socket, no burst limit): its id."""

    def run():
        return chat.post_chat(
            sessions.get_session(session_id), User.get_by_id(user_id), body
        ).id

    return read_db(run)


def report(api, token, kind, target_id, reason="spam", text=None):
    body = {"kind": kind, "id": target_id, "reason": reason}
    if text is not None:
        body["text"] = text
    return api.call("POST", "/api/v1/reports", token=token, json=body)


def reported(api, token, kind, target_id, reason="spam", text=None):
    """The report made (it must be): its dict."""
    resp = report(api, token, kind, target_id, reason, text)
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()["report"]


def resolve(api, token, report_id, action, note=None):
    body = {"action": action}
    if note is not None:
        body["note"] = note
    return api.call(
        "POST", f"/api/v1/admin/reports/{report_id}/resolve", token=token, json=body
    )


def resolved(api, token, report_id, action, note=None):
    resp = resolve(api, token, report_id, action, note)
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()["decision"]


def appeal(api, token, decision_id, text="It is genuine, here is the receipt."):
    return api.call(
        "POST",
        f"/api/v1/decisions/{decision_id}/appeal",
        token=token,
        json={"text": text},
    )


def queue(api, token, status=None, **params):
    query = {**({"status": status} if status else {}), **params}
    qs = "&".join(f"{k}={v}" for k, v in query.items())
    return api.call(
        "GET", "/api/v1/admin/reports" + (f"?{qs}" if qs else ""), token=token
    )


def error(resp):
    return resp.get_json()["error"]


def notifications(api, token, kind=None):
    resp = api.call("GET", "/api/v1/notifications?per_page=100", token=token)
    assert resp.status_code == 200, resp.get_json()
    return [n for n in resp.get_json()["items"] if kind is None or n["kind"] == kind]


def audit(action=None):
    """(actor, action, target kind, target id, detail) of the audit log."""

    def run():
        query = AuditEntry.select().order_by(AuditEntry.id)
        if action:
            query = query.where(AuditEntry.action == action)
        return [
            (e.actor_name, e.action, e.target_kind, e.target_id, json.loads(e.detail))
            for e in query
        ]

    return read_db(run)


def browser(app, username=None):
    """A test client signed in as `username` through the real form (None: anonymous)."""
    client = app.test_client()
    if username:
        resp = AuthActions(client).login(username, PASSWORD)
        assert resp.status_code == 302, resp.get_data(as_text=True)[:300]
    return client


def status_of(model, row_id):
    return read_db(lambda: model.get_by_id(row_id).status)


def comment_count(post_id):
    return read_db(lambda: Post.get_by_id(post_id).comment_count)


def comment_status(comment_id):
    return status_of(Comment, comment_id)
