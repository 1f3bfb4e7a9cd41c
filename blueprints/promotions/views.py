"""Coupons for shoppers: claim a coupon from a product or shop page (a CSRF-checked
POST that works without JavaScript and returns to the page it came from), and
"My coupons" (unused, used, expired). The product and profile pages read a shop's
claimable coupons through `shop_coupons`; checkout reads the buyer's best coupon
through `livestall.promotions.quote`.
"""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from blueprints.common import safe_next, translate
from blueprints.page_cache import shared
from livestall.errors import DomainError, NotFound
from livestall.promotions import coupons

bp = Blueprint("promo", __name__)
TABS = ("unused", "used", "expired")


def _me():
    return current_user._get_current_object()


def shop_coupons(merchant_id, product_id=None, limit=6):
    """[(coupon, how many the viewer holds)] open for claiming now: the shop's
    coupons (those covering `product_id` when given), for a product or shop page."""
    found = shared(
        ("coupons.claimable", merchant_id, product_id, limit),
        lambda: coupons.claimable(
            merchant_id, product_id=product_id, limit=limit, shop_visible=True
        ),
    )
    viewer = _me() if current_user.is_authenticated else None
    held = coupons.held_counts(viewer, found)
    return [(c, held.get(c.id, 0)) for c in found]


@bp.route("/coupons/<int:coupon_id>/claim", methods=["POST"])
@login_required
def claim(coupon_id):
    back = safe_next(request.form.get("next")) or url_for("promo.my_coupons")
    try:
        coupons.claim(_me(), coupon_id)
    except NotFound:
        abort(404)
    except DomainError as e:
        flash(translate(e), "error")
    else:
        flash(gettext("Coupon claimed: it is in My coupons."), "success")
    return redirect(back)


@bp.route("/me/coupons")
@login_required
def my_coupons():
    tab = request.args.get("status", "unused")
    if tab not in TABS:
        tab = "unused"
    held = coupons.of_user(_me())  # one read: the tab's rows and every tab's count
    rows = [uc for uc in held if uc.status == tab]
    counts = {t: sum(1 for uc in held if uc.status == t) for t in TABS}
    return render_template(
        "promotions/my_coupons.html", rows=rows, tab=tab, tabs=TABS, counts=counts
    )
