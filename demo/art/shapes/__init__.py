"""The product shapes by name (`picture["shape"]`): one drawing function each,
`fn(pen, palette, rnd)`."""

from demo.art.shapes import appliances, gear, home, pantry

SHAPES = {**pantry.SHAPES, **appliances.SHAPES, **gear.SHAPES, **home.SHAPES}
