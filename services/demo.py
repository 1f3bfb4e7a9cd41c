"""The demo world behind `flask seed-demo`: shops, creators, shoppers, an admin and a
bilingual catalogue whose product pictures are drawn here and stored through the
real upload pipeline (`services.images.ingest`).

`plan(n)` is the number of `progress(1)` calls `seed(products=n, ...)` makes.
Everything is deterministic (`random.Random(42)`), so two seeds look the same.
"""

import random
import re
import time
from concurrent.futures import ThreadPoolExecutor

from models import User, transaction
from services import accounts, catalog, images, passwords
from services.demo_art import picture_png, png_bytes, render_avatar
from services.demo_data import (
    ADMIN,
    CATALOGUE,
    CREATORS,
    EMAIL_DOMAIN,
    MERCHANTS,
    PASSWORD,
    SHOPPERS,
)
from services.errors import Conflict

SEED = 42
BATCH = 20  # products per transaction
# Accounts are created with this throwaway method, then all get one real hash.
CHEAP_HASH = "pbkdf2:sha256:1"
MAX_PIXELS = 40_000_000
ENGLISH_SHARE = 0.2  # of titles written fully in English
# Creator avatar hues, skipping the muddy yellow-greens.
AVATAR_HUES = (8, 200, 150, 262, 330, 28, 225, 295, 175, 350)
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


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


def plan(products):
    """The number of progress steps `seed(products=...)` reports."""
    if not 0 <= products <= _capacity():
        raise ValueError(f"products must be from 0 to {_capacity()}")
    return 1 + _accounts() + products  # the password hash, accounts, products


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
    return {
        "merchant": merchant["username"],
        "data": {
            "title": title,
            "description": description,
            "price_cents": _price_cents(*item["price"], t),
            "currency": "CNY",
            "stock": stock,
            "category": slug,
            "brand": brand[0],
            "tags": tags,
            "commission_bps": rng.choice((500, 600, 800, 1000, 1200, 1500, 2000)),
        },
        "picture": {
            "shape": item["shape"],
            "hue": (cat["hue"] + rng.uniform(-18, 18)) % 360,
            "brand": brand[0],
            "label": catalog.CATEGORIES[slug][0],
            "seed": rng.randrange(1 << 30),
        },
    }


# ----------------------------------------------------------------------- pictures


def _store(img, owner, media_dir, thumb_size):
    return images.ingest(
        png_bytes(img),
        owner,
        media_dir=media_dir,
        max_pixels=MAX_PIXELS,
        thumb_size=thumb_size,
    )


def _register(username, role, display_name):
    return accounts.register(
        username,
        f"{username}@{EMAIL_DOMAIN}",
        PASSWORD,
        role,
        display_name,
        hash_method=CHEAP_HASH,
    )


def _create_accounts(media_dir, thumb_size, progress):
    users = {}
    for m in MERCHANTS:
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


def seed(*, products=160, media_dir, hash_method, thumb_size=480, progress=None):
    """Create the demo world; return a one-line summary to print."""
    progress = progress or (lambda n: None)
    plan(products)
    started = time.monotonic()
    if already_seeded():
        raise Conflict("The demo data is already there.", code="already_seeded")
    specs = build_catalogue(products)
    password_hash = passwords.hash_password(PASSWORD, hash_method)
    progress(1)
    with transaction():
        users = _create_accounts(media_dir, thumb_size, progress)
        User.update(password_hash=password_hash).where(
            User.id.in_([u.id for u in users.values()])
        ).execute()
    # Pictures are drawn on a second thread while this one stores the previous
    # ones: Pillow lets go of the GIL while it encodes and resizes.
    painter = ThreadPoolExecutor(max_workers=1)
    try:
        pictures = painter.map(picture_png, [s["picture"] for s in specs])
        for start in range(0, len(specs), BATCH):
            with transaction():
                for spec in specs[start : start + BATCH]:
                    merchant = users[spec["merchant"]]
                    product = catalog.create_product(merchant, spec["data"])
                    image = images.ingest(
                        next(pictures),
                        merchant,
                        media_dir=media_dir,
                        max_pixels=MAX_PIXELS,
                        thumb_size=thumb_size,
                    )
                    catalog.add_image(product, image)
                    progress(1)
    finally:
        painter.shutdown(cancel_futures=True)
    return (
        f"Seeded {len(specs)} products from {len(MERCHANTS)} shops, "
        f"{len(CREATORS)} creators, {len(SHOPPERS)} shoppers and an admin in "
        f"{time.monotonic() - started:.0f}s. Sign in as admin, lily_eats, "
        f"xihu_teahouse or emma_w (any demo account) with the password "
        f"'{PASSWORD}'."
    )
