"""Mail of the accounts pages (issue 23) through Flask-Mailman.

`LIVESTALL_SMTP_URL` (config.smtp_settings) picks a real SMTP server; without
one `make run` prints each mail to the server's log (the console backend) and
tests keep them in `flask_mailman`'s locmem outbox. A mail is written in its
recipient's language when the account has one.
"""

from flask import current_app, request, url_for
from flask_babel import force_locale, get_locale
from flask_mailman import EmailMessage, Mail

from config import smtp_settings

mail = Mail()


def init_app(app):
    """Bind the mailer to `app` from its SMTP_URL (blueprint registration)."""
    settings = smtp_settings(app.config.get("SMTP_URL"), testing=app.testing)
    for key, value in settings.items():
        app.config.setdefault(key, value)
    app.config.setdefault("MAIL_DEFAULT_SENDER", app.config.get("MAIL_FROM"))
    if app.config.get("REQUIRE_EMAIL_VERIFICATION") is None:
        development = app.config.get("ENV_NAME") == "development"
        app.config["REQUIRE_EMAIL_VERIFICATION"] = not (app.testing or development)
    mail.init_app(app)


def link(endpoint, **values):
    """An absolute link for a mail: on SITE_URL when set (production: a
    request's Host header is the client's to choose), else this request's host."""
    base = current_app.config.get("SITE_URL") or request.host_url
    return base.rstrip("/") + url_for(endpoint, **values)


def locale_for(user):
    languages = current_app.config["LANGUAGES"]
    if user is not None and user.locale in languages:
        return user.locale
    return str(get_locale() or "en")


def send(to, subject_and_body, user=None):
    """Send one plain-text mail; `subject_and_body` is called in the
    recipient's locale and returns (subject, body). Return whether it went: a
    mail server that fails is logged, never the page's error (the answer must
    not differ, and the user can ask again)."""
    with force_locale(locale_for(user)):
        subject, body = subject_and_body()
    try:
        EmailMessage(
            subject=subject,
            body=body,
            from_email=current_app.config["MAIL_DEFAULT_SENDER"],
            to=[to],
        ).send()
    except OSError:  # smtplib's errors, refused connections, timeouts
        current_app.logger.exception("mail to user %s failed", getattr(user, "id", "?"))
        return False
    return True
