"""Group buying (拼团) in the `/live` room.

"The host pins a group deal" means the host pins a product that has a running deal
(`group_buy.deals.running_deal`, at most one a product). So:

- the room's state (`join`) and its `pinned` broadcast carry `group_buy`: the
  pinned product's running deal with its open teams (`teams.deal_dict`), or null;
- when a seat is taken in a team of that deal (`group_buy.signals.team_changed`,
  after commit), every live room pinning the deal's product hears
  `team_joined {session_id, team_id, group_buy_id, username, buyer, seats_left, status}`
  (`buyer`: the display name masked as in "just bought")
  at once (the "X joined a group" ticker), and, coalesced like flash-sale stock, a
  fresh `group_buy {session_id, group_buy}` (new teams, seats given back, teams
  that formed or failed) at most once per GROUP_FLUSH_S a room.

Team pages' own room (`team:<id>`) is `blueprints/group_buy/events.py`'s.
"""

import logging
import threading

from flask import current_app, has_app_context

from blueprints.live import events
from extensions import db, socketio
from livestall.accounts.models import User
from livestall.group_buy import deals, signals, teams
from livestall.group_buy.models import Team
from livestall.live import sessions
from livestall.live.models import LiveSession
from livestall.live.sales import mask_name

log = logging.getLogger(__name__)
OPEN_TEAMS = 5  # the room shows two or three; the rest wait for the next refresh
GROUP_FLUSH_S = 1.0
TICKER_EVENTS = ("joined", "formed")

_lock = threading.Lock()
_dirty = set()  # session ids whose `group_buy` the next flush re-sends
_loop = {"started": False}


def reset():
    """Forget the rooms waiting for a refresh (tests: ids repeat between tests)."""
    with _lock:
        _dirty.clear()


def group_buy_of(session, card):
    """`teams.deal_dict` of the pinned product's running deal (`card`: the room's
    pinned card, None when nothing sellable is pinned) with its open teams."""
    if card is None or session.status != "live":
        return None
    deal = deals.running_deal(card["id"])
    if deal is None:
        return None
    return teams.deal_dict(deal, teams.open_teams(deal, limit=OPEN_TEAMS))


@events.pin_extras.connect
def _pin_extras(sender, session, card):
    return {"group_buy": group_buy_of(session, card)}


def rooms_selling(product_id):
    """The live sessions on air that pin `product_id`."""
    return list(
        LiveSession.select(LiveSession.id, LiveSession.status, LiveSession.host)
        .where(
            (LiveSession.status == "live") & (LiveSession.pinned_product == product_id)
        )
        .order_by(LiveSession.id)
    )


def _emit(name, payload, session_id):
    socketio.emit(name, payload, to=events.room(session_id), namespace=events.NS)


def team_changed(sender, team_id, event, username=None, **_):
    """A seat was taken or given back, or a team formed or failed: the rooms
    pinning its deal's product hear it."""
    try:
        if db.is_closed():  # a sweep outside a request: no connection to borrow
            with db.connection_context():
                return _announce(team_id, event, username)
        return _announce(team_id, event, username)
    except Exception:  # the seat is placed whatever the rooms heard
        log.exception("live rooms of team %s not told", team_id)


def _announce(team_id, event, username):
    team = Team.get_or_none(Team.id == team_id)
    if team is None:
        return
    deal = team.group_buy
    rooms = [s.id for s in rooms_selling(deal.product_id)]
    if not rooms:
        return
    if event in TICKER_EVENTS and username:
        payload = {
            "team_id": team.id,
            "group_buy_id": deal.id,
            "username": username,
            # what the ticker shows, masked as a "just bought" line is
            "buyer": mask_name(_display_name(username)),
            "seats_left": team.seats_left if team.status == "open" else 0,
            "status": team.status,
        }
        for session_id in rooms:
            _emit("team_joined", {"session_id": session_id, **payload}, session_id)
    with _lock:
        _dirty.update(rooms)
    _ensure_loop()


def _display_name(username):
    user = User.get_or_none(User.username == username)
    return user.name if user is not None else username


signals.team_changed.connect(team_changed, weak=False)


def to_refresh():
    """The session ids whose `group_buy` the next flush sends."""
    with _lock:
        return set(_dirty)


def flush():
    """Send `group_buy` once to every room marked since the last flush, read fresh."""
    with _lock:
        dirty = set(_dirty)
        _dirty.clear()
    if not dirty:
        return 0
    with db.connection_context():
        for session in LiveSession.select().where(LiveSession.id.in_(list(dirty))):
            state = group_buy_of(session, sessions.pinned_card(session))
            _emit(
                "group_buy", {"session_id": session.id, "group_buy": state}, session.id
            )
    return len(dirty)


def _run_forever():
    while True:
        socketio.sleep(GROUP_FLUSH_S)
        try:
            flush()
        except Exception:  # one bad pass must not stop the loop
            log.exception("live group-buy refresh failed")


def _ensure_loop():
    if _loop["started"] or not has_app_context() or current_app.config.get("TESTING"):
        return  # tests call flush() themselves
    with _lock:
        if _loop["started"]:
            return
        _loop["started"] = True
    socketio.start_background_task(_run_forever)
