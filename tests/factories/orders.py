"""Orders: teashop (with bank details) and potshop, their tea, cup and teapot, and a
buyer (mei); a shopper's `Browser` (cart and checkout pages) and the order API's
calls (`place`, `move`, `notes`)."""

import re
import threading

from tests.plugins.app import AuthActions, csrf_token, text

# key -> (merchant, API product fields); stock as tests/orders/test_orders.py counts it
PRODUCTS = {
    "tea": ("teashop", {"title": "龙井 250g", "price_cents": 16800, "stock": 20}),
    "cup": ("teashop", {"title": "青瓷杯", "price_cents": 8900, "stock": 5}),
    "pot": ("potshop", {"title": "紫砂壶", "price_cents": 39900, "stock": 3}),
}
SHIP = {
    "name": "王小明",
    "address": "浙江省杭州市西湖区龙井路 1 号",
    "phone": "138 0000 0000",
}


def world(
    api, *, only=tuple(PRODUCTS), stock=None, category=None, bank=None, buyer="mei"
):
    """Made in this order: the merchants of the products in `only` (teashop first,
    "merchant"; potshop, "other"), teashop's bank details (`bank`: fields beyond
    the defaults), the products (ids under their keys; `stock` {key: units}
    overrides, `category` for all), then the `buyer` (None: no buyer)."""
    merchants = {}
    for key in only:
        name = PRODUCTS[key][0]
        if name not in merchants:
            merchants[name] = api.user(name, role="merchant")
    api.bank_details(merchants["teashop"], **(bank or {}))
    world = {"api": api, "merchant": merchants["teashop"], "shops": merchants}
    if "potshop" in merchants:
        world["other"] = merchants["potshop"]
    for key in only:
        name, fields = PRODUCTS[key]
        fields = {**fields, "stock": (stock or {}).get(key, fields["stock"])}
        if category:
            fields["category"] = category
        world[key] = api.product(merchants[name], **fields)["id"]
    if buyer:
        world["buyer"] = api.user(buyer)
    return world


class Browser:
    """A test client; signed in when `username` is given (signing up if needed)."""

    def __init__(self, app, username=None, role="shopper", signup=True):
        self.client = app.test_client()
        self.auth = AuthActions(self.client)
        self.username = username
        if username and signup:
            resp = self.auth.signup(username, role=role, display_name=username.title())
            assert resp.status_code == 302
        elif username:
            assert self.auth.login(username).status_code == 302

    def get(self, path, **kw):
        return self.client.get(path, **kw)

    def post(self, path, data=None, **kw):
        data = {"csrf_token": csrf_token(self.client, "/"), **(data or {})}
        return self.client.post(path, data=data, **kw)

    def add(self, product_id, qty=1, **extra):
        return self.post("/cart/add", {"product_id": product_id, "qty": qty, **extra})

    def checkout(self, payment="cod", key=None, **shipping):
        html = text(self.get("/checkout"))
        if key is None:
            key = re.search(r'name="idempotency_key" value="([^"]+)"', html).group(1)
        data = {**SHIP, **shipping, "payment_method": payment, "idempotency_key": key}
        return self.post("/checkout", data), key


def order_id(resp):
    """The id of the order a checkout redirected to."""
    assert resp.status_code == 302, resp.get_data(as_text=True)[:800]
    match = re.fullmatch(r"/orders/(\d+)", resp.location)
    assert match, resp.location
    return int(match.group(1))


def place(api, token, items, payment, key):
    """POST /api/v1/orders, shipping to SHIP."""
    return api.call(
        "POST",
        "/api/v1/orders",
        token=token,
        json={
            "items": items,
            "shipping": SHIP,
            "idempotency_key": key,
            "payment_method": payment,
        },
    )


def move(api, token, oid, status, **extra):
    """POST /api/v1/orders/<oid>/status."""
    return api.call(
        "POST",
        f"/api/v1/orders/{oid}/status",
        token=token,
        json={"status": status, **extra},
    )


def notes(api, token):
    """The account's notifications, through the API."""
    resp = api.call("GET", "/api/v1/notifications", token=token)
    assert resp.status_code == 200
    return resp.get_json()


def run_threads(n, target):
    """target(i) for i in 0..n-1, in n threads released together; their results."""
    barrier = threading.Barrier(n)
    results = [None] * n

    def run(i):
        barrier.wait()
        results[i] = target(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return results
