"""Drawings for the demo catalogue: flat product illustrations and avatars, made
with Pillow so the demo ships no pictures of anyone else's."""

import colorsys
import io
import math
import random
from functools import lru_cache

from PIL import Image as PILImage
from PIL import ImageChops, ImageDraw, ImageFilter, ImageFont, ImageOps

PRODUCT_SIZE = 800
AVATAR_SIZE = 512
SUPERSAMPLE = 2


def _hls(h, lightness, saturation):
    r, g, b = colorsys.hls_to_rgb((h / 360) % 1, lightness, saturation)
    return (round(r * 255), round(g * 255), round(b * 255))


def _mix(a, b, t):
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
        self.bg_top = _hls(hue, 0.94, 0.42)
        self.bg_bottom = _hls(hue + 18, 0.85, 0.40)
        self.halo = _hls(hue, 0.975, 0.5)
        self.shadow = _hls(hue + 10, 0.86, 0.22)
        self.main = _hls(hue, 0.64, 0.46)
        self.light = _hls(hue, 0.82, 0.50)
        self.deep = _hls(hue, 0.40, 0.38)
        self.accent = _hls(hue + 180, 0.72, 0.38)
        self.ink = _hls(hue, 0.26, 0.30)
        self.soft_ink = _hls(hue, 0.45, 0.22)


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


# One function per product shape. The object stands on the floor at y ≈ 96.
SHAPES = {}


def _shape(fn):
    SHAPES[fn.__name__.removeprefix("_")] = fn
    return fn


@_shape
def _cup(pen, p, rnd):
    for x in (36, 50, 64):
        wave = [(x + (3 if i % 2 else -3), 34 - i * 6) for i in range(5)]
        pen.line(wave, _mix(p.halo, p.main, 0.3), 3)
    pen.oval(6, 86, 94, 99, p.cream)
    pen.oval(20, 87, 80, 95, _mix(p.cream, p.light, 0.5))
    pen.oval(64, 50, 90, 76, outline=p.main, width=6)
    pen.pie(14, 22, 78, 94, 0, 180, p.main)
    pen.oval(14, 50, 78, 66, _mix(p.main, p.white, 0.35))
    pen.oval(18, 52, 74, 64, (196, 178, 96) if rnd.random() < 0.5 else (176, 96, 58))


@_shape
def _gift_box(pen, p, rnd):
    pen.oval(30, 12, 52, 32, outline=p.accent, width=5)
    pen.oval(48, 12, 70, 32, outline=p.accent, width=5)
    pen.rect(16, 42, 84, 96, p.main, r=3)
    pen.rect(12, 30, 88, 46, _mix(p.main, p.deep, 0.3), r=3)
    pen.rect(45, 30, 55, 96, p.accent)
    pen.circle(50, 30, 5, _mix(p.accent, p.deep, 0.2))
    pen.rect(22, 58, 38, 70, p.cream, r=2)


@_shape
def _fruit(pen, p, rnd):
    pen.circle(26, 74, 20, _mix(p.main, p.deep, 0.25))
    pen.circle(56, 62, 32, p.main)
    pen.oval(36, 42, 50, 54, _mix(p.main, p.white, 0.45))
    pen.line([(58, 32), (61, 18)], p.wood, 4)
    pen.poly([(60, 24), (70, 12), (86, 12), (74, 24)], p.leaf)


@_shape
def _shoots(pen, p, rnd):
    for dx, h in ((-20, 22), (20, 30), (0, 8)):
        x = 50 + dx
        base = 96
        pen.poly([(x - 17, base), (x + 17, base), (x + 2, h), (x - 2, h)], p.main)
        pen.poly(
            [(x - 17, base), (x + 2, base), (x - 1, h + 20)], _mix(p.main, p.deep, 0.25)
        )
        pen.poly([(x - 4, h + 6), (x + 2, h), (x + 6, h + 10)], p.leaf)
        for f in (0.45, 0.7):
            y = h + (base - 6 - h) * f
            pen.line(
                [(x - 15 * f, y + 6), (x + 15 * f, y - 4)],
                _mix(p.main, p.deep, 0.45),
                1.2,
            )
        pen.rect(x - 17, base - 6, x + 17, base, p.cream, r=2)


@_shape
def _fish(pen, p, rnd):
    silver = _mix(p.metal, p.main, 0.35)
    pen.oval(2, 72, 98, 98, p.cream)
    pen.oval(10, 78, 90, 94, _mix(p.cream, p.light, 0.4))
    pen.poly([(70, 66), (94, 48), (90, 66), (94, 84)], _mix(silver, p.deep, 0.3))
    pen.poly([(34, 54), (48, 38), (60, 54)], _mix(silver, p.deep, 0.3))
    pen.oval(8, 50, 78, 84, silver)
    pen.chord(8, 50, 78, 84, 10, 170, _mix(silver, p.white, 0.5))
    pen.circle(22, 62, 4, p.white)
    pen.circle(22, 62, 2, p.dark)


@_shape
def _dropper(pen, p, rnd):
    pen.rect(43, 6, 57, 32, p.dark, r=7)
    pen.rect(40, 30, 60, 42, p.deep, r=2)
    pen.rect(28, 40, 72, 96, p.main, r=9)
    pen.rect(34, 58, 66, 84, p.cream, r=3)
    pen.rect(40, 66, 60, 69, p.light, r=1)
    pen.rect(34, 46, 38, 90, _mix(p.main, p.white, 0.35), r=2)
    pen.circle(82, 82, 5, p.light)


@_shape
def _tube(pen, p, rnd):
    pen.rect(22, 8, 78, 20, _mix(p.main, p.deep, 0.3), r=2)
    pen.poly([(24, 18), (76, 18), (68, 84), (32, 84)], p.main)
    pen.poly([(34, 34), (66, 34), (63, 58), (37, 58)], p.cream)
    pen.rect(36, 82, 64, 96, p.deep, r=3)
    pen.rect(28, 22, 33, 76, _mix(p.main, p.white, 0.3), r=2)


@_shape
def _pouch(pen, p, rnd):
    teeth = [(22 + i * 4, 12 if i % 2 else 16) for i in range(15)]
    pen.poly([(22, 20), *teeth, (78, 20)], p.main)
    pen.rect(22, 14, 78, 96, p.main, r=5)
    pen.rect(22, 26, 78, 38, p.deep)
    pen.rect(34, 48, 66, 80, p.light, r=14)
    for x, y in ((44, 58), (54, 64), (46, 70), (57, 55)):
        pen.circle(x, y, 4, p.wood)
    pen.rect(22, 88, 78, 96, _mix(p.main, p.deep, 0.2), r=5)


@_shape
def _lipstick(pen, p, rnd):
    pen.poly([(38, 44), (58, 44), (58, 20), (38, 10)], p.main)
    pen.rect(35, 40, 61, 58, (214, 180, 118), r=2)
    pen.rect(33, 56, 63, 96, p.deep, r=3)
    pen.rect(68, 64, 90, 96, p.deep, r=3)
    pen.rect(38, 60, 42, 92, _mix(p.deep, p.white, 0.2), r=1)


@_shape
def _jar(pen, p, rnd):
    pen.rect(18, 34, 82, 50, p.deep, r=5)
    pen.rect(20, 48, 80, 96, p.main, r=10)
    pen.rect(20, 62, 80, 82, p.cream)
    pen.rect(30, 69, 56, 74, p.light, r=2)
    pen.rect(26, 52, 31, 92, _mix(p.main, p.white, 0.3), r=2)


@_shape
def _pills(pen, p, rnd):
    pen.rect(28, 18, 64, 36, p.cream, r=3)
    for x in range(32, 62, 5):
        pen.rect(x, 20, x + 2, 34, _mix(p.cream, p.deep, 0.15))
    pen.rect(24, 34, 68, 96, p.main, r=7)
    pen.rect(24, 52, 68, 80, p.white)
    pen.rect(32, 60, 58, 64, p.light, r=2)
    pen.rect(70, 84, 96, 95, p.white, r=5)
    pen.rect(70, 84, 83, 95, p.accent, r=5)
    pen.rect(79, 84, 83, 95, p.accent)


@_shape
def _bottle(pen, p, rnd):
    pen.oval(54, 2, 72, 22, outline=p.deep, width=4)
    pen.rect(34, 10, 66, 30, p.deep, r=5)
    pen.rect(30, 26, 70, 96, p.main, r=10)
    pen.rect(30, 54, 70, 66, p.light)
    pen.rect(36, 32, 41, 90, _mix(p.main, p.white, 0.35), r=2)


@_shape
def _blender(pen, p, rnd):
    pen.rect(60, 48, 90, 96, _mix(p.light, p.white, 0.4), r=4)
    for y in (60, 70, 80):
        pen.rect(80, y, 88, y + 2, p.white)
    pen.rect(46, 48, 54, 82, p.metal)
    pen.pie(36, 72, 64, 100, 180, 360, _mix(p.metal, p.dark, 0.2))
    pen.rect(38, 4, 62, 54, p.main, r=12)
    pen.circle(50, 18, 4, p.cream)
    pen.circle(50, 30, 4, p.cream)
    pen.rect(42, 10, 46, 46, _mix(p.main, p.white, 0.3), r=2)


@_shape
def _appliance(pen, p, rnd):
    pen.rect(18, 16, 82, 96, p.main, r=14)
    pen.rect(28, 26, 72, 44, p.dark, r=6)
    pen.circle(60, 35, 4, p.warm)
    pen.rect(34, 33, 50, 37, _mix(p.dark, p.white, 0.5), r=2)
    pen.rect(26, 52, 74, 90, _mix(p.main, p.deep, 0.2), r=8)
    pen.rect(40, 64, 60, 72, p.cream, r=3)


@_shape
def _pan(pen, p, rnd):
    pen.line([(66, 70), (97, 58)], p.wood, 7)
    pen.oval(4, 56, 72, 94, p.main)
    pen.oval(8, 56, 68, 84, p.dark)
    pen.oval(12, 58, 64, 80, _mix(p.dark, p.white, 0.15))
    pen.oval(24, 62, 50, 76, p.white)
    pen.circle(37, 69, 5, p.warm)


@_shape
def _kettle(pen, p, rnd):
    pen.oval(62, 34, 92, 80, outline=p.deep, width=6)
    pen.poly([(26, 54), (6, 38), (11, 34), (28, 46)], p.main)
    pen.rect(20, 38, 80, 92, p.main, r=16)
    pen.oval(30, 30, 70, 44, p.deep)
    pen.circle(50, 30, 4, p.dark)
    pen.rect(18, 86, 82, 96, p.dark, r=4)
    pen.rect(28, 46, 33, 82, _mix(p.main, p.white, 0.3), r=2)


@_shape
def _pot(pen, p, rnd):
    side = _mix(p.main, p.deep, 0.25)
    pen.rect(3, 52, 18, 62, side, r=4)
    pen.rect(82, 52, 97, 62, side, r=4)
    pen.rect(12, 44, 88, 94, p.main, r=16)
    pen.rect(10, 36, 90, 50, side, r=7)
    pen.rect(42, 26, 58, 38, p.metal, r=4)
    pen.rect(20, 56, 26, 84, _mix(p.main, p.white, 0.3), r=3)


@_shape
def _earbuds(pen, p, rnd):
    for x in (28, 56):
        pen.rect(x + 6, 26, x + 12, 60, p.main, r=3)
        pen.circle(x + 8, 26, 10, p.main)
        pen.circle(x + 6, 26, 4, p.deep)
    pen.rect(20, 52, 80, 96, _mix(p.white, p.light, 0.45), r=20)
    pen.rect(20, 64, 80, 66, _mix(p.light, p.deep, 0.2))
    pen.circle(50, 78, 2, p.leaf)


@_shape
def _phone(pen, p, rnd):
    pen.rect(28, 6, 72, 96, p.dark, r=8)
    pen.rect(31, 10, 69, 92, p.main, r=6)
    pen.circle(50, 42, 13, p.light)
    pen.circle(40, 64, 8, p.accent)
    pen.rect(44, 12, 56, 15, p.dark, r=2)
    pen.rect(40, 84, 60, 86, p.white, r=1)


@_shape
def _charger(pen, p, rnd):
    pen.rect(36, 10, 42, 30, p.metal, r=1)
    pen.rect(58, 10, 64, 30, p.metal, r=1)
    pen.rect(22, 26, 78, 96, _mix(p.white, p.light, 0.45), r=12)
    for y in (50, 64, 78):
        pen.rect(40, y, 60, y + 5, p.dark, r=2)
    pen.rect(22, 26, 78, 38, p.main, r=12)
    pen.rect(22, 32, 78, 38, p.main)


@_shape
def _watch(pen, p, rnd):
    pen.rect(38, 2, 62, 36, p.deep, r=4)
    pen.rect(38, 64, 62, 98, p.deep, r=4)
    pen.rect(72, 42, 77, 56, p.dark, r=2)
    pen.rect(26, 26, 74, 74, p.dark, r=14)
    pen.rect(30, 30, 70, 70, p.main, r=11)
    pen.line([(50, 50), (50, 38)], p.white, 3)
    pen.line([(50, 50), (60, 55)], p.white, 3)
    pen.circle(50, 50, 2.5, p.accent)


@_shape
def _keyboard(pen, p, rnd):
    pen.rect(2, 46, 98, 92, p.main, r=6)
    for row in range(3):
        for col in range(10):
            x, y = 8 + col * 8.8, 52 + row * 9
            pen.rect(x, y, x + 7, y + 7, p.cream, r=1.5)
    pen.rect(26, 79, 74, 86, p.cream, r=1.5)
    pen.rect(8, 79, 22, 86, p.accent, r=1.5)


@_shape
def _speaker(pen, p, rnd):
    pen.arc(28, 6, 72, 46, 180, 360, p.dark, 4)
    pen.rect(12, 24, 88, 94, p.main, r=10)
    pen.rect(18, 32, 60, 86, _mix(p.main, p.deep, 0.3), r=6)
    for gx in range(22, 58, 6):
        for gy in range(37, 84, 6):
            pen.circle(gx + 1, gy, 1.4, _mix(p.main, p.deep, 0.6))
    pen.circle(74, 46, 7, p.cream)
    pen.circle(74, 70, 5, p.cream)


@_shape
def _bowl(pen, p, rnd):
    pen.line([(58, 6), (86, 58)], p.wood, 3)
    pen.line([(68, 4), (92, 56)], p.wood, 3)
    pen.rect(34, 88, 66, 98, _mix(p.main, p.deep, 0.3), r=2)
    pen.pie(6, 30, 94, 96, 0, 180, p.main)
    pen.oval(6, 54, 94, 72, _mix(p.main, p.white, 0.4))
    pen.oval(11, 56, 89, 69, (206, 92, 58))
    for x in range(18, 80, 10):
        pen.arc(x, 57, x + 14, 67, 200, 340, p.cream, 2)
    pen.circle(66, 61, 5, p.white)
    pen.circle(66, 61, 2.5, p.warm)


@_shape
def _pet_bowl(pen, p, rnd):
    for x, y in ((30, 50), (42, 46), (54, 48), (64, 44), (72, 51), (48, 53)):
        pen.circle(x, y, 7, p.wood)
    pen.poly([(14, 58), (86, 58), (78, 96), (22, 96)], p.main)
    pen.rect(10, 54, 90, 64, _mix(p.main, p.deep, 0.25), r=5)
    pen.oval(42, 74, 58, 90, p.cream)
    for x, y in ((40, 72), (46, 67), (54, 67), (60, 72)):
        pen.circle(x, y, 2.6, p.cream)


@_shape
def _bone(pen, p, rnd):
    pen.rect(24, 64, 76, 82, p.main, r=3)
    for x in (22, 78):
        for y in (62, 84):
            pen.circle(x, y, 11, p.main)
    pen.rect(30, 68, 70, 71, _mix(p.main, p.white, 0.35), r=1)


@_shape
def _paw(pen, p, rnd):
    pen.line([(70, 8), (92, 40)], p.wood, 2)
    pen.oval(84, 34, 98, 56, p.accent)
    pen.oval(26, 52, 74, 94, p.main)
    for box in ((12, 32, 30, 54), (30, 14, 48, 38), (52, 14, 70, 38), (70, 32, 88, 54)):
        pen.oval(*box, p.main)


@_shape
def _sock(pen, p, rnd):
    patch = _mix(p.main, p.deep, 0.3)
    pen.rect(36, 6, 62, 70, p.main)
    pen.rect(36, 52, 92, 86, p.main, r=17)
    pen.pie(36, 52, 70, 86, 90, 180, patch)
    pen.rect(76, 52, 92, 86, patch, r=17)
    pen.rect(76, 52, 82, 86, patch)
    pen.rect(34, 4, 64, 16, p.deep, r=3)
    for y in (24, 34):
        pen.rect(36, y, 62, y + 4, p.light)


@_shape
def _mountain(pen, p, rnd):
    pen.circle(74, 24, 10, p.warm)
    pen.poly([(30, 96), (64, 32), (98, 96)], _mix(p.main, p.white, 0.3))
    pen.poly([(2, 96), (36, 22), (70, 96)], p.main)
    pen.poly([(27, 42), (36, 22), (45, 42), (40, 38), (36, 44), (31, 38)], p.white)
    pen.line([(56, 96), (82, 56)], p.dark, 2.2)
    pen.line([(62, 96), (86, 58)], p.dark, 2.2)


@_shape
def _tent(pen, p, rnd):
    pen.line([(50, 16), (50, 4)], p.dark, 2)
    pen.poly([(50, 4), (64, 8), (50, 12)], p.accent)
    pen.poly([(4, 96), (50, 14), (96, 96)], p.main)
    pen.poly([(50, 14), (96, 96), (64, 96)], _mix(p.main, p.deep, 0.25))
    pen.poly([(34, 96), (50, 56), (60, 96)], p.deep)
    pen.rect(0, 95, 100, 97, _mix(p.main, p.deep, 0.4))


@_shape
def _mat(pen, p, rnd):
    pen.rect(12, 50, 82, 90, p.main)
    pen.oval(2, 50, 22, 90, p.main)
    pen.oval(72, 50, 92, 90, p.light)
    for i in range(3):
        pen.oval(
            74 + i * 3,
            54 + i * 6,
            90 - i * 3,
            86 - i * 6,
            outline=_mix(p.main, p.deep, 0.2),
            width=1.2,
        )
    pen.rect(34, 48, 42, 92, p.deep, r=2)
    pen.rect(6, 91, 70, 96, p.light, r=2)


@_shape
def _dumbbell(pen, p, rnd):
    pen.rect(22, 66, 78, 74, p.metal, r=2)
    for x0, x1, y0, y1 in (
        (16, 28, 44, 96),
        (6, 18, 52, 88),
        (72, 84, 44, 96),
        (82, 94, 52, 88),
    ):
        pen.rect(x0, y0, x1, y1, p.main, r=3)
    pen.rect(16, 44, 28, 50, _mix(p.main, p.white, 0.3), r=3)
    pen.rect(72, 44, 84, 50, _mix(p.main, p.white, 0.3), r=3)


@_shape
def _shoe(pen, p, rnd):
    pen.poly([(36, 58), (40, 44), (50, 44), (52, 54)], _mix(p.main, p.deep, 0.3))
    pen.poly(
        [
            (8, 82),
            (8, 58),
            (20, 53),
            (32, 60),
            (44, 52),
            (60, 56),
            (74, 63),
            (86, 67),
            (93, 72),
            (96, 82),
        ],
        p.main,
    )
    pen.rect(4, 80, 97, 93, p.white, r=6)
    pen.rect(4, 89, 97, 93, _mix(p.white, p.deep, 0.2), r=2)
    pen.line([(24, 74), (48, 68), (78, 73)], p.accent, 4)
    for x, y in ((50, 57), (58, 60), (66, 64)):
        pen.line([(x - 3, y + 2), (x + 3, y - 3)], p.white, 2)
    pen.rect(8, 58, 15, 80, p.deep, r=3)


@_shape
def _backpack(pen, p, rnd):
    pen.arc(38, 6, 62, 30, 180, 360, p.deep, 4)
    pen.rect(20, 18, 80, 96, p.main, r=18)
    pen.pie(20, 18, 80, 60, 180, 360, _mix(p.main, p.deep, 0.2))
    pen.rect(30, 58, 70, 90, _mix(p.main, p.deep, 0.15), r=10)
    pen.rect(34, 64, 66, 66, p.cream, r=1)
    pen.rect(46, 66, 54, 72, p.cream, r=2)


@_shape
def _tote(pen, p, rnd):
    pen.arc(30, 10, 70, 70, 180, 360, p.deep, 5)
    pen.poly([(16, 40), (84, 40), (88, 96), (12, 96)], p.main)
    pen.rect(34, 56, 66, 80, p.light, r=3)
    pen.circle(50, 68, 5, p.accent)
    pen.rect(16, 40, 84, 46, _mix(p.main, p.deep, 0.2))


def _garment(pen, p, sleeve, length=94):
    if sleeve == "long":
        body = [
            (34, 10),
            (66, 10),
            (86, 22),
            (96, 84),
            (84, 86),
            (74, 44),
            (72, length),
            (28, length),
            (26, 44),
            (16, 86),
            (4, 84),
            (14, 22),
        ]
    else:
        body = [
            (32, 10),
            (68, 10),
            (92, 28),
            (82, 46),
            (72, 38),
            (72, length),
            (28, length),
            (28, 38),
            (18, 46),
            (8, 28),
        ]
    pen.poly(body, p.main)
    pen.pie(38, 0, 62, 22, 0, 180, _mix(p.main, p.deep, 0.35))
    pen.arc(38, 0, 62, 22, 0, 180, p.deep, 2.5)


@_shape
def _tshirt(pen, p, rnd):
    _garment(pen, p, "short")
    pen.rect(52, 30, 62, 38, p.light, r=2)


@_shape
def _jacket(pen, p, rnd):
    pen.oval(36, 0, 64, 22, p.deep)
    _garment(pen, p, "long")
    pen.line([(50, 20), (50, 92)], p.deep, 2)
    pen.rect(32, 62, 44, 64, p.deep, r=1)
    pen.rect(56, 62, 68, 64, p.deep, r=1)


@_shape
def _romper(pen, p, rnd):
    _garment(pen, p, "short", length=80)
    pen.poly(
        [(28, 78), (72, 78), (66, 96), (54, 96), (50, 86), (46, 96), (34, 96)], p.main
    )
    for y in (40, 54, 68):
        pen.circle(50, y, 2.2, p.cream)


@_shape
def _baby_bottle(pen, p, rnd):
    pen.oval(40, 8, 60, 34, (232, 208, 176))
    pen.rect(36, 24, 64, 30, (232, 208, 176), r=3)
    pen.rect(30, 26, 70, 40, p.main, r=4)
    pen.rect(32, 38, 68, 96, _mix(p.light, p.white, 0.55), r=10)
    pen.rect(34, 58, 66, 94, p.white, r=8)
    for y in (50, 60, 70, 80):
        pen.rect(58, y, 66, y + 1.5, p.main)


@_shape
def _stroller(pen, p, rnd):
    pen.line([(78, 56), (94, 22)], p.dark, 3)
    pen.line([(30, 70), (32, 88)], p.dark, 3)
    pen.line([(72, 70), (74, 88)], p.dark, 3)
    pen.pie(14, 30, 86, 86, 0, 180, _mix(p.main, p.deep, 0.2))
    pen.pie(14, 12, 78, 76, 180, 270, p.main)
    pen.rect(14, 56, 86, 60, p.deep)
    for x in (32, 74):
        pen.circle(x, 88, 8, p.dark)
        pen.circle(x, 88, 3, p.metal)


@_shape
def _candle(pen, p, rnd):
    pen.oval(44, 12, 56, 32, p.warm)
    pen.oval(47, 20, 53, 30, p.white)
    pen.line([(50, 30), (50, 38)], p.dark, 1.5)
    pen.rect(24, 38, 76, 96, p.main, r=8)
    pen.oval(26, 36, 74, 46, p.cream)
    pen.rect(32, 58, 68, 80, p.cream, r=2)
    pen.rect(40, 66, 60, 69, p.deep, r=1)


@_shape
def _bedding(pen, p, rnd):
    pen.rect(10, 72, 90, 96, p.main, r=6)
    for x in range(18, 90, 10):
        pen.rect(x, 72, x + 3, 96, _mix(p.main, p.white, 0.3))
    pen.rect(14, 52, 86, 74, p.light, r=6)
    pen.rect(18, 34, 82, 54, _mix(p.main, p.deep, 0.2), r=6)
    pen.rect(26, 14, 74, 36, _mix(p.light, p.white, 0.55), r=10)
    pen.rect(30, 24, 70, 25.5, _mix(p.light, p.main, 0.3))


@_shape
def _vase(pen, p, rnd):
    pen.line([(50, 24), (36, 4)], _mix(p.leaf, p.deep, 0.3), 1.8)
    pen.line([(50, 24), (64, 6)], _mix(p.leaf, p.deep, 0.3), 1.8)
    pen.line([(50, 24), (52, 0)], _mix(p.leaf, p.deep, 0.3), 1.8)
    for x, y in ((36, 4), (64, 6), (52, 0)):
        pen.circle(x, y, 4, p.cream)
    pen.rect(38, 22, 62, 50, p.main)
    pen.rect(34, 18, 66, 26, _mix(p.main, p.deep, 0.2), r=3)
    pen.oval(16, 38, 84, 98, p.main)
    pen.oval(26, 48, 34, 64, _mix(p.main, p.white, 0.25))


@_shape
def _basket(pen, p, rnd):
    pen.poly([(14, 40), (86, 40), (80, 96), (20, 96)], p.main)
    for y in (56, 68, 80):
        pen.rect(18, y, 82, y + 3, _mix(p.main, p.white, 0.3))
    pen.rect(12, 36, 88, 46, _mix(p.main, p.deep, 0.25), r=3)
    pen.rect(42, 48, 58, 54, p.deep, r=3)


@_shape
def _lamp(pen, p, rnd):
    pen.poly([(30, 44), (70, 44), (80, 64), (20, 64)], _mix(p.warm, p.white, 0.6))
    pen.rect(48, 40, 52, 90, p.wood)
    pen.poly([(28, 8), (72, 8), (84, 44), (16, 44)], p.main)
    pen.rect(16, 40, 84, 46, _mix(p.main, p.deep, 0.2), r=2)
    pen.oval(30, 86, 70, 97, p.deep)


@_shape
def _notebook(pen, p, rnd):
    pen.rect(22, 8, 82, 94, p.deep, r=4)
    pen.rect(24, 10, 80, 92, p.white, r=3)
    pen.rect(16, 6, 76, 92, p.main, r=4)
    pen.rect(64, 6, 69, 92, p.deep)
    pen.poly([(48, 90), (56, 90), (56, 99), (52, 95), (48, 99)], p.accent)
    pen.rect(24, 22, 56, 36, p.cream, r=2)


@_shape
def _pens(pen, p, rnd):
    for x, top, colour in ((34, 14, p.accent), (45, 6, p.deep), (56, 16, p.dark)):
        pen.poly([(x, top), (x + 3, top - 7), (x + 6, top)], p.wood)
        pen.rect(x, top, x + 6, 60, colour, r=1)
        pen.rect(x + 1, top + 6, x + 5, top + 8, p.metal)
    pen.rect(30, 50, 70, 96, p.main, r=6)
    pen.rect(36, 56, 41, 90, _mix(p.main, p.white, 0.3), r=2)


@_shape
def _book_stack(pen, p, rnd):
    books = (
        (10, 74, 86, 94, p.main),
        (16, 56, 82, 74, p.accent),
        (12, 38, 80, 56, p.deep),
    )
    for x0, y0, x1, y1, colour in books:
        pen.rect(x0, y0, x1, y1, colour, r=2)
        pen.rect(x1 - 8, y0 + 3, x1 - 2, y1 - 3, p.white)
        pen.rect(x0 + 8, y0, x0 + 12, y1, _mix(colour, p.white, 0.35))


@_shape
def _palette(pen, p, rnd):
    pen.line([(60, 30), (88, 4)], p.wood, 4)
    pen.line([(56, 34), (62, 28)], p.dark, 5)
    pen.rect(6, 40, 94, 92, p.white, r=8)
    pen.rect(6, 40, 94, 48, p.main, r=4)
    colours = [_hls(p.hue + i * 45, 0.62, 0.5) for i in range(8)]
    for i, colour in enumerate(colours):
        x, y = 12 + (i % 4) * 20, 54 + (i // 4) * 18
        pen.rect(x, y, x + 16, y + 14, colour, r=3)


@lru_cache(maxsize=8)
def _font(size):
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


def _gradient(top, bottom, size):
    """A diagonal two-colour gradient (top-left to bottom-right)."""
    return PILImage.composite(
        PILImage.new("RGB", (size, size), bottom),
        PILImage.new("RGB", (size, size), top),
        _diagonal(size),
    )


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
    img = _gradient(p.bg_top, p.bg_bottom, size)
    side = 400
    pen = Pen(side)
    pen.circle(50, 48, 56, p.halo)
    pen.oval(10, 92, 90, 101, p.shadow)
    SHAPES[picture["shape"]](pen, p, rnd)
    layer = pen.result()
    left = (size - side) // 2 - pen.pad
    img.paste(layer, (left, 92 - pen.pad), layer)
    draw = ImageDraw.Draw(img)
    brand_font = _font(56)
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
    _spaced(draw, size / 2, 700, picture["label"].upper(), _font(22), p.soft_ink, 4)
    return img


def render_avatar(letter, hue, rounded=False):
    """A 512×512 avatar: a pastel gradient, a disc (or tile) and a white initial."""
    p = Palette(hue)
    size = AVATAR_SIZE
    img = _gradient(_hls(hue - 12, 0.90, 0.50), _hls(hue + 24, 0.78, 0.48), size)
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
        font=_font(210),
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


# -------------------------------------------------------------------- post photos
#
# A creator's "flat lay": the tagged products drawn again, smaller, on a textured
# tabletop with a prop or two, a paper caption strip and the creator's handle.
# Every photo draws its texture from its own seed, so no two hash the same.

POST_SIZE = (750, 1000)  # 3:4, the shape of a post cover
SHADOW = (46, 38, 34)
TAU = 2 * math.pi


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


BACKGROUNDS = {}


def _background(fn):
    BACKGROUNDS[fn.__name__.removeprefix("_")] = fn
    return fn


@_background
def _linen(size, hue, rnd):
    img = PILImage.new("RGB", size, _hls(hue, 0.89, 0.26))
    return _mottle(_weave(img, rnd, 0.06), rnd, 0.05)


@_background
def _gingham(size, hue, rnd):
    w, h = size
    step = rnd.choice((44, 50, 56))
    near = PILImage.Resampling.NEAREST
    rows = _stripes(h, step, 100, horizontal=True).resize(size, near)
    cols = _stripes(w, step, 100, horizontal=False).resize(size, near)
    img = PILImage.composite(
        PILImage.new("RGB", size, _hls(hue, 0.74, 0.56)),
        PILImage.new("RGB", size, _hls(hue, 0.965, 0.5)),
        ImageChops.add(rows, cols),
    )
    return _mottle(_weave(img, rnd, 0.05), rnd, 0.04)


@_background
def _wood(size, hue, rnd):
    w, h = size
    img = PILImage.new("RGB", size, _hls(hue, 0.74, 0.38))
    grain = _noise(rnd, w // 4, 4).resize(size, PILImage.Resampling.BICUBIC)
    img = _shade(img, grain, 0.10)
    draw = ImageDraw.Draw(img, "RGBA")
    seam = (*_hls(hue, 0.45, 0.30), 255)
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
    img = _mottle(PILImage.new("RGB", size, _hls(hue, 0.95, 0.20)), rnd, 0.07)
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
        PILImage.new("RGB", size, _hls(hue + 15, 0.62, 0.10)), img, veins
    )


@_background
def _terrazzo(size, hue, rnd):
    w, h = size
    img = _mottle(PILImage.new("RGB", size, _hls(hue, 0.92, 0.30)), rnd, 0.05)
    chips = (
        _hls(hue + 20, 0.74, 0.48),
        _hls(hue + 180, 0.80, 0.32),
        _hls(hue - 25, 0.63, 0.30),
        _hls(hue, 0.55, 0.28),
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
    img = PILImage.new("RGB", (w * 2, h * 2), _hls(hue, 0.88, 0.50))
    draw = ImageDraw.Draw(img)
    dot = _hls(hue, 0.965, 0.55)
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
    base = _hls(hue, 0.30, 0.26)
    img = _mottle(PILImage.new("RGB", size, base), rnd, 0.05)
    draw = ImageDraw.Draw(img)
    minor, major = _mix(base, Palette.white, 0.13), _mix(base, Palette.white, 0.32)
    ox, oy = rnd.randint(0, 24), rnd.randint(0, 24)
    for i in range(-1, max(w, h) // 25 + 2):
        colour, width = (major, 2) if i % 5 == 0 else (minor, 1)
        draw.line((ox + i * 25, 0, ox + i * 25, h), fill=colour, width=width)
        draw.line((0, oy + i * 25, w, oy + i * 25), fill=colour, width=width)
    for i in range(1, w // 125 + 1):
        draw.text((ox + i * 125 + 5, oy + 5), str(i * 5), font=_font(15), fill=major)
    draw.line((0, h * 0.9, w, h * 0.9 - w), fill=major, width=2)
    return img


@_background
def _topo(size, hue, rnd):
    """A contour map: the hiker's table."""
    img = _mottle(PILImage.new("RGB", size, _hls(hue, 0.90, 0.28)), rnd, 0.04)
    field = _noise(rnd, 6, 8).resize(size, PILImage.Resampling.BICUBIC)
    bands = field.point(lambda v: v // 20 * 20)
    lines = bands.filter(ImageFilter.FIND_EDGES).point(lambda v: 170 if v else 0)
    lines = lines.filter(ImageFilter.GaussianBlur(0.6))
    ink = PILImage.new("RGB", size, _hls(hue + 10, 0.55, 0.30))
    return PILImage.composite(ink, img, lines)


# Props: small things on the table beside the products, in the same 0–100 units
# as the product shapes (which can be props too).
PROPS = {}


def _prop(fn):
    PROPS[fn.__name__.removeprefix("_")] = fn
    return fn


def _leaf(pen, x, y, angle, length, width, fill):
    """A pointed leaf from (x, y) along `angle` (radians)."""
    ux, uy = math.cos(angle), math.sin(angle)
    steps = [i / 8 for i in range(9)]
    side = [(t * length, width * math.sin(math.pi * t) / 2) for t in steps]
    points = [(x + a * ux - b * uy, y + a * uy + b * ux) for a, b in side]
    points += [(x + a * ux + b * uy, y + a * uy - b * ux) for a, b in side[::-1]]
    pen.poly(points, fill)


@_prop
def _sprig(pen, p, rnd):
    green = _mix(p.leaf, _hls(p.hue, 0.5, 0.3), 0.25)
    stem = [(12 + i * 8, 94 - i * 10 + 3 * math.sin(i)) for i in range(10)]
    pen.line(stem, _mix(green, p.dark, 0.3), 1.6)
    for i, (x, y) in enumerate(stem[1:], 1):
        side = 1 if i % 2 else -1
        angle = -0.9 + side * 0.9 + rnd.uniform(-0.2, 0.2)
        shade = _mix(green, p.white, 0.12 * (i % 3))
        _leaf(pen, x, y, angle, 22 - i * 0.8, 11, shade)


@_prop
def _flower(pen, p, rnd):
    petal = _hls(p.hue + rnd.uniform(-20, 20), 0.82, 0.55)
    for cx, cy, r in ((38, 40, 22), (72, 70, 14)):
        n = rnd.choice((5, 6))
        a0 = rnd.uniform(0, TAU)
        for i in range(n):
            a = a0 + i * TAU / n
            pen.circle(
                cx + r * 0.75 * math.cos(a),
                cy + r * 0.75 * math.sin(a),
                r * 0.55,
                petal,
            )
        pen.circle(cx, cy, r * 0.35, p.warm)
    _leaf(pen, 50, 58, 0.8, 26, 12, p.leaf)


@_prop
def _petals(pen, p, rnd):
    colour = _hls(p.hue + 10, 0.84, 0.55)
    for _ in range(7):
        x, y = rnd.uniform(10, 90), rnd.uniform(10, 90)
        _leaf(pen, x, y, rnd.uniform(0, TAU), rnd.uniform(10, 16), 9, colour)


@_prop
def _beans(pen, p, rnd):
    brown = (118, 78, 52)
    for _ in range(9):
        x, y = rnd.uniform(14, 86), rnd.uniform(14, 86)
        pen.oval(x - 6, y - 8, x + 6, y + 8, brown)
        pen.line([(x, y - 6), (x + 1, y), (x, y + 6)], _mix(brown, p.dark, 0.5), 1.2)


@_prop
def _note(pen, p, rnd):
    pen.rect(12, 14, 88, 90, p.white, r=3)
    for i, length in enumerate((58, 64, 44, 60, 36)):
        pen.rect(22, 30 + i * 11, 22 + length, 33 + i * 11, _mix(p.white, p.dark, 0.2))
    pen.rect(34, 6, 66, 20, (*_hls(p.hue + 40, 0.78, 0.5),), r=1)
    pen.circle(74, 80, 6, _hls(p.hue, 0.7, 0.55))


@_prop
def _compass(pen, p, rnd):
    brass = (206, 170, 98)
    pen.line([(50, 14), (50, 2)], brass, 4)
    pen.circle(50, 54, 40, brass)
    pen.circle(50, 54, 34, p.white)
    for a in range(0, 360, 30):
        r = math.radians(a)
        pen.line(
            [
                (50 + 28 * math.cos(r), 54 + 28 * math.sin(r)),
                (50 + 31 * math.cos(r), 54 + 31 * math.sin(r)),
            ],
            p.soft_ink,
            1.2,
        )
    turn = rnd.uniform(-0.6, 0.6)
    ux, uy = math.sin(turn), -math.cos(turn)
    tip, tail = (50 + 24 * ux, 54 + 24 * uy), (50 - 24 * ux, 54 - 24 * uy)
    side = (50 + 5 * uy, 54 - 5 * ux), (50 - 5 * uy, 54 + 5 * ux)
    pen.poly([tip, side[0], side[1]], (208, 72, 60))
    pen.poly([tail, side[0], side[1]], p.dark)
    pen.circle(50, 54, 3, brass)


@_prop
def _yarn(pen, p, rnd):
    wool = _hls(p.hue + 30, 0.70, 0.45)
    pen.line([(60, 62), (76, 80), (70, 92), (94, 96)], wool, 2.5)
    pen.circle(42, 46, 32, wool)
    for i in range(5):
        pen.arc(
            14 + i * 4,
            16 + i * 5,
            64 + i * 3,
            78 - i * 2,
            200 + i * 12,
            340 + i * 8,
            _mix(wool, p.deep, 0.3),
            2,
        )


def _drawing(fn, hue, seed, side):
    """One product shape or prop on a transparent layer, `side` pixels wide."""
    pen = Pen(side)
    fn(pen, Palette(hue), random.Random(seed))
    return pen.result()


def _place(img, layer, centre, angle=0.0, lift=14):
    """Paste a layer centred at `centre`, turned by `angle`, with a soft shadow."""
    box = layer.getbbox()
    if box:  # turn only what is drawn, not the empty margin around it
        cx, cy = centre[0] - layer.width / 2, centre[1] - layer.height / 2
        layer = layer.crop(box)
        centre = (cx + (box[0] + box[2]) / 2, cy + (box[1] + box[3]) / 2)
    if angle:
        layer = layer.rotate(angle, resample=PILImage.Resampling.BILINEAR, expand=True)
    if lift:  # room for the shadow to fade out before the layer's edge
        layer = ImageOps.expand(layer, border=lift * 2, fill=(0, 0, 0, 0))
    x = round(centre[0] - layer.width / 2)
    y = round(centre[1] - layer.height / 2)
    if lift:
        alpha = layer.getchannel("A")
        soft = alpha.reduce(4).filter(ImageFilter.GaussianBlur(lift / 4))
        soft = soft.resize(alpha.size, PILImage.Resampling.BILINEAR)
        img.paste(SHADOW, (x + lift // 2, y + lift), soft.point(lambda v: v * 3 // 10))
    img.paste(layer, (x, y), layer)


@lru_cache(maxsize=8)
def _disc(side, fraction):
    """A smooth-edged disc mask `fraction` as wide as a `side`-pixel square."""
    big = PILImage.new("L", (side * SUPERSAMPLE, side * SUPERSAMPLE), 0)
    r = side * SUPERSAMPLE * fraction / 2
    c = side * SUPERSAMPLE / 2
    ImageDraw.Draw(big).ellipse((c - r, c - r, c + r, c + r), fill=255)
    return big.reduce(SUPERSAMPLE)


def _plate(radius, hue):
    """A round plate in the product's colours, seen from above."""
    p = Palette(hue)
    side = radius * 2
    plate = PILImage.new("RGBA", (side, side), (*p.halo, 0))
    plate.putalpha(_disc(side, 1.0))
    plate.paste(_mix(p.halo, Palette.white, 0.5), (0, 0), _disc(side, 1.0))
    plate.paste(_mix(p.halo, p.light, 0.25), (0, 0), _disc(side, 0.82))
    plate.paste(p.halo, (0, 0), _disc(side, 0.78))
    return plate


def _polaroid(picture):
    """A printed photo of the product: its picture's colours with a white border."""
    p = Palette(picture["hue"])
    card = PILImage.new("RGBA", (480, 580), (*Palette.white, 255))
    inner = _gradient(p.bg_top, p.bg_bottom, 440)
    pen = Pen(250)
    pen.circle(50, 48, 58, p.halo)
    SHAPES[picture["shape"]](pen, p, random.Random(picture["seed"]))
    layer = pen.result()
    inner.paste(layer, ((440 - layer.width) // 2, 222 - layer.height // 2), layer)
    card.paste(inner, (20, 20))
    ImageDraw.Draw(card).text(
        (240, 522), picture["brand"], font=_font(34), fill=p.ink, anchor="mm"
    )
    return card


def _strip(text, hue):
    """A paper caption strip with a piece of washi tape on its left end."""
    font = _font(34)
    probe = ImageDraw.Draw(PILImage.new("L", (1, 1)))
    width = round(probe.textlength(text, font=font)) + 84
    strip = PILImage.new("RGBA", (width + 20, 100), (0, 0, 0, 0))
    draw = ImageDraw.Draw(strip)
    draw.rounded_rectangle(
        (10, 16, width + 10, 86), radius=6, fill=(255, 253, 247, 242)
    )
    draw.text(
        (width / 2 + 10, 52), text, font=font, fill=_hls(hue, 0.28, 0.30), anchor="mm"
    )
    tape = PILImage.new("RGBA", strip.size, (0, 0, 0, 0))
    ImageDraw.Draw(tape).rectangle(
        (0, 0, 62, 34), fill=(*_hls(hue + 150, 0.74, 0.5), 170)
    )
    return PILImage.alpha_composite(strip, tape)


def _handle(img, text):
    draw = ImageDraw.Draw(img, "RGBA")
    w, h = img.size
    draw.text(
        (w - 24, h - 22),
        text,
        font=_font(24),
        anchor="rd",
        fill=(255, 255, 255, 235),
        stroke_width=2,
        stroke_fill=(30, 30, 30, 60),
    )


def _prop_layer(name, hue, seed, side):
    return _drawing(PROPS.get(name) or SHAPES[name], hue, seed, side)


def render_post_photo(photo):
    """A 750×1000 flat lay for a post (see `services.demo` for `photo`'s keys)."""
    rnd = random.Random(photo["seed"])
    w, h = POST_SIZE
    img = BACKGROUNDS[photo["background"]](POST_SIZE, photo["hue"], rnd)
    items, props = photo["products"], list(photo["props"])
    rnd.shuffle(props)
    hue = photo["prop_hue"]

    def prop(centre, side, i=0):
        layer = _prop_layer(props[i % len(props)], hue, rnd.randrange(1 << 30), side)
        _place(img, layer, centre, rnd.uniform(-40, 40), lift=8)

    layout = photo["layout"]
    if layout == "hero":
        prop((rnd.uniform(60, 130), rnd.uniform(70, 140)), 250)
        prop((rnd.uniform(620, 700), rnd.uniform(640, 720)), 190, 1)
        centre = (375, 430)
        _place(img, _plate(262, items[0]["hue"]), centre, lift=18)
        thing = _drawing(
            SHAPES[items[0]["shape"]], items[0]["hue"], items[0]["seed"], 360
        )
        _place(img, thing, (centre[0], centre[1] - 8), rnd.uniform(-6, 6), lift=10)
        _place(
            img,
            _strip(photo["caption"], photo["hue"]),
            (375, 850),
            rnd.uniform(-3, 3),
            lift=6,
        )
    elif layout == "duo":
        prop((rnd.uniform(640, 720), rnd.uniform(60, 130)), 230)
        spots = ((245, 360), (505, 650))
        for i, centre in enumerate(spots):
            if i < len(items):
                _place(img, _plate(190, items[i]["hue"]), centre, lift=14)
                thing = _drawing(
                    SHAPES[items[i]["shape"]], items[i]["hue"], items[i]["seed"], 240
                )
                _place(img, thing, centre, rnd.uniform(-8, 8), lift=8)
            else:
                prop(centre, 300, 1)
        prop((rnd.uniform(90, 160), rnd.uniform(800, 880)), 200, 2)
    else:  # "detail": a printed photo of the product
        prop((rnd.uniform(620, 700), rnd.uniform(70, 140)), 230)
        _place(img, _polaroid(items[-1]), (375, 470), rnd.uniform(-6, 6), lift=16)
        prop((rnd.uniform(80, 160), rnd.uniform(820, 900)), 260, 1)
    _handle(img, photo["handle"])
    return img


def post_photo_png(photo):
    return png_bytes(render_post_photo(photo))
