"""Live sessions through the JSON API (docs/API.md, "Live selling")."""

import datetime

import pytest

from livestall.live.models import LiveSession
from tests.factories.live import act, create, created
from tests.plugins.api import upload
from tests.plugins.app import read_db


@pytest.fixture
def world(live_world):
    """teashop's three teas; lily (the host), rose (another creator), mei, tom (the
    host's moderator), the merchant and an admin, with tokens."""
    world = live_world(
        people=[
            ("host", "lily", "creator"),
            ("creator", "rose", "creator"),
            ("shopper", "mei", "shopper"),
            ("mod", "tom", "shopper"),
        ],
        admin=True,
        moderators=["tom"],
    )
    world["tokens"]["merchant"] = world["merchant"]
    return world


def error(resp, status):
    assert resp.status_code == status, resp.get_json()
    return resp.get_json()["error"]


# --- create ---------------------------------------------------------------------------


def test_creator_schedules_a_session(world):
    cover = upload(world["api"], world["tokens"]["host"])
    got = created(
        world,
        description="  新茶 \r\n上市  ",
        scheduled_at="2027-06-01T20:00:00+08:00",
        cover_image_id=cover,
    )
    assert got["status"] == "scheduled"
    assert got["title"] == "今晚上新" and got["description"] == "新茶 \n上市"
    assert got["scheduled_at"] == "2027-06-01T12:00:00Z"
    assert got["creator"]["username"] == "lily"
    assert [p["id"] for p in got["products"]] == world["products"][:2]
    assert got["cover_url"]
    assert got["pinned_product"] is None
    assert (got["viewers"], got["peak_viewers"], got["likes"]) == (0, 0, 0)
    assert got["url"] == f"/live/{got['id']}"


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("2027-06-01T20:00:00+08:00", "2027-06-01T12:00:00Z"),
        ("2027-06-01T12:00:00Z", "2027-06-01T12:00:00Z"),
        ("2027-06-01T12:00:00", "2027-06-01T12:00:00Z"),
        ("2027-06-01T07:00:00-05:00", "2027-06-01T12:00:00Z"),
        ("2027-06-01T12:00:00.999+00:00", "2027-06-01T12:00:00Z"),
        ("2027-06-01", "2027-06-01T00:00:00Z"),
    ],
)
def test_scheduled_at_takes_a_zone_and_is_stored_in_utc(world, given, stored):
    assert created(world, scheduled_at=given)["scheduled_at"] == stored


def in_days(days):
    moment = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=days)
    return moment.isoformat()


@pytest.mark.parametrize(
    "when",
    [
        "tomorrow",
        "2027-13-01T00:00:00",
        "2027-06-01T25:00:00",
        "2027-06-01T20:00:00+25:00",
        "0001-01-01T00:00:00+08:00",  # before year 1 in UTC
        "9999-12-31T23:59:59-08:00",  # after year 9999 in UTC
        "1999-12-31T00:00:00Z",
        "x" * 41,
        12345,
        True,
        ["2027-06-01"],
        {"at": "2027-06-01"},
        # an id of its own: xdist's workers must collect the same test ids
        pytest.param(in_days(400), id="in_400_days"),
    ],
)
def test_scheduled_at_bad_values_are_400(world, when):
    assert error(create(world, scheduled_at=when), 400)["field"] == "scheduled_at"


@pytest.mark.parametrize(
    "title", [None, "", "   ", "\x00", "x" * 121, 5, ["t"], {"t": 1}, True]
)
def test_title_is_required_text(world, title):
    assert error(create(world, title=title), 400)["field"] == "title"


def test_description_bounds(world):
    assert error(create(world, description="d" * 2001), 400)["field"] == "description"
    assert error(create(world, description=["d"]), 400)["field"] == "description"


@pytest.mark.parametrize(
    "product_ids",
    [[999], ["1"], [True], [1.0], [None], [2**80], [-1], 5, "1,2", {"1": 1}],
)
def test_product_ids_must_be_known_ids(world, product_ids):
    assert error(create(world, product_ids=product_ids), 400)["field"] == "product_ids"


def test_archived_products_cannot_be_featured(world):
    api, archived = world["api"], world["products"][2]
    resp = api.call(
        "DELETE", f"/api/v1/products/{archived}", token=world["tokens"]["merchant"]
    )
    assert resp.status_code == 204
    err = error(create(world, product_ids=[world["products"][0], archived]), 400)
    assert err["field"] == "product_ids" and "no longer sold" in err["message"]


def test_at_most_50_products(world):
    api, merchant = world["api"], world["tokens"]["merchant"]
    many = world["products"] + [
        api.product(merchant, title=f"茶 {n}")["id"] for n in range(48)
    ]
    assert error(create(world, product_ids=many[:51]), 400)["field"] == "product_ids"
    assert len(created(world, product_ids=many[:50])["products"]) == 50


def test_cover_must_be_the_hosts_own_image(world):
    theirs = upload(world["api"], world["tokens"]["creator"])
    assert error(create(world, cover_image_id=theirs), 400)
    for bad in (999, "1", [1], True, 2**80):
        assert error(create(world, cover_image_id=bad), 400), bad
    assert read_db(lambda: LiveSession.select().count()) == 0


@pytest.mark.parametrize(
    ("role", "status"),
    [(None, 401), ("shopper", 403), ("merchant", 403), ("mod", 403), ("admin", 201)],
)
def test_only_creators_go_live(world, role, status):
    assert create(world, role=role).status_code == status


@pytest.mark.parametrize("body", [b"[]", b'"x"', b"null", b"5", b'[{"title": "x"}]'])
def test_create_needs_a_json_object(world, body):
    resp = world["api"].call(
        "POST",
        "/api/v1/live",
        token=world["tokens"]["host"],
        data=body,
        content_type="application/json",
    )
    assert resp.status_code == 400


# --- read, list, update ---------------------------------------------------------------


def test_list_by_status_and_detail(world):
    api = world["api"]
    late = created(world, title="late", scheduled_at="2027-06-02T12:00:00Z")
    soon = created(world, title="soon", scheduled_at="2027-06-01T12:00:00Z")
    on = created(world, title="on")
    first_ended = created(world, title="ended 1")
    second_ended = created(world, title="ended 2")
    assert act(world, on["id"], "start").status_code == 200
    for s in (first_ended, second_ended):
        assert act(world, s["id"], "end").status_code == 200

    def titles(status):
        resp = api.call("GET", f"/api/v1/live?status={status}")
        assert resp.status_code == 200
        return [s["title"] for s in resp.get_json()["items"]]

    assert titles("scheduled") == ["soon", "late"]
    assert titles("live") == ["on"]
    assert titles("ended")[0] in {"ended 2", "ended 1"}
    assert sorted(titles("ended")) == ["ended 1", "ended 2"]
    everything = api.call("GET", "/api/v1/live").get_json()
    assert everything["total"] == 5
    assert error(api.call("GET", "/api/v1/live?status=bogus"), 400)
    assert error(api.call("GET", "/api/v1/live?page=0"), 400)

    detail = api.call("GET", f"/api/v1/live/{soon['id']}")
    assert detail.status_code == 200
    assert detail.get_json()["session"]["title"] == "soon"
    assert [p["id"] for p in detail.get_json()["session"]["products"]] == (
        world["products"][:2]
    )
    assert late["id"] != soon["id"]
    for missing in (999, 2**70):
        assert error(api.call("GET", f"/api/v1/live/{missing}"), 404)


@pytest.mark.parametrize(("role", "status"), [("host", 200), ("admin", 200)])
def test_host_or_admin_edits(world, role, status):
    sid = created(world)["id"]
    resp = world["api"].call(
        "PATCH",
        f"/api/v1/live/{sid}",
        token=world["tokens"][role],
        json={
            "title": "改了",
            "scheduled_at": "2027-01-01T08:00:00+08:00",
            "product_ids": [world["products"][2]],
        },
    )
    assert resp.status_code == status, resp.get_json()
    got = resp.get_json()["session"]
    assert got["title"] == "改了" and got["scheduled_at"] == "2027-01-01T00:00:00Z"
    assert [p["id"] for p in got["products"]] == [world["products"][2]]


@pytest.mark.parametrize(
    ("role", "status"), [(None, 401), ("creator", 403), ("mod", 403), ("shopper", 403)]
)
def test_others_cannot_edit(world, role, status):
    sid = created(world)["id"]
    resp = world["api"].call(
        "PATCH",
        f"/api/v1/live/{sid}",
        token=world["tokens"].get(role),
        json={"title": "x"},
    )
    assert resp.status_code == status
    assert read_db(lambda: LiveSession.get_by_id(sid).title) == "今晚上新"


@pytest.mark.parametrize(
    "body",
    [
        {"title": ""},
        {"title": None},
        {"scheduled_at": "soon"},
        {"scheduled_at": None},
        {"scheduled_at": "0001-01-01T00:00:00+01:00"},
        {"scheduled_at": in_days(400)},
        {"product_ids": [999]},
        {"product_ids": "1"},
        {"cover_image_id": 999},
    ],
)
def test_edit_validates_like_create(world, body):
    sid = created(world)["id"]
    resp = world["api"].call(
        "PATCH", f"/api/v1/live/{sid}", token=world["tokens"]["host"], json=body
    )
    assert error(resp, 400)


def test_an_ended_session_cannot_be_edited(world):
    sid = created(world)["id"]
    assert act(world, sid, "end").status_code == 200
    resp = world["api"].call(
        "PATCH",
        f"/api/v1/live/{sid}",
        token=world["tokens"]["host"],
        json={"title": "x"},
    )
    assert resp.status_code == 409


# --- start, end -----------------------------------------------------------------------


@pytest.mark.parametrize("role", ["host", "admin"])
def test_start_and_end(world, role):
    sid = created(world)["id"]
    resp = act(world, sid, "start", role=role)
    assert resp.status_code == 200
    got = resp.get_json()["session"]
    assert got["status"] == "live" and got["started_at"]
    assert error(act(world, sid, "start", role=role), 409)
    resp = act(world, sid, "end", role=role)
    assert resp.status_code == 200
    got = resp.get_json()["session"]
    assert got["status"] == "ended" and got["ended_at"]
    assert error(act(world, sid, "end", role=role), 409)
    assert error(act(world, sid, "start", role=role), 409)


def test_a_scheduled_session_may_be_ended(world):
    sid = created(world)["id"]
    assert act(world, sid, "end").get_json()["session"]["status"] == "ended"
    assert error(act(world, sid, "start"), 409)


@pytest.mark.parametrize(
    ("role", "status"),
    [(None, 401), ("shopper", 403), ("mod", 403), ("creator", 403), ("merchant", 403)],
)
def test_only_the_host_or_an_admin_starts_and_ends(world, role, status):
    sid = created(world)["id"]
    assert act(world, sid, "start", role=role).status_code == status
    assert act(world, sid, "end", role=role).status_code == status
    assert read_db(lambda: LiveSession.get_by_id(sid).status) == "scheduled"


def test_start_and_end_of_nothing_are_404(world):
    assert error(act(world, 999, "start"), 404)
    assert error(act(world, 999, "end"), 404)


# --- pin ------------------------------------------------------------------------------


def pin(world, sid, product_id, role="host"):
    return act(world, sid, "pin", role=role, json={"product_id": product_id})


@pytest.mark.parametrize("role", ["host", "mod", "admin"])
def test_pin_and_unpin_while_live(world, role):
    sid = created(world)["id"]
    act(world, sid, "start")
    featured = world["products"][1]
    resp = pin(world, sid, featured, role=role)
    assert resp.status_code == 200, resp.get_json()
    card = resp.get_json()["session"]["pinned_product"]
    assert card["id"] == featured and card["url"].endswith(f"?src=live:{sid}")
    resp = pin(world, sid, None, role=role)
    assert resp.get_json()["session"]["pinned_product"] is None


def test_pin_refuses_what_is_not_a_product_id(world):
    sid = created(world)["id"]
    act(world, sid, "start")
    for bad in (999, 2**80, -1, 0, "1", True, 1.5, [1]):
        assert error(pin(world, sid, bad), 400)["field"] == "product_id", bad
    assert error(act(world, sid, "pin", json={}), 400)["field"] == "product_id"
    assert read_db(lambda: LiveSession.get_by_id(sid).pinned_product_id) is None


def test_pinning_a_product_not_featured_yet_features_it(world):
    """API.md's live calls name no product list: pinning adds the product, last."""
    products = world["products"]
    sid = created(world)["id"]  # featuring the first two
    act(world, sid, "start")
    for _ in range(2):  # once only
        resp = pin(world, sid, products[2])
        assert resp.status_code == 200, resp.get_json()
        session = resp.get_json()["session"]
        assert session["pinned_product"]["id"] == products[2]
        assert [p["id"] for p in session["products"]] == products


def test_an_archived_product_is_not_featured_by_a_pin(world):
    sid = created(world)["id"]
    act(world, sid, "start")
    archived = world["products"][2]
    resp = world["api"].call(
        "DELETE", f"/api/v1/products/{archived}", token=world["tokens"]["merchant"]
    )
    assert resp.status_code == 204
    err = error(pin(world, sid, archived), 400)
    assert err["field"] == "product_id" and "no longer sold" in err["message"]
    session = read_db(lambda: LiveSession.get_by_id(sid))
    assert session.pinned_product_id is None
    got = world["api"].call("GET", f"/api/v1/live/{sid}").get_json()["session"]
    assert [p["id"] for p in got["products"]] == world["products"][:2]


def test_pin_only_while_live(world):
    sid = created(world)["id"]
    featured = world["products"][0]
    assert error(pin(world, sid, featured), 409)["code"] == "not_live"
    act(world, sid, "start")
    assert pin(world, sid, featured).status_code == 200
    act(world, sid, "end")
    assert error(pin(world, sid, None), 409)["code"] == "not_live"
    assert read_db(lambda: LiveSession.get_by_id(sid).pinned_product_id) == featured


@pytest.mark.parametrize(
    ("role", "status"), [(None, 401), ("shopper", 403), ("creator", 403)]
)
def test_others_cannot_pin(world, role, status):
    sid = created(world)["id"]
    act(world, sid, "start")
    assert pin(world, sid, world["products"][0], role=role).status_code == status


# --- the log, moderators, blocked words -----------------------------------------------


def test_actions_log_says_who_did_what(world):
    sid = created(world)["id"]
    act(world, sid, "start")
    pin(world, sid, world["products"][0], role="mod")
    pin(world, sid, None, role="admin")
    act(world, sid, "end")
    resp = world["api"].call(
        "GET", f"/api/v1/live/{sid}/actions", token=world["tokens"]["mod"]
    )
    assert resp.status_code == 200
    got = [
        (a["kind"], a["actor"]["username"], a["product_id"])
        for a in resp.get_json()["items"]
    ]
    assert got == [
        ("start", "lily", None),
        ("pin", "tom", world["products"][0]),
        ("unpin", "boss", None),
        ("end", "lily", None),
    ]
    for role, status in ((None, 401), ("shopper", 403), ("creator", 403)):
        resp = world["api"].call(
            "GET", f"/api/v1/live/{sid}/actions", token=world["tokens"].get(role)
        )
        assert resp.status_code == status


def put(world, what, body, role="host"):
    return world["api"].call(
        "PUT", f"/api/v1/live/{what}", token=world["tokens"].get(role), json=body
    )


def get(world, what, role="host"):
    return world["api"].call(
        "GET", f"/api/v1/live/{what}", token=world["tokens"].get(role)
    )


def test_moderators_are_named_by_username(world):
    resp = put(world, "moderators", {"usernames": ["@Tom", "mei", "tom", " MEI "]})
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json() == {"usernames": ["mei", "tom"]}
    assert get(world, "moderators").get_json() == {"usernames": ["mei", "tom"]}
    # another host's list is their own
    assert get(world, "moderators", role="creator").get_json() == {"usernames": []}
    assert put(world, "moderators", {"usernames": "tom，mei\nrose"}).get_json() == {
        "usernames": ["mei", "rose", "tom"]
    }
    assert put(world, "moderators", {"usernames": []}).get_json() == {"usernames": []}


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"usernames": None},
        {"usernames": 5},
        {"usernames": [1]},
        {"usernames": [None]},
        {"usernames": [["tom"]]},
        {"usernames": {"tom": True}},
        {"usernames": ["nobody"]},
        {"usernames": ["lily"]},  # the host
        {"usernames": [f"user{n}" for n in range(21)]},
        {"usernames": ["x" * 10_000]},
        {"usernames": ["tom\x00"]},
    ],
)
def test_moderators_bad_input_is_400(world, body):
    assert error(put(world, "moderators", body), 400)
    assert get(world, "moderators").get_json() == {"usernames": ["tom"]}


@pytest.mark.parametrize(
    ("role", "status"), [(None, 401), ("shopper", 403), ("mod", 403), ("merchant", 403)]
)
def test_only_hosts_name_moderators(world, role, status):
    assert put(world, "moderators", {"usernames": ["mei"]}, role=role).status_code == (
        status
    )
    assert get(world, "moderators", role=role).status_code == status


def test_blocked_words(world):
    resp = put(world, "blocked-words", {"words": ["  加 微信 ", "spam", "spam", ""]})
    assert resp.status_code == 200
    assert resp.get_json() == {"words": ["加 微信", "spam"]}
    assert sorted(get(world, "blocked-words").get_json()["words"]) == [
        "spam",
        "加 微信",
    ]
    resp = put(world, "blocked-words", {"words": "a，b\nc,d"})
    assert resp.get_json() == {"words": ["a", "b", "c", "d"]}
    assert get(world, "blocked-words", role="creator").get_json() == {"words": []}
    assert put(world, "blocked-words", {"words": []}).get_json() == {"words": []}


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"words": None},
        {"words": 5},
        {"words": [1]},
        {"words": [None]},
        {"words": [["spam"]]},
        {"words": {"spam": 1}},
        {"words": ["x" * 41]},
        {"words": [f"w{n}" for n in range(201)]},
    ],
)
def test_blocked_words_bad_input_is_400(world, body):
    assert put(world, "blocked-words", {"words": ["keep"]}).status_code == 200
    assert error(put(world, "blocked-words", body), 400)
    assert get(world, "blocked-words").get_json() == {"words": ["keep"]}


@pytest.mark.parametrize(
    ("role", "status"), [(None, 401), ("shopper", 403), ("mod", 403), ("merchant", 403)]
)
def test_only_hosts_block_words(world, role, status):
    assert put(world, "blocked-words", {"words": ["x"]}, role=role).status_code == (
        status
    )
    assert get(world, "blocked-words", role=role).status_code == status


@pytest.mark.parametrize(
    "path", ["/api/v1/live/moderators", "/api/v1/live/blocked-words"]
)
@pytest.mark.parametrize("body", [b"[]", b"nope", b'"x"', b"[" * 5000])
def test_lists_need_a_json_object(world, path, body):
    resp = world["api"].call(
        "PUT",
        path,
        token=world["tokens"]["host"],
        data=body,
        content_type="application/json",
    )
    assert resp.status_code == 400
