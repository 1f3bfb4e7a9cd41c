"""The storefront: home, category listings, shops, product pages, and media files."""

import re

from flask import (
    Blueprint,
    abort,
    current_app,
    render_template,
    request,
    send_from_directory,
)
from flask_login import current_user

from blueprints.bargain import views as bargain_views
from blueprints.catalog import frame
from blueprints.common import (
    page_arg,
    page_count,
    record_product_click,
    share_url,
)
from blueprints.group_buy import views as group_views
from blueprints.membership import views as membership_views
from blueprints.page_cache import cached_page, shared
from blueprints.promotions import views as promo_views
from extensions import db
from livestall.accounts.models import User
from livestall.catalog import availability
from livestall.catalog import rules as catalog
from livestall.catalog.models import Product
from livestall.errors import NotFound
from livestall.membership import plans
from livestall.orders import sources

bp = Blueprint("shop", __name__)
frame.register(bp)
PER_PAGE = 24
MEDIA_NAME = re.compile(r"^[0-9a-f]{64}(_t)?\.webp$")


def _page_of(query):
    """A page of `query`'s products, newest first, with their images prefetched:
    {products, total, page, pages} for the template."""
    page = page_arg()
    total = query.count()
    products = Product.with_images(
        query.order_by(Product.created_at.desc(), Product.id.desc()).paginate(
            page, PER_PAGE
        )
    )
    return {
        "products": products,
        "total": total,
        "page": page,
        "pages": page_count(total, PER_PAGE),
    }


def _listing(query, category=None):
    """The shop's or a category's page: alike for everyone, from the shared cache."""
    page = shared(("shop.listing", category, page_arg()), lambda: _page_of(query))
    return render_template("shop/index.html", category=category, **page)


@bp.route("/shop")
@cached_page("page")
def index():
    return _listing(Product.listing())


@bp.route("/c/<slug>")
@cached_page("page")
def category(slug):
    if slug not in catalog.CATEGORIES:
        abort(404)
    return _listing(Product.listing().where(Product.category == slug), slug)


@bp.route("/shops/<int:merchant_id>")
@cached_page("page")
def storefront(merchant_id):
    """A shop's page (店铺): its name, the coupons open for claiming (领券) and its
    products, newest first. A suspended or unknown shop is a 404."""
    merchant = User.get_or_none(User.id == merchant_id)
    if (
        merchant is None
        or not merchant.has_role("merchant")
        or merchant.status != availability.MERCHANT_SELLING
    ):
        abort(404)
    return render_template(
        "shop/storefront.html",
        merchant=merchant,
        coupons=promo_views.shop_coupons(merchant.id, limit=12),
        membership_open=plans.program_of(merchant.id).enabled,
        **_page_of(Product.listing().where(Product.merchant == merchant.id)),
    )


@bp.route("/products/<int:product_id>")
@cached_page()
def product(product_id):
    # the product and its photos are alike for every viewer: shared, at most the
    # store's age old (stock), dropped at once when the product changes
    item, gallery = shared(
        ("shop.product", product_id), lambda: _product_of(product_id)
    )
    if item is None:
        abort(404)
    viewer = current_user if current_user.is_authenticated else None
    if not availability.visible_to(item, viewer):
        abort(404)  # a suspended merchant's: for them and admins only
    for_sale = availability.is_for_sale(item)
    if "src" in request.args and for_sale:
        record_product_click(item.id, request.args.get("src"))
    more = shared(("shop.more", item.merchant_id, item.id), lambda: _more_of(item))
    return render_template(
        "shop/product.html",
        product=item,
        images=gallery,
        for_sale=for_sale,
        more=more,
        share_url=share_url("shop.product", product_id=item.id),
        cart_source=_page_source(request.args.get("src")),
        group=group_views.product_offer(item) if for_sale else None,
        bargain=bargain_views.product_offer(item) if for_sale else None,
        membership=membership_views.product_membership(item) if for_sale else None,
        coupons=promo_views.shop_coupons(item.merchant_id, item.id) if for_sale else [],
    )


def _product_of(product_id):
    try:
        item = catalog.get_product(product_id, include_archived=True)
    except NotFound:
        return None, []
    return item, catalog.images_of(item)


def _more_of(item):
    """The shop's other products under a product (newest 8)."""
    return Product.with_images(
        Product.listing()
        .where((Product.merchant == item.merchant_id) & (Product.id != item.id))
        .order_by(Product.created_at.desc())
        .limit(8)
    )


def _page_source(src):
    """The `?src=` a cart line may carry from this page: a post or a live room."""
    return sources.clean(src, kinds=("post", "live"))


@bp.route("/healthz")
def healthz():
    """Liveness for load balancers: the app answers and the database responds."""
    db.execute_sql("SELECT 1")
    return {"ok": True}


@bp.route("/media/<name>")
def media(name):
    """Serve an uploaded image: content-hashed, so cached forever."""
    if not MEDIA_NAME.fullmatch(name):
        abort(404)
    response = send_from_directory(
        current_app.config["MEDIA_DIR"], name, mimetype="image/webp", max_age=31536000
    )
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    response.headers["Content-Disposition"] = "inline"
    return response
