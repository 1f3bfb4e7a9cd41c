"""Email verification (issue 23; SECURITY.md: mail tokens).

Sign-up mails a link to the account's address; following it marks the account
verified. The link's secret is stored as its SHA-256, works once and expires.
Until then the account may browse and buy but not go live, sell, or post more
than a few times (`require_verified`, called by those rules); with the setting
REQUIRE_EMAIL_VERIFICATION off (development, the test app) nothing is held back.
"""

import hashlib
import secrets
from datetime import timedelta

from livestall.accounts.models import UNCLAIMED, EmailVerification, User
from livestall.db.base import transaction, utcnow
from livestall.errors import Invalid, NotAllowed, RateLimited
from livestall.platform import ratelimit, settings

SECRET_MAX = 200
DEFAULTS = {
    "REQUIRE_EMAIL_VERIFICATION": True,
    "UNVERIFIED_POST_LIMIT": 3,
    "EMAIL_VERIFICATION_TTL_S": 3 * 24 * 3600,
    "VERIFICATION_RESENDS": 3,
    "VERIFICATION_RESEND_WINDOW_S": 3600,
}


def _setting(name):
    value = settings.get(name)
    return DEFAULTS[name] if value is None else value


def _digest(secret):
    return hashlib.sha256(secret.encode()).hexdigest()


# the error code of what an unverified account may not do (403)
UNVERIFIED = "email_unverified"


def required():
    return bool(_setting("REQUIRE_EMAIL_VERIFICATION"))


def issue(user, *, now=None):
    """Make a verification link for the user's address; return its secret, or
    None when there is nothing to verify (verified, or an address that was
    another account's: EmailClaim, which no mail goes to)."""
    if user.email_verified_at is not None or user.email.startswith(UNCLAIMED):
        return None
    now = now or utcnow()
    secret = secrets.token_urlsafe(32)
    EmailVerification.create(
        user=user,
        email=user.email,
        digest=_digest(secret),
        created_at=now,
        expires_at=now + timedelta(seconds=_setting("EMAIL_VERIFICATION_TTL_S")),
    )
    return secret


def resend(user, *, now=None):
    """A signed-in user asks for the link again (rate-limited); return its
    secret or None (nothing to verify)."""
    window = _setting("VERIFICATION_RESEND_WINDOW_S")
    if ratelimit.hit(f"verify:resend:{user.id}", window) > _setting(
        "VERIFICATION_RESENDS"
    ):
        raise RateLimited(
            "Too many verification mails. Try again later.",
            retry_after=ratelimit.retry_after(window),
        )
    return issue(user, now=now)


def verify(secret, *, now=None):
    """Follow a link: mark its account verified; return the user. Raises
    Invalid (code invalid_token) for an unknown, used or expired link."""
    now = now or utcnow()
    if not isinstance(secret, str) or not secret or len(secret) > SECRET_MAX:
        raise _bad_link()
    with transaction():
        link = EmailVerification.get_or_none(
            EmailVerification.digest == _digest(secret)
        )
        used = (
            EmailVerification.update(used_at=now)
            .where(
                (EmailVerification.digest == _digest(secret))
                & EmailVerification.used_at.is_null()
                & (EmailVerification.expires_at > now)
            )
            .execute()
        )
        if link is None or used != 1:
            raise _bad_link()
        # only for the address it was sent to
        User.update(email_verified_at=now).where(
            (User.id == link.user_id)
            & (User.email == link.email)
            & User.email_verified_at.is_null()
        ).execute()
    return User.get_by_id(link.user_id)


def mark_verified(user, *, now=None):
    """Count the user's address as verified without a link (the demo, an admin
    made at the console); return the user."""
    now = now or utcnow()
    User.update(email_verified_at=now).where(
        (User.id == user.id) & User.email_verified_at.is_null()
    ).execute()
    user.email_verified_at = User.get_by_id(user.id).email_verified_at
    return user


def _bad_link():
    return Invalid(
        "This verification link is invalid or has expired.", code="invalid_token"
    )


def require_verified(user):
    """Raise NotAllowed (403, code email_unverified) for an unverified account
    while verification is required: going live and selling wait for it."""
    if required() and user.email_verified_at is None:
        raise NotAllowed(
            "Verify your email address first: we sent you a link when you signed up.",
            code=UNVERIFIED,
        )


def check_post_allowed(user, count_posts):
    """Raise NotAllowed (code email_unverified) once an unverified account has
    written UNVERIFIED_POST_LIMIT posts, drafts included (`count_posts()`: how
    many it has; asked only of an unverified account)."""
    if (
        required()
        and user.email_verified_at is None
        and count_posts() >= _setting("UNVERIFIED_POST_LIMIT")
    ):
        raise NotAllowed(
            "Verify your email address to post more: we sent you a link when you "
            "signed up.",
            code=UNVERIFIED,
        )
