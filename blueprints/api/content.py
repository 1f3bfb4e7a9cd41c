"""JSON API v1: posts, the feed, follows and image uploads (see docs/API.md)."""

from flask import jsonify, request

from blueprints.api.views import bp, json_body, me, pagination
from blueprints.common import money, record_post_view, share_url, store_upload
from livestall.catalog import rules as catalog
from livestall.catalog.models import Product
from livestall.content import rules as content
from livestall.content import social
from livestall.db.base import isoformat
from livestall.errors import Invalid
from livestall.search import query as search_query

PICKER_QUERY_MAX = 100


def post_dict(post, viewer=None):
    """Serialise a hydrated post as API.md's `post` object."""
    return {
        "id": post.id,
        "author": {
            "id": post.author.id,
            "username": post.author.username,
            "display_name": post.author.name,
        },
        "body_html": post.body_html,
        "products": [catalog.product_dict(p, images=p.gallery) for p in post.tagged],
        "images": [img.to_dict() for img in post.photos],
        "url": post.url,
        "share_url": share_url("feed.post", post_id=post.id),
        "status": post.status,
        "like_count": post.like_count,
        "comment_count": post.comment_count,
        "created_at": isoformat(post.published_at or post.created_at),
    }


def _viewer():
    from flask_login import current_user

    return current_user if current_user.is_authenticated else None


@bp.post("/posts")
def create_post():
    author = me()
    data = json_body()
    publish = data.get("publish", True)
    if not isinstance(publish, bool):
        raise Invalid("publish must be true or false.", field="publish")
    post = content.create_post(
        author,
        data.get("body"),
        data.get("product_ids"),
        data.get("image_ids"),
        publish=publish,
    )
    post = content.hydrate([content.get_post(post.id, author)], full=True)[0]
    return jsonify(post=post_dict(post, author)), 201


@bp.get("/posts/<int:post_id>")
def get_post(post_id):
    viewer = _viewer()
    post = content.hydrate([content.get_post(post_id, viewer)], full=True)[0]
    if post.is_published:
        record_post_view(post.id, post.author_id)
    return jsonify(post=post_dict(post, viewer))


@bp.get("/feed")
def feed():
    user = me()
    page, per_page = pagination()
    posts, total = content.following_feed(user, page, per_page, full=True)
    return jsonify(
        items=[post_dict(p, user) for p in posts],
        page=page,
        per_page=per_page,
        total=total,
    )


@bp.put("/follows/<username>")
def follow(username):
    social.follow(me(), social.creator_by_username(username))
    return "", 204


@bp.delete("/follows/<username>")
def unfollow(username):
    social.unfollow(me(), social.creator_by_username(username))
    return "", 204


@bp.post("/images")
def upload_image():
    """Upload a photo for a post (multipart field `file`); it belongs to the caller."""
    user = me()
    upload = request.files.get("file")
    if upload is None:
        raise Invalid("Send the image as multipart field 'file'.", field="file")
    return jsonify(image=store_upload(upload, user).to_dict()), 201


def _pickable(q, page, per_page):
    """Active products matching `q` (the search index, Chinese and English words;
    the newest first when `q` is empty), this page of them, and the total."""
    listing = Product.listing()
    if not q:
        total = listing.count()
        rows = listing.order_by(Product.created_at.desc(), Product.id.desc())
        return Product.with_images(rows.paginate(page, per_page)), total
    found = search_query.search_products(q, page=page, per_page=per_page)
    ids = [item["id"] for item in found["items"]]
    rows = {p.id: p for p in Product.with_images(listing.where(Product.id.in_(ids)))}
    return [rows[i] for i in ids if i in rows], found["total"]


@bp.get("/picker/products")
def picker_products():
    """Products a creator can tag in a post or feature in a live (a signed-in
    caller): `{items: [{id, title, price_cents, currency, price, merchant,
    thumb_url}], total, page, per_page, has_more}`."""
    me()
    page, per_page = pagination()
    q = request.args.get("q", "").strip()[:PICKER_QUERY_MAX]
    products, total = _pickable(q, page, per_page)
    items = [
        {
            "id": p.id,
            "title": p.title,
            "price_cents": p.price_cents,
            "currency": p.currency,
            "price": money(p.price_cents, p.currency),
            "merchant": p.merchant.name,
            "thumb_url": p.cover.thumb_url if p.cover else None,
        }
        for p in products
    ]
    return jsonify(
        items=items,
        total=total,
        page=page,
        per_page=per_page,
        has_more=page * per_page < total,
    )
