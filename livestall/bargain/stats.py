"""Bargain figures for the merchant's console: per campaign, how many shoppers
took part, how their records went (open, reached the floor, expired, bought;
success rate = records that reached the floor / records started), how many
friends helped and how many of them were new accounts (signed up within
BARGAIN_NEW_ACCOUNT_H of helping: the accounts the campaign brought in, and the
ones to look at for cheating), and what the orders sold (orders alive, GMV). A
list of campaigns costs five queries whatever its length.

GMV is what the buyers pay for the goods of the bargain orders still alive (not
cancelled or refunded), in the campaign's currency; shipping is not goods.
"""

from peewee import fn

from livestall.accounts.models import User
from livestall.bargain import campaigns
from livestall.bargain.models import Bargain, BargainHelp, BargainRecord
from livestall.catalog.models import Product
from livestall.db.base import isoformat, utcnow
from livestall.orders.models import Order, OrderLine
from livestall.platform.figures import amount, percent

CLOSED_ORDERS = ("cancelled", "refunded")
RECORDS_SHOWN = 100

CSV_HEADER = [
    "bargain_id",
    "product_id",
    "product",
    "currency",
    "start_price",
    "floor_price",
    "helpers_needed",
    "record_window_s",
    "units",
    "units_sold",
    "per_user_limit",
    "min_account_age_min",
    "created_at",
    "ends_at",
    "status",
    "participants",
    "records",
    "records_open",
    "records_succeeded",
    "records_failed",
    "records_ordered",
    "success_rate_pct",
    "helps",
    "helpers",
    "new_account_helpers",
    "orders",
    "gmv",
]


def _empty(bargain):
    return {
        "participants": 0,
        "records": 0,
        "records_open": 0,
        "records_succeeded": 0,
        "records_failed": 0,
        "records_ordered": 0,
        "reached_floor": 0,
        "success_rate": None,
        "helps": 0,
        "helpers": 0,
        "new_account_helpers": 0,
        "orders": 0,
        "units_sold": bargain.units_sold,
        "gmv_cents": 0,
        "currency": bargain.currency,
    }


def stats_of(bargain_list):
    """{bargain id: figures} for `bargain_list` (Bargain rows)."""
    out = {b.id: _empty(b) for b in bargain_list}
    if not out:
        return out
    ids = list(out)
    rows = (
        BargainRecord.select(
            BargainRecord.bargain,
            BargainRecord.status,
            fn.COUNT(BargainRecord.id),
            fn.COUNT(BargainRecord.succeeded_at),
        )
        .where(BargainRecord.bargain.in_(ids))
        .group_by(BargainRecord.bargain, BargainRecord.status)
        .tuples()
    )
    for bargain_id, status, n, floored in rows:
        figures = out[bargain_id]
        figures[f"records_{status}"] += n
        figures["records"] += n
        figures["reached_floor"] += floored
    owners = (
        BargainRecord.select(
            BargainRecord.bargain, fn.COUNT(fn.DISTINCT(BargainRecord.owner))
        )
        .where(BargainRecord.bargain.in_(ids))
        .group_by(BargainRecord.bargain)
        .tuples()
    )
    for bargain_id, n in owners:
        out[bargain_id]["participants"] = n
    helps = (
        BargainHelp.select(
            BargainRecord.bargain,
            fn.COUNT(BargainHelp.id),
            fn.COUNT(fn.DISTINCT(BargainHelp.helper)),
        )
        .join(BargainRecord)
        .where(BargainRecord.bargain.in_(ids))
        .group_by(BargainRecord.bargain)
        .tuples()
    )
    for bargain_id, n, people in helps:
        out[bargain_id].update(helps=n, helpers=people)
    new = (
        BargainHelp.select(
            BargainRecord.bargain, fn.COUNT(fn.DISTINCT(BargainHelp.helper))
        )
        .join(BargainRecord)
        .where(BargainRecord.bargain.in_(ids) & (BargainHelp.new_account == True))  # noqa: E712
        .group_by(BargainRecord.bargain)
        .tuples()
    )
    for bargain_id, people in new:
        out[bargain_id]["new_account_helpers"] = people
    sold = (
        BargainRecord.select(
            BargainRecord.bargain,
            fn.COUNT(fn.DISTINCT(Order.id)),
            fn.SUM(OrderLine.paid_sql()),
        )
        .join(Order, on=(BargainRecord.order == Order.id))
        .join(OrderLine, on=(OrderLine.order == Order.id))
        .where(BargainRecord.bargain.in_(ids) & Order.status.not_in(CLOSED_ORDERS))
        .group_by(BargainRecord.bargain)
        .tuples()
    )
    for bargain_id, n, gmv in sold:
        out[bargain_id].update(orders=n, gmv_cents=int(gmv or 0))
    for figures in out.values():
        if figures["records"]:
            figures["success_rate"] = figures["reached_floor"] / figures["records"]
    return out


def merchant_campaigns(merchant, page=1, per_page=50):
    """(the merchant's campaigns newest first, their product joined and its
    photos attached; total)."""
    query = Bargain.select(Bargain, Product).join(Product)
    query = query.where(Bargain.merchant == merchant.id)
    total = query.count()
    found = list(
        query.order_by(Bargain.created_at.desc(), Bargain.id.desc()).paginate(
            page, per_page
        )
    )
    Product.attach_galleries([b.product for b in found])
    return found, total


def record_rows(bargain, limit=RECORDS_SHOWN):
    """The campaign's newest records with their helpers: [{record, helps,
    new_accounts}]; each help's `helper` joined and `new_account` set."""
    found = list(
        BargainRecord.select(BargainRecord, User)
        .join(User, on=(BargainRecord.owner == User.id))
        .where(BargainRecord.bargain == bargain.id)
        .order_by(BargainRecord.created_at.desc(), BargainRecord.id.desc())
        .limit(limit)
    )
    helps = {r.id: [] for r in found}
    if found:
        rows = (
            BargainHelp.select(BargainHelp, User)
            .join(User, on=(BargainHelp.helper == User.id))
            .where(BargainHelp.record.in_(list(helps)))
            .order_by(BargainHelp.nth)
        )
        for help_ in rows:
            helps[help_.record_id].append(help_)
    return [
        {
            "record": r,
            "helps": helps[r.id],
            "new_accounts": sum(1 for h in helps[r.id] if h.new_account),
        }
        for r in found
    ]


def csv_rows(merchant, now=None):
    """The merchant's campaigns as CSV rows, the header first (plain values: the
    caller makes every cell safe for a spreadsheet)."""
    now = now or utcnow()
    found = list(
        Bargain.select(Bargain, Product)
        .join(Product)
        .where(Bargain.merchant == merchant.id)
        .order_by(Bargain.created_at.desc(), Bargain.id.desc())
    )
    figures = stats_of(found)
    rows = [list(CSV_HEADER)]
    for b in found:
        f = figures[b.id]
        rows.append(
            [
                b.id,
                b.product_id,
                b.product.title,
                b.currency,
                amount(b.start_price_cents),
                amount(b.floor_price_cents),
                b.helpers_needed,
                b.record_window_s,
                b.units,
                b.units_sold,
                b.per_user_limit,
                b.min_account_age_min,
                isoformat(b.created_at),
                isoformat(b.ends_at),
                campaigns.status_of(b, now),
                f["participants"],
                f["records"],
                f["records_open"],
                f["records_succeeded"],
                f["records_failed"],
                f["records_ordered"],
                percent(f["success_rate"]),
                f["helps"],
                f["helpers"],
                f["new_account_helpers"],
                f["orders"],
                amount(f["gmv_cents"]),
            ]
        )
    return rows
