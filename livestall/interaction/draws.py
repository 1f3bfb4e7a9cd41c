"""Lucky draws (福袋) anyone can verify (docs/API.md, "Live interaction").

Commit and reveal: at the start the server picks a secret `seed` and publishes
`seed_sha256`; at the end it reveals the seed and draws by `sha256-rank-v1`:
each entrant's ticket is SHA-256(seed + ":" + id), and the winners are the
`winners_count` smallest tickets. Anyone with the seed and the sorted entrant
ids recomputes the result (scripts/verify_draw.py).

Entering is one row per person (a unique index) plus a guarded UPDATE of the
draw's count in the same transaction (`status = 'open' AND ends_at > now`). The
draw itself is one guarded UPDATE from `open`: whoever comes first (the host,
the sweep of any process) draws, the others read the result.

The prize is set aside at the start: product units in a hidden flash sale at ¥0
(`mode = 'prize'`, within the merchant's flash consent), or a coupon's count.
The same engine draws lottery-mode flash sales (`lottery`)."""

import datetime
import hashlib
import secrets

from peewee import IntegrityError

from livestall.catalog.models import Product
from livestall.content.models import Follow
from livestall.db.base import transaction, utcnow
from livestall.errors import Conflict, Invalid, NotAllowed, NotFound, whole_number
from livestall.flash import allot
from livestall.flash import sales as flash_sales
from livestall.interaction import prizes
from livestall.interaction.models import Draw, DrawEntry
from livestall.interaction.text import fold, plain
from livestall.live import moderation, sessions

ALGORITHM = "sha256-rank-v1"
WINNERS = (1, 100)
KEYWORD_MAX = 20
DURATION_S = (30, 1800)
HOLD_S = 86400  # a prize's hold (the app passes config DRAW_HOLD_S)
SHOWN_AFTER_S = 120


class DrawOpen(Conflict):
    code = "draw_open"


class DrawEnded(Conflict):
    code = "draw_ended"


class AlreadyEntered(Conflict):
    code = "already_entered"


class FollowRequired(NotAllowed):
    code = "follow_required"


# --- the algorithm -------------------------------------------------------------------


def new_seed():
    return secrets.token_hex(32)


def commitment(seed):
    return hashlib.sha256(seed.encode("utf-8")).hexdigest()


def ticket(seed, user_id):
    return hashlib.sha256(f"{seed}:{int(user_id)}".encode()).hexdigest()


def rank(seed, entrant_ids, k):
    """`sha256-rank-v1`: the k entrants with the smallest tickets, in order."""
    return sorted(set(entrant_ids), key=lambda u: ticket(seed, u))[:k]


# --- start ---------------------------------------------------------------------------


def _clean(data):
    if not isinstance(data, dict):
        raise Invalid("Send one JSON object.")
    prize = data.get("prize")
    if (
        not isinstance(prize, dict)
        or len([k for k in ("product_id", "coupon_id") if prize.get(k) is not None])
        != 1
    ):
        raise Invalid("The prize is {product_id} or {coupon_id}.", field="prize")
    follow = data.get("follow_required", False)
    if not isinstance(follow, bool):
        raise Invalid("follow_required must be true or false.", field="follow_required")
    return (
        prize,
        whole_number(data, "winners", *WINNERS),
        plain(data.get("keyword"), "keyword", KEYWORD_MAX),
        follow,
        whole_number(data, "duration_s", *DURATION_S),
    )


def _none_open(session, kind="prize"):
    if (
        Draw.select()
        .where(
            (Draw.session == session.id) & (Draw.status == "open") & (Draw.kind == kind)
        )
        .exists()
    ):
        raise DrawOpen("A lucky draw is running: end it first.")


def start(user, session, data, now=None):
    """The host starts a lucky draw; its prize is set aside now."""
    sessions.require_moderator(user, session)
    if session.status != "live":
        raise sessions.NotLive("Lucky draws run while the live is on.")
    prize, winners, keyword, follow, duration = _clean(data)
    now = now or utcnow()
    ends = now + datetime.timedelta(seconds=duration)
    seed = new_seed()
    with transaction():
        _none_open(session)
        fields = {}
        if prize.get("product_id") is not None:
            sale = flash_sales.launch(
                session,
                user,
                {
                    "product_id": prize.get("product_id"),
                    "price_cents": 0,
                    "quantity": winners,
                    "per_user_limit": 1,
                    "duration_s": duration,
                },
                now=now,
                mode="prize",
                price_floor=0,
            )
            fields = {"prize_kind": "product", "product": sale.product_id, "sale": sale}
        else:
            coupon = prizes.set_aside_coupon(session, prize.get("coupon_id"), winners)
            fields = {"prize_kind": "coupon", "coupon": coupon.id}
        draw = Draw.create(
            session=session.id,
            created_by=user.id,
            kind="prize",
            winners_count=winners,
            keyword=keyword,
            follow_required=follow,
            seed=seed,
            seed_sha256=commitment(seed),
            starts_at=now,
            ends_at=ends,
            **fields,
        )
        sessions.log_action(
            session.id,
            user,
            "draw",
            product=draw.product_id,
            data={"draw_id": draw.id, "winners": winners, "keyword": keyword},
        )
    return draw


def open_lottery(session, user, sale, register_s, now):
    """The draw of a lottery-mode flash sale (in the launch's transaction)."""
    seed = new_seed()
    return Draw.create(
        session=session.id,
        created_by=user.id,
        kind="lottery",
        prize_kind="product",
        product=sale.product_id,
        sale=sale.id,
        winners_count=-(-sale.quantity // sale.per_user_limit),
        seed=seed,
        seed_sha256=commitment(seed),
        starts_at=now,
        ends_at=now + datetime.timedelta(seconds=register_s),
    )


def get(draw_id):
    if isinstance(draw_id, bool) or not isinstance(draw_id, int):
        try:
            draw_id = int(draw_id)
        except (TypeError, ValueError):
            raise NotFound("No such lucky draw.") from None
    draw = Draw.get_or_none(Draw.id == draw_id) if 0 < draw_id < 2**53 else None
    if draw is None:
        raise NotFound("No such lucky draw.")
    return draw


# --- entering ------------------------------------------------------------------------


def matches(keyword, body):
    """Whether a chat message is the draw's keyword (width, case, spaces aside)."""
    return bool(keyword) and fold(body) == fold(keyword)


def enter(user, draw, now=None):
    """Enter `user` once: True, or False when already in. Raises DrawEnded,
    FollowRequired, Banned, Muted, NotAllowed (the host's own draw)."""
    now = now or utcnow()
    if draw.status != "open" or now >= draw.ends_at:
        raise DrawEnded("This draw has ended.")
    session = sessions.get_session(draw.session_id)
    if user.id == session.host_id:
        raise NotAllowed("Hosts do not enter their own draws.")
    banned, muted_until = moderation.sanction_of(session, user.id)
    if banned:
        raise moderation.Banned("You cannot take part in this room.")
    if muted_until and draw.kind == "prize":
        raise moderation.Muted("You are muted in this room.")
    if draw.follow_required and not (
        Follow.select()
        .where((Follow.follower == user.id) & (Follow.followee == session.host_id))
        .exists()
    ):
        raise FollowRequired("Follow the host to enter this draw.")
    try:
        with transaction():
            DrawEntry.create(draw=draw.id, user=user.id, created_at=now)
            counted = (
                Draw.update(entrants=Draw.entrants + 1)
                .where(
                    (Draw.id == draw.id)
                    & (Draw.status == "open")
                    & (Draw.ends_at > now)
                )
                .execute()
            )
            if not counted:
                raise DrawEnded("This draw has ended.")
    except IntegrityError:
        return False
    return True


def open_in(session_id, now=None):
    """The session's open lucky draw (not a lottery's), or None."""
    now = now or utcnow()
    return (
        Draw.select()
        .where(
            (Draw.session == session_id)
            & (Draw.status == "open")
            & (Draw.kind == "prize")
            & (Draw.ends_at > now)
        )
        .first()
    )


def has_entered(user, draws):
    if user is None or not draws:
        return set()
    return {
        row[0]
        for row in DrawEntry.select(DrawEntry.draw)
        .where((DrawEntry.user == user.id) & DrawEntry.draw.in_([d.id for d in draws]))
        .tuples()
    }


def entrant_ids(draw):
    return [
        row[0]
        for row in DrawEntry.select(DrawEntry.user)
        .where(DrawEntry.draw == draw.id)
        .order_by(DrawEntry.user)
        .tuples()
    ]


# --- the draw ------------------------------------------------------------------------


def end(user, draw_id, now=None, hold_s=HOLD_S):
    """The host draws now, before `ends_at`."""
    draw = get(draw_id)
    session = sessions.get_session(draw.session_id)
    sessions.require_moderator(user, session)
    if draw.kind != "prize":
        raise Conflict(
            "A lottery is drawn when registration ends.", code="lottery_sale"
        )
    done = run(draw.id, now, hold_s=hold_s, early=True)
    if done is None:
        raise DrawEnded("This draw has ended.")
    sessions.log_action(session.id, user, "draw_end", data={"draw_id": draw.id})
    return done


def run(draw_id, now=None, hold_s=HOLD_S, early=False):
    """Draw once: (draw, {winner id: reservation or user coupon}) for whoever
    won the guarded UPDATE, None for everyone else."""
    now = now or utcnow()
    with transaction():
        guard = (Draw.id == draw_id) & (Draw.status == "open")
        if not early:
            guard &= Draw.ends_at <= now
        if not Draw.update(status="drawn", drawn_at=now).where(guard).execute():
            return None
        draw = Draw.get_by_id(draw_id)
        ids = entrant_ids(draw)
        winners = rank(draw.seed, ids, draw.winners_count)
        Draw.update(winners=winners, entrants=len(ids)).where(
            Draw.id == draw_id
        ).execute()
        draw.winners, draw.entrants = winners, len(ids)
        if draw.sale_id is not None:
            won = allot.allot(draw.sale_id, winners, hold_s, now)
            flash_sales.close_drawn(draw.sale_id, now)
        else:
            won = prizes.issue_coupon(draw, winners, now)
        prizes.tell_winners(draw, won)
    return draw, won


def due(now=None, limit=100):
    """(id, kind) of the open draws past their time, soonest first."""
    now = now or utcnow()
    return list(
        Draw.select(Draw.id, Draw.kind)
        .where((Draw.status == "open") & (Draw.ends_at <= now))
        .order_by(Draw.ends_at)
        .limit(limit)
        .tuples()
    )


def current(session, now=None):
    """The open lucky draw, else the last one drawn in the past two minutes."""
    now = now or utcnow()
    base = (Draw.session == session.id) & (Draw.kind == "prize")
    draw = Draw.select().where(base & (Draw.status == "open")).order_by(Draw.id).first()
    if draw is not None:
        return draw
    return (
        Draw.select()
        .where(
            base
            & (Draw.status == "drawn")
            & (Draw.drawn_at > now - datetime.timedelta(seconds=SHOWN_AFTER_S))
        )
        .order_by(Draw.drawn_at.desc())
        .first()
    )


def of_session(session):
    return list(
        Draw.select()
        .where((Draw.session == session.id) & (Draw.kind == "prize"))
        .order_by(Draw.id)
    )


def of_sale(sale_id):
    return Draw.select().where(Draw.sale == sale_id).first()


def product_of(draw):
    return Product.get_or_none(Product.id == draw.product_id)
