"""The tabletops under a creator's flat lay (`photo["background"]`): one function
per texture, `fn(size, hue, rnd)`, drawing everything from `rnd` so a seed always
gives the same table."""

import math

from PIL import Image as PILImage
from PIL import ImageChops, ImageDraw, ImageFilter

from demo.art.pen import TAU, Palette, hls, mix, registry, typeface

BACKGROUNDS, _background = registry()


def _noise(rnd, width, height):
    """Uniform grey noise from `rnd`, so a seed always gives the same texture."""
    return PILImage.frombytes("L", (width, height), rnd.randbytes(width * height))


def _shade(img, mask, amount):
    """Lighten where the mask is bright and darken where it is dark, by `amount`."""
    light = img.point([round(v + (255 - v) * amount) for v in range(256)] * 3)
    dark = img.point([round(v * (1 - amount)) for v in range(256)] * 3)
    return PILImage.composite(light, dark, mask)


def _mottle(img, rnd, amount=0.05):
    """Soft, cloudy light and shade, as on a real tabletop."""
    cloud = _noise(rnd, 7, 9).resize(img.size, PILImage.Resampling.BICUBIC)
    return _shade(img, cloud, amount)


def _stripes(length, step, on, horizontal):
    """A 1-pixel-wide band mask: `on` in every other band of `step` pixels."""
    data = bytes(on if (i // step) % 2 else 0 for i in range(length))
    return PILImage.frombytes("L", (1, length) if horizontal else (length, 1), data)


def _weave(img, rnd, amount):
    """Threads one way and the other, like linen or a tablecloth."""
    w, h = img.size
    near = PILImage.Resampling.NEAREST
    rows = _noise(rnd, 1, h // 2).resize(img.size, near)
    cols = _noise(rnd, w // 2, 1).resize(img.size, near)
    return _shade(img, ImageChops.add(rows, cols, scale=2), amount)


@_background
def _linen(size, hue, rnd):
    img = PILImage.new("RGB", size, hls(hue, 0.89, 0.26))
    return _mottle(_weave(img, rnd, 0.06), rnd, 0.05)


@_background
def _gingham(size, hue, rnd):
    w, h = size
    step = rnd.choice((44, 50, 56))
    near = PILImage.Resampling.NEAREST
    rows = _stripes(h, step, 100, horizontal=True).resize(size, near)
    cols = _stripes(w, step, 100, horizontal=False).resize(size, near)
    img = PILImage.composite(
        PILImage.new("RGB", size, hls(hue, 0.74, 0.56)),
        PILImage.new("RGB", size, hls(hue, 0.965, 0.5)),
        ImageChops.add(rows, cols),
    )
    return _mottle(_weave(img, rnd, 0.05), rnd, 0.04)


@_background
def _wood(size, hue, rnd):
    w, h = size
    img = PILImage.new("RGB", size, hls(hue, 0.74, 0.38))
    grain = _noise(rnd, w // 4, 4).resize(size, PILImage.Resampling.BICUBIC)
    img = _shade(img, grain, 0.10)
    draw = ImageDraw.Draw(img, "RGBA")
    seam = (*hls(hue, 0.45, 0.30), 255)
    x = -rnd.randint(20, 140)
    while x < w:
        board = rnd.randint(170, 215)
        tint = (255, 255, 255) if rnd.random() < 0.5 else (70, 40, 20)
        draw.rectangle((x, 0, x + board, h), fill=(*tint, rnd.randint(0, 26)))
        draw.line((x, 0, x, h), fill=seam, width=3)
        joint = rnd.randint(80, h - 80)
        draw.line((x, joint, x + board, joint), fill=seam, width=3)
        x += board
    return _mottle(img, rnd, 0.05)


@_background
def _marble(size, hue, rnd):
    w, h = size
    img = _mottle(PILImage.new("RGB", size, hls(hue, 0.95, 0.20)), rnd, 0.07)
    veins = PILImage.new("L", size, 0)
    draw = ImageDraw.Draw(veins)
    for _ in range(rnd.randint(4, 6)):
        x, y = rnd.uniform(-100, w), rnd.uniform(-100, h * 0.6)
        angle = rnd.uniform(0.6, 1.3)
        points = [(x, y)]
        for _ in range(40):
            angle += rnd.uniform(-0.35, 0.35)
            x, y = x + 34 * math.cos(angle), y + 34 * math.sin(angle)
            points.append((x, y))
        draw.line(points, fill=rnd.randint(70, 150), width=rnd.randint(1, 3))
    veins = veins.filter(ImageFilter.GaussianBlur(1.4))
    return PILImage.composite(
        PILImage.new("RGB", size, hls(hue + 15, 0.62, 0.10)), img, veins
    )


@_background
def _terrazzo(size, hue, rnd):
    w, h = size
    img = _mottle(PILImage.new("RGB", size, hls(hue, 0.92, 0.30)), rnd, 0.05)
    chips = (
        hls(hue + 20, 0.74, 0.48),
        hls(hue + 180, 0.80, 0.32),
        hls(hue - 25, 0.63, 0.30),
        hls(hue, 0.55, 0.28),
        Palette.white,
    )
    big = PILImage.new("RGBA", (w * 2, h * 2), (0, 0, 0, 0))
    draw = ImageDraw.Draw(big)
    for _ in range(240):
        cx, cy = rnd.uniform(0, w * 2), rnd.uniform(0, h * 2)
        r = rnd.choice((6, 8, 10, 12, 16, 22, 30))
        n, a0 = rnd.randint(4, 6), rnd.uniform(0, TAU)
        points = [
            (
                cx + r * rnd.uniform(0.55, 1.1) * math.cos(a0 + i * TAU / n),
                cy + r * rnd.uniform(0.55, 1.1) * math.sin(a0 + i * TAU / n),
            )
            for i in range(n)
        ]
        draw.polygon(points, fill=rnd.choice(chips))
    layer = big.reduce(2)
    img.paste(layer, (0, 0), layer)
    return img


@_background
def _dots(size, hue, rnd):
    w, h = size
    img = PILImage.new("RGB", (w * 2, h * 2), hls(hue, 0.88, 0.50))
    draw = ImageDraw.Draw(img)
    dot = hls(hue, 0.965, 0.55)
    step = rnd.choice((120, 136))
    r = step // 7
    for row in range(-1, 2 * h // step + 2):
        shift = step // 2 if row % 2 else 0
        for col in range(-1, 2 * w // step + 2):
            x, y = col * step + shift, row * step * 0.87
            draw.ellipse((x - r, y - r, x + r, y + r), fill=dot)
    return _mottle(_weave(img.reduce(2), rnd, 0.035), rnd, 0.05)


@_background
def _grid(size, hue, rnd):
    """A cutting mat: the tech desk."""
    w, h = size
    base = hls(hue, 0.30, 0.26)
    img = _mottle(PILImage.new("RGB", size, base), rnd, 0.05)
    draw = ImageDraw.Draw(img)
    minor, major = mix(base, Palette.white, 0.13), mix(base, Palette.white, 0.32)
    ox, oy = rnd.randint(0, 24), rnd.randint(0, 24)
    for i in range(-1, max(w, h) // 25 + 2):
        colour, width = (major, 2) if i % 5 == 0 else (minor, 1)
        draw.line((ox + i * 25, 0, ox + i * 25, h), fill=colour, width=width)
        draw.line((0, oy + i * 25, w, oy + i * 25), fill=colour, width=width)
    for i in range(1, w // 125 + 1):
        draw.text((ox + i * 125 + 5, oy + 5), str(i * 5), font=typeface(15), fill=major)
    draw.line((0, h * 0.9, w, h * 0.9 - w), fill=major, width=2)
    return img


@_background
def _topo(size, hue, rnd):
    """A contour map: the hiker's table."""
    img = _mottle(PILImage.new("RGB", size, hls(hue, 0.90, 0.28)), rnd, 0.04)
    field = _noise(rnd, 6, 8).resize(size, PILImage.Resampling.BICUBIC)
    bands = field.point(lambda v: v // 20 * 20)
    lines = bands.filter(ImageFilter.FIND_EDGES).point(lambda v: 170 if v else 0)
    lines = lines.filter(ImageFilter.GaussianBlur(0.6))
    ink = PILImage.new("RGB", size, hls(hue + 10, 0.55, 0.30))
    return PILImage.composite(ink, img, lines)
