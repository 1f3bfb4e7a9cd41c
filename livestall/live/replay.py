"""After the show: the product chapters, the chat replay and the room's action log."""

from peewee import JOIN

from livestall.accounts.models import User
from livestall.catalog.models import Product
from livestall.db.base import isoformat
from livestall.live.models import ChatMessage, LiveAction
from livestall.live.sessions import user_dict


def _offset(session, moment):
    start = session.started_at or session.scheduled_at
    return max(0, int((moment - start).total_seconds()))


def clock(seconds):
    hours, rest = divmod(seconds, 3600)
    return f"{hours:02d}:{rest // 60:02d}:{rest % 60:02d}"


def chapters(session):
    """The product timeline: every pin, with its offset from the start."""
    rows = (
        LiveAction.select(LiveAction, Product)
        .join(Product, JOIN.LEFT_OUTER, on=(LiveAction.product == Product.id))
        .where((LiveAction.session == session.id) & (LiveAction.kind == "pin"))
        .order_by(LiveAction.created_at, LiveAction.id)
    )
    out = []
    for row in rows:
        if row.product_id is None:
            continue
        offset = _offset(session, row.created_at)
        out.append(
            {
                "offset_s": offset,
                "clock": clock(offset),
                "product": row.product,
                "at": row.created_at,
            }
        )
    return out


def replay(session, limit=2000):
    """The chat as it was seen (visible messages), with offsets from the start."""
    rows = (
        ChatMessage.select(ChatMessage, User)
        .join(User)
        .where((ChatMessage.session == session.id) & (ChatMessage.status == "visible"))
        .order_by(ChatMessage.id)
        .limit(limit)
    )
    return [(clock(_offset(session, m.created_at)), m) for m in rows]


def action_log(session, limit=500):
    Actor = User.alias()
    Target = User.alias()
    return list(
        LiveAction.select(LiveAction, Actor, Target)
        .join(Actor, JOIN.LEFT_OUTER, on=(LiveAction.actor == Actor.id))
        .switch(LiveAction)
        .join(Target, JOIN.LEFT_OUTER, on=(LiveAction.target_user == Target.id))
        .where(LiveAction.session == session.id)
        .order_by(LiveAction.id)
        .limit(limit)
    )


def action_dict(action):
    return {
        "id": action.id,
        "kind": action.kind,
        "actor": user_dict(action.actor) if action.actor_id else None,
        "target_user": user_dict(action.target_user) if action.target_user_id else None,
        "message_id": action.message_id,
        "product_id": action.product_id,
        "data": action.data,
        "created_at": isoformat(action.created_at),
    }
