"""The buttons of the post and creator pages: like, comment, follow.

Every route is a POST with a CSRF token. A plain form submit redirects back with a
flash, as it always did; a page script that asks for JSON (`Accept:
application/json`, the token in `X-CSRFToken`) gets the new state to show in place:

- like / unlike: `{liked, like_count}`
- follow / unfollow: `{following, followers, message}`
- comments: 201 `{comment: {id, html}, comment_count, message}`; an empty, too long
  or too fast comment is API.md's error JSON (400, 429) with the message to show.

Signed-out callers get 401 JSON with `login_url` instead of the sign-in redirect.
"""

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from blueprints.common import safe_next, translate
from blueprints.content.views import bp, creator_or_404, post_or_404
from blueprints.errors import wants_json
from livestall.content import social
from livestall.content.models import Post
from livestall.errors import DomainError, NotFound


def _me():
    return current_user._get_current_object()


def _signed_out(back):
    """Anonymous visitors go to the sign-in page, then `back` (JSON: 401 with it)."""
    login = url_for("auth.login", next=back)
    if wants_json():
        error = {"code": "not_signed_in", "message": gettext("Sign in first.")}
        return jsonify(error=error, login_url=login), 401
    return redirect(login)


def _back(default):
    return redirect(safe_next(request.form.get("next")) or default)


# --- likes ----------------------------------------------------------------------------


def _like_answer(item, liked):
    if wants_json():
        count = Post.select(Post.like_count).where(Post.id == item.id).scalar()
        return jsonify(liked=liked, like_count=count or 0)
    return _back(url_for("feed.post", post_id=item.id))


@bp.route("/posts/<int:post_id>/like", methods=["POST"])
def like(post_id):
    if not current_user.is_authenticated:
        return _signed_out(url_for("feed.post", post_id=post_id))
    item = post_or_404(post_id)
    social.like(_me(), item)  # a draft: NotFound, the 404 page or JSON
    return _like_answer(item, True)


@bp.route("/posts/<int:post_id>/unlike", methods=["POST"])
def unlike(post_id):
    if not current_user.is_authenticated:
        return _signed_out(url_for("feed.post", post_id=post_id))
    item = post_or_404(post_id)
    social.unlike(_me(), item)
    return _like_answer(item, False)


# --- comments -------------------------------------------------------------------------


@bp.route("/posts/<int:post_id>/comments", methods=["POST"])
def add_comment(post_id):
    if not current_user.is_authenticated:
        return _signed_out(url_for("feed.post", post_id=post_id) + "#comments")
    item = post_or_404(post_id)
    target = url_for("feed.post", post_id=item.id) + "#comments"
    try:
        comment = social.add_comment(_me(), item, request.form.get("body", ""))
    except NotFound:
        abort(404)
    except DomainError as e:  # empty, too long, or too fast (429): say so
        if wants_json():
            raise  # the error handler answers API.md's error JSON
        flash(translate(e), "error")
        return redirect(target)
    if wants_json():
        comment.author = _me()
        html = render_template(
            "feed/_comment.html", c=comment, post=item, can_moderate=False
        )  # the delete button shows: the commenter may delete their own
        count = Post.select(Post.comment_count).where(Post.id == item.id).scalar()
        return jsonify(
            comment={"id": comment.id, "html": html},
            comment_count=count or 0,
            message=gettext("Comment posted."),
        ), 201
    flash(gettext("Comment posted."), "success")
    return redirect(target)


@bp.route("/comments/<int:comment_id>/delete", methods=["POST"])
def delete_comment(comment_id):
    if not current_user.is_authenticated:
        return _signed_out(url_for("feed.home"))
    try:
        item = social.delete_comment(_me(), comment_id)
    except NotFound:
        abort(404)
    # NotAllowed is not caught: the 403 page says "you can't do that".
    flash(gettext("Comment deleted."), "success")
    return redirect(url_for("feed.post", post_id=item.id) + "#comments")


# --- follows --------------------------------------------------------------------------


def _follow_answer(person, following, message, category):
    if wants_json():
        return jsonify(
            following=following,
            followers=social.follower_count(person),
            message=message,
        )
    flash(message, category)
    return _back(url_for("feed.creator", username=person.username))


@bp.route("/u/<username>/follow", methods=["POST"])
def follow(username):
    if not current_user.is_authenticated:
        return _signed_out(url_for("feed.creator", username=username))
    person = creator_or_404(username)
    try:
        social.follow(_me(), person)
    except DomainError as e:  # following yourself
        if wants_json():
            raise
        flash(translate(e), "error")
        return _back(url_for("feed.creator", username=person.username))
    message = gettext("You follow %(name)s now.", name=person.name)
    return _follow_answer(person, True, message, "success")


@bp.route("/u/<username>/unfollow", methods=["POST"])
def unfollow(username):
    if not current_user.is_authenticated:
        return _signed_out(url_for("feed.creator", username=username))
    person = creator_or_404(username)
    social.unfollow(_me(), person)
    message = gettext("You no longer follow %(name)s.", name=person.name)
    return _follow_answer(person, False, message, "info")
