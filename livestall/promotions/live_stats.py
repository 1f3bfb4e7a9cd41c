"""Coupons and red packets in the host console (/live/ID/console): the live's
pools and the coupons the host may drop (`console_panel`), and what viewers took
in this live (`figures`): red packets grabbed (packets, credit by currency,
distinct viewers) and claims of the coupons tied to this live (claims, distinct
viewers). A handful of queries whatever the live's size."""

from peewee import fn

from livestall.promotions import drops, present, red_packets
from livestall.promotions.models import Coupon, RedPacket, RedPacketShare, UserCoupon

DROP_WINDOWS_S = (30, 60, 300)  # the console's window select: 30 s, 1 min, 5 min


def figures(session):
    """{red_packets_grabbed, red_packet_viewers, red_packet_cents: [{currency,
    cents}], coupons_claimed, coupon_claimers} of this live."""
    grabbed = (
        RedPacketShare.select(
            RedPacket.currency,
            fn.COUNT(RedPacketShare.id),
            fn.COALESCE(fn.SUM(RedPacketShare.amount_cents), 0),
        )
        .join(RedPacket)
        .where(
            (RedPacket.live == session.id) & RedPacketShare.grabbed_at.is_null(False)
        )
        .group_by(RedPacket.currency)
        .order_by(RedPacket.currency)
        .tuples()
    )
    by_currency = [(currency, n, int(cents)) for currency, n, cents in grabbed]
    viewers = (
        RedPacketShare.select(fn.COUNT(fn.DISTINCT(RedPacketShare.user)))
        .join(RedPacket)
        .where(
            (RedPacket.live == session.id) & RedPacketShare.grabbed_at.is_null(False)
        )
        .scalar()
    )
    claims, claimers = (
        UserCoupon.select(
            fn.COUNT(UserCoupon.id), fn.COUNT(fn.DISTINCT(UserCoupon.user))
        )
        .join(Coupon)
        .where(Coupon.live == session.id)
        .tuples()
        .get()
    )
    return {
        "red_packets_grabbed": sum(n for _c, n, _s in by_currency),
        "red_packet_viewers": viewers or 0,
        "red_packet_cents": [
            {"currency": currency, "cents": cents}
            for currency, _n, cents in by_currency
        ],
        "coupons_claimed": claims or 0,
        "coupon_claimers": claimers or 0,
    }


def console_panel(session):
    """{"red_packets": the live's pools (oldest first), "coupons": the coupons the
    host may drop now (`drop_pending`: kept for a drop in this live),
    "windows_s": the drop windows offered}."""
    return {
        "red_packets": [
            red_packets.red_packet_dict(p) for p in red_packets.of_live(session.id)
        ],
        "coupons": [
            {**present.coupon_dict(c), "drop_pending": c.drop_pending}
            for c in drops.of_live_merchants(session)
        ],
        "windows_s": DROP_WINDOWS_S,
    }
