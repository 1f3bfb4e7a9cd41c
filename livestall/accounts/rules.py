"""Accounts: registration, sign-in (throttled: throttling.py), tokens, profiles,
sessions."""

import re
import secrets

from peewee import IntegrityError

from livestall.accounts import devices, passwords, signals, throttling
from livestall.accounts.models import (
    ROLES,
    UNCLAIMED,
    ApiToken,
    EmailClaim,
    User,
    UserRole,
)
from livestall.db.base import transaction, utcnow
from livestall.errors import AlreadyExists, Invalid, NotAuthenticated

USERNAME_RE = re.compile(r"^[a-z0-9_]{3,30}$")
EMAIL_RE = re.compile(r"^[^@\s<>\"']{1,64}@[A-Za-z0-9.-]{1,189}\.[A-Za-z]{2,24}$")
RESERVED = {
    "admin",
    "administrator",
    "api",
    "static",
    "media",
    "login",
    "logout",
    "signup",
    "register",
    "settings",
    "support",
    "livestall",
    "root",
    "system",
    "me",
}
DISPLAY_NAME_MAX = 60
BIO_MAX = 1000
SELF_SERVICE_ROLES = ("shopper", "creator", "merchant")
# A real hash to check against when the login is unknown, so a wrong username
# takes as long as a wrong password (no account enumeration by timing).
_DUMMY = {}


def _text(value, field):
    if value is None:
        return ""
    if not isinstance(value, str):
        raise Invalid("This field must be text.", field=field)
    return value


def normalise_username(username):
    username = _text(username, "username").strip().lower()
    if not USERNAME_RE.match(username):
        raise Invalid(
            "Username must be 3–30 characters: lowercase letters, digits or _.",
            field="username",
        )
    if username in RESERVED:
        raise Invalid("That username is reserved.", field="username")
    return username


def normalise_email(email):
    email = _text(email, "email").strip().lower()
    if len(email) > 254 or not EMAIL_RE.match(email):
        raise Invalid("Enter a valid email address.", field="email")
    return email


def clean_display_name(name):
    name = " ".join(_text(name, "display_name").split())
    if len(name) > DISPLAY_NAME_MAX:
        raise Invalid(
            "Display name must be at most %(n)d characters.",
            field="display_name",
            n=DISPLAY_NAME_MAX,
        )
    return name


def clean_bio(bio):
    bio = _text(bio, "bio").strip().replace("\r\n", "\n")
    if len(bio) > BIO_MAX:
        raise Invalid("Bio must be at most %(n)d characters.", field="bio", n=BIO_MAX)
    return bio


def register(
    username,
    email,
    password,
    role="shopper",
    display_name="",
    *,
    hash_method,
    address=None,
):
    """Create an account with one self-service role; return the User.

    `address` (the client's) counts the sign-up against its address's and
    network's limits (throttling.count_signup); the CLI and the demo give none.

    An email address another account has already does not stop the sign-up:
    saying so would tell anyone which addresses are registered. The account is
    made and answered the same way (signed in, a token), the password hashed
    the same, but the address stays with the account that has it: this one
    keeps it as an EmailClaim, which signs nobody in. Usernames are public
    (profile pages), so a taken one is still said.
    """
    username = normalise_username(username)
    email = normalise_email(email)
    if role not in SELF_SERVICE_ROLES:
        raise Invalid("Role must be shopper, creator or merchant.", field="role")
    passwords.check_rules(password, username, email)
    display_name = clean_display_name(display_name) or username
    if User.select().where(User.username == username).exists():
        raise AlreadyExists("That username is taken.", field="username")
    if address is not None:
        throttling.count_signup(address)
    password_hash = passwords.hash_password(password, hash_method)
    claim = User.select().where(User.email == email).exists()
    for _ in range(2):
        try:
            user = _create(username, email, password_hash, display_name, role, claim)
            break
        except IntegrityError:  # a sign-up in parallel took the name or address
            if claim or User.select().where(User.username == username).exists():
                raise AlreadyExists("That username is taken.", field="username")
            claim = True
    if role == "creator":
        signals.user_changed.send(None, user_ids=[user.id])
    return user


def _create(username, email, password_hash, display_name, role, claim):
    with transaction():
        user = User.create(
            username=username,
            email=UNCLAIMED + secrets.token_hex(16) if claim else email,
            password_hash=password_hash,
            display_name=display_name,
        )
        UserRole.create(user=user, role=role)
        if claim:
            EmailClaim.create(user=user, email=email)
    return user


def authenticate(login, password, address, *, device=None, hash_method):
    """Return the user for a correct login, throttled per account and origin
    (accounts.throttling).

    `device` is the client's known-device value (accounts.devices: a cookie, an
    app's token); one valid for this account lets it past the limits a stranger
    can trip. Raises RateLimited when the attempt must wait (the password is not
    checked then), NotAuthenticated for a wrong login or password.
    """
    login = _text(login, "login").strip().lower()[:254]
    if not isinstance(password, str):
        raise Invalid("Password must be text.", field="password")
    user = User.by_login(login) if login else None
    # Counted per account, whether it is named by username or by email.
    account = f"id:{user.id}" if user else f"login:{login}"
    attempt = throttling.begin(account, address, devices.recognise(device, user))
    if user is None:
        if hash_method not in _DUMMY:
            _DUMMY[hash_method] = passwords.hash_password("x" * 12, hash_method)
        passwords.verify_password(_DUMMY[hash_method], password[: passwords.MAX_LENGTH])
        ok = False
    else:
        ok = passwords.verify_password(
            user.password_hash, password[: passwords.MAX_LENGTH * 4]
        )
    if not ok:
        throttling.failed(attempt)
        raise NotAuthenticated(
            "Wrong username/email or password.", code="invalid_credentials"
        )
    if not user.is_active:
        # the right password: say why (issue 23), still no session or token
        throttling.succeeded(attempt)
        raise NotAuthenticated(
            "This account is suspended. Contact support if you think this is a "
            "mistake.",
            code="account_suspended",
        )
    throttling.succeeded(attempt)
    return user


def issue_token(user, name="api"):
    """Create a bearer token; return its secret (shown once, stored hashed)."""
    secret = "lst_" + secrets.token_urlsafe(32)
    ApiToken.create(user=user, digest=ApiToken.digest_of(secret), name=name[:60])
    return secret


def user_for_token(secret):
    """Return the active user a bearer token belongs to, or None."""
    if not secret or len(secret) > 200:
        return None
    token = ApiToken.lookup(secret)
    if token is None or not token.user.is_active:
        return None
    now = utcnow()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 300:
        ApiToken.update(last_used_at=now).where(ApiToken.id == token.id).execute()
    return token.user


def end_sessions(user):
    """Invalidate every session cookie of the user (logout everywhere)."""
    User.update(session_version=User.session_version + 1).where(
        User.id == user.id
    ).execute()
    user.session_version = User.get_by_id(user.id).session_version
    signals.sessions_ended.send(user.id)


def change_password(user, current, new, *, hash_method):
    """Check the current password, set a new one, end sessions and revoke tokens."""
    if not passwords.verify_password(user.password_hash, current or ""):
        raise Invalid("Your current password is wrong.", field="current_password")
    passwords.check_rules(new, user.username, user.email)
    with transaction():
        User.update(
            password_hash=passwords.hash_password(new, hash_method),
            session_version=User.session_version + 1,
        ).where(User.id == user.id).execute()
        ApiToken.delete().where(ApiToken.user == user).execute()
    signals.sessions_ended.send(user.id)
    return User.get_by_id(user.id)


def update_profile(
    user,
    *,
    display_name=None,
    bio=None,
    avatar=None,
    locale=None,
    languages=("en", "zh"),
):
    """Change the allow-listed profile fields that were given; return the user."""
    changes = {}
    if display_name is not None:
        changes[User.display_name] = clean_display_name(display_name) or user.username
    if bio is not None:
        changes[User.bio] = clean_bio(bio)
    if avatar is not None:
        changes[User.avatar] = avatar.id
    if locale is not None:
        if locale not in ("", *languages):
            raise Invalid("Unknown language.", field="locale")
        changes[User.locale] = locale or None
    if changes:
        User.update(changes).where(User.id == user.id).execute()
        if User.display_name in changes or User.bio in changes:
            # search: the creator, their products and posts
            signals.user_changed.send(None, user_ids=[user.id])
    return User.get_by_id(user.id)


def set_roles(user, roles):
    """Replace the user's roles (admin only; the caller checks that)."""
    roles = sorted(set(roles))
    if not roles or any(r not in ROLES for r in roles):
        raise Invalid("Unknown role.", field="roles")
    with transaction():
        UserRole.delete().where(UserRole.user == user).execute()
        UserRole.insert_many(
            [(user.id, r) for r in roles], fields=[UserRole.user, UserRole.role]
        ).execute()
    # search: the user becomes (or stops being) a creator
    signals.user_changed.send(None, user_ids=[user.id])


def user_dict(user):
    return {
        "id": user.id,
        "username": user.username,
        "display_name": user.name,
        "roles": user.roles,
    }
