"""The merchant's forms (issue 16): the creator commission typed in percent and stored
in basis points; every missing or invalid field flagged in one answer, with what was
typed kept; the same for the shop settings."""

import re
from html import unescape

import pytest

from livestall.catalog.models import Product
from livestall.merchants.models import MerchantProfile
from tests.factories.accounts import Person
from tests.plugins.app import read_db

FORM = {
    "title": "Ceramic Teapot 陶瓷茶壶",
    "description": "Holds 600 ml.",
    "price": "129.90",
    "currency": "CNY",
    "stock": "5",
    "commission": "12.5",
    "category": "kitchen",
    "brand": "Jingdezhen",
    "tags": "tea",
}


@pytest.fixture
def shop(app):
    return Person(app, "form_shop", "merchant")


def html(resp):
    return unescape(resp.get_data(as_text=True))


def products():
    return read_db(lambda: list(Product.select().order_by(Product.id)))


def flagged(page):
    """The inputs marked invalid, by name (the `f-NAME` ids)."""
    return set(re.findall(r'id="f-(\w+)"[^>]*aria-invalid="true"', page))


@pytest.mark.parametrize(
    ("typed", "bps"),
    [("12.5", 1250), ("8", 800), ("12.50 %", 1250), ("0", 0), ("90", 9000)]
    + [("0.01", 1), ("33.3", 3330), ("7.", 700)],
)
def test_commission_is_typed_in_percent_and_stored_in_basis_points(shop, typed, bps):
    resp = shop.post("/merchant/products/new", FORM | {"commission": typed})
    assert resp.status_code == 302, html(resp)[:400]
    [product] = products()
    assert product.commission_bps == bps


def test_the_edit_page_and_the_list_show_the_commission_in_percent(shop):
    assert shop.post("/merchant/products/new", FORM).status_code == 302
    [product] = products()
    path = f"/merchant/products/{product.id}/edit"
    page = html(shop.get(path))
    assert 'name="commission"' in page and 'value="12.5"' in page
    assert "Creator commission (%)" in page
    assert "12.5%" in html(shop.get("/merchant/products"))
    resp = shop.post(path, {"commission": "8", "stock": "3"})
    assert resp.status_code == 302
    assert read_db(lambda: Product.get_by_id(product.id).commission_bps) == 800
    assert 'value="8"' in html(shop.get(path))
    # older scripts that post basis points still work
    resp = shop.post(path, {"commission_bps": "650"})
    assert resp.status_code == 302
    assert read_db(lambda: Product.get_by_id(product.id).commission_bps) == 650


@pytest.mark.parametrize("typed", [" ", "abc", "90.01", "-1", "12.345", "1e2", "８"])
def test_a_bad_commission_is_a_form_message(shop, typed):
    resp = shop.post("/merchant/products/new", FORM | {"commission": typed})
    assert resp.status_code == 400
    page = html(resp)
    message = "Give a percentage from 0 to 90, with at most 2 decimals"
    assert (message in page) != (typed == " ")  # blank: "This field is required."
    assert flagged(page) == {"commission"}
    assert f'value="{typed}"' in page  # what was typed stays
    assert products() == []


def test_an_empty_form_flags_every_missing_field_at_once(shop):
    # as the new form comes: stock 0, commission 10 %, CNY
    empty = dict.fromkeys(FORM, "") | {"currency": "CNY", "stock": "0"}
    resp = shop.post("/merchant/products/new", empty | {"commission": "10"})
    assert resp.status_code == 400
    page = html(resp)
    assert flagged(page) == {"title", "price", "category"}
    assert page.count("This field is required.") >= 2
    assert "Choose a category from the list." in page
    assert "Check 3 fields" in page and 'href="#f-price"' in page
    # everything blank: the stock and the commission too
    resp = shop.post("/merchant/products/new", dict.fromkeys(FORM, ""))
    page = html(resp)
    assert flagged(page) == {
        "title",
        "price",
        "category",
        "stock",
        "commission",
        "currency",
    }
    assert products() == []


def test_every_invalid_field_is_flagged_and_what_was_typed_stays(shop):
    bad = FORM | {
        "price": "abc",
        "stock": "-1",
        "commission": "200",
        "brand": "b" * 81,
        "flash_max_units": "0",
    }
    resp = shop.post("/merchant/products/new", bad)
    assert resp.status_code == 400
    page = html(resp)
    assert flagged(page) == {"price", "stock", "commission", "brand", "flash_max_units"}
    assert "Check 5 fields" in page
    assert 'value="Ceramic Teapot 陶瓷茶壶"' in page and 'value="abc"' in page
    assert 'value="200"' in page and 'value="-1"' in page
    assert products() == []


def test_the_edit_form_flags_every_mistake_and_changes_nothing(shop):
    assert shop.post("/merchant/products/new", FORM).status_code == 302
    [before] = products()
    path = f"/merchant/products/{before.id}/edit"
    resp = shop.post(path, FORM | {"title": " ", "price": "", "stock": "x"})
    assert resp.status_code == 400
    assert flagged(html(resp)) == {"title", "price", "stock"}
    [after] = products()
    assert after.__data__ == before.__data__
    # a floor above the price: a mistake of the two together, said once all is valid
    resp = shop.post(path, FORM | {"price": "10", "flash_min_price": "20"})
    assert resp.status_code == 400
    assert flagged(html(resp)) == {"flash_min_price"}


# --- shop settings --------------------------------------------------------------------


def profile(shop):
    return read_db(lambda: MerchantProfile.of(shop.id))


def test_settings_flag_every_mistake_at_once(shop):
    resp = shop.post(
        "/merchant/settings",
        {
            "accepts_cod": "1",
            "bank_name": "招商银行",
            "bank_account_name": "",
            "bank_account_number": "",
            "bank_note": "n" * 301,
            "attribution_model": "last_touch",
            "attribution_window_days": "0",
        },
    )
    assert resp.status_code == 400
    page = html(resp)
    assert flagged(page) == {
        "bank_account_name",
        "bank_account_number",
        "bank_note",
        "attribution_window_days",
    }
    assert "Check 4 fields" in page
    assert page.count("Give the bank, the account name and the account number") >= 2
    assert "At most 300 characters." in page and "Choose 1 to 90 days." in page
    assert 'value="招商银行"' in page  # kept
    assert profile(shop).bank_name in ("", None)


def test_settings_refuse_no_payment_method_and_save_a_good_form(shop):
    resp = shop.post("/merchant/settings", {"attribution_window_days": "7"})
    assert resp.status_code == 400
    page = html(resp)
    assert flagged(page) == {"accepts_cod"}
    assert "Keep cash on delivery on, or add bank details first." in page
    resp = shop.post(
        "/merchant/settings",
        {
            "bank_name": "招商银行",
            "bank_account_name": "Form Shop",
            "bank_account_number": "6222 0000 1111",
            "attribution_model": "linear",
            "attribution_window_days": "14",
        },
    )
    assert resp.status_code == 302
    saved = profile(shop)
    assert (saved.accepts_cod, saved.bank_name) == (0, "招商银行")
    assert (saved.attribution_model, saved.attribution_window_days) == ("linear", 14)
