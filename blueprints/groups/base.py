"""The `groups` blueprint and what its page modules share: the viewer, a group
or 404, a message or 404, and the way back to the group's page."""

from flask import Blueprint, abort, flash, redirect, url_for
from flask_babel import gettext
from flask_login import current_user

from livestall.errors import DomainError, NotFound
from livestall.groups import chat, rules

bp = Blueprint("groups", __name__)


def me_or_none():
    return current_user._get_current_object() if current_user.is_authenticated else None


def group_or_404(group_id, viewer):
    try:
        return rules.visible(group_id, viewer)
    except NotFound:
        abort(404)


def to_group(group, anchor=None):
    return redirect(url_for("groups.group", group_id=group.id, _anchor=anchor))


def sign_in_first(group):
    """Anonymous: to the sign-in page, then back to the group's page (a GET of a
    POST-only route after sign-in would be a 405)."""
    flash(gettext("Sign in to join the group."), "info")
    return redirect(
        url_for("auth.login", next=url_for("groups.group", group_id=group.id))
    )


def message_id_or_404(found, message_id):
    try:
        return chat.get_message(found, message_id)
    except DomainError:
        abort(404)
