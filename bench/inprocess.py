"""What the in-process benchmarks share: the app on a data directory of their own
(fast password hashing, tests' mode: no background loops) and people made
through the accounts rules."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FAST_HASH = "pbkdf2:sha256:1"


def create(data_dir, **config):
    """The app, on `data_dir`, with `config` on top."""
    sys.path.insert(0, str(ROOT))
    from app import create_app

    return create_app(
        {
            "TESTING": True,
            "DATA_DIR": data_dir,
            "SECRET_KEY": "bench",
            "PASSWORD_HASH_METHOD": FAST_HASH,
            **config,
        }
    )


def person(name, role="shopper", display=None):
    """A user through `accounts.register` (inside the app's context)."""
    from livestall.accounts import rules as accounts

    return accounts.register(
        name,
        f"{name}@example.com",
        "bench password 1",
        role,
        display or name,
        hash_method=FAST_HASH,
    )
