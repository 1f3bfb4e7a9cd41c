"""What one user may upload (issue 15, finding 2): a pixel limit a phone photo
fits in, read from the header before any decoding; a per-user rate; a per-user
quota of stored bytes. Through POST /api/v1/images, as every upload of the site
goes through the same pipeline (blueprints.common.store_upload)."""

import io
import struct
import time
import zlib

import pytest
from PIL import Image as PILImage
from PIL import ImageFile

from livestall.media.models import Image
from tests.plugins.api import image_bytes
from tests.plugins.app import read_db


def png_header_only(width, height):
    """A PNG that declares width x height and carries no pixel data."""

    def chunk(kind, body):
        crc = struct.pack(">I", zlib.crc32(kind + body))
        return struct.pack(">I", len(body)) + kind + body + crc

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b"")


@pytest.fixture
def decodes(monkeypatch):
    """The sizes of the images fully decoded (ImageFile.load) during the test."""
    calls = []
    original = ImageFile.ImageFile.load

    def load(self):
        calls.append(self.size)
        return original(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)
    return calls


def send(api, token, data, name="photo.png"):
    return api.call(
        "POST",
        "/api/v1/images",
        token=token,
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_a_small_png_declaring_40_megapixels_is_refused_without_decoding(
    app, api, decodes
):
    """The review's bomb: 128 KB of PNG for 6320x6320 pixels, 1.4 s and 300 MB to
    decode, was under the old 40 MP limit. Now its header is enough."""
    buf = io.BytesIO()
    PILImage.new("RGB", (6320, 6320), (250, 250, 250)).save(buf, "PNG")
    bomb = buf.getvalue()
    assert len(bomb) < 200_000
    token = api.user("mei")
    started = time.perf_counter()
    resp = send(api, token, bomb)
    elapsed = time.perf_counter() - started
    assert resp.status_code == 413, resp.get_json()
    assert resp.get_json()["error"]["code"] == "image_too_large"
    assert decodes == []
    assert elapsed < 0.5  # a decode alone takes over a second
    assert read_db(lambda: Image.select().count()) == 0


def test_the_pixel_limit_fits_a_phone_photo_and_no_more(app, api, decodes):
    assert app.config["MAX_IMAGE_PIXELS"] == 25_000_000
    token = api.user("mei")
    # a 24 MP iPhone photo (5712x4284) passes the limit: this header-only file
    # then fails as damaged, which shows it got past the pixel check
    resp = send(api, token, png_header_only(5712, 4284))
    assert resp.get_json()["error"]["code"] == "invalid_image"
    # a 50 MP "full resolution" shot (8160x6120) does not
    resp = send(api, token, png_header_only(8160, 6120))
    assert resp.status_code == 413
    assert resp.get_json()["error"]["code"] == "image_too_large"
    assert decodes == [(5712, 4284)]  # the first one only


def test_uploads_per_user_are_rate_limited(app, api):
    app.config["UPLOAD_LIMIT_PER_USER"] = 3
    mei, lily = api.user("mei"), api.user("lily", role="creator")
    for n in range(3):
        resp = send(api, mei, image_bytes("PNG", color=(80 * n, 10, 10)))
        assert resp.status_code == 201, resp.get_json()
    resp = send(api, mei, image_bytes("PNG", color=(10, 200, 10)))
    assert resp.status_code == 429
    assert resp.get_json()["error"]["code"] == "rate_limited"
    assert 1 <= int(resp.headers["Retry-After"]) <= app.config["UPLOAD_LIMIT_WINDOW_S"]
    # per user: someone else still uploads
    assert send(api, lily, image_bytes("PNG", color=(10, 200, 10))).status_code == 201
    assert read_db(lambda: Image.select().count()) == 4


def test_stored_bytes_per_user_are_capped_by_a_quota(app, api):
    mei, lily = api.user("mei"), api.user("lily", role="creator")
    first = send(api, mei, image_bytes("PNG", (200, 150), (10, 120, 200)))
    assert first.status_code == 201
    size = read_db(lambda: Image.get_by_id(first.get_json()["image"]["id"]).byte_size)
    app.config["UPLOAD_QUOTA_BYTES"] = size + 10
    other = image_bytes("PNG", (200, 150), (200, 120, 10))
    resp = send(api, mei, other)
    assert resp.status_code == 413
    assert resp.get_json()["error"]["code"] == "quota_exceeded"
    # the same photo again takes no more room
    again = send(api, mei, image_bytes("PNG", (200, 150), (10, 120, 200)))
    assert again.status_code == 201
    assert again.get_json()["image"]["id"] == first.get_json()["image"]["id"]
    # another user's quota is their own
    assert send(api, lily, other).status_code == 201
    app.config["UPLOAD_QUOTA_BYTES"] = size  # used up: refused before decoding
    resp = send(api, mei, other)
    assert resp.get_json()["error"]["code"] == "quota_exceeded"
