"""Flash sales: launch, state, expiry of holds, close and settlement.

Accounting: a sale sets `quantity` units aside from the product's stock at launch.
Units then move between three counters of the sale row, each move one guarded
UPDATE inside a transaction, so `sold + held + remaining == quantity` always:

    grab       remaining -> held      (a Reservation row, expiring after HOLD_S)
    checkout   held      -> sold      (the reservation becomes an order line)
    expiry     held      -> remaining (exactly once: a guarded status change)

When the sale has closed and nothing is held any more, the unsold `remaining`
units go back to the product's stock, once (`settled`).

The grab itself (the hot path) and the holds are `flash.grabs`; the fair entry to
it (one grab in flight per person, group commit) is `flash.guard`.
"""

import datetime

from blinker import Signal

from livestall.catalog import availability, inventory
from livestall.catalog.models import Product
from livestall.db.base import isoformat, transaction, utcnow
from livestall.errors import (
    Conflict,
    Invalid,
    NotAllowed,
    NotFound,
    OutOfStock,
    SaleEnded,
    whole_number,
)
from livestall.flash import consent
from livestall.flash.models import FlashBuyer, FlashSale, Reservation
from livestall.live import sessions
from livestall.live.models import LiveSession

QUANTITY_MAX = 1_000_000
PER_USER_MAX = 10_000  # a limit per person (a single grab takes at most QTY_MAX)
QTY_MAX = 99
DURATION_S = (10, 6 * 3600)
DELAY_MAX_S = 3600
HOLD_S = 300  # default; the app passes config FLASH_HOLD_S


# `sale_dict` of a sale that is not a race asks for the keys of its draw:
# receivers (livestall.interaction.lottery) return a dict
sale_extras = Signal("flash-sale-extras")
MODES = ("race", "lottery", "prize")


class SaleNotStarted(Conflict):
    code = "sale_not_started"


def launch(session, user, data, now=None, mode="race", price_floor=1):
    """Start a sale in a live session: units leave the product's stock now.

    Any product on sale may be launched, within its merchant's consent
    (`flash.consent`: 403 `not_allowed_by_merchant` otherwise); one the session
    does not feature yet is added to its products (API.md launches with a
    product_id alone)."""
    if not sessions.is_moderator(user, session):
        raise NotAllowed("Only the host and their moderators can do this.")
    if not isinstance(data, dict):
        raise Invalid("Send the sale as a JSON object.")
    if session.status != "live":
        raise sessions.NotLive("Launch flash sales while the live is on.")
    product_id = whole_number(data, "product_id", 1, 2**53)
    product = Product.get_or_none(Product.id == product_id)
    if product is None:
        raise Invalid("There is no product %(id)d.", field="product_id", id=product_id)
    if product.is_archived:
        raise Invalid("This product is no longer sold.", field="product_id")
    availability.check([product])  # a suspended merchant's: 409 not_for_sale
    price = whole_number(data, "price_cents", price_floor, product.price_cents)
    quantity = whole_number(data, "quantity", 1, QUANTITY_MAX)
    limit = whole_number(
        data, "per_user_limit", 1, min(PER_USER_MAX, quantity), default=1
    )
    duration = whole_number(data, "duration_s", *DURATION_S)
    delay = whole_number(data, "start_delay_s", 0, DELAY_MAX_S, default=0)
    consent.check(product.id, price, quantity)  # a clear refusal, nothing written
    now = now or utcnow()
    starts = now + datetime.timedelta(seconds=delay)
    with transaction():
        if not inventory.set_aside(product.id, quantity):
            raise OutOfStock(
                "Only %(left)d in stock to set aside.",
                field="quantity",
                left=inventory.left(product.id),
            )
        # again under the product row's lock, which set_aside's UPDATE took:
        # concurrent launches and consent changes are seen (rolls back if refused)
        consent.check(product.id, price, quantity)
        sessions.feature(session.id, product)
        sale = FlashSale.create(
            session=session.id,
            product=product.id,
            created_by=user.id,
            price_cents=price,
            currency=product.currency,
            quantity=quantity,
            remaining=quantity,
            per_user_limit=limit,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(seconds=duration),
            created_at=now,
            mode=mode,
        )
        sessions.log_action(
            session.id,
            user,
            "flash_sale",
            product=product.id,
            data={
                "sale_id": sale.id,
                "quantity": quantity,
                "price_cents": price,
                "mode": mode,
            },
        )
    return sale


def get_sale(sale_id, now=None):
    """The sale, after returning its expired holds (lazy expiry on read)."""
    if isinstance(sale_id, bool) or not isinstance(sale_id, int):
        try:
            sale_id = int(sale_id)
        except (TypeError, ValueError):
            raise NotFound("No such flash sale.") from None
    if not 0 < sale_id < 2**53:
        raise NotFound("No such flash sale.")
    reap(now, sale_id=sale_id)
    sale = FlashSale.get_or_none(FlashSale.id == sale_id)
    if sale is None:
        raise NotFound("No such flash sale.")
    return sale


def status_of(sale, now=None):
    now = now or utcnow()
    if sale.closed_at is not None or now >= sale.ends_at:
        return "ended"
    if now < sale.starts_at:
        return "scheduled"
    if sale.remaining <= 0:
        return "sold_out"
    return "open"


def _ms(moment):
    return int(moment.replace(tzinfo=datetime.UTC).timestamp() * 1000)


def sale_dict(sale, now=None):
    product = sale.product
    cover = product.cover
    out = {
        "id": sale.id,
        "session_id": sale.session_id,
        "product_id": sale.product_id,
        "product": {
            "id": product.id,
            "title": product.title,
            "price_cents": product.price_cents,
            "image_url": cover.thumb_url if cover else None,
            "url": product.url,
        },
        "price_cents": sale.price_cents,
        "currency": sale.currency,
        "quantity": sale.quantity,
        "remaining": sale.remaining,
        "held": sale.held,
        "sold": sale.sold,
        "per_user_limit": sale.per_user_limit,
        "starts_at": isoformat(sale.starts_at),
        "ends_at": isoformat(sale.ends_at),
        # to the millisecond, for countdowns (isoformat keeps whole seconds)
        "starts_at_ms": _ms(sale.starts_at),
        "ends_at_ms": _ms(sale.ends_at),
        "sold_out_at": isoformat(sale.sold_out_at),
        "status": status_of(sale, now),
        "mode": sale.mode,
    }
    if sale.mode != "race":
        for _receiver, extra in sale_extras.send(None, sale=sale):
            out.update(extra or {})
    return out


def open_sales(session, now=None):
    """The session's sales that are scheduled, open or sold out (not ended)."""
    now = now or utcnow()
    return list(
        FlashSale.select()
        .where(
            (FlashSale.session == session.id)
            & FlashSale.closed_at.is_null()
            & (FlashSale.ends_at > now)
            & (FlashSale.mode != "prize")  # a lucky draw's units are not on sale
        )
        .order_by(FlashSale.id)
    )


def sales_of(session):
    return list(
        FlashSale.select()
        .where((FlashSale.session == session.id) & (FlashSale.mode != "prize"))
        .order_by(FlashSale.id)
    )


def summary(sale):
    """For the host: units sold, GMV and how long the sell-out took."""
    sell_out = None
    if sale.sold_out_at is not None:
        sell_out = max(0.0, (sale.sold_out_at - sale.starts_at).total_seconds())
    return {
        "sold": sale.sold,
        "held": sale.held,
        "gmv_cents": sale.sold * sale.price_cents,
        "sell_out_s": sell_out,
    }


# --- the grab -------------------------------------------------------------------------


# --- expiry, close, settle ------------------------------------------------------------


def reap(now=None, sale_id=None, limit=500):
    """Expire holds past their time; each returns its units exactly once.
    Safe to run in several processes at once. Returns the ids of touched sales."""
    now = now or utcnow()
    query = Reservation.select(
        Reservation.id, Reservation.sale, Reservation.user, Reservation.qty
    ).where((Reservation.status == "held") & (Reservation.expires_at <= now))
    if sale_id is not None:
        query = query.where(Reservation.sale == sale_id)
    touched = set()
    for hold in list(query.order_by(Reservation.expires_at).limit(limit)):
        with transaction():
            won = (
                Reservation.update(status="expired")
                .where((Reservation.id == hold.id) & (Reservation.status == "held"))
                .execute()
            )
            if not won:  # converted or reaped elsewhere meanwhile
                continue
            FlashSale.update(
                held=FlashSale.held - hold.qty,
                remaining=FlashSale.remaining + hold.qty,
            ).where(FlashSale.id == hold.sale_id).execute()
            FlashBuyer.update(qty=FlashBuyer.qty - hold.qty).where(
                (FlashBuyer.sale == hold.sale_id) & (FlashBuyer.user == hold.user_id)
            ).execute()
        touched.add(hold.sale_id)
    for sid in touched:
        settle(sid)
    return touched


def close_due(now=None):
    """Close sales whose time is up; returns them (to announce `ended`)."""
    now = now or utcnow()
    closed = []
    for sale in FlashSale.select().where(
        FlashSale.closed_at.is_null()
        & (FlashSale.ends_at <= now)
        & (FlashSale.mode == "race")  # the others close when they are drawn
    ):
        if _close(sale, now):
            closed.append(FlashSale.get_by_id(sale.id))
    return closed


def end_sale(sale, user, now=None):
    """The host ends a sale early."""
    session = sessions.get_session(sale.session_id)
    if not sessions.is_moderator(user, session):
        raise NotAllowed("Only the host and their moderators can do this.")
    if sale.mode != "race":
        raise Conflict("A lottery sale ends when it is drawn.", code="lottery_sale")
    if not _close(sale, now or utcnow()):
        raise SaleEnded("This flash sale has ended.")
    sessions.log_action(
        session.id,
        user,
        "flash_sale_end",
        product=sale.product_id,
        data={"sale_id": sale.id},
    )
    return FlashSale.get_by_id(sale.id)


def close_session_sales(session, now=None):
    """When a live ends, its sales end with it."""
    now = now or utcnow()
    closed = []
    for sale in FlashSale.select().where(
        (FlashSale.session == session.id)
        & FlashSale.closed_at.is_null()
        & (FlashSale.mode == "race")  # the others close when they are drawn
    ):
        if _close(sale, now):
            closed.append(FlashSale.get_by_id(sale.id))
    return closed


def close_drawn(sale_id, now):
    """A lottery's or a prize's units after the draw: those not allotted go back
    to stock at once (the sale's quantity shrinks by as many), the sale closes,
    and what winners leave unpaid returns when their holds expire."""
    sale = FlashSale.get_by_id(sale_id)
    if sale.remaining:  # units nobody won: back on the shelf now, not later
        moved = (
            FlashSale.update(quantity=FlashSale.quantity - sale.remaining, remaining=0)
            .where((FlashSale.id == sale.id) & (FlashSale.remaining == sale.remaining))
            .execute()
        )
        if moved:
            inventory.settle(sale.product_id, sale.remaining)
    return _close(sale, now)


def _close(sale, now):
    closed_at = min(now, sale.ends_at)
    won = (
        FlashSale.update(closed_at=closed_at)
        .where((FlashSale.id == sale.id) & FlashSale.closed_at.is_null())
        .execute()
    )
    if won:
        settle(sale.id)
    return bool(won)


def settle(sale_id):
    """Closed and nothing held: unsold units go back to the product, exactly once."""
    with transaction():
        won = (
            FlashSale.update(settled=1)
            .where(
                (FlashSale.id == sale_id)
                & (FlashSale.settled == 0)
                & FlashSale.closed_at.is_null(False)
                & (FlashSale.held == 0)
            )
            .execute()
        )
        if won:
            sale = FlashSale.get_by_id(sale_id)
            inventory.settle(sale.product_id, sale.remaining)
    return bool(won)


# --- holds at checkout ----------------------------------------------------------------


def session_of(sale):
    return LiveSession.get_by_id(sale.session_id)
