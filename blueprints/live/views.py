"""Live selling pages: the schedule, the room (and its replay) and the host console.

The room and the console are rendered whole on the server (so they read without
JavaScript) and then kept current by static/js/live.js and static/js/console.js over
Socket.IO `/live`. Start, end, blocked words and moderators are POST forms with a
CSRF token; moderation in the room (delete, mute, ban, pin, slow mode) goes through
the socket events of docs/API.md.
"""

import datetime
import re

from flask import (
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext

from blueprints.common import money, role_required, store_upload, translate
from blueprints.content.views import (
    product_ids_from,
    product_picker,
    with_avatars,
    with_covers,
)
from blueprints.live import access, events, flash_events
from blueprints.live.access import bp
from blueprints.live.video import csp_for, page_video, seek_positions, take_new_key
from blueprints.merchant.views import parse_price
from livestall.catalog.models import Product
from livestall.db.base import utcnow
from livestall.errors import (
    Conflict,
    DomainError,
    Invalid,
    NotAllowed,
    NotAllowedByMerchant,
    NotFound,
    SaleEnded,
)
from livestall.flash import sales as flash_sales
from livestall.group_buy import deals as group_deals
from livestall.interaction import lottery, timeline
from livestall.interaction import stats as interaction_stats
from livestall.live import chat, listings, moderation, replay, sales, sessions
from livestall.moderation import rules as decisions
from livestall.promotions import live_stats

LIST_SIZE = 24
SLOW_MODES = (0, 5, 10, 30, 60)
LOCAL_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$")


# --- lists ----------------------------------------------------------------------------


@bp.route("/live")
def index():
    on_air = listings.live_now(LIST_SIZE)
    upcoming = listings.listing("scheduled", page=1, per_page=LIST_SIZE)[0]
    replays = listings.listing("ended", page=1, per_page=LIST_SIZE)[0]
    with_covers(on_air + upcoming + replays)
    return render_template(
        "live/index.html",
        on_air=on_air,
        upcoming=upcoming,
        replays=replays,
        viewers={s.id: events.presence.count(s.id) for s in on_air},
    )


# --- scheduling -----------------------------------------------------------------------


def parse_local_time(value, offset):
    """A datetime-local value and the browser's getTimezoneOffset() (minutes, UTC
    minus local; absent without JavaScript: UTC) -> naive UTC, or None if empty."""
    value = (value or "").strip()
    if not value:
        return None
    offset = (offset or "0").strip()
    if not LOCAL_TIME.match(value) or not re.match(r"^-?\d{1,4}$", offset):
        raise Invalid("Give a date and a time.", field="scheduled_at")
    minutes = int(offset)
    if not -16 * 60 <= minutes <= 16 * 60:
        raise Invalid("Give a date and a time.", field="scheduled_at")
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        raise Invalid("Give a date and a time.", field="scheduled_at") from None
    if not 2000 <= moment.year <= 2999:
        raise Invalid("Give a date and a time.", field="scheduled_at")
    return moment + datetime.timedelta(minutes=minutes)


def _save(session=None):
    """Handle the session form; return (session, errors, chosen product ids)."""
    form, me, errors = request.form, access.signed_in(), {}
    product_ids = product_ids_from(form)
    data = {
        "title": form.get("title", ""),
        "description": form.get("description", ""),
        "product_ids": product_ids,
    }
    try:
        when = parse_local_time(form.get("scheduled_at"), form.get("tz_offset"))
        if when is not None:
            if session is None and when < utcnow() - datetime.timedelta(hours=1):
                raise Invalid("Choose a time in the future.", field="scheduled_at")
            data["scheduled_at"] = when
        elif session is not None and session.status == "scheduled":
            raise Invalid("Give a date and a time.", field="scheduled_at")
    except DomainError as e:
        errors["scheduled_at"] = translate(e)
    if errors:  # say what else is wrong with the form too
        try:
            sessions.clean_text(data["title"], "title", sessions.TITLE_MAX, least=1)
        except DomainError as e:
            errors["title"] = translate(e)
        return None, errors, product_ids
    upload = request.files.get("cover")
    try:
        if upload and upload.filename:
            owner = session.host if session is not None else me
            data["cover_image_id"] = store_upload(upload, owner).id
        elif session is not None and form.get("remove_cover"):
            data["cover_image_id"] = None
    except DomainError as e:
        errors["cover"] = translate(e)
        return None, errors, product_ids
    try:
        if session is None:
            session = sessions.create_session(me, data)
        else:
            session = sessions.update_session(session, me, data)
    except NotAllowed:
        raise
    except DomainError as e:
        field = e.field if e.field in FORM_FIELDS else "form"
        if e.field in ("image_ids", "cover_image_id"):
            field = "cover"
        errors[field] = translate(e)
        return None, errors, product_ids
    return session, errors, product_ids


FORM_FIELDS = {"title", "description", "scheduled_at", "product_ids", "cover"}


def _form_page(session, errors, product_ids):
    form = request.form if request.method == "POST" else None
    return (
        render_template(
            "live/form.html",
            session=session,
            form=form,
            errors=errors,
            selected=set(product_ids),
            picker=product_picker(product_ids),
            cover=_cover_of(session) if session else None,
            products_max=sessions.PRODUCTS_MAX,
        ),
        400 if errors else 200,
    )


def _cover_of(session):
    with_covers([session])
    return session.cover_image


@bp.route("/live/new", methods=["GET", "POST"])
@role_required("creator")
def new_session():
    if request.method == "POST":
        session, errors, product_ids = _save()
        if session is not None:
            flash(gettext("Your live is scheduled."), "success")
            return redirect(url_for("live.console", session_id=session.id))
        return _form_page(None, errors, product_ids)
    return _form_page(None, {}, [])


@bp.route("/live/<int:session_id>/edit", methods=["GET", "POST"])
def edit_session(session_id):
    session, answer = access.host_or_refused(session_id)
    if answer:
        return answer
    if session.status == "ended":
        flash(gettext("This live has ended and can no longer be changed."), "error")
        return redirect(url_for("live.room", session_id=session.id))
    if request.method == "POST":
        saved, errors, product_ids = _save(session)
        if saved is not None:
            flash(gettext("Live saved."), "success")
            return redirect(url_for("live.console", session_id=saved.id))
        return _form_page(session, errors, product_ids)
    ids = [p.id for p in sessions.products_of(session)]
    return _form_page(session, {}, ids)


# --- the room and its replay ----------------------------------------------------------


def _product_rows(session):
    """The session's products, with their cards (a Buy link that remembers the room)."""
    return [
        (p, sessions.product_card(p, session))
        for p in sessions.products_of(session, shown=True)
    ]


@bp.route("/live/<int:session_id>")
def room(session_id):
    session = access.session_or_404(session_id)
    me = access.signed_in()
    if session.status == "removed":  # for its host and admins only
        return render_template(
            "live/removed.html",
            session=session,
            decision=decisions.decision_for("live", session.id),
        )
    with_covers([session])
    with_avatars([session.host])
    products = _product_rows(session)
    cards = {p.id: card for p, card in products}
    replay_rows, chapters = [], []
    if session.status == "ended":
        replay_rows = replay.replay(session)
        chapters = replay.chapters(session)
        for chapter in chapters:
            product = chapter["product"]
            chapter["card"] = cards.get(product.id) or sessions.product_card(
                product, session
            )
    open_sales = (
        [flash_sales.sale_dict(s) for s in flash_sales.open_sales(session)]
        if session.status == "live"
        else []
    )
    video = page_video(session)
    extra = {}
    if session.status == "ended":
        seek_positions(session, chapters, video["offset_s"])
        played = timeline.replay_items(session)
        seek_positions(session, timeline.all_items(played), video["offset_s"])
        extra["interaction_replay"] = played
    page = render_template(
        "live/room.html",
        session=session,
        video=video,
        products=products,
        flash_sales=open_sales,
        pinned=sessions.pinned_card(session) if session.status == "live" else None,
        chat=chat.recent_chat(session) if session.status == "live" else [],
        replay=replay_rows,
        chapters=chapters,
        viewers=events.presence.count(session.id),
        is_moderator=sessions.is_moderator(me, session),
        is_host=access.is_host(me, session),
        **extra,
    )
    return page, {"Content-Security-Policy": csp_for(video)}


# --- the host console -----------------------------------------------------------------


def _stats(session):
    sold = sales.sales(session)
    return {
        "viewers": events.presence.count(session.id),
        "peak_viewers": session.peak_viewers,
        "chat_per_min": sales.chat_rate(session),
        "orders": sold["orders"],
        "units": sold["units"],
        "gmv_cents": sold["gmv_cents"],
        "gmv": money(sold["gmv_cents"]),
        "likes": session.likes,
        "promo": live_stats.figures(session),
        "play": interaction_stats.figures(session),  # polls, draws, PK
    }


@bp.route("/live/<int:session_id>/console")
def console(session_id):
    session, answer = access.moderator_or_refused(session_id)
    if answer:
        return answer
    chosen = request.args.get("flash", "")  # a product row's "Flash sale" link
    form = {"product_id": chosen} if chosen.isascii() and chosen.isdecimal() else None
    return _console_page(session, form=form)


def _sale_rows(session):
    """The session's flash sales for the console, newest first, with summaries."""
    rows = []
    for sale in reversed(flash_sales.sales_of(session)):
        rows.append(
            {
                "sale": flash_sales.sale_dict(sale),
                "summary": flash_sales.summary(sale),
            }
        )
    return rows


def _console_page(session, errors=None, form=None, new_key=None):
    me = access.signed_in()
    video = page_video(session, console=True)
    if new_key is None and access.is_host(me, session):
        new_key = take_new_key()
    with_covers([session])
    is_host = access.is_host(me, session)
    products = _product_rows(session)
    return (
        render_template(
            "live/console.html",
            session=session,
            products=products,
            product_titles={p.id: p.title for p, _ in products},
            group_deals=group_deals.running_deals([p.id for p, _ in products]),
            pinned=sessions.pinned_card(session),
            stats=_stats(session),
            held=chat.held_messages(session),
            actions=replay.action_log(session),
            blocked_words=chat.blocked_words(session.host_id),
            moderators=moderation.moderators_of(session.host),
            is_host=is_host,
            slow_modes=sorted({*SLOW_MODES, session.slow_mode_s}),
            sales=_sale_rows(session),
            promo=live_stats.console_panel(session),
            flash_errors=errors or {},
            flash_form=form or {},
            durations=FLASH_DURATIONS,
            delays=FLASH_DELAYS,
            video=video,
            new_key=new_key,
        ),
        400 if errors else 200,
        {"Content-Security-Policy": csp_for(video)},
    )


@bp.route("/live/<int:session_id>/stats")
def stats(session_id):
    """The console's numbers as JSON (re-read after a purchase)."""
    session, answer = access.moderator_or_refused(session_id)
    if answer:
        return answer
    return jsonify(stats=_stats(session))


def _to_console(session):
    return redirect(url_for("live.console", session_id=session.id))


@bp.route("/live/<int:session_id>/start", methods=["POST"])
def start_live(session_id):
    session, answer = access.host_or_refused(session_id)
    if answer:
        return answer
    try:
        session = sessions.start(session, access.signed_in())
    except Conflict as e:
        flash(translate(e), "error")
        return _to_console(session)
    events.broadcast_session(session)
    flash(gettext("You are live."), "success")
    return _to_console(session)


@bp.route("/live/<int:session_id>/end", methods=["POST"])
def end_live(session_id):
    session, answer = access.host_or_refused(session_id)
    if answer:
        return answer
    try:
        session = sessions.end(session, access.signed_in())
    except Conflict as e:
        flash(translate(e), "error")
        return _to_console(session)
    events.broadcast_session(session)
    flash(gettext("The live has ended. Its replay is on the room page."), "success")
    return _to_console(session)


@bp.route("/live/<int:session_id>/blocked-words", methods=["POST"])
def blocked_words(session_id):
    session, answer = access.moderator_or_refused(session_id)
    if answer:
        return answer
    try:
        words = chat.set_blocked_words(
            session.host,
            request.form.get("words", ""),
            session,
            actor=access.signed_in(),
        )
    except DomainError as e:
        flash(translate(e), "error")
    else:
        flash(
            gettext("Blocked words saved (%(n)d).", n=len(words))
            if words
            else gettext("No blocked words now."),
            "success",
        )
    return redirect(url_for("live.console", session_id=session.id) + "#blocked")


@bp.route("/live/<int:session_id>/moderators", methods=["POST"])
def moderators(session_id):
    session, answer = access.host_or_refused(session_id)
    if answer:
        return answer
    try:
        found = moderation.set_moderators(
            session.host, request.form.get("usernames", "")
        )
    except DomainError as e:
        flash(translate(e), "error")
    else:
        flash(
            gettext("Moderators saved (%(n)d).", n=len(found))
            if found
            else gettext("No moderators now."),
            "success",
        )
    return redirect(url_for("live.console", session_id=session.id) + "#moderators")


# --- flash sales ----------------------------------------------------------------------

FLASH_DURATIONS = (30, 60, 120, 300, 600, 900, 1800, 3600)
FLASH_DELAYS = (0, 10, 30, 60, 120, 300, 600)
FLASH_FIELDS = {
    "product_id",
    "price",
    "quantity",
    "per_user_limit",
    "duration_s",
    "start_delay_s",
}


def _number(text):
    """A whole number typed in a form, or the text itself (validation says why)."""
    text = (text or "").strip()
    if text.isascii() and text.isdecimal() and len(text) < 16:
        return int(text)
    return text


def _flash_data(form):
    data = {
        "product_id": _number(form.get("product_id")),
        "price_cents": parse_price(form.get("price")),
        "quantity": _number(form.get("quantity")),
        "per_user_limit": _number(form.get("per_user_limit") or "1"),
        "duration_s": _number(form.get("duration_s")),
        "start_delay_s": _number(form.get("start_delay_s") or "0"),
    }
    if form.get("mode") == "lottery":  # people register, then units are drawn
        data["mode"] = "lottery"
        data["register_s"] = _number(form.get("register_s"))
        data["duration_s"] = data["register_s"]
    return data


def _flash_error(e, data):
    """(field, message) for a refused launch, in the host's words (prices in money)."""
    field = "price" if e.field == "price_cents" else e.field
    if field not in FLASH_FIELDS:
        field = "form"
    message = translate(e)
    pid = data.get("product_id")
    product = None
    if isinstance(pid, int) and 0 < pid < 2**53:  # any shop's product may be sold
        product = Product.get_or_none(Product.id == pid)
    if isinstance(e, NotAllowedByMerchant):
        if field == "price" and product is not None:  # the merchant's floor
            message = gettext(
                "The merchant allows flash sales of this product at %(floor)s or more.",
                floor=money(e.params["floor"], product.currency),
            )
        return field, message
    if field == "price":
        if product is not None:
            message = gettext(
                "Give a sale price from %(low)s to %(high)s (the list price).",
                low=money(1, product.currency),
                high=money(product.price_cents, product.currency),
            )
        else:
            message = gettext("Give a sale price.")
    elif field == "product_id" and not isinstance(data.get("product_id"), int):
        message = gettext("Choose one of this live's products.")
    elif isinstance(e, Invalid) and field == "quantity":
        message = gettext(
            "Give a quantity from 1 to %(n)s.", n=f"{flash_sales.QUANTITY_MAX:,}"
        )
    elif isinstance(e, Invalid) and field == "per_user_limit":
        quantity = data.get("quantity")
        top = flash_sales.PER_USER_MAX
        if isinstance(quantity, int) and quantity > 0:
            top = min(top, quantity)
        message = gettext("Give a limit per person from 1 to %(n)d.", n=top)
    elif isinstance(e, Invalid) and field == "duration_s":
        message = gettext("Choose how long the sale lasts.")
    elif isinstance(e, Invalid) and field == "start_delay_s":
        message = gettext("Choose when the sale starts.")
    return field, message


@bp.route("/live/<int:session_id>/flash-sales", methods=["POST"])
def launch_flash_sale(session_id):
    session, answer = access.moderator_or_refused(session_id)
    if answer:
        return answer
    data = _flash_data(request.form)
    try:
        sale = lottery.launch_any(session, access.signed_in(), data)
    except NotAllowedByMerchant as e:  # the product's limits: the host may adjust
        field, message = _flash_error(e, data)
        return _console_page(session, {field: message}, request.form)
    except NotAllowed:
        abort(403)
    except DomainError as e:
        field, message = _flash_error(e, data)
        return _console_page(session, {field: message}, request.form)
    flash_events.announce_started(sale)
    flash(
        gettext(
            "Flash sale launched: %(n)d × %(title)s at %(price)s.",
            n=sale.quantity,
            title=sale.product.title,
            price=money(sale.price_cents, sale.currency),
        ),
        "success",
    )
    return redirect(url_for("live.console", session_id=session.id) + "#flash")


@bp.route("/live/<int:session_id>/flash-sales/<int:sale_id>/end", methods=["POST"])
def end_flash_sale(session_id, sale_id):
    session, answer = access.moderator_or_refused(session_id)
    if answer:
        return answer
    try:
        sale = flash_sales.get_sale(sale_id)
    except NotFound:
        abort(404)
    if sale.session_id != session.id:
        abort(404)
    try:
        sale = flash_sales.end_sale(sale, access.signed_in())
    except NotAllowed:
        abort(403)
    except SaleEnded as e:
        flash(translate(e), "error")
    else:
        flash_events.announce_ended(sale)
        flash(gettext("The flash sale has ended."), "success")
    return redirect(url_for("live.console", session_id=session.id) + "#flash")
