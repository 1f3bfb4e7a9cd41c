"""The demo seeder (`flask seed-demo`): a full, bilingual, pictured catalogue."""

import re
from collections import Counter
from pathlib import Path

from app import create_app
from extensions import db
from models import Image, Product, ProductImage, User
from services import catalog, demo, passwords
from services.demo_data import PASSWORD

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_seed_builds_a_bilingual_pictured_world(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(tmp_path),
            "SECRET_KEY": "t",
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "WTF_CSRF_ENABLED": False,
        }
    )
    media = Path(app.config["MEDIA_DIR"])
    steps = []
    try:
        with db.connection_context():
            summary = demo.seed(
                products=160,
                media_dir=str(media),
                hash_method=app.config["PASSWORD_HASH_METHOD"],
                thumb_size=app.config["THUMBNAIL_SIZE"],
                progress=steps.append,
            )
            assert PASSWORD in summary and "\n" not in summary
            assert steps == [1] * demo.plan(160)

            products = list(Product.active())
            assert len(products) >= 160
            per_category = Counter(p.category for p in products)
            assert set(per_category) == set(catalog.CATEGORIES)
            assert min(per_category.values()) >= 5

            titles = [p.title for p in products]
            assert len(set(titles)) == len(titles)
            assert sum(bool(CJK.search(t)) for t in titles) >= 0.6 * len(titles)
            for p in products:
                assert p.description and p.brand and 2 <= len(p.tags) <= 5
                assert p.currency == "CNY" and 0 <= p.stock <= 500
                assert 1990 <= p.price_cents <= 259900
                assert 500 <= p.commission_bps <= 2000
            assert any(p.stock == 0 for p in products)

            rows = Counter(r.product_id for r in ProductImage.select())
            assert all(rows[p.id] == 1 for p in products)
            for image in Image.select().join(ProductImage):
                assert (media / f"{image.sha256}.webp").is_file()
                assert (media / f"{image.sha256}_t.webp").is_file()
                assert (image.width, image.height) == (800, 800)

            merchants = list(User.with_role("merchant"))
            creators = list(User.with_role("creator"))
            assert len(merchants) >= 6 and len(creators) >= 8
            assert all(p.merchant.has_role("merchant") for p in products)
            assert all(c.avatar_id for c in creators)
            admin = User.get(User.username == "admin")
            assert admin.has_role("admin")
            assert passwords.verify_password(creators[0].password_hash, PASSWORD)
            assert passwords.verify_password(admin.password_hash, PASSWORD)
            assert creators[0].password_hash.startswith("pbkdf2:sha256:1000$")
    finally:
        if not db.is_closed():
            db.close()
