"""Known devices: a browser or app that signed in to an account before.

A stranger's wrong passwords must not keep the owner out (SECURITY.md), so a
device the owner used before gets past the limits strangers trip: it carries a
device token, given at each successful sign-in (or sign-up) and kept in a
long-lived cookie (the site) or by the app (the API's `device_token`).

A token is `USERID-DEVICEID-MAC`: the MAC, an HMAC-SHA256 keyed from the site's
secret key, covers the user id, a random device id and the account's current
password hash. So a token cannot be forged, names one account, and stops being
known when the password changes (whoever once knew the old one loses the way
past the limits). Nothing is stored: the database holds no list of devices.

A device may sign in to several accounts: its value holds up to MAX_ACCOUNTS
tokens, joined by ".", the latest first.
"""

import hashlib
import hmac
import re
import secrets

from livestall.platform import settings

MAX_ACCOUNTS = 5
MAX_LENGTH = 1000  # a value longer than MAX_ACCOUNTS tokens is not ours
_TOKEN = re.compile(r"^([0-9]{1,19})-([0-9a-f]{16})-([0-9a-f]{32})$")


def _mac(user_id, device_id, password_hash):
    secret = str(settings.get("SECRET_KEY") or "")
    key = hmac.new(secret.encode(), b"livestall known device", hashlib.sha256)
    message = f"{user_id}-{device_id}-{password_hash}".encode()
    return hmac.new(key.digest(), message, hashlib.sha256).hexdigest()[:32]


def _tokens(value):
    if not isinstance(value, str) or len(value) > MAX_LENGTH:
        return []
    return [t for t in value.split(".") if t][:MAX_ACCOUNTS]


def recognise(value, user):
    """The device id `value` (a cookie or `device_token`) holds for `user`, or
    None when it holds no valid token for that account."""
    if user is None:
        return None
    for token in _tokens(value):
        match = _TOKEN.match(token)
        if not match or int(match.group(1)) != user.id:
            continue
        device_id, mac = match.group(2), match.group(3)
        if hmac.compare_digest(mac, _mac(user.id, device_id, user.password_hash)):
            return device_id
    return None


def remember(value, user):
    """The new value after `user` signed in on the device that sent `value`:
    the account's token first (the same device id when it had a valid one), the
    device's tokens for other accounts after it."""
    device_id = recognise(value, user) or secrets.token_hex(8)
    token = f"{user.id}-{device_id}-{_mac(user.id, device_id, user.password_hash)}"
    others = [
        t for t in _tokens(value) if _TOKEN.match(t) and not t.startswith(f"{user.id}-")
    ]
    return ".".join([token, *others][:MAX_ACCOUNTS])
