"""The cart, checkout, the shopper's orders and the merchant's order desk.

Views stay thin: they read the form, call `orders.checkout` / `orders.lifecycle`
and render. Every write is a POST with a CSRF token that redirects with a flash.
Prices, stock and totals always come from the database, never from the form.
"""

import csv
import io
import secrets

from flask import (
    Blueprint,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext, ngettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from markupsafe import Markup
from peewee import PeeweeException

from blueprints import page_cache
from blueprints.common import (
    VISITOR_COOKIE,
    csv_cell,
    csv_download,
    line_source,
    page_arg,
    page_count,
    role_required,
    safe_next,
    translate,
    visitor_id,
)
from blueprints.orders import address_form
from blueprints.promotions import basket
from livestall.accounts import addresses
from livestall.accounts.models import User
from livestall.catalog import availability
from livestall.db.base import utcnow
from livestall.errors import DomainError, NotFound
from livestall.flash import grabs
from livestall.merchants import shipping as shipping_fees
from livestall.orders import cart as carts
from livestall.orders import checkout, payments
from livestall.orders import lifecycle as orders
from livestall.orders.models import STATUSES, Checkout, Order
from livestall.pricing import rules as pricing

bp = Blueprint("orders", __name__)
PER_PAGE = 20
MERCHANT_PER_PAGE = 50
CSV_BATCH = 500

STATUS_LABELS = {
    "pending_payment": _l("Pending payment"),
    "paid": _l("Paid"),
    "shipped": _l("Shipped"),
    "delivered": _l("Delivered"),
    "cancelled": _l("Cancelled"),
    "refunded": _l("Refunded"),
}
# An unpaid order's status, said by what happens next (the API keeps the value)
UNPAID_LABELS = {
    "cod": _l("To be shipped · pay on delivery"),
    "bank_transfer": _l("Awaiting payment"),
}
PAYMENT_LABELS = {
    "cod": _l("Cash on delivery"),
    "bank_transfer": _l("Bank transfer"),
}
MOVE_LABELS = {
    "paid": _l("Mark as paid"),
    "shipped": _l("Mark as shipped"),
    "delivered": _l("Mark as delivered"),
    "cancelled": _l("Cancel order"),
    "refunded": _l("Refund"),
}


def _me():
    return current_user._get_current_object() if current_user.is_authenticated else None


def _whole(value, default=None):
    """A form value as a whole number (sign allowed), or `default` when not one."""
    value = (value or "").strip()
    if not value:
        return default
    digits = value[1:] if value[0] in "+-" else value
    if not (digits.isascii() and digits.isdecimal() and len(digits) <= 9):
        return None
    return int(value)


def _cart_owner():
    """(user, visitor id) of this browser's cart."""
    me = _me()
    return me, (None if me else visitor_id())


def order_label(order, status=None):
    """`order`'s status (or `status`, one it had) as its buyer and shop read it:
    an unpaid cash-on-delivery order is to be shipped, not waiting for money."""
    status = status or order.status
    if status == "pending_payment" and order.payment_method in UNPAID_LABELS:
        return str(UNPAID_LABELS[order.payment_method])
    return str(STATUS_LABELS.get(status, status))


def cart_count():
    """Units in this visitor's cart (the header's badge), once per request."""
    if "cart_count" not in g:
        me = _me()
        vid = None if me else request.cookies.get(VISITOR_COOKIE)
        count = 0
        if me is not None or vid:
            try:
                count = carts.cart_units(me, vid)
            except PeeweeException:  # an error page renders without the database
                count = 0
        g.cart_count = count
    return g.cart_count


# The cart badges are holes in cached pages: a guest's cart is theirs alone.
@page_cache.hole("cart_nav")
def _cart_nav():
    n = cart_count()
    return Markup(' <span class="badge">%d</span>') % n if n else ""


@page_cache.hole("cart_tab")
def _cart_tab():
    n = cart_count()
    if not n:
        return ""
    return (
        Markup(
            '<span class="tab-badge"><span class="visually-hidden">: </span>%d</span>'
        )
        % n
    )


@bp.app_context_processor
def _order_context():
    return {
        "cart_count": cart_count,
        "status_label": lambda s: str(STATUS_LABELS.get(s, s)),
        "order_label": order_label,
        "payment_label": lambda p: str(PAYMENT_LABELS.get(p, p)),
    }


# --- the cart -------------------------------------------------------------------------


def _cart_view(lines):
    """Lines grouped by merchant (names in one query) and subtotals per currency."""
    merchant_ids = {line.product.merchant_id for line in lines}
    merchants = {}
    if merchant_ids:
        merchants = {u.id: u for u in User.select().where(User.id.in_(merchant_ids))}
    names = {uid: u.name for uid, u in merchants.items()}
    groups, subtotals, problems = {}, {}, False
    offers = pricing.standing_offers(
        current_user.id if current_user.is_authenticated else None,
        {line.product.id: line.product for line in lines},
        utcnow(),
    )
    for line in lines:
        product = line.product
        priced = pricing.price_line(
            product, line.qty, offers=offers.get(product.id, ())
        )
        line.total_cents = priced.total_cents
        line.unit_price_cents = priced.unit_price_cents
        line.price_kind = next((a.kind for a in priced.adjustments), None)
        line.for_sale = product.status == "active" and availability.merchant_selling(
            merchants.get(product.merchant_id)
        )
        line.short = line.for_sale and line.qty > product.stock
        problems = problems or line.short or not line.for_sale
        group = groups.setdefault(
            product.merchant_id,
            {"name": names.get(product.merchant_id, "?"), "lines": []},
        )
        group["lines"].append(line)
        if line.for_sale:
            subtotals[product.currency] = (
                subtotals.get(product.currency, 0) + line.total_cents
            )
    return list(groups.values()), sorted(subtotals.items()), problems


@bp.route("/cart")
def cart():
    lines = carts.cart_items(*_cart_owner())
    groups, subtotals, problems = _cart_view(lines)
    holds = _holds(_me())
    return render_template(
        "orders/cart.html",
        groups=groups,
        holds=holds,
        subtotals=_with_holds(subtotals, holds),
        problems=problems,
        count=sum(line.qty for line in lines),
    )


@bp.route("/cart/add", methods=["POST"])
def add_to_cart():
    form = request.form
    product_id, qty = _whole(form.get("product_id")), _whole(form.get("qty"), 1)
    back = safe_next(form.get("next"))
    if product_id is None or qty is None:
        flash(gettext("Choose a product and a whole number of items."), "error")
        return redirect(back or url_for(".cart"))
    try:
        carts.add_to_cart(
            *_cart_owner(),
            product_id,
            qty,
            source=line_source(form.get("source")),
            browser=visitor_id(),  # whose touchpoints back the source's claim
        )
    except DomainError as e:
        flash(translate(e), "error")
        return redirect(back or url_for(".cart"))
    flash(gettext("Added to your cart."), "success")
    return redirect(url_for(".cart"))


@bp.route("/cart/<int:item_id>", methods=["POST"])
def update_cart(item_id):
    """Change a line's quantity (0 removes it), or step it by one (`step`: -1 or
    1, the stepper's buttons); only this browser's own lines."""
    qty = _whole(request.form.get("qty"))
    step = _whole(request.form.get("step"))
    if step in (-1, 1) and not request.form.get("remove"):
        qty = carts.stepped_quantity(*_cart_owner(), item_id, step)
    if request.form.get("remove"):
        qty = 0
    if qty is None:
        flash(gettext("Enter a whole number."), "error")
        return redirect(url_for(".cart"))
    try:
        carts.set_quantity(*_cart_owner(), item_id, qty)
    except DomainError as e:
        flash(translate(e), "error")
        return redirect(url_for(".cart"))
    flash(gettext("Removed.") if qty == 0 else gettext("Cart updated."), "success")
    return redirect(url_for(".cart"))


# --- checkout -------------------------------------------------------------------------


def _after_checkout(placed):
    if len(placed) == 1:
        flash(gettext("Thank you! Your order is placed."), "success")
        return redirect(url_for(".order", order_id=placed[0].id))
    flash(
        ngettext(
            "Thank you! Your order was split by shop into %(num)d order.",
            "Thank you! Your order was split by shop into %(num)d orders.",
            len(placed),
        ),
        "success",
    )
    return redirect(url_for(".my_orders"))


def _already_placed(me, key):
    """The orders of an earlier submit with this key (a double submit after the
    first one emptied the cart), or an empty list."""
    if not isinstance(key, str) or not checkout.KEY_RE.match(key):
        return []
    done = Checkout.get_or_none(
        (Checkout.buyer == me.id) & (Checkout.idempotency_key == key)
    )
    if done is None:
        return []
    return list(Order.select().where(Order.checkout == done).order_by(Order.id))


def _holds(me):
    """The signed-in user's flash-sale holds, with totals, for cart and checkout."""
    if me is None:
        return []
    holds = grabs.active_holds(me)
    for hold in holds:
        hold.total_cents = pricing.hold_line(hold).total_cents
    return holds


def _with_holds(subtotals, holds):
    totals = dict(subtotals)
    for hold in holds:
        currency = hold.sale.currency
        totals[currency] = totals.get(currency, 0) + hold.total_cents
    return sorted(totals.items())


def _shipping_view(groups, holds, off=None):
    """What each order of this checkout will pay for shipping (one per shop and
    currency, as `checkout.place_order` makes them), and the totals with it:
    ([{name, currency, goods_cents, fee_cents, free_over_cents}], [(currency,
    total)]). Lines no longer for sale are not counted, as in the subtotals.
    `off`: {(merchant id, currency): a coupon's cents}, taken off the goods
    (the fee is worked out on what the goods come to after it, as at checkout)."""
    goods, names = {}, {}
    for group in groups:
        for line in group["lines"]:
            if line.for_sale:
                key = (line.product.merchant_id, line.product.currency)
                goods[key] = goods.get(key, 0) + line.total_cents
                names[key[0]] = group["name"]
    for hold in holds:
        key = (hold.sale.product.merchant_id, hold.sale.currency)
        goods[key] = goods.get(key, 0) + hold.total_cents
    missing = {m for m, _c in goods} - names.keys()
    if missing:
        names.update({u.id: u.name for u in User.select().where(User.id.in_(missing))})
    for key, cents in (off or {}).items():
        if key in goods:
            goods[key] -= cents
    profiles = shipping_fees.profiles_of({m for m, _c in goods})
    ships, totals = [], {}
    for (merchant_id, currency), cents in sorted(goods.items()):
        profile = profiles[merchant_id]
        fee = shipping_fees.fee_cents(profile, cents)
        ships.append(
            {
                "name": names.get(merchant_id, "?"),
                "currency": currency,
                "goods_cents": cents,
                "fee_cents": fee,
                "free_over_cents": profile.free_shipping_over_cents,
            }
        )
        totals[currency] = totals.get(currency, 0) + cents + fee
    return ships, sorted(totals.items())


def _hold_ids(form):
    ids = [_whole(v) for v in form.getlist("reservation_ids")]
    return [i for i in ids if i]


@bp.route("/checkout", methods=["GET", "POST"])
@login_required
def checkout_page():
    me = _me()
    form, errors, status, headers = request.form, {}, 200, {}
    lines = carts.cart_items(me, None)
    holds = _holds(me)
    key = form.get("idempotency_key") or secrets.token_urlsafe(16)
    if request.method == "POST" and not lines and not holds:
        placed = _already_placed(me, form.get("idempotency_key"))
        if placed:
            return _after_checkout(placed)
    if not lines and not holds:
        flash(gettext("Your cart is empty."), "info")
        return redirect(url_for(".cart"))
    coupons = basket.choices(
        me, lines, holds, form if request.method == "POST" else None
    )
    if request.method == "POST" and not form.get("recalc"):
        items = [
            {"product_id": line.product_id, "qty": line.qty, "source": line.source}
            for line in lines
        ]
        shipping = {f: form.get(f, "") for f in ("name", "address", "phone")}
        address_id = address_form.address_choice(form)
        try:
            placed, _created = checkout.place_order(
                me,
                items,
                shipping,
                form.get("idempotency_key"),
                payment_method=form.get("payment_method") or "",
                reservation_ids=_hold_ids(form),
                visitor_id=visitor_id(),  # the cart's sources are checked again
                address_id=address_id,
                coupon_ids=basket.chosen_ids(coupons),
            )
        except DomainError as e:
            field = (e.field or "form").removeprefix("shipping.")
            if field not in (
                "name",
                "address",
                "phone",
                "payment_method",
                "address_id",
                "coupon_ids",
            ):
                field = "form"
            errors[field] = translate(e)
            status = e.status if e.status == 429 else 400
            if getattr(e, "retry_after", None):  # too many orders (orders.limits)
                headers["Retry-After"] = str(e.retry_after)
            if e.code == "idempotency_conflict" or e.field == "idempotency_key":
                key = secrets.token_urlsafe(16)
        else:  # placing it emptied the cart of what was bought (orders.receivers)
            return _after_checkout(placed)
    groups, subtotals, problems = _cart_view(lines)
    merchants = {line.product.merchant_id for line in lines}
    merchants |= {hold.sale.product.merchant_id for hold in holds}
    book = addresses.book(me)
    ships, totals = _shipping_view(groups, holds, basket.savings(coupons))
    page = render_template(
        "orders/checkout.html",
        addresses=book,
        chosen_address=address_form.chosen_address(form, book),
        methods=payments.methods_for(merchants),
        form=form,
        errors=errors,
        groups=groups,
        holds=holds,
        subtotals=_with_holds(subtotals, holds),
        ships=ships,
        totals=totals,
        problems=problems,
        idempotency_key=key,
        payment_labels=PAYMENT_LABELS,
        coupons=coupons,
        shop_names={
            m: g["name"] for g in groups for m in [g["lines"][0].product.merchant_id]
        },
    )
    return page, status, headers


# --- orders ---------------------------------------------------------------------------


@bp.route("/orders")
@login_required
def my_orders():
    page = page_arg()
    found, total = orders.orders_of_buyer(_me(), page, PER_PAGE)
    return render_template(
        "orders/list.html",
        orders=found,
        page=page,
        pages=page_count(total, PER_PAGE),
        total=total,
    )


def _visible_or_404(order_id):
    try:
        return orders.visible_order(_me(), order_id)
    except NotFound:
        abort(404)


@bp.route("/orders/<int:order_id>")
@login_required
def order(order_id):
    me = _me()
    item = _visible_or_404(order_id)
    return render_template(
        "orders/order.html",
        order=item,
        lines=orders.lines_of(item),
        events=orders.history(item),
        moves=orders.allowed_moves(me, item),
        move_labels=MOVE_LABELS,
        payment=payments.instructions(item),
        pay_by=orders.pay_by(item),
        ship_by=orders.ship_by(item),
        returns_until=orders.returns_open_until(item),
        unpaid_note=orders.UNPAID_NOTE,
        unshipped_note=orders.UNSHIPPED_NOTE,
        uncollected_note=orders.UNCOLLECTED_NOTE,
        buyer=User.get_by_id(item.buyer_id),
        merchant=User.get_by_id(item.merchant_id),
        is_seller=me.id == item.merchant_id or me.has_role("admin"),
    )


@bp.route("/orders/<int:order_id>/status", methods=["POST"])
@login_required
def change_status(order_id):
    item = _visible_or_404(order_id)
    to_status = request.form.get("status") or ""
    try:
        orders.move(
            _me(),
            item,
            to_status,
            tracking_number=request.form.get("tracking_number"),
        )
    except NotFound:
        abort(404)
    except DomainError as e:
        flash(translate(e), "error")
    else:
        flash(
            gettext(
                "Order #%(id)d is now: %(status)s.",
                id=item.id,
                status=str(STATUS_LABELS.get(to_status, to_status)),
            ),
            "success",
        )
    return redirect(safe_next(request.form.get("next")) or item.url)


# --- the merchant's order desk --------------------------------------------------------


def _status_arg():
    status = request.args.get("status") or None
    return status if status in STATUSES else None


@bp.route("/merchant/orders")
@role_required("merchant")
def merchant_orders():
    page, status = page_arg(), _status_arg()
    found, total = orders.orders_of_merchant(_me(), status, page, MERCHANT_PER_PAGE)
    buyers = {}
    ids = {o.buyer_id for o in found}
    if ids:
        buyers = {u.id: u for u in User.select().where(User.id.in_(ids))}
    return render_template(
        "orders/merchant_list.html",
        orders=found,
        buyers=buyers,
        status=status,
        statuses=STATUSES,
        page=page,
        pages=page_count(total, MERCHANT_PER_PAGE),
        total=total,
    )


def _decimal(cents):
    whole, cents = divmod(cents, 100)
    return f"{whole}.{cents:02d}"


@bp.route("/merchant/orders.csv")
@role_required("merchant")
def merchant_orders_csv():
    me, status = _me(), _status_arg()
    out = io.StringIO()
    writer = csv.writer(out)
    header = ["id", "created_at", "status", "buyer", "total", "currency", "items"]
    writer.writerow([*header, "tracking", "shipping"])  # total includes shipping
    page, buyers = 1, {}
    while True:
        found, _total = orders.orders_of_merchant(me, status, page, CSV_BATCH)
        if not found:
            break
        missing = {o.buyer_id for o in found} - buyers.keys()
        if missing:
            for user in User.select().where(User.id.in_(missing)):
                buyers[user.id] = user.username
        for o in found:
            writer.writerow(
                [
                    o.id,
                    o.created_at.strftime("%Y-%m-%d %H:%M:%S"),
                    o.status,
                    csv_cell(buyers.get(o.buyer_id, "")),
                    _decimal(o.total_cents),
                    o.currency,
                    csv_cell("; ".join(f"{ln.title} x {ln.qty}" for ln in o.line_list)),
                    csv_cell(o.tracking_number or ""),
                    _decimal(o.shipping_cents),
                ]
            )
        if len(found) < CSV_BATCH:
            break
        page += 1
    filename = f"orders-{status}.csv" if status else "orders.csv"
    return csv_download(out.getvalue(), filename)
