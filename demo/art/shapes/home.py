"""Product shapes for mother and baby, the home, books and stationery.

One function per product shape, in 0–100 units; the object stands on the floor at
y ≈ 96."""

from demo.art.pen import hls, mix, registry

SHAPES, _shape = registry()


@_shape
def _baby_bottle(pen, p, rnd):
    pen.oval(40, 8, 60, 34, (232, 208, 176))
    pen.rect(36, 24, 64, 30, (232, 208, 176), r=3)
    pen.rect(30, 26, 70, 40, p.main, r=4)
    pen.rect(32, 38, 68, 96, mix(p.light, p.white, 0.55), r=10)
    pen.rect(34, 58, 66, 94, p.white, r=8)
    for y in (50, 60, 70, 80):
        pen.rect(58, y, 66, y + 1.5, p.main)


@_shape
def _stroller(pen, p, rnd):
    pen.line([(78, 56), (94, 22)], p.dark, 3)
    pen.line([(30, 70), (32, 88)], p.dark, 3)
    pen.line([(72, 70), (74, 88)], p.dark, 3)
    pen.pie(14, 30, 86, 86, 0, 180, mix(p.main, p.deep, 0.2))
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
        pen.rect(x, 72, x + 3, 96, mix(p.main, p.white, 0.3))
    pen.rect(14, 52, 86, 74, p.light, r=6)
    pen.rect(18, 34, 82, 54, mix(p.main, p.deep, 0.2), r=6)
    pen.rect(26, 14, 74, 36, mix(p.light, p.white, 0.55), r=10)
    pen.rect(30, 24, 70, 25.5, mix(p.light, p.main, 0.3))


@_shape
def _vase(pen, p, rnd):
    pen.line([(50, 24), (36, 4)], mix(p.leaf, p.deep, 0.3), 1.8)
    pen.line([(50, 24), (64, 6)], mix(p.leaf, p.deep, 0.3), 1.8)
    pen.line([(50, 24), (52, 0)], mix(p.leaf, p.deep, 0.3), 1.8)
    for x, y in ((36, 4), (64, 6), (52, 0)):
        pen.circle(x, y, 4, p.cream)
    pen.rect(38, 22, 62, 50, p.main)
    pen.rect(34, 18, 66, 26, mix(p.main, p.deep, 0.2), r=3)
    pen.oval(16, 38, 84, 98, p.main)
    pen.oval(26, 48, 34, 64, mix(p.main, p.white, 0.25))


@_shape
def _basket(pen, p, rnd):
    pen.poly([(14, 40), (86, 40), (80, 96), (20, 96)], p.main)
    for y in (56, 68, 80):
        pen.rect(18, y, 82, y + 3, mix(p.main, p.white, 0.3))
    pen.rect(12, 36, 88, 46, mix(p.main, p.deep, 0.25), r=3)
    pen.rect(42, 48, 58, 54, p.deep, r=3)


@_shape
def _lamp(pen, p, rnd):
    pen.poly([(30, 44), (70, 44), (80, 64), (20, 64)], mix(p.warm, p.white, 0.6))
    pen.rect(48, 40, 52, 90, p.wood)
    pen.poly([(28, 8), (72, 8), (84, 44), (16, 44)], p.main)
    pen.rect(16, 40, 84, 46, mix(p.main, p.deep, 0.2), r=2)
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
    pen.rect(36, 56, 41, 90, mix(p.main, p.white, 0.3), r=2)


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
        pen.rect(x0 + 8, y0, x0 + 12, y1, mix(colour, p.white, 0.35))


@_shape
def _palette(pen, p, rnd):
    pen.line([(60, 30), (88, 4)], p.wood, 4)
    pen.line([(56, 34), (62, 28)], p.dark, 5)
    pen.rect(6, 40, 94, 92, p.white, r=8)
    pen.rect(6, 40, 94, 48, p.main, r=4)
    colours = [hls(p.hue + i * 45, 0.62, 0.5) for i in range(8)]
    for i, colour in enumerate(colours):
        x, y = 12 + (i % 4) * 20, 54 + (i // 4) * 18
        pen.rect(x, y, x + 16, y + 14, colour, r=3)
