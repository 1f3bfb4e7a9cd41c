"""Sign-in and sign-up throttling, and sign-up that tells no one which emails are
registered (issue 15: findings 5, 2 and 7; livestall/accounts/throttling.py).

Five wrong passwords from anywhere once locked the owner out for 15 minutes, even
on their own phone. Now a stranger's failures delay only the stranger's own
(account, address) pair; the caps per address and per account spare a device the
owner signed in on before."""

from types import SimpleNamespace

import pytest

from app import create_app
from extensions import db
from livestall.accounts import devices, passwords, throttling
from livestall.accounts import rules as accounts
from livestall.accounts.models import UNCLAIMED, EmailClaim, SignInDelay, User
from livestall.errors import RateLimited
from livestall.platform import ratelimit
from tests.plugins.app import (
    FAST_HASH,
    PASSWORD,
    SUITE_ENV,
    AuthActions,
    csrf_token,
    read_db,
)

OWNER_IP, ATTACKER_IP = "198.51.100.7", "203.0.113.66"
WRONG = "not the password"


class Clock:
    """The throttle's clock, moved by the test (delays last seconds to minutes)."""

    def __init__(self):
        self.now = 1_900_000_000.0

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += seconds


@pytest.fixture
def clock(monkeypatch):
    fake = Clock()
    monkeypatch.setattr(throttling, "clock", fake)
    return fake


def login_form(client, login, password=PASSWORD, ip=ATTACKER_IP):
    return client.post(
        "/login",
        data={
            "csrf_token": csrf_token(client, "/login"),
            "login": login,
            "password": password,
        },
        environ_base={"REMOTE_ADDR": ip},
    )


def token_call(client, login, password=PASSWORD, ip=ATTACKER_IP, **extra):
    return client.post(
        "/api/v1/tokens",
        json={"login": login, "password": password, **extra},
        environ_base={"REMOTE_ADDR": ip},
    )


def signup_api(client, username, ip, email=None, **extra):
    return client.post(
        "/api/v1/users",
        json={
            "username": username,
            "email": email or f"{username}@example.com",
            "password": PASSWORD,
            "role": "shopper",
            **extra,
        },
        environ_base={"REMOTE_ADDR": ip},
    )


def signup_form(client, username, ip, email=None):
    return client.post(
        "/signup",
        data={
            "csrf_token": csrf_token(client, "/signup"),
            "username": username,
            "email": email or f"{username}@example.com",
            "password": PASSWORD,
            "role": "shopper",
        },
        environ_base={"REMOTE_ADDR": ip},
    )


def signed_in_as(client):
    resp = client.get("/api/v1/me")
    return resp.get_json()["user"]["username"] if resp.status_code == 200 else None


def known_device(app, username="alice", ip=OWNER_IP):
    """A client the owner signed in on (then signed out): it keeps its cookie."""
    device = app.test_client()
    assert login_form(device, username, ip=ip).status_code == 302
    assert device.get_cookie("livestall_device") is not None
    AuthActions(device).logout()
    assert signed_in_as(device) is None
    return device


def attack(client, login, times, ip=ATTACKER_IP):
    """`times` wrong passwords; the statuses answered."""
    return [login_form(client, login, WRONG, ip=ip).status_code for _ in range(times)]


@pytest.fixture
def owner(app, api):
    api.user("alice")
    return "alice"


# --- sign-in: a stranger cannot lock the owner out ------------------------------------


def test_strangers_failures_do_not_lock_out_the_owner_elsewhere(app, owner, clock):
    free = app.config["LOGIN_FREE_FAILURES"]
    assert free == 5
    attacker = app.test_client()
    assert attack(attacker, owner, free) == [401] * free
    resp = login_form(attacker, owner, WRONG)
    assert resp.status_code == 429 and int(resp.headers["Retry-After"]) >= 1
    # even the right password waits on the attacker's pair: it is not checked
    assert login_form(attacker, owner).status_code == 429
    assert token_call(app.test_client(), owner).status_code == 429
    # the owner, on a new device at home, and their app, get in
    home = app.test_client()
    assert login_form(home, owner, ip=OWNER_IP).status_code == 302
    assert signed_in_as(home) == owner
    resp = token_call(app.test_client(), owner, ip=OWNER_IP)
    assert resp.status_code == 201 and resp.get_json()["user"]["username"] == owner


def test_known_device_on_the_attackers_address_gets_in(app, owner, clock):
    """The owner's phone shares the attacker's address (same Wi-Fi, carrier NAT):
    its own token lets it past the attacker's delays."""
    phone = known_device(app, ip=ATTACKER_IP)
    app_token = token_call(app.test_client(), owner, ip=ATTACKER_IP).get_json()
    attacker = app.test_client()
    statuses = attack(attacker, owner, 12)
    assert statuses[:5] == [401] * 5 and set(statuses[5:]) == {429}
    clock.advance(60)
    assert attack(attacker, owner, 3) == [401, 429, 429]  # delays go on
    assert login_form(phone, owner, ip=ATTACKER_IP).status_code == 302
    assert signed_in_as(phone) == owner
    # an app sends the device_token its last sign-in answered
    resp = token_call(
        app.test_client(),
        owner,
        ip=ATTACKER_IP,
        device_token=app_token["device_token"],
    )
    assert resp.status_code == 201
    # without it, the same call from that address waits like the attacker
    assert token_call(app.test_client(), owner, ip=ATTACKER_IP).status_code == 429


def test_delays_grow_then_a_success_starts_over(app, owner, clock):
    base, cap = app.config["LOGIN_DELAY_BASE_S"], app.config["LOGIN_DELAY_MAX_S"]
    assert (base, cap) == (15, 900)
    client = app.test_client()
    attack(client, owner, 5)
    waits = []
    for _ in range(8):
        resp = login_form(client, owner, WRONG)
        assert resp.status_code == 429
        wait = int(resp.headers["Retry-After"])
        waits.append(wait)
        clock.advance(wait - 1)
        assert login_form(client, owner, WRONG).status_code == 429  # not yet
        clock.advance(1)
        assert login_form(client, owner, WRONG).status_code == 401  # one more guess
    assert waits == [15, 30, 60, 120, 240, 480, 900, 900]
    page = login_form(client, owner, WRONG).get_data(as_text=True)
    assert "Too many failed sign-in attempts. Try again in 900 seconds." in page
    # the owner waits once, gets in, and the pair starts over
    clock.advance(900)
    assert login_form(client, owner).status_code == 302
    # that cleared the pair (the owner, this address): five free failures again
    assert attack(app.test_client(), owner, 5) == [401] * 5


def test_an_attempt_is_counted_before_its_password_is_checked(app, owner, clock):
    """So a burst of parallel guesses sent the moment a delay ends gets one guess
    checked, not one per request: the first claims the pair (one guarded UPDATE)
    and starts the next delay before its password is even hashed."""
    client = app.test_client()
    attack(client, owner, 5)
    clock.advance(15)
    account = f"id:{read_db(lambda: User.get(User.username == owner).id)}"

    def attempt():
        try:
            throttling.begin(account, ATTACKER_IP)
            return "checked"
        except RateLimited:
            return "waits"

    with app.app_context():
        db.connect(reuse_if_open=True)
        assert [attempt() for _ in range(5)] == ["checked"] + ["waits"] * 4


def test_a_known_device_has_delays_of_its_own(app, owner, clock):
    phone = known_device(app)
    assert attack(phone, owner, 5, ip=OWNER_IP) == [401] * 5
    resp = login_form(phone, owner, ip=OWNER_IP)
    assert resp.status_code == 429 and resp.headers["Retry-After"] == "15"
    # a stranger's new device at the same address has a pair of its own
    assert login_form(app.test_client(), owner, ip=OWNER_IP).status_code == 302
    clock.advance(15)
    assert login_form(phone, owner, ip=OWNER_IP).status_code == 302


def test_per_address_cap_across_accounts(app, owner, clock):
    """Credential stuffing: one address trying many accounts."""
    limit = app.config["LOGIN_LIMIT_PER_IP"]
    assert limit == 30
    phone = known_device(app, ip=ATTACKER_IP)
    stuffer = app.test_client()
    for i in range(limit):
        assert login_form(stuffer, f"user{i}", WRONG).status_code == 401
    resp = login_form(stuffer, owner)  # an account it never tried
    assert resp.status_code == 429 and int(resp.headers["Retry-After"]) >= 1
    assert token_call(app.test_client(), owner).status_code == 429
    # another address, and the owner's own device on that address, get in
    assert login_form(app.test_client(), owner, ip=OWNER_IP).status_code == 302
    assert login_form(phone, owner, ip=ATTACKER_IP).status_code == 302


def test_global_account_cap_spares_known_devices(app, owner, clock):
    """A botnet, a few guesses per address: the account's cap stops new devices,
    never the owner's known ones."""
    cap = app.config["LOGIN_LIMIT_PER_ACCOUNT"]
    assert cap == 100 and app.config["LOGIN_ACCOUNT_WINDOW_S"] == 3600
    phone = known_device(app)
    api_device = token_call(app.test_client(), owner, ip=OWNER_IP).get_json()
    bot = app.test_client()
    for i in range(cap):
        ip = f"10.{i // 50}.{i % 50}.1"  # one failure each: no delays, no IP cap
        assert token_call(bot, owner, WRONG, ip=ip).status_code == 401
    resp = login_form(app.test_client(), owner, ip="192.0.2.200")
    assert resp.status_code == 429 and int(resp.headers["Retry-After"]) >= 1
    assert login_form(phone, owner, ip="192.0.2.201").status_code == 302
    resp = token_call(
        app.test_client(),
        owner,
        ip="192.0.2.202",
        device_token=api_device["device_token"],
    )
    assert resp.status_code == 201
    # the cap is a sliding hour
    clock.advance(2 * 3600)
    assert login_form(app.test_client(), owner, ip="192.0.2.203").status_code == 302


def test_device_tokens_cannot_be_forged_or_reused_for_another_account(
    app, api, owner, clock
):
    api.user("bob")
    phone = known_device(app, "bob", ip=ATTACKER_IP)  # bob's, not alice's
    attack(app.test_client(), owner, 5)
    assert login_form(phone, owner, ip=ATTACKER_IP).status_code == 429
    alice = read_db(lambda: User.get(User.username == owner))
    forged = f"{alice.id}-{'0' * 16}-{'0' * 32}"
    for value in (forged, "garbage", "1-2-3." * 400):
        assert devices.recognise(value, alice) is None
        resp = token_call(app.test_client(), owner, device_token=value)
        assert resp.status_code == 429
    resp = token_call(app.test_client(), owner, device_token=["not", "text"])
    assert resp.status_code == 400
    assert resp.get_json()["error"]["field"] == "device_token"


def test_a_password_change_forgets_known_devices(app, owner, clock):
    """Whoever once signed in with the old password loses the way past the caps."""
    old_phone = known_device(app, ip=ATTACKER_IP)
    owner_client = app.test_client()
    assert login_form(owner_client, owner, ip=OWNER_IP).status_code == 302
    resp = owner_client.post(
        "/settings/password",
        data={
            "csrf_token": csrf_token(owner_client, "/settings/password"),
            "current_password": PASSWORD,
            "new_password": "a quite different phrase",
        },
        environ_base={"REMOTE_ADDR": OWNER_IP},
    )
    assert resp.status_code == 302
    attack(app.test_client(), owner, 5)
    resp = login_form(old_phone, owner, "a quite different phrase", ip=ATTACKER_IP)
    assert resp.status_code == 429
    # the browser that changed it stays known
    AuthActions(owner_client).logout()
    resp = login_form(owner_client, owner, "a quite different phrase")
    assert resp.status_code == 302


def test_limits_hold_across_two_app_instances(tmp_path, clock):
    """Two server processes on one database (SQLite file; PostgreSQL on its pass):
    what one counted, the other refuses; a device one recognised, so does the
    other."""
    settings = {
        "TESTING": True,
        "DATA_DIR": str(tmp_path / "shared"),
        "SECRET_KEY": "test-secret",
        "PASSWORD_HASH_METHOD": FAST_HASH,
        "SESSION_COOKIE_SECURE": False,
        "LOGIN_LIMIT_PER_ACCOUNT": 8,
        "SIGNUP_PER_IP": 2,
    }
    app_a = create_app(settings)
    app_b = create_app(settings)
    try:
        assert signup_api(app_a.test_client(), "alice", OWNER_IP).status_code == 201
        phone = known_device(app_a)
        attacker_a = app_a.test_client()
        assert attack(attacker_a, "alice", 5) == [401] * 5
        # the pair's delay, counted by A, holds on B
        resp = login_form(app_b.test_client(), "alice")
        assert resp.status_code == 429 and resp.headers["Retry-After"] == "15"
        # the account's cap (8 failures from everywhere), counted by A, holds on B
        for i in range(3):
            assert attack(attacker_a, "alice", 1, ip=f"192.0.2.{i}") == [401]
        resp = login_form(app_b.test_client(), "alice", ip="192.0.2.99")
        assert resp.status_code == 429
        # the device A recognised, B recognises
        device_b = app_b.test_client()
        device_b.set_cookie(
            "livestall_device", phone.get_cookie("livestall_device").value
        )
        assert login_form(device_b, "alice", ip="192.0.2.99").status_code == 302
        assert signed_in_as(device_b) == "alice"
        # sign-ups: one from this address on A, so B has room for one more
        assert signup_api(app_b.test_client(), "bob", OWNER_IP).status_code == 201
        assert signup_api(app_a.test_client(), "carol", OWNER_IP).status_code == 429
        # and it is all in the database, none of it in a process
        with app_b.app_context():
            db.connect(reuse_if_open=True)
            assert SignInDelay.select().count() >= 1
            assert ratelimit.count("login:acct:id:1", 3600, clock.now) == 8
    finally:
        if not db.is_closed():
            db.close()


# --- sign-up throttling ---------------------------------------------------------------


@pytest.fixture
def signup_limits(app):
    app.config.update(SIGNUP_PER_IP=5, SIGNUP_PER_NETWORK=20)
    return app


def test_signup_limits_by_default(monkeypatch):
    import config

    for name in SUITE_ENV:  # the suite turns them off for everyone else
        monkeypatch.delenv(name, raising=False)
    cfg = config.load_config()
    assert (cfg["SIGNUP_PER_IP"], cfg["SIGNUP_PER_NETWORK"]) == (5, 20)
    assert cfg["SIGNUP_WINDOW_S"] == 3600


def test_signup_throttled_per_address(signup_limits, clock):
    app = signup_limits
    client = app.test_client()
    for i in range(5):
        assert signup_api(client, f"user{i}", "192.0.2.10").status_code == 201
    resp = signup_api(client, "user5", "192.0.2.10")
    assert resp.status_code == 429
    assert resp.get_json()["error"]["code"] == "rate_limited"
    assert int(resp.headers["Retry-After"]) >= 1
    form = signup_form(app.test_client(), "user6", "192.0.2.10")
    assert form.status_code == 429 and int(form.headers["Retry-After"]) >= 1
    assert "Too many accounts were created from your network." in form.get_data(
        as_text=True
    )
    assert read_db(lambda: User.select().count()) == 5
    # a neighbour on the same /24 is still welcome; the same address, an hour on
    assert signup_api(client, "user7", "192.0.2.11").status_code == 201
    clock.advance(2 * 3600)
    assert signup_form(app.test_client(), "user8", "192.0.2.10").status_code == 302


def test_signup_throttled_per_network(signup_limits, clock):
    client = signup_limits.test_client()
    for i in range(20):
        ip = f"192.0.2.{100 + i // 4}"  # 4 from each of 5 addresses
        assert signup_api(client, f"user{i}", ip).status_code == 201
    assert signup_api(client, "user20", "192.0.2.250").status_code == 429
    assert signup_api(client, "user21", "192.0.3.1").status_code == 201


def test_signup_counts_an_ipv6_64_as_one_address(signup_limits, clock):
    assert throttling.host_of("2001:db8:1:2::1") == "2001:db8:1:2::/64"
    assert throttling.network_of("::ffff:192.0.2.9") == "192.0.2.0/24"
    assert throttling.host_of("::ffff:192.0.2.9") == "192.0.2.9"
    client = signup_limits.test_client()
    for i in range(5):
        ip = f"2001:db8:1:2::{i + 1:x}"
        assert signup_api(client, f"user{i}", ip).status_code == 201
    assert signup_api(client, "user5", "2001:db8:1:2:ffff::9").status_code == 429
    assert signup_api(client, "user6", "2001:db8:1:3::1").status_code == 201


def test_refused_signups_are_not_counted(signup_limits, monkeypatch):
    """A typo costs nothing: only a sign-up that hashes a password counts."""
    hashed = []
    real = passwords.hash_password
    monkeypatch.setattr(
        passwords, "hash_password", lambda *a: hashed.append(1) or real(*a)
    )
    client = signup_limits.test_client()
    for i in range(10):
        resp = signup_api(client, f"user{i}", "192.0.2.10", email="not-an-email")
        assert resp.status_code == 400
    for i in range(5):
        assert signup_api(client, f"user{i}", "192.0.2.10").status_code == 201
    assert len(hashed) == 5
    assert signup_api(client, "user9", "192.0.2.10").status_code == 429
    assert len(hashed) == 5  # refused before hashing


# --- sign-up does not reveal which emails are registered ------------------------------


def shape(value):
    """The structure of a JSON answer: keys, types and string lengths."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [shape(v) for v in value]
    if isinstance(value, str):
        return f"str[{len(value)}]"
    return type(value).__name__


def test_api_signup_with_a_taken_email_answers_like_a_free_one(app, api, monkeypatch):
    api.user("dave")
    hashed = []
    real = passwords.hash_password
    monkeypatch.setattr(
        passwords, "hash_password", lambda *a: hashed.append(1) or real(*a)
    )
    taken = signup_api(app.test_client(), "erin", OWNER_IP, email="DAVE@example.com")
    free = signup_api(app.test_client(), "fred", OWNER_IP, email="fred@example.com")
    assert taken.status_code == free.status_code == 201
    assert shape(taken.get_json()) == shape(free.get_json())
    assert sorted(taken.headers.keys()) == sorted(free.headers.keys())
    assert len(hashed) == 2  # the same work for both
    # the account is real: its token works, and it signs in by username
    body = taken.get_json()
    me = api.call("GET", "/api/v1/me", token=body["token"])
    assert me.status_code == 200 and me.get_json()["user"] == body["user"]
    assert token_call(app.test_client(), "erin", ip=OWNER_IP).status_code == 201
    # but the address stays dave's: signing in by it reaches dave only
    erin, dave = read_db(
        lambda: (
            User.get(User.username == "erin"),
            User.get(User.username == "dave"),
        )
    )
    assert dave.email == "dave@example.com" and erin.email.startswith(UNCLAIMED)
    assert read_db(lambda: EmailClaim.get(EmailClaim.user == erin.id).email) == (
        "dave@example.com"
    )
    resp = token_call(app.test_client(), "dave@example.com", ip=OWNER_IP)
    assert resp.get_json()["user"]["username"] == "dave"


def test_form_signup_with_a_taken_email_answers_like_a_free_one(app, api):
    api.user("dave")
    answers = {}
    for name, email in (("erin", "dave@example.com"), ("fred", "fred@example.com")):
        client = app.test_client()
        resp = signup_form(client, name, OWNER_IP, email=email)
        follow = client.get(resp.headers["Location"])
        profile = client.get("/settings/profile").get_data(as_text=True)
        answers[name] = {
            "status": resp.status_code,
            "location": resp.headers["Location"],
            "cookies": sorted(
                h.split("=")[0] for h in resp.headers.getlist("Set-Cookie")
            ),
            "welcome": f"Welcome to Livestall, {name}!"
            in follow.get_data(as_text=True),
            "signed_in": signed_in_as(client) == name,
            "email_shown": email in profile,
        }
    assert answers["erin"] == answers["fred"]
    assert answers["erin"]["status"] == 302 and answers["erin"]["signed_in"]
    assert answers["erin"]["email_shown"]


def test_a_taken_username_is_still_said(app, api):
    """Usernames are public (profile pages): nothing to hide."""
    api.user("dave")
    resp = signup_api(app.test_client(), "dave", OWNER_IP, email="new@example.com")
    assert resp.status_code == 409
    assert resp.get_json()["error"]["field"] == "username"


def test_an_email_taken_during_the_signup_still_answers_the_same(app, monkeypatch):
    """A parallel sign-up takes the address while this one hashes: this one
    becomes a claim, not a 409 and not a 500."""
    real = passwords.hash_password
    parallel = []

    def hash_while_another_signs_up(password, method):
        if not parallel:
            parallel.append("first")  # (its own hash comes back here)
            accounts.register(
                "first", "same@example.com", PASSWORD, hash_method=FAST_HASH
            )
        return real(password, method)

    monkeypatch.setattr(passwords, "hash_password", hash_while_another_signs_up)
    resp = signup_api(app.test_client(), "second", OWNER_IP, email="same@example.com")
    assert resp.status_code == 201
    assert read_db(lambda: User.get(User.username == "first").email) == (
        "same@example.com"
    )
    second = read_db(lambda: User.get(User.username == "second"))
    assert second.email.startswith(UNCLAIMED)
    assert read_db(lambda: User.get(User.username == "second").shown_email) == (
        "same@example.com"
    )


# --- shared counters ------------------------------------------------------------------


def test_short_window_counters_do_not_wipe_long_ones(app, monkeypatch):
    """The occasional clean-up of one counter's stale windows once deleted every
    row numbered below its own window: a comment's 60 s windows (numbered about
    30 million) wiped a login's 3,600 s ones (about 500 thousand)."""
    monkeypatch.setattr(ratelimit, "random", SimpleNamespace(random=lambda: 0.0))
    now = 1_900_000_000.0
    with app.app_context():
        db.connect(reuse_if_open=True)
        for _ in range(3):
            ratelimit.hit("login:acct:id:1", 3600, now)
        ratelimit.hit("comment:1", 60, now)
        assert ratelimit.count("login:acct:id:1", 3600, now) == 3
        ratelimit.hit("comment:1", 60, now + 600)  # its own old windows go
        assert ratelimit.count("comment:1", 60, now + 600) == 1
        assert ratelimit.count("login:acct:id:1", 3600, now + 600) == 3
