"""Product shapes for food bowls, pets, sports, shoes and bags, and clothes.

One function per product shape, in 0–100 units; the object stands on the floor at
y ≈ 96."""

from demo.art.pen import mix, registry

SHAPES, _shape = registry()


@_shape
def _bowl(pen, p, rnd):
    pen.line([(58, 6), (86, 58)], p.wood, 3)
    pen.line([(68, 4), (92, 56)], p.wood, 3)
    pen.rect(34, 88, 66, 98, mix(p.main, p.deep, 0.3), r=2)
    pen.pie(6, 30, 94, 96, 0, 180, p.main)
    pen.oval(6, 54, 94, 72, mix(p.main, p.white, 0.4))
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
    pen.rect(10, 54, 90, 64, mix(p.main, p.deep, 0.25), r=5)
    pen.oval(42, 74, 58, 90, p.cream)
    for x, y in ((40, 72), (46, 67), (54, 67), (60, 72)):
        pen.circle(x, y, 2.6, p.cream)


@_shape
def _bone(pen, p, rnd):
    pen.rect(24, 64, 76, 82, p.main, r=3)
    for x in (22, 78):
        for y in (62, 84):
            pen.circle(x, y, 11, p.main)
    pen.rect(30, 68, 70, 71, mix(p.main, p.white, 0.35), r=1)


@_shape
def _paw(pen, p, rnd):
    pen.line([(70, 8), (92, 40)], p.wood, 2)
    pen.oval(84, 34, 98, 56, p.accent)
    pen.oval(26, 52, 74, 94, p.main)
    for box in ((12, 32, 30, 54), (30, 14, 48, 38), (52, 14, 70, 38), (70, 32, 88, 54)):
        pen.oval(*box, p.main)


@_shape
def _sock(pen, p, rnd):
    patch = mix(p.main, p.deep, 0.3)
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
    pen.poly([(30, 96), (64, 32), (98, 96)], mix(p.main, p.white, 0.3))
    pen.poly([(2, 96), (36, 22), (70, 96)], p.main)
    pen.poly([(27, 42), (36, 22), (45, 42), (40, 38), (36, 44), (31, 38)], p.white)
    pen.line([(56, 96), (82, 56)], p.dark, 2.2)
    pen.line([(62, 96), (86, 58)], p.dark, 2.2)


@_shape
def _tent(pen, p, rnd):
    pen.line([(50, 16), (50, 4)], p.dark, 2)
    pen.poly([(50, 4), (64, 8), (50, 12)], p.accent)
    pen.poly([(4, 96), (50, 14), (96, 96)], p.main)
    pen.poly([(50, 14), (96, 96), (64, 96)], mix(p.main, p.deep, 0.25))
    pen.poly([(34, 96), (50, 56), (60, 96)], p.deep)
    pen.rect(0, 95, 100, 97, mix(p.main, p.deep, 0.4))


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
            outline=mix(p.main, p.deep, 0.2),
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
    pen.rect(16, 44, 28, 50, mix(p.main, p.white, 0.3), r=3)
    pen.rect(72, 44, 84, 50, mix(p.main, p.white, 0.3), r=3)


@_shape
def _shoe(pen, p, rnd):
    pen.poly([(36, 58), (40, 44), (50, 44), (52, 54)], mix(p.main, p.deep, 0.3))
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
    pen.rect(4, 89, 97, 93, mix(p.white, p.deep, 0.2), r=2)
    pen.line([(24, 74), (48, 68), (78, 73)], p.accent, 4)
    for x, y in ((50, 57), (58, 60), (66, 64)):
        pen.line([(x - 3, y + 2), (x + 3, y - 3)], p.white, 2)
    pen.rect(8, 58, 15, 80, p.deep, r=3)


@_shape
def _backpack(pen, p, rnd):
    pen.arc(38, 6, 62, 30, 180, 360, p.deep, 4)
    pen.rect(20, 18, 80, 96, p.main, r=18)
    pen.pie(20, 18, 80, 60, 180, 360, mix(p.main, p.deep, 0.2))
    pen.rect(30, 58, 70, 90, mix(p.main, p.deep, 0.15), r=10)
    pen.rect(34, 64, 66, 66, p.cream, r=1)
    pen.rect(46, 66, 54, 72, p.cream, r=2)


@_shape
def _tote(pen, p, rnd):
    pen.arc(30, 10, 70, 70, 180, 360, p.deep, 5)
    pen.poly([(16, 40), (84, 40), (88, 96), (12, 96)], p.main)
    pen.rect(34, 56, 66, 80, p.light, r=3)
    pen.circle(50, 68, 5, p.accent)
    pen.rect(16, 40, 84, 46, mix(p.main, p.deep, 0.2))


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
    pen.pie(38, 0, 62, 22, 0, 180, mix(p.main, p.deep, 0.35))
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
