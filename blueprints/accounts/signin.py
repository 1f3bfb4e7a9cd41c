"""Signing in and up from the web layer: the client's address and known-device
value go to the accounts rules, and a device that got in is given its token
(livestall.accounts.devices): a long-lived cookie for browsers, `device_token`
in the API's answers for apps."""

from flask import current_app, request

from blueprints.common import client_ip
from livestall.accounts import devices
from livestall.accounts import rules as accounts
from livestall.errors import Invalid

DEVICE_COOKIE = "livestall_device"
DEVICE_MAX_AGE_S = 400 * 24 * 3600  # the longest browsers keep a cookie


def device_value(given=None):
    """The client's known-device value: `given` (an API body's `device_token`)
    or the cookie."""
    if given is None:
        return request.cookies.get(DEVICE_COOKIE)
    if not isinstance(given, str):
        raise Invalid("This field must be text.", field="device_token")
    return given


def sign_in(login, password, device=None):
    """Check a login with the throttling of accounts.throttling; return the user.
    `device` is an API body's `device_token`, else the cookie counts."""
    return accounts.authenticate(
        login,
        password,
        client_ip(),
        device=device_value(device),
        hash_method=current_app.config["PASSWORD_HASH_METHOD"],
    )


def register(data, role):
    """Sign up from a form or a JSON body, counted against the client's address."""
    return accounts.register(
        data.get("username"),
        data.get("email"),
        data.get("password"),
        role,
        data.get("display_name"),
        hash_method=current_app.config["PASSWORD_HASH_METHOD"],
        address=client_ip(),
    )


def device_token_for(user, device=None):
    """The client's known-device value once `user` signed in on it: the
    account's token first (accounts.devices.remember)."""
    return devices.remember(device_value(device), user)


def set_device_cookie(response, value):
    response.set_cookie(
        DEVICE_COOKIE,
        value,
        max_age=DEVICE_MAX_AGE_S,
        httponly=True,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
