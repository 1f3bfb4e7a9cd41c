"""Drawings for the demo catalogue: flat product illustrations and avatars, made
with Pillow so the demo ships no pictures of anyone else's."""

import colorsys
import io
import random
from functools import lru_cache

from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont

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


# --------------------------------------------------------------------------- seed
