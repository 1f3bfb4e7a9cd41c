"""JSON API v1: accounts (sign-up, tokens, the signed-in user; docs/API.md)."""

from flask import current_app, jsonify

from blueprints.api.views import bp, json_body, me
from blueprints.common import sign_in
from livestall.accounts import rules as accounts


@bp.post("/users")
def create_user():
    data = json_body()
    user = accounts.register(
        data.get("username"),
        data.get("email"),
        data.get("password"),
        data.get("role", "shopper"),
        data.get("display_name"),
        hash_method=current_app.config["PASSWORD_HASH_METHOD"],
    )
    token = accounts.issue_token(user)
    return jsonify(user=accounts.user_dict(user), token=token), 201


@bp.post("/tokens")
def create_token():
    data = json_body()
    user = sign_in(data.get("login"), data.get("password"))
    token = accounts.issue_token(user, name=str(data.get("name") or "api"))
    return jsonify(token=token, user=accounts.user_dict(user)), 201


@bp.get("/me")
def get_me():
    return jsonify(user=accounts.user_dict(me()))
