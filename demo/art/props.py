"""Props: small things on the table beside the products, in the same 0–100 units
as the product shapes (which can be props too)."""

import math

from demo.art.pen import TAU, hls, mix, registry

PROPS, _prop = registry()


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
    green = mix(p.leaf, hls(p.hue, 0.5, 0.3), 0.25)
    stem = [(12 + i * 8, 94 - i * 10 + 3 * math.sin(i)) for i in range(10)]
    pen.line(stem, mix(green, p.dark, 0.3), 1.6)
    for i, (x, y) in enumerate(stem[1:], 1):
        side = 1 if i % 2 else -1
        angle = -0.9 + side * 0.9 + rnd.uniform(-0.2, 0.2)
        shade = mix(green, p.white, 0.12 * (i % 3))
        _leaf(pen, x, y, angle, 22 - i * 0.8, 11, shade)


@_prop
def _flower(pen, p, rnd):
    petal = hls(p.hue + rnd.uniform(-20, 20), 0.82, 0.55)
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
    colour = hls(p.hue + 10, 0.84, 0.55)
    for _ in range(7):
        x, y = rnd.uniform(10, 90), rnd.uniform(10, 90)
        _leaf(pen, x, y, rnd.uniform(0, TAU), rnd.uniform(10, 16), 9, colour)


@_prop
def _beans(pen, p, rnd):
    brown = (118, 78, 52)
    for _ in range(9):
        x, y = rnd.uniform(14, 86), rnd.uniform(14, 86)
        pen.oval(x - 6, y - 8, x + 6, y + 8, brown)
        pen.line([(x, y - 6), (x + 1, y), (x, y + 6)], mix(brown, p.dark, 0.5), 1.2)


@_prop
def _note(pen, p, rnd):
    pen.rect(12, 14, 88, 90, p.white, r=3)
    for i, length in enumerate((58, 64, 44, 60, 36)):
        pen.rect(22, 30 + i * 11, 22 + length, 33 + i * 11, mix(p.white, p.dark, 0.2))
    pen.rect(34, 6, 66, 20, (*hls(p.hue + 40, 0.78, 0.5),), r=1)
    pen.circle(74, 80, 6, hls(p.hue, 0.7, 0.55))


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
    wool = hls(p.hue + 30, 0.70, 0.45)
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
            mix(wool, p.deep, 0.3),
            2,
        )
