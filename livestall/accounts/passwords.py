"""Password rules and hashing (SECURITY.md: ASVS 6.2)."""

import gzip
from functools import lru_cache
from pathlib import Path

from werkzeug.security import check_password_hash, generate_password_hash

from livestall.errors import Invalid
from livestall.platform import offload

MIN_LENGTH = 8
MAX_LENGTH = 128
_LIST = Path(__file__).with_name("data") / "common-passwords.txt.gz"
_EXTRA = {"woaini1314", "qq123456", "iloveyou1314", "a123456789", "88888888"}


@lru_cache(maxsize=1)
def common_passwords():
    with gzip.open(_LIST, "rt", encoding="utf-8") as fh:
        words = {line.strip().lower() for line in fh if line.strip()}
    return frozenset(words | _EXTRA)


def check_rules(password, username="", email=""):
    """Raise Invalid (field 'password') unless the password is acceptable."""
    if not isinstance(password, str):
        raise Invalid("Password must be text.", field="password")
    if len(password) < MIN_LENGTH:
        raise Invalid(
            "Password must be at least %(n)d characters.",
            field="password",
            n=MIN_LENGTH,
        )
    if len(password) > MAX_LENGTH:
        raise Invalid(
            "Password must be at most %(n)d characters.", field="password", n=MAX_LENGTH
        )
    lowered = password.lower()
    if lowered in common_passwords():
        raise Invalid(
            "This password is too common. Choose a less guessable one.",
            field="password",
        )
    if lowered in (username.lower(), email.lower()):
        raise Invalid(
            "Password must differ from your username and email.", field="password"
        )


# Both run off the event loop (platform.offload): scrypt at n=2^17 is 0.4 s of
# CPU and 128 MB, and releases the GIL while it works.
@offload.offloaded("password", process=True)
def hash_password(password, method):
    return generate_password_hash(password, method=method)


@offload.offloaded("password", process=True)
def verify_password(stored_hash, password):
    try:
        return check_password_hash(stored_hash, password)
    except (ValueError, TypeError):
        return False
