"""The upload pipeline (livestall.media.images.ingest), unit by unit (SECURITY.md).

Every test runs inside an app context with a database connection; the images land in
the test's own MEDIA_DIR.
"""

import hashlib
import io
import os
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image as PILImage
from PIL import ImageFile, PngImagePlugin

from extensions import db
from livestall.accounts.models import User
from livestall.errors import Invalid, TooLarge, UnsupportedMedia
from livestall.media import images
from livestall.media.models import Image
from tests.plugins.api import image_bytes

GPS_IFD = 0x8825
ORIENTATION = 0x0112


@pytest.fixture
def media(app):
    return Path(app.config["MEDIA_DIR"])


@pytest.fixture
def ingest(app, media):
    """`ingest(data, **overrides)` with the app's limits, as the views call it."""
    with app.app_context(), db.connection_context():
        owner = User.create(
            username="uploader", email="uploader@example.com", password_hash="x"
        )

        def run(data, **overrides):
            options = {
                "media_dir": str(media),
                "max_pixels": app.config["MAX_IMAGE_PIXELS"],
                "thumb_size": app.config["THUMBNAIL_SIZE"],
                **overrides,
            }
            return images.ingest(data, owner, **options)

        run.owner = owner
        yield run


def stored(media, image, thumb=False):
    name = image.thumb_filename if thumb else image.filename
    return PILImage.open(media / name)


def png_chunk(kind, body):
    crc = struct.pack(">I", zlib.crc32(kind + body))
    return struct.pack(">I", len(body)) + kind + body + crc


def png_header_only(width, height):
    """A PNG that declares width x height but carries no pixel data at all."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IEND", b"")


def exif_with_gps(orientation=1):
    exif = PILImage.Exif()
    exif[ORIENTATION] = orientation
    exif[0x010F] = "SpyCam Industries"  # Make
    exif[0x0110] = "Model X-Ray"  # Model
    exif[0x0132] = "2026:01:02 03:04:05"  # DateTime
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"  # GPSLatitudeRef
    gps[2] = (39.0, 54.0, 27.0)  # GPSLatitude
    gps[3] = "E"
    gps[4] = (116.0, 23.0, 50.0)  # GPSLongitude
    return exif


def riff_chunks(data):
    """The chunk ids of a RIFF/WebP file."""
    assert data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    ids, pos = [], 12
    while pos + 8 <= len(data):
        size = struct.unpack("<I", data[pos + 4 : pos + 8])[0]
        ids.append(data[pos : pos + 4])
        pos += 8 + size + (size & 1)
    return ids


# --- allow-list --------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "GIF"])
def test_allowed_formats_are_decoded_and_stored_as_webp(ingest, media, fmt):
    image = ingest(image_bytes(fmt, (64, 48)))
    assert (image.width, image.height) == (64, 48)
    assert image.owner_id == ingest.owner.id
    path = media / image.filename
    assert image.byte_size == path.stat().st_size
    with stored(media, image) as out:
        assert out.format == "WEBP"
        assert out.size == (64, 48)
    assert Image.select().count() == 1


def test_transparency_survives_and_opaque_images_have_no_alpha(ingest, media):
    clear = ingest(image_bytes("PNG", (20, 20), (0, 0, 0, 0), alpha=True))
    opaque = ingest(image_bytes("JPEG", (20, 20)))
    with stored(media, clear) as out:
        assert out.mode == "RGBA"
        assert out.getpixel((5, 5))[3] == 0
    with stored(media, opaque) as out:
        assert out.mode == "RGB"


def test_animated_gif_keeps_only_its_first_frame(ingest, media):
    buf = io.BytesIO()
    frames = [PILImage.new("RGB", (32, 32), (250, 0, 0))]
    frames += [PILImage.new("RGB", (32, 32), (0, 0, 250)) for _ in range(3)]
    frames[0].save(buf, "GIF", save_all=True, append_images=frames[1:], duration=40)
    image = ingest(buf.getvalue())
    with stored(media, image) as out:
        assert getattr(out, "n_frames", 1) == 1
        red, green, blue = out.convert("RGB").getpixel((16, 16))
        assert red > 200 and blue < 50


SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">'
    b"<script>alert(1)</script></svg>"
)


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(SVG, id="svg"),
        pytest.param(b"<svg onload=alert(1)>", id="bare-svg"),
        pytest.param(b"<!doctype html><script>alert(1)</script>", id="html"),
        pytest.param(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n", id="pdf"),
        pytest.param(b"just some words, not an image\n" * 10, id="text"),
        pytest.param(image_bytes("BMP"), id="bmp"),
        pytest.param(image_bytes("TIFF"), id="tiff"),
        pytest.param(image_bytes("ICO", (32, 32)), id="ico"),
        pytest.param(image_bytes("PPM"), id="ppm"),
        pytest.param(bytes(range(256)) * 8, id="random-bytes"),
        pytest.param(b"GIF89a" + b"\x00" * 3, id="gif-magic-only"),
    ],
)
def test_everything_off_the_allow_list_is_unsupported(ingest, media, data):
    with pytest.raises(UnsupportedMedia) as info:
        ingest(data)
    assert info.value.status == 415
    assert info.value.code == "unsupported_media_type"
    assert list(media.iterdir()) == []
    assert Image.select().count() == 0


# --- pixel limit -------------------------------------------------------------------


@pytest.fixture
def decode_spy(monkeypatch):
    """Count full decodes (ImageFile.load) so a limit can be shown to come first."""
    calls = []
    original = ImageFile.ImageFile.load

    def load(self):
        calls.append(self.size)
        return original(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)
    return calls


@pytest.mark.parametrize(
    ("width", "height", "max_pixels"),
    [
        (100_000, 100_000, None),  # Pillow's own bomb error (over 2x its limit)
        (10_000, 10_000, None),  # over Pillow's warning level: refused by ours
        (5_000, 5_000, None),  # 25 M pixels: under Pillow's limit, ...
        (2_001, 500, 1_000_000),  # ... and the app's own, configurable one
    ],
)
def test_pixel_bomb_header_is_refused_before_any_decode(
    ingest, media, decode_spy, width, height, max_pixels
):
    limit = max_pixels or 20_000_000
    with pytest.raises(TooLarge) as info:
        ingest(png_header_only(width, height), max_pixels=limit)
    assert info.value.status == 413
    assert info.value.code == "image_too_large"
    # The file has no pixel data: a decode would have said "damaged" instead.
    assert decode_spy == []
    assert list(media.iterdir()) == []


def test_real_image_over_the_configured_pixel_limit_is_too_large(ingest, decode_spy):
    data = image_bytes("PNG", (2000, 1000))
    with pytest.raises(TooLarge):
        ingest(data, max_pixels=1_000_000)
    assert decode_spy == []
    assert ingest(data, max_pixels=2_000_000).width == 2000  # exactly at the limit


# --- damaged files -------------------------------------------------------------------


def _truncated(fmt):
    data = image_bytes(fmt, (300, 200), (10, 120, 200))
    return data[: len(data) // 2]


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(_truncated("JPEG"), id="truncated-jpeg"),
        pytest.param(_truncated("PNG"), id="truncated-png"),
        pytest.param(b"", id="zero-bytes"),
        pytest.param(
            b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", b"\x00\x00\x00\x10\x00"),
            id="png-short-ihdr",
        ),
    ],
)
def test_damaged_images_are_invalid(ingest, media, data):
    with pytest.raises(Invalid) as info:
        ingest(data)
    assert info.value.status == 400
    assert info.value.code == "invalid_image"
    assert list(media.iterdir()) == []


def test_webp_with_a_broken_frame_header_is_invalid(ingest, media):
    data = bytearray(image_bytes("WEBP", (30, 20)))
    data[16] ^= 0xFF  # inside the VP8 chunk header: libwebp cannot make a decoder
    with pytest.raises(Invalid):
        ingest(bytes(data))
    assert list(media.iterdir()) == []


def test_image_with_a_corrupt_exif_block_is_still_accepted(ingest, media):
    data = image_bytes("WEBP", (30, 20), exif=b"M\x1c\x00*\x00\x00\x00\x08\x00\x01")
    image = ingest(data)
    assert (image.width, image.height) == (30, 20)
    with stored(media, image) as out:
        assert "exif" not in out.info


# --- metadata, orientation, size -----------------------------------------------------


def test_exif_and_gps_are_gone_after_the_re_encode(ingest, media):
    data = image_bytes("JPEG", (80, 60), exif=exif_with_gps())
    with PILImage.open(io.BytesIO(data)) as source:  # the test input really has GPS
        assert source.getexif().get_ifd(GPS_IFD)
        assert source.getexif()[0x010F] == "SpyCam Industries"
    image = ingest(data)
    for thumb in (False, True):
        raw = (media / (image.thumb_filename if thumb else image.filename)).read_bytes()
        assert b"SpyCam" not in raw and b"Model X-Ray" not in raw
        assert b"Exif" not in raw
        assert not {b"EXIF", b"XMP ", b"ICCP"} & set(riff_chunks(raw))
        with stored(media, image, thumb) as out:
            assert "exif" not in out.info and "xmp" not in out.info
            exif = out.getexif()
            assert len(exif) == 0
            assert not exif.get_ifd(GPS_IFD)


def test_metadata_of_webp_and_png_inputs_is_dropped_too(ingest, media):
    webp = image_bytes(
        "WEBP", (40, 40), exif=exif_with_gps(), xmp=b"<x:xmpmeta>secret</x:xmpmeta>"
    )
    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", "home address: 1 Secret Lane")
    png = image_bytes("PNG", (40, 40), (1, 2, 3), pnginfo=text)
    for data in (webp, png):
        raw = (media / ingest(data).filename).read_bytes()
        assert b"secret" not in raw.lower() and b"Secret Lane" not in raw
        assert riff_chunks(raw)[0] in (b"VP8 ", b"VP8L")  # pixels only, no VP8X extras


def test_trailing_payload_after_the_image_is_not_kept(ingest, media):
    data = image_bytes("PNG", (16, 16)) + b"<script>alert(document.cookie)</script>"
    raw = (media / ingest(data).filename).read_bytes()
    assert b"<script>" not in raw


def test_exif_orientation_is_applied(ingest, media):
    source = PILImage.new("RGB", (60, 30), (220, 0, 0))
    source.paste((0, 0, 220), (30, 0, 60, 30))  # left half red, right half blue
    buf = io.BytesIO()
    source.save(buf, "JPEG", quality=95, exif=exif_with_gps(orientation=6))
    image = ingest(buf.getvalue())
    assert (image.width, image.height) == (30, 60)
    with stored(media, image) as out:
        assert out.size == (30, 60)
        top, bottom = out.getpixel((15, 8)), out.getpixel((15, 52))
    # Orientation 6 = rotate 90 degrees clockwise: the left (red) half goes on top.
    assert top[0] > 150 and top[2] < 80
    assert bottom[2] > 150 and bottom[0] < 80


@pytest.mark.parametrize(
    ("size", "expected_long_side_at"),
    [((5000, 1000), 0), ((1000, 3000), 1), ((2049, 2049), 0)],
)
def test_very_large_sides_are_capped_at_2048(
    ingest, media, size, expected_long_side_at
):
    image = ingest(image_bytes("PNG", size))
    dims = (image.width, image.height)
    assert dims[expected_long_side_at] == images.MAX_SIDE == 2048
    assert max(dims) == 2048
    ratio = size[0] / size[1]
    assert abs(dims[0] / dims[1] - ratio) < 0.01
    with stored(media, image) as out:
        assert out.size == dims


def test_images_at_the_cap_are_not_resized(ingest):
    image = ingest(image_bytes("PNG", (2048, 100)))
    assert (image.width, image.height) == (2048, 100)


# --- content-hash storage and thumbnails ---------------------------------------------


def test_stored_under_the_sha256_of_the_stored_bytes(ingest, media):
    image = ingest(image_bytes("JPEG", (50, 40)))
    data = (media / image.filename).read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    assert image.sha256 == digest
    assert image.filename == f"{digest}.webp"
    assert image.thumb_filename == f"{digest}_t.webp"
    assert image.url == f"/media/{digest}.webp"
    assert image.thumb_url == f"/media/{digest}_t.webp"
    assert sorted(p.name for p in media.iterdir()) == [
        f"{digest}.webp",
        f"{digest}_t.webp",
    ]
    assert image.to_dict() == {
        "id": image.id,
        "url": image.url,
        "thumb_url": image.thumb_url,
        "width": 50,
        "height": 40,
    }


def test_the_same_upload_twice_gives_the_same_row_and_rewrites_nothing(ingest, media):
    data = image_bytes("PNG", (70, 50), (5, 100, 5))
    first = ingest(data)
    main, thumb = media / first.filename, media / first.thumb_filename
    old = 1_000_000_000_000_000_000  # 2001, in ns: any rewrite would change it
    os.utime(main, ns=(old, old))
    os.utime(thumb, ns=(old, old))
    inodes = (main.stat().st_ino, thumb.stat().st_ino)
    second = ingest(data)
    assert second.id == first.id
    assert Image.select().count() == 1
    assert main.stat().st_mtime_ns == old
    assert thumb.stat().st_mtime_ns == old
    assert (main.stat().st_ino, thumb.stat().st_ino) == inodes
    assert len(list(media.iterdir())) == 2


def test_a_missing_thumbnail_is_made_again(ingest, media):
    data = image_bytes("PNG", (70, 50))
    image = ingest(data)
    (media / image.thumb_filename).unlink()
    assert ingest(data).id == image.id
    assert (media / image.thumb_filename).exists()


def test_different_images_get_different_names(ingest):
    a = ingest(image_bytes("PNG", (10, 10), (1, 1, 1)))
    b = ingest(image_bytes("PNG", (10, 10), (250, 250, 250)))
    assert a.id != b.id and a.sha256 != b.sha256


@pytest.mark.parametrize("size", [(64, 48), (48, 64), (3000, 1200), (10, 10)])
def test_thumbnails_exist_and_are_thumbnail_size_square(app, ingest, media, size):
    thumb_size = app.config["THUMBNAIL_SIZE"]
    image = ingest(image_bytes("JPEG", size))
    assert (media / image.thumb_filename).is_file()
    with stored(media, image, thumb=True) as thumb:
        assert thumb.format == "WEBP"
        assert thumb.size == (thumb_size, thumb_size)


def test_thumbnail_size_follows_the_setting(ingest, media):
    image = ingest(image_bytes("PNG", (300, 200)), thumb_size=96)
    with stored(media, image, thumb=True) as thumb:
        assert thumb.size == (96, 96)
