"""Synonyms applied at query time: 唇膏 also finds 口红, sofa also finds couch.

The table is `synonyms.txt` beside this module (how to extend it is at its top):
one group of equivalent terms per line, comma-separated. A query word (or a whole
query of several words, "power bank") that is a member of a group also matches
each other member, below the word as typed (`query.SYNONYM_BOOST`). Nothing is
indexed, so editing the table needs a restart, not a reindex; merchants' own tags
are indexed with their products and count as before.
"""

import functools
import unicodedata
from pathlib import Path

TABLE = Path(__file__).with_name("synonyms.txt")


def normal(term):
    """How terms are compared: NFKC, lower case, single spaces."""
    return " ".join(unicodedata.normalize("NFKC", term).lower().split())


def parse(text):
    """{term: (the other members of its groups, in table order)}."""
    others = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0]
        members = [normal(t) for t in line.split(",")]
        members = list(dict.fromkeys(m for m in members if m))
        if len(members) < 2:
            continue
        for member in members:
            known = others.setdefault(member, [])
            known.extend(m for m in members if m != member and m not in known)
    return {term: tuple(found) for term, found in others.items()}


@functools.cache
def table():
    try:
        return parse(TABLE.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}


def of(term):
    """The synonyms of a query word or phrase (none: an empty tuple)."""
    return table().get(normal(term), ())
