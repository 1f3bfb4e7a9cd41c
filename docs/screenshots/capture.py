"""Screenshots of the same pages of two versions of the site, for before/after pairs.

    .venv/bin/python docs/screenshots/capture.py --code ../old-checkout --prefix before
    .venv/bin/python docs/screenshots/capture.py --code . --prefix after

Each run serves the given checkout's `app.py` on a fresh data dir seeded with the
demo (40 products), puts a live on air over the API (a pinned product, a flash
sale), and photographs the pages a shopper sees on a 390x844 phone (and the header
on a 1280x900 desktop) into docs/screenshots/<prefix>-<page>.png.
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

OUT = Path(__file__).resolve().parent
PASSWORD = "livestall-demo"  # noqa: S105 - demo/data.py's public demo credential
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(base, method, path, token=None, body=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data, headers, method=method)
    with urllib.request.urlopen(req, timeout=20) as resp:
        return json.loads(resp.read() or b"null")


def token(base, login):
    return call(
        base, "POST", "/api/v1/tokens", body={"login": login, "password": PASSWORD}
    )["token"]


def sign_in(page, base, login):
    page.goto(base + "/login")
    page.fill("#f-login", login)
    page.fill("#f-password", PASSWORD)
    page.press("#f-password", "Enter")
    page.wait_for_load_state()


def shoot(page, name, prefix, full=False):
    page.wait_for_timeout(400)
    page.screenshot(path=str(OUT / f"{prefix}-{name}.png"), full_page=full)


def main():
    args = argparse.ArgumentParser()
    args.add_argument("--code", required=True, help="a checkout of the site")
    args.add_argument("--prefix", required=True)
    opts = args.parse_args()
    code = Path(opts.code).resolve()
    data = Path(tempfile.mkdtemp(prefix="livestall-shots-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "LIVESTALL_DATA_DIR": str(data),
        "LIVESTALL_ENV": "development",
        "LIVESTALL_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    }
    flask = [sys.executable, "-m", "flask", "--app", "app"]
    subprocess.run(
        [*flask, "seed-demo", "--products", "40"], cwd=code, env=env, check=True
    )
    server = subprocess.Popen(
        [sys.executable, "app.py", "--host", "127.0.0.1", "--port", str(port)],
        cwd=code,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        shop = token(base, "xihu_teahouse")
        host = token(base, "lily_eats")
        found = call(base, "GET", "/api/v1/search?q=%E8%8C%B6&per_page=20")["items"]
        mine = [
            p["id"]
            for p in found
            if call(base, "GET", f"/api/v1/products/{p['id']}")["product"]["merchant"][
                "username"
            ]
            == "xihu_teahouse"
        ][:3]
        deal = call(base, "GET", f"/api/v1/products/{mine[0]}")["product"]
        floor = deal["price_cents"] // 2
        call(
            base,
            "PATCH",
            f"/api/v1/products/{mine[0]}",
            shop,
            {"flash_min_price_cents": floor, "flash_max_units": 50},
        )
        session = call(
            base,
            "POST",
            "/api/v1/live",
            host,
            {"title": "春茶上新 Spring tea live", "product_ids": mine},
        )["session"]
        sid = session["id"]
        call(base, "POST", f"/api/v1/live/{sid}/start", host)
        call(base, "POST", f"/api/v1/live/{sid}/pin", host, {"product_id": mine[1]})
        call(
            base,
            "POST",
            f"/api/v1/live/{sid}/flash-sales",
            host,
            {
                "product_id": mine[0],
                "price_cents": floor,
                "quantity": 20,
                "per_user_limit": 2,
                "duration_s": 900,
            },
        )
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path="/usr/bin/chromium", args=["--no-sandbox"]
            )
            phone = browser.new_context(viewport=PHONE, locale="zh-CN").new_page()
            sign_in(phone, base, "xiaoyu_88")
            phone.goto(base + "/")
            shoot(phone, "home-phone", opts.prefix)
            phone.goto(f"{base}/live/{sid}")
            phone.wait_for_selector("#live-badge .live-badge-live")
            phone.wait_for_timeout(800)
            shoot(phone, "live-room-phone", opts.prefix)
            if phone.locator("#buy-sheet").count():  # buying without leaving the stream
                phone.click("#live-pinned a.live-buy")
                phone.locator("#buy-sheet .buy-place").wait_for()
                shoot(phone, "live-buy-sheet-phone", opts.prefix)
            phone.goto(base + "/search?q=%E8%8C%B6")
            shoot(phone, "search-phone", opts.prefix)
            phone.goto(base + "/")
            post = phone.locator("a[href*='/posts/']").first.get_attribute("href")
            phone.goto(base + post)
            shoot(phone, "post-phone", opts.prefix)
            phone.goto(f"{base}/products/{mine[1]}")
            phone.locator("form.add-to-cart button[type=submit]").first.click()
            phone.wait_for_load_state()
            phone.goto(base + "/cart")
            shoot(phone, "cart-phone", opts.prefix)
            phone.goto(base + "/checkout")
            shoot(phone, "checkout-phone", opts.prefix)
            desk = browser.new_context(viewport=DESKTOP).new_page()
            sign_in(desk, base, "xihu_teahouse")
            desk.goto(f"{base}/live/{sid}")
            desk.wait_for_selector("#live-badge .live-badge-live")
            shoot(desk, "live-room-desktop", opts.prefix)
            browser.close()
    finally:
        server.terminate()
        server.wait(10)
    print("screenshots in", OUT)


if __name__ == "__main__":
    main()
