"""Sign-in and sign-up throttling, in storage every server process shares.

Sign-in (SECURITY.md: no stranger can lock an account out). Five wrong passwords
from anywhere once locked the owner out for 15 minutes, even on their own phone
during their own live. Now three limits, none of which a stranger can turn on
the owner's own device:

- per (account, origin), progressive delays: the origin is the client's address
  (an IPv6 address counts by its /64, which one host usually holds whole), or
  the known device (accounts.devices) that signs in. After LOGIN_FREE_FAILURES
  failures in a row the next attempt waits LOGIN_DELAY_BASE_S, and each further
  failure doubles the wait, up to LOGIN_DELAY_MAX_S. Early attempts are answered
  429 with Retry-After, the password unchecked. A success clears the pair; a day
  without attempts (DELAY_MEMORY_S) forgets it. The attempt is counted before the
  password is checked, as one guarded UPDATE: a burst of parallel guesses gets
  one through per delay, not one each.
- per address, across accounts (credential stuffing): LOGIN_LIMIT_PER_IP failures
  in LOGIN_LIMIT_WINDOW_S.
- per account, from all addresses together: LOGIN_LIMIT_PER_ACCOUNT failures in
  LOGIN_ACCOUNT_WINDOW_S, a high cap against a botnet's spread guesses.

A known device skips the last two (a stranger on the same network, or a botnet,
cannot keep the owner out) and keeps delays of its own, apart from its address's.
The pairs live in the database (SignInDelay); the two counters in
platform.ratelimit (the database, or Redis when the processes share one).

Sign-up: scrypt costs 0.4 s of CPU per account, so accounts per address and per
network (/24 for IPv4, /64 for IPv6) are counted over SIGNUP_WINDOW_S:
SIGNUP_PER_IP and SIGNUP_PER_NETWORK. Only sign-ups that passed validation, the
ones that hash, count; a refused one does not, so a noisy neighbour hammering
the form does not keep a network closed longer. Any limit set to 0 is off.
"""

import hashlib
import ipaddress
import math
import random
import time
from dataclasses import dataclass

from livestall.accounts.models import SignInDelay
from livestall.errors import RateLimited
from livestall.platform import ratelimit, settings

DEFAULTS = {
    "LOGIN_FREE_FAILURES": 5,
    "LOGIN_DELAY_BASE_S": 15,
    "LOGIN_DELAY_MAX_S": 900,
    "LOGIN_LIMIT_PER_IP": 30,
    "LOGIN_LIMIT_WINDOW_S": 900,
    "LOGIN_LIMIT_PER_ACCOUNT": 100,
    "LOGIN_ACCOUNT_WINDOW_S": 3600,
    "SIGNUP_PER_IP": 5,
    "SIGNUP_PER_NETWORK": 20,
    "SIGNUP_WINDOW_S": 3600,
}
DELAY_MEMORY_S = 24 * 3600
CLAIM_TRIES = 5

clock = time.time  # one clock for every limit here (tests move it forward)


def _setting(name):
    return settings.get(name, DEFAULTS[name])


def _ip(address):
    """The address as an IPv4Address or IPv6Address (an IPv4-mapped IPv6 one as
    IPv4), or None."""
    try:
        ip = ipaddress.ip_address((address or "").split("%")[0])
    except ValueError:
        return None
    return getattr(ip, "ipv4_mapped", None) or ip


def host_of(address):
    """The address as limits count it: an IPv4 address, or an IPv6 /64."""
    ip = _ip(address)
    if ip is None:
        return "unknown"
    return str(ip) if ip.version == 4 else network_of(address)


def network_of(address):
    """The address's network: its /24 (IPv4) or /64 (IPv6)."""
    ip = _ip(address)
    if ip is None:
        return "unknown"
    prefix = 24 if ip.version == 4 else 64
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


# --- sign-in --------------------------------------------------------------------------


@dataclass
class Attempt:
    """One sign-in attempt that passed the limits and was counted."""

    account: str  # "id:ID", or "login:TEXT" for a login that names no one
    host: str
    pair: str  # SignInDelay.key
    known_device: bool


def delay_after(failures):
    """Seconds the next attempt waits after `failures` failures in a row."""
    free = _setting("LOGIN_FREE_FAILURES")
    if failures < free:
        return 0
    base, cap = _setting("LOGIN_DELAY_BASE_S"), _setting("LOGIN_DELAY_MAX_S")
    return min(cap, base * 2 ** min(failures - free, 32))


def begin(account, address, device_id=None):
    """Check one sign-in attempt against the limits and count it; return the
    Attempt. RateLimited (with retry_after) when it must wait."""
    now = clock()
    host = host_of(address)
    if device_id is None:
        for key, limit, window_s in _counters(account, host):
            if limit and ratelimit.count(key, window_s, now) >= limit:
                raise RateLimited(
                    "Too many failed sign-in attempts. Try again later.",
                    retry_after=ratelimit.retry_after(window_s, now),
                )
    origin = f"device:{device_id}" if device_id else f"host:{host}"
    pair = hashlib.sha256(f"{account}|{origin}".encode()).hexdigest()
    _claim(pair, now)
    return Attempt(account, host, pair, device_id is not None)


def _claim(pair, now):
    """Count an attempt on the pair, unless it must still wait: one guarded
    UPDATE of the row as it was read, so of two racing attempts one counts and
    the other reads again (and waits, once a delay has started)."""
    SignInDelay.insert(key=pair).on_conflict_ignore().execute()
    for _ in range(CLAIM_TRIES):
        row = SignInDelay.get_or_none(SignInDelay.key == pair)
        if row is None:  # cleared by a success meanwhile
            SignInDelay.insert(key=pair).on_conflict_ignore().execute()
            continue
        remembered = now - row.last_at < DELAY_MEMORY_S
        failures = row.failures if remembered else 0
        if remembered and row.wait_until > now:
            raise RateLimited(
                "Too many failed sign-in attempts. Try again in %(seconds)d seconds.",
                retry_after=math.ceil(row.wait_until - now),
                seconds=math.ceil(row.wait_until - now),
            )
        failures += 1  # this attempt, until it succeeds
        claimed = (
            SignInDelay.update(
                failures=failures,
                wait_until=now + delay_after(failures),
                last_at=now,
            )
            .where(
                (SignInDelay.key == pair)
                & (SignInDelay.failures == row.failures)
                & (SignInDelay.last_at == row.last_at)
            )
            .execute()
        )
        if claimed:
            if random.random() < 0.01:
                SignInDelay.delete().where(
                    SignInDelay.last_at < now - DELAY_MEMORY_S
                ).execute()
            return
    raise RateLimited(
        "Too many failed sign-in attempts. Try again later.", retry_after=1
    )


def failed(attempt):
    """The attempt's password was wrong: it stays counted on its pair; an
    unknown device's failure also counts for its address and the account."""
    if attempt.known_device:
        return
    now = clock()
    for key, _, window_s in _counters(attempt.account, attempt.host):
        ratelimit.hit(key, window_s, now)


def succeeded(attempt):
    """The owner got in from this origin: its pair starts over."""
    SignInDelay.delete().where(SignInDelay.key == attempt.pair).execute()


def _counters(account, host):
    """(key, limit, window) of the counters an unknown device's failures go to:
    the account's, from everywhere, and the address's, for every account."""
    return [
        (
            f"login:acct:{account}",
            _setting("LOGIN_LIMIT_PER_ACCOUNT"),
            _setting("LOGIN_ACCOUNT_WINDOW_S"),
        ),
        (
            f"login:ip:{host}",
            _setting("LOGIN_LIMIT_PER_IP"),
            _setting("LOGIN_LIMIT_WINDOW_S"),
        ),
    ]


# --- sign-up --------------------------------------------------------------------------


def count_signup(address):
    """Count one sign-up from `address`; RateLimited when its address or network
    made too many in the window (nothing counted then)."""
    now = clock()
    window_s = _setting("SIGNUP_WINDOW_S")
    keys = [
        (f"signup:ip:{host_of(address)}", _setting("SIGNUP_PER_IP")),
        (f"signup:net:{network_of(address)}", _setting("SIGNUP_PER_NETWORK")),
    ]
    keys = [(key, limit) for key, limit in keys if limit]
    refused = RateLimited(
        "Too many accounts were created from your network. Try again later.",
        retry_after=ratelimit.retry_after(window_s, now),
    )
    if any(ratelimit.count(key, window_s, now) >= limit for key, limit in keys):
        raise refused
    # counted, then checked again: of parallel sign-ups that all read room for
    # one more, those past the limit are refused
    if any(ratelimit.hit(key, window_s, now) > limit for key, limit in keys):
        raise refused
