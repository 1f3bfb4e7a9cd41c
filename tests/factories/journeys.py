"""Browser journeys' set-ups against a server process (`live_server`): sign up and
sign in through the pages, the JSON API over urllib, a merchant's two products
with photos, and for community group buying (社区团购) a pickup point to apply with
and moving a campaign past its cut-off."""

import datetime
import json
import os
import sqlite3
import time
import urllib.request
import uuid

from tests.plugins.api import image_bytes
from tests.plugins.app import PASSWORD

PHONE = {"width": 390, "height": 844}
PICKUP_POINT = {
    "name": "翠苑一区 3 号楼便利店",
    "address": "杭州市西湖区翠苑一区 3 幢 101",
    "hours": "08:00-21:00",
    "phone": "0571 8888 0001",
}


def signup(page, base, username, role):
    """Sign up through the page (the form signs the new account in)."""
    page.goto(base + "/signup")
    page.fill("#f-username", username)
    page.fill("#f-display_name", username.capitalize())
    page.fill("#f-email", f"{username}@example.com")
    page.fill("#f-password", PASSWORD)
    page.check(f"input[name=role][value={role}]")
    page.click("form button[type=submit]:has-text('Sign up')")


def image_loaded(page, selector, timeout_s=10):
    """Whether the image has loaded and decoded, waiting up to `timeout_s` for it
    (a busy machine serves and decodes it later than the page's load event)."""
    deadline = time.monotonic() + timeout_s
    while True:
        if page.eval_on_selector(
            selector, "img => img.complete && img.naturalWidth > 0"
        ):
            return True
        if time.monotonic() > deadline:
            return False
        page.wait_for_timeout(100)


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


def api_token(base, username):
    """A new bearer token of an existing account (password PASSWORD)."""
    return call_api(
        base, "POST", "/api/v1/tokens", body={"login": username, "password": PASSWORD}
    )["token"]


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


def pass_cutoff(server, campaign_id):
    """Move a community campaign's cut-off a second into the past in the server's
    own database (the API sets none in the past): SQLite, or PostgreSQL when the
    run uses it."""
    past = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
    past -= datetime.timedelta(seconds=1)
    url = os.environ.get("LIVESTALL_DATABASE_URL")
    if url:
        import psycopg2

        conn = psycopg2.connect(url)
        try:
            with conn, conn.cursor() as cur:
                cur.execute(
                    "UPDATE community_buy SET cutoff_at = %s WHERE id = %s",
                    (past, campaign_id),
                )
                assert cur.rowcount == 1
        finally:
            conn.close()
        return
    with sqlite3.connect(server.data_dir / "livestall.db", timeout=10) as conn:
        done = conn.execute(
            "UPDATE community_buy SET cutoff_at = ? WHERE id = ?",
            (past.isoformat(sep=" "), campaign_id),
        )
        assert done.rowcount == 1
