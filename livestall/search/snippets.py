"""Search snippets: the matched words of a result marked in escaped HTML."""

import html
import logging

from whoosh import highlight

from livestall.search.analysis import ANALYZER

log = logging.getLogger(__name__)


class MarkFormatter(highlight.Formatter):
    """Escaped text with matched words in <mark>: safe to show with |safe."""

    between = " … "

    def _text(self, text):
        return html.escape(text, quote=False)

    def format_token(self, text, token, replace=False):
        return (
            "<mark>" + self._text(highlight.get_text(text, token, replace)) + "</mark>"
        )


_FORMATTER = MarkFormatter()


def snippet(text, terms, whole=False, maxchars=160):
    """Highlighted, escaped HTML of `text` (a fragment around the matches), or ""."""
    if not text or not terms:
        return ""
    fragmenter = (
        highlight.WholeFragmenter(charlimit=None)
        if whole
        else highlight.ContextFragmenter(maxchars=maxchars, surround=50, charlimit=None)
    )
    try:
        return highlight.highlight(
            text, frozenset(terms), ANALYZER, fragmenter, _FORMATTER, top=1
        )
    except Exception:  # a snippet is decoration: never fail a search for it
        log.exception("search: highlighting failed")
        return ""
