"""Idempotent checkout: holds converted, stock taken through inventory, lines
priced by the pricing pipeline, one order per shop and currency, and
`order_placed` sent. What one buyer may place is bounded by `orders.limits`."""

import hashlib
import json
import re
from itertools import groupby

from peewee import IntegrityError

from livestall.accounts import addresses
from livestall.catalog import availability, inventory
from livestall.catalog.models import Product
from livestall.db.base import transaction, utcnow
from livestall.errors import Conflict, Invalid, NotFound, OutOfStock
from livestall.flash import grabs
from livestall.flash.models import Reservation
from livestall.merchants import shipping as shipping_fees
from livestall.orders import limits, payments, sources
from livestall.orders.models import (
    PAYMENT_METHODS,
    Checkout,
    LineAdjustment,
    Order,
    OrderEvent,
    OrderLine,
)
from livestall.orders.signals import order_placed
from livestall.pricing import discounts
from livestall.pricing.rules import price_lines, standing_offers
from livestall.promotions import redeem

QTY_MAX = 99
LINES_MAX = 50
KEY_RE = re.compile(r"^[A-Za-z0-9_.:-]{8,100}$")
PHONE_RE = re.compile(r"^\+?[0-9][0-9 \-]{5,28}$")


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
        source = sources.clean(item.get("source"))
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


def clean_address_id(address_id):
    if isinstance(address_id, bool) or not isinstance(address_id, int):
        raise Invalid("Choose one of your saved addresses.", field="address_id")
    if not 0 < address_id < 2**53:
        raise Invalid("Choose one of your saved addresses.", field="address_id")
    return address_id


def _saved_shipping(buyer, address_id):
    """The shipping fields of one of the buyer's saved addresses (400 otherwise)."""
    try:
        return addresses.shipping_of(addresses.get(buyer, address_id))
    except NotFound:
        raise Invalid(
            "Choose one of your saved addresses.", field="address_id"
        ) from None


def _hash(items, shipping, payment_method, reservation_ids=(), coupon_ids=()):
    body = {
        "items": sorted((pid, q, s) for pid, (q, s) in items.items()),
        "shipping": shipping,
        "payment": payment_method,
        "reservations": list(reservation_ids),
    }
    if coupon_ids:  # (absent otherwise: keys of checkouts placed before coupons hold)
        body["coupons"] = sorted(coupon_ids)
    canonical = json.dumps(
        body,
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
    visitor_id=None,
    address_id=None,
    claim=None,
    coupon_ids=None,
):
    """Create one order per merchant and currency; return (orders, created).

    The same key with the same body returns the orders made the first time
    (created=False); with a different body it is a 409. Stock for every line is
    taken in one transaction by guarded UPDATEs in product-id order; if any line
    is short, nothing is taken. Flash-sale holds (`reservation_ids`) become lines
    at the sale's price in the same transaction; their units were set aside when
    the sale launched.

    Each item's `source` is the client's claim: kept only when it holds for this
    buyer (and `visitor_id`, the browser's visitor cookie, when a page checks out),
    else the line is bought with no source (`sources.verified`). The digest is of
    the body as sent, so a replay of it still matches.

    `address_id`, one of the buyer's saved addresses, replaces `shipping`: its
    fields are copied onto the orders (the digest holds the id, so a replay
    matches even after the address changed). A typed `shipping` is remembered
    in the buyer's address book (`accounts.addresses.remember`).

    `claim` places a campaign's order (a seat in a group-buying team): it names
    the lines (`claim.items`: {product id: (qty, source)}) and what the digest
    holds of it (`claim.digest`); in the transaction, after this buyer's lock
    and before any stock is taken, `claim.take(buyer, products)` makes its
    guarded claims (raising a domain error refuses the whole checkout) and
    returns the price offers of its lines ({product id: [pricing.Offer]}).
    `order_placed` carries it (`claim=`) so its domain records what was won.
    A claim with a `shipping` attribute (an order for pickup at a community
    leader's point) gives the order's delivery itself: no address is asked or
    remembered, and no shipping fee is charged.

    `coupon_ids` are the buyer's user coupons to use, at most one per shop order
    (`promotions.redeem.take`: each checked valid now and marked used by a
    guarded UPDATE; `pricing.discounts.apply` splits each onto the lines it
    covers; a coupon that does not apply is a 400 naming it and nothing is
    placed). An order's `discount_cents` is the sum of its lines'.
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
    reservation_ids = grabs.clean_ids(reservation_ids)
    coupon_ids = redeem.clean_ids(coupon_ids)
    if claim is not None:
        items, reservation_ids = claim.items, []
    else:
        items = clean_items(items) if items or not reservation_ids else {}
    pickup = getattr(claim, "shipping", None)  # an order for pickup: its point
    if pickup is not None:
        shipping, address_id = dict(pickup), None
    elif address_id is not None:
        address_id = clean_address_id(address_id)
        shipping = None
    else:
        shipping = clean_shipping(shipping)
    asked = shipping if address_id is None else {"address_id": address_id}
    digest = _hash(items, asked, payment_method, reservation_ids, coupon_ids)
    if claim is not None:
        digest = _hash(items, asked, payment_method, claim.digest, coupon_ids)
    items = _verified(items, buyer, visitor_id)  # reads only: before the transaction
    try:
        with transaction():
            limits.lock_buyer(buyer)  # this buyer's checkouts in turn (limits)
            previous = Checkout.get_or_none(
                (Checkout.buyer == buyer.id)
                & (Checkout.idempotency_key == idempotency_key)
            )
            if previous is not None:
                return _replay(previous, digest), False
            if address_id is not None:
                shipping = _saved_shipping(buyer, address_id)
            limits.count_checkout(buyer)  # a replay is not counted
            checkout = Checkout.create(
                buyer=buyer.id, idempotency_key=idempotency_key, request_hash=digest
            )
            orders = _take_stock_and_write(
                buyer,
                checkout,
                items,
                shipping,
                payment_method,
                reservation_ids,
                claim,
                coupon_ids,
            )
            if address_id is None and pickup is None:
                addresses.remember(buyer, shipping)
    except IntegrityError:  # a concurrent twin won the race (PostgreSQL)
        previous = Checkout.get(
            (Checkout.buyer == buyer.id) & (Checkout.idempotency_key == idempotency_key)
        )
        return _replay(previous, digest), False
    return orders, True


def _verified(items, buyer, visitor_id):
    """`items` with every claimed source checked for this buyer (else None)."""
    return {
        pid: (qty, sources.verified(source, pid, buyer.id, visitor_id))
        for pid, (qty, source) in items.items()
    }


def _replay(checkout, digest):
    if checkout.request_hash != digest:
        raise Conflict(
            "This idempotency key was already used for a different order.",
            code="idempotency_conflict",
        )
    return list(Order.select().where(Order.checkout == checkout).order_by(Order.id))


def _take_stock_and_write(
    buyer,
    checkout,
    items,
    shipping,
    payment_method,
    reservation_ids=(),
    claim=None,
    coupon_ids=(),
):
    products = {p.id: p for p in Product.select().where(Product.id.in_(list(items)))}
    holds = grabs.convert(buyer, reservation_ids)
    for pid in sorted(items):
        product = products.get(pid)
        if product is None or product.is_archived:
            raise Invalid("Product %(id)d is not for sale.", field="items", id=pid)
        if product.merchant_id == buyer.id:
            raise Invalid("You cannot buy your own product.", field="items")
    # a suspended merchant's products (cart lines and held flash units): 409
    availability.check([*products.values(), *(h.sale.product for h in holds)])
    limits.check_unshipped(
        buyer, {pid: qty for pid, (qty, _source) in items.items()}, products
    )
    offers = {} if claim is None else claim.take(buyer, products)
    # a member's prices, read in this transaction (exact to the second)
    offers = standing_offers(buyer.id, products, utcnow(), offers)
    merchants = {p.merchant_id for p in products.values()}
    merchants |= {h.sale.product.merchant_id for h in holds}
    if payment_method not in payments.methods_for(merchants):
        raise Invalid(
            "This shop does not take this payment method. Choose another.",
            field="payment_method",
        )
    for pid in sorted(items):  # one order of locking, no deadlocks between buyers
        if not inventory.take(pid, items[pid][0]):
            raise OutOfStock(
                "Only %(left)d left of “%(title)s”.",
                field="items",
                left=inventory.left(pid),
                title=products[pid].title,
            )
    now = utcnow()
    priced = price_lines(items, products, holds, offers)
    priced = discounts.apply(priced, redeem.take(buyer, coupon_ids, now))
    orders, lines_of = [], {}
    profiles = shipping_fees.profiles_of(merchants)  # their fees as of now
    # one order per shop and currency: a total never adds up two currencies (the
    # stable sort keeps price_lines' order inside each group)
    by_order = sorted(priced, key=_order_key)
    for (merchant_id, _currency), group in groupby(by_order, key=_order_key):
        group = list(group)
        goods = sum(line.total_cents for line in group)
        fee = shipping_fees.fee_cents(profiles[merchant_id], goods)
        if getattr(claim, "shipping", None) is not None:
            fee = 0  # picked up at a point: nothing is shipped to the buyer
        order = Order.create(
            checkout=checkout,
            buyer=buyer.id,
            merchant=merchant_id,
            payment_method=payment_method,
            total_cents=goods + fee,
            shipping_cents=fee,
            discount_cents=sum(line.discount_cents for line in group),
            currency=group[0].currency,
            ship_name=shipping["name"],
            ship_address=shipping["address"],
            ship_phone=shipping["phone"],
            created_at=now,
            updated_at=now,
        )
        lines_of[order.id] = _write_lines(order, group)
        held = [line.reservation_id for line in group if line.reservation_id]
        if held:
            Reservation.update(order=order.id).where(Reservation.id.in_(held)).execute()
        OrderEvent.create(
            order=order,
            to_status="pending_payment",
            actor=buyer.id,
            note="placed",
            created_at=now,
        )
        orders.append(order)
    order_placed.send(
        None,
        orders=orders,
        lines_of=lines_of,
        products={**{h.sale.product_id: h.sale.product for h in holds}, **products},
        taken={pid: qty for pid, (qty, _source) in items.items()},
        buyer=buyer,
        placed_at=now,
        claim=claim,
    )
    return orders


def _order_key(line):
    return line.merchant_id, line.currency


def _write_lines(order, priced):
    """The order's lines as priced, with their adjustments; returns the rows."""
    OrderLine.insert_many(
        [
            (
                order.id,
                line.product.id,
                line.product.title,
                line.qty,
                line.unit_price_cents,
                line.discount_cents,
                None if line.source is None else str(line.source),
            )
            for line in priced
        ],
        fields=[
            OrderLine.order,
            OrderLine.product,
            OrderLine.title,
            OrderLine.qty,
            OrderLine.unit_price_cents,
            OrderLine.discount_cents,
            OrderLine.source,
        ],
    ).execute()
    # ids rise in the order of the VALUES of one INSERT, on SQLite and PostgreSQL
    written = list(
        OrderLine.select().where(OrderLine.order == order.id).order_by(OrderLine.id)
    )
    adjustments = [
        (row.id, a.kind, a.amount_cents, None if a.source is None else str(a.source))
        for row, line in zip(written, priced, strict=True)
        for a in line.adjustments
    ]
    if adjustments:
        LineAdjustment.insert_many(
            adjustments,
            fields=[
                LineAdjustment.line,
                LineAdjustment.kind,
                LineAdjustment.amount_cents,
                LineAdjustment.source,
            ],
        ).execute()
    return written
