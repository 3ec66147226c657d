"""A word → whether Pango (libthai), asked as WeasyPrint 70 asks it, would break a line inside it.

``linebreak.py`` marks Thai words so that a line never breaks inside one; it asks this only for the words where
that needs a mark. WeasyPrint has no public API for it: ``weasyprint.text.line_break.get_log_attrs`` is its own
helper around ``pango_get_log_attrs``, so the question is asked here, inside the adapter.
"""

from __future__ import annotations


def breaks_inside(word: str, lang: str = "th") -> bool:
    """Whether Pango would break a line somewhere inside ``word`` laid out alone, in ``lang``."""
    from weasyprint.text.line_break import get_log_attrs  # imported on first use: WeasyPrint is heavy

    attributes = get_log_attrs(word, lang)
    return any(attributes[index].is_line_break for index in range(1, len(word)))
