"""Search: a small bilingual catalogue of lumi_shop's, with sales counts, and a
creator (lily_eats) whose post tags the first product; indexed as they are made.
Made through the rules, inside the caller's database connection."""

from livestall.accounts import rules as accounts
from livestall.catalog import rules as catalog
from livestall.catalog.models import Product
from livestall.content import rules as content
from livestall.search import writer as search_writer
from tests.plugins.app import FAST_HASH

# (title, category, brand, price_cents, stock, sales)
CATALOGUE = [
    ("Lumi 手持料理棒 Hand Blender 600W", "kitchen", "Lumi", 29900, 5, 40),
    ("Countertop Blender 1.5L 破壁机", "kitchen", "Lumi", 59900, 0, 10),
    ("Nonstick Frying Pan 28cm 不粘锅", "kitchen", "Chef", 12900, 8, 70),
    ("iPhone 15 手机壳 透明防摔", "electronics", "Nova", 3900, 50, 300),
    ("iPhone 15 Pro Tempered Glass 钢化膜", "electronics", "Nova", 1900, 0, 500),
    ("真无线蓝牙耳机 主动降噪 Wireless Earbuds", "electronics", "Nova", 19900, 7, 90),
    (
        "西湖龙井 明前特级 绿茶 Dragon Well Green Tea 250g",
        "tea-drinks",
        "",
        38800,
        3,
        60,
    ),
    ("Cold Brew Peach Black Tea Bags 冷泡红茶", "tea-drinks", "Xihu", 4500, 12, 25),
    ("丝绒雾面口红 Velvet Matte Lipstick #05", "beauty", "Clearskin", 8900, 9, 120),
    ("Running Shoes 男款跑步鞋 Lightweight", "sports", "Peak", 39900, 4, 33),
]


def make_user(username, role, **profile):
    user = accounts.register(
        username,
        f"{username}@example.com",
        "correct horse",
        role,
        hash_method=FAST_HASH,
    )
    if profile:
        user = accounts.update_profile(user, **profile)
    return user


def catalogue(merchant):
    """CATALOGUE as `merchant`'s products, with their sales counts, indexed."""
    products = []
    for title, cat, brand, price, stock, sales in CATALOGUE:
        p = catalog.create_product(
            merchant,
            {
                "title": title,
                "price_cents": price,
                "category": cat,
                "brand": brand,
                "stock": stock,
                "tags": ["demo"],
                "description": f"{title}. A fine thing from {brand or 'a small shop'}.",
            },
        )
        Product.update(sales_count=sales).where(Product.id == p.id).execute()
        products.append(p)
    search_writer.product_changed(*[p.id for p in products])  # sales counts
    return products


def world():
    """A merchant with the catalogue and a creator with a post: {"merchant",
    "products", "creator", "post"} (rows)."""
    merchant = make_user("lumi_shop", "merchant", display_name="露米小店 Lumi")
    products = catalogue(merchant)
    creator = make_user(
        "lily_eats", "creator", display_name="莉莉爱吃", bio="杭州吃货, tea lover."
    )
    post = content.create_post(
        creator,
        "今天试了**料理棒**，做奶昔超快。Smoothies in a minute!",
        [products[0].id],
    )
    return {
        "merchant": merchant,
        "products": products,
        "creator": creator,
        "post": post,
    }
