"""What the room's play shares: plain text in, times out to the millisecond."""

import datetime
import unicodedata

from livestall.errors import Invalid


def plain(value, field, most, required=True):
    """Plain text: control characters out, whitespace folded, at most `most`
    characters (an empty text is refused unless not `required`)."""
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise Invalid("%(name)s must be text.", field=field, name=field)
    text = " ".join(
        "".join(
            " " if ch in "\t\n\r" else ch
            for ch in value
            if ch in "\t\n\r"
            or unicodedata.category(ch) not in ("Cc", "Cs", "Co", "Cn")
        ).split()
    )
    if not text and required:
        raise Invalid("Write %(name)s.", field=field, name=field)
    if len(text) > most:
        raise Invalid(
            "%(name)s: at most %(n)d characters.", field=field, name=field, n=most
        )
    return text


def fold(text):
    """For matching a keyword: width, case and surrounding spaces do not count."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def ms(moment):
    if moment is None:
        return None
    return int(moment.replace(tzinfo=datetime.UTC).timestamp() * 1000)
