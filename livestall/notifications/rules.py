"""In-site notifications: written in the same transaction as what they report."""

from peewee import fn

from livestall.db.base import Prepared, utcnow
from livestall.notifications.models import Notification

# kind -> who hears of it when an order moves ("buyer", "merchant", "other": the
# party that did not make the move).
ORDER_AUDIENCE = {
    "order_placed": ("buyer", "merchant"),
    "order_paid": ("buyer",),
    "order_shipped": ("buyer",),
    "order_delivered": ("merchant",),
    "order_cancelled": ("other",),
    # the merchant hears of refunds they did not make (a seat given up, a team
    # that failed): the money is theirs to send back
    "order_refunded": ("buyer", "other"),
}
KINDS = tuple(ORDER_AUDIENCE)


def notify_order(kind, order, actor_id=None, reason=None):
    """Tell the order's buyer and/or merchant about `kind` (`reason`: why, e.g.
    "unpaid" for an order the system cancelled); returns rows written."""
    people = set()
    for who in ORDER_AUDIENCE[kind]:
        if who == "buyer":
            people.add(order.buyer_id)
        elif who == "merchant":
            people.add(order.merchant_id)
        else:
            people.update({order.buyer_id, order.merchant_id} - {actor_id})
    if kind != "order_placed":
        people.discard(actor_id)  # nobody needs telling what they just did
    rows = [
        {
            "user": uid,
            "kind": kind,
            "order_id": order.id,
            "actor": actor_id,
            "data": {
                "total_cents": order.total_cents,
                "currency": order.currency,
                "tracking_number": order.tracking_number,
                "role": "merchant" if uid == order.merchant_id else "buyer",
                **({"reason": reason} if reason else {}),
            },
            "created_at": utcnow(),
        }
        for uid in sorted(people)
    ]
    if rows:
        Notification.insert_many(rows).execute()
    return len(rows)


def for_user(user, page=1, per_page=20):
    query = Notification.select().where(Notification.user == user.id)
    total = query.count()
    items = list(
        query.order_by(Notification.created_at.desc(), Notification.id.desc()).paginate(
            page, per_page
        )
    )
    return items, total


# the header's bell, on every signed-in page: compiled once
_UNREAD = Prepared(
    lambda uid: (
        Notification.select(fn.COUNT(Notification.id))
        .where((Notification.user == uid) & Notification.read_at.is_null())
        .tuples()
    )
)


def unread_count(user):
    return _UNREAD.rows(user.id)[0][0]


def mark_read(user, up_to_id=None):
    """Mark the user's notifications read (all, or those up to an id they saw)."""
    where = (Notification.user == user.id) & Notification.read_at.is_null()
    if up_to_id is not None:
        # Clamped: any id past the last one means all of them, and the database
        # cannot even compare one past 2**63 (SQLite raised OverflowError: a 500).
        where &= Notification.id <= max(0, min(up_to_id, 2**53))
    return Notification.update(read_at=utcnow()).where(where).execute()


def notify_people(kind, people, data, actor_id=None):
    """Tell each of `people` ({user id: order id or None}) about `kind` (not an
    order's move: e.g. `team_joined`, `team_formed`), with `data`; rows written."""
    now = utcnow()
    rows = [
        {
            "user": uid,
            "kind": kind,
            "order_id": order_id,
            "actor": actor_id,
            "data": data,
            "created_at": now,
        }
        for uid, order_id in sorted(people.items())
        if uid != actor_id
    ]
    if rows:
        Notification.insert_many(rows).execute()
    return len(rows)
