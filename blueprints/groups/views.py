"""Neighbourhood groups' (社群) pages: a group's chat (phone-first, like a WeChat
group), joining and leaving, posting without JavaScript, opening a card, "my
groups" and a creator's fan group form. The owner's pages (members, mute, remove,
blocked words, held messages, posting cards) are in `owner_views`, on this
blueprint (`base`).

Views stay thin: they read the form, call `livestall.groups` and redirect; a
domain error is a flashed message, never a 500. An unknown or closed group is a
404 (a closed one but to its owner and admins, as `rules.visible` says); a
signed-in non-member gets the join screen. What is posted here is broadcast to the
group's Socket.IO room as if it came over the socket (`events`), so members with
the page open see it at once; static/js/group-chat.js does the same live.
"""

from flask import (
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext
from flask_login import login_required

from blueprints.common import role_required, translate, visitor_id
from blueprints.content.views import with_avatars
from blueprints.groups import events, owner_views
from blueprints.groups.base import (
    bp,
    group_or_404,
    me_or_none,
    message_id_or_404,
    sign_in_first,
    to_group,
)
from blueprints.page_cache import shared
from livestall.errors import DomainError, NotFound
from livestall.groups import cards, chat, rules
from livestall.live import chat as live_chat


def kind_label(group):
    return gettext("Leader's group") if group.kind == "leader" else gettext("Fan group")


def _open_fan_group(creator_id):
    """A creator's fan group while it is open (what every viewer of the creator's
    page sees alike: from the shared store), else None."""
    group = shared(
        ("groups.fan", creator_id),
        lambda: _open_or_false(rules.fan_group_of(creator_id)),
    )
    return group or None


def _open_or_false(group):
    return group if group is not None and rules.is_open(group) else False


def group_box(group):
    """What a point's or a creator's page shows of a group: {group, member (the
    viewer's membership or None), url} (None for no group or a closed one)."""
    if group is None or not rules.is_open(group):
        return None
    member = rules.membership(group, me_or_none())
    return {
        "group": group,
        "member": member,
        "active": member is not None and member.status == "active",
        "removed": member is not None and member.status == "removed",
        "url": url_for("groups.group", group_id=group.id),
    }


@bp.app_context_processor
def _groups_context():
    return {
        "leader_group_box": lambda leader: group_box(rules.leader_group(leader)),
        "fan_group_box": lambda creator: group_box(_open_fan_group(creator.id)),
        "group_kind_label": kind_label,
    }


# --- the group's page -----------------------------------------------------------------


def _you(group, member):
    """The viewer's state as the page shows it (the socket's `you`)."""
    if member is None or member.status != "active":
        return None
    return events.you(group, member)


@bp.route("/groups/<int:group_id>")
def group(group_id):

    viewer = me_or_none()
    found = group_or_404(group_id, viewer)
    member = rules.membership(found, viewer)
    active = member is not None and member.status == "active"
    is_owner = viewer is not None and viewer.id == found.owner_id
    messages = chat.history(found, viewer) if active else []
    held = chat.held(found) if active and is_owner else []
    with_avatars([found.owner, *(m.user for m in messages), *(m.user for m in held)])
    return render_template(
        "groups/group.html",
        group=found,
        member=member,
        active=active,
        is_owner=is_owner,
        you=_you(found, member),
        messages=messages,
        held=held,
        is_open=rules.is_open(found),
        picker=owner_views.card_picker(found, viewer) if active and is_owner else None,
    )


@bp.route("/groups/<int:group_id>/join", methods=["POST"])
def join(group_id):
    viewer = me_or_none()
    found = group_or_404(group_id, viewer)
    if viewer is None:
        return sign_in_first(found)
    try:
        _member, joined = rules.join(viewer, found)
    except DomainError as e:
        flash(translate(e), "error")
    else:
        if joined:
            flash(gettext("Welcome to %(name)s!", name=found.name), "success")
    return to_group(found)


@bp.route("/groups/<int:group_id>/leave", methods=["POST"])
@login_required
def leave(group_id):
    viewer = me_or_none()
    found = group_or_404(group_id, viewer)
    try:
        rules.leave(viewer, found)
    except DomainError as e:
        flash(translate(e), "error")
        return to_group(found)
    flash(gettext("You left %(name)s.", name=found.name), "info")
    return redirect(url_for("groups.my_groups"))


@bp.route("/groups/<int:group_id>/messages", methods=["POST"])
@login_required
def post_message(group_id):
    """A message without JavaScript (the page's form); the socket does the same."""
    viewer = me_or_none()
    found = group_or_404(group_id, viewer)
    body = request.form.get("body", "")
    try:
        live_chat.clean_chat(body)  # a malformed message costs no token
        events.chat_buckets_take(viewer)
        message = chat.post(found, viewer, body)
    except DomainError as e:
        flash(translate(e), "error")
        return to_group(found, "gc-input")
    events.broadcast_message(message)
    if message.status == "held":
        flash(gettext("Only you can see this: waiting for the owner."), "info")
    return to_group(found, "gc-end")


@bp.route("/groups/<int:group_id>/messages/<int:message_id>/delete", methods=["POST"])
@login_required
def delete_message(group_id, message_id):
    """The owner deletes any message; a member their own."""
    viewer = me_or_none()
    found = group_or_404(group_id, viewer)
    message = message_id_or_404(found, message_id)
    if viewer.id not in (found.owner_id, message.user_id):
        abort(403)
    if message.status != "deleted":
        events.broadcast_deleted(chat.delete_message(viewer, found, message.id))
        flash(gettext("Message deleted."), "info")
    return to_group(found)


# --- cards ----------------------------------------------------------------------------


@bp.route("/groups/<int:group_id>/cards/<int:message_id>")
def open_card(group_id, message_id):
    """A card's link (shared: anyone may open it): the owner's touchpoint, then the
    card's page."""
    viewer = me_or_none()
    found = group_or_404(group_id, viewer)
    message = message_id_or_404(found, message_id)
    try:
        path = cards.open_card(
            found, message, visitor_id(), viewer.id if viewer is not None else None
        )
    except NotFound:
        abort(404)
    except DomainError:
        abort(404)
    return redirect(path)


# --- my groups, a creator's fan group -------------------------------------------------


@bp.route("/me/groups")
@login_required
def my_groups():
    found = rules.groups_of(me_or_none())
    with_avatars([g.owner for g in found])
    return render_template("groups/my_groups.html", groups=found)


@bp.route("/creator/fan-group", methods=["GET", "POST"])
@role_required("creator")
def fan_group():
    viewer = me_or_none()
    existing = rules.fan_group_of(viewer.id)
    form, errors, status = request.form, {}, 200
    if request.method == "POST":
        try:
            made, created = rules.open_fan_group(
                viewer, {"name": form.get("name"), "intro": form.get("intro") or ""}
            )
        except DomainError as e:
            field = e.field if e.field in ("name", "intro") else "form"
            errors[field] = translate(e)
            status = e.status if e.status in (403, 409) else 400
        else:
            if created:
                flash(gettext("Your fan group is open: followers join it."), "success")
            else:
                flash(gettext("Fan group saved."), "success")
            return to_group(made)
    values = (
        form
        if request.method == "POST"
        else {
            "name": existing.name
            if existing
            else gettext("%(name)s's fans", name=viewer.name),
            "intro": existing.intro if existing else "",
        }
    )
    page = render_template(
        "groups/fan_group_form.html", group=existing, values=values, errors=errors
    )
    return page, status
