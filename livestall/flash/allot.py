"""Units of a lottery sale (or a lucky draw's prize) allotted to drawn winners.

Called inside the draw's transaction. Each winner in rank order gets a hold of up
to `per_user_limit` units, the last one fewer, until the units are gone. The
whole allotment is ONE guarded move `remaining -> held` of the sale row (so
`sold + held + remaining == quantity` stays true) and bulk inserts of the
per-user rows and the Reservations: a draw of 100,000 units is a few statements
per 500 winners, not three per winner."""

import datetime

from livestall.db.base import isoformat
from livestall.flash.models import FlashBuyer, FlashSale, Reservation

CHUNK = 500  # rows per bulk INSERT (bounded SQL parameters)


def plan(winner_ids, per_user, units):
    """[(user id, qty)] in rank order: `per_user` each until `units` are gone."""
    out, left = [], units
    for user_id in winner_ids:
        qty = min(per_user, left)
        if qty <= 0:
            break
        out.append((user_id, qty))
        left -= qty
    return out


def allot(sale_id, winner_ids, hold_s, now):
    """Holds for `winner_ids` (in rank order); returns {user id: reservation}."""
    sale = FlashSale.get_by_id(sale_id)
    shares = plan(winner_ids, sale.per_user_limit, sale.remaining)
    total = sum(qty for _uid, qty in shares)
    if not total:
        return {}
    taken = (
        FlashSale.update(
            remaining=FlashSale.remaining - total, held=FlashSale.held + total
        )
        .where((FlashSale.id == sale_id) & (FlashSale.remaining >= total))
        .execute()
    )
    if not taken:  # pragma: no cover - the draw's transaction holds the row
        return {}
    expires = now + datetime.timedelta(seconds=hold_s)
    out = {}
    for start in range(0, len(shares), CHUNK):
        chunk = shares[start : start + CHUNK]
        _buyers(sale_id, chunk)
        Reservation.insert_many(
            [
                {
                    "sale": sale_id,
                    "user": uid,
                    "qty": qty,
                    "price_cents": sale.price_cents,
                    "status": "held",
                    "expires_at": expires,
                    "created_at": now,
                }
                for uid, qty in chunk
            ]
        ).execute()
        for res in Reservation.select().where(
            (Reservation.sale == sale_id)
            & (Reservation.status == "held")
            & Reservation.user.in_([uid for uid, _qty in chunk])
        ):
            out[res.user_id] = res
    return out


def _buyers(sale_id, chunk):
    """The per-user rows (a sale drawn by lot has none before its draw)."""
    FlashBuyer.insert_many(
        [{"sale": sale_id, "user": uid, "qty": qty} for uid, qty in chunk]
    ).execute()


def reservation_dict(res):
    return {
        "id": res.id,
        "sale_id": res.sale_id,
        "qty": res.qty,
        "price_cents": res.price_cents,
        "expires_at": isoformat(res.expires_at),
    }
