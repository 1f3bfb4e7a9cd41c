"""Product shapes for food, tea, fresh produce, beauty and health.

One function per product shape, in 0–100 units; the object stands on the floor at
y ≈ 96."""

from demo.art.pen import mix, registry

SHAPES, _shape = registry()


@_shape
def _cup(pen, p, rnd):
    for x in (36, 50, 64):
        wave = [(x + (3 if i % 2 else -3), 34 - i * 6) for i in range(5)]
        pen.line(wave, mix(p.halo, p.main, 0.3), 3)
    pen.oval(6, 86, 94, 99, p.cream)
    pen.oval(20, 87, 80, 95, mix(p.cream, p.light, 0.5))
    pen.oval(64, 50, 90, 76, outline=p.main, width=6)
    pen.pie(14, 22, 78, 94, 0, 180, p.main)
    pen.oval(14, 50, 78, 66, mix(p.main, p.white, 0.35))
    pen.oval(18, 52, 74, 64, (196, 178, 96) if rnd.random() < 0.5 else (176, 96, 58))


@_shape
def _gift_box(pen, p, rnd):
    pen.oval(30, 12, 52, 32, outline=p.accent, width=5)
    pen.oval(48, 12, 70, 32, outline=p.accent, width=5)
    pen.rect(16, 42, 84, 96, p.main, r=3)
    pen.rect(12, 30, 88, 46, mix(p.main, p.deep, 0.3), r=3)
    pen.rect(45, 30, 55, 96, p.accent)
    pen.circle(50, 30, 5, mix(p.accent, p.deep, 0.2))
    pen.rect(22, 58, 38, 70, p.cream, r=2)


@_shape
def _fruit(pen, p, rnd):
    pen.circle(26, 74, 20, mix(p.main, p.deep, 0.25))
    pen.circle(56, 62, 32, p.main)
    pen.oval(36, 42, 50, 54, mix(p.main, p.white, 0.45))
    pen.line([(58, 32), (61, 18)], p.wood, 4)
    pen.poly([(60, 24), (70, 12), (86, 12), (74, 24)], p.leaf)


@_shape
def _shoots(pen, p, rnd):
    for dx, h in ((-20, 22), (20, 30), (0, 8)):
        x = 50 + dx
        base = 96
        pen.poly([(x - 17, base), (x + 17, base), (x + 2, h), (x - 2, h)], p.main)
        pen.poly(
            [(x - 17, base), (x + 2, base), (x - 1, h + 20)], mix(p.main, p.deep, 0.25)
        )
        pen.poly([(x - 4, h + 6), (x + 2, h), (x + 6, h + 10)], p.leaf)
        for f in (0.45, 0.7):
            y = h + (base - 6 - h) * f
            pen.line(
                [(x - 15 * f, y + 6), (x + 15 * f, y - 4)],
                mix(p.main, p.deep, 0.45),
                1.2,
            )
        pen.rect(x - 17, base - 6, x + 17, base, p.cream, r=2)


@_shape
def _fish(pen, p, rnd):
    silver = mix(p.metal, p.main, 0.35)
    pen.oval(2, 72, 98, 98, p.cream)
    pen.oval(10, 78, 90, 94, mix(p.cream, p.light, 0.4))
    pen.poly([(70, 66), (94, 48), (90, 66), (94, 84)], mix(silver, p.deep, 0.3))
    pen.poly([(34, 54), (48, 38), (60, 54)], mix(silver, p.deep, 0.3))
    pen.oval(8, 50, 78, 84, silver)
    pen.chord(8, 50, 78, 84, 10, 170, mix(silver, p.white, 0.5))
    pen.circle(22, 62, 4, p.white)
    pen.circle(22, 62, 2, p.dark)


@_shape
def _dropper(pen, p, rnd):
    pen.rect(43, 6, 57, 32, p.dark, r=7)
    pen.rect(40, 30, 60, 42, p.deep, r=2)
    pen.rect(28, 40, 72, 96, p.main, r=9)
    pen.rect(34, 58, 66, 84, p.cream, r=3)
    pen.rect(40, 66, 60, 69, p.light, r=1)
    pen.rect(34, 46, 38, 90, mix(p.main, p.white, 0.35), r=2)
    pen.circle(82, 82, 5, p.light)


@_shape
def _tube(pen, p, rnd):
    pen.rect(22, 8, 78, 20, mix(p.main, p.deep, 0.3), r=2)
    pen.poly([(24, 18), (76, 18), (68, 84), (32, 84)], p.main)
    pen.poly([(34, 34), (66, 34), (63, 58), (37, 58)], p.cream)
    pen.rect(36, 82, 64, 96, p.deep, r=3)
    pen.rect(28, 22, 33, 76, mix(p.main, p.white, 0.3), r=2)


@_shape
def _pouch(pen, p, rnd):
    teeth = [(22 + i * 4, 12 if i % 2 else 16) for i in range(15)]
    pen.poly([(22, 20), *teeth, (78, 20)], p.main)
    pen.rect(22, 14, 78, 96, p.main, r=5)
    pen.rect(22, 26, 78, 38, p.deep)
    pen.rect(34, 48, 66, 80, p.light, r=14)
    for x, y in ((44, 58), (54, 64), (46, 70), (57, 55)):
        pen.circle(x, y, 4, p.wood)
    pen.rect(22, 88, 78, 96, mix(p.main, p.deep, 0.2), r=5)


@_shape
def _lipstick(pen, p, rnd):
    pen.poly([(38, 44), (58, 44), (58, 20), (38, 10)], p.main)
    pen.rect(35, 40, 61, 58, (214, 180, 118), r=2)
    pen.rect(33, 56, 63, 96, p.deep, r=3)
    pen.rect(68, 64, 90, 96, p.deep, r=3)
    pen.rect(38, 60, 42, 92, mix(p.deep, p.white, 0.2), r=1)


@_shape
def _jar(pen, p, rnd):
    pen.rect(18, 34, 82, 50, p.deep, r=5)
    pen.rect(20, 48, 80, 96, p.main, r=10)
    pen.rect(20, 62, 80, 82, p.cream)
    pen.rect(30, 69, 56, 74, p.light, r=2)
    pen.rect(26, 52, 31, 92, mix(p.main, p.white, 0.3), r=2)


@_shape
def _pills(pen, p, rnd):
    pen.rect(28, 18, 64, 36, p.cream, r=3)
    for x in range(32, 62, 5):
        pen.rect(x, 20, x + 2, 34, mix(p.cream, p.deep, 0.15))
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
    pen.rect(36, 32, 41, 90, mix(p.main, p.white, 0.35), r=2)
