"""No one can stall the event loop (issue 15, finding 2), measured on a real
`python app.py` (gevent) with real clients.

Signing up once hashed scrypt (n=2^17, 0.4 s of CPU) on the loop: two clients
creating accounts took /healthz from 6 ms to ~700 ms median, and every chat
message waited; decoding an image did the same. That work now runs in worker
processes (livestall/platform/offload.py, workers.py). Idle, then while two
clients sign up in a loop (each time from a new address, as a botnet would: per-address
throttles cannot stop that, so the loop itself must hold) and two upload
12-megapixel phone photos in a loop:

- /healthz stays under 50 ms median;
- a chat message's round trip (one python-socketio client sends, another
  receives the broadcast) stays within 2x its idle value: p99 within
  max(2x idle, idle + 30 ms), p50 within max(2x idle, idle + 5 ms).

Why the floors. Idle, a round trip here is ~3 ms and its p99 (the fourth
highest of ~350 samples) 5-8 ms, so a few late samples move it by milliseconds.
Measured with the work in worker processes (livestall/platform/workers.py): burst
p99 11-18 ms, 1.6x-2.8x idle, p50 unchanged; with the same work in threads of this
process, p99 was 47-53 ms (Pillow's encoder and the 128 MB scrypt allocations hold
the GIL in spans the loop waits for), and on the loop itself hundreds of ms (one
hash holds it 400 ms, one photo over a second). The floors sit above the noise
of two shared cores and well below both of those.

The same run with the offload switched off (LIVESTALL_OFFLOAD_CPU=0) must break
the bounds: the control that shows the load is heavy enough to matter.
"""

import http.client
import io
import json
import math
import statistics
import threading
import time
import uuid
from urllib.parse import quote

import pytest
import socketio
from PIL import Image

from tests.factories.flash import call, live_room
from tests.plugins.app import PASSWORD
from tests.plugins.browser import LiveServer

pytestmark = [pytest.mark.slow, pytest.mark.serial]

NS = "/live"
STRONG_HASH = "scrypt:131072:8:1"  # the production default (config.py)
MEASURE_S = 5.0  # each phase: idle, then under load
WARM_UP_S = 1.0  # load running before the burst phase is measured
HEALTHZ_P50_MAX_MS = 50
# The chat bounds: 2x idle, with a floor (see the module's docstring).
CHAT_P99_FLOOR_MS = 30
CHAT_P50_FLOOR_MS = 5


def percentile(values, p):
    """Nearest-rank percentile (p99 of 100 samples is the 99th smallest)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def photo_jpeg():
    """A 12-megapixel phone-sized JPEG (4000x3000, ~3.7 MB): allowed, and about a
    second of decoding, resampling and re-encoding."""
    w, h = 4000, 3000
    noise = Image.effect_noise((w // 4, h // 4), 60).resize((w, h))
    grad = Image.linear_gradient("L").resize((w, h))
    img = Image.merge(
        "RGB", (noise, grad, grad.transpose(Image.Transpose.FLIP_LEFT_RIGHT))
    )
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=90)
    return buf.getvalue()


def request(port, method, path, body=b"", headers=None, timeout=60):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


class Load:
    """Background clients hammering the server until `stop()`; counts successes."""

    def __init__(self, port):
        self.port = port
        self.stopping = threading.Event()
        self.threads = []
        self.done = {"signup": 0, "upload": 0}
        self.failed = []
        self.lock = threading.Lock()
        self.addresses = iter(range(1, 1 << 16))

    def _count(self, kind, status, body):
        with self.lock:
            if status == 201:
                self.done[kind] += 1
            else:
                self.failed.append((kind, status, body[:200]))

    def address(self):
        """A fresh client address in a /24 of its own (behind the trusted proxy)."""
        with self.lock:
            n = next(self.addresses)
        return f"10.{n >> 8}.{n & 255}.7"

    def signups(self):
        while not self.stopping.is_set():
            name = "u" + uuid.uuid4().hex[:12]
            body = {
                "username": name,
                "email": f"{name}@example.com",
                "password": PASSWORD,
            }
            status, answer = request(
                self.port,
                "POST",
                "/api/v1/users",
                json.dumps(body).encode(),
                {"Content-Type": "application/json", "X-Forwarded-For": self.address()},
            )
            self._count("signup", status, answer)

    def uploads(self, token, data):
        boundary = uuid.uuid4().hex
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                f'filename="photo.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'
            ).encode()
            + data
            + f"\r\n--{boundary}--\r\n".encode()
        )
        headers = {
            "Authorization": f"Bearer {token}",
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        }
        while not self.stopping.is_set():
            status, answer = request(self.port, "POST", "/api/v1/images", body, headers)
            self._count("upload", status, answer)

    def start(self, tokens, data):
        targets = [(self.signups, ()), (self.signups, ())]
        targets += [(self.uploads, (token, data)) for token in tokens]
        for target, args in targets:
            thread = threading.Thread(target=target, args=args, daemon=True)
            thread.start()
            self.threads.append(thread)

    def stop(self):
        self.stopping.set()
        for thread in self.threads:
            thread.join(90)


class ChatProbe:
    """Round trips of chat messages: the host sends, a viewer receives."""

    def __init__(self, server, host_token, session_id):
        self.session_id = session_id
        self.arrived = {}
        self.changed = threading.Condition()
        self.sender = socketio.Client(reconnection=False)
        self.receiver = socketio.Client(reconnection=False)
        self.receiver.on("chat", self._received, namespace=NS)
        for client, token in ((self.sender, host_token), (self.receiver, None)):
            client.connect(
                server.url,
                transports=["websocket"],
                namespaces=[NS],
                auth={"token": token} if token else None,
                wait_timeout=10,
            )
            ack = client.call(
                "join", {"session_id": session_id}, namespace=NS, timeout=10
            )
            assert ack["ok"], ack

    def _received(self, data):
        with self.changed:
            self.arrived[data["body"]] = time.perf_counter()
            self.changed.notify_all()

    def round_trip(self, body, timeout=15):
        sent = time.perf_counter()
        self.sender.emit(
            "chat", {"session_id": self.session_id, "body": body}, namespace=NS
        )
        with self.changed:
            self.changed.wait_for(lambda: body in self.arrived, timeout)
        assert body in self.arrived, f"chat {body!r} never arrived"
        return (self.arrived[body] - sent) * 1000

    def close(self):
        self.sender.disconnect()
        self.receiver.disconnect()


def measure(port, chat, label):
    """Sample /healthz (every 20 ms) and chat round trips (every 10 ms) for
    MEASURE_S, side by side; return their milliseconds."""
    healthz, rtts = [], []
    end = time.perf_counter() + MEASURE_S

    def sample_healthz():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while time.perf_counter() < end:
            start = time.perf_counter()
            conn.request("GET", "/healthz")
            resp = conn.getresponse()
            resp.read()
            assert resp.status == 200
            healthz.append((time.perf_counter() - start) * 1000)
            time.sleep(0.02)
        conn.close()

    thread = threading.Thread(target=sample_healthz)
    thread.start()
    n = 0
    while time.perf_counter() < end:
        n += 1
        rtts.append(chat.round_trip(f"{label} {n}"))
        time.sleep(0.01)
    thread.join(90)
    return healthz, rtts


def run_scenario(tmp_path, offload):
    data_dir = tmp_path / ("offload" if offload else "on-the-loop")
    data_dir.mkdir()
    server = LiveServer(
        data_dir,
        extra_env={
            "LIVESTALL_OFFLOAD_CPU": "1" if offload else "0",
            "LIVESTALL_PASSWORD_HASH_METHOD": STRONG_HASH,
            # the load signs up from addresses given by X-Forwarded-For
            "LIVESTALL_TRUSTED_PROXIES": "1",
            # uploads: the loop is measured here, not the per-user rate
            "LIVESTALL_UPLOAD_LIMIT_PER_USER": "0",
            "LIVESTALL_CHAT_BURST": "100000",
            "LIVESTALL_CHAT_REFILL_S": "0.001",
        },
    )
    load = Load(server.port)
    chat = None
    try:
        room = live_room(server.port, units=0)
        tokens = []
        for _ in range(2):
            name = "up" + uuid.uuid4().hex[:10]
            status, got = call(
                server.port,
                "POST",
                "/api/v1/users",
                body={
                    "username": name,
                    "email": f"{name}@example.com",
                    "password": PASSWORD,
                },
            )
            assert status == 201, got
            tokens.append(got["token"])
        chat = ChatProbe(server, room["host"], room["session_id"])
        chat.round_trip("warm-up")
        idle = measure(server.port, chat, "idle")
        load.start(tokens, photo_jpeg())
        time.sleep(WARM_UP_S)
        before = dict(load.done)
        burst = measure(server.port, chat, "burst")
        during = {k: load.done[k] - before[k] for k in before}
        load.stop()
        checks = None
        if offload:  # the offloaded paths answer as before on the real server
            status, signed_in = call(
                server.port,
                "POST",
                "/api/v1/tokens",
                body={"login": "teashop", "password": PASSWORD},
            )
            assert status == 201, signed_in
            checks = {
                "search": call(server.port, "GET", "/api/v1/search?q=" + quote("龙井")),
                "what_if": call(
                    server.port,
                    "GET",
                    "/api/v1/merchant/attribution?model=linear",
                    signed_in["token"],
                ),
            }
        return {
            "idle": idle,
            "burst": burst,
            "during": during,
            "done": dict(load.done),
            "failed": load.failed,
            "checks": checks,
            "log": server.output(limit=2_000_000),
        }
    finally:
        load.stop()
        if chat is not None:
            chat.close()
        server.stop()


def figures(result):
    """The measured milliseconds: /healthz p50, chat p50 and p99, idle and burst."""
    (idle_h, idle_c), (burst_h, burst_c) = result["idle"], result["burst"]
    return {
        "healthz_p50": [statistics.median(idle_h), statistics.median(burst_h)],
        "chat_p50": [statistics.median(idle_c), statistics.median(burst_c)],
        "chat_p99": [percentile(idle_c, 99), percentile(burst_c, 99)],
        "samples": {
            "healthz": [len(idle_h), len(burst_h)],
            "chat": [len(idle_c), len(burst_c)],
        },
        "done_while_measured": result["during"],
    }


def broken_bounds(f):
    """Which of the bounds the burst broke (none: the loop stayed responsive)."""
    (idle_p50, burst_p50), (idle_p99, burst_p99) = f["chat_p50"], f["chat_p99"]
    broken = []
    if f["healthz_p50"][1] >= HEALTHZ_P50_MAX_MS:
        broken.append("healthz p50")
    if burst_p99 > max(2 * idle_p99, idle_p99 + CHAT_P99_FLOOR_MS):
        broken.append("chat p99")
    if burst_p50 > max(2 * idle_p50, idle_p50 + CHAT_P50_FLOOR_MS):
        broken.append("chat p50")
    return broken


def test_the_loop_stays_responsive_while_accounts_and_photos_are_processed(
    tmp_path,
):
    result = run_scenario(tmp_path, offload=True)
    f = figures(result)
    print("offload on:", json.dumps(f))
    assert "Traceback" not in result["log"], result["log"][-4000:]
    assert result["failed"] == [], result["failed"][:5]
    # the hashing and decoding really happened while the loop was measured (a
    # photo takes about a second to decode here: on a busy CI machine only one
    # may finish inside the 5 s window, which proves the point as well)
    assert f["done_while_measured"]["signup"] >= 3, f
    assert f["done_while_measured"]["upload"] >= 1, f
    assert broken_bounds(f) == [], f
    status, found = result["checks"]["search"]
    assert status == 200 and [i["title"] for i in found["items"]] == ["龙井"], found
    status, report = result["checks"]["what_if"]
    assert status == 200 and report["what_if"] is True, report


def test_the_same_load_on_the_loop_stalls_it(tmp_path):
    """The control: with the offload off, the same load breaks the bounds."""
    result = run_scenario(tmp_path, offload=False)
    f = figures(result)
    print("offload off:", json.dumps(f))
    assert result["done"]["signup"] >= 1 and result["done"]["upload"] >= 1, f
    assert "healthz p50" in broken_bounds(f) and "chat p99" in broken_bounds(f), f
