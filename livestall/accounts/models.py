"""Accounts: users, their roles, API tokens."""

import hashlib

from peewee import (
    AutoField,
    CharField,
    CompositeKey,
    DateTimeField,
    DeferredForeignKey,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from livestall.db.base import BaseModel, Prepared, utcnow

ROLES = ("shopper", "creator", "merchant", "admin")
SELF_SERVICE_ROLES = ("shopper", "creator", "merchant")


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
    def roles(self):
        if not hasattr(self, "_roles"):
            self._roles = sorted(r.role for r in _ROLES_OF.rows(self.id))
        return self._roles

    def has_role(self, *roles):
        return any(role in self.roles for role in roles)

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


# a user's roles are read on most requests and socket events: compiled once
_ROLES_OF = Prepared(
    lambda uid: UserRole.select(UserRole.role).where(UserRole.user == uid)
)
