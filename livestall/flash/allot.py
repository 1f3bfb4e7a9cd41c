"""Units of a lottery sale (or a lucky draw's prize) allotted to drawn winners.

Called inside the draw's transaction. Each winner in rank order gets a hold of up
to `per_user_limit` units, the last one fewer, until the units are gone: each
hold is the grab's own guarded move `remaining -> held` (so `sold + held +
remaining == quantity` stays true), the per-user row and a Reservation."""

import datetime

from livestall.db.base import isoformat
from livestall.flash.models import FlashBuyer, FlashSale, Reservation


def allot(sale_id, winner_ids, hold_s, now):
    """Holds for `winner_ids` (in rank order); returns {user id: reservation}."""
    sale = FlashSale.get_by_id(sale_id)
    left, out = sale.remaining, {}
    expires = now + datetime.timedelta(seconds=hold_s)
    for user_id in winner_ids:
        qty = min(sale.per_user_limit, left)
        if qty <= 0:
            break
        taken = (
            FlashSale.update(
                remaining=FlashSale.remaining - qty, held=FlashSale.held + qty
            )
            .where((FlashSale.id == sale_id) & (FlashSale.remaining >= qty))
            .execute()
        )
        if not taken:  # pragma: no cover - the draw's transaction holds the row
            break
        left -= qty
        FlashBuyer.insert(sale=sale_id, user=user_id, qty=qty).on_conflict(
            conflict_target=[FlashBuyer.sale, FlashBuyer.user],
            update={FlashBuyer.qty: FlashBuyer.qty + qty},
        ).execute()
        out[user_id] = Reservation.create(
            sale=sale_id,
            user=user_id,
            qty=qty,
            price_cents=sale.price_cents,
            expires_at=expires,
            created_at=now,
        )
    return out


def reservation_dict(res):
    return {
        "id": res.id,
        "sale_id": res.sale_id,
        "qty": res.qty,
        "price_cents": res.price_cents,
        "expires_at": isoformat(res.expires_at),
    }
