"""Product pictures and avatars: flat illustrations on a gradient."""

import io
import random

from PIL import ImageDraw

from demo.art.pen import Palette, Pen, gradient, hls, typeface
from demo.art.shapes import SHAPES

PRODUCT_SIZE = 800
AVATAR_SIZE = 512


def _spaced(draw, centre_x, y, text, font, fill, spacing):
    """Draw text centred at centre_x with extra letter spacing."""
    widths = [draw.textlength(ch, font=font) for ch in text]
    total = sum(widths) + spacing * (len(text) - 1)
    x = centre_x - total / 2
    for ch, w in zip(text, widths, strict=True):
        draw.text((x, y), ch, font=font, fill=fill)
        x += w + spacing


def render_product(picture):
    """An 800×800 product picture: gradient, a halo, the object, brand, category."""
    p = Palette(picture["hue"])
    rnd = random.Random(picture["seed"])
    size = PRODUCT_SIZE
    img = gradient(p.bg_top, p.bg_bottom, size)
    side = 400
    pen = Pen(side)
    pen.circle(50, 48, 56, p.halo)
    pen.oval(10, 92, 90, 101, p.shadow)
    SHAPES[picture["shape"]](pen, p, rnd)
    layer = pen.result()
    left = (size - side) // 2 - pen.pad
    img.paste(layer, (left, 92 - pen.pad), layer)
    draw = ImageDraw.Draw(img)
    brand_font = typeface(56)
    draw.text(
        (size / 2, 634),
        picture["brand"],
        font=brand_font,
        fill=p.ink,
        anchor="mm",
        stroke_width=1,
        stroke_fill=p.ink,
    )
    draw.rounded_rectangle(
        (size / 2 - 22, 676, size / 2 + 22, 680), radius=2, fill=p.main
    )
    _spaced(draw, size / 2, 700, picture["label"].upper(), typeface(22), p.soft_ink, 4)
    return img


def render_avatar(letter, hue, rounded=False):
    """A 512×512 avatar: a pastel gradient, a disc (or tile) and a white initial."""
    p = Palette(hue)
    size = AVATAR_SIZE
    img = gradient(hls(hue - 12, 0.90, 0.50), hls(hue + 24, 0.78, 0.48), size)
    pen = Pen(round(size * 0.74), margin=0)
    if rounded:
        pen.rect(0, 0, 100, 100, p.main, r=26)
    else:
        pen.circle(50, 50, 50, p.main)
    layer = pen.result()
    offset = round((size - layer.width) / 2)
    img.paste(layer, (offset, offset), layer)
    ImageDraw.Draw(img).text(
        (size / 2, size / 2 + 6),
        letter.upper(),
        font=typeface(210),
        fill=p.white,
        anchor="mm",
        stroke_width=5,
        stroke_fill=p.white,
    )
    return img


def picture_png(picture):
    return png_bytes(render_product(picture))


def png_bytes(img):
    out = io.BytesIO()
    img.save(out, "PNG", compress_level=1)
    return out.getvalue()
