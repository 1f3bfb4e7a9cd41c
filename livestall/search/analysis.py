"""Search analysis: how text becomes index terms.

One analyzer, `ANALYZER`, serves every text field of every index: jieba segments
Chinese in search mode (a long word also yields its dictionary sub-words, so "料理"
finds "手持料理棒"), Latin runs stay whole, then words are lower-cased, stop words
dropped and English stemmed in the same field ("blenders" finds "blender").
`PLAIN` keeps the unstemmed words, for spelling suggestions and completion.
"""

import functools
import logging
import re

import jieba
from whoosh.analysis import (
    STOP_WORDS,
    LowercaseFilter,
    SpaceSeparatedTokenizer,
    StemFilter,
    StopFilter,
    Token,
    Tokenizer,
)

jieba.setLogLevel(logging.WARNING)

# Chinese function words that match nearly everything.
ZH_STOP = frozenset("的 了 和 与 及 是 在 也 都 就 而 或 之 等 把 被 让 给 个".split())
WORDISH = re.compile(r"\w", re.UNICODE)
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def subwords_of(word):
    """The dictionary 2- and 3-character words inside a longer Chinese word.

    This is jieba's search mode ("cut_for_search"), spelled out so the whole word can
    come first (highlighting then marks the longest match).
    """
    if len(word) <= 2 or not CJK.search(word):
        return []
    freq = jieba.dt.FREQ
    out = []
    for n in (2, 3):
        if len(word) > n:
            for i in range(len(word) - n + 1):
                gram = word[i : i + n]
                if freq.get(gram):
                    out.append((gram, i))
    return out


class JiebaTokenizer(Tokenizer):
    """Words from jieba (Chinese segmented, Latin runs kept whole), with sub-words.

    Whitespace and punctuation are dropped; positions count emitted tokens and
    character offsets point into the original text (for highlighting).
    """

    def __init__(self, subwords=True):
        self.subwords = subwords

    def __eq__(self, other):
        return type(self) is type(other) and self.subwords == other.subwords

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        pos = start_pos
        for text, start in segment_lines(value, self.subwords):
            t.text = text
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = text
            if positions:
                t.pos = pos
                pos += 1
            if chars:
                t.startchar = start_char + start
                t.endchar = t.startchar + len(text)
            yield t


CACHE_MAX_CHARS = 300


def segment(value, subwords=True):
    """(word, start offset) for each jieba word (then its sub-words), punctuation and
    spaces dropped."""
    out = []
    for word, start, _end in jieba.tokenize(value):
        if not WORDISH.search(word):
            continue
        out.append((word, start))
        if subwords:
            out.extend((gram, start + offset) for gram, offset in subwords_of(word))
    return tuple(out)


# Brands, shop names, category names and tags repeat across many products, and a
# title is also in the spelling field: jieba, the slow part of indexing, runs once
# per distinct short line.
segment_cached = functools.lru_cache(maxsize=50_000)(segment)


def segment_lines(value, subwords=True):
    """`segment` line by line (documents join their parts with newlines)."""
    offset = 0
    for line in value.split("\n"):
        if line:
            if len(line) <= CACHE_MAX_CHARS:
                pieces = segment_cached(line, subwords)
            else:
                pieces = segment(line, subwords)
            for text, start in pieces:
                yield text, offset + start
        offset += len(line) + 1


STOPS = frozenset(STOP_WORDS) | ZH_STOP
# One analyzer for every text field: jieba words, lower case, stop words, stems.
ANALYZER = (
    JiebaTokenizer()
    | LowercaseFilter()
    | StopFilter(stoplist=STOPS, minsize=1)
    | StemFilter()
)
# Unstemmed words: spelling suggestions and prefix completion.
PLAIN = JiebaTokenizer() | LowercaseFilter()
# The pinyin field's text is already its terms (search.pinyin), space-separated.
PINYIN = SpaceSeparatedTokenizer() | LowercaseFilter()
