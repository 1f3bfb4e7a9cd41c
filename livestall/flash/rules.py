"""Flash sales: launch, grab (the hot path), expiry, close and settlement.

Accounting: a sale sets `quantity` units aside from the product's stock at launch.
Units then move between three counters of the sale row, each move one guarded
UPDATE inside a transaction, so `sold + held + remaining == quantity` always:

    grab       remaining -> held      (a Reservation row, expiring after HOLD_S)
    checkout   held      -> sold      (the reservation becomes an order line)
    expiry     held      -> remaining (exactly once: a guarded status change)

When the sale has closed and nothing is held any more, the unsold `remaining`
units go back to the product's stock, once (`settled`).

The grab is the hot path (thousands per second): it is three pre-built SQL
statements in one BEGIN IMMEDIATE transaction, with no read before the write.
The per-user limit is enforced by a guarded upsert in the same transaction.
"""

import datetime

from livestall.attribution.models import Touchpoint
from livestall.catalog import inventory
from livestall.catalog.models import Product
from livestall.db.base import db, isoformat, transaction, utcnow
from livestall.errors import (
    Conflict,
    DomainError,
    Invalid,
    LimitReached,
    NotAllowed,
    NotFound,
    OutOfStock,
    SaleEnded,
)
from livestall.flash.models import FlashBuyer, FlashSale, Reservation
from livestall.live import sessions
from livestall.live.models import LiveSession

QUANTITY_MAX = 1_000_000
PER_USER_MAX = 10_000  # a limit per person (a single grab takes at most QTY_MAX)
QTY_MAX = 99
DURATION_S = (10, 6 * 3600)
DELAY_MAX_S = 3600
HOLD_S = 300  # default; the app passes config FLASH_HOLD_S


class SaleNotStarted(Conflict):
    code = "sale_not_started"


def _int(data, key, lo, hi, default=None):
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise Invalid(
            "%(key)s must be a whole number from %(lo)d to %(hi)d.",
            field=key,
            key=key,
            lo=lo,
            hi=hi,
        )
    return value


def launch(session, user, data, now=None):
    """Start a sale in a live session: units leave the product's stock now."""
    if not sessions.is_moderator(user, session):
        raise NotAllowed("Only the host and their moderators can do this.")
    if not isinstance(data, dict):
        raise Invalid("Send the sale as a JSON object.")
    if session.status != "live":
        raise sessions.NotLive("Launch flash sales while the live is on.")
    product_id = _int(data, "product_id", 1, 2**53)
    product = Product.get_or_none(Product.id == product_id)
    featured = {p.id for p in sessions.products_of(session)}
    if product is None or product.id not in featured:
        raise Invalid(
            "Product %(id)s is not featured in this live.",
            field="product_id",
            id=product_id,
        )
    if product.is_archived:
        raise Invalid("This product is no longer sold.", field="product_id")
    price = _int(data, "price_cents", 1, product.price_cents)
    quantity = _int(data, "quantity", 1, QUANTITY_MAX)
    limit = _int(data, "per_user_limit", 1, min(PER_USER_MAX, quantity), default=1)
    duration = _int(data, "duration_s", *DURATION_S)
    delay = _int(data, "start_delay_s", 0, DELAY_MAX_S, default=0)
    now = now or utcnow()
    starts = now + datetime.timedelta(seconds=delay)
    with transaction():
        if not inventory.set_aside(product.id, quantity):
            raise OutOfStock(
                "Only %(left)d in stock to set aside.",
                field="quantity",
                left=inventory.left(product.id),
            )
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
        )
        sessions.log_action(
            session.id,
            user,
            "flash_sale",
            product=product.id,
            data={"sale_id": sale.id, "quantity": quantity, "price_cents": price},
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
    return {
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
    }


def open_sales(session, now=None):
    """The session's sales that are scheduled, open or sold out (not ended)."""
    now = now or utcnow()
    return list(
        FlashSale.select()
        .where(
            (FlashSale.session == session.id)
            & FlashSale.closed_at.is_null()
            & (FlashSale.ends_at > now)
        )
        .order_by(FlashSale.id)
    )


def sales_of(session):
    return list(
        FlashSale.select().where(FlashSale.session == session.id).order_by(FlashSale.id)
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

_SQL = {}


def _sql():
    """The grab's statements, built once per database (paramstyle and names)."""
    key = db.obj.param  # the SQL differs only by paramstyle (not id(): reused)
    if key not in _SQL:
        p = db.obj.param
        sale = FlashSale._meta.table_name
        buyer = FlashBuyer._meta.table_name
        res = Reservation._meta.table_name
        _SQL[key] = {
            "take": (
                f'UPDATE "{sale}" SET remaining = remaining - {p}, held = held + {p} '
                f"WHERE id = {p} AND remaining >= {p} AND closed_at IS NULL "
                f"AND starts_at <= {p} AND ends_at > {p} "
                "RETURNING remaining, price_cents, per_user_limit"
            ),
            "limit": (
                f'INSERT INTO "{buyer}" (sale_id, user_id, qty) VALUES ({p}, {p}, {p}) '
                "ON CONFLICT (sale_id, user_id) DO UPDATE "
                f'SET qty = "{buyer}".qty + excluded.qty '
                f'WHERE "{buyer}".qty + excluded.qty <= {p}'
            ),
            "hold": (
                f'INSERT INTO "{res}" (sale_id, user_id, qty, price_cents, status, '
                "expires_at, created_at) "
                f"VALUES ({p}, {p}, {p}, {p}, 'held', {p}, {p}) RETURNING id"
            ),
            "touch": (
                f'INSERT INTO "{Touchpoint._meta.table_name}" (kind, visitor_id, '
                "user_id, creator_id, live_session_id, created_at) "
                f"VALUES ('flash_grab', {p}, {p}, {p}, {p}, {p})"
            ),
            "sold_out": (
                f'UPDATE "{sale}" SET sold_out_at = {p} '
                f"WHERE id = {p} AND sold_out_at IS NULL"
            ),
        }
    return _SQL[key]


def _when(value):
    return FlashSale.starts_at.db_value(value)


def check_grab(sale_id, qty):
    """Refuse a malformed grab before it costs a transaction."""
    if isinstance(qty, bool) or not isinstance(qty, int) or not 1 <= qty <= QTY_MAX:
        raise Invalid("qty must be from 1 to %(n)d.", field="qty", n=QTY_MAX)
    if (
        isinstance(sale_id, bool)
        or not isinstance(sale_id, int)
        or not 0 < sale_id < 2**53
    ):
        raise NotFound("No such flash sale.")


def grab(sale_id, user, qty, hold_s=HOLD_S, now=None, touch=None):
    """Reserve `qty` units for `user`; returns (reservation dict, remaining).

    Raises OutOfStock, LimitReached, SaleEnded, SaleNotStarted, NotFound, Invalid.
    One transaction: take units (guarded), count them against the user's limit
    (guarded upsert), insert the hold. Any refusal rolls back all three.
    `touch` (visitor_id, creator_id, live_session_id) records the grab as a
    touchpoint in the same transaction (one commit, not two)."""
    result, error = grab_batch([(sale_id, user.id, qty, touch)], hold_s, now)[0]
    if error is not None:
        raise error
    return result


def grab_batch(requests, hold_s=HOLD_S, now=None):
    """Run many grabs in ONE transaction (group commit): [(sale_id, user_id, qty,
    touch)] -> [((reservation, remaining), None) or (None, DomainError)].

    Each grab runs in its own savepoint, so a refused grab rolls back alone and
    the others stand; the single commit at the end makes them all durable at
    once (one fsync instead of one per grab). Nothing is acknowledged before it."""
    now = now or utcnow()
    expires = now + datetime.timedelta(seconds=hold_s)
    sql = _sql()
    out = []
    with transaction():
        for sale_id, user_id, qty, touch in requests:
            try:
                check_grab(sale_id, qty)
                with db.atomic():  # a savepoint
                    out.append(
                        (
                            _grab_one(sql, sale_id, user_id, qty, touch, now, expires),
                            None,
                        )
                    )
            except DomainError as error:
                out.append((None, error))
    expires_at = isoformat(expires)
    for result, _error in out:
        if result is not None:
            result[0]["expires_at"] = expires_at
    return out


def _grab_one(sql, sale_id, user_id, qty, touch, now, expires):
    at = _when(now)
    rows = db.execute_sql(sql["take"], (qty, qty, sale_id, qty, at, at)).fetchall()
    if not rows:
        _refusal(sale_id, qty, now)  # raises; the savepoint rolls back
    remaining, price, limit = rows[0]
    if qty > limit:
        raise LimitReached(
            "At most %(n)d per person in this sale.", field="qty", n=limit
        )
    counted = db.execute_sql(sql["limit"], (sale_id, user_id, qty, limit))
    if counted.rowcount != 1:
        raise LimitReached(
            "At most %(n)d per person in this sale.", field="qty", n=limit
        )
    rid = db.execute_sql(
        sql["hold"], (sale_id, user_id, qty, price, _when(expires), at)
    ).fetchall()[0][0]
    if remaining == 0:
        db.execute_sql(sql["sold_out"], (at, sale_id))
    if touch:
        db.execute_sql(
            sql["touch"],
            (
                touch["visitor_id"],
                user_id,
                touch.get("creator_id"),
                touch.get("live_session_id"),
                at,
            ),
        )
    reservation = {"id": rid, "sale_id": sale_id, "qty": qty, "price_cents": price}
    return reservation, remaining


def _refusal(sale_id, qty, now):
    """Say why the guarded UPDATE took nothing (read after the fact, never before)."""
    sale = FlashSale.get_or_none(FlashSale.id == sale_id)
    if sale is None:
        raise NotFound("No such flash sale.")
    status = status_of(sale, now)
    if status == "ended":
        raise SaleEnded("This flash sale has ended.")
    if status == "scheduled":
        raise SaleNotStarted("This flash sale has not started yet.")
    if sale.remaining <= 0:
        raise OutOfStock("Sold out.", left=0)
    raise OutOfStock("Only %(left)d left.", left=sale.remaining)


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
        FlashSale.closed_at.is_null() & (FlashSale.ends_at <= now)
    ):
        if _close(sale, now):
            closed.append(FlashSale.get_by_id(sale.id))
    return closed


def end_sale(sale, user, now=None):
    """The host ends a sale early."""
    session = sessions.get_session(sale.session_id)
    if not sessions.is_moderator(user, session):
        raise NotAllowed("Only the host and their moderators can do this.")
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
        (FlashSale.session == session.id) & FlashSale.closed_at.is_null()
    ):
        if _close(sale, now):
            closed.append(FlashSale.get_by_id(sale.id))
    return closed


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


def active_holds(user, now=None):
    """The user's unexpired holds, with their sale and product (for checkout)."""
    now = now or utcnow()
    return list(
        Reservation.select(Reservation, FlashSale, Product)
        .join(FlashSale)
        .join(Product)
        .where(
            (Reservation.user == user.id)
            & (Reservation.status == "held")
            & (Reservation.expires_at > now)
        )
        .order_by(Reservation.id)
    )


def clean_ids(value):
    if value is None:
        return []
    if (
        not isinstance(value, list)
        or len(value) > 20
        or not all(
            isinstance(v, int) and not isinstance(v, bool) and 0 < v < 2**53
            for v in value
        )
    ):
        raise Invalid(
            "reservation_ids must be a list of at most 20 ids.",
            field="reservation_ids",
        )
    return sorted(set(value))


def convert(buyer, reservation_ids, now=None):
    """Inside checkout's transaction: turn holds into sold units.

    Returns the holds as [(reservation, sale, product)]; raises Conflict if any is
    not the buyer's, expired or already used (the whole checkout rolls back)."""
    now = now or utcnow()
    if not reservation_ids:
        return []
    won = (
        Reservation.update(status="converted")
        .where(
            Reservation.id.in_(reservation_ids)
            & (Reservation.user == buyer.id)
            & (Reservation.status == "held")
            & (Reservation.expires_at > now)
        )
        .execute()
    )
    if won != len(reservation_ids):
        raise Conflict(
            "A flash-sale hold has expired or was already used.",
            code="reservation_expired",
            field="reservation_ids",
        )
    holds = list(
        Reservation.select(Reservation, FlashSale, Product)
        .join(FlashSale)
        .join(Product)
        .where(Reservation.id.in_(reservation_ids))
        .order_by(Reservation.id)
    )
    for hold in holds:
        moved = (
            FlashSale.update(
                held=FlashSale.held - hold.qty, sold=FlashSale.sold + hold.qty
            )
            .where((FlashSale.id == hold.sale_id) & (FlashSale.held >= hold.qty))
            .execute()
        )
        if not moved:  # cannot happen while the invariant holds; refuse loudly
            raise Conflict("The flash sale's books do not add up.")
        inventory.count_sold(hold.sale.product_id, hold.qty)
    return holds


def session_of(sale):
    return LiveSession.get_by_id(sale.session_id)
