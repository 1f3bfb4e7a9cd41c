"""Live selling sessions: scheduling, editing, start and end, featured and pinned
products, who may run a room (require_host, is_moderator) and the room's action log.

The live domain's rules are split by what they do: sessions (here), listings (which
sessions to show), chat (messages, hearts, blocked words), moderation (mute, ban,
moderators, slow mode, held and deleted messages), sales (purchases in a room, live
stats, GMV) and replay (chapters, the chat as it was seen, the action log).

Free of Flask and of Socket.IO: `blueprints/live/events.py` calls these and
broadcasts what they return. Every state change is a guarded UPDATE or an INSERT
in a transaction, so two server processes never disagree about a session.
"""

import datetime

from livestall.accounts import verification
from livestall.accounts.models import User
from livestall.catalog import availability
from livestall.catalog.models import Product
from livestall.content import rules as content
from livestall.db.base import Prepared, isoformat, transaction, utcnow
from livestall.errors import Conflict, DomainError, Invalid, NotAllowed, NotFound
from livestall.live.models import LiveAction, LiveProduct, LiveSession, Moderator
from livestall.media.models import Image
from livestall.orders import sources
from livestall.platform import audit

TITLE_MAX = 120
DESCRIPTION_MAX = 2000
PRODUCTS_MAX = 50
SCHEDULE_AHEAD_DAYS = 365


class NotLive(DomainError):
    code, status = "not_live", 409


def clean_text(value, field, most, least=0):
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
    ids = content.id_list(ids, "product_ids", PRODUCTS_MAX)
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
            return content.own_images(editor, [image_id])[0]
        except Invalid:
            pass  # not the editor's: it may still be the host's
    return content.own_images(host, [image_id])[0]


def check_host(user):
    if not user.has_role("creator", "admin"):
        raise NotAllowed("Only creators can go live. Switch on the creator role first.")


def _schedule(value):
    when = parse_time(value)
    if when > utcnow() + datetime.timedelta(days=SCHEDULE_AHEAD_DAYS):
        raise Invalid("Schedule it within a year.", field="scheduled_at")
    return when


def create_session(host, data):
    """Schedule a live session: title, description, start time, products, cover."""
    check_host(host)
    if not isinstance(data, dict):
        raise Invalid("Send the session as a JSON object.")
    title = clean_text(data.get("title"), "title", TITLE_MAX, least=1)
    description = clean_text(data.get("description"), "description", DESCRIPTION_MAX)
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
    require_host(editor, session)
    if session.status == "ended":
        raise NotLive("This live has ended.")
    changes = {}
    if "title" in data:
        changes["title"] = clean_text(data["title"], "title", TITLE_MAX, least=1)
    if "description" in data:
        changes["description"] = clean_text(
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


def feature(session_id, product):
    """Add `product` at the end of the session's products unless it is there.

    Pinning a product or launching a flash sale of it features it: API.md's live
    calls name no product list (`product_ids` is an extension). Any shop's product
    may be featured and pinned (a creator sells it for its commission); a flash
    sale of it needs its merchant's consent (`flash.consent`). Runs inside the
    caller's transaction; True if added."""
    links = list(
        LiveProduct.select(LiveProduct.product, LiveProduct.position).where(
            LiveProduct.session == session_id
        )
    )
    if any(link.product_id == product.id for link in links):
        return False
    if product.is_archived:
        raise Invalid(
            "“%(title)s” is no longer sold and cannot be featured.",
            field="product_id",
            title=product.title,
        )
    if len(links) >= PRODUCTS_MAX:
        raise Invalid(
            "A live features at most %(n)d products.",
            field="product_id",
            n=PRODUCTS_MAX,
        )
    position = max((link.position for link in links), default=-1) + 1
    LiveProduct.insert(
        session=session_id, product=product.id, position=position
    ).on_conflict_ignore().execute()
    return True


# The hot lookups of the chat and join paths, compiled once (db.base.Prepared).
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


def get_session(session_id, viewer=None, removed=False):
    """The session; one an admin took down (status `removed`) only for its host
    and admins (`viewer`) or when asked (`removed`), a 404 to everyone and
    everything else."""
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
    if (
        session.status == "removed"
        and not removed
        and not (
            viewer is not None
            and (viewer.id == session.host_id or viewer.has_role("admin"))
        )
    ):
        raise NotFound("No such live session.")
    return session


def is_moderator(user, session):
    """The host, an admin, or someone the host named."""
    if user is None:
        return False
    if user.id == session.host_id or user.has_role("admin"):
        return True
    return bool(_MODERATOR.rows(session.host_id, user.id))


def require_host(user, session):
    if user is None or not (user.id == session.host_id or user.has_role("admin")):
        raise NotAllowed("Only the host can do this.")


def require_moderator(user, session):
    if not is_moderator(user, session):
        raise NotAllowed("Only the host and their moderators can do this.")


def log_action(session_id, actor, kind, **fields):
    """The session's moderation log; an admin acting in another host's room by
    admin right (not as a named moderator) is in the audit log too."""
    LiveAction.create(
        session=session_id, actor=actor.id if actor else None, kind=kind, **fields
    )
    if actor is not None and actor.has_role("admin"):
        host_id = (
            LiveSession.select(LiveSession.host).where(LiveSession.id == session_id)
        ).scalar()
        if host_id != actor.id and not _MODERATOR.rows(host_id, actor.id):
            audit.record(actor, f"live.{kind}", "live", session_id, **fields)


def start(session, user):
    require_host(user, session)
    verification.require_verified(user)  # issue 23: email_unverified
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
        log_action(session.id, user, "start")
    return get_session(session.id)


def end(session, user):
    require_host(user, session)
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
        log_action(session.id, user, "end")
    return get_session(session.id)


def products_of(session, shown=False):
    """The session's products in order; `shown`: only those its room shows (not a
    suspended merchant's: catalog.availability), for the room and its API."""
    query = (
        Product.select(Product, User)
        .join(User, on=(Product.merchant == User.id))
        .switch(Product)
        .join(LiveProduct, on=(LiveProduct.product == Product.id))
        .where(LiveProduct.session == session.id)
        .order_by(LiveProduct.position)
    )
    if shown:
        query = query.where(User.status == availability.MERCHANT_SELLING)
    return Product.with_images(query)


def pin(session, user, product_id):
    """Pin a product (None unpins); logged as a chapter. A product the session does
    not feature yet is added to its products (`feature`)."""
    require_moderator(user, session)
    product = None
    if product_id is not None:
        if (
            isinstance(product_id, bool)
            or not isinstance(product_id, int)
            or not 0 < product_id < 2**53  # SQLite cannot compare bigger ones
        ):
            raise Invalid(
                "product_id must be a whole number or null.", field="product_id"
            )
        product = Product.get_or_none(Product.id == product_id)
        if product is None:
            raise Invalid(
                "There is no product %(id)d.", field="product_id", id=product_id
            )
    with transaction():
        moved = (
            LiveSession.update(pinned_product=product_id)
            .where((LiveSession.id == session.id) & (LiveSession.status == "live"))
            .execute()
        )
        if not moved:
            raise NotLive("Pin products while the live is on.")
        if product is not None:
            feature(session.id, product)
        log_action(
            session.id, user, "pin" if product_id else "unpin", product=product_id
        )
    return get_session(session.id)


def pinned_card(session):
    """The pinned product's card; none while its merchant is suspended."""
    if not session.pinned_product_id:
        return None
    product = (
        Product.select(Product, User)
        .join(User)
        .where(Product.id == session.pinned_product_id)
        .first()
    )
    if product is None or not availability.merchant_selling(product.merchant):
        return None
    return product_card(product, session)


def product_card(product, session=None):
    cover = product.cover
    src = f"?src={sources.of('live', session.id)}" if session else ""
    return {
        "id": product.id,
        "title": product.title,
        "price_cents": product.price_cents,
        "currency": product.currency,
        "stock": product.stock,
        "image_url": cover.thumb_url if cover else None,
        "url": product.url + src,
        "available": availability.is_for_sale(product) and product.stock > 0,
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
        out["products"] = [
            product_card(p, session) for p in products_of(session, shown=True)
        ]
    return out


def _cover_url(session):
    if not session.cover_id:
        return None
    image = Image.get_or_none(Image.id == session.cover_id)
    return image.url if image else None
