"""Every setting, read from LIVESTALL_* environment variables.

`load_config()` returns a plain dict that `create_app()` hands to Flask. Tests pass
overrides through `create_app(test_config)`; nothing else reads the environment.
"""

import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent

# Werkzeug scrypt with n=2**17, r=8, p=1 (SECURITY.md, ASVS 6.2).
STRONG_PASSWORD_HASH = "scrypt:131072:8:1"  # noqa: S105 - a method, not a secret


def _env(name, default=None):
    return os.environ.get("LIVESTALL_" + name, default)


def _env_int(name, default):
    value = _env(name)
    return int(value) if value not in (None, "") else default


def _env_float(name, default):
    value = _env(name)
    return float(value) if value not in (None, "") else default


def _gc_threshold(value):
    """The text "50000,20,20" as gc.set_threshold's three numbers."""
    try:
        numbers = tuple(int(n) for n in value.split(","))
    except ValueError:
        numbers = ()
    if len(numbers) != 3 or min(numbers) < 1:
        raise ValueError(
            "LIVESTALL_GC_THRESHOLD must be three whole numbers, like 50000,20,20"
        )
    return numbers


def _env_bool(name, default):
    value = _env(name)
    if value in (None, ""):
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def smtp_settings(url, *, testing=False):
    """Flask-Mailman's MAIL_* settings for LIVESTALL_SMTP_URL (issue 23):
    smtp://user:pass@host:port (?starttls=1 for STARTTLS), smtps:// for SSL.
    Without a URL mails go to the locmem outbox under TESTING, else to the
    server's log (the console backend of `make run`)."""
    from urllib.parse import parse_qs, unquote, urlsplit

    if not url:
        return {"MAIL_BACKEND": "locmem" if testing else "console"}
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps"):
        raise ValueError("LIVESTALL_SMTP_URL must start with smtp:// or smtps://")
    query = parse_qs(parts.query)
    ssl = parts.scheme == "smtps"
    return {
        "MAIL_BACKEND": "smtp",
        "MAIL_SERVER": parts.hostname or "localhost",
        "MAIL_PORT": parts.port or (465 if ssl else 25),
        "MAIL_USERNAME": unquote(parts.username) if parts.username else None,
        "MAIL_PASSWORD": unquote(parts.password) if parts.password else None,
        "MAIL_USE_SSL": ssl,
        "MAIL_USE_TLS": query.get("starttls", ["0"])[0] in ("1", "true", "yes"),
        "MAIL_TIMEOUT": 10,
    }


def secret_key(data_dir):
    """Return LIVESTALL_SECRET_KEY, or a key generated once into the data dir."""
    key = _env("SECRET_KEY")
    if key:
        return key
    path = Path(data_dir) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    return path.read_text().strip()


def load_config():
    """Read the environment into a settings dict (secret key excluded)."""
    env = _env("ENV", "production")
    development = env == "development"
    data_dir = Path(_env("DATA_DIR", BASE_DIR / "instance")).resolve()
    return {
        "ENV_NAME": env,
        "DATA_DIR": str(data_dir),
        "MEDIA_DIR": str(Path(_env("MEDIA_DIR", data_dir / "media")).resolve()),
        "DATABASE_URL": _env("DATABASE_URL", ""),
        "MESSAGE_QUEUE": _env("MESSAGE_QUEUE", ""),
        # Redis pub/sub channel and key prefix (several sites may share one Redis)
        "MESSAGE_QUEUE_CHANNEL": _env("MESSAGE_QUEUE_CHANNEL", "livestall"),
        "ASYNC_MODE": _env("ASYNC_MODE", "threading"),
        "SQLITE_SYNCHRONOUS": _env("SQLITE_SYNCHRONOUS", "FULL").upper(),
        "SQLITE_BUSY_TIMEOUT_MS": _env_int("SQLITE_BUSY_TIMEOUT_MS", 10000),
        "PASSWORD_HASH_METHOD": _env("PASSWORD_HASH_METHOD", STRONG_PASSWORD_HASH),
        "MAX_CONTENT_LENGTH": _env_int("MAX_UPLOAD_BYTES", 16 * 1024 * 1024),
        # 25 M pixels: a phone's full photo (12 MP; 24 MP on recent iPhones,
        # 5712x4284) passes, a 48-200 MP "full resolution" shot or a pixel bomb
        # is refused from its header, before any decoding
        "MAX_IMAGE_PIXELS": _env_int("MAX_IMAGE_PIXELS", 25_000_000),
        "THUMBNAIL_SIZE": _env_int("THUMBNAIL_SIZE", 480),
        # images a user may upload per window, and bytes they may keep stored
        "UPLOAD_LIMIT_PER_USER": _env_int("UPLOAD_LIMIT_PER_USER", 30),
        "UPLOAD_LIMIT_WINDOW_S": _env_int("UPLOAD_LIMIT_WINDOW_S", 600),
        "UPLOAD_QUOTA_BYTES": _env_int("UPLOAD_QUOTA_BYTES", 500 * 1024 * 1024),
        # hashing, image decoding, searches and the what-if off the gevent loop
        # (livestall/platform/offload.py); off only to measure what it saves
        "OFFLOAD_CPU": _env_bool("OFFLOAD_CPU", True),
        # sign-in throttling (livestall/accounts/throttling.py; 0 turns a limit
        # off): failures per account from one address or known device before
        # delays start, the first delay (doubling per failure) and its cap;
        # failures per address across accounts, and per account from all
        # addresses together, which spares known devices
        "LOGIN_FREE_FAILURES": _env_int("LOGIN_FREE_FAILURES", 5),
        "LOGIN_DELAY_BASE_S": _env_int("LOGIN_DELAY_BASE_S", 15),
        "LOGIN_DELAY_MAX_S": _env_int("LOGIN_DELAY_MAX_S", 900),
        "LOGIN_LIMIT_PER_IP": _env_int("LOGIN_LIMIT_PER_IP", 30),
        "LOGIN_LIMIT_WINDOW_S": _env_int("LOGIN_LIMIT_WINDOW_S", 900),
        "LOGIN_LIMIT_PER_ACCOUNT": _env_int("LOGIN_LIMIT_PER_ACCOUNT", 100),
        "LOGIN_ACCOUNT_WINDOW_S": _env_int("LOGIN_ACCOUNT_WINDOW_S", 3600),
        # accounts created per address and per network (/24, IPv6 /64) a window
        "SIGNUP_PER_IP": _env_int("SIGNUP_PER_IP", 5),
        "SIGNUP_PER_NETWORK": _env_int("SIGNUP_PER_NETWORK", 20),
        "SIGNUP_WINDOW_S": _env_int("SIGNUP_WINDOW_S", 3600),
        "TRUSTED_PROXIES": _env_int("TRUSTED_PROXIES", 0),
        # live chat: a burst of CHAT_BURST messages, then one per CHAT_REFILL_S
        "CHAT_BURST": _env_int("CHAT_BURST", 5),
        "CHAT_REFILL_S": float(_env("CHAT_REFILL_S", "2")),
        # flash sales: how long a grabbed unit is held for its buyer to check out
        "FLASH_HOLD_S": _env_int("FLASH_HOLD_S", 300),
        # a lucky draw winner's hold of the prize; a lottery winner's of the units
        "DRAW_HOLD_S": _env_int("DRAW_HOLD_S", 86400),
        "LOTTERY_HOLD_S": _env_int("LOTTERY_HOLD_S", 1800),
        # orders paid by bank transfer are cancelled (stock returned) if unpaid by then
        "BANK_TRANSFER_PAY_WITHIN_H": _env_int("BANK_TRANSFER_PAY_WITHIN_H", 72),
        "RETURN_WINDOW_DAYS": _env_int("RETURN_WINDOW_DAYS", 7),
        # hoarding (livestall/orders/limits.py; 0 turns a limit off): units of one
        # product a buyer may have in orders not yet shipped, checkouts per window,
        # and days a cash-on-delivery order may wait to ship before it is cancelled
        "ORDER_UNSHIPPED_UNITS_MAX": _env_int("ORDER_UNSHIPPED_UNITS_MAX", 20),
        "ORDER_RATE_MAX": _env_int("ORDER_RATE_MAX", 20),
        "ORDER_RATE_WINDOW_S": _env_int("ORDER_RATE_WINDOW_S", 600),
        "COD_SHIP_DAYS": _env_int("COD_SHIP_DAYS", 7),
        # community group buying (livestall/community/deadlines.py): minutes after
        # a campaign's cut-off an order placed before it may still be paid, and
        # days after the pickup day an order paid at pickup waits to be collected
        "COMMUNITY_PAY_GRACE_MIN": _env_int("COMMUNITY_PAY_GRACE_MIN", 30),
        "COMMUNITY_PICKUP_DAYS": _env_int("COMMUNITY_PICKUP_DAYS", 7),
        # bargaining (livestall/bargain/helping.py; 0 turns a limit off): records
        # one person may help a UTC day across the site, helps from one address
        # per window, and how young an account counts as new for the merchant
        "BARGAIN_HELPS_PER_DAY": _env_int("BARGAIN_HELPS_PER_DAY", 3),
        "BARGAIN_HELPS_PER_IP": _env_int("BARGAIN_HELPS_PER_IP", 30),
        "BARGAIN_HELP_IP_WINDOW_S": _env_int("BARGAIN_HELP_IP_WINDOW_S", 3600),
        "BARGAIN_NEW_ACCOUNT_H": _env_int("BARGAIN_NEW_ACCOUNT_H", 24),
        # live video (docs/DEPLOY-video.md): nginx-rtmp ingest, HLS under DATA_DIR
        "VIDEO_DIR": _env("VIDEO_DIR", ""),  # empty: DATA_DIR/video
        "VIDEO_RTMP_LISTEN": _env("VIDEO_RTMP_LISTEN", "127.0.0.1:1935"),
        "VIDEO_RTMP_URL": _env("VIDEO_RTMP_URL", "rtmp://127.0.0.1:1935/live"),
        "VIDEO_APP_URL": _env("VIDEO_APP_URL", "http://127.0.0.1:5000"),
        "VIDEO_CALLBACK_SECRET": _env("VIDEO_CALLBACK_SECRET", ""),
        "VIDEO_CALLBACK_NETWORKS": _env("VIDEO_CALLBACK_NETWORKS", "127.0.0.0/8,::1"),
        "VIDEO_END_GRACE_S": _env_int("VIDEO_END_GRACE_S", 60),
        "VIDEO_NGINX": _env("VIDEO_NGINX", "nginx"),
        # mail (issue 23; blueprints/accounts/mail.py): empty prints mails to the log
        "SMTP_URL": _env("SMTP_URL", ""),
        "MAIL_FROM": _env("MAIL_FROM", "Livestall <no-reply@localhost>"),
        # the site's address for links in mails (https://shop.example.com): set it
        # in production, else a forged Host header could aim a reset link elsewhere
        "SITE_URL": _env("SITE_URL", ""),
        # unset: required in production, not in development nor the test app
        "REQUIRE_EMAIL_VERIFICATION": _env_bool("REQUIRE_EMAIL_VERIFICATION", None),
        "UNVERIFIED_POST_LIMIT": _env_int("UNVERIFIED_POST_LIMIT", 3),
        # flash-sale batches: "auto" (SQLite: a savepoint per grab; PostgreSQL: the
        # sale's row locked once per batch), "locked" or "savepoints"
        "FLASH_BATCH": _env("FLASH_BATCH", "auto"),
        # public pages kept for anonymous visitors this many seconds at most, and
        # dropped at once on a change (livestall/platform/pagecache.py); 0: off
        "PAGE_CACHE_S": _env_float("PAGE_CACHE_S", 2.0),
        # the part of a live room's join state all viewers see alike, kept this many
        # seconds at most and dropped whenever a message goes to the room
        # (blueprints/live/join_state.py); 0: built for every join
        "LIVE_JOIN_STATE_S": _env_float("LIVE_JOIN_STATE_S", 1.0),
        # the server's collector thresholds (app.py `main`: see there); tests and
        # other entry points keep Python's
        "GC_THRESHOLD": _gc_threshold(_env("GC_THRESHOLD", "50000,20,20")),
        # reports one person may send an hour (moderation)
        "REPORTS_PER_HOUR": _env_int("REPORTS_PER_HOUR", 20),
        "EMAIL_VERIFICATION_TTL_S": _env_int("EMAIL_VERIFICATION_TTL_S", 3 * 86400),
        "PASSWORD_RESET_TTL_S": _env_int("PASSWORD_RESET_TTL_S", 3600),
        "PASSWORD_RESETS_PER_IP": _env_int("PASSWORD_RESETS_PER_IP", 10),
        "PASSWORD_RESETS_PER_EMAIL": _env_int("PASSWORD_RESETS_PER_EMAIL", 3),
        "PASSWORD_RESET_WINDOW_S": _env_int("PASSWORD_RESET_WINDOW_S", 3600),
        "SOCKET_MAX_FRAME": _env_int("SOCKET_MAX_FRAME", 16 * 1024),
        "SESSION_COOKIE_SECURE": _env_bool("SECURE_COOKIES", not development),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_NAME": "livestall_session",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": _env_bool("SECURE_COOKIES", not development),
        "PERMANENT_SESSION_LIFETIME": _env_int("SESSION_LIFETIME_S", 14 * 24 * 3600),
        # written only when it changes (blueprints/common.py: _renew_session)
        "SESSION_REFRESH_EACH_REQUEST": False,
        "WTF_CSRF_TIME_LIMIT": None,
        "DEBUG": False,
        "BABEL_DEFAULT_LOCALE": "en",
        "LANGUAGES": {"en": "English", "zh": "简体中文"},
        "BABEL_TRANSLATION_DIRECTORIES": str(BASE_DIR / "translations"),
    }
