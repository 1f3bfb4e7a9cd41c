"""Polls, the announcement and lucky draws in the `/live` room (docs/API.md, "Live
interaction"). PK battles are `pk_events`.

- host `poll_start`, `poll_end`, `announce`, `draw_start`, `draw_end`; anyone
  signed in `vote`, `draw_enter`, `flash_enter` (a lottery sale), and a chat
  message equal to an open draw's keyword enters it (`chat_posted`).
- Counts are coalesced: votes and entries mark their poll or draw dirty and the
  room hears `poll` / `draw` at most once per FLUSH_S, read fresh (the last exact).
- Deadlines: the loop ends polls and draws at their time in every process (a
  guarded UPDATE: once); votes and entries check the time themselves.
"""

import logging
import threading
import time
from types import SimpleNamespace

from flask import current_app, has_app_context

from blueprints.live import events
from extensions import db, socketio
from livestall.db.base import utcnow
from livestall.errors import DomainError, Invalid
from livestall.flash import allot
from livestall.flash import sales as flash_sales
from livestall.interaction import announcements, draws, lottery, polls, present
from livestall.interaction.models import Draw, Poll
from livestall.live import sessions
from livestall.platform import shared
from livestall.promotions import present as coupon_present

log = logging.getLogger(__name__)
FLUSH_S = 0.5
KEYWORD_TTL_S = 1.0  # a process re-reads a room's open draw at most this often

_lock = threading.Lock()
_dirty_polls, _dirty_draws = set(), set()
_keywords = {}  # session id -> (read at, draw id or None, keyword, ends_at)
_loop = {"started": False}


def reset():
    with _lock:
        _dirty_polls.clear()
        _dirty_draws.clear()
        _keywords.clear()


def _emit(name, payload, session_id):
    socketio.emit(name, payload, to=events.room(session_id), namespace=events.NS)


def _user():
    return events.socket_user() or _refuse()


def _refuse():
    from livestall.errors import NotAuthenticated

    raise NotAuthenticated("Sign in to do this.")


def _whole(data, key):
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid("%(key)s must be a whole number.", key=key, field=key)
    return value


# --- polls ---------------------------------------------------------------------------


@events.event("poll_start")
def on_poll_start(data):
    session = sessions.get_session(_whole(data, "session_id"))
    poll = polls.start(_user(), session, data)
    _emit("poll", polls.poll_dict(poll), session.id)
    _ensure_loop()
    return {"poll": polls.poll_dict(poll, None, with_mine=True)}


@events.event("poll_end")
def on_poll_end(data):
    poll = polls.end(_user(), _whole(data, "poll_id"))
    _emit("poll", polls.poll_dict(poll), poll.session_id)
    return {"poll": polls.poll_dict(poll, None, with_mine=True)}


@events.event("vote")
def on_vote(data):
    user = SimpleNamespace(id=events.current_user_id())
    option = data.get("option")
    poll = polls.vote(user, _whole(data, "poll_id"), option)
    with _lock:
        _dirty_polls.add(poll.id)
    _ensure_loop()
    return {"poll": polls.poll_dict(poll, option, with_mine=True)}


# --- the announcement ----------------------------------------------------------------


@events.event("announce")
def on_announce(data):
    session = sessions.get_session(_whole(data, "session_id"))
    row = announcements.announce(_user(), session, data.get("text"))
    payload = announcements.announcement_dict(row)
    _emit(
        "announcement", {"session_id": session.id, "announcement": payload}, session.id
    )
    return {"announcement": payload}


# --- lucky draws ---------------------------------------------------------------------


def _forget_keyword(session_id):
    with _lock:
        _keywords.pop(session_id, None)


@shared.on_control("draw_changed")
def _draw_changed(session_id):
    _forget_keyword(session_id)


def _draw_changed_everywhere(session_id):
    _forget_keyword(session_id)
    shared.publish("draw_changed", session_id=session_id)


@events.event("draw_start")
def on_draw_start(data):
    session = sessions.get_session(_whole(data, "session_id"))
    draw = draws.start(_user(), session, data)
    _draw_changed_everywhere(session.id)
    _emit("draw", present.draw_dict(draw), session.id)
    _ensure_loop()
    return {"draw": present.draw_dict(draw)}


@events.event("draw_end")
def on_draw_end(data):
    draw, won = draws.end(_user(), _whole(data, "draw_id"), hold_s=hold_for("prize"))
    announce_draw(draw, won)
    return {"draw": present.draw_dict(draw)}


def hold_for(kind, config=None):
    """How long a winner's units stay held: a lucky bag's prize, or a lottery's."""
    config = config or current_app.config
    return config["LOTTERY_HOLD_S" if kind == "lottery" else "DRAW_HOLD_S"]


def _open_draw(session_id):
    """(draw id, keyword, ends_at) of the room's open lucky draw, or None; read
    at most once a second per room and process (the chat's hot path)."""
    now = time.monotonic()
    with _lock:
        cached = _keywords.get(session_id)
    if cached is not None and now - cached[0] < KEYWORD_TTL_S:
        return cached[1:] if cached[1] else None
    draw = draws.open_in(session_id)
    entry = (now, draw.id, draw.keyword, draw.ends_at) if draw else (now, None)
    with _lock:
        _keywords[session_id] = entry
    return entry[1:] if draw else None


def _chat_posted(sender, session, user, message):
    found = _open_draw(session.id)
    if found is None:
        return {}
    draw_id, keyword = found[0], found[1]
    if not draws.matches(keyword, message.body):
        return {}
    return _enter(user, draw_id)


events.chat_posted.connect(_chat_posted, weak=False)


def _enter(user, draw_id):
    try:
        draw = draws.get(draw_id)
        is_new = draws.enter(user, draw)
    except DomainError as e:
        return {"draw_entered": None, "draw_refused": e.code}
    if is_new:
        entered(draw)
        return {"draw_entered": draw_id}
    return {"draw_entered": None, "draw_refused": "already_entered"}


@events.event("draw_enter")
def on_draw_enter(data):
    """One tap: the keyword goes out as the viewer's chat message, which enters."""
    user = _user()
    draw = draws.get(_whole(data, "draw_id"))
    if draw.kind != "prize":
        raise Invalid("Register for a lottery sale with flash_enter.")
    if draw.status != "open" or utcnow() >= draw.ends_at:
        raise draws.DrawEnded("This draw has ended.")
    if draws.has_entered(user, [draw]):
        raise draws.AlreadyEntered("You have entered this draw.")
    return events.on_chat({"session_id": draw.session_id, "body": draw.keyword})


def entered(draw):
    """Someone entered `draw`: its count goes out with the next flush."""
    with _lock:
        _dirty_draws.add(draw.id)
    _ensure_loop()


@events.event("flash_enter")
def on_flash_enter(data):
    user = SimpleNamespace(id=events.current_user_id())
    draw = lottery.enter(user, _whole(data, "flash_sale_id"))
    entered(draw)
    return {"entered": True, "entrants": draw.entrants}


def announce_draw(draw, won):
    """The room hears the result; each winner's sockets hear `draw_won`."""
    _draw_changed_everywhere(draw.session_id)
    if draw.kind == "lottery":
        sale = flash_sales.FlashSale.get_by_id(draw.sale_id)
        _emit(
            "flash_sale",
            {"event": "drawn", "flash_sale": flash_sales.sale_dict(sale)},
            draw.session_id,
        )
    else:
        _emit("draw", present.draw_dict(draw), draw.session_id)
    body = present.draw_dict(draw)
    for uid, prize in won.items():
        payload = {"draw": body}
        if hasattr(prize, "expires_at"):
            payload["reservation"] = allot.reservation_dict(prize)
        else:
            payload["user_coupon"] = coupon_present.user_coupon_dict(prize)
        socketio.emit(
            "draw_won", payload, to=events.user_room(uid), namespace=events.NS
        )


# --- the join state ------------------------------------------------------------------


@events.state_extras.connect
def _state_extras(sender, session, keep):
    """The poll, draw and announcement as an anonymous viewer sees them."""
    _ensure_loop()  # any room joined in this process keeps its deadlines
    poll = polls.current(session)
    draw = draws.current(session)
    keep["poll"], keep["draw"] = poll, draw
    return {
        "poll": polls.poll_dict(poll, None, with_mine=True) if poll else None,
        "announcement": announcements.announcement_dict(
            announcements.of_session(session)
        ),
        "draw": present.draw_dict(draw, None, entered=False) if draw else None,
    }


@events.viewer_extras.connect
def _viewer_extras(sender, session, user, state, keep):
    """The viewer's own vote, entry and win."""
    poll, draw, out = keep.get("poll"), keep.get("draw"), {}
    if poll is not None:
        mine = polls.my_votes(user, [poll]).get(poll.id)
        if mine is not None:
            out["poll"] = {**state["poll"], "my_vote": mine}
    if draw is not None:
        entered = draw.id in draws.has_entered(user, [draw])
        won = draw.status == "drawn" and user.id in (draw.winners or [])
        if entered or won:
            out["draw"] = {**state["draw"], "entered": entered, "won": won}
    return out


# --- the loop: coalesced counts and deadlines ----------------------------------------


def flush():
    """Send each poll and draw that got votes or entries since the last flush."""
    with _lock:
        poll_ids, draw_ids = set(_dirty_polls), set(_dirty_draws)
        _dirty_polls.clear()
        _dirty_draws.clear()
    if not poll_ids and not draw_ids:
        return 0
    with db.connection_context():
        for poll in Poll.select().where(Poll.id.in_(list(poll_ids))):
            _emit("poll", polls.poll_dict(poll), poll.session_id)
        for draw in Draw.select().where(Draw.id.in_(list(draw_ids))):
            if draw.kind == "lottery":
                sale = flash_sales.FlashSale.get_by_id(draw.sale_id)
                _emit(
                    "flash_sale",
                    {"event": "entrants", "flash_sale": flash_sales.sale_dict(sale)},
                    draw.session_id,
                )
            else:
                _emit("draw", present.draw_dict(draw), draw.session_id)
    return len(poll_ids) + len(draw_ids)


def tick(now=None, config=None):
    """End the polls and draw the draws whose time is up (any process; once)."""
    config = config or current_app.config
    with db.connection_context():
        for poll in polls.end_due(now):
            _emit("poll", polls.poll_dict(poll), poll.session_id)
        for draw_id, kind in draws.due(now):
            done = draws.run(draw_id, now, hold_s=hold_for(kind, config))
            if done is not None:
                announce_draw(*done)


def _run_forever(app):
    n = 0
    with app.app_context():
        while True:
            socketio.sleep(FLUSH_S)
            n += 1
            try:
                flush()
                if n % 2 == 0:
                    tick()
            except Exception:  # one bad pass must not stop the loop
                log.exception("interaction loop failed")


def _ensure_loop():
    if _loop["started"] or not has_app_context() or current_app.config.get("TESTING"):
        return  # tests call flush() and tick() themselves
    with _lock:
        if _loop["started"]:
            return
        _loop["started"] = True
    socketio.start_background_task(_run_forever, current_app._get_current_object())
