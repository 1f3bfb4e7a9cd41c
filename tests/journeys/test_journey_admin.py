"""Browser journey: an admin suspends a merchant from the users page; the shop stops
listing the merchant's products (their page is gone for shoppers); the admin reads
the audit log, in English and then in Chinese. Runs against `python app.py` in
headless Chromium."""

import os
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from tests.factories.journeys import login, merchant_with_two_products
from tests.plugins.app import PASSWORD
from tests.plugins.browser import ROOT

pytestmark = pytest.mark.browser


def create_admin(server, username):
    """`flask create-admin` against the server's data dir, as an operator would."""
    env = {**os.environ, "LIVESTALL_DATA_DIR": str(server.data_dir)}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "flask",
            "--app",
            "app",
            "create-admin",
            "--username",
            username,
            "--email",
            f"{username}@example.com",
        ],
        input=f"{PASSWORD}\n{PASSWORD}\n",
        text=True,
        capture_output=True,
        cwd=ROOT,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def status_of(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.status
    except urllib.error.HTTPError as e:
        return e.code


def test_admin_suspends_a_merchant_and_reads_the_audit_log(
    live_server, new_page, shots
):
    base = live_server.url
    tea, _cup = merchant_with_two_products(base)
    create_admin(live_server, "boss")
    assert status_of(f"{base}/products/{tea['id']}") == 200

    admin = new_page()
    login(admin, base, "boss")
    admin.wait_for_url(lambda url: "/login" not in url)
    admin.click(".nav-me-btn")  # the account menu holds the role links
    admin.click("nav.nav >> text=Users")
    admin.fill(".page-head input[name=q]", "xihu")
    admin.click(".page-head button:has-text('Find')")
    admin.wait_for_url(base + "/admin/users?q=xihu")
    row = admin.locator("table tbody tr", has_text="xihu_tea")
    row.wait_for()
    row.locator("select[name=status]").select_option("suspended")
    shots(admin, "suspending-a-merchant")
    row.locator("button:has-text('Save')").click()
    admin.wait_for_selector("text=Saved xihu_tea.")

    shopper = new_page(viewport={"width": 390, "height": 844})
    shopper.goto(base + "/shop")
    assert shopper.locator(".product-card", has_text="Longjing").count() == 0
    shots(shopper, "shop-without-the-suspended-merchant")
    assert status_of(f"{base}/products/{tea['id']}") == 404

    admin.click(".nav-me-btn")
    admin.click("nav.nav >> text=Audit log")
    admin.wait_for_url(base + "/admin/audit")
    entry = admin.locator("table.audit-log tbody tr").first
    assert "Suspended the account" in entry.inner_text()
    assert "boss" in entry.inner_text()
    shots(admin, "audit-log")

    admin_zh = new_page(locale="zh-CN", viewport={"width": 390, "height": 844})
    admin_zh.goto(base + "/login")
    admin_zh.fill("#f-login", "boss")
    admin_zh.fill("#f-password", PASSWORD)
    admin_zh.click("form button[type=submit]:has-text('登录')")
    admin_zh.wait_for_url(lambda url: "/login" not in url)
    admin_zh.goto(base + "/admin/audit")
    assert admin_zh.locator("h1", has_text="审计日志").is_visible()
    assert "封禁了账户" in admin_zh.inner_text("table.audit-log")
    shots(admin_zh, "audit-log-zh-phone")
    for page in (admin, shopper, admin_zh):
        assert page.errors == [], page.errors
