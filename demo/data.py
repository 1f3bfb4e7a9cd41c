"""The text of the demo world that `demo.seed` builds (`flask seed-demo`), read once
from the JSON files in `demo/json/` (UTF-8).

Everything there was written for Livestall: the shops, people, brands and books are
invented. Products are put together from the parts in `catalogue.json` (item ×
variant × size × brand), so the catalogue grows without anyone writing 160 titles by
hand.

The files:

- `admin.json`: the demo administrator's username, display name and bio.
- `merchants.json`: a shop each; `categories` are the catalogue sections it sells in
  and `service` are shop-policy sentences mixed into product descriptions;
  `flash_sales` are its terms for creators' flash sales of its products (the floor
  as a percentage of the price, the units open sales may set aside), so the demo's
  creators can run them; without them, none.
- `creators.json`: the creators (KOLs): username, display name, bio.
- `shoppers.json`: username, display name, interface language (`locale`).
- `catalogue.json`: per category, the base hue of the pictures (degrees), brands as
  [Latin, Chinese or null], words a title may end with ("" = none) and the items.
  An item is one kind of product: its names (`zh`, `en`), picture `shape` (see
  `demo.art`), `price` range [lo, hi] in yuan and its parts. `variants` are
  [Chinese, English] pairs; `sizes` are strings used in both languages or [Chinese,
  English] pairs; `desc` are two Chinese sentences about material and use, `en_desc`
  one English sentence. `brands` and `suffixes`, when given, replace the category's.
- `posts.json`: what each creator posts. `products` are [category, item] pairs from
  the catalogue, optionally with a word the product's Chinese variant should
  contain; the seeder tags a matching product (or, in a small catalogue, the
  nearest thing it has). `paragraphs` make the body. `caption` goes on the paper
  strip in the first photo, so it stays in Latin letters: the drawing font has no
  Chinese.
- `looks.json`: how each creator's photos look: the tabletop (a background in
  `demo.art`), its hue and the props scattered around the products (`demo.art`
  props or product shapes).
- `comments.json`: shoppers' comments on any post, by language (English for
  English-speaking shoppers); `creator_comments.json`: the same, per creator.
"""

import json
from pathlib import Path

DATA_DIR = Path(__file__).with_name("json")

# Every demo account shares this password; the seed summary prints it.
PASSWORD = "livestall-demo"  # noqa: S105 - public demo credential, by design
EMAIL_DOMAIN = "demo.livestall.test"


def _read(name):
    with (DATA_DIR / f"{name}.json").open(encoding="utf-8") as f:
        return json.load(f)


def _pairs(pairs):
    return [tuple(pair) for pair in pairs]


def _item(item):
    """One kind of product, with its pairs as tuples and sizes all pairs."""
    brands = item.get("brands")
    return {
        "zh": item["zh"],
        "en": item["en"],
        "shape": item["shape"],
        "price": tuple(item["price"]),
        "variants": _pairs(item["variants"]),
        "sizes": [(s, s) if isinstance(s, str) else tuple(s) for s in item["sizes"]],
        "desc": item["desc"],
        "en_desc": item["en_desc"],
        "tags": item["tags"],
        "brands": _pairs(brands) if brands is not None else None,
        "suffixes": item.get("suffixes"),
    }


def _category(category):
    return {
        "hue": category["hue"],
        "brands": _pairs(category["brands"]),
        "suffixes": category["suffixes"],
        "items": [_item(item) for item in category["items"]],
    }


def _post(post):
    return {
        "body": "\n\n".join(post["paragraphs"]),
        "products": _pairs(post["products"]),
        "caption": post["caption"],
    }


ADMIN = _read("admin")
MERCHANTS = _read("merchants")
# (username, display name, bio)
CREATORS = [(c["username"], c["display_name"], c["bio"]) for c in _read("creators")]
# (username, display name, interface language)
SHOPPERS = [(s["username"], s["display_name"], s["locale"]) for s in _read("shoppers")]
CATALOGUE = {slug: _category(c) for slug, c in _read("catalogue").items()}
POSTS = {
    username: [_post(post) for post in posts]
    for username, posts in _read("posts").items()
}
LOOKS = _read("looks")
COMMENTS = _read("comments")
CREATOR_COMMENTS = _read("creator_comments")
