"""Password reset by email (issue 23; SECURITY.md: mail tokens).

A reset is asked for by address and answered the same whether or not the address
is registered; the caller mails the link only when `request_reset` returns one.
The link's secret is shown once (in the mail) and stored as its SHA-256; it is
used once (one guarded UPDATE) before it expires, and using it sets the password,
ends every session and socket of the account and revokes its API tokens.
"""

import hashlib
import secrets
from datetime import timedelta

from livestall.accounts import passwords, signals
from livestall.accounts.models import ApiToken, PasswordReset, User
from livestall.accounts.rules import normalise_email
from livestall.db.base import transaction, utcnow
from livestall.errors import Invalid, RateLimited
from livestall.platform import ratelimit

SECRET_MAX = 200


def _digest(secret):
    return hashlib.sha256(secret.encode()).hexdigest()


def request_reset(
    email,
    address,
    *,
    ttl_s=3600,
    per_ip=10,
    per_email=3,
    window_s=3600,
    now=None,
):
    """Make a reset for the account with this email; return (user, secret), or
    None when there is no such account or the address asked too often.

    Raises Invalid for a malformed email and RateLimited when the client's
    address asked too often: both happen whether the email is registered or not.
    """
    if per_ip and address is not None:
        if ratelimit.hit(f"pwreset:ip:{address}", window_s) > per_ip:
            raise RateLimited(
                "Too many reset requests. Try again later.",
                retry_after=ratelimit.retry_after(window_s),
            )
    email = normalise_email(email)
    if per_email and ratelimit.hit(f"pwreset:email:{email}", window_s) > per_email:
        return None  # quietly: the answer must not differ
    user = User.get_or_none(User.email == email)
    if user is None or not user.is_active:
        return None
    now = now or utcnow()
    secret = secrets.token_urlsafe(32)
    PasswordReset.create(
        user=user,
        digest=_digest(secret),
        created_at=now,
        expires_at=now + timedelta(seconds=ttl_s),
    )
    return user, secret


def _open_reset(secret, now):
    if not isinstance(secret, str) or not secret or len(secret) > SECRET_MAX:
        return None
    return (
        PasswordReset.select()
        .where(
            (PasswordReset.digest == _digest(secret))
            & PasswordReset.used_at.is_null()
            & (PasswordReset.expires_at > now)
        )
        .first()
    )


def user_for_reset(secret, now=None):
    """The active user an unused, unexpired reset link is for, or None."""
    reset = _open_reset(secret, now or utcnow())
    if reset is None:
        return None
    user = User.get_by_id(reset.user_id)
    return user if user.is_active else None


def _bad_link():
    return Invalid(
        "This reset link is invalid or has expired. Ask for a new one.",
        code="invalid_token",
    )


def reset_password(secret, new_password, *, hash_method, now=None):
    """Use a reset link: set the new password (the sign-up rules), end every
    session and socket, revoke API tokens; return the user."""
    now = now or utcnow()
    user = user_for_reset(secret, now)
    if user is None:
        raise _bad_link()
    passwords.check_rules(new_password, user.username, user.email)
    password_hash = passwords.hash_password(new_password, hash_method)
    with transaction():
        used = (
            PasswordReset.update(used_at=now)
            .where(
                (PasswordReset.digest == _digest(secret))
                & PasswordReset.used_at.is_null()
                & (PasswordReset.expires_at > now)
            )
            .execute()
        )
        if used != 1:  # used in parallel
            raise _bad_link()
        # the account's other links stop working too
        PasswordReset.update(used_at=now).where(
            (PasswordReset.user == user.id) & PasswordReset.used_at.is_null()
        ).execute()
        User.update(
            password_hash=password_hash,
            session_version=User.session_version + 1,
        ).where(User.id == user.id).execute()
        ApiToken.delete().where(ApiToken.user == user.id).execute()
    signals.sessions_ended.send(user.id)
    return User.get_by_id(user.id)
