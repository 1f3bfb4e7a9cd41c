"""Product shapes for the kitchen and electronics.

One function per product shape, in 0–100 units; the object stands on the floor at
y ≈ 96."""

from demo.art.pen import mix, registry

SHAPES, _shape = registry()


@_shape
def _blender(pen, p, rnd):
    pen.rect(60, 48, 90, 96, mix(p.light, p.white, 0.4), r=4)
    for y in (60, 70, 80):
        pen.rect(80, y, 88, y + 2, p.white)
    pen.rect(46, 48, 54, 82, p.metal)
    pen.pie(36, 72, 64, 100, 180, 360, mix(p.metal, p.dark, 0.2))
    pen.rect(38, 4, 62, 54, p.main, r=12)
    pen.circle(50, 18, 4, p.cream)
    pen.circle(50, 30, 4, p.cream)
    pen.rect(42, 10, 46, 46, mix(p.main, p.white, 0.3), r=2)


@_shape
def _appliance(pen, p, rnd):
    pen.rect(18, 16, 82, 96, p.main, r=14)
    pen.rect(28, 26, 72, 44, p.dark, r=6)
    pen.circle(60, 35, 4, p.warm)
    pen.rect(34, 33, 50, 37, mix(p.dark, p.white, 0.5), r=2)
    pen.rect(26, 52, 74, 90, mix(p.main, p.deep, 0.2), r=8)
    pen.rect(40, 64, 60, 72, p.cream, r=3)


@_shape
def _pan(pen, p, rnd):
    pen.line([(66, 70), (97, 58)], p.wood, 7)
    pen.oval(4, 56, 72, 94, p.main)
    pen.oval(8, 56, 68, 84, p.dark)
    pen.oval(12, 58, 64, 80, mix(p.dark, p.white, 0.15))
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
    pen.rect(28, 46, 33, 82, mix(p.main, p.white, 0.3), r=2)


@_shape
def _pot(pen, p, rnd):
    side = mix(p.main, p.deep, 0.25)
    pen.rect(3, 52, 18, 62, side, r=4)
    pen.rect(82, 52, 97, 62, side, r=4)
    pen.rect(12, 44, 88, 94, p.main, r=16)
    pen.rect(10, 36, 90, 50, side, r=7)
    pen.rect(42, 26, 58, 38, p.metal, r=4)
    pen.rect(20, 56, 26, 84, mix(p.main, p.white, 0.3), r=3)


@_shape
def _earbuds(pen, p, rnd):
    for x in (28, 56):
        pen.rect(x + 6, 26, x + 12, 60, p.main, r=3)
        pen.circle(x + 8, 26, 10, p.main)
        pen.circle(x + 6, 26, 4, p.deep)
    pen.rect(20, 52, 80, 96, mix(p.white, p.light, 0.45), r=20)
    pen.rect(20, 64, 80, 66, mix(p.light, p.deep, 0.2))
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
    pen.rect(22, 26, 78, 96, mix(p.white, p.light, 0.45), r=12)
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
    pen.rect(18, 32, 60, 86, mix(p.main, p.deep, 0.3), r=6)
    for gx in range(22, 58, 6):
        for gy in range(37, 84, 6):
            pen.circle(gx + 1, gy, 1.4, mix(p.main, p.deep, 0.6))
    pen.circle(74, 46, 7, p.cream)
    pen.circle(74, 70, 5, p.cream)
