"""Reports to takedown to appeal, through the API (the whole path once)."""

from tests.factories import accounts


def test_report_take_down_appeal_restore(app, api, content_world):
    w = content_world()
    lily, mei = w["creator"], w["shopper"]
    resp = api.call(
        "POST",
        "/api/v1/posts",
        token=lily,
        json={"body": "假货 fake tea", "product_ids": w["products"][:1]},
    )
    assert resp.status_code == 201, resp.get_json()
    post_id = resp.get_json()["post"]["id"]
    resp = api.call(
        "POST",
        "/api/v1/reports",
        token=mei,
        json={"kind": "post", "id": post_id, "reason": "counterfeit"},
    )
    assert resp.status_code == 201, resp.get_json()
    report_id = resp.get_json()["report"]["id"]
    again = api.call(
        "POST",
        "/api/v1/reports",
        token=mei,
        json={"kind": "post", "id": post_id, "reason": "spam"},
    )
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "already_reported"

    boss = accounts.admin_token(api, "boss")
    queue = api.call("GET", "/api/v1/admin/reports?status=open", token=boss).get_json()
    assert [i["target_id"] for i in queue["items"]] == [post_id]
    assert queue["items"][0]["count"] == 1
    resp = api.call(
        "POST",
        f"/api/v1/admin/reports/{report_id}/resolve",
        token=boss,
        json={"action": "take_down", "note": "counterfeit goods"},
    )
    assert resp.status_code == 200, resp.get_json()
    decision = resp.get_json()["decision"]
    assert api.call("GET", f"/api/v1/posts/{post_id}", token=mei).status_code == 404
    assert api.call("GET", f"/api/v1/posts/{post_id}").status_code == 404
    assert api.call("GET", f"/api/v1/posts/{post_id}", token=lily).status_code == 200

    resp = api.call(
        "POST",
        f"/api/v1/decisions/{decision['id']}/appeal",
        token=lily,
        json={"text": "It is real 龙井"},
    )
    assert resp.status_code == 200, resp.get_json()
    assert (
        api.call(
            "POST",
            f"/api/v1/decisions/{decision['id']}/appeal",
            token=lily,
            json={"text": "again"},
        ).status_code
        == 409
    )
    same = api.call(
        "POST",
        f"/api/v1/admin/reports/{report_id}/resolve",
        token=boss,
        json={"action": "dismiss"},
    )
    assert same.status_code == 409 and same.get_json()["error"]["code"] == "same_admin"
    judge = accounts.admin_token(api, "judge")
    resp = api.call(
        "POST",
        f"/api/v1/admin/reports/{report_id}/resolve",
        token=judge,
        json={"action": "dismiss", "note": "receipt checks out"},
    )
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["decision"]["appeal"]["status"] == "reversed"
    assert api.call("GET", f"/api/v1/posts/{post_id}", token=mei).status_code == 200
