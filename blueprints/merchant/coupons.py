"""The merchant's coupon and red-packet console (优惠券, 直播间红包): the coupons with
their figures, a form for a new one, pausing, resuming and ending one, a coupon's
own page, every coupon's figures as CSV; and on the same page the red-packet pools
the merchant funded for lives, a form for a new pool, and opening a ready one (the
host's act: a merchant who hosts the live may open it from here too).

The forms are read here into the rules' types with every mistake of the form's own
at once (amounts typed in yuan, times in the browser's zone); the rules
(`livestall.promotions`) then say what only they know. Routes on the merchant
blueprint (merchants and admins only)."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from blueprints.common import csv_of_rows, money, page_arg, translate
from blueprints.live import promo_events
from blueprints.merchant.forms import local_moment, parse_price, whole
from blueprints.merchant.group_buys import percent
from blueprints.merchant.views import bp
from livestall.catalog.models import Product
from livestall.db.base import utcnow
from livestall.errors import DomainError
from livestall.live.models import LiveProduct, LiveSession
from livestall.promotions import coupons, red_packets, stats
from livestall.promotions.models import Coupon, RedPacket

PER_PAGE = 30
PACKETS_SHOWN = 50
LIVES_SHOWN = 50

# the rules' field -> the form's input
COUPON_FIELDS = {
    "kind": "kind",
    "amount_off_cents": "amount_off",
    "percent_off": "percent_off",
    "max_discount_cents": "max_discount",
    "min_spend_cents": "min_spend",
    "product_ids": "product_ids",
    "currency": "product_ids",
    "total": "total",
    "per_user_limit": "per_user_limit",
    "claim_starts_at": "claim_starts_at",
    "claim_ends_at": "claim_ends_at",
    "valid_days": "valid_days",
    "live_id": "live_id",
    "drop": "drop",
    "allow_flash": "allow_flash",
    "title": "title",
}
PACKET_FIELDS = {
    "live_id": "rp_live_id",
    "total_cents": "rp_total",
    "count": "rp_count",
    "split": "rp_split",
    "min_spend_cents": "rp_min_spend",
    "valid_days": "rp_valid_days",
    "grab_window_s": "rp_window",
    "currency": "rp_total",
}


def _me():
    return current_user._get_current_object()


def yuan(cents):
    """Cents as the rules' messages and the hints say an amount: 10**9 -> 10,000,000."""
    return f"{cents // 100:,}"


def _amount(form, name, errors, lo, hi, blank=None):
    """An amount typed in yuan ('10', '9.90') in cents, or `blank` when left empty
    (None: required); a mistake goes into `errors[name]`."""
    text = (form.get(name) or "").strip()
    if not text and blank is not None:
        return blank
    cents = parse_price(text) if text else None
    if not isinstance(cents, int) or not lo <= cents <= hi:
        if lo == 0:
            errors[name] = gettext(
                "Enter an amount from 0 to %(max)s, with at most 2 decimals.",
                max=yuan(hi),
            )
        else:
            errors[name] = gettext(
                "Enter an amount from 0.01 to %(max)s, with at most 2 decimals.",
                max=yuan(hi),
            )
    return cents


def _number(form, name, errors, lo, hi):
    value = whole(form.get(name))
    if not isinstance(value, int) or not lo <= value <= hi:
        errors[name] = gettext(
            "Enter a whole number from %(lo)d to %(hi)d.", lo=lo, hi=hi
        )
    return value


def _live_choice(form, name, errors, required):
    text = (form.get(name) or "").strip()
    if not text and not required:
        return None
    value = whole(text)
    if not isinstance(value, int) or value < 1:
        errors[name] = gettext("Choose one of your lives.")
        return None
    return value


def coupon_data(form):
    """(the data for `promotions.coupons.create`, {form input: message}) with every
    mistake of the form's own at once."""
    errors = {}
    data = {"title": (form.get("title") or "").strip()}
    kind = form.get("kind")
    if kind not in ("amount_off", "percent_off"):
        errors["kind"] = gettext("Choose amount off or percent off.")
    data["kind"] = kind
    if kind == "amount_off":
        data["amount_off_cents"] = _amount(
            form, "amount_off", errors, 1, coupons.MONEY_MAX
        )
    elif kind == "percent_off":
        data["percent_off"] = _number(form, "percent_off", errors, 1, 95)
        cap = _amount(form, "max_discount", errors, 1, coupons.MONEY_MAX, blank=0)
        data["max_discount_cents"] = cap or None
    data["min_spend_cents"] = _amount(
        form, "min_spend", errors, 0, coupons.MONEY_MAX, blank=0
    )
    if form.get("scope") == "products":
        ids = [whole(v) for v in form.getlist("product_ids")]
        if not ids:
            errors["product_ids"] = gettext("Choose at least one product.")
        elif not all(isinstance(i, int) and i > 0 for i in ids):
            errors["product_ids"] = gettext("Choose among your products.")
        data["product_ids"] = ids
    else:
        data["product_ids"] = []
    data["total"] = _number(form, "total", errors, 1, coupons.TOTAL_MAX)
    data["per_user_limit"] = _number(
        form, "per_user_limit", errors, 1, coupons.PER_USER_MAX
    )
    if (form.get("claim_starts_at") or "").strip():
        starts = local_moment(form.get("claim_starts_at"), form.get("starts_tz"))
        if starts is None:
            errors["claim_starts_at"] = gettext(
                "Give a date and a time, or leave it empty to start now."
            )
        data["claim_starts_at"] = starts
    ends = local_moment(form.get("claim_ends_at"), form.get("ends_tz"))
    if ends is None:
        errors["claim_ends_at"] = gettext("Give a date and a time.")
    data["claim_ends_at"] = ends
    data["valid_days"] = _number(form, "valid_days", errors, 1, coupons.VALID_DAYS_MAX)
    data["live_id"] = _live_choice(form, "live_id", errors, required=False)
    data["drop"] = form.get("drop") == "1"
    if data["drop"] and data["live_id"] is None and "live_id" not in errors:
        errors["drop"] = gettext("Choose the live to keep the coupon for.")
    data["allow_flash"] = form.get("allow_flash") == "1"
    return data, errors


def red_packet_data(form):
    """(the data for `promotions.red_packets.create`, {form input: message})."""
    errors = {}
    data = {"live_id": _live_choice(form, "rp_live_id", errors, required=True)}
    count = _number(form, "rp_count", errors, *red_packets.COUNT)
    data["count"] = count
    total = _amount(form, "rp_total", errors, 1, red_packets.TOTAL_MAX)
    if "rp_total" not in errors and isinstance(count, int) and total < count:
        errors["rp_total"] = gettext(
            "Every packet needs at least 0.01: give at least %(amount)s for "
            "%(n)d packets.",
            amount=f"{count // 100}.{count % 100:02d}",
            n=count,
        )
    data["total_cents"] = total
    split = form.get("rp_split")
    if split not in ("random", "equal"):
        errors["rp_split"] = gettext("Choose random or equal amounts.")
    data["split"] = split
    data["min_spend_cents"] = _amount(
        form, "rp_min_spend", errors, 0, coupons.MONEY_MAX, blank=0
    )
    data["valid_days"] = _number(
        form, "rp_valid_days", errors, 1, coupons.VALID_DAYS_MAX
    )
    data["grab_window_s"] = _number(form, "rp_window", errors, *red_packets.WINDOW_S)
    return data, errors


def _products():
    """The merchant's products on sale, for the scope's checkboxes."""
    return list(
        Product.select()
        .where((Product.merchant == _me().id) & (Product.status == "active"))
        .order_by(Product.title, Product.id)
        .limit(coupons.PRODUCTS_MAX)
    )


def _lives():
    """The lives not ended that the merchant hosts or that feature their products
    (`promotions.scope.sells_in`): on air first, then the soonest."""
    featured = (
        LiveProduct.select(LiveProduct.session)
        .join(Product)
        .where(Product.merchant == _me().id)
    )
    rows = (
        LiveSession.select()
        .where(
            (LiveSession.status != "ended")
            & ((LiveSession.host == _me().id) | LiveSession.id.in_(featured))
        )
        .order_by(LiveSession.scheduled_at, LiveSession.id)
        .limit(LIVES_SHOWN)
    )
    return sorted(rows, key=lambda live: live.status != "live")


def _packets():
    """The merchant's pools, newest first, with their lives."""
    return list(
        RedPacket.select(RedPacket, LiveSession)
        .join(LiveSession)
        .where(RedPacket.merchant == _me().id)
        .order_by(RedPacket.id.desc())
        .limit(PACKETS_SHOWN)
    )


def _lives_of(coupon_rows):
    """{live id: live} of the coupons tied to a live (one query)."""
    ids = {c.live_id for c in coupon_rows if c.live_id is not None}
    if not ids:
        return {}
    return {
        live.id: live
        for live in LiveSession.select().where(LiveSession.id.in_(list(ids)))
    }


def claim_note(coupon, now, live=None):
    """Where an active coupon's claiming stands: "drop" (kept for the host to drop),
    "not_started", "over", "sold_out", "live_off" (claimable only while its live is
    on), "claimable"; None when paused or ended (its status says so)."""
    if coupon.status != "active":
        return None
    if coupon.drop_pending:
        return "drop"
    if now < coupon.claim_starts_at:
        return "not_started"
    if now >= coupon.claim_ends_at:
        return "over"
    if coupon.claimed >= coupon.total:
        return "sold_out"
    if coupon.live_id is not None and (live is None or live.status != "live"):
        return "live_off"
    return "claimable"


def note_label(note):
    """A claim note as the merchant reads it."""
    return {
        "drop": gettext("Kept for a drop: the host drops it in the live"),
        "not_started": gettext("Claiming has not started yet"),
        "over": gettext("Claiming is over"),
        "sold_out": gettext("All claimed"),
        "live_off": gettext("Claimable only while its live is on"),
        "claimable": gettext("Claimable now"),
    }.get(note, "")


def _rule_error(e, fields):
    return {fields.get(e.field, "form"): translate(e)}


def _console(errors=None, rp_errors=None, status=200):
    """The console page: the coupons (a page of them) with their figures, the
    forms, the pools. `errors`/`rp_errors`: a failed form's, shown with what was
    typed."""
    me = _me()
    page = page_arg()
    query = Coupon.select().where(Coupon.merchant == me.id)
    total = query.count()
    rows = list(query.order_by(Coupon.id.desc()).paginate(page, PER_PAGE))
    now = utcnow()
    lives_of = _lives_of(rows)
    form = request.form if errors is not None else None
    rp_form = request.form if rp_errors is not None else None
    return (
        render_template(
            "merchant/coupons.html",
            coupons=rows,
            figures=stats.stats_of(rows),
            page=page,
            pages=max(1, -(-total // PER_PAGE)),
            total=total,
            products=_products(),
            lives=_lives(),
            packets=_packets(),
            form=form,
            chosen_products=set(form.getlist("product_ids")) if form else set(),
            errors=errors or {},
            rp_form=rp_form,
            rp_errors=rp_errors or {},
            percent=percent,
            lives_of=lives_of,
            note_label=note_label,
            notes={c.id: claim_note(c, now, lives_of.get(c.live_id)) for c in rows},
            me=me,
            window_s=red_packets.WINDOW_S,
            packets_max=red_packets.COUNT[1],
        ),
        status,
    )


@bp.route("/coupons", methods=["GET", "POST"])
def coupons_page():
    """The merchant's coupons, newest first, the form for a new one, and the red
    packets."""
    if request.method == "GET":
        return _console()
    data, errors = coupon_data(request.form)
    if not errors:
        try:
            coupon = coupons.create(_me(), data)
        except DomainError as e:
            errors = _rule_error(e, COUPON_FIELDS)
        else:
            flash(gettext("Coupon created."), "success")
            return redirect(url_for("merchant.coupons_page", _anchor=f"c{coupon.id}"))
    return _console(errors=errors, status=400)


@bp.route("/coupons/<int:coupon_id>")
def coupon(coupon_id):
    """One coupon: its terms, its figures, pause / resume / end."""
    found = coupons.of_merchant(_me(), coupon_id)
    products = []
    if found.product_ids:
        products = list(
            Product.select()
            .where(Product.id.in_(found.product_ids))
            .order_by(Product.title, Product.id)
        )
    live = LiveSession.get_or_none(LiveSession.id == found.live_id)
    return render_template(
        "merchant/coupon.html",
        coupon=found,
        figures=stats.stats_of([found])[found.id],
        products=products,
        live=live,
        note=note_label(claim_note(found, utcnow(), live)),
        percent=percent,
    )


def _set_status(coupon_id, status, done):
    try:
        found = coupons.set_status(_me(), coupon_id, status)
    except DomainError as e:
        if e.status == 404:
            raise
        flash(translate(e), "error")
        found = coupons.of_merchant(_me(), coupon_id)
    else:
        flash(done, "success")
    if request.form.get("next") == "coupon":
        return redirect(url_for("merchant.coupon", coupon_id=found.id))
    return redirect(url_for("merchant.coupons_page", _anchor=f"c{found.id}"))


@bp.route("/coupons/<int:coupon_id>/pause", methods=["POST"])
def pause_coupon(coupon_id):
    """No claims for now; coupons already held still work."""
    return _set_status(
        coupon_id,
        "paused",
        gettext("Coupon paused: no one can claim it until you resume it."),
    )


@bp.route("/coupons/<int:coupon_id>/resume", methods=["POST"])
def resume_coupon(coupon_id):
    return _set_status(
        coupon_id, "active", gettext("Coupon resumed: it can be claimed again.")
    )


@bp.route("/coupons/<int:coupon_id>/end", methods=["POST"])
def end_coupon(coupon_id):
    """No more claims, for good; coupons already held still work."""
    return _set_status(
        coupon_id,
        "ended",
        gettext("Coupon ended: no more claims. Coupons already claimed still work."),
    )


@bp.route("/coupons.csv")
def coupons_csv():
    """Every coupon of the merchant, one row each, with its figures."""
    rows = [stats.CSV_HEADER, *stats.csv_rows(_me())]
    return csv_of_rows(rows, f"coupons-{utcnow():%Y%m%d}.csv")


@bp.route("/red-packets", methods=["GET", "POST"])
def red_packets_page():
    """Fund a pool of red packets for a live (GET: the console's section)."""
    if request.method == "GET":
        return redirect(url_for("merchant.coupons_page", _anchor="red-packets"))
    data, errors = red_packet_data(request.form)
    if not errors:
        try:
            packet = red_packets.create(_me(), data)
        except DomainError as e:
            errors = _rule_error(e, PACKET_FIELDS)
        else:
            flash(
                gettext(
                    "Red packets ready: %(count)d packets, %(total)s in all. The "
                    "host opens them in the live.",
                    count=packet.count,
                    total=money(packet.total_cents, packet.currency),
                ),
                "success",
            )
            return redirect(url_for("merchant.coupons_page", _anchor=f"rp{packet.id}"))
    return _console(rp_errors=errors, status=400)


@bp.route("/red-packets/<int:packet_id>/open", methods=["POST"])
def open_red_packet(packet_id):
    """The merchant who hosts the live opens a ready pool: the room sees it rain."""
    me = _me()
    packet = red_packets.of_merchant(me, packet_id)
    live = LiveSession.get_by_id(packet.live_id)
    back = url_for("merchant.coupons_page", _anchor=f"rp{packet.id}")
    if live.host_id != me.id:
        flash(gettext("The host opens these red packets in the live console."), "error")
        return redirect(back)
    try:
        promo_events.open_for(me, packet.id)
    except DomainError as e:
        if e.status == 404:
            raise
        flash(translate(e), "error")
    else:
        flash(gettext("Red packets open: the room can grab them now."), "success")
    return redirect(back)
