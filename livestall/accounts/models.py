"""Accounts: users, their roles, API tokens."""

import hashlib

from peewee import (
    AutoField,
    CharField,
    CompositeKey,
    DateTimeField,
    DeferredForeignKey,
    DoubleField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from livestall.db.base import BaseModel, Prepared, utcnow

ROLES = ("shopper", "creator", "merchant", "admin")
SELF_SERVICE_ROLES = ("shopper", "creator", "merchant")
# The start of `User.email` for an account whose address was another's already
# (EmailClaim): no "@", so no one can register it, and a random rest, so no one
# signs in with it.
UNCLAIMED = "unclaimed:"


class User(BaseModel):
    id = AutoField()
    username = CharField(max_length=30, unique=True)
    email = CharField(max_length=254, unique=True)
    password_hash = CharField(max_length=255)
    display_name = CharField(max_length=60, default="")
    bio = TextField(default="")
    # No FK constraint: images and users reference each other (Image.owner).
    avatar = DeferredForeignKey("Image", null=True)
    locale = CharField(max_length=10, null=True)
    # Bumped on logout and password change: every older session cookie stops working.
    session_version = IntegerField(default=1)
    status = CharField(max_length=12, default="active")  # active | suspended
    # Personal code carried by the user's share links (null until first needed).
    share_code = CharField(max_length=16, null=True, unique=True)
    created_at = DateTimeField(default=utcnow)
    # When the owner followed the link mailed at sign-up (issue 23; null: not
    # yet). Accounts from before it are verified (migration 13).
    email_verified_at = DateTimeField(null=True)

    # What Flask-Login asks of a signed-in user (its UserMixin, written out so the
    # domain does not import the web layer): the session id carries the version
    # that a sign-out everywhere bumps.
    is_authenticated = True
    is_anonymous = False

    def get_id(self):
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self):
        return self.status == "active"

    @property
    def email_verified(self):
        return self.email_verified_at is not None

    @property
    def roles(self):
        if not hasattr(self, "_roles"):
            self._roles = sorted(r.role for r in _ROLES_OF.rows(self.id))
        return self._roles

    def has_role(self, *roles):
        return any(role in self.roles for role in roles)

    @property
    def shown_email(self):
        """The address to show the user: theirs, or the one they gave that was
        another account's already (EmailClaim)."""
        if not self.email.startswith(UNCLAIMED):
            return self.email
        claim = EmailClaim.get_or_none(EmailClaim.user == self.id)
        return claim.email if claim else ""

    @property
    def name(self):
        return self.display_name or self.username

    @classmethod
    def by_login(cls, login):
        """Find a user by username or email, case-insensitively."""
        login = (login or "").strip().lower()
        return cls.get_or_none((cls.username == login) | (cls.email == login))

    @classmethod
    def with_role(cls, role):
        return cls.select().join(UserRole).where(UserRole.role == role).order_by(cls.id)


class UserRole(BaseModel):
    user = ForeignKeyField(User, backref="role_rows", on_delete="CASCADE")
    role = CharField(max_length=12)

    class Meta:
        primary_key = CompositeKey("user", "role")

    @classmethod
    def for_user(cls, user):
        return cls.select().where(cls.user == user)


class ApiToken(BaseModel):
    """A bearer token; only the SHA-256 of the secret is stored."""

    user = ForeignKeyField(User, backref="tokens", on_delete="CASCADE")
    digest = CharField(max_length=64, unique=True)
    name = CharField(max_length=60, default="")
    created_at = DateTimeField(default=utcnow)
    last_used_at = DateTimeField(null=True)

    @staticmethod
    def digest_of(secret):
        return hashlib.sha256(secret.encode()).hexdigest()

    @classmethod
    def lookup(cls, secret):
        return (
            cls.select(cls, User)
            .join(User)
            .where(cls.digest == cls.digest_of(secret))
            .first()
        )


class EmailClaim(BaseModel):
    """The address an account gave at sign-up when another account had it already.

    The address stays with the account that has it (`User.email`); this account's
    `User.email` is a placeholder no one can type or register (UNCLAIMED). The
    claim is shown to its maker only and signs nobody in: it lets sign-up answer
    the same whether an address is registered or not (accounts.rules.register).
    """

    user = ForeignKeyField(User, primary_key=True, on_delete="CASCADE")
    email = CharField(max_length=254)
    created_at = DateTimeField(default=utcnow)


class SignInDelay(BaseModel):
    """Failed sign-ins to one account from one address (or one known device) in a
    row, and when the next attempt may come (accounts.throttling). `key` is a
    digest of the pair; times are unix seconds."""

    key = CharField(max_length=64, primary_key=True)
    failures = IntegerField(default=0)
    wait_until = DoubleField(default=0)
    last_at = DoubleField(default=0)


# a user's roles are read on most requests and socket events: compiled once
_ROLES_OF = Prepared(
    lambda uid: UserRole.select(UserRole.role).where(UserRole.user == uid)
)


class PasswordReset(BaseModel):
    """A password reset mailed to a user (issue 23): only the SHA-256 of the
    link's secret is stored; used once (`used_at`, a guarded UPDATE), before
    `expires_at`."""

    id = AutoField()
    user = ForeignKeyField(User, backref="password_resets", on_delete="CASCADE")
    digest = CharField(max_length=64, unique=True)
    created_at = DateTimeField(default=utcnow)
    expires_at = DateTimeField()
    used_at = DateTimeField(null=True)


class EmailVerification(BaseModel):
    """A link mailed to confirm the account's address (issue 23): stored as the
    SHA-256 of its secret, for the address it was sent to; used once, before
    `expires_at`."""

    id = AutoField()
    user = ForeignKeyField(User, backref="email_verifications", on_delete="CASCADE")
    email = CharField(max_length=254)
    digest = CharField(max_length=64, unique=True)
    created_at = DateTimeField(default=utcnow)
    expires_at = DateTimeField()
    used_at = DateTimeField(null=True)
