"""Text bound for a terminal → the same text with its control characters made visible, so it cannot fake or hide.

Whatever reportgen prints may hold text it did not write: a certificate's name (``verify``, ``sign``), a path, a
value echoed from a content file (``check``, also as GitHub annotations). A terminal obeys what such text holds: an
ESC starts a command (colours, moving the cursor, clearing the screen, a window title), a CR returns to the start of
the line and lets the rest overwrite it, a LF starts what looks like a line of reportgen's own, and a bidi override
(U+202E) reverses what follows (``fdp.exe`` shown for ``exe.pdf``). The CLI prints through ``for_terminal`` only
(``cli._emit``), single-line fields (a name, a path) go through ``one_line`` when the line is laid out, and a
problem is cleaned whole by ``problems.clean_problem``.

A character that must not reach the terminal is shown as its escape, ``\\u001b``, ``\\u202e``: visible, and the
same escape JSON uses, so ``--format json`` output stays valid JSON. Thai, combining marks and zero-width joiners
are kept as they are.
"""

from __future__ import annotations

import re

#: C0 and C1 controls and DEL; the bidi embeddings, overrides and isolates and the implicit marks (they reorder
#: what a reader sees); the line and paragraph separators (a new line to some terminals); and BOM/ZWNBSP inside text.
_REORDERING = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ufeff"
_UNSAFE_IN_FIELD = re.compile(f"[\x00-\x1f\x7f-\x9f{_REORDERING}]")
#: The same, but for the tab (U+0009) and the line feed (U+000A) that lay the output out.
_UNSAFE_IN_OUTPUT = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_REORDERING}]")
#: A source line as ``check`` quotes it: one line, its tabs kept (they are shown as → under the caret).
UNSAFE_IN_SOURCE = re.compile(f"[\x00-\x08\x0a-\x1f\x7f-\x9f{_REORDERING}]")
#: The colour codes reportgen's own painter writes (``problems._painter``): Select Graphic Rendition, digits only.
_SGR = re.compile(r"\x1b\[[0-9;]*m")


def escape(match: re.Match[str]) -> str:
    """A matched character as its JSON-style escape, ``\\u001b``."""
    return f"\\u{ord(match.group()):04x}"


def one_line(text: object) -> str:
    """One field of a line (a name, a path): every control character escaped, line breaks and tabs too."""
    return _UNSAFE_IN_FIELD.sub(escape, str(text))


def for_terminal(text: str, *, styled: bool = False) -> str:
    """Text about to be printed: its line breaks (LF) and tabs kept, every other control character escaped. With
    ``styled``, the colour codes of reportgen's painter are kept too (the text painted must be clean already)."""
    if not styled:
        return _UNSAFE_IN_OUTPUT.sub(escape, text)
    parts = _SGR.split(text)
    codes = _SGR.findall(text)
    out = [_UNSAFE_IN_OUTPUT.sub(escape, parts[0])]
    for code, part in zip(codes, parts[1:]):
        out.append(code)
        out.append(_UNSAFE_IN_OUTPUT.sub(escape, part))
    return "".join(out)
