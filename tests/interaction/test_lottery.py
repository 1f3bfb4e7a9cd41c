"""Flash sales in lottery mode (docs/API.md, "Flash sales in lottery mode"):
people register during the window (once per person, over HTTP or the socket),
grabbing is refused, and at the end the units are allotted by the verifiable
draw: exactly min(quantity, entrants × per-person limit), in rank order, the
rest back on the shelf; the winners' holds check out at the sale price."""

import datetime
import threading

import pytest

from blueprints.live import interaction_events
from livestall.catalog.models import Product
from livestall.db.base import utcnow
from livestall.flash.models import FlashSale, Reservation
from livestall.interaction import draws
from livestall.interaction.models import Draw
from tests.factories.orders import SHIP
from tests.factories.sockets import in_room, received, send
from tests.plugins.app import read_db


@pytest.fixture
def world(flash_world):
    interaction_events.reset()
    return flash_world(people=(("host", "lily", "creator"),), ids=True)


def launch(world, **fields):
    body = {
        "product_id": world["tea"],
        "price_cents": 9900,
        "quantity": 5,
        "per_user_limit": 2,
        "mode": "lottery",
        "register_s": 60,
        **fields,
    }
    return world["api"].call(
        "POST",
        f"/api/v1/live/{world['sid']}/flash-sales",
        token=world["tokens"]["host"],
        json=body,
    )


def enter(world, token, sale_id):
    return world["api"].call(
        "POST", f"/api/v1/flash-sales/{sale_id}/enter", token=token
    )


def close_registration(sale_id):
    past = utcnow() - datetime.timedelta(seconds=1)
    read_db(lambda: Draw.update(ends_at=past).where(Draw.sale == sale_id).execute())


def stock(world):
    return read_db(lambda: Product.get_by_id(world["tea"]).stock)


def test_units_allotted_equal_stock_when_demand_exceeds_it(world):
    api, app, sid = world["api"], world["app"], world["sid"]
    before = stock(world)
    resp = launch(world, quantity=7, per_user_limit=2)
    assert resp.status_code == 201, resp.get_json()
    sale = resp.get_json()["flash_sale"]
    assert sale["mode"] == "lottery" and sale["entrants"] == 0
    assert sale["seed"] is None and len(sale["seed_sha256"]) == 64
    assert stock(world) == before - 7
    fans = [api.user(f"fan{i}") for i in range(12)]
    (anon,) = in_room(app, sid, None)

    # grabbing a lottery is refused; registering is once per person
    grab = api.call(
        "POST", f"/api/v1/flash-sales/{sale['id']}/grab", token=fans[0], json={"qty": 1}
    )
    assert grab.status_code == 409 and grab.get_json()["error"]["code"] == (
        "lottery_sale"
    )
    codes = []

    def register(token):
        codes.append(enter(world, token, sale["id"]).status_code)

    threads = [threading.Thread(target=register, args=(t,)) for t in fans + fans[:4]]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [201] * 12 + [409] * 4
    again = enter(world, fans[0], sale["id"])
    assert again.get_json()["error"]["code"] == "already_entered"
    # and on the socket, the same rule
    (sock,) = in_room(app, sid, fans[0])
    ack = send(sock, "flash_enter", {"flash_sale_id": sale["id"]})
    assert ack["error"]["code"] == "already_entered"

    received(anon)
    interaction_events.flush()
    entrants = received(anon, "flash_sale")
    assert entrants[-1]["event"] == "entrants"
    assert entrants[-1]["flash_sale"]["entrants"] == 12

    close_registration(sale["id"])
    late = enter(world, api.user("late"), sale["id"])
    assert late.status_code == 409
    assert late.get_json()["error"]["code"] == "registration_closed"
    interaction_events.tick(config=app.config)
    (drawn,) = [e for e in received(anon, "flash_sale") if e["event"] == "drawn"]
    assert drawn["flash_sale"]["seed"] is not None

    holds = read_db(
        lambda: list(Reservation.select().where(Reservation.sale == sale["id"]))
    )
    assert sum(h.qty for h in holds) == 7  # exactly the units, not one more
    assert sorted(h.qty for h in holds) == [1, 2, 2, 2]
    # in rank order of the published draw
    draw = read_db(lambda: Draw.get(Draw.sale == sale["id"]))
    ranked = draws.rank(draw.seed, draws_entrants(draw), 4)
    by_user = {h.user_id: h.qty for h in holds}
    assert [by_user[u] for u in ranked] == [2, 2, 2, 1]
    row = read_db(lambda: FlashSale.get_by_id(sale["id"]))
    assert (row.remaining, row.held, row.sold) == (0, 7, 0)
    assert stock(world) == before - 7

    # a winner checks out the hold at the sale price
    winner = ranked[0]
    token = fans[[api_user_id(api, t) for t in fans].index(winner)]
    rid = next(h.id for h in holds if h.user_id == winner)
    resp = api.call(
        "POST",
        "/api/v1/orders",
        token=token,
        json={
            "shipping": SHIP,
            "idempotency_key": "lottery-00001",
            "reservation_ids": [rid],
        },
    )
    assert resp.status_code == 201, resp.get_json()
    (line,) = resp.get_json()["order"]["items"]
    assert (line["qty"], line["unit_price_cents"]) == (2, 9900)


def draws_entrants(draw):
    return read_db(lambda: draws.entrant_ids(draw))


def api_user_id(api, token):
    return api.call("GET", "/api/v1/me", token=token).get_json()["user"]["id"]


def test_fewer_entrants_than_units_return_the_rest_to_stock(world):
    api, app = world["api"], world["app"]
    before = stock(world)
    sale = launch(world, quantity=5, per_user_limit=2).get_json()["flash_sale"]
    fan = api.user("only")
    assert enter(world, fan, sale["id"]).status_code == 201
    close_registration(sale["id"])
    interaction_events.tick(config=app.config)
    holds = read_db(
        lambda: list(Reservation.select().where(Reservation.sale == sale["id"]))
    )
    assert [h.qty for h in holds] == [2]
    assert stock(world) == before - 2  # three units back on the shelf at once


def test_lottery_launch_rules(world):
    assert launch(world, register_s=29).status_code == 400
    assert launch(world, register_s=3601).status_code == 400
    assert launch(world, mode="auction").status_code == 400
    # the merchant's consent applies as to any flash sale (at most its stock)
    resp = launch(world, quantity=101)
    assert resp.status_code == 409
    assert resp.get_json()["error"]["code"] == "out_of_stock"
    # a race sale is not a lottery: entering it is refused, and ending a lottery
    # early is refused (it ends when drawn)
    race = launch(world, mode="race", duration_s=60)
    assert race.status_code == 201, race.get_json()
    resp = enter(world, world["api"].user("xia"), race.get_json()["flash_sale"]["id"])
    assert resp.get_json()["error"]["code"] == "not_lottery"
    lottery = launch(world).get_json()["flash_sale"]
    resp = world["api"].call(
        "POST",
        f"/api/v1/flash-sales/{lottery['id']}/end",
        token=world["tokens"]["host"],
    )
    assert resp.status_code == 409
    assert resp.get_json()["error"]["code"] == "lottery_sale"
