"""A group owner's pages and forms, on the `groups` blueprint: posting a card (the
picker on the group's page), releasing a held message, the members page (mute,
remove, restore) and the blocked words (the owner's one list, shared with their
live room). Others get 403; every refusal of the rules is a flashed message."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from blueprints.common import translate
from blueprints.content.views import with_avatars
from blueprints.groups import events
from blueprints.groups.base import bp, group_or_404, message_id_or_404, to_group
from livestall.catalog.models import Product
from livestall.community import campaigns
from livestall.content import rules as content
from livestall.db.base import utcnow
from livestall.errors import DomainError, Invalid
from livestall.group_buy import deals
from livestall.groups import chat, rules
from livestall.groups.models import CARD_KINDS
from livestall.live import chat as live_chat
from livestall.promotions import coupons, present

PICKS = 12
MUTE_CHOICES = (10, 60, 1440, 0)


def _owned(group_id):
    """(owner, group) for the group's owner; 403 for anyone else."""
    viewer = current_user._get_current_object()
    found = group_or_404(group_id, viewer)
    if viewer.id != found.owner_id:
        abort(403)
    return viewer, found


# --- the card picker ------------------------------------------------------------------


def _products_of(owner):
    """Products the owner would post: their own (merchants) and those they tagged."""
    found = list(content.picks_of(owner, limit=PICKS))
    if owner.has_role("merchant"):
        own = Product.listing().where(Product.merchant == owner.id)
        found = (
            Product.with_images(own.order_by(Product.id.desc()).limit(PICKS)) + found
        )
    seen, unique = set(), []
    for product in found:
        if product.id not in seen:
            seen.add(product.id)
            unique.append(product)
    return unique[:PICKS]


def card_picker(group, owner):
    """What the "Post a card" sheet offers: [(kind, id, title, price cents,
    currency, image url, note)] of open campaigns (a leader's group), products,
    running group deals and claimable coupons."""
    rows = []
    if group.kind == "leader":
        for c in campaigns.open_campaigns(limit=PICKS):
            rows.append(
                ("campaign", c.id, c.title, None, c.currency, None, c.pickup_on)
            )
    products = _products_of(owner)
    for p in products:
        cover = p.cover
        rows.append(
            (
                "product",
                p.id,
                p.title,
                p.price_cents,
                p.currency,
                cover and cover.thumb_url,
                None,
            )
        )
    running = deals.running_deals([p.id for p in products])
    for p in products:
        deal = running.get(p.id)
        if deal is not None:
            rows.append(
                (
                    "group_buy",
                    deal.id,
                    p.title,
                    deal.price_cents,
                    deal.currency,
                    None,
                    None,
                )
            )
    merchants = []
    for merchant_id in [owner.id] + [p.merchant_id for p in products]:
        if merchant_id not in merchants:
            merchants.append(merchant_id)
    for merchant_id in merchants[:4]:
        for c in coupons.claimable(merchant_id, limit=4, shop_visible=True):
            rows.append(
                ("coupon", c.id, present.display_title(c), None, c.currency, None, None)
            )
    return rows


def _card_arg(form):
    """{kind, id} from the form: `card_kind` and `card_id` typed, else `card_pick`
    ("kind:id", a row of the picker)."""
    kind, raw = form.get("card_kind") or "", (form.get("card_id") or "").strip()
    if not raw and ":" in (form.get("card_pick") or ""):
        kind, raw = form["card_pick"].split(":", 1)
    if kind not in CARD_KINDS:
        raise Invalid("Choose what to post.", field="card")
    if not (raw.isascii() and raw.isdecimal() and len(raw) <= 15):
        raise Invalid("Choose what to post.", field="card")
    return {"kind": kind, "id": int(raw)}


@bp.route("/groups/<int:group_id>/cards", methods=["POST"])
@login_required
def post_card(group_id):
    owner, found = _owned(group_id)
    try:
        card = _card_arg(request.form)
        message = chat.post_card(found, owner, card, request.form.get("body") or "")
    except DomainError as e:
        flash(translate(e), "error")
        return to_group(found, "gc-card-sheet")
    events.broadcast_message(message)
    flash(gettext("Card posted."), "success")
    return to_group(found, "gc-end")


@bp.route("/groups/<int:group_id>/messages/<int:message_id>/release", methods=["POST"])
@login_required
def release_message(group_id, message_id):
    owner, found = _owned(group_id)
    message = message_id_or_404(found, message_id)
    try:
        message = chat.release_message(owner, found, message.id)
    except DomainError as e:
        flash(translate(e), "error")
    else:
        events.broadcast_message(message)
        flash(gettext("Message released: everyone sees it now."), "success")
    return to_group(found)


# --- members --------------------------------------------------------------------------


@bp.route("/groups/<int:group_id>/members")
@login_required
def members(group_id):
    """Members see who is in; the owner also mutes, removes and restores."""
    viewer = current_user._get_current_object()
    found = group_or_404(group_id, viewer)
    member = rules.membership(found, viewer)
    if member is None or member.status != "active":
        flash(gettext("Join the group to read and write in it."), "info")
        return to_group(found)
    is_owner = viewer.id == found.owner_id
    active = rules.members(found)
    removed = rules.members(found, "removed") if is_owner else []
    with_avatars([m.user for m in active + removed])
    return render_template(
        "groups/members.html",
        group=found,
        members=active,
        removed=removed,
        is_owner=is_owner,
        mute_choices=MUTE_CHOICES,
        blocked_words=", ".join(live_chat.blocked_words(found.owner_id))
        if is_owner
        else "",
        now=utcnow(),
    )


def _to_members(found):
    return redirect(url_for("groups.members", group_id=found.id))


@bp.route("/groups/<int:group_id>/members/<int:user_id>/mute", methods=["POST"])
@login_required
def mute_member(group_id, user_id):
    owner, found = _owned(group_id)
    raw = (request.form.get("minutes") or "").strip()
    try:
        if not (raw.isascii() and raw.isdecimal() and len(raw) <= 6):
            raise Invalid("Choose how long.", field="minutes")
        target, until = chat.mute(owner, found, user_id, int(raw))
    except DomainError as e:
        flash(translate(e), "error")
        return _to_members(found)
    events.tell_muted(found, target, until)
    if until is None:
        flash(gettext("%(name)s may speak again.", name=target.name), "success")
    else:
        flash(gettext("%(name)s is muted.", name=target.name), "success")
    return _to_members(found)


def _set_status(group_id, user_id, to_status):
    owner, found = _owned(group_id)
    try:
        target = rules.set_member_status(owner, found, user_id, to_status)
    except DomainError as e:
        flash(translate(e), "error")
        return found, None
    return found, target


@bp.route("/groups/<int:group_id>/members/<int:user_id>/remove", methods=["POST"])
@login_required
def remove_member(group_id, user_id):
    found, target = _set_status(group_id, user_id, "removed")
    if target is not None:
        events.removed(found, target)
        flash(
            gettext("%(name)s was removed from the group.", name=target.name), "success"
        )
    return _to_members(found)


@bp.route("/groups/<int:group_id>/members/<int:user_id>/restore", methods=["POST"])
@login_required
def restore_member(group_id, user_id):
    found, target = _set_status(group_id, user_id, "left")
    if target is not None:
        flash(
            gettext("%(name)s may join the group again.", name=target.name), "success"
        )
    return _to_members(found)


@bp.route("/groups/<int:group_id>/blocked-words", methods=["POST"])
@login_required
def blocked_words(group_id):
    owner, found = _owned(group_id)
    try:
        live_chat.set_blocked_words(owner, request.form.get("words", ""))
    except DomainError as e:
        flash(translate(e), "error")
    else:
        flash(gettext("Blocked words saved."), "success")
    return _to_members(found)
