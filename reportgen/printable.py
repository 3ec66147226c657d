"""A text → the characters of it the form cannot print: those no font of fonts/ draws.

The PDF is set only in the project's own fonts (never the machine's), so a character they lack prints as an empty
box (the fonts' ``.notdef``) where the officer saw, say, 👍 in LINE: what was typed is not what the form prints.
``check`` warns at the character's line instead (``validate.text_warnings``). The characters the fonts draw are
``printed_ranges.PRINTED_RANGES``, made from the fonts by ``fonts/update_fonts.py`` (a test compares the two).
"""

from __future__ import annotations

import re
import unicodedata

from reportgen.printed_ranges import PRINTED_RANGES

#: Line breaks and tabs are layout, not glyphs: the form breaks the line, or indents (a list pasted from Word).
_LAYOUT = "\n\t"
_UNPRINTABLE = re.compile(
    "[^" + re.escape(_LAYOUT) + "".join(f"{re.escape(chr(first))}-{re.escape(chr(last))}"
                                        for first, last in PRINTED_RANGES) + "]"
)


def unprintable(text: str) -> list[str]:
    """The distinct characters of ``text`` the form's fonts cannot draw, in the order they first appear."""
    return list(dict.fromkeys(_UNPRINTABLE.findall(text)))


def shown(char: str) -> str:
    """How a message names ``char``: the character and its code (``👍 U+1F44D``), the code alone for one that shows
    nothing (a line separator, a format character)."""
    code = f"U+{ord(char):04X}"
    return code if unicodedata.category(char)[0] in "ZC" else f"{char} {code}"
