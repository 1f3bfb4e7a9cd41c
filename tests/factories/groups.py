"""Neighbourhood groups (社群) by the API: a leader's group (`leader_group`), a
creator's fan group (`fan_group`), joining and posting; `world` adds a creator
(lily) with a fan group and a second neighbour (lan) to the community world."""

from tests.factories import community as cf


def leader_group(api, leader_id):
    resp = api.call("GET", f"/api/v1/leaders/{leader_id}/group")
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()["group"]


def fan_group(api, token, name="莉莉的粉丝群", intro="新品先知道"):
    resp = api.call(
        "POST", "/api/v1/me/fan-group", token=token, json={"name": name, "intro": intro}
    )
    assert resp.status_code in (200, 201), resp.get_json()
    return resp.get_json()["group"]


def join(api, token, group_id):
    return api.call("POST", f"/api/v1/groups/{group_id}/members", token=token)


def post(api, token, group_id, body=None, card=None):
    payload = {"body": body} if card is None else {"card": card, "body": body}
    return api.call(
        "POST", f"/api/v1/groups/{group_id}/messages", token=token, json=payload
    )


def history(api, token, group_id, **query):
    args = "&".join(f"{k}={v}" for k, v in query.items())
    resp = api.call("GET", f"/api/v1/groups/{group_id}/messages?{args}", token=token)
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()["items"]


def act(api, token, group_id, user_id, action, **body):
    return api.call(
        "POST",
        f"/api/v1/groups/{group_id}/members/{user_id}/{action}",
        token=token,
        json=body,
    )


def world(api):
    found = cf.world(api)
    found["group"] = leader_group(api, found["leader"]["id"])
    found["lan"] = api.user("lan")
    found["creator"] = api.user("lily", role="creator")
    found["fans"] = fan_group(api, found["creator"])
    found["ids"] = {
        name: api.call("GET", "/api/v1/me", token=found[key]).get_json()["user"]["id"]
        for name, key in (
            ("mei", "buyer"),
            ("lan", "lan"),
            ("lily", "creator"),
            ("leader", "leader_token"),
        )
    }
    return found
