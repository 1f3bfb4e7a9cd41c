"""What one user may upload: images per window (a rate, counted in shared storage,
so every server process sees the same count) and bytes kept stored (a quota).

Both are checked before an image is decoded, so a refused upload costs no CPU;
the quota once more with the size the image will take once re-encoded.
"""

from dataclasses import dataclass

from peewee import fn

from livestall.errors import RateLimited, TooLarge
from livestall.media.models import Image, ImageUpload
from livestall.platform import ratelimit

MB = 1024 * 1024


@dataclass(frozen=True)
class UploadLimits:
    """`per_window` images per `window_s` seconds, `quota_bytes` stored (the
    re-encoded images' sizes); 0 switches a limit off."""

    per_window: int = 0
    window_s: int = 600
    quota_bytes: int = 0


def stored_bytes(user):
    """Bytes of the stored images `user` uploaded (an image others uploaded too
    counts for each of them: each chose to keep it)."""
    total = (
        ImageUpload.select(fn.COALESCE(fn.SUM(Image.byte_size), 0))
        .join(Image)
        .where(ImageUpload.user == user.id)
        .scalar()
    )
    return int(total or 0)


def admit(user, limits):
    """Count this upload; refuse it over the rate (RateLimited, with Retry-After)
    or when the user's quota is already used up (TooLarge)."""
    if limits.per_window:
        key = f"upload:user:{user.id}"
        if ratelimit.hit(key, limits.window_s) > limits.per_window:
            raise RateLimited(
                "Too many images uploaded. Try again in a few minutes.",
                retry_after=ratelimit.retry_after(limits.window_s),
            )
    if limits.quota_bytes:
        check_room(user, limits, 0)


def check_room(user, limits, adding, image=None):
    """Refuse (TooLarge, `quota_exceeded`) when `adding` more bytes would take the
    user over the quota. An image they already uploaded (`image`) adds nothing."""
    if not limits.quota_bytes:
        return
    if image is not None and (
        ImageUpload.select()
        .where((ImageUpload.user == user.id) & (ImageUpload.image == image.id))
        .exists()
    ):
        return
    used = stored_bytes(user)
    if used >= limits.quota_bytes or used + adding > limits.quota_bytes:
        raise TooLarge(
            "Your images have used up your storage (%(n)d MB).",
            code="quota_exceeded",
            n=max(1, round(limits.quota_bytes / MB)),
        )
