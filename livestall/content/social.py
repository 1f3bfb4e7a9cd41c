"""Follows, likes, comments and personal share codes."""

import secrets

from peewee import IntegrityError, fn

from livestall.accounts.models import User, UserRole
from livestall.content import signals
from livestall.content.models import Comment, Follow, Like, Post
from livestall.db.base import Prepared, transaction
from livestall.errors import Invalid, NotAllowed, NotFound, RateLimited
from livestall.platform import audit, ratelimit

COMMENT_MAX = 500
COMMENTS_PER_MINUTE = 6


def creator_by_username(username):
    """The creator with this username, or NotFound (other accounts are not shown)."""
    if not isinstance(username, str) or len(username) > 30:
        raise NotFound("No such creator.")
    user = _CREATOR.first(username.lower(), "creator", "active")
    if user is None:
        raise NotFound("No such creator.")
    return user


# every creator page reads its creator: compiled once
_CREATOR = Prepared(
    lambda username, role, status: (
        User.select()
        .join(UserRole)
        .where(
            (User.username == username)
            & (UserRole.role == role)
            & (User.status == status)
        )
        .limit(1)
    )
)


def follow(follower, creator):
    """Follow a creator; following twice is a no-op."""
    if follower.id == creator.id:
        raise Invalid("You cannot follow yourself.")
    Follow.insert(
        follower=follower.id, followee=creator.id
    ).on_conflict_ignore().execute()
    signals.followed.send(None, follower_id=follower.id, creator_id=creator.id)


def unfollow(follower, creator):
    Follow.delete().where(
        (Follow.follower == follower.id) & (Follow.followee == creator.id)
    ).execute()


def is_following(follower, creator):
    if follower is None or not follower.is_authenticated:
        return False
    return bool(_FOLLOWS.rows(follower.id, creator.id))


# read on every post and creator page a signed-in reader opens: compiled once
_FOLLOWS = Prepared(
    lambda follower_id, followee_id: (
        Follow.select(Follow.follower)
        .where((Follow.follower == follower_id) & (Follow.followee == followee_id))
        .tuples()
    )
)


def follower_count(user):
    return _FOLLOWERS.rows(user.id)[0][0]


def following_count(user):
    return _FOLLOWING.rows(user.id)[0][0]


# on every creator page and every signed-in home: compiled once
_FOLLOWERS = Prepared(
    lambda uid: (
        Follow.select(fn.COUNT(Follow.follower)).where(Follow.followee == uid).tuples()
    )
)
_FOLLOWING = Prepared(
    lambda uid: (
        Follow.select(fn.COUNT(Follow.follower)).where(Follow.follower == uid).tuples()
    )
)


def like(user, post):
    """Like a published post once; the counter moves by one guarded UPDATE."""
    if not post.is_published:
        raise NotFound("No such post.")
    try:
        with transaction():
            Like.create(user=user.id, post=post.id)
            Post.update(like_count=Post.like_count + 1).where(
                Post.id == post.id
            ).execute()
    except IntegrityError:
        pass  # already liked


def unlike(user, post):
    with transaction():
        gone = (
            Like.delete()
            .where((Like.user == user.id) & (Like.post == post.id))
            .execute()
        )
        if gone:
            Post.update(like_count=Post.like_count - 1).where(
                (Post.id == post.id) & (Post.like_count > 0)
            ).execute()


def liked_ids(user, posts):
    """Which of these posts the user liked (one query)."""
    if user is None or not user.is_authenticated or not posts:
        return set()
    return {
        row.post_id
        for row in Like.select(Like.post).where(
            (Like.user == user.id) & (Like.post.in_([p.id for p in posts]))
        )
    }


def add_comment(user, post, body):
    """A plain-text comment, rate limited per user."""
    if not post.is_published:
        raise NotFound("No such post.")
    if not isinstance(body, str):
        raise Invalid("This field must be text.", field="body")
    body = body.replace("\x00", "").replace("\r\n", "\n").strip()
    if not body:
        raise Invalid("Write something first.", field="body")
    if len(body) > COMMENT_MAX:
        raise Invalid("At most %(n)d characters.", field="body", n=COMMENT_MAX)
    if ratelimit.hit(f"comment:{user.id}", 60) > COMMENTS_PER_MINUTE:
        raise RateLimited("You are commenting too fast. Wait a minute.", retry_after=60)
    with transaction():
        comment = Comment.create(post=post.id, author=user.id, body=body)
        Post.update(comment_count=Post.comment_count + 1).where(
            Post.id == post.id
        ).execute()
    return comment


def delete_comment(user, comment_id):
    """The comment's author, the post's author or an admin may delete it."""
    comment = (
        Comment.select(Comment, Post).join(Post).where(Comment.id == comment_id).first()
    )
    if comment is None:
        raise NotFound("No such comment.")
    if user.id not in (comment.author_id, comment.post.author_id) and not (
        user.has_role("admin")
    ):
        raise NotAllowed("You cannot delete this comment.")
    with transaction():
        if Comment.delete().where(Comment.id == comment.id).execute():
            Post.update(comment_count=Post.comment_count - 1).where(
                (Post.id == comment.post_id) & (Post.comment_count > 0)
            ).execute()
            audit.record_if_admin(
                user,
                (comment.author_id, comment.post.author_id),
                "comment.delete",
                "comment",
                comment.id,
                post_id=comment.post_id,
                author_id=comment.author_id,
            )
    return comment.post


def _comments(post_id, limit, where=None):
    query = Comment.select(Comment, User).join(User).where(Comment.post == post_id)
    if where is not None:
        query = query.where(where)
    return query.order_by(Comment.created_at, Comment.id).limit(limit)


# a post page's comments, on every view: compiled once for each kind of reader
_ALL_COMMENTS = Prepared(lambda pid, limit: _comments(pid, limit))
_VISIBLE_COMMENTS = Prepared(
    lambda pid, visible, limit: _comments(pid, limit, Comment.status == visible)
)
_COMMENTS_FOR = Prepared(
    lambda pid, visible, uid, limit: _comments(
        pid, limit, (Comment.status == visible) | (Comment.author == uid)
    )
)


def comments_of(post, viewer=None, limit=200):
    """The post's comments, oldest first; one an admin took down only for its
    author and admins."""
    if viewer is None:
        return _VISIBLE_COMMENTS.rows(post.id, "visible", limit)
    if viewer.has_role("admin"):
        return _ALL_COMMENTS.rows(post.id, limit)
    return _COMMENTS_FOR.rows(post.id, "visible", viewer.id, limit)


def share_code_for(user):
    """The user's personal share code, created once on first use."""
    if user.share_code:
        return user.share_code
    for _ in range(5):
        code = secrets.token_urlsafe(6)
        try:
            User.update(share_code=code).where(
                (User.id == user.id) & (User.share_code.is_null())
            ).execute()
        except IntegrityError:
            continue  # the same code twice: astronomically rare, try another
        user.share_code = User.get_by_id(user.id).share_code
        return user.share_code
    raise RuntimeError("could not allocate a share code")


def sharer_of(code):
    """The id of the user a share code belongs to, or None."""
    if not isinstance(code, str) or not 4 <= len(code) <= 16:
        return None
    row = User.select(User.id).where(User.share_code == code).first()
    return row.id if row else None
