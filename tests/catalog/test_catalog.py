"""The merchants' catalog: web pages, media files and the JSON API (API.md, Catalog).

Access control here follows SECURITY.md 8.2.2 (a product changes only by its
merchant; someone else's product looks missing) and 8.2.3 (allow-listed fields).
"""

import hashlib
import io
import re
from html import unescape
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from blueprints.catalog.views import PER_PAGE
from extensions import db
from livestall.accounts import rules as accounts
from livestall.accounts.models import User
from livestall.catalog import rules as catalog
from livestall.catalog.models import Product
from livestall.media.models import Image
from tests.plugins.api import Api, image_bytes
from tests.plugins.app import AuthActions, csrf_token

PRODUCT_KEYS = {
    "id",
    "title",
    "description",
    "price_cents",
    "currency",
    "stock",
    "category",
    "brand",
    "tags",
    "commission_bps",
    "merchant",
    "images",
    "url",
    # API.md's "Merchant consent for creator-run sales" (null: no flash sales)
    "flash_min_price_cents",
    "flash_max_units",
    "member_price_cents",
    # Not in API.md's `product` yet: "active" or "archived". An addition (API.md:
    # "extend it freely"), listed here so any other new key fails this test.
    "status",
}
IMAGE_KEYS = {"id", "url", "thumb_url", "width", "height"}
FULL_BODY = {
    "title": "Hand Blender 手持料理棒",
    "description": "Four speeds.\nStainless steel.",
    "price_cents": 12990,
    "currency": "CNY",
    "stock": 25,
    "category": "kitchen",
    "brand": "Acme",
    "tags": ["blender", "厨房"],
    "commission_bps": 800,
}


def row(product_id):
    with db.connection_context():
        return Product.get_by_id(product_id)


def gallery(product_id):
    with db.connection_context():
        return [img.id for img in catalog.images_of(Product.get_by_id(product_id))]


def user_id(username):
    with db.connection_context():
        return User.get(User.username == username).id


def snapshot(product_id):
    """Every stored column of a product, and its gallery."""
    with db.connection_context():
        product = Product.get_by_id(product_id)
        return product.__data__.copy(), [i.id for i in catalog.images_of(product)]


def page(resp):
    return unescape(resp.get_data(as_text=True))


def edit_id(resp):
    """The product id in a redirect to its edit page."""
    assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
    match = re.fullmatch(r"/merchant/products/(\d+)/edit", urlsplit(resp.location).path)
    assert match, resp.location
    return int(match.group(1))


def upload(data=None, name="photo.png", mime="image/png"):
    return (io.BytesIO(data if data is not None else image_bytes()), name, mime)


def form_fields(**overrides):
    data = {
        "title": "Ceramic Teapot 陶瓷茶壶",
        "description": "Holds 600 ml.",
        "price": "129.90",
        "currency": "CNY",
        "stock": "5",
        "commission": "8",
        "category": "kitchen",
        "brand": "Jingdezhen",
        "tags": "tea, 茶具",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def merchant(client, auth):
    """A merchant signed in through the web form (the `client`)."""
    resp = auth.signup("shop_a", role="merchant")
    assert resp.status_code == 302
    return auth


def post_form(client, path, data, csrf_page="/merchant/products/new"):
    data = {"csrf_token": csrf_token(client, csrf_page), **data}
    return client.post(path, data=data, content_type="multipart/form-data")


def create_by_form(client, **overrides):
    return post_form(client, "/merchant/products/new", form_fields(**overrides))


# --- merchant web pages ------------------------------------------------------------


def test_create_product_with_a_photo_through_the_form(client, merchant, app):
    resp = create_by_form(client, images=[upload(image_bytes("JPEG", (120, 90)))])
    product_id = edit_id(resp)
    product = row(product_id)
    assert product.title == "Ceramic Teapot 陶瓷茶壶"
    assert product.price_cents == 12990
    assert product.currency == "CNY"
    assert (product.stock, product.commission_bps) == (5, 800)
    assert product.category == "kitchen" and product.brand == "Jingdezhen"
    assert product.tags == ["tea", "茶具"]
    assert product.status == "active"
    assert product.merchant_id == user_id("shop_a")
    [image_id] = gallery(product_id)
    with db.connection_context():
        image = Image.get_by_id(image_id)
    assert (image.width, image.height) == (120, 90)
    assert (Path(app.config["MEDIA_DIR"]) / image.filename).is_file()
    edit = page(client.get(resp.location))
    assert "Product created." in edit
    assert image.thumb_url in edit
    assert 'value="129.90"' in edit


@pytest.mark.parametrize(
    ("typed", "cents"),
    [("129.90", 12990), ("129.9", 12990), ("129", 12900), ("1,299.00", 129900)]
    + [("¥0.05", 5), (" 7 ", 700)],
)
def test_prices_typed_by_people_are_read_into_cents(client, merchant, typed, cents):
    product_id = edit_id(create_by_form(client, price=typed))
    assert row(product_id).price_cents == cents


def test_several_photos_are_kept_in_order(client, merchant):
    photos = [upload(image_bytes("PNG", (40, 40), (i * 60, 0, 0))) for i in range(3)]
    product_id = edit_id(create_by_form(client, images=photos))
    ids = gallery(product_id)
    assert len(ids) == 3 and ids == sorted(ids)


def test_edit_product_through_the_form(client, merchant):
    product_id = edit_id(create_by_form(client))
    path = f"/merchant/products/{product_id}/edit"
    form = page(client.get(path))
    assert 'value="Ceramic Teapot 陶瓷茶壶"' in form and 'value="129.90"' in form
    resp = post_form(
        client,
        path,
        form_fields(title="Teapot, large", price="99.5", stock="7", tags="big"),
        csrf_page=path,
    )
    assert resp.status_code == 302 and resp.location.endswith(path)
    product = row(product_id)
    assert product.title == "Teapot, large"
    assert product.price_cents == 9950
    assert product.stock == 7
    assert product.tags == ["big"]
    assert product.description == "Holds 600 ml."
    assert "Product saved." in page(client.get(path))


def test_archive_hides_the_product_and_restore_brings_it_back(client, merchant):
    product_id = edit_id(create_by_form(client, title="Archivable Kettle"))
    assert "Archivable Kettle" in page(client.get("/shop"))
    assert "Archivable Kettle" in page(client.get("/c/kitchen"))

    resp = post_form(client, f"/merchant/products/{product_id}/archive", {})
    assert resp.status_code == 302
    assert urlsplit(resp.location).path == "/merchant/products"
    assert row(product_id).status == "archived"
    assert "Archivable Kettle" not in page(client.get("/shop"))
    assert "Archivable Kettle" not in page(client.get("/c/kitchen"))
    shown = client.get(f"/products/{product_id}")
    assert shown.status_code == 200
    assert "This product is no longer sold." in page(shown)
    assert "Archivable Kettle" in page(client.get("/merchant/products"))  # still mine

    resp = post_form(client, f"/merchant/products/{product_id}/restore", {})
    assert resp.status_code == 302
    assert row(product_id).status == "active"
    assert "Archivable Kettle" in page(client.get("/shop"))
    assert "Archivable Kettle" in page(client.get("/c/kitchen"))
    assert "no longer sold" not in page(client.get(f"/products/{product_id}"))


def test_add_and_remove_an_image_on_the_edit_page(client, merchant):
    product_id = edit_id(create_by_form(client))
    path = f"/merchant/products/{product_id}/edit"
    assert "No photos yet." in page(client.get(path))

    resp = post_form(
        client,
        f"/merchant/products/{product_id}/images",
        {"file": upload(image_bytes("PNG", (50, 50), (0, 200, 0)))},
        csrf_page=path,
    )
    assert resp.status_code == 302 and resp.location.endswith(path)
    [image_id] = gallery(product_id)
    with db.connection_context():
        image = Image.get_by_id(image_id)
    edit = page(client.get(path))
    assert "Image added." in edit and image.thumb_url in edit

    remove = f"/merchant/products/{product_id}/images/{image_id}/delete"
    resp = post_form(client, remove, {}, csrf_page=path)
    assert resp.status_code == 302
    assert gallery(product_id) == []
    edit = page(client.get(path))
    assert "Image removed." in edit and "No photos yet." in edit
    assert post_form(client, remove, {}, csrf_page=path).status_code == 404
    with db.connection_context():
        assert Image.get_or_none(Image.id == image_id)  # the file row stays


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (upload(b"<svg onload=alert(1)>", "x.svg", "image/svg+xml"), "Upload a JPEG"),
        (upload(b"<html><script>", "x.png"), "Upload a JPEG"),
        (upload(b"", "empty.png"), "The file is empty."),
        (None, "Choose an image file first."),
    ],
    ids=["svg", "html-as-png", "empty", "missing"],
)
def test_bad_uploads_on_the_edit_page_are_reported(
    client, merchant, app, file, message
):
    product_id = edit_id(create_by_form(client))
    path = f"/merchant/products/{product_id}/edit"
    data = {"file": file} if file else {}
    resp = post_form(client, f"/merchant/products/{product_id}/images", data, path)
    assert resp.status_code == 302
    assert message in page(client.get(path))
    assert gallery(product_id) == []
    assert list(Path(app.config["MEDIA_DIR"]).iterdir()) == []


VALIDATION = [
    ({"title": ""}, "This field is required."),
    ({"title": "   "}, "This field is required."),
    ({"title": "x" * 201}, "At most 200 characters."),
    ({"price": "abc"}, "Enter a whole number."),
    ({"price": "12.345"}, "Enter a whole number."),
    ({"price": "-5"}, "Enter a number from 0 to 100000000."),
    ({"price": "²"}, "Enter a whole number."),
    ({"price": "9" * 5000}, "Enter a whole number."),
    ({"stock": "-1"}, "Enter a number from 0 to 10000000."),
    ({"stock": "1.5"}, "Enter a whole number."),
    ({"category": "weapons"}, "Choose a category from the list."),
    ({"category": ""}, "Choose a category from the list."),
    ({"commission": "90.01"}, "Give a percentage from 0 to 90, with at most 2"),
    ({"commission": "-1"}, "Give a percentage from 0 to 90, with at most 2"),
    ({"commission": "12.345"}, "Give a percentage from 0 to 90, with at most 2"),
    ({"currency": "BTC"}, "Unsupported currency."),
    ({"brand": "b" * 81}, "At most 80 characters."),
    ({"tags": ",".join(f"tag{i}" for i in range(21))}, "At most 20 tags."),
]
VALIDATION_IDS = [
    "empty-title",
    "blank-title",
    "long-title",
    "price-abc",
    "price-3-decimals",
    "negative-price",
    "price-superscript",
    "price-5000-digits",
    "negative-stock",
    "fractional-stock",
    "unknown-category",
    "no-category",
    "commission-over-90",
    "negative-commission",
    "commission-3-decimals",
    "unknown-currency",
    "long-brand",
    "too-many-tags",
]


@pytest.mark.parametrize(("fields", "message"), VALIDATION, ids=VALIDATION_IDS)
def test_new_product_validation_messages(client, merchant, app, fields, message):
    photo = upload(image_bytes("PNG", (30, 30)))
    resp = create_by_form(client, images=[photo], **fields)
    assert resp.status_code == 400
    html = page(resp)
    assert message in html
    assert 'aria-invalid="true"' in html or 'class="error"' in html
    if "title" not in fields:
        assert 'value="Ceramic Teapot 陶瓷茶壶"' in html  # what was typed stays
    with db.connection_context():
        assert Product.select().count() == 0
    assert list(Path(app.config["MEDIA_DIR"]).iterdir()) == []  # nothing stored


@pytest.mark.parametrize(("fields", "message"), VALIDATION, ids=VALIDATION_IDS)
def test_edit_product_validation_messages(client, merchant, fields, message):
    product_id = edit_id(create_by_form(client))
    before = snapshot(product_id)
    path = f"/merchant/products/{product_id}/edit"
    resp = post_form(client, path, form_fields(**fields), csrf_page=path)
    assert resp.status_code == 400
    assert message in page(resp)
    assert snapshot(product_id) == before


def test_form_fields_outside_the_allow_list_are_ignored(client, merchant, app):
    api = Api(app.test_client())  # `client` holds shop_a's cookie session
    api.product(api.user("shop_b", role="merchant"))
    resp = create_by_form(
        client,
        merchant="shop_b",
        merchant_id=str(user_id("shop_b")),
        status="archived",
        sales_count="999",
        id="12345",
    )
    product_id = edit_id(resp)
    product = row(product_id)
    assert product_id != 12345
    assert product.merchant_id == user_id("shop_a")
    assert (product.status, product.sales_count) == ("active", 0)
    path = f"/merchant/products/{product_id}/edit"
    data = {"merchant_id": str(user_id("shop_b")), "status": "archived"}
    resp = post_form(client, path, {**data, "sales_count": "7"}, csrf_page=path)
    assert resp.status_code == 302
    product = row(product_id)
    assert product.merchant_id == user_id("shop_a")
    assert (product.status, product.sales_count) == ("active", 0)


def test_product_page_shows_image_and_thumbnail_urls(client, api):
    token = api.user("shop_a", role="merchant")
    product = api.product(token, title="Two-photo Lamp")
    added = []
    for color in ((250, 0, 0), (0, 0, 250)):
        resp = api.call(
            "POST",
            f"/api/v1/products/{product['id']}/images",
            token=token,
            data={"file": upload(image_bytes("PNG", (80, 60), color))},
        )
        assert resp.status_code == 201
        added.append(resp.get_json()["image"])
    html = page(client.get(product["url"]))
    assert "Two-photo Lamp" in html
    assert f'src="{added[0]["url"]}"' in html
    for image in added:
        assert image["thumb_url"] in html and image["url"] in html
        for url in (image["url"], image["thumb_url"]):
            assert client.get(url).status_code == 200


def test_unknown_and_bad_product_pages_are_404(client):
    assert client.get("/products/999999").status_code == 404
    assert client.get("/products/abc").status_code == 404
    assert client.get("/c/no-such-category").status_code == 404


def test_home_lists_products_with_thumbnails_and_paginates(client, api):
    assert PER_PAGE == 24
    token = api.user("shop_a", role="merchant")
    oldest = api.product(token, title="Product number 00")
    resp = api.call(
        "POST",
        f"/api/v1/products/{oldest['id']}/images",
        token=token,
        data={"file": upload(image_bytes("PNG", (60, 60), (9, 9, 200)))},
    )
    thumb = resp.get_json()["image"]["thumb_url"]
    for n in range(1, PER_PAGE + 1):
        api.product(token, title=f"Product number {n:02d}")

    first = page(client.get("/shop"))
    assert first.count('class="card product-card"') == PER_PAGE
    assert "Product number 24" in first and "Product number 01" in first
    assert "Product number 00" not in first and thumb not in first
    assert "Page 1 of 2" in first and 'href="/shop?page=2"' in first
    assert "25 products" in first

    second = page(client.get("/shop?page=2"))
    assert second.count('class="card product-card"') == 1
    assert "Product number 00" in second
    assert f'src="{thumb}"' in second
    assert "Page 2 of 2" in second and 'href="/shop?page=1"' in second

    for odd in ("0", "-3", "abc", "9" * 40):
        assert client.get(f"/shop?page={odd}").status_code == 200
    assert client.get("/shop?page=3").status_code == 200  # past the end: an empty page


# --- media route ---------------------------------------------------------------------


@pytest.fixture
def stored_image(api):
    token = api.user("shop_a", role="merchant")
    product = api.product(token)
    resp = api.call(
        "POST",
        f"/api/v1/products/{product['id']}/images",
        token=token,
        data={"file": upload()},
    )
    return resp.get_json()["image"]


def test_media_is_served_as_webp_with_nosniff_and_long_cache(client, stored_image):
    for url in (stored_image["url"], stored_image["thumb_url"]):
        resp = client.get(url)
        assert resp.status_code == 200
        assert resp.mimetype == "image/webp"
        assert resp.headers["X-Content-Type-Options"] == "nosniff"
        cache = resp.headers["Cache-Control"]
        assert "public" in cache and "immutable" in cache
        assert "max-age=31536000" in cache
        body = resp.get_data()
        assert body[:4] == b"RIFF" and body[8:12] == b"WEBP"
    body = client.get(stored_image["url"]).get_data()
    assert stored_image["url"] == f"/media/{hashlib.sha256(body).hexdigest()}.webp"


@pytest.mark.parametrize(
    "name",
    [
        "..%2Fapp.py",
        "..%2F..%2Fconfig.py",
        "%2e%2e%2flivestall.db",
        "..\\app.py",
        "livestall.db",
        "secret_key",
        "x.svg",
        "evil.html",
        "{sha}.svg",
        "{sha}.png",
        "{sha}.webp.html",
        "{SHA}.webp",
        "{sha_short}.webp",
        "{sha}_T.webp",
        "{sha}_t.webp.",
        "{sha}.webp%0A",
        "0" * 64 + ".webp",  # a well-formed name with no file
    ],
)
def test_bad_media_names_are_404(app, client, stored_image, name):
    sha = stored_image["url"].rsplit("/", 1)[1].split(".")[0]
    name = name.format(sha=sha, SHA=sha.upper(), sha_short=sha[:-1])
    if "%" not in name and "\\" not in name and name != "0" * 64 + ".webp":
        # The file really exists in MEDIA_DIR: only the name check can refuse it.
        (Path(app.config["MEDIA_DIR"]) / name).write_bytes(b"<svg onload=alert(1)>")
    resp = client.get(f"/media/{name}")
    assert resp.status_code == 404
    assert resp.mimetype == "text/html"
    assert b"alert" not in resp.get_data()


def test_media_path_traversal_never_reaches_data_files(client, stored_image):
    for path in ("/media/../livestall.db", "/media/../../app.py", "/media/"):
        assert client.get(path).status_code == 404


# --- the JSON API ------------------------------------------------------------------


def test_api_create_product_has_the_documented_shape(api):
    token = api.user("shop_a", role="merchant")
    resp = api.call("POST", "/api/v1/products", token=token, json=FULL_BODY)
    assert resp.status_code == 201
    assert resp.mimetype == "application/json"
    product = resp.get_json()["product"]
    assert set(resp.get_json()) == {"product"}
    assert set(product) == PRODUCT_KEYS
    assert isinstance(product["id"], int)
    for field, value in FULL_BODY.items():
        assert product[field] == value, field
    assert product["merchant"] == {"id": user_id("shop_a"), "username": "shop_a"}
    assert product["images"] == []
    assert product["url"] == f"/products/{product['id']}"
    assert product["status"] == "active"


def test_api_create_product_defaults(api):
    token = api.user("shop_a", role="merchant")
    body = {"title": "Plain", "price_cents": 100, "category": "food"}
    product = api.call("POST", "/api/v1/products", token=token, json=body)
    product = product.get_json()["product"]
    assert product["currency"] == "CNY"
    assert (product["stock"], product["commission_bps"]) == (0, 0)
    assert (product["description"], product["brand"], product["tags"]) == ("", "", [])


@pytest.mark.parametrize("missing", ["title", "price_cents", "category"])
def test_api_create_product_requires_fields(api, missing):
    token = api.user("shop_a", role="merchant")
    body = {k: v for k, v in FULL_BODY.items() if k != missing}
    resp = api.call("POST", "/api/v1/products", token=token, json=body)
    assert resp.status_code == 400
    assert resp.get_json()["error"]["field"] == missing


def as_created(product):
    """GET /api/v1/products/ID is the product as created plus what a buy sheet
    needs (issue 16): the shop's payment methods now and whether it is for sale."""
    assert product.pop("payment_methods") == ["cod"]
    assert isinstance(product.pop("available"), bool)
    # and its shop's shipping terms (a new shop: free shipping, no threshold)
    assert product.pop("shipping") == {"fee_cents": 0, "free_over_cents": None}
    return product


def test_api_get_product_is_public(api, client):
    token = api.user("shop_a", role="merchant")
    created = api.product(token, **FULL_BODY)
    resp = client.get(f"/api/v1/products/{created['id']}")
    assert resp.status_code == 200
    assert as_created(resp.get_json()["product"]) == created
    shopper = api.user("someone")
    resp = api.call("GET", f"/api/v1/products/{created['id']}", token=shopper)
    assert as_created(resp.get_json()["product"]) == created
    assert api.call("GET", "/api/v1/products/999999").status_code == 404


def test_api_patch_changes_only_the_given_fields(api):
    token = api.user("shop_a", role="merchant")
    created = api.product(token, **FULL_BODY)
    path = f"/api/v1/products/{created['id']}"
    resp = api.call("PATCH", path, token=token, json={"stock": 3})
    assert resp.status_code == 200
    assert resp.get_json()["product"] == {**created, "stock": 3}

    changes = {"price_cents": 1, "tags": ["new"], "description": ""}
    resp = api.call("PATCH", path, token=token, json=changes)
    assert resp.get_json()["product"] == {**created, "stock": 3, **changes}
    assert as_created(api.call("GET", path).get_json()["product"]) == {
        **created,
        "stock": 3,
        **changes,
    }
    resp = api.call("PATCH", path, token=token, json={})
    assert resp.status_code == 200
    assert resp.get_json()["product"]["stock"] == 3


def test_api_patch_validates_like_create(api):
    token = api.user("shop_a", role="merchant")
    created = api.product(token)
    path = f"/api/v1/products/{created['id']}"
    body = {"title": "Renamed", "commission_bps": 9001}
    resp = api.call("PATCH", path, token=token, json=body)
    assert resp.status_code == 400
    assert resp.get_json()["error"]["field"] == "commission_bps"
    assert as_created(api.call("GET", path).get_json()["product"]) == created  # title


def test_api_delete_archives(api):
    token = api.user("shop_a", role="merchant")
    created = api.product(token)
    path = f"/api/v1/products/{created['id']}"
    resp = api.call("DELETE", path, token=token)
    assert resp.status_code == 204
    assert resp.get_data() == b""
    gone = api.call("GET", path)
    assert gone.status_code == 404
    assert gone.get_json()["error"]["code"] == "not_found"
    product = row(created["id"])
    assert product.status == "archived"
    assert product.title == created["title"]
    mine = api.call("GET", "/api/v1/products", token=token).get_json()
    assert [(p["id"], p["status"]) for p in mine["items"]] == [
        (created["id"], "archived")
    ]


def test_api_add_image(api, app):
    token = api.user("shop_a", role="merchant")
    created = api.product(token)
    path = f"/api/v1/products/{created['id']}/images"
    data = {"file": upload(image_bytes("JPEG", (90, 70)), "p.jpg", "image/jpeg")}
    resp = api.call("POST", path, token=token, data=data)
    assert resp.status_code == 201
    body = resp.get_json()
    assert set(body) == {"image"}
    image = body["image"]
    assert set(image) == IMAGE_KEYS
    assert (image["width"], image["height"]) == (90, 70)
    assert re.fullmatch(r"/media/[0-9a-f]{64}\.webp", image["url"])
    assert image["thumb_url"] == image["url"].replace(".webp", "_t.webp")
    product = api.call("GET", f"/api/v1/products/{created['id']}").get_json()
    assert product["product"]["images"] == [image]
    media = Path(app.config["MEDIA_DIR"])
    assert (media / image["url"].rsplit("/", 1)[1]).is_file()

    again = api.call("POST", path, token=token, data={"file": upload(data=None)})
    assert again.status_code == 201
    duplicate = api.call(
        "POST",
        path,
        token=token,
        data={"file": upload(image_bytes("JPEG", (90, 70)), "p.jpg", "image/jpeg")},
    )
    assert duplicate.status_code == 201
    assert duplicate.get_json()["image"]["id"] == image["id"]
    assert len(gallery(created["id"])) == 2  # the duplicate is not attached twice


def test_api_add_image_errors(api):
    token = api.user("shop_a", role="merchant")
    created = api.product(token)
    path = f"/api/v1/products/{created['id']}/images"
    resp = api.call("POST", path, token=token, data={"other": upload()})
    assert resp.status_code == 400
    assert resp.get_json()["error"]["field"] == "file"
    svg = upload(b"<svg xmlns='http://www.w3.org/2000/svg'/>", "a.svg", "image/svg+xml")
    resp = api.call("POST", path, token=token, data={"file": svg})
    assert resp.status_code == 415
    assert resp.get_json()["error"]["code"] == "unsupported_media_type"
    for n in range(catalog.IMAGES_MAX):
        photo = upload(image_bytes("PNG", (20, 20), (n * 20, 0, 0)))
        assert (
            api.call("POST", path, token=token, data={"file": photo}).status_code == 201
        )
    tenth = upload(image_bytes("PNG", (20, 20), (0, 250, 0)))
    resp = api.call("POST", path, token=token, data={"file": tenth})
    assert resp.status_code == 400
    assert "at most 9" in resp.get_json()["error"]["message"]
    assert len(gallery(created["id"])) == catalog.IMAGES_MAX


# --- access control (SECURITY.md 8.2.2 / 8.2.3) --------------------------------------


@pytest.mark.parametrize("role", ["shopper", "creator"])
def test_shoppers_and_creators_cannot_create_products(api, client, role):
    token = api.user("not_a_shop", role=role)
    resp = api.call("POST", "/api/v1/products", token=token, json=FULL_BODY)
    assert resp.status_code == 403
    assert resp.get_json()["error"]["code"] == "forbidden"
    web = AuthActions(client)
    assert web.login("not_a_shop").status_code == 302
    resp = create_by_form(client)
    assert resp.status_code == 403
    assert client.get("/merchant/products/new").status_code == 403
    with db.connection_context():
        assert Product.select().count() == 0


def test_anonymous_cannot_create_products(api, client):
    resp = api.call("POST", "/api/v1/products", json=FULL_BODY)
    assert resp.status_code == 401
    assert resp.get_json()["error"]["code"] == "not_signed_in"
    resp = api.call("POST", "/api/v1/products", token="lst_wrong", json=FULL_BODY)
    assert resp.status_code == 401
    with db.connection_context():
        assert Product.select().count() == 0


@pytest.fixture
def two_merchants(api):
    """Merchant A's product (with a photo) and merchant B's token."""
    token_a = api.user("shop_a", role="merchant")
    token_b = api.user("shop_b", role="merchant")
    product = api.product(token_a, **FULL_BODY)
    resp = api.call(
        "POST",
        f"/api/v1/products/{product['id']}/images",
        token=token_a,
        data={"file": upload()},
    )
    image = resp.get_json()["image"]
    return {"a": token_a, "b": token_b, "product": product, "image": image}


def test_another_merchants_product_via_api_is_404_and_unchanged(api, two_merchants):
    product, token_b = two_merchants["product"], two_merchants["b"]
    before = snapshot(product["id"])
    path = f"/api/v1/products/{product['id']}"
    missing = "/api/v1/products/999999"
    calls = [
        ("PATCH", "", lambda: {"json": {"price_cents": 1, "stock": 0}}),
        ("DELETE", "", dict),
        ("POST", "/images", lambda: {"data": {"file": upload()}}),
    ]
    for method, suffix, kwargs in calls:
        resp = api.call(method, path + suffix, token=token_b, **kwargs())
        assert resp.status_code == 404, (method, suffix)
        ghost = api.call(method, missing + suffix, token=token_b, **kwargs())
        assert resp.get_json() == ghost.get_json()  # no existence oracle
    assert snapshot(product["id"]) == before
    assert as_created(api.call("GET", path).get_json()["product"]) == {
        **product,
        "images": [two_merchants["image"]],
    }


def test_another_merchants_product_via_web_is_404_and_unchanged(
    api, client, two_merchants
):
    product, image = two_merchants["product"], two_merchants["image"]
    before = snapshot(product["id"])
    web = AuthActions(client)
    assert web.login("shop_b").status_code == 302
    base = f"/merchant/products/{product['id']}"
    assert client.get(base + "/edit").status_code == 404
    posts = [
        (base + "/edit", form_fields(title="Stolen")),
        (base + "/images", {"file": upload()}),
        (base + f"/images/{image['id']}/delete", {}),
        (base + "/archive", {}),
        (base + "/restore", {}),
    ]
    for path, data in posts:
        resp = post_form(client, path, data, csrf_page="/merchant/products")
        assert resp.status_code == 404, path
        assert "Stolen" not in resp.get_data(as_text=True)
    assert snapshot(product["id"]) == before
    mine = page(client.get("/merchant/products"))
    assert product["title"] not in mine


def test_admins_do_not_silently_edit_merchant_products(api, two_merchants):
    """A product changes only by its merchant: an admin gets the same 404."""
    admin = api.user("the_admin", role="shopper")
    with db.connection_context():
        accounts.set_roles(User.get(User.username == "the_admin"), ["admin"])
    product = two_merchants["product"]
    before = snapshot(product["id"])
    path = f"/api/v1/products/{product['id']}"
    resp = api.call("PATCH", path, token=admin, json={"price_cents": 1})
    assert resp.status_code == 404
    assert snapshot(product["id"]) == before


def test_fields_outside_the_allow_list_are_ignored_by_the_api(api, two_merchants):
    token_b = two_merchants["b"]
    a_id = user_id("shop_a")
    extras = {
        "merchant": {"id": a_id, "username": "shop_a"},
        "merchant_id": a_id,
        "id": 424242,
        "status": "archived",
        "sales_count": 1000,
        "created_at": "2001-01-01T00:00:00Z",
    }
    resp = api.call(
        "POST", "/api/v1/products", token=token_b, json={**FULL_BODY, **extras}
    )
    assert resp.status_code == 201
    product = resp.get_json()["product"]
    assert product["id"] != 424242
    assert product["merchant"] == {"id": user_id("shop_b"), "username": "shop_b"}
    assert product["status"] == "active"
    stored = row(product["id"])
    assert (stored.merchant_id, stored.sales_count) == (user_id("shop_b"), 0)
    assert stored.created_at.year > 2001

    path = f"/api/v1/products/{product['id']}"
    resp = api.call("PATCH", path, token=token_b, json={**extras, "stock": 2})
    assert resp.status_code == 200
    assert resp.get_json()["product"] == {**product, "stock": 2}
    stored = row(product["id"])
    assert (stored.merchant_id, stored.status, stored.sales_count) == (
        user_id("shop_b"),
        "active",
        0,
    )
    with db.connection_context():
        assert Product.get_or_none(Product.id == 424242) is None
        assert Product.select().where(Product.merchant == a_id).count() == 1


# --- money ---------------------------------------------------------------------------


BAD_PRICES = [12.5, "12.5", True, False, None, "", " ", [], {}, [1290], "1e3"]
BAD_PRICES += [12.0, -1, 10**30, catalog.PRICE_MAX + 1, "0x10", "١٢.٥"]


@pytest.mark.parametrize("price", BAD_PRICES, ids=repr)
def test_price_cents_must_be_a_whole_number_of_cents(api, price):
    token = api.user("shop_a", role="merchant")
    resp = api.call(
        "POST",
        "/api/v1/products",
        token=token,
        json={**FULL_BODY, "price_cents": price},
    )
    assert resp.status_code == 400
    error = resp.get_json()["error"]
    assert (error["code"], error["field"]) == ("invalid", "price_cents")
    created = api.product(token)
    path = f"/api/v1/products/{created['id']}"
    resp = api.call("PATCH", path, token=token, json={"price_cents": price})
    assert resp.status_code == 400
    assert resp.get_json()["error"]["field"] == "price_cents"
    assert api.call("GET", path).get_json()["product"]["price_cents"] == 12900


@pytest.mark.parametrize("price", [0, 1, 12990, catalog.PRICE_MAX])
def test_price_cents_bounds_that_are_accepted(api, price):
    token = api.user("shop_a", role="merchant")
    product = api.product(token, price_cents=price)
    assert product["price_cents"] == price
