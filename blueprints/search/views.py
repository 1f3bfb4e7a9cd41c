"""The search page: `/search?q=` with products, posts and creators tabs."""

from flask import Blueprint, render_template, request, url_for

from blueprints.common import page_arg, page_count
from livestall.catalog.models import Product
from livestall.search import query as search_query

bp = Blueprint("search", __name__)
PER_PAGE = 24
TABS = ("products", "posts", "creators")
ARGS = ("q", "type", "category", "brand", "min", "max", "in_stock", "sort")


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
            cards.append((product, item["highlight"]))
    return result, cards, sort


@bp.route("/search")
def results():
    q = search_query.clean_query(request.args.get("q", ""))
    tab = request.args.get("type", "products")
    if tab not in TABS:
        tab = "products"
    page = page_arg()
    cards, sort = [], "relevance"
    if tab == "products":
        result, cards, sort = _products(q)
    elif tab == "posts":
        result = search_query.search_posts(q, page=page, per_page=PER_PAGE)
    else:
        result = search_query.search_creators(q, page=page, per_page=PER_PAGE)
    return render_template(
        "search/results.html",
        q=q,
        tab=tab,
        tabs=TABS,
        result=result,
        cards=cards,
        sort=sort,
        sorts=search_query.SORTS,
        page=page,
        pages=page_count(result["total"], PER_PAGE),
        search_url=search_url,
        args=request.args,
    )
