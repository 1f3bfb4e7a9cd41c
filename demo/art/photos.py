"""A creator's "flat lay": the tagged products drawn again, smaller, on a textured
tabletop with a prop or two, a paper caption strip and the creator's handle.
Every photo draws its texture from its own seed, so no two hash the same."""

import random
from functools import lru_cache

from PIL import Image as PILImage
from PIL import ImageDraw, ImageFilter, ImageOps

from demo.art.pen import SUPERSAMPLE, Palette, Pen, gradient, hls, mix, typeface
from demo.art.products import png_bytes
from demo.art.props import PROPS
from demo.art.shapes import SHAPES
from demo.art.tabletops import BACKGROUNDS

POST_SIZE = (750, 1000)  # 3:4, the shape of a post cover
SHADOW = (46, 38, 34)


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
    plate.paste(mix(p.halo, Palette.white, 0.5), (0, 0), _disc(side, 1.0))
    plate.paste(mix(p.halo, p.light, 0.25), (0, 0), _disc(side, 0.82))
    plate.paste(p.halo, (0, 0), _disc(side, 0.78))
    return plate


def _polaroid(picture):
    """A printed photo of the product: its picture's colours with a white border."""
    p = Palette(picture["hue"])
    card = PILImage.new("RGBA", (480, 580), (*Palette.white, 255))
    inner = gradient(p.bg_top, p.bg_bottom, 440)
    pen = Pen(250)
    pen.circle(50, 48, 58, p.halo)
    SHAPES[picture["shape"]](pen, p, random.Random(picture["seed"]))
    layer = pen.result()
    inner.paste(layer, ((440 - layer.width) // 2, 222 - layer.height // 2), layer)
    card.paste(inner, (20, 20))
    ImageDraw.Draw(card).text(
        (240, 522), picture["brand"], font=typeface(34), fill=p.ink, anchor="mm"
    )
    return card


def _strip(text, hue):
    """A paper caption strip with a piece of washi tape on its left end."""
    font = typeface(34)
    probe = ImageDraw.Draw(PILImage.new("L", (1, 1)))
    width = round(probe.textlength(text, font=font)) + 84
    strip = PILImage.new("RGBA", (width + 20, 100), (0, 0, 0, 0))
    draw = ImageDraw.Draw(strip)
    draw.rounded_rectangle(
        (10, 16, width + 10, 86), radius=6, fill=(255, 253, 247, 242)
    )
    draw.text(
        (width / 2 + 10, 52), text, font=font, fill=hls(hue, 0.28, 0.30), anchor="mm"
    )
    tape = PILImage.new("RGBA", strip.size, (0, 0, 0, 0))
    ImageDraw.Draw(tape).rectangle(
        (0, 0, 62, 34), fill=(*hls(hue + 150, 0.74, 0.5), 170)
    )
    return PILImage.alpha_composite(strip, tape)


def _handle(img, text):
    draw = ImageDraw.Draw(img, "RGBA")
    w, h = img.size
    draw.text(
        (w - 24, h - 22),
        text,
        font=typeface(24),
        anchor="rd",
        fill=(255, 255, 255, 235),
        stroke_width=2,
        stroke_fill=(30, 30, 30, 60),
    )


def _prop_layer(name, hue, seed, side):
    return _drawing(PROPS.get(name) or SHAPES[name], hue, seed, side)


def render_post_photo(photo):
    """A 750×1000 flat lay for a post (see `demo.seed` for `photo`'s keys)."""
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
