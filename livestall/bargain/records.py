"""Bargain records: a shopper starts one, everyone reads it.

A record belongs to one shopper and starts at the campaign's start price; its
friends' helps (`bargain.helping`) bring it down to the floor; its owner buys one
unit at the price reached (`bargain.buying`). A shopper has at most one record of
a campaign that may still be bought (the unique (owner, live_key) index): asking
to start again returns that one.
"""

import datetime

from peewee import IntegrityError

from livestall.accounts.models import User
from livestall.bargain import campaigns, expiry
from livestall.bargain.models import Bargain, BargainHelp, BargainRecord
from livestall.catalog import availability
from livestall.content import social
from livestall.db.base import isoformat, transaction, utcnow
from livestall.errors import Conflict, LimitReached, NotAllowed, NotFound
from livestall.orders.models import Order

BUYABLE = expiry.BUYABLE  # a record in these may still be bought
ALIVE = ("pending_payment", "paid", "shipped", "delivered")  # orders still alive


class SoldOut(Conflict):
    code = "sold_out"


class RecordClosed(Conflict):
    code = "record_closed"


def start(owner, bargain_id, now=None):
    """Start bargaining on campaign `bargain_id`: (record, created). A shopper
    already bargaining on it gets that record back (created False)."""
    now = now or utcnow()
    bargain = campaigns.visible(bargain_id, owner)
    if bargain.merchant_id == owner.id:
        raise NotAllowed("You cannot bargain on your own product.")
    current = live_record(owner, bargain.id, now)
    if current is not None:
        return current, False
    if not campaigns.is_running(bargain, now):
        raise campaigns.CampaignClosed("This bargain has ended.")
    availability.check([bargain.product])
    if bargain.product.status != "active":
        raise campaigns.CampaignClosed("This product is not for sale.")
    if bargain.units_sold >= bargain.units:
        raise SoldOut("Every unit of this bargain has been sold.")
    if bought(owner, bargain.id) >= bargain.per_user_limit:
        raise LimitReached(
            "You may buy %(n)d of this at a bargain price.", n=bargain.per_user_limit
        )
    social.share_code_for(owner)  # the record's link carries the owner's code
    expires = min(
        now + datetime.timedelta(seconds=bargain.record_window_s), bargain.ends_at
    )
    try:
        with transaction():
            record = BargainRecord.create(
                bargain=bargain.id,
                owner=owner.id,
                start_price_cents=bargain.start_price_cents,
                floor_price_cents=bargain.floor_price_cents,
                price_cents=bargain.start_price_cents,
                helpers_needed=bargain.helpers_needed,
                live_key=bargain.id,
                expires_at=expires,
                created_at=now,
            )
    except IntegrityError:  # a twin request started it first
        current = live_record(owner, bargain.id, now)
        if current is None:
            raise
        return current, False
    return record, True


def live_record(owner, bargain_id, now=None):
    """The owner's record of the campaign that may still be bought, or None
    (one past its time is closed first: deadlines are checked at use)."""
    record = BargainRecord.get_or_none(
        (BargainRecord.owner == owner.id) & (BargainRecord.live_key == bargain_id)
    )
    if record is not None and record.expires_at <= (now or utcnow()):
        expiry.expire_records(now=now, record_ids=[record.id])
        return None
    return record


def bought(owner, bargain_id):
    """Units of the campaign the owner bought in orders still alive."""
    return (
        BargainRecord.select()
        .join(Order, on=(BargainRecord.order == Order.id))
        .where(
            (BargainRecord.bargain == bargain_id)
            & (BargainRecord.owner == owner.id)
            & Order.status.in_(ALIVE)
        )
        .count()
    )


def get(record_id, now=None):
    """The record (one past its time closed first)."""
    try:
        record_id = int(record_id)
    except (TypeError, ValueError):
        raise NotFound("No such bargain.") from None
    record = None
    if 0 < record_id < 2**53:
        record = BargainRecord.get_or_none(BargainRecord.id == record_id)
    if record is None:
        raise NotFound("No such bargain.")
    if record.status in BUYABLE and record.expires_at <= (now or utcnow()):
        expiry.expire_records(now=now, record_ids=[record.id])
        record = BargainRecord.get_by_id(record.id)
    return record


def visible(record_id, viewer, now=None):
    """`get` for `viewer`: a suspended shop's records show to it and their owner."""
    record = get(record_id, now)
    product = record.bargain.product
    mine = viewer is not None and viewer.id == record.owner_id
    if not mine and not availability.visible_to(product, viewer):
        raise NotFound("No such bargain.")
    return record


def is_expired(record, now=None):
    return record.status in BUYABLE and record.expires_at <= (now or utcnow())


def helps_of(record_ids):
    """{record id: [BargainHelp with helper joined]}, first cut first."""
    found = {rid: [] for rid in record_ids}
    if not record_ids:
        return found
    rows = (
        BargainHelp.select(BargainHelp, User)
        .join(User, on=(BargainHelp.helper == User.id))
        .where(BargainHelp.record.in_(list(record_ids)))
        .order_by(BargainHelp.nth)
    )
    for help_ in rows:
        found[help_.record_id].append(help_)
    return found


def share_path(record):
    code = record.owner.share_code
    return f"{record.url}?s={code}" if code else record.url


def progress(record):
    """How far the price has come down, 0-100 (the price bar)."""
    total = record.start_price_cents - record.floor_price_cents
    cut = record.start_price_cents - record.price_cents
    return 100 if total <= 0 else min(100, cut * 100 // total)


def record_dict(record, base_url="", helps=None):
    """API.md's `record`, with its `helps` (plus currency, start price, product)."""
    if helps is None:
        helps = helps_of([record.id])[record.id]
    bargain = record.bargain
    product = bargain.product
    cover = product.cover
    return {
        "id": record.id,
        "bargain_id": record.bargain_id,
        "owner": record.owner.username,
        "owner_display_name": record.owner.name,
        "start_price_cents": record.start_price_cents,
        "price_cents": record.price_cents,
        "floor_price_cents": record.floor_price_cents,
        "currency": bargain.currency,
        "helpers": record.helpers,
        "helpers_needed": record.helpers_needed,
        "cut_cents": record.start_price_cents - record.price_cents,
        "progress": progress(record),
        "status": record.status,
        "expires_at": isoformat(record.expires_at),
        "succeeded_at": isoformat(record.succeeded_at) if record.succeeded_at else None,
        "url": record.url,
        "share_url": base_url.rstrip("/") + share_path(record),
        "product": {
            "id": product.id,
            "title": product.title,
            "url": product.url,
            "image_url": cover.thumb_url if cover else None,
            "list_price_cents": product.price_cents,
        },
        "helps": [
            {
                "username": h.helper.username,
                "display_name": h.helper.name,
                "cut_cents": h.cut_cents,
                "nth": h.nth,
                "at": isoformat(h.created_at),
            }
            for h in helps
        ],
    }


def close_late(now=None, owner=None, bargain_ids=None):
    """Close the buyable records past their time of `owner` and/or of the
    campaigns `bargain_ids`, before a list or figures read them (the sweep may
    not have run yet); returns their ids."""
    now = now or utcnow()
    query = BargainRecord.select(BargainRecord.id).where(
        BargainRecord.status.in_(BUYABLE) & (BargainRecord.expires_at <= now)
    )
    if owner is not None:
        query = query.where(BargainRecord.owner == owner.id)
    if bargain_ids is not None:
        if not bargain_ids:
            return []
        query = query.where(BargainRecord.bargain.in_(list(bargain_ids)))
    late = [row.id for row in query]
    return expiry.expire_records(now=now, record_ids=late) if late else []


def records_of_owner(owner, limit=50, now=None):
    """The shopper's records, newest first, campaign joined (those past their
    time closed first)."""
    close_late(now, owner=owner)
    return list(
        BargainRecord.select(BargainRecord, Bargain)
        .join(Bargain)
        .where(BargainRecord.owner == owner.id)
        .order_by(BargainRecord.created_at.desc(), BargainRecord.id.desc())
        .limit(limit)
    )


def product_of_record(record_id):
    """The id of the product a record's campaign sells (None: no such record)."""
    return (
        BargainRecord.select(Bargain.product)
        .join(Bargain)
        .where(BargainRecord.id == record_id)
        .scalar()
    )


def of_orders(order_ids):
    """{order id: record} of the orders among `order_ids` that bought a bargain
    (one query)."""
    ids = [i for i in order_ids if i]
    if not ids:
        return {}
    found = BargainRecord.select().where(BargainRecord.order.in_(ids))
    return {record.order_id: record for record in found}


def record_of_order(order_id):
    """The record an order bought, or None."""
    return BargainRecord.get_or_none(BargainRecord.order == order_id)
