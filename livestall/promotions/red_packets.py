"""Live red packets (直播间红包): a pool of shop credit rained on a live room.

- A merchant funds a pool for a live they host or sell in: `total_cents` split into
  `count` packets, at random (double-mean, 二倍均值法) or equally, each at least one
  cent and adding up to the total exactly. The packets are computed when the pool
  is created (`RedPacketShare` rows, handed out in `seq` order), so a grab is one
  guarded UPDATE of the pool's counter and the packet it names.
- The host opens it when the moment comes; it stays open `grab_window_s`.
- Each viewer grabs at most one (unique (red packet, user)); a packet becomes a
  user coupon of its amount (whole shop, `min_spend_cents`, `valid_days`).
- When the window closes or the last packet goes, the pool is finished; the
  credit nobody grabbed is never issued (it "expires back" to the merchant).
"""

import datetime
import random

from peewee import IntegrityError

from livestall.db.base import isoformat, transaction, utcnow
from livestall.errors import Conflict, Invalid, LimitReached, NotFound, whole_number
from livestall.live.models import LiveSession
from livestall.live.sessions import get_session
from livestall.promotions import coupons, scope
from livestall.promotions.models import RedPacket, RedPacketShare, UserCoupon

COUNT = (1, 10_000)
TOTAL_MAX = 10**8  # a million in a currency's main unit
WINDOW_S = (10, 600)
DEFAULT_WINDOW_S = 60


class SoldOut(Conflict):
    code = "sold_out"


class NotOpen(Conflict):
    code = "not_open"


def split_random(total_cents, count, rng=None):
    """Double-mean split (二倍均值法): each packet, in turn, is drawn uniformly from
    1 cent to twice the mean of what is left (keeping a cent for every packet
    still to come); the last takes the rest. Every packet >= 1 cent; they add up
    to `total_cents` exactly."""
    if count < 1 or total_cents < count:
        raise ValueError("each packet needs at least a cent")
    rng = rng or random.SystemRandom()
    left, out = total_cents, []
    for n in range(count, 1, -1):
        most = min(2 * left // n, left - (n - 1))
        amount = rng.randint(1, max(1, most))
        out.append(amount)
        left -= amount
    out.append(left)
    return out


def split_equal(total_cents, count):
    """Equal packets; the leftover cents one each on the first packets."""
    if count < 1 or total_cents < count:
        raise ValueError("each packet needs at least a cent")
    base, extra = divmod(total_cents, count)
    return [base + (1 if i < extra else 0) for i in range(count)]


def create(merchant, data, now=None):
    """A pool for a live (API.md `POST /api/v1/red-packets`), its packets cut."""
    now = now or utcnow()
    if not isinstance(data, dict):
        raise Invalid("Send the red packet as a JSON object.")
    live_id = whole_number(data, "live_id", 1, 2**53)
    live = LiveSession.get_or_none(LiveSession.id == live_id)
    if live is None or live.status == "ended" or not scope.sells_in(merchant.id, live):
        raise Invalid("Choose a live of yours that has not ended.", field="live_id")
    count = whole_number(data, "count", *COUNT)
    total = whole_number(data, "total_cents", count, TOTAL_MAX)
    split = data.get("split", "random")
    if split not in ("random", "equal"):
        raise Invalid("split must be random or equal.", field="split")
    min_spend = whole_number(data, "min_spend_cents", 0, coupons.MONEY_MAX, default=0)
    valid_days = whole_number(data, "valid_days", 1, coupons.VALID_DAYS_MAX, default=7)
    window = whole_number(data, "grab_window_s", *WINDOW_S, default=DEFAULT_WINDOW_S)
    currency = coupons.currency_for(data, merchant, [])
    amounts = (
        split_random(total, count) if split == "random" else split_equal(total, count)
    )
    with transaction():
        packet = RedPacket.create(
            merchant=merchant.id,
            live=live.id,
            total_cents=total,
            count=count,
            split=split,
            currency=currency,
            min_spend_cents=min_spend,
            valid_days=valid_days,
            grab_window_s=window,
            created_at=now,
        )
        RedPacketShare.insert_many(
            [(packet.id, seq, amount) for seq, amount in enumerate(amounts)],
            fields=[
                RedPacketShare.red_packet,
                RedPacketShare.seq,
                RedPacketShare.amount_cents,
            ],
        ).execute()
    return packet


def get(packet_id):
    packet_id = coupons.whole_id(packet_id)
    packet = (
        None if packet_id is None else RedPacket.get_or_none(RedPacket.id == packet_id)
    )
    if packet is None:
        raise NotFound("No such red packet.")
    return packet


def _runs_it(user, packet):
    if user is None:
        return False
    if user.id == packet.merchant_id or user.has_role("admin"):
        return True
    return user.id == get_session(packet.live_id).host_id


def visible(packet_id, viewer=None):
    """A pool once opened (before: only its merchant, the host, admins)."""
    packet = get(packet_id)
    if packet.status == "ready" and not _runs_it(viewer, packet):
        raise NotFound("No such red packet.")
    return packet


def visible_in(session_id, viewer=None):
    """The live's pools the viewer may see, oldest first."""
    session = get_session(session_id)
    rows = of_live(session.id)
    return [p for p in rows if p.status != "ready" or _runs_it(viewer, p)]


def of_merchant(merchant, packet_id):
    """The merchant's own pool, else 404 (admins too)."""
    packet = get(packet_id)
    if packet.merchant_id != merchant.id:
        raise NotFound("No such red packet.")
    return packet


def open_(user, packet_id, now=None):
    """The host (or the funding merchant) opens a ready pool while the live is on:
    grabs are taken for `grab_window_s`. Returns the pool."""
    now = now or utcnow()
    packet = get(packet_id)
    session = get_session(packet.live_id)
    if not _runs_it(user, packet):
        raise NotFound("No such red packet.")
    if session.status != "live":
        raise NotOpen("Open red packets while the live is on.")
    ends = now + datetime.timedelta(seconds=packet.grab_window_s)
    opened = (
        RedPacket.update(status="open", opened_at=now, ends_at=ends)
        .where((RedPacket.id == packet.id) & (RedPacket.status == "ready"))
        .execute()
    )
    if not opened:
        raise Conflict("This red packet was opened already.", code="already_open")
    return RedPacket.get_by_id(packet.id)


def grab(user, packet_id, now=None):
    """One packet for `user`: (share, user coupon). 409 sold_out (none left or the
    window closed), limit_reached (one each), not_open."""
    now = now or utcnow()
    packet = get(packet_id)
    if packet.merchant_id == user.id:
        raise LimitReached("This is your own shop's red packet.")
    if packet.status == "ready":
        raise NotOpen("This red packet is not open yet.")
    if packet.status == "finished" or (packet.ends_at and packet.ends_at <= now):
        raise SoldOut("All the red packets are gone.")
    if get_session(packet.live_id).status != "live":
        raise SoldOut("All the red packets are gone.")
    if (
        RedPacketShare.select()
        .where(
            (RedPacketShare.red_packet == packet.id) & (RedPacketShare.user == user.id)
        )
        .exists()
    ):
        raise LimitReached("You have grabbed one of these already.")
    try:
        with transaction():
            taken = (
                RedPacket.update(grabbed=RedPacket.grabbed + 1)
                .where(
                    (RedPacket.id == packet.id)
                    & (RedPacket.status == "open")
                    & (RedPacket.grabbed < RedPacket.count)
                    & (RedPacket.ends_at > now)
                )
                .execute()
            )
            if not taken:
                raise SoldOut("All the red packets are gone.")
            # our UPDATE holds the pool's row until commit: `grabbed` is ours
            seq = RedPacket.get_by_id(packet.id).grabbed - 1
            share = RedPacketShare.get(
                (RedPacketShare.red_packet == packet.id) & (RedPacketShare.seq == seq)
            )
            uc = UserCoupon.create(
                user=user.id,
                merchant=packet.merchant_id,
                red_packet=packet.id,
                amount_off_cents=share.amount_cents,
                min_spend_cents=packet.min_spend_cents,
                currency=packet.currency,
                valid_from=now,
                valid_until=now + datetime.timedelta(days=packet.valid_days),
                claimed_at=now,
            )
            RedPacketShare.update(
                user=user.id, user_coupon=uc.id, grabbed_at=now
            ).where(RedPacketShare.id == share.id).execute()
            RedPacket.update(
                grabbed_cents=RedPacket.grabbed_cents + share.amount_cents
            ).where(RedPacket.id == packet.id).execute()
            share.amount_cents, share.user_id = share.amount_cents, user.id
    except IntegrityError:  # this viewer's twin grab won
        raise LimitReached("You have grabbed one of these already.") from None
    return share, uc


def finish_due(now=None):
    """Close the open pools whose window is over or that are all grabbed, and the
    unfinished pools of lives that ended (the maintenance pass). Returns them."""
    now = now or utcnow()
    ended = LiveSession.select(LiveSession.id).where(LiveSession.status == "ended")
    query = RedPacket.select().where(
        (
            (RedPacket.status == "open")
            & ((RedPacket.ends_at <= now) | (RedPacket.grabbed >= RedPacket.count))
        )
        | (RedPacket.status.in_(("open", "ready")) & RedPacket.live.in_(ended))
    )
    done = []
    for packet in list(query.limit(200)):
        moved = (
            RedPacket.update(status="finished", finished_at=now)
            .where((RedPacket.id == packet.id) & (RedPacket.status == packet.status))
            .execute()
        )
        if moved:
            done.append(RedPacket.get_by_id(packet.id))
    return done


def open_in(live_id, now=None):
    """The live's pools open now (what a (re)joining viewer sees)."""
    now = now or utcnow()
    return list(
        RedPacket.select()
        .where(
            (RedPacket.live == live_id)
            & (RedPacket.status == "open")
            & (RedPacket.ends_at > now)
            & (RedPacket.grabbed < RedPacket.count)
        )
        .order_by(RedPacket.id)
    )


def of_live(live_id):
    return list(
        RedPacket.select().where(RedPacket.live == live_id).order_by(RedPacket.id)
    )


def red_packet_dict(packet, mine=None):
    out = {
        "id": packet.id,
        "live_id": packet.live_id,
        "merchant_id": packet.merchant_id,
        "total_cents": packet.total_cents,
        "count": packet.count,
        "count_left": max(0, packet.count - packet.grabbed),
        "grabbed_cents": packet.grabbed_cents,
        "split": packet.split,
        "currency": packet.currency,
        "min_spend_cents": packet.min_spend_cents,
        "valid_days": packet.valid_days,
        "grab_window_s": packet.grab_window_s,
        "status": packet.status,
        "opened_at": isoformat(packet.opened_at),
        "ends_at": isoformat(packet.ends_at),
        "finished_at": isoformat(packet.finished_at),
    }
    if mine is not None:
        out["mine_cents"] = mine
    return out


def grabbed_by(user, packets):
    """{red packet id: cents} that `user` grabbed of `packets`."""
    if user is None or not packets:
        return {}
    return dict(
        RedPacketShare.select(RedPacketShare.red_packet, RedPacketShare.amount_cents)
        .where(
            (RedPacketShare.user == user.id)
            & RedPacketShare.red_packet.in_([p.id for p in packets])
        )
        .tuples()
    )
