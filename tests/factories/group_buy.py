"""Group buying (拼团) by the API: a deal (`deal`, `deal_body`), seats (`seat`,
`open_team`, `join`, `leave`), and reading what the rules wrote (`team_row`,
`members`, `stock`, `order_status`, `cancel_events`, `kinds`). `world` is the
orders world (teashop's tea, mei) with one deal of the tea, as the
`group_buy_world` fixture."""

import datetime
import itertools

from livestall.catalog.models import Product
from livestall.group_buy.models import Team, TeamMember
from livestall.orders.models import Order, OrderEvent
from tests.factories import orders
from tests.factories.orders import SHIP
from tests.plugins.app import read_db

_KEYS = itertools.count(1)


def key(prefix="seat"):
    """A fresh idempotency key."""
    return f"{prefix}-{next(_KEYS):06d}"


def ends_in(**delta):
    """An ISO time `delta` from now (default one day): a deal's `ends_at`."""
    delta = delta or {"days": 1}
    return (
        datetime.datetime.now(datetime.UTC) + datetime.timedelta(**delta)
    ).isoformat()


def deal_body(product_id, **fields):
    """POST /api/v1/group-buys's body: ¥99.00 for teams of 3 within an hour, 2 a
    buyer, ending in a day; `fields` override (None drops a field)."""
    body = {
        "product_id": product_id,
        "price_cents": 9900,
        "team_size": 3,
        "team_window_s": 3600,
        "ends_at": ends_in(),
        "per_user_limit": 2,
        **fields,
    }
    return {k: v for k, v in body.items() if v is not None}


def deal(api, merchant_token, product_id, **fields):
    """POST /api/v1/group-buys (the response)."""
    return api.call(
        "POST",
        "/api/v1/group-buys",
        token=merchant_token,
        json=deal_body(product_id, **fields),
    )


def made_deal(api, merchant_token, product_id, **fields):
    """A deal that must be created: its `group_buy` dict."""
    resp = deal(api, merchant_token, product_id, **fields)
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()["group_buy"]


def seat(api, token, path, key, **body):
    """POST `path` (a deal's /teams or a team's /join) with one seat's body: qty 1,
    cash on delivery, shipping to SHIP; `body` overrides (None drops a field)."""
    sent = {
        "qty": 1,
        "idempotency_key": key,
        "shipping": SHIP,
        "payment_method": "cod",
        **body,
    }
    sent = {k: v for k, v in sent.items() if v is not None}
    return api.call("POST", path, token=token, json=sent)


def open_team(api, token, deal_id, key=None, **body):
    return seat(api, token, f"/api/v1/group-buys/{deal_id}/teams", key or _k(), **body)


def join(api, token, team_id, key=None, **body):
    return seat(api, token, f"/api/v1/teams/{team_id}/join", key or _k(), **body)


def leave(api, token, team_id):
    return api.call("POST", f"/api/v1/teams/{team_id}/leave", token=token)


def seated(resp):
    """(team, order) of a seat that must have been placed (201)."""
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    return body["team"], body["order"]


def error(resp):
    """(status, error code) of a response."""
    return resp.status_code, ((resp.get_json() or {}).get("error") or {}).get("code")


def _k():
    return key()


# --- reading the rows --------------------------------------------------------------


def team_row(team_id):
    return read_db(lambda: Team.get_by_id(team_id))


def members(team_id):
    """[(username, status, order id, order status)] of the team's member rows."""

    def run():
        rows = (
            TeamMember.select(TeamMember, Order)
            .join(Order)
            .where(TeamMember.team == team_id)
            .order_by(TeamMember.id)
        )
        return [(m.user.username, m.status, m.order_id, m.order.status) for m in rows]

    return read_db(run)


def stock(product_id):
    return read_db(lambda: Product.get_by_id(product_id).stock)


def order_status(order_id):
    return read_db(lambda: Order.get_by_id(order_id).status)


def orders_count():
    return read_db(lambda: Order.select().count())


def cancel_events(order_id):
    """How many times the order moved to cancelled or refunded."""
    return read_db(
        lambda: (
            OrderEvent.select()
            .where(
                (OrderEvent.order == order_id)
                & OrderEvent.to_status.in_(["cancelled", "refunded"])
            )
            .count()
        )
    )


def kinds(api, token, kind=None):
    """The account's notifications ([kind] or, with `kind`, [data] of that kind)."""
    items = orders.notes(api, token)["items"]
    if kind is None:
        return [n["kind"] for n in items]
    return [n.get("data") or {} for n in items if n["kind"] == kind]


def world(api, stock=20, **deal_fields):
    """The orders world with only the tea (`stock` units, ¥168.00) and a deal of it
    (`deal_fields` override `deal_body`'s): {..., "deal": the group_buy dict}."""
    found = orders.world(api, only=["tea"], stock={"tea": stock})
    found["deal"] = made_deal(api, found["merchant"], found["tea"], **deal_fields)
    return found
