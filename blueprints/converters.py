"""URL converters every blueprint's routes use."""

from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter, ValidationError

ID_MAX = 2**53 - 1  # the ids the domains accept anywhere (JSON-safe, fits any column)


class IdConverter(IntegerConverter):
    """`<int:...>` in every route is an id: 1 to ID_MAX, in ASCII digits.

    Werkzeug's own reads any length and any Unicode digit, so `/products/2**63`
    reached the database and SQLite raised OverflowError (a 500). An id out of
    range is now the same 404 as an id nobody has."""

    regex = r"[0-9]{1,16}"

    def __init__(self, map, **kwargs):
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", ID_MAX)
        super().__init__(map, **kwargs)

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError:
            # Werkzeug would answer 405 when a rule for another method shares the
            # path (PATCH /api/v1/products/0: "only GET"); no such object is a 404.
            raise NotFound() from None
