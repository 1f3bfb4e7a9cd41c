"""The demo world behind `flask seed-demo`: shops, creators, shoppers, an admin, a
bilingual catalogue whose product pictures are drawn here and stored through the
real upload pipeline (`livestall.media.images.ingest`), and the creators' posts (with
their own flat-lay photos), follows, likes and comments; then three live shows
(`demo.lives`: one on air, one tomorrow, one replay; `demo.group_buys`: deals with
teams forming; `demo.promotions`: coupons, and a drop and a red packet in the live;
`demo.bargains`: bargains at every stage; `demo.community`: pickup points, a
campaign taking orders and one past its cut-off with its batches; `demo.groups`: a
leader's neighbourhood group with the campaign's card and a creator's fan group).

`plan(n)` is the number of `progress(1)` calls `seed(products=n, ...)` makes.
Everything is deterministic (`random.Random(42)` for the catalogue, another fixed
seed for the content), so two seeds look the same; only the dates follow the clock.
"""

import collections
import datetime
import itertools
import random
import re
import time
from concurrent.futures import ThreadPoolExecutor

from demo import (
    bargains,
    community,
    group_buys,
    groups,
    interaction,
    lives,
    moderation,
    promotions,
)
from demo.art import picture_png, png_bytes, post_photo_png, render_avatar
from demo.data import (
    ADMIN,
    CATALOGUE,
    COMMENTS,
    CREATOR_COMMENTS,
    CREATORS,
    EMAIL_DOMAIN,
    LOOKS,
    MERCHANTS,
    PASSWORD,
    POSTS,
    SHOPPERS,
)
from livestall.accounts import passwords, verification
from livestall.accounts import rules as accounts
from livestall.accounts.models import User
from livestall.catalog import rules as catalog
from livestall.content import rules as content
from livestall.content import social
from livestall.content.models import Comment, Post
from livestall.db.base import transaction, utcnow
from livestall.errors import Conflict
from livestall.media import images
from livestall.merchants import rules as merchants
from livestall.search import writer as search_writer

SEED = 42
BATCH = 20  # products per transaction
# Accounts are created with this throwaway method, then all get one real hash.
CHEAP_HASH = "pbkdf2:sha256:1"
MAX_PIXELS = 40_000_000
ENGLISH_SHARE = 0.2  # of titles written fully in English
# Creator avatar hues, skipping the muddy yellow-greens.
AVATAR_HUES = (8, 200, 150, 262, 330, 28, 225, 295, 175, 350)
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
CONTENT_SEED = 20240601
PAINT_AHEAD = 64  # pictures drawn ahead of the thread that stores them
POSTS_PER_BATCH = 8  # posts per transaction
PHOTOS = ((1, 2, 3), (3, 5, 3))  # photos per post, and how often each count comes
LIKES_MAX = 15
COMMENT_COUNTS = ((0, 1, 2, 3, 4), (2, 3, 3, 2, 1))
DAYS = 30  # posts are spread over the last DAYS days
BEIJING = datetime.timedelta(hours=8)
# Beijing hours people post at: breakfast, lunch, after work and late evening.
POST_HOURS = (7, 8, 12, 12, 13, 18, 19, 20, 20, 21, 21, 21, 22, 22, 23)


# --------------------------------------------------------------------------- plan


def _accounts():
    return 1 + len(MERCHANTS) + len(CREATORS) + len(SHOPPERS)


def _capacity():
    """How many distinct products each category can make, at the smallest."""
    caps = []
    for slug in catalog.CATEGORIES:
        cat = CATALOGUE[slug]
        caps.append(
            sum(
                len(item["brands"] or cat["brands"])
                * len(item["variants"])
                * len(item["sizes"])
                for item in cat["items"]
            )
        )
    return min(caps) * len(catalog.CATEGORIES)


def _post_count(products):
    """Posts need a product to tag: none without a catalogue."""
    return sum(len(posts) for posts in POSTS.values()) if products else 0


def plan(products):
    """The number of progress steps `seed(products=...)` reports."""
    if not 0 <= products <= _capacity():
        raise ValueError(f"products must be from 0 to {_capacity()}")
    # the password hash, accounts, products, posts, follows, likes and comments
    return 1 + _accounts() + products + _post_count(products) + 3


# ---------------------------------------------------------------------- catalogue


def _price_cents(lo, hi, t):
    """A price between lo and hi yuan, ending the way shop prices do (39.90, 189)."""
    yuan = lo + (hi - lo) * t
    if yuan < 100:
        return (int(yuan) // 10 * 10 + 9) * 100 + 90
    if yuan < 1000:
        return (int(yuan) // 10 * 10 + 9) * 100
    return (int(yuan) // 100 * 100 + 99) * 100


def _counts(products, rng):
    """Spread `products` over the categories as evenly as possible."""
    slugs = list(catalog.CATEGORIES)
    base, extra = divmod(products, len(slugs))
    lucky = set(rng.sample(slugs, extra))
    return {slug: base + (slug in lucky) for slug in slugs}


def _merchant_of(slug):
    for merchant in MERCHANTS:
        if slug in merchant["categories"]:
            return merchant
    raise LookupError(slug)


def _join_description(sentences):
    """Chinese sentences run on; English ones are set off by spaces."""
    out = ""
    for s in sentences:
        if out and (not CJK.search(s) or not CJK.search(out[-1])):
            out += " "
        out += s
    return out


def build_catalogue(products):
    """The product specs, deterministically: form data plus what the picture needs."""
    rng = random.Random(SEED)
    specs = []
    for slug, count in _counts(products, rng).items():
        cat = CATALOGUE[slug]
        merchant = _merchant_of(slug)
        items = list(cat["items"])
        rng.shuffle(items)
        pools = []
        for item in items:
            combos = [
                (brand, v, s)
                for brand in item["brands"] or cat["brands"]
                for v in range(len(item["variants"]))
                for s in range(len(item["sizes"]))
            ]
            rng.shuffle(combos)
            pools.append(combos)
        made = 0
        turn = 0
        while made < count:
            index = turn % len(items)
            turn += 1
            if not pools[index]:
                continue
            item = items[index]
            brand, vi, si = pools[index].pop()
            specs.append(_product_spec(rng, slug, cat, merchant, item, brand, vi, si))
            made += 1
    rng.shuffle(specs)  # newest-first listings then mix the categories
    return specs


def _product_spec(rng, slug, cat, merchant, item, brand, vi, si):
    variant, size = item["variants"][vi], item["sizes"][si]
    english = rng.random() < ENGLISH_SHARE
    if english:
        parts = [f"{brand[0]} {item['en']}", variant[1], size[1]]
        title = ", ".join(p for p in parts if p)
    else:
        shown = brand[1] if brand[1] and rng.random() < 0.55 else brand[0]
        suffix = rng.choice(item["suffixes"] or cat["suffixes"])
        parts = [shown, item["zh"], variant[0], size[0], suffix]
        title = " ".join(p for p in parts if p)
    t = 0.75 * si / max(1, len(item["sizes"]) - 1) + 0.25 * rng.random()
    stock = 0 if rng.random() < 0.06 else rng.randint(3, 500)
    pool = item["tags"] + [catalog.CATEGORIES[slug][1]]
    tags = rng.sample(pool, min(len(pool), rng.randint(2, 5)))
    lead = [item["en_desc"], item["desc"][0]] if english else [item["desc"][0]]
    spec_line = f"规格：{variant[0]}" + (f" / {size[0]}" if size[0] else "") + "。"
    extra = [item["desc"][1], spec_line, rng.choice(merchant["service"])]
    if not english:
        extra.append(item["en_desc"])
    chosen = sorted(rng.sample(range(len(extra)), rng.randint(1, 4 - len(lead))))
    description = _join_description(lead + [extra[i] for i in chosen])
    price = _price_cents(*item["price"], t)
    return {
        "merchant": merchant["username"],
        "item": item["zh"],
        "variant": variant[0],
        "data": {
            "title": title,
            "description": description,
            "price_cents": price,
            "currency": "CNY",
            "stock": stock,
            "category": slug,
            "brand": brand[0],
            "tags": tags,
            "commission_bps": rng.choice((500, 600, 800, 1000, 1200, 1500, 2000)),
            **_flash_consent(merchant, price),
        },
        "picture": {
            "shape": item["shape"],
            "hue": (cat["hue"] + rng.uniform(-18, 18)) % 360,
            "brand": brand[0],
            "label": catalog.CATEGORIES[slug][0],
            "seed": rng.randrange(1 << 30),
        },
    }


def _flash_consent(merchant, price):
    """The shop's terms for creators' flash sales (merchants.json `flash_sales`): a
    floor at a share of the price (whole yuan), an allowance of units. Without
    terms, none: no creator may launch a flash sale of its products."""
    terms = merchant.get("flash_sales")
    if not terms:
        return {}
    floor = max(100, price * terms["floor_percent"] // 100 // 100 * 100)
    return {"flash_min_price_cents": floor, "flash_max_units": terms["max_units"]}


# ------------------------------------------------------------------------ content


def _choose(rng, candidates, taken, used):
    """A candidate not in this post yet, preferring one the creator has not tagged."""
    fresh = [i for i in candidates if i not in taken]
    unused = [i for i in fresh if i not in used]
    return rng.choice(unused or fresh) if fresh else None


def _tag(rng, specs, wants, niche, used):
    """Catalogue indexes for a post's wanted products: the item (in the variant
    asked for, when there is one), else its category, else the creator's niche,
    else anything, so that a small catalogue still gets believable posts."""
    taken = []
    for category, item, *variant in wants:
        same_item = [
            i
            for i, s in enumerate(specs)
            if s["data"]["category"] == category and s["item"] == item
        ]
        tiers = (
            [i for i in same_item if variant and variant[0] in specs[i]["variant"]],
            same_item,
            [i for i, s in enumerate(specs) if s["data"]["category"] == category],
            [i for i, s in enumerate(specs) if s["data"]["category"] in niche],
            range(len(specs)),
        )
        for tier in tiers:
            pick = _choose(rng, tier, taken, used)
            if pick is not None:
                taken.append(pick)
                used.add(pick)
                break
    return taken


def _photos(rng, username, pictures, caption):
    """1–3 flat lays: the first product on a plate, two side by side, a print."""
    look = LOOKS[username]
    layouts = ("hero", "duo", "detail") if len(pictures) > 1 else ("hero", "detail")
    shown = {"hero": pictures[:1], "duo": pictures[:2], "detail": pictures[-1:]}
    count = min(rng.choices(*PHOTOS)[0], len(layouts))
    return [
        {
            "layout": layout,
            "background": look["background"],
            "hue": look["hue"],
            "prop_hue": look["hue"],
            "props": look["props"],
            "products": shown[layout],
            "caption": caption,
            "handle": "@" + username,
            "seed": rng.randrange(1 << 30),
        }
        for layout in layouts[:count]
    ]


def _published(rng, now):
    """A believable posting time (naive UTC) in the last DAYS days."""
    local = now + BEIJING - datetime.timedelta(days=rng.randrange(DAYS - 1))
    local = local.replace(
        hour=rng.choice(POST_HOURS),
        minute=rng.randrange(60),
        second=rng.randrange(60),
        microsecond=0,
    )
    when = local - BEIJING
    if when > now - datetime.timedelta(minutes=20):  # later today: yesterday, then
        when -= datetime.timedelta(days=1)
    return when


def _likers(rng, author, creators, shoppers):
    """Up to LIKES_MAX fans: shoppers first, then the author's fellow creators."""
    wanted = rng.randint(0, LIKES_MAX)
    fans = rng.sample(shoppers, min(wanted, len(shoppers)))
    peers = [c for c in creators if c != author]
    return fans + rng.sample(peers, min(wanted - len(fans), len(peers)))


def _comments(rng, author, shoppers, published, now):
    """(username, body, time) for 0–4 shoppers' comments, oldest first."""
    locale = {username: lang for username, _, lang in SHOPPERS}
    said, out, when = set(), [], published
    for username in rng.sample(shoppers, rng.choices(*COMMENT_COUNTS)[0]):
        lang = "en" if locale[username] == "en" else "zh"
        pools = (CREATOR_COMMENTS[author][lang], COMMENTS[lang])
        pool = pools[0] if rng.random() < 0.5 else pools[1]
        body = rng.choice([b for b in pool if b not in said] or pools[1])
        said.add(body)
        when = min(
            when + datetime.timedelta(minutes=rng.randint(3, 900)),
            now - datetime.timedelta(minutes=1),
        )
        out.append((username, body, when))
    return out


def build_content(specs, now):
    """The creators' posts (oldest first) and everyone's follows, by username and
    catalogue index: what `seed` creates once the products exist."""
    rng = random.Random(CONTENT_SEED)
    creators = [username for username, _, _ in CREATORS]
    shoppers = [username for username, _, _ in SHOPPERS]
    follows = [
        (shopper, creator)
        for shopper in shoppers
        for creator in rng.sample(creators, rng.randint(2, 5))
    ]
    for creator in creators:
        peers = [c for c in creators if c != creator]
        follows += [(creator, peer) for peer in rng.sample(peers, rng.randint(1, 2))]
    posts = []
    for username in creators if specs else ():
        niche = {want[0] for post in POSTS[username] for want in post["products"]}
        used = set()
        for post in POSTS[username]:
            tagged = _tag(rng, specs, post["products"], niche, used)
            pictures = [specs[i]["picture"] for i in tagged]
            published = _published(rng, now)
            posts.append(
                {
                    "author": username,
                    "body": post["body"],
                    "products": tagged,
                    "photos": _photos(rng, username, pictures, post["caption"]),
                    "published_at": published,
                    "likers": _likers(rng, username, creators, shoppers),
                    "comments": _comments(rng, username, shoppers, published, now),
                }
            )
    posts.sort(key=lambda p: p["published_at"])  # so ids follow the dates
    return posts, follows


# ----------------------------------------------------------------------- pictures


def _ingest(data, owner, media_dir, thumb_size):
    return images.ingest(
        data,
        owner,
        media_dir=media_dir,
        max_pixels=MAX_PIXELS,
        thumb_size=thumb_size,
    )


def _store(img, owner, media_dir, thumb_size):
    return _ingest(png_bytes(img), owner, media_dir, thumb_size)


def _painted(painter, jobs, ahead=PAINT_AHEAD):
    """Run (function, argument) jobs on `painter`, at most `ahead` in flight, and
    yield their results in order: the drawing overlaps the storing without every
    PNG waiting in memory at once."""
    jobs = iter(jobs)
    pending = collections.deque(
        painter.submit(fn, arg) for fn, arg in itertools.islice(jobs, ahead)
    )
    while pending:
        result = pending.popleft().result()
        for fn, arg in itertools.islice(jobs, 1):
            pending.append(painter.submit(fn, arg))
        yield result


def _register(username, role, display_name):
    user = accounts.register(
        username,
        f"{username}@{EMAIL_DOMAIN}",
        PASSWORD,
        role,
        display_name,
        hash_method=CHEAP_HASH,
    )
    return verification.mark_verified(user)  # demo people may go live at once


DEMO_BANK_NOTE = "演示账户，请勿真实转账。Demo account: do not send money."
DEMO_BANKS = (
    "中国工商银行 杭州西湖支行",
    "招商银行 上海陆家嘴支行",
    "中国建设银行 成都锦江支行",
    "交通银行 广州天河支行",
    "中国银行 北京朝阳支行",
    "浦发银行 深圳福田支行",
)


def _create_accounts(media_dir, thumb_size, progress):
    users = {}
    for i, m in enumerate(MERCHANTS):
        user = _register(m["username"], "merchant", m["display_name"])
        letter = next(
            (c for c in m["display_name"] if c.isascii() and c.isalpha()),
            m["username"][0],
        )
        hue = CATALOGUE[m["categories"][0]]["hue"]
        logo = render_avatar(letter, hue, rounded=True)
        users[user.username] = accounts.update_profile(
            user,
            bio=m["bio"],
            locale="zh",
            avatar=_store(logo, user, media_dir, thumb_size),
        )
        if i < len(DEMO_BANKS):  # the last shop takes cash on delivery only
            merchants.update_settings(
                user,
                {
                    "bank_name": DEMO_BANKS[i],
                    "bank_account_name": m["display_name"].split(" ")[0],
                    "bank_account_number": f"6222 0208 {1000 + 37 * i:04d} 0{i}18",
                    "bank_note": DEMO_BANK_NOTE,
                },
            )
        progress(1)
    for i, (username, name, bio) in enumerate(CREATORS):
        user = _register(username, "creator", name)
        avatar = render_avatar(username[0], AVATAR_HUES[i % len(AVATAR_HUES)])
        users[username] = accounts.update_profile(
            user, bio=bio, avatar=_store(avatar, user, media_dir, thumb_size)
        )
        progress(1)
    for username, name, locale in SHOPPERS:
        users[username] = accounts.update_profile(
            _register(username, "shopper", name), locale=locale
        )
        progress(1)
    # "admin" is a reserved username at sign-up, so register under another name
    # and rename: the demo admin should be easy to guess.
    admin = _register("demo_admin", "shopper", ADMIN["display_name"])
    User.update(
        username=ADMIN["username"], email=f"{ADMIN['username']}@{EMAIL_DOMAIN}"
    ).where(User.id == admin.id).execute()
    accounts.set_roles(admin, ["admin", "shopper"])
    users[ADMIN["username"]] = accounts.update_profile(admin, bio=ADMIN["bio"])
    progress(1)
    return users


def already_seeded():
    return User.select().where(User.email.endswith("@" + EMAIL_DOMAIN)).exists()


def _create_posts(posts, users, product_ids, painted, media_dir, thumb_size, progress):
    """Store each post's photos (its author's own images), then the post, dated."""
    created = []
    for start in range(0, len(posts), POSTS_PER_BATCH):
        with transaction():
            for spec in posts[start : start + POSTS_PER_BATCH]:
                author = users[spec["author"]]
                photo_ids = [
                    _ingest(next(painted), author, media_dir, thumb_size).id
                    for _ in spec["photos"]
                ]
                post = content.create_post(
                    author,
                    spec["body"],
                    [product_ids[i] for i in spec["products"]],
                    photo_ids,
                )
                when = spec["published_at"]
                Post.update(published_at=when, created_at=when, updated_at=when).where(
                    Post.id == post.id
                ).execute()
                created.append((post, spec))
                progress(1)
    return created


def _react(created, users):
    """Likes through the service; comments inserted directly (the service rate
    limits each user), with one counter UPDATE per post."""
    for post, spec in created:
        for username in spec["likers"]:
            social.like(users[username], post)
        rows = [
            {"post": post.id, "author": users[u].id, "body": body, "created_at": when}
            for u, body, when in spec["comments"]
        ]
        if rows:
            Comment.insert_many(rows).execute()
            Post.update(comment_count=Post.comment_count + len(rows)).where(
                Post.id == post.id
            ).execute()


def seed(*, products=160, media_dir, hash_method, thumb_size=480, progress=None):
    """Create the demo world; return a one-line summary to print.

    Search index updates are gathered into one commit at the end (`flask
    seed-demo` drops them and rebuilds the index instead).
    """
    with search_writer.batch():
        return _seed(products, media_dir, hash_method, thumb_size, progress)


def _seed(products, media_dir, hash_method, thumb_size, progress):
    progress = progress or (lambda n: None)
    plan(products)
    started = time.monotonic()
    if already_seeded():
        raise Conflict("The demo data is already there.", code="already_seeded")
    specs = build_catalogue(products)
    posts, follows = build_content(specs, utcnow())
    password_hash = passwords.hash_password(PASSWORD, hash_method)
    progress(1)
    with transaction():
        users = _create_accounts(media_dir, thumb_size, progress)
        User.update(password_hash=password_hash).where(
            User.id.in_([u.id for u in users.values()])
        ).execute()
    # Pictures (products', then the posts' photos) are drawn on a second thread
    # while this one stores the previous ones: Pillow lets go of the GIL while it
    # encodes and resizes.
    jobs = [(picture_png, s["picture"]) for s in specs]
    jobs += [(post_photo_png, photo) for post in posts for photo in post["photos"]]
    painter = ThreadPoolExecutor(max_workers=1)
    try:
        painted = _painted(painter, jobs)
        product_ids = []
        for start in range(0, len(specs), BATCH):
            with transaction():
                for spec in specs[start : start + BATCH]:
                    merchant = users[spec["merchant"]]
                    product = catalog.create_product(merchant, spec["data"])
                    image = _ingest(next(painted), merchant, media_dir, thumb_size)
                    catalog.add_image(product, image)
                    product_ids.append(product.id)
                    progress(1)
        created = _create_posts(
            posts, users, product_ids, painted, media_dir, thumb_size, progress
        )
    finally:
        painter.shutdown(cancel_futures=True)
    with transaction():
        for follower, creator in follows:
            social.follow(users[follower], users[creator])
    progress(1)
    with transaction():
        _react(created, users)
    progress(1)
    shows = lives.seed_lives(users, utcnow()) if specs else {}
    on_air = shows.get("on_air")
    if specs:
        group_buys.seed_group_buys(
            users, utcnow(), on_air.pinned_product_id if on_air else None
        )
        promotions.seed_promotions(users, utcnow(), on_air)
        bargains.seed_bargains(users, utcnow())
        made = community.seed_community(users, utcnow())
        groups.seed_groups(users, made, utcnow())
        interaction.seed_interaction(users, on_air)
        moderation.seed_reports(users, on_air)
    progress(1)
    return (
        f"Seeded {len(specs)} products from {len(MERCHANTS)} shops, "
        f"{len(CREATORS)} creators ({len(created)} posts, {len(shows)} lives), "
        f"{len(SHOPPERS)} shoppers and an admin in "
        f"{time.monotonic() - started:.0f}s. Sign in as admin, lily_eats, "
        f"xihu_teahouse, emma_w or the community leader wang_fang (any demo "
        f"account) with the password "
        f"'{PASSWORD}'."
    )
