"""What every demo drawing is made with: colours from a hue, a `Pen` that draws in
0–100 units, the font, a diagonal gradient and a name registry for the shape, prop
and tabletop functions."""

import colorsys
import math
from functools import lru_cache

from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont

SUPERSAMPLE = 2
TAU = 2 * math.pi


def hls(h, lightness, saturation):
    r, g, b = colorsys.hls_to_rgb((h / 360) % 1, lightness, saturation)
    return (round(r * 255), round(g * 255), round(b * 255))


def mix(a, b, t):
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))


class Palette:
    """Colours for one picture, all derived from one hue (degrees)."""

    white = (253, 252, 249)
    cream = (244, 236, 222)
    wood = (196, 150, 104)
    metal = (196, 202, 208)
    dark = (58, 61, 70)
    leaf = (104, 160, 98)
    warm = (246, 190, 92)

    def __init__(self, hue):
        self.hue = hue
        self.bg_top = hls(hue, 0.94, 0.42)
        self.bg_bottom = hls(hue + 18, 0.85, 0.40)
        self.halo = hls(hue, 0.975, 0.5)
        self.shadow = hls(hue + 10, 0.86, 0.22)
        self.main = hls(hue, 0.64, 0.46)
        self.light = hls(hue, 0.82, 0.50)
        self.deep = hls(hue, 0.40, 0.38)
        self.accent = hls(hue + 180, 0.72, 0.38)
        self.ink = hls(hue, 0.26, 0.30)
        self.soft_ink = hls(hue, 0.45, 0.22)


class Pen:
    """Draws in 0–100 units inside a square box, supersampled for smooth edges.

    Every colour is opaque: the layer is composited onto the background once.
    """

    def __init__(self, side, margin=0.2):
        self.side = side
        self.pad = round(side * margin)
        full = (side + 2 * self.pad) * SUPERSAMPLE
        self.img = PILImage.new("RGBA", (full, full), (0, 0, 0, 0))
        self.draw = ImageDraw.Draw(self.img)
        self.k = side * SUPERSAMPLE / 100
        self.o = self.pad * SUPERSAMPLE

    def _xy(self, x, y):
        return (self.o + x * self.k, self.o + y * self.k)

    def _box(self, x0, y0, x1, y1):
        return [*self._xy(x0, y0), *self._xy(x1, y1)]

    def _w(self, width):
        return max(1, round(width * self.k))

    def rect(self, x0, y0, x1, y1, fill, r=0):
        box = self._box(x0, y0, x1, y1)
        if r:
            self.draw.rounded_rectangle(box, radius=r * self.k, fill=fill)
        else:
            self.draw.rectangle(box, fill=fill)

    def oval(self, x0, y0, x1, y1, fill=None, outline=None, width=0):
        self.draw.ellipse(
            self._box(x0, y0, x1, y1),
            fill=fill,
            outline=outline,
            width=self._w(width) if outline else 0,
        )

    def circle(self, cx, cy, r, fill):
        self.oval(cx - r, cy - r, cx + r, cy + r, fill)

    def poly(self, points, fill):
        self.draw.polygon([self._xy(x, y) for x, y in points], fill=fill)

    def line(self, points, fill, width):
        self.draw.line(
            [self._xy(x, y) for x, y in points],
            fill=fill,
            width=self._w(width),
            joint="curve",
        )
        for x, y in (points[0], points[-1]):  # round caps
            self.circle(x, y, width / 2, fill)

    def arc(self, x0, y0, x1, y1, start, end, fill, width):
        self.draw.arc(
            self._box(x0, y0, x1, y1), start, end, fill=fill, width=self._w(width)
        )

    def pie(self, x0, y0, x1, y1, start, end, fill):
        self.draw.pieslice(self._box(x0, y0, x1, y1), start, end, fill=fill)

    def chord(self, x0, y0, x1, y1, start, end, fill):
        self.draw.chord(self._box(x0, y0, x1, y1), start, end, fill=fill)

    def result(self):
        return self.img.reduce(SUPERSAMPLE)


def registry():
    """A dict and a decorator that files a function in it under its name, less the
    leading underscore."""
    found = {}

    def register(fn):
        found[fn.__name__.removeprefix("_")] = fn
        return fn

    return found, register


@lru_cache(maxsize=8)
def typeface(size):
    return ImageFont.load_default(size=size)


@lru_cache(maxsize=4)
def _diagonal(size):
    """A mask from 0 at the top-left corner to 255 at the bottom-right one."""
    n = 64
    mask = PILImage.new("L", (n, n))
    mask.putdata(
        [round((x + y) * 255 / (2 * (n - 1))) for y in range(n) for x in range(n)]
    )
    return mask.resize((size, size), PILImage.Resampling.BICUBIC)


def gradient(top, bottom, size):
    """A diagonal two-colour gradient (top-left to bottom-right)."""
    return PILImage.composite(
        PILImage.new("RGB", (size, size), bottom),
        PILImage.new("RGB", (size, size), top),
        _diagonal(size),
    )
