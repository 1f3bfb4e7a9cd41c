"""The grab, the hot path of a flash sale, and the holds it makes.

A grab moves units `remaining -> held` and writes a Reservation that expires after
the hold time; checkout converts holds (`held -> sold`), and `reap` expires the
others (`held -> remaining`, exactly once). The grab is three pre-built SQL
statements in one BEGIN IMMEDIATE transaction, with no read before the write;
the per-user limit is a guarded upsert in the same transaction. Who may grab,
one at a time, and the group commit under load are `flash.guard`'s.
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
    NotFound,
    OutOfStock,
    SaleEnded,
)
from livestall.flash.models import FlashBuyer, FlashSale, Reservation
from livestall.flash.sales import HOLD_S, QTY_MAX, SaleNotStarted, status_of

_SQL = {}


class LotterySale(Conflict):
    code = "lottery_sale"


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
                f"AND starts_at <= {p} AND ends_at > {p} AND mode = 'race' "
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


def sale_refusal(sale, now):
    """Why the sale itself refuses any grab now (None: it takes grabs). Also the
    answer to a whole locked batch (flash.allotment)."""
    if sale is None:
        return NotFound("No such flash sale.")
    if sale.mode != "race":
        return LotterySale("Units of this sale are drawn by lot, not grabbed.")
    status = status_of(sale, now)
    if status == "ended":
        return SaleEnded("This flash sale has ended.")
    if status == "scheduled":
        return SaleNotStarted("This flash sale has not started yet.")
    return None


def out_of_stock(left):
    if left <= 0:
        return OutOfStock("Sold out.", left=0)
    return OutOfStock("Only %(left)d left.", left=left)


def _refusal(sale_id, qty, now):
    """Say why the guarded UPDATE took nothing (read after the fact, never before)."""
    sale = FlashSale.get_or_none(FlashSale.id == sale_id)
    error = sale_refusal(sale, now)
    raise error if error is not None else out_of_stock(sale.remaining)


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
