"""Email verification pages (issue 23): the link mailed at sign-up, and asking
for it again. Routes are added to the `auth` blueprint (`add_routes`); the JSON
twin of the resend is `POST /api/v1/me/verification-email` (`resend_api`)."""

from flask import flash, jsonify, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from blueprints.accounts import mail
from blueprints.common import translate
from livestall.accounts import verification
from livestall.errors import DomainError


def send_link(user):
    """Mail the user a verification link (none when there is nothing to verify)."""
    _mail(user, verification.issue(user))


def _mail(user, secret):
    if secret is None:
        return
    link = mail.link("auth.verify_email", token=secret)

    def subject_and_body():
        return (
            gettext("Confirm your email address for Livestall"),
            gettext(
                "Hello %(name)s,\n\nWelcome to Livestall! Open this link to confirm "
                "that this address is yours:\n\n%(link)s\n\nUntil then you can "
                "browse and buy, but not go live, sell or post more than a few "
                "times. If you did not sign up, ignore this mail.",
                name=user.name,
                link=link,
            ),
        )

    mail.send(user.email, subject_and_body, user)


def verify_email(token):
    try:
        verification.verify(token)
    except DomainError as e:
        return render_template("auth/verify.html", error=translate(e)), 404
    flash(gettext("Your email address is verified. Thank you!"), "success")
    if current_user.is_authenticated:
        return redirect(url_for("auth.me"))
    return redirect(url_for("auth.login"))


@login_required
def resend_verification():
    user = current_user._get_current_object()
    if user.email_verified:
        flash(gettext("Your email address is verified already."), "info")
        return redirect(url_for("auth.me"))
    try:
        _mail(user, verification.resend(user))
    except DomainError as e:
        flash(translate(e), "error")
    else:
        flash(gettext("We sent you a new link. Check your inbox."), "success")
    return redirect(url_for("auth.me"))


def resend_api(user):
    """POST /api/v1/me/verification-email: 202 (nothing is sent when there is
    nothing to verify); 429 when asked too often."""
    if not user.email_verified:
        _mail(user, verification.resend(user))
    return jsonify({"ok": True}), 202


def add_routes(bp):
    bp.add_url_rule("/verify-email/<token>", view_func=verify_email)
    bp.add_url_rule(
        "/settings/verification-email",
        view_func=resend_verification,
        methods=["POST"],
    )
