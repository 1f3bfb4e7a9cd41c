"""Drawings for the demo: flat product illustrations, avatars and the creators'
flat-lay photos, made with Pillow so the demo ships no pictures of anyone else's.

`pen` has the drawing tools; `shapes` one function per product shape; `products`
the product pictures and avatars; `tabletops` and `props` what the flat lays are
set on and with; `photos` the flat lays themselves.
"""

from demo.art.photos import post_photo_png, render_post_photo
from demo.art.products import picture_png, png_bytes, render_avatar, render_product

__all__ = [
    "picture_png",
    "png_bytes",
    "post_photo_png",
    "render_avatar",
    "render_post_photo",
    "render_product",
]
