"""The merchant's forms read into the rules' types, with every field's mistake at
once: each field is checked on its own by the rules (catalog.clean, the shop
settings' rules), so a form with three mistakes says three things, and the page
keeps what was typed. The rules stay the one place that decides what is valid."""

import datetime
import re

from flask_babel import gettext

from blueprints.common import translate
from livestall.catalog import rules as catalog
from livestall.catalog.models import PRICE_MAX
from livestall.errors import DomainError
from livestall.group_buy import deals
from livestall.merchants import rules as merchants
from livestall.merchants import shipping

# the rules' field -> the form's input
FORM_NAMES = {
    "price_cents": "price",
    "commission_bps": "commission",
    "flash_min_price_cents": "flash_min_price",
    "shipping_fee_cents": "shipping_fee",
    "free_shipping_over_cents": "free_shipping_over",
    "member_price_cents": "member_price",
}
REQUIRED = ("title", "price_cents", "category")
BANK_FIELDS = ("bank_name", "bank_account_name", "bank_account_number")


def whole(text):
    text = (text or "").strip()
    if text.isascii() and text.lstrip("-").isdecimal() and len(text) < 19:
        return int(text)
    return text  # let validation report it


def parse_price(text):
    """Read a price typed by a person ('129', '129.9', '1,299.00') into cents."""
    text = (text or "").strip().replace(",", "").replace("¥", "").replace("$", "")
    sign = -1 if text.startswith("-") else 1  # negative: the range check says why
    whole_part, _, frac = text.lstrip("-").partition(".")
    if not whole_part.isdecimal() or (frac and (not frac.isdecimal() or len(frac) > 2)):
        return text  # let validation report it ('²' is a digit, not a decimal)
    try:
        return sign * (int(whole_part) * 100 + int((frac + "00")[:2]))
    except ValueError:  # more digits than int() will read
        return text


def parse_percent(text):
    """A percentage typed by a person ('8', '12.5', '12.50 %') in basis points (8 ->
    800, 12.5 -> 1250), or None when it is not one with at most 2 decimals."""
    text = (text or "").strip().rstrip("%％").strip()
    whole_part, dot, frac = text.partition(".")
    if not (whole_part.isascii() and whole_part.isdecimal() and len(whole_part) <= 3):
        return None
    if frac and not (frac.isascii() and frac.isdecimal() and len(frac) <= 2):
        return None
    return int(whole_part) * 100 + int((frac + "00")[:2])


def percent_text(bps):
    """Basis points as the form shows them: 800 -> '8', 1250 -> '12.5'."""
    if bps is None:
        return ""
    whole_part, rest = divmod(int(bps), 100)
    return f"{whole_part}.{rest:02d}".rstrip("0").rstrip(".")


def _flash_consent(form):
    """The flash-sale floor (typed as a price) and unit allowance; a blank one is
    null: no flash sale of the product, by anyone."""
    data = {}
    if "flash_min_price" in form:
        text = form.get("flash_min_price", "").strip()
        data["flash_min_price_cents"] = parse_price(text) if text else None
    if "flash_max_units" in form:
        text = form.get("flash_max_units", "").strip()
        data["flash_max_units"] = whole(text) if text else None
    return data


def _member_price(form, errors):
    """The member price (会员价), typed in yuan like the price; blank clears it
    (members pay the list price)."""
    if "member_price" not in form:
        return {}
    text = form.get("member_price", "").strip()
    if not text:
        return {"member_price_cents": None}
    cents = parse_price(text)
    if not isinstance(cents, int):
        errors["member_price"] = gettext(
            "Enter a price like 148.00, with at most 2 decimals, or leave it empty."
        )
    return {"member_price_cents": cents}


def _commission(form, errors):
    """`commission` in percent (the form); `commission_bps` still works for older
    forms and scripts."""
    if "commission" in form:
        bps = parse_percent(form.get("commission"))
        if bps is None or bps > catalog.COMMISSION_MAX:
            errors["commission"] = gettext(
                "Give a percentage from 0 to %(n)d, with at most 2 decimals "
                "(e.g. 8 or 12.5).",
                n=catalog.COMMISSION_MAX // 100,
            )
            return {}
        return {"commission_bps": bps}
    if "commission_bps" in form:
        return {"commission_bps": whole(form.get("commission_bps"))}
    return {}


def product_data(form, partial=False, stored_price=None):
    """(the rules' data, {form input: message}) for the product form; `partial` for
    an edit (only the fields sent change), `stored_price` its current price."""
    errors = {}
    data = {f: form.get(f) for f in catalog.FIELDS if f in form}
    if "stock" in form:
        data["stock"] = whole(form.get("stock"))
    if "price" in form:
        data["price_cents"] = parse_price(form.get("price"))
    data.pop("commission_bps", None)
    data.update(_commission(form, errors))
    data.update(_flash_consent(form))
    data.update(_member_price(form, errors))
    for field, value in data.items():
        try:
            catalog.clean({field: value}, partial=True)
        except DomainError as e:
            errors.setdefault(FORM_NAMES.get(field, field), translate(e))
    for field in REQUIRED:
        name = FORM_NAMES.get(field, field)
        missing = not (form.get(name) or "").strip()
        if missing and (name in form or not partial):
            errors[name] = (
                gettext("Choose a category from the list.")
                if name == "category"
                else gettext("This field is required.")
            )
    for name in ("stock", "commission"):  # blank: said so, not "a whole number"
        if name in form and not (form.get(name) or "").strip():
            errors[name] = gettext("This field is required.")
    if not errors:  # what only the fields together can say (the floor and the price)
        try:
            catalog.clean(data, partial=partial, price_cents=stored_price)
        except DomainError as e:
            errors[FORM_NAMES.get(e.field, e.field or "form")] = translate(e)
    return data, errors


def error_name(e):
    """The form input a rules' error is about."""
    return FORM_NAMES.get(e.field, e.field or "form")


# --- shop settings --------------------------------------------------------------------


def settings_data(form):
    """(the settings' data, {field: message}) with every mistake at once, the bank
    details' and cash on delivery's together-rules included."""
    data = {f: form.get(f, "") for f in merchants.TEXT_FIELDS}
    data["accepts_cod"] = form.get("accepts_cod") == "1"
    if "attribution_model" in form:
        data["attribution_model"] = form.get("attribution_model")
    if "attribution_window_days" in form:
        data["attribution_window_days"] = whole(form.get("attribution_window_days"))
    errors = _shipping(form, data)
    for field, value in data.items():
        try:
            merchants.check({field: value})  # the rules, one field at a time
        except DomainError as e:
            errors.setdefault(error_name(e) if e.field else field, translate(e))
    given = [f for f in BANK_FIELDS if " ".join(str(data[f]).split())]
    if given and len(given) < len(BANK_FIELDS):
        for field in BANK_FIELDS:
            if field not in given:
                errors.setdefault(
                    field,
                    gettext(
                        "Give the bank, the account name and the account number "
                        "together."
                    ),
                )
    if not data["accepts_cod"] and not given:
        errors.setdefault(
            "accepts_cod",
            gettext("Keep cash on delivery on, or add bank details first."),
        )
    return data, errors


def _shipping(form, data):
    """The shipping fee and the free-shipping threshold, typed in yuan like prices
    (blank: free shipping, no threshold), into `data` in cents; {input: message}
    for those that are not an amount in range (said in yuan, not cents)."""
    errors = {}
    if "shipping_fee" in form:
        text = form.get("shipping_fee", "").strip()
        cents = parse_price(text) if text else 0
        if not isinstance(cents, int) or not 0 <= cents <= shipping.FEE_MAX:
            errors["shipping_fee"] = gettext(
                "Enter an amount from 0 to %(max)s, with at most 2 decimals "
                "(0 is free shipping).",
                max=yuan_text(shipping.FEE_MAX),
            )
        else:
            data["shipping_fee_cents"] = cents
    if "free_shipping_over" in form:
        text = form.get("free_shipping_over", "").strip()
        cents = parse_price(text) if text else None
        if cents is not None and (
            not isinstance(cents, int) or not 1 <= cents <= PRICE_MAX
        ):
            errors["free_shipping_over"] = gettext(
                "Enter an amount from 0.01 to %(max)s, with at most 2 decimals, "
                "or leave it empty.",
                max=yuan_text(PRICE_MAX),
            )
        else:
            data["free_shipping_over_cents"] = cents
    return errors


def yuan_text(cents):
    """Cents as the form shows an amount: 800 -> '8.00'; None -> ''."""
    if cents is None:
        return ""
    whole_part, rest = divmod(int(cents), 100)
    return f"{whole_part}.{rest:02d}"


def settings_form(settings):
    """The stored settings (`merchants.settings_dict`) as the form shows them."""
    return {
        **settings,
        "shipping_fee": yuan_text(settings["shipping_fee_cents"]),
        "free_shipping_over": yuan_text(settings["free_shipping_over_cents"]),
    }


# --- group deals (拼团) ---------------------------------------------------------------

# the window choices (seconds), as the form offers them
GROUP_WINDOWS = (900, 1800, 3600, 2 * 3600, 6 * 3600, 12 * 3600, 86400, 2 * 86400)
GROUP_WINDOWS += (3 * 86400, 7 * 86400)
GROUP_FIELDS = {  # the rules' field -> the form's input
    "product_id": "product_id",
    "price_cents": "price",
    "team_size": "team_size",
    "team_window_s": "team_window",
    "per_user_limit": "per_user_limit",
    "ends_at": "ends_at",
    "virtual_fill": "virtual_fill",
}
_LOCAL = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$")


def local_moment(value, offset):
    """A datetime-local value and the browser's getTimezoneOffset() (minutes, UTC
    minus local; absent without JavaScript: UTC) -> naive UTC, or None."""
    value, offset = (value or "").strip(), (offset or "0").strip()
    if not _LOCAL.match(value) or not re.match(r"^-?\d{1,4}$", offset):
        return None
    if not -16 * 60 <= int(offset) <= 16 * 60:
        return None
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        return None
    if not 2000 <= moment.year <= 2999:
        return None
    return moment + datetime.timedelta(minutes=int(offset))


def group_buy_data(form):
    """(the data for `group_buy.deals.create`, {form input: message}) with every
    mistake of the form's own at once; the rules then say what only they know
    (the product is the merchant's, the price is below its list price)."""
    errors = {}
    data = {"virtual_fill": form.get("virtual_fill") == "1"}
    product_id = whole(form.get("product_id"))
    if not isinstance(product_id, int) or product_id < 1:
        errors["product_id"] = gettext("Choose one of your products.")
    data["product_id"] = product_id
    price = parse_price(form.get("price"))
    if not isinstance(price, int) or not 1 <= price <= PRICE_MAX:
        errors["price"] = gettext("Enter a price like 99.00, with at most 2 decimals.")
    data["price_cents"] = price
    limits = (
        ("team_size", *deals.TEAM_SIZE),
        ("per_user_limit", 1, deals.PER_USER_MAX),
    )
    for name, lo, hi in limits:
        value = whole(form.get(name))
        if not isinstance(value, int) or not lo <= value <= hi:
            errors[name] = gettext(
                "Enter a whole number from %(lo)d to %(hi)d.", lo=lo, hi=hi
            )
        data[name] = value
    window = whole(form.get("team_window"))
    if window not in GROUP_WINDOWS:
        errors["team_window"] = gettext("Choose how long a team has to fill.")
    data["team_window_s"] = window
    ends_at = local_moment(form.get("ends_at"), form.get("tz_offset"))
    if ends_at is None:
        errors["ends_at"] = gettext("Give a date and a time.")
    data["ends_at"] = ends_at
    return data, errors
