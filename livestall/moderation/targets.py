"""What a report points at, and what taking each kind down does.

A takedown is a status, set by one guarded UPDATE: every reader that lists or
shows content already filters on its status (published posts, visible comments
and chat, active products, lives that are on or over), so taken-down content
leaves the feed, search, the live room and replays at once, in every process,
with nothing to invalidate. Authors and admins still see it, with a notice
(`hidden_from`). A user is "taken down" by suspending them (`rules`)."""

from livestall.accounts.models import User
from livestall.catalog import signals as catalog_signals
from livestall.catalog.models import Product
from livestall.content import signals as content_signals
from livestall.content.models import Comment, Post
from livestall.db.base import isoformat, utcnow
from livestall.errors import NotFound
from livestall.live.models import ChatMessage, LiveSession
from livestall.moderation import signals

REMOVED = "removed"
CONTEXT_CHAT = 5  # messages each side of a reported one
EXCERPT = 140


def _excerpt(text, most=EXCERPT):
    text = " ".join((text or "").split())
    return text if len(text) <= most else text[: most - 1] + "…"


def _person(user):
    if user is None:
        return None
    return {"id": user.id, "username": user.username, "display_name": user.name}


def _id(target_id):
    if isinstance(target_id, bool) or not isinstance(target_id, int):
        try:
            target_id = int(str(target_id))
        except ValueError:
            raise NotFound("Nothing to report there.")
    if not 0 < target_id < 2**53:
        raise NotFound("Nothing to report there.")
    return target_id


MODELS = {
    "post": Post,
    "comment": Comment,
    "chat": ChatMessage,
    "product": Product,
    "user": User,
    "live": LiveSession,
}


def _row(kind, target_id):
    """The target's row, or None."""
    model = MODELS[kind]
    return model.get_or_none(model.id == target_id)


def owner_of(kind, row):
    """The target's author, seller, host (or, for an account, itself)."""
    return {
        "post": lambda r: r.author_id,
        "comment": lambda r: r.author_id,
        "chat": lambda r: r.user_id,
        "product": lambda r: r.merchant_id,
        "user": lambda r: r.id,
        "live": lambda r: r.host_id,
    }[kind](row)


def _shown_to_public(kind, row):
    """Whether anyone may see the row now (what a stranger may report)."""
    return {
        "post": lambda r: r.status == "published",
        "comment": lambda r: r.status == "visible",
        "chat": lambda r: r.status == "visible",
        "product": lambda r: r.status in ("active", "archived"),
        "user": lambda r: r.status == "active",
        "live": lambda r: r.status != REMOVED,
    }[kind](row)


def find(kind, target_id):
    """The target's row whatever its status, or None (deleted since)."""
    return _row(kind, target_id)


def load(kind, target_id, viewer=None):
    """(row, owner id) of a target `viewer` may see; NotFound otherwise (an unknown
    id, a draft, or what was taken down, to anyone but its owner and admins)."""
    row = _row(kind, _id(target_id))
    if row is None:
        raise NotFound("Nothing to report there.")
    owner_id = owner_of(kind, row)
    if not _shown_to_public(kind, row) and not (
        viewer is not None and (viewer.id == owner_id or viewer.has_role("admin"))
    ):
        raise NotFound("Nothing to report there.")
    return row, owner_id


def summary(kind, row):
    """What the queue shows of a target: a line of text and where it lives."""
    owner = User.get_or_none(User.id == owner_of(kind, row))
    text, url = "", None
    if kind == "post":
        text, url = _excerpt(row.body), f"/posts/{row.id}"
    elif kind == "comment":
        text, url = _excerpt(row.body), f"/posts/{row.post_id}#comment-{row.id}"
    elif kind == "chat":
        text, url = row.body, f"/live/{row.session_id}"
    elif kind == "product":
        text, url = row.title, f"/products/{row.id}"
    elif kind == "user":
        text, url = _excerpt(f"{row.name} · {row.bio or ''}"), f"/u/{row.username}"
    elif kind == "live":
        text, url = row.title, f"/live/{row.id}"
    return {
        "kind": kind,
        "id": row.id,
        "text": text,
        "url": url,
        "status": row.status,
        "owner": _person(owner),
    }


def _chat_line(message):
    return {
        "id": message.id,
        "body": message.body,
        "status": message.status,
        "user": _person(message.user),
        "created_at": isoformat(message.created_at),
    }


def _chat_around(session_id, message_id=None, each_side=CONTEXT_CHAT):
    base = (
        ChatMessage.select(ChatMessage, User)
        .join(User)
        .where(ChatMessage.session == session_id)
    )
    if message_id is None:  # a live: its last messages
        rows = list(base.order_by(ChatMessage.id.desc()).limit(each_side * 2))
        return [_chat_line(m) for m in reversed(rows)]
    before = list(
        base.where(ChatMessage.id < message_id)
        .order_by(ChatMessage.id.desc())
        .limit(each_side)
    )
    after = list(
        base.where(ChatMessage.id >= message_id)
        .order_by(ChatMessage.id)
        .limit(each_side + 1)
    )
    return [_chat_line(m) for m in list(reversed(before)) + after]


def context(kind, row):
    """The target with what an admin needs to judge it: the chat around a
    message, the post a comment is on, the product's description."""
    found = summary(kind, row)
    if kind == "post":
        found["html"] = row.body_html  # sanitised when saved
    elif kind == "comment":
        post = Post.get_or_none(Post.id == row.post_id)
        found["post"] = post and {"id": post.id, "text": _excerpt(post.body)}
        found["body"] = row.body
    elif kind == "chat":
        live = LiveSession.get_or_none(LiveSession.id == row.session_id)
        found["live"] = live and {"id": live.id, "title": live.title}
        found["chat"] = _chat_around(row.session_id, row.id)
    elif kind == "product":
        found["description"] = _excerpt(row.description, 600)
        found["price_cents"] = row.price_cents
    elif kind == "user":
        found["bio"] = row.bio or ""
        found["posts"] = Post.select().where(Post.author == row.id).count()
        found["products"] = Product.select().where(Product.merchant == row.id).count()
    elif kind == "live":
        found["description"] = _excerpt(row.description, 600)
        found["chat"] = _chat_around(row.id)
    return found


def take_down(kind, row):
    """Hide the target (one guarded UPDATE); its status before, or None when it
    was already down. Users are suspended by `rules`, not here."""
    before = row.status
    if kind == "post":
        moved = _set(Post, row.id, REMOVED)
        content_signals.post_changed.send(None, post_ids=[row.id])  # search
    elif kind == "comment":
        moved = _set(Comment, row.id, REMOVED)
        if moved:
            Post.update(comment_count=Post.comment_count - 1).where(
                (Post.id == row.post_id) & (Post.comment_count > 0)
            ).execute()
    elif kind == "chat":
        moved = _set(ChatMessage, row.id, REMOVED)
    elif kind == "product":
        moved = _set(Product, row.id, REMOVED)
        catalog_signals.product_changed.send(None, product_ids=[row.id])
    elif kind == "live":
        moved = (
            LiveSession.update(
                status=REMOVED,
                ended_at=row.ended_at or utcnow(),
            )
            .where((LiveSession.id == row.id) & (LiveSession.status != REMOVED))
            .execute()
        )
    else:
        return None
    if moved:
        signals.target_changed.send(None, kind=kind, target_id=row.id)
    return before if moved else None


def end_live(row):
    """End a live that is on or coming (one guarded UPDATE); its status before,
    or None when it was over already."""
    moved = (
        LiveSession.update(status="ended", ended_at=utcnow())
        .where(
            (LiveSession.id == row.id) & LiveSession.status.in_(["scheduled", "live"])
        )
        .execute()
    )
    if moved:
        signals.target_changed.send(None, kind="live", target_id=row.id)
    return row.status if moved else None


def end_lives_of(host_id):
    """End every live and coming session of a suspended host (one guarded UPDATE
    each); the ids of those that ended."""
    ended = []
    for session in LiveSession.select().where(
        (LiveSession.host == host_id) & LiveSession.status.in_(["scheduled", "live"])
    ):
        if end_live(session) is not None:
            ended.append(session.id)
    return ended


def restore(kind, target_id, before):
    """Undo a takedown (an appeal upheld): the status it had (a live comes back
    as over, never on air again)."""
    row = _row(kind, target_id)
    if row is None or row.status != REMOVED:
        return False
    if kind == "live":
        before = "ended"
    model = MODELS[kind]
    moved = (
        model.update(status=before)
        .where((model.id == row.id) & (model.status == REMOVED))
        .execute()
    )
    if moved and kind == "comment":
        Post.update(comment_count=Post.comment_count + 1).where(
            Post.id == row.post_id
        ).execute()
    if kind == "post":
        content_signals.post_changed.send(None, post_ids=[row.id])
    elif kind == "product":
        catalog_signals.product_changed.send(None, product_ids=[row.id])
    if moved:
        signals.target_changed.send(None, kind=kind, target_id=row.id)
    return bool(moved)


def _set(model, row_id, status):
    return (
        model.update(status=status)
        .where((model.id == row_id) & (model.status != status))
        .execute()
    )
