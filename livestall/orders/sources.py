"""Where an order line came from: the one parser and formatter of line sources.

A source is stored as text on cart items and order lines (`post:12`, `live:3`,
`share:7`, `flash:5`) and shown as such by the API. Everything else holds a
`LineSource(kind, id)`: never split or build the text by hand.

- `post:ID`   bought from a shoppable post (the product opened from it)
- `live:ID`   bought in a live room while it was on
- `share:ID`  arrived through user ID's share link
- `flash:ID`  a unit of flash sale ID (set by checkout from a hold, never by a client)

A new mechanism (a group-buying team, a bargain) adds its kind to KINDS, and to
CLIENT_KINDS when a page may pass it along.
"""

import re
from typing import NamedTuple

KINDS = ("post", "live", "share", "flash")
CLIENT_KINDS = KINDS  # what a cart line or a checkout body may name (as before)
ROOM_KINDS = ("live", "flash")  # bought inside a live room
ID_DIGITS = 12
_TEXT = re.compile(rf"^([a-z]{{1,16}}):([0-9]{{1,{ID_DIGITS}}})$")


class LineSource(NamedTuple):
    kind: str
    id: int

    @classmethod
    def parse(cls, text, kinds=KINDS):
        """The source written in `text`, or None when it is not one of `kinds`."""
        if not isinstance(text, str):
            return None
        found = _TEXT.match(text)
        if found is None or found.group(1) not in kinds:
            return None
        return cls(found.group(1), int(found.group(2)))

    def __str__(self):
        return f"{self.kind}:{self.id}"


def clean(text, kinds=CLIENT_KINDS):
    """The canonical text of a client-given source, or None when it is not valid."""
    source = LineSource.parse(text, kinds)
    return None if source is None else str(source)


def of(kind, ident):
    """The stored text of a source: `of("flash", 5)` is "flash:5"."""
    return str(LineSource(kind, int(ident)))


def ids_of(texts, kind):
    """The ids of the sources of `kind` among `texts` (others and bad text ignored)."""
    found = (LineSource.parse(text) for text in texts)
    return {source.id for source in found if source is not None and source.kind == kind}
