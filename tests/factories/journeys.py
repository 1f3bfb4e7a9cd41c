"""Browser journeys' set-ups against a server process (`live_server`): sign up and
sign in through the pages, the JSON API over urllib, and a merchant's two products
with photos."""

import json
import urllib.request
import uuid

from tests.plugins.api import image_bytes
from tests.plugins.app import PASSWORD


def signup(page, base, username, role):
    """Sign up through the page (the form signs the new account in)."""
    page.goto(base + "/signup")
    page.fill("#f-username", username)
    page.fill("#f-display_name", username.capitalize())
    page.fill("#f-email", f"{username}@example.com")
    page.fill("#f-password", PASSWORD)
    page.check(f"input[name=role][value={role}]")
    page.click("form button[type=submit]:has-text('Sign up')")


def image_loaded(page, selector):
    return page.eval_on_selector(
        selector, "img => img.complete && img.naturalWidth > 0"
    )


def login(page, base, username):
    """Sign in through the page, in whatever language it speaks (Enter submits)."""
    page.goto(base + "/login")
    page.fill("#f-login", username)
    page.fill("#f-password", PASSWORD)
    page.press("#f-password", "Enter")


def api_user(base, username, role, display_name=None):
    """An account made over the API (password PASSWORD): its bearer token."""
    body = {
        "username": username,
        "email": f"{username}@example.com",
        "password": PASSWORD,
        "role": role,
    }
    if display_name:
        body["display_name"] = display_name
    return call_api(base, "POST", "/api/v1/users", body=body)["token"]


def live_on_air(base, products, pinned, host="lily", title="春茶直播 Spring tea live"):
    """Over the API: `host` (a new creator) on air with `products`, `pinned` pinned;
    (session, host token)."""
    token = api_user(base, host, "creator")
    session = call_api(
        base,
        "POST",
        "/api/v1/live",
        token,
        body={"title": title, "product_ids": [p["id"] for p in products]},
    )["session"]
    call_api(base, "POST", f"/api/v1/live/{session['id']}/start", token)
    pin = {"product_id": pinned["id"]}
    call_api(base, "POST", f"/api/v1/live/{session['id']}/pin", token, pin)
    return session, token


def call_api(base, method, path, token=None, body=None, files=None):
    """Call the JSON API with urllib (JSON, or one multipart file as `file`)."""
    headers = {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if files:
        boundary = uuid.uuid4().hex
        name, content = files
        data = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                f'filename="{name}"\r\nContent-Type: application/octet-stream\r\n\r\n'
            ).encode()
            + content
            + f"\r\n--{boundary}--\r\n".encode()
        )
        headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
    request = urllib.request.Request(
        base + path, data=data, method=method, headers=headers
    )
    with urllib.request.urlopen(request, timeout=10) as resp:
        return json.loads(resp.read() or b"null")


def merchant_with_two_products(base):
    """Over the API: xihu_tea, a merchant, and two tea products with photos."""
    token = call_api(
        base,
        "POST",
        "/api/v1/users",
        body={
            "username": "xihu_tea",
            "email": "xihu_tea@example.com",
            "password": PASSWORD,
            "role": "merchant",
            "display_name": "Xihu Teahouse",
        },
    )["token"]
    products = []
    for title, price, colour in [
        ("西湖龙井 Longjing Green Tea 250g", 16800, (70, 150, 60)),
        ("Celadon Tea Cup 青瓷茶杯", 8900, (120, 170, 160)),
    ]:
        product = call_api(
            base,
            "POST",
            "/api/v1/products",
            token,
            body={
                "title": title,
                "price_cents": price,
                "category": "tea-drinks",
                "stock": 20,
            },
        )["product"]
        photo = image_bytes("JPEG", size=(600, 600), color=colour)
        call_api(
            base,
            "POST",
            f"/api/v1/products/{product['id']}/images",
            token,
            files=("p.jpg", photo),
        )
        products.append(product)
    return products
