"""Posts: Markdown rendered then sanitised, photos, tagged products, feeds."""

import datetime
import re

import markdown
import nh3
from markdown.blockprocessors import HashHeaderProcessor
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from livestall.accounts import verification
from livestall.accounts.models import User
from livestall.catalog.models import Product
from livestall.content import signals
from livestall.content.models import Follow, Post, PostImage, PostProduct
from livestall.db.base import Prepared, transaction, utcnow
from livestall.errors import Conflict, Invalid, NotAllowed, NotFound
from livestall.media.models import Image, ImageUpload
from livestall.platform import audit

BODY_MAX = 20_000
IMAGES_MAX = 9
PRODUCTS_MIN, PRODUCTS_MAX = 1, 20
TAGS = {
    "p", "br", "strong", "em", "del", "a", "ul", "ol", "li", "blockquote", "h2", "h3",
    "h4", "h5", "h6", "code", "pre", "hr",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}
HEADINGS = {f"h{n}": f"h{min(n + 1, 6)}" for n in range(1, 7)}


class _ShiftHeadings(Treeprocessor):
    """A post's own headings sit one level below the page's: `#` is an h2, `##` an
    h3... (`######` stays h6). nh3 drops h1, so `# heading` once lost its heading;
    shifting them all keeps the levels an author chose apart."""

    def run(self, root):
        for element in root.iter():
            if element.tag in HEADINGS:
                element.tag = HEADINGS[element.tag]


class _SpacedHashHeader(HashHeaderProcessor):
    """`# heading` needs its space (as in CommonMark): `#春茶 #龙井` at the start of
    a line is hashtags, not a heading."""

    RE = re.compile(
        r"(?:^|\n)(?P<level>#{1,6})(?=[ \t]|\n|$)"
        r"(?P<header>(?:\\.|[^\\#]|#+(?=[^#\n]))*?)#*(?:\n|$)"
    )


class _PostHeadings(Extension):
    def extendMarkdown(self, md):  # Python-Markdown's name
        md.parser.blockprocessors.register(
            _SpacedHashHeader(md.parser), "hashheader", 70
        )
        md.treeprocessors.register(_ShiftHeadings(md), "shift_headings", 5)


def render(body):
    """Markdown to HTML, then sanitised with nh3: the only HTML a post ever shows."""
    html = markdown.markdown(
        body, extensions=["sane_lists", _PostHeadings()], output_format="html"
    )
    return nh3.clean(
        html,
        tags=TAGS,
        clean_content_tags={"script", "style"},
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow ugc",
    )


def _body(value):
    if not isinstance(value, str):
        raise Invalid("This field must be text.", field="body")
    value = value.replace("\x00", "").replace("\r\n", "\n").strip()
    if not value:
        raise Invalid("Write something first.", field="body")
    if len(value) > BODY_MAX:
        raise Invalid("At most %(n)d characters.", field="body", n=BODY_MAX)
    return value


def id_list(value, field, most):
    if value is None:
        return []
    if not isinstance(value, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) and 0 < v < 2**53 for v in value
    ):
        raise Invalid("Expected a list of ids.", field=field)
    ids = list(dict.fromkeys(value))
    if len(ids) > most:
        raise Invalid("At most %(n)d.", field=field, n=most)
    return ids


def _products(ids):
    """Return the products in the given order; refuse unknown or archived ones."""
    ids = id_list(ids, "product_ids", PRODUCTS_MAX)
    if len(ids) < PRODUCTS_MIN:
        raise Invalid("Tag at least one product.", field="product_ids")
    found = {p.id: p for p in Product.select().where(Product.id.in_(ids))}
    for pid in ids:
        if pid not in found:
            raise Invalid("There is no product %(id)d.", field="product_ids", id=pid)
        if found[pid].is_archived:
            raise Invalid(
                "“%(title)s” is no longer sold and cannot be tagged.",
                field="product_ids",
                title=found[pid].title,
            )
    return [found[pid] for pid in ids]


def own_images(author, ids):
    """Return the author's own uploaded images in the given order."""
    ids = id_list(ids, "image_ids", IMAGES_MAX)
    uploaded = ImageUpload.select(ImageUpload.image).where(
        ImageUpload.user == author.id
    )
    found = {
        i.id: i
        for i in Image.select().where(
            Image.id.in_(ids) & ((Image.owner == author.id) | Image.id.in_(uploaded))
        )
    }
    for iid in ids:
        if iid not in found:
            raise Invalid(
                "There is no image %(id)d of yours.", field="image_ids", id=iid
            )
    return [found[iid] for iid in ids]


def _check_author(user):
    if not user.has_role("creator", "admin"):
        raise NotAllowed("Only creators can post. Switch on the creator role first.")


def _replace_links(post, products, images):
    PostProduct.delete().where(PostProduct.post == post).execute()
    PostImage.delete().where(PostImage.post == post).execute()
    if products:
        PostProduct.insert_many(
            [(post.id, p.id, i) for i, p in enumerate(products)],
            fields=[PostProduct.post, PostProduct.product, PostProduct.position],
        ).execute()
    if images:
        PostImage.insert_many(
            [(post.id, img.id, i) for i, img in enumerate(images)],
            fields=[PostImage.post, PostImage.image, PostImage.position],
        ).execute()


def create_post(author, body, product_ids, image_ids=None, publish=True):
    """Write a post (or a draft) with tagged products and the author's photos."""
    _check_author(author)
    verification.check_post_allowed(  # issue 23: a few posts before verifying
        author, lambda: Post.select().where(Post.author == author.id).count()
    )
    body = _body(body)
    products = _products(product_ids) if publish or product_ids else []
    images = own_images(author, image_ids)
    now = utcnow()
    with transaction():
        post = Post.create(
            author=author,
            body=body,
            body_html=render(body),
            status="published" if publish else "draft",
            created_at=now,
            updated_at=now,
            published_at=now if publish else None,
        )
        _replace_links(post, products, images)
    signals.post_changed.send(None, post_ids=[post.id])
    return post


def update_post(post, editor, body, product_ids, image_ids=None, publish=True):
    """Change a post; only its author may. Publishing a draft stamps the time."""
    if post.author_id != editor.id:
        raise NotAllowed("Only the author can edit this post.")
    if post.is_removed:
        raise Conflict(
            "An admin took this post down; it cannot be edited or published.",
            code="taken_down",
        )
    body = _body(body)
    products = _products(product_ids) if publish or product_ids else []
    images = own_images(editor, image_ids)
    with transaction():
        Post.update(
            body=body,
            body_html=render(body),
            status="published" if publish else "draft",
            updated_at=utcnow(),
            published_at=post.published_at or (utcnow() if publish else None),
        ).where((Post.id == post.id) & (Post.status != "removed")).execute()
        _replace_links(post, products, images)
    signals.post_changed.send(None, post_ids=[post.id])
    return Post.get_by_id(post.id)


def delete_post(post, user):
    if post.author_id != user.id and not user.has_role("admin"):
        raise NotAllowed("Only the author can delete this post.")
    with transaction():
        Post.delete().where(Post.id == post.id).execute()
        audit.record_if_admin(
            user,
            (post.author_id,),
            "post.delete",
            "post",
            post.id,
            author_id=post.author_id,
        )
    signals.post_changed.send(None, post_ids=[post.id])


# a post page reads its post (and author) on every view: compiled once
_POST_WITH_AUTHOR = Prepared(
    lambda pid: Post.select(Post, User).join(User).where(Post.id == pid)
)


def get_post(post_id, viewer=None):
    """A published post for anyone; a draft only for its author; one an admin
    took down for its author and admins (else NotFound)."""
    try:
        post_id = int(post_id)
    except (TypeError, ValueError):
        raise NotFound("No such post.")
    post = _POST_WITH_AUTHOR.first(post_id)
    if post is None:
        raise NotFound("No such post.")
    if post.is_removed:  # taken down: its author and admins see it, with a notice
        if viewer is None or not (
            viewer.id == post.author_id or viewer.has_role("admin")
        ):
            raise NotFound("No such post.")
    elif not post.is_published and (viewer is None or viewer.id != post.author_id):
        raise NotFound("No such post.")
    return post


# Columns a post card or page shows: not the Markdown source, not the author's
# account fields. Rows cost CPU to build, so listings fetch no more than this.
LISTED = (
    Post.id,
    Post.author,
    Post.body_html,
    Post.status,
    Post.like_count,
    Post.comment_count,
    Post.created_at,
    Post.published_at,
    User.id,
    User.username,
    User.display_name,
    User.avatar,
)
CARD_PRODUCT = (
    Product.id,
    Product.title,
    Product.price_cents,
    Product.currency,
    Product.stock,
    Product.category,
    Product.status,
    Product.merchant,
    User.id,
    User.username,
    User.display_name,
)


def listed():
    """Published-or-not posts with their authors, card columns only."""
    return Post.select(*LISTED).join(User)


def hydrate(posts, full=False):
    """Attach products (with covers) and photos to posts: three queries in all.

    `full` loads every product field (the API's `product` object); pages need
    only what a card shows.
    """
    posts = list(posts)
    by_id = {p.id: p for p in posts}
    for p in posts:
        p.tagged, p.photos = [], []
    if not posts:
        return posts
    rows = (
        PostProduct.select(
            PostProduct.post, *((Product, User) if full else CARD_PRODUCT)
        )
        .join(Product)
        .join(User)  # the merchant, shown on every card
        # a suspended merchant's products leave the cards (catalog.availability)
        .where(PostProduct.post.in_(list(by_id)) & (User.status == "active"))
        .order_by(PostProduct.position)
    )
    products = []
    for row in rows:
        by_id[row.post_id].tagged.append(row.product)
        products.append(row.product)
    Product.attach_galleries(products)
    photos = (
        PostImage.select(
            PostImage.post, Image.id, Image.sha256, Image.width, Image.height
        )
        .join(Image)
        .where(PostImage.post.in_(list(by_id)))
        .order_by(PostImage.position)
    )
    for row in photos:
        by_id[row.post_id].photos.append(row.image)
    return posts


def _page(query, page, per_page, full=False):
    total = query.count()
    posts = hydrate(Post.newest_first(query).paginate(page, per_page), full)
    return posts, total


def _following(user):
    followees = Follow.select(Follow.followee).where(Follow.follower == user.id)
    return (Post.status == "published") & (Post.author.in_(followees))


def following_feed(user, page=1, per_page=20, full=False):
    """Published posts of the creators `user` follows, newest first."""
    return _page(listed().where(_following(user)), page, per_page, full)


def following_ids(user, page=1, per_page=20):
    """The ids of a page of `following_feed` and the feed's size: for pages that
    take the posts themselves from a shared store (`cards`)."""
    query = Post.select(Post.id).where(_following(user))
    total = query.count()
    ids = [row.id for row in Post.newest_first(query).paginate(page, per_page)]
    return ids, total


def cards(ids):
    """{post id: post} of these published posts, hydrated for cards (one batch)."""
    if not ids:
        return {}
    posts = hydrate(listed().where((Post.id.in_(ids)) & (Post.status == "published")))
    return {p.id: p for p in posts}


def recent(page=1, per_page=20):
    """Everyone's published posts, newest first (the discover feed)."""
    query = listed().where(Post.status == "published")
    return _page(query, page, per_page)


def popular(limit=6, days=30):
    """The most liked recent posts."""
    since = utcnow() - datetime.timedelta(days=days)
    query = (
        listed()
        .where((Post.status == "published") & (Post.published_at >= since))
        .order_by(Post.like_count.desc(), Post.published_at.desc())
        .limit(limit)
    )
    return hydrate(query)


def posts_of(author, viewer=None, page=1, per_page=20):
    """An author's posts; their own drafts too when they are looking."""
    query = listed().where(Post.author == author.id)
    if viewer is None or viewer.id != author.id:
        query = query.where(Post.status == "published")
    return _page(query, page, per_page)


def picks_of(author, limit=12):
    """Products an author has tagged in published posts, most recent first."""
    latest = (
        PostProduct.select(PostProduct.product)
        .join(Post)
        .where((Post.author == author.id) & (Post.status == "published"))
    )
    query = (
        Product.listing()
        .where(Product.id.in_(latest))
        .order_by(Product.id.desc())
        .limit(limit)
    )
    return Product.with_images(query)
