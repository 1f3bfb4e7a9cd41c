"""The upload pipeline (SECURITY.md): a per-user rate and quota, allow-listed
formats, a pixel limit read from the header (before any decoding), a full decode, a
re-encode to WebP with EXIF/GPS gone, content-hash names, and a thumbnail made once.

Decoding and encoding run in worker processes (platform.offload.run_in_process:
Pillow holds the GIL in spans that would delay the event loop); the header check,
the database and the files stay on the loop.
"""

import hashlib
import io
import os
import struct
import tempfile
from pathlib import Path

from PIL import Image as PILImage
from PIL import ImageOps, UnidentifiedImageError

from livestall.errors import Invalid, TooLarge, UnsupportedMedia
from livestall.media import limits as upload_limits
from livestall.media.models import Image, ImageUpload
from livestall.platform import offload

ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
MAX_SIDE = 2048
QUALITY = 84


def _open(data, max_pixels):
    """Read the header only: a format off the allow-list, a damaged header or too
    many pixels is refused here, in microseconds, before any pixel is decoded (a
    128 KB PNG can declare 6320x6320 pixels: 1.4 s and 300 MB to decode)."""
    try:
        img = PILImage.open(io.BytesIO(data), formats=ALLOWED_FORMATS)
    except UnidentifiedImageError:
        raise UnsupportedMedia(
            "Upload a JPEG, PNG, WebP or GIF image.", code="unsupported_media_type"
        )
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning):
        raise TooLarge("That image has too many pixels.", code="image_too_large")
    except (OSError, SyntaxError, ValueError, EOFError, struct.error):
        # a known format whose header is damaged (e.g. a bad PNG IHDR or WebP)
        raise Invalid("That image file is damaged or incomplete.", code="invalid_image")
    if img.width * img.height > max_pixels:
        raise TooLarge(
            "That image has too many pixels (at most %(n)d).",
            code="image_too_large",
            n=max_pixels,
        )
    return img


def _decode(data, max_pixels):
    """Open and fully decode the bytes, refusing anything off the allow-list.

    The pixel limit is ours (`_open`), not a warnings filter: warnings filters are
    process-wide, and this runs in several threads at once."""
    img = _open(data, max_pixels)
    try:
        img.seek(0)
        img.load()
    except (
        OSError,
        SyntaxError,
        ValueError,
        EOFError,
        PILImage.DecompressionBombError,
        PILImage.DecompressionBombWarning,
    ):
        raise Invalid("That image file is damaged or incomplete.", code="invalid_image")
    return img


def _normalise(img):
    """Apply the EXIF orientation, drop metadata, cap the size, pick RGB or RGBA."""
    try:
        img = ImageOps.exif_transpose(img)
    except (OSError, SyntaxError, TypeError, ValueError, struct.error, KeyError):
        pass  # damaged EXIF: keep the pixels as decoded (metadata is dropped anyway)
    has_alpha = img.mode in ("RGBA", "LA", "PA") or (
        img.mode == "P" and "transparency" in img.info
    )
    img = img.convert("RGBA" if has_alpha else "RGB")
    if max(img.size) > MAX_SIDE:
        img.thumbnail((MAX_SIDE, MAX_SIDE), PILImage.Resampling.LANCZOS)
    return img


def _encode(img):
    out = io.BytesIO()
    img.save(out, "WEBP", quality=QUALITY, method=4)  # no exif=: metadata is gone
    return out.getvalue()


def _write_once(path, data):
    """Write a file atomically unless it exists (content-hash names never change)."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".up-")
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)


def make_thumbnail(img, size):
    thumb = ImageOps.fit(img, (size, size), PILImage.Resampling.LANCZOS)
    return _encode(thumb)


def process(data, max_pixels, thumb_size):
    """Decode, normalise, re-encode and make the thumbnail: (WebP bytes, their
    SHA-256, width, height, thumbnail WebP bytes). Pure CPU on bytes in and out,
    no database: it runs in a worker process (platform.workers), whose GIL the
    event loop does not share."""
    img = _normalise(_decode(data, max_pixels))
    encoded = _encode(img)
    thumb = make_thumbnail(img, thumb_size)
    return encoded, hashlib.sha256(encoded).hexdigest(), img.width, img.height, thumb


def ingest(data, owner, *, media_dir, max_pixels, thumb_size, limits=None):
    """Store uploaded image bytes; return the Image row (existing if identical).

    `limits` (media.limits.UploadLimits) holds the owner to a rate and a quota;
    the site's uploads pass them, the demo seed does not.
    """
    if not data:
        raise Invalid("The file is empty.", code="invalid_image", field="file")
    limited = limits is not None and owner is not None
    if limited:
        upload_limits.admit(owner, limits)
    _open(data, max_pixels)  # a pixel bomb is refused here, without waiting in line
    encoded, digest, width, height, thumb = offload.run_in_process(
        "image", process, data, max_pixels, thumb_size
    )
    image = Image.get_or_none(Image.sha256 == digest)
    if limited:
        upload_limits.check_room(owner, limits, len(encoded), image)
    media = Path(media_dir)
    _write_once(media / f"{digest}.webp", encoded)
    thumb_path = media / f"{digest}_t.webp"
    if not thumb_path.exists():
        _write_once(thumb_path, thumb)
    if image is None:
        image, _ = Image.get_or_create(
            sha256=digest,
            defaults={
                "owner": owner,
                "width": width,
                "height": height,
                "byte_size": len(encoded),
            },
        )
    if owner is not None:
        ImageUpload.record(owner, image)
    return image
