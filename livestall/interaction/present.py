"""Draws as the API shows them (docs/API.md, "Lucky draws")."""

from livestall.accounts.models import User
from livestall.db.base import isoformat
from livestall.interaction import draws
from livestall.interaction.text import ms
from livestall.live.sessions import user_dict
from livestall.promotions import present as coupon_present
from livestall.promotions.models import Coupon


def _prize(draw):
    if draw.prize_kind == "coupon":
        coupon = Coupon.get_or_none(Coupon.id == draw.coupon_id)
        return {
            "kind": "coupon",
            "coupon": coupon_present.coupon_dict(coupon) if coupon else None,
        }
    product = draws.product_of(draw)
    cover = product.cover if product else None
    return {
        "kind": "product",
        "product": {
            "id": product.id,
            "title": product.title,
            "price_cents": product.price_cents,
            "currency": product.currency,
            "image_url": cover.thumb_url if cover else None,
            "url": product.url,
        }
        if product
        else None,
    }


def winners_of(draw):
    if not draw.winners:
        return []
    people = {u.id: u for u in User.select().where(User.id.in_(list(draw.winners)))}
    return [user_dict(people[uid]) for uid in draw.winners if uid in people]


def draw_dict(draw, user=None, entered=None):
    drawn = draw.status == "drawn"
    out = {
        "id": draw.id,
        "session_id": draw.session_id,
        "kind": draw.kind,
        "prize": _prize(draw),
        "winners_count": draw.winners_count,
        "keyword": draw.keyword,
        "follow_required": draw.follow_required,
        "status": draw.status,
        "starts_at": isoformat(draw.starts_at),
        "ends_at": isoformat(draw.ends_at),
        "ends_at_ms": ms(draw.ends_at),
        "drawn_at": isoformat(draw.drawn_at),
        "entrants": draw.entrants,
        "seed_sha256": draw.seed_sha256,
        "seed": draw.seed if drawn else None,
        "winners": winners_of(draw) if drawn else [],
        "algorithm": draws.ALGORITHM,
    }
    if entered is not None:
        out["entered"] = entered
        out["won"] = bool(user and drawn and user.id in (draw.winners or []))
    return out


def record(draw):
    """The public record: the draw and, once drawn, the sorted entrant ids."""
    return {
        "draw": draw_dict(draw),
        "entrant_ids": draws.entrant_ids(draw) if draw.status == "drawn" else None,
    }
