"""JSON API v1: neighbourhood groups (社群) (docs/API.md, "Groups"). The chat itself
is Socket.IO (`blueprints/groups/events.py`); what is posted here is broadcast to
the group's room as if it came over the socket."""

from flask import jsonify, request
from flask_login import current_user

from blueprints.api.views import bp, json_body, me
from blueprints.groups import events
from livestall.community import leaders
from livestall.errors import Invalid, NotFound
from livestall.groups import chat, rules
from livestall.live import chat as live_chat


def _viewer():
    return current_user._get_current_object() if current_user.is_authenticated else None


def _group_out(group, viewer):
    out = rules.group_dict(group)
    member = rules.membership(group, viewer)
    out["you"] = (
        {"status": member.status, **events.you(group, member)} if member else None
    )
    return out


@bp.get("/groups/<int:group_id>")
def get_group(group_id):
    viewer = _viewer()
    return jsonify(group=_group_out(rules.visible(group_id, viewer), viewer))


@bp.get("/me/groups")
def my_groups():
    return jsonify(items=[rules.group_dict(g) for g in rules.groups_of(me())])


@bp.post("/me/fan-group")
def open_fan_group():
    group, created = rules.open_fan_group(me(), json_body())
    return jsonify(group=rules.group_dict(group)), 201 if created else 200


@bp.get("/leaders/<int:leader_id>/group")
def leader_group(leader_id):
    viewer = _viewer()
    leader = leaders.visible(leader_id, viewer)
    group = rules.leader_group(leader)
    if group is None:
        raise NotFound("This leader has no group yet.")
    return jsonify(group=_group_out(group, viewer))


@bp.get("/creators/<int:creator_id>/fan-group")
def creator_fan_group(creator_id):
    group = rules.fan_group_of(creator_id)
    viewer = _viewer()
    if group is None or not rules.is_open(group):
        raise NotFound("This creator has no fan group.")
    return jsonify(group=_group_out(group, viewer))


@bp.post("/groups/<int:group_id>/members")
def join_group(group_id):
    user = me()
    group = rules.visible(group_id, user)
    member, joined = rules.join(user, group)
    return jsonify(member=rules.member_dict(member)), 201 if joined else 200


@bp.delete("/groups/<int:group_id>/members/me")
def leave_group(group_id):
    user = me()
    rules.leave(user, rules.visible(group_id, user))
    return "", 204


@bp.get("/groups/<int:group_id>/members")
def group_members(group_id):
    user = me()
    group = rules.visible(group_id, user)
    rules.require_member(group, user)
    status = request.args.get("status", "active")
    if status not in ("active", "removed"):
        raise Invalid("status must be active or removed.", field="status")
    if status == "removed":
        rules.require_owner(group, user)
    return jsonify(items=[rules.member_dict(m) for m in rules.members(group, status)])


def _int_arg(name):
    value = request.args.get(name)
    if value is None:
        return None
    try:
        number = int(value)
    except ValueError:
        raise Invalid("%(key)s must be a whole number.", key=name, field=name) from None
    if not 0 < number < rules.ID_MAX:
        raise Invalid("%(key)s must be a whole number.", key=name, field=name)
    return number


@bp.get("/groups/<int:group_id>/messages")
def group_messages(group_id):
    user = me()
    group = rules.visible(group_id, user)
    rules.require_member(group, user)
    limit = _int_arg("limit") or chat.HISTORY
    found = chat.history(group, user, before_id=_int_arg("before_id"), limit=limit)
    return jsonify(items=[chat.message_dict(m) for m in found])


@bp.post("/groups/<int:group_id>/messages")
def post_group_message(group_id):
    """`{body}` from a member, or `{card: {kind, id}, body?}` from the owner."""
    user = me()
    group = rules.visible(group_id, user)
    rules.require_member(group, user)  # who before what: 403 ahead of 400
    data = json_body()
    if data.get("card") is not None:
        message = chat.post_card(group, user, data["card"], data.get("body") or "")
    else:
        live_chat.clean_chat(data.get("body"))  # a malformed message costs no token
        events.chat_buckets_take(user)
        message = chat.post(group, user, data.get("body"))
    return jsonify(message=events.broadcast_message(message)), 201


@bp.delete("/groups/<int:group_id>/messages/<int:message_id>")
def delete_group_message(group_id, message_id):
    user = me()
    group = rules.visible(group_id, user)
    events.broadcast_deleted(chat.delete_message(user, group, message_id))
    return "", 204


@bp.post("/groups/<int:group_id>/messages/<int:message_id>/release")
def release_group_message(group_id, message_id):
    user = me()
    group = rules.visible(group_id, user)
    message = chat.release_message(user, group, message_id)
    return jsonify(message=events.broadcast_message(message))


@bp.post("/groups/<int:group_id>/members/<int:user_id>/mute")
def mute_member(group_id, user_id):
    user = me()
    group = rules.visible(group_id, user)
    target, until = chat.mute(user, group, user_id, json_body().get("minutes"))
    events.tell_muted(group, target, until)
    return jsonify(member=rules.member_dict(rules.membership(group, target)))


@bp.post("/groups/<int:group_id>/members/<int:user_id>/remove")
def remove_member(group_id, user_id):
    user = me()
    group = rules.visible(group_id, user)
    target = rules.set_member_status(user, group, user_id, "removed")
    events.removed(group, target)
    return jsonify(member=rules.member_dict(rules.membership(group, target)))


@bp.post("/groups/<int:group_id>/members/<int:user_id>/restore")
def restore_member(group_id, user_id):
    user = me()
    group = rules.visible(group_id, user)
    target = rules.set_member_status(user, group, user_id, "left")
    return jsonify(member=rules.member_dict(rules.membership(group, target)))


@bp.get("/groups/<int:group_id>/blocked-words")
def group_blocked_words(group_id):
    user = me()
    group = rules.visible(group_id, user)
    rules.require_owner(group, user)
    return jsonify(words=live_chat.blocked_words(group.owner_id))


@bp.put("/groups/<int:group_id>/blocked-words")
def put_group_blocked_words(group_id):
    """The owner's one list: the same words hold messages in their live room."""
    user = me()
    group = rules.visible(group_id, user)
    rules.require_owner(group, user)
    return jsonify(words=live_chat.set_blocked_words(user, json_body().get("words")))
