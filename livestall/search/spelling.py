"""Spelling: "Did you mean" corrections for mistyped English words of a query.

Each Latin word of three letters or more that no product knows (as typed or as
its stem) is corrected on its own against the index vocabulary (the "spell"
field: titles, brands and tags, unstemmed), so a query with a typo in every word,
"mechanicl keybord", becomes "mechanical keyboard". Short words allow one edit,
words of five letters or more two; the first letter must match (it is rarely the
one mistyped, and it keeps the automaton small). Chinese words and numbers are
kept as they are. The caller checks that the corrected query finds something.
"""

import re

from livestall.search.analysis import ANALYZER

_LATIN_WORD = re.compile(r"^[a-z]{3,}$")
LONG_WORD = 5  # letters from which two edits are allowed


def _known(reader, word, fields):
    """True if the word, or its stem, is in any searchable product field."""
    if reader.doc_frequency("spell", word):
        return True
    stems = [t.text for t in ANALYZER(word)]
    return any(reader.doc_frequency(f, t) for t in stems for f in fields)


def max_edits(word):
    return 2 if len(word) >= LONG_WORD else 1


def _closest(corrector, word):
    """The index word fewest edits away (the most frequent among equals), or None.

    Whoosh ranks every word within `maxdist` by frequency alone, so one call with
    maxdist=2 would prefer a common word two edits away ("pills" for "pilow") to
    the word one edit away ("pillow"): ask for one edit first, then two.
    """
    for distance in range(1, max_edits(word) + 1):
        options = corrector.suggest(word, limit=1, maxdist=distance, prefix=1)
        if options and options[0] != word:
            return options[0]
    return None


def correct(searcher, text, fields):
    """The query with its unknown English words corrected, or None if none was."""
    reader = searcher.reader()
    corrector = None
    changed_any = False
    corrected = []
    for word in text.split():
        lower = word.lower()
        if _LATIN_WORD.match(lower) and not _known(reader, lower, fields):
            if corrector is None:
                corrector = reader.corrector("spell")
            best = _closest(corrector, lower)
            if best:
                corrected.append(best)
                changed_any = True
                continue
        corrected.append(word)
    return " ".join(corrected) if changed_any else None
