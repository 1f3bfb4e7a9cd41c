"""Pinyin for search: `kouhong`, `kh` and `huawei shouji` find 口红 and 华为手机.

A product's title, brand and category names are also indexed, in the products
index's `py` field, as pinyin terms (pypinyin picks each character's reading from
its phrase dictionary, so 银行 is `yinhang` and 行走 `xingzou`):

- each Chinese word jieba finds, and each dictionary sub-word inside a long one,
  as its full pinyin (`kouhong`) and its initials (`kh`; 手机 is `sj`: zh, ch and
  sh count as their first letter, as shoppers type them);
- each pair of adjacent Chinese words the same two ways (`huaweishouji`, `hwsj`).

A query word of plain Latin letters matches those terms as well as English words
(`query`), below an English match of the same word. Tone marks and ü are not
typed: ü is `v` (绿茶 is `lvcha`), as on phone keyboards. Syllables typed apart
(`kou hong`) also match as the one term they make together when the index has it
(`spaced`).
"""

import functools
import re

from pypinyin import lazy_pinyin

from livestall.search.analysis import CJK, segment_cached, subwords_of

FIELD = "py"
JOIN_MAX = 4  # Latin words typed apart that may be read as one pinyin term
LATIN_WORD = re.compile(r"[a-z]+")
_NOT_ALNUM = re.compile(r"[^a-z0-9]")


@functools.lru_cache(maxsize=50_000)
def readings(word):
    """(full pinyin, initials) of a word: ("kouhong", "kh"); Latin and digits in it
    are kept as they are ("T恤": "txu", "tx")."""
    syllables = []
    for piece in lazy_pinyin(word, v_to_u=False):
        piece = _NOT_ALNUM.sub("", piece.lower())
        if piece:
            syllables.append(piece)
    full = "".join(syllables)
    initials = "".join(s[0] for s in syllables)
    return full, initials


def terms_of_line(line):
    """The pinyin terms of one line of text (see the module's docstring), but
    none of one letter (a one-character word's initial)."""
    out = []
    previous = None  # (the last Chinese word, where it ended)
    for word, start in segment_cached(line, False):
        if not CJK.search(word):
            previous = None
            continue
        full, initials = readings(word)
        out += [full, initials]
        for gram, _offset in subwords_of(word):
            out += readings(gram)
        if previous is not None and previous[1] == start:
            before = readings(previous[0])
            out += [before[0] + full, before[1] + initials]
        previous = (word, start + len(word))
    return [t for t in out if len(t) > 1]  # one letter would match too much


def field_text(*parts):
    """The `py` field's text for these parts (title, brand, category names): their
    terms, space-separated (the field's analyzer splits on spaces)."""
    terms = []
    for part in parts:
        for line in (part or "").split("\n"):
            if line and CJK.search(line):
                terms += terms_of_line(line)
    return " ".join(terms)


def is_latin_word(word):
    """A query word that may be pinyin: plain Latin letters only."""
    return bool(LATIN_WORD.fullmatch(word))


def words_read_as(text, spoken):
    """The Chinese words of `text` (and their sub-words) whose pinyin or initials
    are among `spoken` (query words): what to mark in a title found by pinyin."""
    if not spoken:
        return set()
    found = set()
    for word, _start in segment_cached(text, True):
        if CJK.search(word) and word not in found:
            if any(r in spoken for r in readings(word)):
                found.add(word)
    return found


def spaced(words, known):
    """Runs of Latin words typed apart that are one pinyin term of the index
    together (`kou hong`: `kouhong`; `hua wei shou ji`: `huaweishouji`): [(start,
    stop, term)], longest first from the left. `known(term)` tells whether any
    product has the term."""
    found, i = [], 0
    while i < len(words):
        for j in range(min(len(words), i + JOIN_MAX), i + 1, -1):
            run = words[i:j]
            term = "".join(run)
            if all(map(is_latin_word, run)) and known(term):
                found.append((i, j, term))
                i = j
                break
        else:
            i += 1
    return found


def spoken_words(text):
    """What a title's Chinese words may be read as to be marked for this query:
    its Latin words, and each run of them typed apart joined (`shou ji ke`:
    `shouji`, `jike`, `shoujike` too)."""
    words = [w if is_latin_word(w) else None for w in text.lower().split()]
    spoken = set(filter(None, words))
    for i in range(len(words)):
        for j in range(i + 2, min(len(words), i + JOIN_MAX) + 1):
            if None in words[i:j]:
                break
            spoken.add("".join(words[i:j]))
    return spoken


def known_in(searcher):
    """Whether any product has this pinyin term (`spaced`)."""
    return lambda term: searcher.doc_frequency(FIELD, term) > 0
