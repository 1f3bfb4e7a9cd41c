"""Order life: a guarded state machine, stock returned exactly once, access rules."""

import datetime

from peewee import JOIN

from livestall.accounts.models import User
from livestall.attribution import commissions
from livestall.catalog import inventory
from livestall.db.base import isoformat, transaction, utcnow
from livestall.errors import Conflict, Invalid, NotAllowed, NotFound
from livestall.notifications import rules as notifications
from livestall.orders import payments, signals
from livestall.orders.lines import lines_of, load_lines
from livestall.orders.models import Order, OrderEvent, OrderLine
from livestall.platform import audit, settings

# (from, to) -> who may make the move: "merchant", "buyer" (admins may do anything).
TRANSITIONS = {
    # which of these two a payment method allows: orders.payments
    ("pending_payment", "paid"): {"merchant"},  # bank transfer received
    ("pending_payment", "shipped"): {"merchant"},  # cash on delivery
    ("paid", "shipped"): {"merchant"},
    ("shipped", "delivered"): {"merchant", "buyer"},
    ("pending_payment", "cancelled"): {"merchant", "buyer"},
    ("paid", "refunded"): {"merchant"},
    ("shipped", "refunded"): {"merchant"},
    # a return: the goods came back within the return window (returns_until)
    ("delivered", "refunded"): {"merchant"},
}
RESTOCK = {"cancelled", "refunded"}
HELD_MOVES = {"shipped", "delivered"}  # what a fulfilment hold stops


def fulfilment_hold(order):
    """Why `order` may not be shipped or delivered yet (a domain error), or None."""
    if order.status not in ("pending_payment", "paid", "shipped"):
        return None
    for _receiver, error in signals.fulfilment_hold.send(None, order=order):
        if error is not None:
            return error
    return None


DEFAULT_RETURN_WINDOW_DAYS = 7  # 七天无理由退货: seven days, no reason needed


def return_window_days():
    return settings.get("RETURN_WINDOW_DAYS", DEFAULT_RETURN_WINDOW_DAYS)


def returns_until(order):
    """Until when a delivered order can be returned and refunded (None: it is not
    delivered). A delivered order only ever moves to refunded, so its updated_at is
    the time it was delivered."""
    if order.status != "delivered":
        return None
    return order.updated_at + datetime.timedelta(days=return_window_days())


def returns_open_until(order, now=None):
    """returns_until(order) while it is still ahead, else None."""
    until = returns_until(order)
    return until if until is not None and until > (now or utcnow()) else None


def visible_order(user, order_id):
    """The order if `user` is its buyer, its merchant or an admin; else NotFound."""
    try:
        order_id = int(order_id)
    except (TypeError, ValueError):
        raise NotFound("No such order.")
    order = Order.get_or_none(Order.id == order_id)
    if order is None or not (
        user.id in (order.buyer_id, order.merchant_id) or user.has_role("admin")
    ):
        raise NotFound("No such order.")
    if overdue(order):
        expire_unpaid(order_ids=[order.id])
        order = Order.get_by_id(order.id)
    return order


def _role_in(user, order):
    if user.has_role("admin"):
        return {"merchant", "buyer", "admin"}
    roles = set()
    if user.id == order.merchant_id:
        roles.add("merchant")
    if user.id == order.buyer_id:
        roles.add("buyer")
    return roles


def allowed_moves(user, order):
    roles = _role_in(user, order)
    pay = payments.provider(order.payment_method)
    held = HELD_MOVES if fulfilment_hold(order) is not None else ()
    return [
        to
        for (frm, to), who in TRANSITIONS.items()
        if frm == order.status
        and (who & roles or "admin" in roles)
        and not (
            frm == "pending_payment"
            and to == "shipped"
            and not pay.ships_before_payment
        )
        and not (
            frm == "pending_payment" and to == "paid" and not pay.merchant_marks_paid
        )
        and not (frm == "delivered" and returns_open_until(order) is None)
        and to not in held
    ]


def move(user, order, to_status, tracking_number=None, note=""):
    """Change the status by one guarded UPDATE; restock on cancel/refund, once."""
    if overdue(order) and _role_in(user, order):  # its time ran out, not yet swept
        lapse = payments.deadline(order).lapse
        expire_unpaid(order_ids=[order.id])
        too_late(lapse, to_status)
    if isinstance(to_status, str) and to_status in HELD_MOVES and _role_in(user, order):
        hold = fulfilment_hold(order)
        if hold is not None:
            raise hold
    if to_status not in allowed_moves(user, order):
        roles = _role_in(user, order)
        if roles and to_status == "paid" and lapsed(order) == "unpaid":
            too_late("unpaid", to_status)  # swept (or read) before this move
        window = returns_until(order)
        if to_status == "refunded" and roles & {"merchant", "admin"} and window:
            raise NotAllowed(
                "Returns closed on %(date)s, %(days)d days after delivery.",
                date=window.strftime("%Y-%m-%d"),
                days=return_window_days(),
            )
        if roles:
            raise NotAllowed("You cannot move this order to %(to)s now.", to=to_status)
        raise NotFound("No such order.")
    changes = {"status": to_status, "updated_at": utcnow()}
    if to_status == "shipped":
        tracking = (
            (tracking_number or "").strip() if isinstance(tracking_number, str) else ""
        )
        if not 3 <= len(tracking) <= 60:
            raise Invalid("Enter the tracking number.", field="tracking_number")
        changes["tracking_number"] = tracking
    if payments.provider(order.payment_method).paid_on(to_status):
        changes["paid_at"] = changes["updated_at"]
    with transaction():
        moved = _apply(order, to_status, changes, user.id, note)
        audit.record_if_admin(
            user,
            (order.buyer_id, order.merchant_id),
            "order.move",
            "order",
            order.id,
            before=order.status,
            after=to_status,
        )
    return moved


def _apply(order, to_status, changes, actor_id, note, reason=None):
    """The guarded UPDATE from `order.status`, its side effects and its event
    (actor None: the system, e.g. an unpaid order's time ran out)."""
    with transaction():
        if to_status in RESTOCK:
            signals.order_closing.send(None, order=order, to_status=to_status)
        moved = (
            Order.update(changes)
            .where((Order.id == order.id) & (Order.status == order.status))
            .execute()
        )
        if not moved:  # someone else moved it first
            raise Conflict("The order changed meanwhile. Reload and try again.")
        if to_status == "delivered":
            commissions.release(order.id)
        if to_status in RESTOCK:
            commissions.reverse(order.id)
            for line in OrderLine.select().where(OrderLine.order == order.id):
                inventory.give_back(line.product_id, line.qty)
        OrderEvent.create(
            order=order.id,
            from_status=order.status,
            to_status=to_status,
            actor=actor_id,
            note=(note or "")[:200],
        )
        moved = Order.get_by_id(order.id)
        notifications.notify_order(
            f"order_{to_status}", moved, actor_id=actor_id, reason=reason
        )
    return moved


def close(order, to_status, actor_id, note="", reason=None):
    """Cancel or refund `order` for a rule rather than a person's button (a seat
    given up, a team that failed): the same guarded move, its stock back once and
    both parties told (`reason`: why). 409 if the order moved meanwhile."""
    if to_status not in RESTOCK:
        raise ValueError(to_status)
    changes = {"status": to_status, "updated_at": utcnow()}
    return _apply(order, to_status, changes, actor_id, note, reason)


def hand_over(order, actor_id, note=""):
    """The buyer collected `order` in person (a community pickup): delivered from
    paid or shipped, or from pending payment when it is paid on delivery (cash on
    delivery: paid now). The same guarded move, event and notification as a
    person's; 409 if it moved meanwhile or is not paid yet."""
    pay = payments.provider(order.payment_method)
    ready = order.status in ("paid", "shipped") or (
        order.status == "pending_payment" and pay.ships_before_payment
    )
    if not ready:
        raise Conflict(
            "This order cannot be picked up: it is %(status)s.", status=order.status
        )
    changes = {"status": "delivered", "updated_at": utcnow()}
    if order.paid_at is None:
        changes["paid_at"] = changes["updated_at"]
    return _apply(order, "delivered", changes, actor_id, note)


# --- pending orders run out of time: transfers not paid, cash on delivery not shipped
# (or, for pickup, not collected): `payments.deadline`

UNPAID_NOTE = "Not paid in time"
UNSHIPPED_NOTE = "Not shipped in time"
UNCOLLECTED_NOTE = "Not picked up in time"
NOTES = {  # lapse ->
    "unpaid": UNPAID_NOTE,
    "unshipped": UNSHIPPED_NOTE,
    "uncollected": UNCOLLECTED_NOTE,
}


def too_late(lapse, to_status):
    """The refusal of a move on an order whose time ran out (it is cancelled)."""
    if lapse == "unpaid" and to_status == "paid":
        raise Conflict(
            "Too late to mark this order paid: its time to pay is over and it was"
            " cancelled.",
            code="payment_too_late",
        )
    if lapse == "unshipped":
        raise Conflict("This order was cancelled: it was not shipped in time.")
    if lapse == "uncollected":
        raise Conflict("This order was cancelled: it was not picked up in time.")
    raise Conflict("This order was cancelled: it was not paid in time.")


def lapsed(order):
    """Why the system cancelled `order` when its time ran out (`unpaid`,
    `unshipped`, `uncollected`), or None."""
    if order.status != "cancelled":
        return None
    notes = {note: lapse for lapse, note in NOTES.items()}
    event = (
        OrderEvent.select()
        .where(
            (OrderEvent.order == order.id)
            & (OrderEvent.to_status == "cancelled")
            & OrderEvent.actor.is_null()
        )
        .first()
    )
    return notes.get(event.note) if event is not None else None


def pay_by(order):
    """When this unpaid order is cancelled if still unpaid (None: never)."""
    found = payments.deadline(order)
    return found.at if found is not None and found.lapse == "unpaid" else None


def ship_by(order):
    """When this cash-on-delivery order is cancelled if still not shipped (or,
    for pickup, not collected) (None: never, or not such an order)."""
    found = payments.deadline(order)
    return found.at if found is not None and found.lapse != "unpaid" else None


def overdue(order, now=None):
    found = payments.deadline(order)
    return found is not None and found.at is not None and found.at <= (now or utcnow())


def _narrowed(query, order_ids, buyer_id, merchant_id):
    if order_ids is not None:
        query = query.where(Order.id.in_(list(order_ids)))
    if buyer_id is not None:
        query = query.where(Order.buyer == buyer_id)
    if merchant_id is not None:
        query = query.where(Order.merchant == merchant_id)
    return query


def _cancel_lapsed(order, lapse):
    """The system's cancel of `order` for `lapse`, or None if it moved meanwhile."""
    changes = {"status": "cancelled", "updated_at": utcnow()}
    try:
        return _apply(order, "cancelled", changes, None, NOTES[lapse], lapse)
    except Conflict:  # paid, cancelled or swept elsewhere meanwhile
        return None


def expire_unpaid(now=None, order_ids=None, buyer_id=None, merchant_id=None, limit=200):
    """Cancel pending orders whose time is over, returning their stock once: bank
    transfers not paid in time, cash-on-delivery orders not shipped in time
    (`payments`: each provider's `pending_within` and `lapse`), and orders with
    a time of their own past it (`signals.deadline_sweep`: pickup orders).

    Each is the same guarded `pending_payment -> cancelled` UPDATE as a person's
    cancel, so a sweep racing another process, the buyer or the merchant changes
    an order at most once. Called by the server's maintenance loop, by
    `flask expire-unpaid`, and lazily before an order or a list of orders is read.
    Both parties are told, with the reason (`unpaid`, `unshipped`,
    `uncollected`). Returns the cancelled orders."""
    now = now or utcnow()
    cancelled = []
    own = [
        pair
        for _receiver, pair in signals.deadline_sweep.send(None, now=now)
        if pair is not None
    ]
    for code, provider_ in payments.PROVIDERS.items():
        within = provider_.pending_within()
        if within is None:
            continue
        query = Order.select().where(
            (Order.status == "pending_payment")
            & (Order.payment_method == code)
            & (Order.created_at <= now - within)
        )
        for governed, _due in own:
            query = query.where(Order.id.not_in(governed))
        query = _narrowed(query, order_ids, buyer_id, merchant_id)
        for order in list(query.order_by(Order.created_at).limit(limit)):
            done = _cancel_lapsed(order, provider_.lapse)
            if done is not None:
                cancelled.append(done)
    for _governed, due in own:
        query = Order.select().where(
            (Order.status == "pending_payment") & Order.id.in_(due)
        )
        query = _narrowed(query, order_ids, buyer_id, merchant_id)
        for order in list(query.order_by(Order.created_at).limit(limit)):
            found = payments.deadline(order)  # checked again, order by order
            if found is None or found.at is None or found.at > now:
                continue
            done = _cancel_lapsed(order, found.lapse)
            if done is not None:
                cancelled.append(done)
    return cancelled


def orders_of_buyer(user, page=1, per_page=20):
    expire_unpaid(buyer_id=user.id)
    query = Order.select().where(Order.buyer == user.id)
    return _page(query, page, per_page)


def orders_of_merchant(user, status=None, page=1, per_page=50):
    expire_unpaid(merchant_id=user.id)
    query = Order.select().where(Order.merchant == user.id)
    if status:
        query = query.where(Order.status == status)
    return _page(query, page, per_page)


def _page(query, page, per_page):
    total = query.count()
    orders = list(
        query.order_by(Order.created_at.desc(), Order.id.desc()).paginate(
            page, per_page
        )
    )
    return load_lines(orders), total


def history(order):
    return list(
        OrderEvent.select(OrderEvent, User)
        .join(User, JOIN.LEFT_OUTER, on=(OrderEvent.actor == User.id))
        .where(OrderEvent.order == order.id)
        .order_by(OrderEvent.created_at, OrderEvent.id)
    )


def order_dict(order):
    """API.md's `order` object (plus merchant, payment and shipping)."""
    return {
        "id": order.id,
        "status": order.status,
        "total_cents": order.total_cents,
        "goods_cents": order.goods_cents,  # extension (issue 16): total - shipping
        "shipping_cents": order.shipping_cents,
        "discount_cents": order.discount_cents,
        "currency": order.currency,
        "items": [
            {
                "product_id": line.product_id,
                "qty": line.qty,
                "unit_price_cents": line.unit_price_cents,
                "discount_cents": line.discount_cents,
                "price_kind": line.price_kind,  # extension: null at the list price
                "saved_cents": line.saved_cents,  # by that price, on the whole line
                "title": line.title,
            }
            for line in lines_of(order)
        ],
        "merchant_id": order.merchant_id,
        "payment_method": order.payment_method,
        "paid_at": isoformat(order.paid_at) if order.paid_at else None,
        "payment": payments.instructions(order),
        "returns_until": isoformat(returns_until(order)),
        "tracking_number": order.tracking_number,
        "shipping": {
            "name": order.ship_name,
            "address": order.ship_address,
            "phone": order.ship_phone,
        },
        "created_at": isoformat(order.created_at),
        "url": order.url,
    }
