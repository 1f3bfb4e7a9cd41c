"""The search page: `/search?q=` with products, posts and creators tabs."""

from babel.numbers import format_compact_decimal
from flask import Blueprint, render_template, request, url_for
from flask_babel import get_locale, gettext

from blueprints.common import page_arg, page_count
from blueprints.content.views import with_avatars
from livestall.accounts.models import User
from livestall.catalog.models import Product
from livestall.content.models import Post
from livestall.content.rules import hydrate
from livestall.search import query as search_query

bp = Blueprint("search", __name__)
PER_PAGE = 24
TABS = ("products", "posts", "creators")
ARGS = ("q", "type", "category", "brand", "min", "max", "in_stock", "sort")
FILTERS = ("category", "brand", "min", "max", "in_stock")
CREATOR_ROW = 3  # creators named like the query, above the products


@bp.app_template_filter("sold")
def sold(count):
    """A sales count as a shop shows it: "1.2K sold", "已售 1.2万"."""
    locale = str(get_locale() or "en")
    try:
        number = format_compact_decimal(count, locale=locale, fraction_digits=1)
    except (ValueError, LookupError):
        number = str(count)
    return gettext("%(count)s sold", count=number)


def _price(name):
    """A price bound typed in major units (129 or 129.50) as cents; junk is None."""
    value = request.args.get(name, "").strip().replace(",", "")
    try:
        cents = round(float(value) * 100)
    except ValueError:
        return None
    if cents != cents or not 0 <= cents <= 10**12:  # NaN, inf, negative
        return None
    return int(cents)


def search_url(**changes):
    """This search's URL with some arguments changed (None drops one); page 1."""
    args = {k: request.args.get(k) for k in ARGS if request.args.get(k)}
    args.update(changes)
    return url_for(
        "search.results", **{k: v for k, v in args.items() if v not in (None, "")}
    )


def _products(q):
    sort = request.args.get("sort", "relevance")
    if sort not in search_query.SORTS:
        sort = "relevance"
    result = search_query.search_products(
        q,
        category=request.args.get("category") or None,
        brand=request.args.get("brand") or None,
        min_price=_price("min"),
        max_price=_price("max"),
        in_stock=bool(request.args.get("in_stock")),
        sort=sort,
        page=page_arg(),
        per_page=PER_PAGE,
    )
    ids = [item["id"] for item in result["items"]]
    found = {
        p.id: p
        for p in Product.with_images(Product.listing().where(Product.id.in_(ids)))
    }
    cards = []
    for item in result["items"]:
        product = found.get(item["id"])
        if product is not None:  # archived since the index last heard of it
            cards.append((product, item))
    return result, cards, sort


def _creators(items):
    """The users behind creator hits, in hit order, with their avatars."""
    ids = [item["id"] for item in items]
    found = {u.id: u for u in User.select().where(User.id.in_(ids))} if ids else {}
    users = [found[i] for i in ids if i in found]
    return with_avatars(users)


def _posts(result):
    """(post, hit) for the posts tab's cover grid: photos, products, avatars."""
    ids = [item["id"] for item in result["items"]]
    rows = []
    if ids:  # the index lags a moment behind a deletion or an unpublish
        rows = (
            Post.select(Post, User)
            .join(User)
            .where(Post.id.in_(ids) & (Post.status == "published"))
        )
    posts = {p.id: p for p in hydrate(rows)}
    with_avatars([p.author for p in posts.values()])
    return [(posts[i["id"]], i) for i in result["items"] if i["id"] in posts]


@bp.route("/search")
def results():
    q = search_query.clean_query(request.args.get("q", ""))
    tab = request.args.get("type", "products")
    if tab not in TABS:
        tab = "products"
    page = page_arg()
    cards, creators, sort = [], [], "relevance"
    if tab == "products":
        result, cards, sort = _products(q)
        if page == 1 and q:
            creators = _creators(search_query.creators_named(q, limit=CREATOR_ROW))
    elif tab == "posts":
        result = search_query.search_posts(q, page=page, per_page=PER_PAGE)
        cards = _posts(result)
    else:
        result = search_query.search_creators(q, page=page, per_page=PER_PAGE)
        people = {u.id: u for u in _creators(result["items"])}
        cards = [(people.get(i["id"]), i) for i in result["items"]]
    return render_template(
        "search/results.html",
        q=q,
        search_tab=tab,
        tabs=TABS,
        result=result,
        cards=cards,
        creators=creators,
        filters_on=sum(1 for k in FILTERS if request.args.get(k)),
        sort=sort,
        sorts=search_query.SORTS,
        page=page,
        pages=page_count(result["total"], PER_PAGE),
        search_url=search_url,
        args=request.args,
    )
