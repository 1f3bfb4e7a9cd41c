"""Forgotten passwords (issue 23): ask for a reset link by email, then set a new
password from it. Routes are added to the `auth` blueprint (`add_routes`); the
JSON twin of the request is `POST /api/v1/password-resets` (`request_reset_api`)."""

from flask import (
    current_app,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext
from flask_login import current_user, logout_user

from blueprints.accounts import mail
from blueprints.common import client_ip, translate
from livestall.accounts import recovery
from livestall.errors import DomainError, RateLimited


def ask(email):
    """Ask for a reset for `email`; mail the link when there is an account.
    Raises Invalid (a malformed email) or RateLimited, never NotFound."""
    config = current_app.config
    made = recovery.request_reset(
        email,
        client_ip(),
        ttl_s=config["PASSWORD_RESET_TTL_S"],
        per_ip=config["PASSWORD_RESETS_PER_IP"],
        per_email=config["PASSWORD_RESETS_PER_EMAIL"],
        window_s=config["PASSWORD_RESET_WINDOW_S"],
    )
    if made is None:
        return
    user, secret = made
    link = mail.link("auth.reset_password", token=secret)
    minutes = config["PASSWORD_RESET_TTL_S"] // 60

    def subject_and_body():
        return (
            gettext("Reset your Livestall password"),
            gettext(
                "Hello %(name)s,\n\nSomeone (we hope you) asked to reset the "
                "password of your Livestall account. Open this link within "
                "%(minutes)d minutes to choose a new one:\n\n%(link)s\n\nThe link "
                "works once. If you did not ask, ignore this mail: your password "
                "stays as it is.",
                name=user.name,
                minutes=minutes,
                link=link,
            ),
        )

    mail.send(user.email, subject_and_body, user)


def _with_retry(response, error):
    if isinstance(error, RateLimited):
        response.headers["Retry-After"] = str(error.retry_after)
    return response


def forgot_password():
    form, errors = request.form, {}
    if request.method == "POST":
        try:
            ask(form.get("email"))
        except DomainError as e:
            errors[e.field or "form"] = translate(e)
            page = render_template("auth/forgot.html", form=form, errors=errors)
            return _with_retry(make_response(page, e.status), e)
        return render_template("auth/forgot.html", form=form, errors={}, sent=True)
    return render_template("auth/forgot.html", form=form, errors=errors)


def reset_password(token):
    user = recovery.user_for_reset(token)
    if user is None:
        page = render_template("auth/reset.html", errors={}, invalid=True)
        return page, 404
    errors = {}
    if request.method == "POST":
        try:
            recovery.reset_password(
                token,
                request.form.get("new_password"),
                hash_method=current_app.config["PASSWORD_HASH_METHOD"],
            )
        except DomainError as e:
            field = "new_password" if e.field == "password" else e.field
            errors[field or "form"] = translate(e)
        else:
            if current_user.is_authenticated:
                logout_user()
            flash(
                gettext("Password changed. Sign in with your new password."),
                "success",
            )
            return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", errors=errors, invalid=False), (
        400 if errors else 200
    )


def request_reset_api(data):
    """POST /api/v1/password-resets {email}: 202 whether or not it is registered
    (blueprints/api/accounts.py); DomainErrors become the API's error answers."""
    ask(data.get("email"))
    return jsonify({"ok": True}), 202


def add_routes(bp):
    bp.add_url_rule(
        "/forgot-password", view_func=forgot_password, methods=["GET", "POST"]
    )
    bp.add_url_rule(
        "/reset-password/<token>", view_func=reset_password, methods=["GET", "POST"]
    )
    bp.record_once(lambda state: mail.init_app(state.app))
