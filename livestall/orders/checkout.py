"""Cart and idempotent checkout: stock taken by guarded UPDATEs, all or nothing."""

import hashlib
import json
import re
from itertools import groupby

from peewee import IntegrityError

from livestall.attribution import commissions
from livestall.attribution import engine as attribution
from livestall.catalog.models import Product
from livestall.db.base import transaction, utcnow
from livestall.errors import Conflict, Invalid, OutOfStock
from livestall.flash import rules as flash_sale
from livestall.flash.models import Reservation
from livestall.notifications import rules as notifications
from livestall.orders import payments
from livestall.orders.models import (
    PAYMENT_METHODS,
    CartItem,
    Checkout,
    Order,
    OrderEvent,
    OrderLine,
)
from livestall.search import index as search_index

QTY_MAX = 99
LINES_MAX = 50
KEY_RE = re.compile(r"^[A-Za-z0-9_.:-]{8,100}$")
PHONE_RE = re.compile(r"^\+?[0-9][0-9 \-]{5,28}$")
SOURCE_RE = re.compile(r"^(post|live|share|flash):[0-9]{1,12}$")


def clean_items(items):
    """[{product_id, qty, source?}] -> {product_id: (qty, source)}, validated."""
    if not isinstance(items, list) or not items:
        raise Invalid("Add at least one item.", field="items")
    if len(items) > LINES_MAX:
        raise Invalid("At most %(n)d lines.", field="items", n=LINES_MAX)
    merged = {}
    for item in items:
        if not isinstance(item, dict):
            raise Invalid("Each item needs product_id and qty.", field="items")
        pid, qty = item.get("product_id"), item.get("qty")
        for value in (pid, qty):
            if isinstance(value, bool) or not isinstance(value, int):
                raise Invalid(
                    "product_id and qty must be whole numbers.", field="items"
                )
        if not 0 < pid < 2**53:
            raise Invalid("Unknown product %(id)s.", field="items", id=pid)
        if not 1 <= qty <= QTY_MAX:
            raise Invalid("Quantity must be from 1 to %(n)d.", field="items", n=QTY_MAX)
        source = item.get("source")
        if source is not None and not (
            isinstance(source, str) and SOURCE_RE.match(source)
        ):
            source = None
        old_qty, old_source = merged.get(pid, (0, None))
        if old_qty + qty > QTY_MAX:
            raise Invalid("Quantity must be from 1 to %(n)d.", field="items", n=QTY_MAX)
        merged[pid] = (old_qty + qty, old_source or source)
    return merged


def clean_shipping(shipping):
    if not isinstance(shipping, dict):
        raise Invalid("Give a name, address and phone for delivery.", field="shipping")
    out = {}
    for field, lo, hi in (("name", 1, 60), ("address", 5, 300), ("phone", 6, 30)):
        value = shipping.get(field)
        if not isinstance(value, str):
            raise Invalid("This field must be text.", field=f"shipping.{field}")
        value = " ".join(value.replace("\x00", "").split())
        if not lo <= len(value) <= hi:
            raise Invalid(
                "Enter %(lo)d to %(hi)d characters.",
                field=f"shipping.{field}",
                lo=lo,
                hi=hi,
            )
        out[field] = value
    if not PHONE_RE.match(out["phone"]):
        raise Invalid(
            "Enter a phone number (digits, spaces, + and -).", field="shipping.phone"
        )
    return out


def _hash(items, shipping, payment_method, reservation_ids=()):
    canonical = json.dumps(
        {
            "items": sorted((pid, q, s) for pid, (q, s) in items.items()),
            "shipping": shipping,
            "payment": payment_method,
            "reservations": list(reservation_ids),
        },
        sort_keys=True,
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def place_order(
    buyer,
    items,
    shipping,
    idempotency_key,
    payment_method="cod",
    reservation_ids=None,
):
    """Create one order per merchant; return (orders, created).

    The same key with the same body returns the orders made the first time
    (created=False); with a different body it is a 409. Stock for every line is
    taken in one transaction by guarded UPDATEs in product-id order; if any line
    is short, nothing is taken. Flash-sale holds (`reservation_ids`) become lines
    at the sale's price in the same transaction; their units were set aside when
    the sale launched.
    """
    if not isinstance(idempotency_key, str) or not KEY_RE.match(idempotency_key):
        raise Invalid(
            "idempotency_key must be 8-100 letters, digits or - _ . :",
            field="idempotency_key",
        )
    if payment_method not in PAYMENT_METHODS:
        raise Invalid(
            "Choose cash on delivery or bank transfer.", field="payment_method"
        )
    reservation_ids = flash_sale.clean_ids(reservation_ids)
    items = clean_items(items) if items or not reservation_ids else {}
    shipping = clean_shipping(shipping)
    digest = _hash(items, shipping, payment_method, reservation_ids)
    try:
        with transaction():
            previous = Checkout.get_or_none(
                (Checkout.buyer == buyer.id)
                & (Checkout.idempotency_key == idempotency_key)
            )
            if previous is not None:
                return _replay(previous, digest), False
            checkout = Checkout.create(
                buyer=buyer.id, idempotency_key=idempotency_key, request_hash=digest
            )
            orders = _take_stock_and_write(
                buyer, checkout, items, shipping, payment_method, reservation_ids
            )
    except IntegrityError:  # a concurrent twin won the race (PostgreSQL)
        previous = Checkout.get(
            (Checkout.buyer == buyer.id) & (Checkout.idempotency_key == idempotency_key)
        )
        return _replay(previous, digest), False
    _sold_out_reindexed(orders)
    if reservation_ids:  # a closed sale whose last hold this was settles now
        for (sale_id,) in (
            Reservation.select(Reservation.sale)
            .where(Reservation.id.in_(reservation_ids))
            .distinct()
            .tuples()
        ):
            flash_sale.settle(sale_id)
    return orders, True


def _sold_out_reindexed(orders):
    """Products this checkout sold out leave "in stock only" search results now
    (one cheap read; an index write only on a sell-out, which is rare)."""
    ids = [
        pid
        for (pid,) in OrderLine.select(OrderLine.product)
        .join(Product)
        .where(OrderLine.order.in_([o.id for o in orders]) & (Product.stock <= 0))
        .tuples()
    ]
    if ids:
        search_index.product_changed(*ids)


def _replay(checkout, digest):
    if checkout.request_hash != digest:
        raise Conflict(
            "This idempotency key was already used for a different order.",
            code="idempotency_conflict",
        )
    return list(Order.select().where(Order.checkout == checkout).order_by(Order.id))


def _take_stock_and_write(
    buyer, checkout, items, shipping, payment_method, reservation_ids=()
):
    products = {p.id: p for p in Product.select().where(Product.id.in_(list(items)))}
    holds = flash_sale.convert(buyer, reservation_ids)
    for pid in sorted(items):
        product = products.get(pid)
        if product is None or product.is_archived:
            raise Invalid("Product %(id)d is not for sale.", field="items", id=pid)
        if product.merchant_id == buyer.id:
            raise Invalid("You cannot buy your own product.", field="items")
    merchants = {p.merchant_id for p in products.values()}
    merchants |= {h.sale.product.merchant_id for h in holds}
    if payment_method not in payments.methods_for(merchants):
        raise Invalid(
            "This shop does not take this payment method. Choose another.",
            field="payment_method",
        )
    for pid in sorted(items):  # one order of locking, no deadlocks between buyers
        qty = items[pid][0]
        taken = (
            Product.update(
                stock=Product.stock - qty, sales_count=Product.sales_count + qty
            )
            .where(
                (Product.id == pid)
                & (Product.stock >= qty)
                & (Product.status == "active")
            )
            .execute()
        )
        if not taken:
            left = Product.select(Product.stock).where(Product.id == pid).scalar()
            raise OutOfStock(
                "Only %(left)d left of “%(title)s”.",
                field="items",
                left=max(left or 0, 0),
                title=products[pid].title,
            )
    # Lines: (merchant_id, product, qty, unit price, source, reservation id)
    lines = [
        (
            products[p].merchant_id,
            products[p],
            items[p][0],
            products[p].price_cents,
            items[p][1],
            None,
        )
        for p in items
    ] + [
        (
            h.sale.product.merchant_id,
            h.sale.product,
            h.qty,
            h.price_cents,
            f"flash:{h.sale_id}",
            h.id,
        )
        for h in holds
    ]
    lines.sort(key=lambda line: (line[0], line[1].id, line[5] or 0))
    now = utcnow()
    orders = []
    for merchant_id, group in groupby(lines, key=lambda line: line[0]):
        group = list(group)
        order = Order.create(
            checkout=checkout,
            buyer=buyer.id,
            merchant=merchant_id,
            payment_method=payment_method,
            total_cents=sum(line[2] * line[3] for line in group),
            currency=group[0][1].currency,
            ship_name=shipping["name"],
            ship_address=shipping["address"],
            ship_phone=shipping["phone"],
            created_at=now,
            updated_at=now,
        )
        OrderLine.insert_many(
            [
                (order.id, product.id, product.title, qty, price, source)
                for _m, product, qty, price, source, _r in group
            ],
            fields=[
                OrderLine.order,
                OrderLine.product,
                OrderLine.title,
                OrderLine.qty,
                OrderLine.unit_price_cents,
                OrderLine.source,
            ],
        ).execute()
        written = list(OrderLine.select().where(OrderLine.order == order.id))
        credits = attribution.credit_order(
            order, written, {line[1].id: line[1] for line in group}
        )
        commissions.accrue(credits, now)
        held = [line[5] for line in group if line[5]]
        if held:
            Reservation.update(order=order.id).where(Reservation.id.in_(held)).execute()
        OrderEvent.create(
            order=order,
            to_status="pending_payment",
            actor=buyer.id,
            note="placed",
            created_at=now,
        )
        notifications.notify_order("order_placed", order, actor_id=buyer.id)
        orders.append(order)
    return orders


# --- the cart -------------------------------------------------------------------


def _owner(user, visitor_id):
    if user is not None:
        return CartItem.user == user.id
    return (CartItem.visitor_id == visitor_id) & CartItem.user.is_null()


def cart_items(user, visitor_id):
    """The cart's lines with live product rows (price and stock from the database)."""
    return list(
        CartItem.select(CartItem, Product)
        .join(Product)
        .where(_owner(user, visitor_id))
        .order_by(CartItem.added_at, CartItem.id)
    )


def add_to_cart(user, visitor_id, product_id, qty=1, source=None):
    items = clean_items([{"product_id": product_id, "qty": qty, "source": source}])
    qty, source = items[product_id]
    product = Product.get_or_none(Product.id == product_id)
    if product is None or product.is_archived:
        raise Invalid("Product %(id)d is not for sale.", field="items", id=product_id)
    with transaction():
        line = CartItem.get_or_none(
            _owner(user, visitor_id) & (CartItem.product == product_id)
        )
        if line is None:
            if CartItem.select().where(_owner(user, visitor_id)).count() >= LINES_MAX:
                raise Invalid("At most %(n)d lines.", field="items", n=LINES_MAX)
            CartItem.create(
                user=user.id if user else None,
                visitor_id=None if user else visitor_id,
                product=product_id,
                qty=qty,
                source=source,
            )
        else:
            CartItem.update(
                qty=min(QTY_MAX, line.qty + qty), source=line.source or source
            ).where(CartItem.id == line.id).execute()


def set_quantity(user, visitor_id, item_id, qty):
    if isinstance(qty, bool) or not isinstance(qty, int) or not 0 <= qty <= QTY_MAX:
        raise Invalid("Quantity must be from 1 to %(n)d.", field="qty", n=QTY_MAX)
    where = _owner(user, visitor_id) & (CartItem.id == item_id)
    if qty == 0:
        CartItem.delete().where(where).execute()
    else:
        CartItem.update(qty=qty).where(where).execute()


def merge_cart(visitor_id, user):
    """At sign-in, the anonymous cart joins the account's (quantities add up)."""
    if not visitor_id:
        return
    with transaction():
        for line in CartItem.select().where(
            (CartItem.visitor_id == visitor_id) & CartItem.user.is_null()
        ):
            mine = CartItem.get_or_none(
                (CartItem.user == user.id) & (CartItem.product == line.product_id)
            )
            if mine:
                CartItem.update(qty=min(QTY_MAX, mine.qty + line.qty)).where(
                    CartItem.id == mine.id
                ).execute()
                line.delete_instance()
            else:
                CartItem.update(user=user.id, visitor_id=None).where(
                    CartItem.id == line.id
                ).execute()


def clear_cart(user, product_ids):
    CartItem.delete().where(
        (CartItem.user == user.id) & (CartItem.product.in_(list(product_ids)))
    ).execute()
