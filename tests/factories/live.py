"""Live selling: a merchant's products, a host and their guests (bearer tokens or
signed-in browsers), moderators, an admin, and a session on air."""

from livestall.accounts.models import User
from livestall.live import sessions
from tests.factories import accounts, catalog
from tests.plugins.app import read_db

# (key, username, role), made in this order
PEOPLE = (
    ("host", "lily", "creator"),
    ("rival", "rose", "creator"),
    ("shopper", "mei", "shopper"),
)


def new_session(api, token, product_ids, start=True, title="今晚上新"):
    """A session through the API, started unless `start` is false: its id."""
    resp = api.call(
        "POST",
        "/api/v1/live",
        token=token,
        json={"title": title, "product_ids": product_ids},
    )
    assert resp.status_code == 201, resp.get_json()
    sid = resp.get_json()["session"]["id"]
    if start:
        resp = api.call("POST", f"/api/v1/live/{sid}/start", token=token)
        assert resp.status_code == 200, resp.get_json()
    return sid


def create(world, role="host", **fields):
    """POST /api/v1/live as `role` (a key of "tokens"; None: anonymous), featuring
    the world's first two products unless told."""
    body = {"title": "今晚上新", "product_ids": world["products"][:2], **fields}
    return world["api"].call(
        "POST", "/api/v1/live", token=world["tokens"].get(role), json=body
    )


def created(world, **fields):
    """The session `create` made (it must have been)."""
    resp = create(world, **fields)
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()["session"]


def act(world, sid, action, role="host", **kw):
    """POST /api/v1/live/<sid>/<action> as `role`."""
    return world["api"].call(
        "POST", f"/api/v1/live/{sid}/{action}", token=world["tokens"].get(role), **kw
    )


def go_live(host_id, product_ids, title):
    """A session created and started through the rules, for a host with no token."""

    def run():
        user = User.get_by_id(host_id)
        session = sessions.create_session(
            user, {"title": title, "product_ids": product_ids}
        )
        return sessions.start(session, user).id

    return read_db(run)


def world(
    app,
    api,
    *,
    merchant="teashop",
    products=None,
    people=PEOPLE,
    browsers=False,
    admin=False,
    moderators=(),
    ids=False,
    session=None,
    featured=None,
):
    """Made in this order:

    - `merchant`'s `products` (three teas unless told; none without a merchant):
      a list of API product fields, or {key: fields} to find each id under its key
      (and its whole product under "catalog"); "merchant" is the merchant's token,
      "products" the ids;
    - `people`: (key, username, role) each, as bearer tokens (also under "tokens")
      or, with `browsers`, signed-in browsers (`accounts.Person`);
    - with `admin`, boss, an admin ("admin" token, in "tokens" too);
    - `moderators`: usernames the host appoints;
    - with `ids`, {key: user id} of every token, under "ids";
    - given a `session` title, the host's session, on air, featuring the products
      (or the keys or indexes in `featured`): its id is "sid".
    """
    world = {"app": app, "api": api, "products": []}
    if merchant:
        if products is None:
            products = catalog.teas()
        named = products if isinstance(products, dict) else None
        token, made = catalog.shop(api, merchant, named.values() if named else products)
        world.update(merchant=token, products=[p["id"] for p in made])
        if named:
            world["catalog"] = dict(zip(named, made, strict=True))
            world.update({key: p["id"] for key, p in world["catalog"].items()})
    cast = accounts.cast(app, api, people, browsers)
    world.update(cast)
    if not browsers:
        world["tokens"] = cast
    if admin:
        cast["admin"] = world["admin"] = accounts.admin_token(api)
    if moderators:
        resp = api.call(
            "PUT",
            "/api/v1/live/moderators",
            token=cast["host"],
            json={"usernames": list(moderators)},
        )
        assert resp.get_json() == {"usernames": list(moderators)}, resp.get_json()
    if ids:
        world["ids"] = {key: accounts.user_id(api, t) for key, t in cast.items()}
    if session is not None:
        shown = world["products"]
        if featured is not None:
            shown = [world[k] if isinstance(k, str) else shown[k] for k in featured]
        if browsers:
            world["sid"] = go_live(cast["host"].id, shown, session)
        else:
            world["sid"] = new_session(api, cast["host"], shown, title=session)
    return world
