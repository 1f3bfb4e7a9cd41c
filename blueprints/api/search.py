"""JSON API v1: search and search-box suggestions (docs/API.md, "Search")."""

from flask import jsonify, request, url_for

from blueprints.api.views import bp, pagination
from livestall.catalog.models import CATEGORIES, PRICE_MAX
from livestall.errors import Invalid
from livestall.search import query as search_query


def _cents(name):
    """An optional price bound in integer cents (400 for anything else)."""
    value = request.args.get(name, "").strip()
    if not value:
        return None
    if not value.isascii() or not value.isdigit() or len(value) > 12:
        raise Invalid("Enter a whole number of cents.", field=name)
    return min(int(value), PRICE_MAX)


def _flag(name):
    value = request.args.get(name, "").strip().lower()
    if value in ("", "0", "false", "no"):
        return False
    if value in ("1", "true", "yes"):
        return True
    raise Invalid("Use true or false.", field=name)


@bp.get("/search")
def search():
    page, per_page = pagination()
    sort = request.args.get("sort") or "relevance"
    if sort not in search_query.SORTS:
        raise Invalid("Unknown sort.", field="sort")
    category = request.args.get("category") or None
    if category is not None and category not in CATEGORIES:
        raise Invalid("Choose a category from the list.", field="category")
    kind = request.args.get("type") or "products"
    if kind not in ("products", "posts", "creators"):
        raise Invalid("type must be products, posts or creators.", field="type")
    q = request.args.get("q", "")
    if kind == "posts":
        result = search_query.search_posts(q, page=page, per_page=per_page)
        for item in result["items"]:
            item["url"] = url_for("feed.post", post_id=item["id"])
        return jsonify(_envelope(result))
    if kind == "creators":
        result = search_query.search_creators(q, page=page, per_page=per_page)
        for item in result["items"]:
            item["url"] = url_for("feed.creator", username=item["username"])
        return jsonify(_envelope(result))
    result = search_query.search_products(
        q,
        category=category,
        brand=(request.args.get("brand") or "")[:80] or None,
        min_price=_cents("min_price"),
        max_price=_cents("max_price"),
        in_stock=_flag("in_stock"),
        sort=sort,
        page=page,
        per_page=per_page,
    )
    items = [
        {
            "id": item["id"],
            "title": item["title"],
            "price_cents": item["price_cents"],
            "category": item["category"],
            "brand": item["brand"],
            "url": url_for("shop.product", product_id=item["id"]),
            "highlight": item["highlight"],
            "title_highlight": item["title_highlight"],
            "snippet": item["snippet"],
            "sales_count": item["sales_count"],
            "in_stock": item["in_stock"],
        }
        for item in result["items"]
    ]
    return jsonify(
        items=items,
        total=result["total"],
        page=page,
        per_page=per_page,
        facets=result["facets"],
        suggestion=result["suggestion"],
        relaxed=result["relaxed"],
    )


def _envelope(result):
    return {
        "items": result["items"],
        "total": result["total"],
        "page": result["page"],
        "per_page": result["per_page"],
        "relaxed": result["relaxed"],
    }


@bp.get("/search/suggest")
def search_suggest():
    items = search_query.suggest(request.args.get("q", ""))
    for item in items:
        if item["kind"] == "creator":
            item["url"] = url_for("feed.creator", username=item["username"])
        else:
            item["url"] = url_for("shop.product", product_id=item["id"])
    return jsonify(items=items)
