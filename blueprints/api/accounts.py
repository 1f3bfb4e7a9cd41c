"""JSON API v1: accounts (sign-up, tokens, the signed-in user; docs/API.md)."""

from flask import jsonify

from blueprints.accounts import recovery, verify
from blueprints.accounts.signin import (
    device_token_for,
    device_value,
    register,
    set_device_cookie,
    sign_in,
)
from blueprints.api.views import bp, json_body, me
from livestall.accounts import rules as accounts


def _signed_in(user, token, device):
    """201 {user, token, device_token}. An app keeps `device_token` and sends it
    when it signs in again: a known device (accounts.devices). A browser keeps
    the cookie."""
    device_token = device_token_for(user, device)
    response = jsonify(
        user=accounts.user_dict(user), token=token, device_token=device_token
    )
    set_device_cookie(response, device_token)
    return response, 201


@bp.post("/users")
def create_user():
    data = json_body()
    device = device_value(data.get("device_token"))
    # The same answer when the email was another account's already
    # (accounts.rules.register): a new account all the same.
    user = register(data, data.get("role", "shopper"))
    verify.send_link(user)
    return _signed_in(user, accounts.issue_token(user), device)


@bp.post("/tokens")
def create_token():
    data = json_body()
    device = device_value(data.get("device_token"))
    user = sign_in(data.get("login"), data.get("password"), device)
    token = accounts.issue_token(user, name=str(data.get("name") or "api"))
    return _signed_in(user, token, device)


@bp.get("/me")
def get_me():
    return jsonify(user=accounts.user_dict(me()))


@bp.post("/password-resets")
def create_password_reset():
    """Mail a reset link (issue 23): 202 whether or not the email is registered."""
    return recovery.request_reset_api(json_body())


@bp.post("/me/verification-email")
def resend_verification_email():
    """Mail the email verification link again (issue 23): 202."""
    return verify.resend_api(me())
