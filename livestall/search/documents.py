"""Search documents: the three indexes' schemas and their documents, read from the
database rows (the index never holds anything the database does not).

`products`, `posts` and `creators` are all analysed by `analysis.ANALYZER`. Products
are matched in one field, "text": the title three times, the brand twice, then tags,
category names, the shop's name and the description. Repetition weights title and
brand words above description words (BM25 term frequency), and one field per term
lets Whoosh skip blocks that cannot reach the top results: measured on 20k products,
an OR of the four fields with boosts (title 4, brand 3, extras 1.5, description 1)
queried 3-10x slower (bench/search.py).
"""

import datetime
import html
import re

from whoosh import columns
from whoosh.fields import COLUMN, ID, NUMERIC, STORED, TEXT, Schema

from livestall.accounts.models import User, UserRole
from livestall.catalog import availability
from livestall.catalog.models import CATEGORIES, Product
from livestall.content.models import Post, PostProduct
from livestall.search import pinyin
from livestall.search.analysis import ANALYZER, PINYIN, PLAIN

KINDS = ("product", "post", "user")
INDEX_OF = {"product": "products", "post": "posts", "user": "creators"}
TITLE_REPEAT, BRAND_REPEAT = 3, 2


def _text():
    return TEXT(analyzer=ANALYZER, phrase=False)


SCHEMAS = {
    "products": lambda: Schema(
        id=ID(stored=True, unique=True),
        text=_text(),  # see the module's docstring
        title=STORED(),
        description=STORED(),
        brand=STORED(),
        tags=STORED(),
        merchant=STORED(),
        # Filters, facets and sorts read per-document columns, not postings:
        # column-only fields index nothing. (Every posting of a field without a
        # length column costs whoosh-reloaded a stat() call while indexing.)
        # Prices stay a sortable integer NUMERIC (never float: a float sortable
        # NUMERIC crashes) with one term per value (shift_step=bits) for NumericRange.
        price_cents=NUMERIC(int, bits=32, shift_step=32, stored=True, sortable=True),
        brand_value=COLUMN(columns.VarBytesColumn()),
        category=COLUMN(columns.RefBytesColumn()),
        sales_count=COLUMN(columns.NumericColumn("q")),
        created=COLUMN(columns.NumericColumn("q")),
        in_stock=COLUMN(columns.NumericColumn("b")),  # 1 or 0
        status=STORED(),
        spell=TEXT(analyzer=PLAIN, phrase=False),
        # title, brand and category names as pinyin and initials (search.pinyin)
        py=TEXT(analyzer=PINYIN, phrase=False),
    ),
    "posts": lambda: Schema(
        id=ID(stored=True, unique=True),
        text=TEXT(analyzer=ANALYZER, phrase=False, stored=True),
        author=TEXT(analyzer=ANALYZER, phrase=False, stored=True),
        username=ID(stored=True),
        products=TEXT(analyzer=ANALYZER, phrase=False, stored=True),
        created=NUMERIC(int, bits=64, stored=True, sortable=True),
    ),
    "creators": lambda: Schema(
        id=ID(stored=True, unique=True),
        username=ID(stored=True),
        name=TEXT(analyzer=ANALYZER, phrase=False, stored=True),
        bio=TEXT(analyzer=ANALYZER, phrase=False, stored=True),
        spell=TEXT(analyzer=PLAIN, phrase=False),
    ),
}


# --- documents ------------------------------------------------------------------------


def epoch(value):
    """Microseconds since 1970 (a stored naive-UTC datetime): exact newest-first."""
    if value is None:
        return 0
    delta = value - datetime.datetime(1970, 1, 1)
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds


def plain_text(html_text):
    """Text of sanitised post HTML (tags dropped, entities decoded)."""
    return html.unescape(re.sub(r"<[^>]+>", " ", html_text or "")).strip()


def product_doc(product):
    """The index document of an active product (merchant joined)."""
    return make_product_doc(
        id=product.id,
        title=product.title,
        description=product.description,
        brand=product.brand,
        category=product.category,
        tags=product.tags,
        merchant=f"{product.merchant.name} {product.merchant.username}",
        price_cents=product.price_cents,
        sales_count=product.sales_count,
        created=epoch(product.created_at),
        in_stock=product.stock > 0,
        status=product.status,
    )


def make_product_doc(
    *,
    id,  # noqa: A002 - the document's field name
    title,
    description,
    brand,
    category,
    tags,
    merchant,
    price_cents,
    sales_count,
    created,
    in_stock,
    status="active",
):
    """A product document from plain values (the benchmark uses it too)."""
    labels = " ".join(CATEGORIES.get(category, ()))
    tags = " ".join(tags or [])
    return {
        "id": str(id),
        "title": title,
        "description": description or "",
        "brand": brand or "",
        "text": "\n".join(
            [title] * TITLE_REPEAT
            + [brand or ""] * BRAND_REPEAT
            + [tags, f"{category} {labels}", merchant, description or ""]
        ),
        "tags": tags,
        "merchant": merchant,
        "brand_value": (brand or "").encode(),
        "category": category.encode(),
        "price_cents": int(price_cents),
        "sales_count": int(sales_count or 0),
        "created": int(created),
        "in_stock": 1 if in_stock else 0,
        "status": status,
        "spell": f"{title}\n{brand or ''}\n{tags}",
        "py": pinyin.field_text(title, brand, labels, tags),
    }


def post_doc(post, titles):
    return {
        "id": str(post.id),
        "text": plain_text(post.body_html),
        "author": f"{post.author.name} {post.author.username}",
        "username": post.author.username,
        "products": " / ".join(titles),
        "created": epoch(post.published_at or post.created_at),
    }


def creator_doc(user):
    return {
        "id": str(user.id),
        "username": user.username,
        "name": f"{user.name} {user.username}",
        "bio": user.bio or "",
        "spell": f"{user.name} {user.username}",
    }


# --- the rows behind the documents ----------------------------------------------------


def products_query():
    """Products with their merchants: a product is indexed only while it is for
    sale (catalog.availability), so a suspended merchant's leave search when the
    suspension re-indexes the merchant (`user_changed` expands to their products)
    and come back when it is lifted; search itself filters nothing."""
    return Product.select(Product, User).join(User)


def posts_query():
    return Post.select(Post, User).join(User).where(Post.status == "published")


def post_titles(post_ids):
    """{post id: [titles of its tagged products, in order]}."""
    titles = {pid: [] for pid in post_ids}
    if post_ids:
        rows = (
            PostProduct.select(PostProduct.post, Product.title)
            .join(Product)
            .where(PostProduct.post.in_(list(post_ids)))
            .order_by(PostProduct.position)
        )
        for row in rows:
            titles[row.post_id].append(row.product.title)
    return titles


def creators_query():
    creators = UserRole.select(UserRole.user).where(UserRole.role == "creator")
    return User.select().where((User.status == "active") & User.id.in_(creators))


def expand(jobs):
    """Add the documents that show a changed object's text: a product's title is in
    the posts tagging it; a user's name is in their products and posts."""
    jobs = set(jobs)
    products = [i for k, i in jobs if k == "product"]
    users = [i for k, i in jobs if k == "user"]
    if products:
        tagged = PostProduct.select(PostProduct.post).where(
            PostProduct.product.in_(products)
        )
        jobs |= {("post", row.post_id) for row in tagged}
    if users:
        jobs |= {
            ("product", p.id)
            for p in Product.select(Product.id).where(Product.merchant.in_(users))
        }
        jobs |= {
            ("post", p.id) for p in Post.select(Post.id).where(Post.author.in_(users))
        }
    return jobs


def documents_for(jobs):
    """{index name: (ids to delete, documents to add)} for a set of (kind, id)."""
    out = {name: (set(), []) for name in SCHEMAS}
    ids = {kind: {i for k, i in jobs if k == kind} for kind in KINDS}
    if ids["product"]:
        found = {
            p.id: p
            for p in products_query().where(Product.id.in_(list(ids["product"])))
        }
        for pid in ids["product"]:
            out["products"][0].add(str(pid))
            p = found.get(pid)
            if p is not None and availability.is_for_sale(p):  # merchant joined
                out["products"][1].append(product_doc(p))
    if ids["post"]:
        found = {p.id: p for p in posts_query().where(Post.id.in_(list(ids["post"])))}
        titles = post_titles(list(found))
        for pid in ids["post"]:
            out["posts"][0].add(str(pid))
            if pid in found:
                out["posts"][1].append(post_doc(found[pid], titles[pid]))
    if ids["user"]:
        found = {
            u.id: u for u in creators_query().where(User.id.in_(list(ids["user"])))
        }
        for uid in ids["user"]:
            out["creators"][0].add(str(uid))
            if uid in found:
                out["creators"][1].append(creator_doc(found[uid]))
    return out
