"""Live selling sessions: scheduling, the room's rules, chat, moderation, replay.

Free of Flask and of Socket.IO: `blueprints/live/events.py` calls these and
broadcasts what they return. Every state change is a guarded UPDATE or an INSERT
in a transaction, so two server processes never disagree about a session.
"""

import datetime
import unicodedata

from peewee import JOIN, fn

from livestall.accounts.models import User
from livestall.catalog.models import Product
from livestall.content import rules as content
from livestall.db.base import Prepared, PreparedInsert, isoformat, transaction, utcnow
from livestall.errors import Conflict, DomainError, Invalid, NotAllowed, NotFound
from livestall.flash.models import FlashSale
from livestall.live.models import (
    BlockedWord,
    ChatMessage,
    LiveAction,
    LiveProduct,
    LiveSession,
    Moderator,
    RoomSanction,
)
from livestall.media.models import Image
from livestall.orders.models import Order, OrderLine

TITLE_MAX = 120
DESCRIPTION_MAX = 2000
PRODUCTS_MAX = 50
CHAT_MAX = 200
RECENT_CHAT = 50
MUTE_MAX_MIN = 24 * 60
SLOW_MODE_MAX_S = 300
BLOCKED_WORDS_MAX = 200
MODERATORS_MAX = 20
LIKES_MAX_PER_EVENT = 50
SCHEDULE_AHEAD_DAYS = 365


class Banned(DomainError):
    code, status = "banned", 403


class Muted(DomainError):
    code, status = "muted", 403


class NotLive(DomainError):
    code, status = "not_live", 409


class SlowMode(DomainError):
    code, status = "slow_mode", 429


# --- sessions -------------------------------------------------------------------------


def _text(value, field, most, least=0):
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise Invalid("This field must be text.", field=field)
    value = value.replace("\x00", "").replace("\r\n", "\n").strip()
    if len(value) < least:
        raise Invalid("Write something first.", field=field)
    if len(value) > most:
        raise Invalid("At most %(n)d characters.", field=field, n=most)
    return value


def parse_time(value, field="scheduled_at"):
    """ISO 8601 text (with a zone, or UTC) or a datetime -> naive UTC datetime."""
    if isinstance(value, datetime.datetime):
        moment = value
    elif isinstance(value, str) and 10 <= len(value) <= 40:
        try:
            moment = datetime.datetime.fromisoformat(
                value.strip().replace("Z", "+00:00")
            )
        except ValueError:
            raise Invalid(
                "Give a date and time like 2026-12-01T20:00:00+08:00.", field=field
            ) from None
    else:
        raise Invalid(
            "Give a date and time like 2026-12-01T20:00:00+08:00.", field=field
        )
    if moment.tzinfo is not None and 2000 <= moment.year <= 2999:
        # (years 1 and 9999 would overflow here: their zone would leave the range)
        moment = moment.astimezone(datetime.UTC).replace(tzinfo=None)
    if not 2000 <= moment.year <= 2999:
        raise Invalid(
            "Give a date and time like 2026-12-01T20:00:00+08:00.", field=field
        )
    return moment.replace(microsecond=0)


def _featured(ids):
    ids = content._ids(ids, "product_ids", PRODUCTS_MAX)
    found = (
        {p.id: p for p in Product.select().where(Product.id.in_(ids))} if ids else {}
    )
    for pid in ids:
        if pid not in found:
            raise Invalid("There is no product %(id)d.", field="product_ids", id=pid)
        if found[pid].is_archived:
            raise Invalid(
                "“%(title)s” is no longer sold and cannot be featured.",
                field="product_ids",
                title=found[pid].title,
            )
    return [found[pid] for pid in ids]


def _cover(host, image_id, editor=None):
    """An image the host (or the admin editing for them) uploaded, or None."""
    if not image_id:
        return None
    if editor is not None and editor.id != host.id:
        try:
            return content._images(editor, [image_id])[0]
        except Invalid:
            pass  # not the editor's: it may still be the host's
    return content._images(host, [image_id])[0]


def _check_host(user):
    if not user.has_role("creator", "admin"):
        raise NotAllowed("Only creators can go live. Switch on the creator role first.")


def _schedule(value):
    when = parse_time(value)
    if when > utcnow() + datetime.timedelta(days=SCHEDULE_AHEAD_DAYS):
        raise Invalid("Schedule it within a year.", field="scheduled_at")
    return when


def create_session(host, data):
    """Schedule a live session: title, description, start time, products, cover."""
    _check_host(host)
    if not isinstance(data, dict):
        raise Invalid("Send the session as a JSON object.")
    title = _text(data.get("title"), "title", TITLE_MAX, least=1)
    description = _text(data.get("description"), "description", DESCRIPTION_MAX)
    when = _schedule(data.get("scheduled_at") or utcnow())
    products = _featured(data.get("product_ids"))
    cover = _cover(host, data.get("cover_image_id"))
    with transaction():
        session = LiveSession.create(
            host=host.id,
            title=title,
            description=description,
            scheduled_at=when,
            cover=cover.id if cover else None,
        )
        _link_products(session, products)
    return session


def update_session(session, editor, data):
    """Change title, description, start time, products or cover (not once ended)."""
    _require_host(editor, session)
    if session.status == "ended":
        raise NotLive("This live has ended.")
    changes = {}
    if "title" in data:
        changes["title"] = _text(data["title"], "title", TITLE_MAX, least=1)
    if "description" in data:
        changes["description"] = _text(
            data["description"], "description", DESCRIPTION_MAX
        )
    if "scheduled_at" in data and session.status == "scheduled":
        changes["scheduled_at"] = _schedule(data["scheduled_at"])
    if "cover_image_id" in data:
        cover = _cover(session.host, data["cover_image_id"], editor)
        changes["cover"] = cover.id if cover else None
    products = _featured(data["product_ids"]) if "product_ids" in data else None
    with transaction():
        if changes:
            LiveSession.update(changes).where(LiveSession.id == session.id).execute()
        if products is not None:
            LiveProduct.delete().where(LiveProduct.session == session.id).execute()
            _link_products(session, products)
            if session.pinned_product_id not in {p.id for p in products}:
                LiveSession.update(pinned_product=None).where(
                    LiveSession.id == session.id
                ).execute()
    return LiveSession.get_by_id(session.id)


def _link_products(session, products):
    if products:
        LiveProduct.insert_many(
            [(session.id, p.id, i) for i, p in enumerate(products)],
            fields=[LiveProduct.session, LiveProduct.product, LiveProduct.position],
        ).execute()


# The hot lookups of the chat and join paths, compiled once (models.base.Prepared).
_SESSION = Prepared(
    lambda sid: (
        LiveSession.select(LiveSession, User)
        .join(User, on=(LiveSession.host == User.id))
        .where(LiveSession.id == sid)
    )
)
_MODERATOR = Prepared(
    lambda host_id, user_id: Moderator.select(Moderator.id).where(
        (Moderator.host == host_id) & (Moderator.user == user_id)
    )
)
_INSERT_CHAT = PreparedInsert(
    ChatMessage.session,
    ChatMessage.user,
    ChatMessage.body,
    ChatMessage.status,
    ChatMessage.created_at,
)
_BLOCKED_WORDS = Prepared(
    lambda host_id: (
        BlockedWord.select(BlockedWord.word)
        .where(BlockedWord.host == host_id)
        .order_by(BlockedWord.word)
    )
)


def get_session(session_id):
    if isinstance(session_id, bool) or not isinstance(session_id, int):
        try:
            session_id = int(session_id)
        except (TypeError, ValueError):
            raise NotFound("No such live session.") from None
    if not 0 < session_id < 2**53:
        raise NotFound("No such live session.")
    session = _SESSION.first(session_id)
    if session is None:
        raise NotFound("No such live session.")
    return session


def is_moderator(user, session):
    """The host, an admin, or someone the host named."""
    if user is None:
        return False
    if user.id == session.host_id or user.has_role("admin"):
        return True
    return bool(_MODERATOR.rows(session.host_id, user.id))


def _require_host(user, session):
    if user is None or not (user.id == session.host_id or user.has_role("admin")):
        raise NotAllowed("Only the host can do this.")


def _require_moderator(user, session):
    if not is_moderator(user, session):
        raise NotAllowed("Only the host and their moderators can do this.")


def _log(session_id, actor, kind, **fields):
    LiveAction.create(
        session=session_id, actor=actor.id if actor else None, kind=kind, **fields
    )


def start(session, user):
    _require_host(user, session)
    now = utcnow()
    with transaction():
        moved = (
            LiveSession.update(status="live", started_at=now)
            .where((LiveSession.id == session.id) & (LiveSession.status == "scheduled"))
            .execute()
        )
        if not moved:
            if session.status == "live":
                raise Conflict("This live has started already.")
            raise Conflict("This live has ended already.")
        _log(session.id, user, "start")
    return get_session(session.id)


def end(session, user):
    _require_host(user, session)
    now = utcnow()
    with transaction():
        moved = (
            LiveSession.update(status="ended", ended_at=now)
            .where(
                (LiveSession.id == session.id)
                & (LiveSession.status.in_(["scheduled", "live"]))
            )
            .execute()
        )
        if not moved:
            raise Conflict("This live has ended already.")
        _log(session.id, user, "end")
    return get_session(session.id)


def products_of(session):
    return Product.with_images(
        Product.select(Product, User)
        .join(User, on=(Product.merchant == User.id))
        .switch(Product)
        .join(LiveProduct, on=(LiveProduct.product == Product.id))
        .where(LiveProduct.session == session.id)
        .order_by(LiveProduct.position)
    )


def pin(session, user, product_id):
    """Feature one of the session's products (None unpins); logged as a chapter."""
    _require_moderator(user, session)
    if product_id is not None:
        if (
            isinstance(product_id, bool)
            or not isinstance(product_id, int)
            or not 0 < product_id < 2**53  # SQLite cannot compare bigger ones
        ):
            raise Invalid(
                "product_id must be a whole number or null.", field="product_id"
            )
        linked = (
            LiveProduct.select()
            .where(
                (LiveProduct.session == session.id)
                & (LiveProduct.product == product_id)
            )
            .exists()
        )
        if not linked:
            raise Invalid(
                "Product %(id)s is not featured in this live.",
                field="product_id",
                id=product_id,
            )
    with transaction():
        moved = (
            LiveSession.update(pinned_product=product_id)
            .where((LiveSession.id == session.id) & (LiveSession.status == "live"))
            .execute()
        )
        if not moved:
            raise NotLive("Pin products while the live is on.")
        _log(session.id, user, "pin" if product_id else "unpin", product=product_id)
    return get_session(session.id)


def pinned_card(session):
    if not session.pinned_product_id:
        return None
    product = Product.get_or_none(Product.id == session.pinned_product_id)
    return product_card(product, session) if product else None


def product_card(product, session=None):
    cover = product.cover
    src = f"?src=live:{session.id}" if session else ""
    return {
        "id": product.id,
        "title": product.title,
        "price_cents": product.price_cents,
        "currency": product.currency,
        "stock": product.stock,
        "image_url": cover.thumb_url if cover else None,
        "url": product.url + src,
        "available": product.status == "active" and product.stock > 0,
    }


def user_dict(user):
    if user is None:
        return None
    return {"id": user.id, "username": user.username, "display_name": user.name}


def session_dict(session, viewers=None, full=True):
    host = session.host
    out = {
        "id": session.id,
        "title": session.title,
        "status": session.status,
        "creator": user_dict(host),
        "pinned_product": pinned_card(session),
        "url": session.url,
        "description": session.description,
        "scheduled_at": isoformat(session.scheduled_at),
        "started_at": isoformat(session.started_at),
        "ended_at": isoformat(session.ended_at),
        "cover_url": _cover_url(session),
        "likes": session.likes,
        "peak_viewers": session.peak_viewers,
        "slow_mode_s": session.slow_mode_s,
    }
    if viewers is not None:
        out["viewers"] = viewers
    if full:
        out["products"] = [product_card(p, session) for p in products_of(session)]
    return out


def _cover_url(session):
    if not session.cover_id:
        return None
    image = Image.get_or_none(Image.id == session.cover_id)
    return image.url if image else None


STALE_AFTER = datetime.timedelta(hours=2)


def listing(status=None, host=None, page=1, per_page=20):
    """Sessions by status. "scheduled" leaves out those more than two hours past
    their start that never started (forgotten, not upcoming)."""
    query = LiveSession.select(LiveSession, User).join(
        User, on=(LiveSession.host == User.id)
    )
    if status:
        query = query.where(LiveSession.status == status)
    if status == "scheduled":
        query = query.where(LiveSession.scheduled_at > utcnow() - STALE_AFTER)
    if host is not None:
        query = query.where(LiveSession.host == host.id)
    total = query.count()
    if status == "ended":
        order = (LiveSession.ended_at.desc(), LiveSession.id.desc())
    elif status == "live":
        order = (LiveSession.started_at.desc(), LiveSession.id.desc())
    else:
        order = (LiveSession.scheduled_at, LiveSession.id)
    return list(query.order_by(*order).paginate(page, per_page)), total


def live_now(limit=12):
    return listing("live", page=1, per_page=limit)[0]


def upcoming_of(hosts, limit=12):
    """Live and scheduled sessions of these hosts (a follower's feed strip)."""
    if not hosts:
        return []
    return list(
        LiveSession.select(LiveSession, User)
        .join(User, on=(LiveSession.host == User.id))
        .where(
            LiveSession.host.in_(list(hosts))
            & (
                (LiveSession.status == "live")
                | (
                    (LiveSession.status == "scheduled")
                    & (LiveSession.scheduled_at > utcnow() - STALE_AFTER)
                )
            )
        )
        .order_by(LiveSession.status.desc(), LiveSession.scheduled_at)  # live first
        .limit(limit)
    )


# --- chat -----------------------------------------------------------------------------


def clean_chat(body):
    """Plain text: control characters out, whitespace folded, 1-200 characters."""
    if not isinstance(body, str):
        raise Invalid("Write a message.", field="body")
    body = "".join(
        " " if ch in "\t\n\r" else ch
        for ch in body
        if ch in "\t\n\r" or unicodedata.category(ch) not in ("Cc", "Cs", "Co", "Cn")
    )
    body = " ".join(body.split())
    if not body:
        raise Invalid("Write a message.", field="body")
    if len(body) > CHAT_MAX:
        raise Invalid("At most %(n)d characters.", field="body", n=CHAT_MAX)
    return body


def _fold(text):
    """For matching blocked words: width, case, spaces and invisible format
    characters (zero-width spaces and joiners, bidi marks) do not count."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return "".join(
        ch for ch in text if unicodedata.category(ch) != "Cf" and not ch.isspace()
    )


# on every chat message and every grab (the kinds are parameters: see Prepared)
_SANCTIONS = Prepared(
    lambda user_id, host_id, ban, session_id, mute: RoomSanction.select(
        RoomSanction.kind, RoomSanction.until
    ).where(
        (RoomSanction.user == user_id)
        & (
            ((RoomSanction.host == host_id) & (RoomSanction.kind == ban))
            | ((RoomSanction.session == session_id) & (RoomSanction.kind == mute))
        )
    )
)


def sanction_of(session, user_id):
    """(banned, muted_until) for this user in this session's room."""
    rows = _SANCTIONS.rows(user_id, session.host_id, "ban", session.id, "mute")
    banned, muted_until, now = False, None, utcnow()
    for row in rows:
        if row.kind == "ban":
            banned = True
            continue
        until = row.until
        if until and until > now:
            muted_until = max(muted_until or until, until)
    return banned, muted_until


def post_chat(session, user, body, now=None):
    """Store a message; raises Banned, Muted, SlowMode, NotLive or Invalid.

    A message with a blocked word is stored as `held`: the sender sees it, the
    room does not, and moderators may release it."""
    body = clean_chat(body)
    if session.status != "live":
        raise NotLive("The chat opens when the live starts.")
    now = now or utcnow()
    moderator = is_moderator(user, session)
    if not moderator:
        banned, muted_until = sanction_of(session, user.id)
        if banned:
            raise Banned("You cannot chat in this room.")
        if muted_until:
            raise Muted(
                "You are muted until %(until)s.",
                until=isoformat(muted_until),
            )
        if session.slow_mode_s:
            last = (
                ChatMessage.select(fn.MAX(ChatMessage.created_at))
                .where(
                    (ChatMessage.session == session.id)
                    & (ChatMessage.user == user.id)
                    & (ChatMessage.status != "deleted")
                )
                .scalar()
            )
            if last is not None:
                wait = session.slow_mode_s - (now - last).total_seconds()
                if wait > 0:
                    error = SlowMode(
                        "Slow mode: one message every %(n)d seconds.",
                        n=session.slow_mode_s,
                    )
                    error.retry_after_s = int(wait) + 1
                    raise error
    status = "visible"
    if not moderator:
        folded = _fold(body)
        for word in blocked_words(session.host_id):
            if _fold(word) and _fold(word) in folded:
                status = "held"
                break
    message = ChatMessage(
        session=session.id, user=user.id, body=body, status=status, created_at=now
    )
    message.id = _INSERT_CHAT(session.id, user.id, body, status, now)
    message.user = user
    return message


def message_dict(message):
    return {
        "id": message.id,
        "session_id": message.session_id,
        "body": message.body,
        "user": user_dict(message.user),
        "created_at": isoformat(message.created_at),
        "status": message.status,
    }


def _recent_chat_query(session_id, status, limit):
    # only what a message shows: every join (and the room page) reads these rows,
    # and each column more is one more value to parse per message
    return (
        ChatMessage.select(
            ChatMessage.id,
            ChatMessage.session,
            ChatMessage.body,
            ChatMessage.status,
            ChatMessage.created_at,
            User.id,
            User.username,
            User.display_name,
        )
        .join(User)
        .where((ChatMessage.session == session_id) & (ChatMessage.status == status))
        .order_by(ChatMessage.id.desc())
        .limit(limit)
    )


_RECENT_CHAT = Prepared(_recent_chat_query)


def recent_chat(session, limit=RECENT_CHAT):
    return _RECENT_CHAT.rows(session.id, "visible", limit)[::-1]


def held_messages(session, limit=50):
    return list(
        ChatMessage.select(ChatMessage, User)
        .join(User)
        .where((ChatMessage.session == session.id) & (ChatMessage.status == "held"))
        .order_by(ChatMessage.id.desc())
        .limit(limit)
    )[::-1]


def _message(message_id):
    if isinstance(message_id, bool) or not isinstance(message_id, int):
        raise Invalid("message_id must be a whole number.", field="message_id")
    if not 0 < message_id < 2**53:  # SQLite cannot even compare bigger ones
        raise NotFound("No such message.")
    message = (
        ChatMessage.select(ChatMessage, User)
        .join(User)
        .where(ChatMessage.id == message_id)
        .first()
    )
    if message is None:
        raise NotFound("No such message.")
    return message


def delete_message(user, message_id):
    """Hide a message for everyone; returns (session, message)."""
    message = _message(message_id)
    session = get_session(message.session_id)
    _require_moderator(user, session)
    with transaction():
        ChatMessage.update(status="deleted").where(
            ChatMessage.id == message.id
        ).execute()
        _log(
            session.id,
            user,
            "delete",
            target_user=message.user_id,
            message_id=message.id,
            data={"body": message.body},
        )
    message.status = "deleted"
    return session, message


def release_message(user, message_id):
    """Let a held message out to the room; returns (session, message)."""
    message = _message(message_id)
    session = get_session(message.session_id)
    _require_moderator(user, session)
    with transaction():
        moved = (
            ChatMessage.update(status="visible")
            .where((ChatMessage.id == message.id) & (ChatMessage.status == "held"))
            .execute()
        )
        if not moved:
            raise Conflict("This message is not held.")
        _log(
            session.id,
            user,
            "release",
            target_user=message.user_id,
            message_id=message.id,
        )
    message.status = "visible"
    return session, message


def _target(user_id):
    if isinstance(user_id, bool) or not isinstance(user_id, int):
        raise Invalid("user_id must be a whole number.", field="user_id")
    if not 0 < user_id < 2**53:  # SQLite cannot even compare bigger ones
        raise NotFound("No such user.")
    target = User.get_or_none(User.id == user_id)
    if target is None:
        raise NotFound("No such user.")
    return target


def _whole(value, field, lo, hi):
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise Invalid("Choose %(lo)d to %(hi)d.", field=field, lo=lo, hi=hi)
    return value


def mute(user, session, user_id, minutes):
    """Mute for `minutes` in this session (0 lifts it); returns the end or None."""
    _require_moderator(user, session)
    minutes = _whole(minutes, "minutes", 0, MUTE_MAX_MIN)
    target = _target(user_id)
    if is_moderator(target, session):
        raise NotAllowed("Moderators cannot be muted.")
    until = utcnow() + datetime.timedelta(minutes=minutes) if minutes else None
    with transaction():
        RoomSanction.delete().where(
            (RoomSanction.session == session.id)
            & (RoomSanction.user == target.id)
            & (RoomSanction.kind == "mute")
        ).execute()
        if until:
            RoomSanction.create(
                host=session.host_id,
                session=session.id,
                user=target.id,
                kind="mute",
                until=until,
            )
        _log(
            session.id,
            user,
            "mute" if until else "unmute",
            target_user=target.id,
            data={"minutes": minutes},
        )
    return target, until


def ban(user, session, user_id):
    """Ban from all of the host's rooms (their past messages stay for review)."""
    _require_moderator(user, session)
    target = _target(user_id)
    if is_moderator(target, session):
        raise NotAllowed("Moderators cannot be banned.")
    with transaction():
        exists = (
            RoomSanction.select()
            .where(
                (RoomSanction.host == session.host_id)
                & (RoomSanction.user == target.id)
                & (RoomSanction.kind == "ban")
            )
            .exists()
        )
        if not exists:
            RoomSanction.create(
                host=session.host_id, session=session.id, user=target.id, kind="ban"
            )
        _log(session.id, user, "ban", target_user=target.id)
    return target


def unban(user, session, user_id):
    _require_moderator(user, session)
    target = _target(user_id)
    with transaction():
        RoomSanction.delete().where(
            (RoomSanction.host == session.host_id)
            & (RoomSanction.user == target.id)
            & (RoomSanction.kind == "ban")
        ).execute()
        _log(session.id, user, "unban", target_user=target.id)
    return target


def set_slow_mode(user, session, seconds):
    _require_moderator(user, session)
    seconds = _whole(seconds, "seconds", 0, SLOW_MODE_MAX_S)
    with transaction():
        LiveSession.update(slow_mode_s=seconds).where(
            LiveSession.id == session.id
        ).execute()
        _log(session.id, user, "slow_mode", data={"seconds": seconds})
    return seconds


def blocked_words(host_id):
    return [w.word for w in _BLOCKED_WORDS.rows(host_id)]


def set_blocked_words(host, words, session=None, actor=None):
    """Replace the host's blocked-words list (a list, or text one per line/comma).
    `actor` (default the host) is who the session's log names."""
    if isinstance(words, str):
        words = words.replace("，", ",").replace("\n", ",").split(",")
    if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
        raise Invalid("Give the words as a list of text.", field="words")
    cleaned = []
    for word in words:
        word = " ".join(word.replace("\x00", "").split())
        if not word:
            continue
        if len(word) > 40:
            raise Invalid("At most %(n)d characters.", field="words", n=40)
        if word not in cleaned:
            cleaned.append(word)
    if len(cleaned) > BLOCKED_WORDS_MAX:
        raise Invalid("At most %(n)d words.", field="words", n=BLOCKED_WORDS_MAX)
    with transaction():
        BlockedWord.delete().where(BlockedWord.host == host.id).execute()
        if cleaned:
            BlockedWord.insert_many(
                [(host.id, w) for w in cleaned],
                fields=[BlockedWord.host, BlockedWord.word],
            ).execute()
        if session is not None:
            _log(
                session.id,
                actor or host,
                "blocked_words",
                data={"count": len(cleaned)},
            )
    return cleaned


def moderators_of(host):
    return list(
        User.select()
        .join(Moderator, on=(Moderator.user == User.id))
        .where(Moderator.host == host.id)
        .order_by(User.username)
    )


def set_moderators(host, usernames):
    _check_host(host)
    if isinstance(usernames, str):
        usernames = usernames.replace("，", ",").replace("\n", ",").split(",")
    if not isinstance(usernames, list) or not all(
        isinstance(u, str) for u in usernames
    ):
        raise Invalid("Give the usernames as a list.", field="usernames")
    names = list(
        dict.fromkeys(u.strip().lstrip("@").lower() for u in usernames if u.strip())
    )
    if len(names) > MODERATORS_MAX:
        raise Invalid("At most %(n)d moderators.", field="usernames", n=MODERATORS_MAX)
    found = (
        {
            u.username.lower(): u
            for u in User.select().where(fn.LOWER(User.username).in_(names))
        }
        if names
        else {}
    )
    for name in names:
        if name not in found:
            raise Invalid("There is no user %(name)s.", field="usernames", name=name)
        if found[name].id == host.id:
            raise Invalid("You moderate your own rooms already.", field="usernames")
    with transaction():
        Moderator.delete().where(Moderator.host == host.id).execute()
        if found:
            Moderator.insert_many(
                [(host.id, u.id) for u in found.values()],
                fields=[Moderator.host, Moderator.user],
            ).execute()
    return moderators_of(host)


# --- likes, viewers, purchases, stats -------------------------------------------------


def add_likes(session_id, count):
    """Add a batch of hearts (one UPDATE); returns the new total."""
    with transaction():
        LiveSession.update(likes=LiveSession.likes + count).where(
            LiveSession.id == session_id
        ).execute()
        return (
            LiveSession.select(LiveSession.likes)
            .where(LiveSession.id == session_id)
            .scalar()
        )


def note_viewers(session_id, count):
    """Raise the peak if `count` beats it (a guarded UPDATE: never lowers it)."""
    LiveSession.update(peak_viewers=count).where(
        (LiveSession.id == session_id) & (LiveSession.peak_viewers < count)
    ).execute()


def mask_name(name):
    """Mask a buyer's name for the room: "王小明" -> "王**", "emma_w" -> "e***w"."""
    name = (name or "").strip() or "?"
    if len(name) <= 1:
        return name + "*"
    if any("\u4e00" <= ch <= "\u9fff" for ch in name):
        return name[0] + "*" * min(len(name) - 1, 2)
    return name[0] + "***" + name[-1]


def purchases(orders):
    """For order lines that came from a live room: [(session_id, event payload)]."""
    out = []
    for order in orders:
        lines = [
            line
            for line in OrderLine.select().where(OrderLine.order == order.id)
            if (line.source or "").startswith(("live:", "flash:"))
        ]
        if not lines:
            continue
        buyer = User.get_by_id(order.buyer_id)
        for line in lines:
            kind, _, ident = line.source.partition(":")
            session_id = int(ident)
            if kind == "flash":  # a flash-sale unit: the sale's room
                session_id = (
                    FlashSale.select(FlashSale.session)
                    .where(FlashSale.id == session_id)
                    .scalar()
                )
                if session_id is None:
                    continue
            featured = LiveProduct.select().where(
                (LiveProduct.session == session_id)
                & (LiveProduct.product == line.product_id)
            )
            if not featured.exists():  # a claimed source: not this room's product
                continue
            out.append(
                (
                    session_id,
                    {
                        "session_id": session_id,
                        "buyer": mask_name(buyer.name),
                        "product": {"id": line.product_id, "title": line.title},
                        "qty": line.qty,
                    },
                )
            )
    return out


def _room_sources(session):
    """Line sources that mean "bought in this room": the room and its flash sales."""
    sale_ids = FlashSale.select(FlashSale.id).where(FlashSale.session == session.id)
    return [f"live:{session.id}"] + [f"flash:{sid}" for (sid,) in sale_ids.tuples()]


def sales(session):
    """Orders, units and GMV of lines bought from this room: products it features,
    orders not cancelled or refunded (GMV counts placed orders, paid or not)."""
    row = (
        OrderLine.select(
            fn.COUNT(fn.DISTINCT(OrderLine.order)).alias("orders"),
            fn.COALESCE(fn.SUM(OrderLine.qty), 0).alias("units"),
            fn.COALESCE(fn.SUM(OrderLine.qty * OrderLine.unit_price_cents), 0).alias(
                "gmv"
            ),
        )
        .join(Order)
        .switch(OrderLine)
        .join(
            LiveProduct,
            on=(
                (LiveProduct.product == OrderLine.product)
                & (LiveProduct.session == session.id)
            ),
        )
        .where(
            OrderLine.source.in_(_room_sources(session))
            & Order.status.not_in(["cancelled", "refunded"])
        )
        .dicts()
        .get()
    )
    return {
        "orders": row["orders"] or 0,
        "units": int(row["units"] or 0),
        "gmv_cents": int(row["gmv"] or 0),
    }


def chat_rate(session, now=None, window_s=60):
    """Messages in the last minute."""
    since = (now or utcnow()) - datetime.timedelta(seconds=window_s)
    return (
        ChatMessage.select()
        .where((ChatMessage.session == session.id) & (ChatMessage.created_at >= since))
        .count()
    )


# --- after the show -------------------------------------------------------------------


def _offset(session, moment):
    start = session.started_at or session.scheduled_at
    return max(0, int((moment - start).total_seconds()))


def clock(seconds):
    hours, rest = divmod(seconds, 3600)
    return f"{hours:02d}:{rest // 60:02d}:{rest % 60:02d}"


def chapters(session):
    """The product timeline: every pin, with its offset from the start."""
    rows = (
        LiveAction.select(LiveAction, Product)
        .join(Product, JOIN.LEFT_OUTER, on=(LiveAction.product == Product.id))
        .where((LiveAction.session == session.id) & (LiveAction.kind == "pin"))
        .order_by(LiveAction.created_at, LiveAction.id)
    )
    out = []
    for row in rows:
        if row.product_id is None:
            continue
        offset = _offset(session, row.created_at)
        out.append(
            {
                "offset_s": offset,
                "clock": clock(offset),
                "product": row.product,
                "at": row.created_at,
            }
        )
    return out


def replay(session, limit=2000):
    """The chat as it was seen (visible messages), with offsets from the start."""
    rows = (
        ChatMessage.select(ChatMessage, User)
        .join(User)
        .where((ChatMessage.session == session.id) & (ChatMessage.status == "visible"))
        .order_by(ChatMessage.id)
        .limit(limit)
    )
    return [(clock(_offset(session, m.created_at)), m) for m in rows]


def action_log(session, limit=500):
    Actor = User.alias()
    Target = User.alias()
    return list(
        LiveAction.select(LiveAction, Actor, Target)
        .join(Actor, JOIN.LEFT_OUTER, on=(LiveAction.actor == Actor.id))
        .switch(LiveAction)
        .join(Target, JOIN.LEFT_OUTER, on=(LiveAction.target_user == Target.id))
        .where(LiveAction.session == session.id)
        .order_by(LiveAction.id)
        .limit(limit)
    )


def action_dict(action):
    return {
        "id": action.id,
        "kind": action.kind,
        "actor": user_dict(action.actor) if action.actor_id else None,
        "target_user": user_dict(action.target_user) if action.target_user_id else None,
        "message_id": action.message_id,
        "product_id": action.product_id,
        "data": action.data,
        "created_at": isoformat(action.created_at),
    }
