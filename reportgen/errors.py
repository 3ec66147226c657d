"""User-facing errors: the one small hierarchy the CLI catches, and the problems found in content files.

Library code raises these (or logs); only the CLI prints them. A ``ContentError`` carries every ``Problem`` found,
across all files, so an editor fixes everything in one pass. Anything else that escapes is a bug, and the CLI shows
its traceback only with ``--debug``.

The people who read these messages are library staff, not programmers. Every message therefore comes from the
catalog (``reportgen/wording/messages.yaml``, read through ``reportgen.wording``), written in Thai and English in
words they can act on: what was found, what is
expected, and how to fix it, never a Python type name or a validator's jargon. A ``Problem`` is rendered in both
languages when it is created; ``Problem.format`` prints it like a compiler diagnostic, with the offending source
line and a caret under the column.
"""

from __future__ import annotations

import dataclasses
import errno
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from reportgen import wording
from reportgen.wording import LANGS, L, Lang, Localized  # noqa: F401 - the names the loader and tests import here

Severity = Literal["error", "warning"]


class ReportgenError(Exception):
    """Base of every error meant for the user. ``exit_code`` is what the CLI exits with.

    Raised with a catalog key and its parameters (``UsageError("usage_no_such_file", file=path)``); ``text(lang)``
    is the message, then its hint on a line of its own, in the reader's language; ``str(error)`` is the text in
    the language of the run (``wording.language()``, Thai unless the CLI was given ``--lang en``).
    """

    exit_code = 2

    def __init__(self, code: str, /, **params: object):
        if isinstance(code, Worded):  # ``UsageError(usage_text(key, ...))``: the key travels with the text
            code, params = code.key, {**code.params, **params}
        self.code, self.params = code, params
        super().__init__(self.text(None))

    def __reduce__(self):  # across processes (a render worker's error) with its key, not its text
        return _restore_error, (type(self), self.code, self.params)

    def text(self, lang: str | None = "th") -> str:
        if self.code not in wording.catalog():  # a text not yet moved into the catalog: shown as it was given
            return self.code
        return wording.with_hint(self.code, lang, **self.params)


def _restore_error(cls: type[ReportgenError], code: str, params: dict) -> ReportgenError:
    return cls(code, **params)


class UsageError(ReportgenError):
    """Wrong command-line use, or a project that is not set up (no content/, no templates/)."""

    exit_code = 2


class CatalogueError(ReportgenError):
    """An error whose text comes from the catalog entry ``code`` (message, then its hint), shown in the reader's
    language (``text(lang)``)."""


# --- The message catalogue: reportgen.wording (messages.yaml); these names are kept for their callers -------------


class Worded(str):
    """A catalog message as a string (Thai), that still knows its key and parameters for another language."""

    key: str
    params: dict

    def __new__(cls, key: str, params: dict) -> Worded:
        text = super().__new__(cls, wording.message(key, "th", **params))
        text.key, text.params = key, params
        return text

    def text(self, lang: str | None = None) -> str:
        return wording.message(self.key, lang, **self.params)


def render_message(code: str, params: dict, lang: str = "th") -> tuple[str, str | None]:
    """(message, hint) for ``code`` in ``lang``; an unknown code falls back to the generic message."""
    return wording.render(code, params, lang)


def usage_text(code: str, **params: object) -> Worded:
    """A usage error's one line from the catalog: ``raise UsageError(usage_text(code, ...))`` reads in the language
    of the run, like ``raise UsageError(code, ...)``."""
    return Worded(code, params)


# --- Problems ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or suspicious) in one content file, located as precisely as the source allows.

    ``file`` is relative to the project root; ``line`` and ``column`` are 1-based; ``field`` is the key path as
    written in YAML (``quarters.q3.report``, ``evidence[2].url`` with list items counted from 1). ``message`` and
    ``hint`` are Thai, ``message_en`` and ``hint_en`` English; ``text(lang)`` and ``hint_text(lang)`` pick one.
    Create problems with ``Problem.create(code, ...)`` so that both languages come from the catalogue.
    """

    file: Path
    message: str
    field: str | None = None
    line: int | None = None
    column: int | None = None
    severity: Severity = "error"
    source_line: str | None = None
    hint: str | None = None
    code: str = "invalid"
    params: dict = dataclasses.field(default_factory=dict, compare=False)
    message_en: str | None = None
    hint_en: str | None = None

    @classmethod
    def create(
        cls,
        code: str,
        file: Path,
        *,
        field: str | None = None,
        line: int | None = None,
        column: int | None = None,
        severity: Severity = "error",
        source_line: str | None = None,
        **params: object,
    ) -> Problem:
        """A problem whose Thai and English texts come from the catalog entry ``code`` filled with ``params``."""
        params.setdefault("field", field or "")
        message, hint = render_message(code, params, "th")
        message_en, hint_en = render_message(code, params, "en")
        return cls(
            file=file,
            message=message,
            field=field,
            line=line,
            column=column,
            severity=severity,
            source_line=source_line,
            hint=hint,
            code=code,
            params=params,
            message_en=message_en,
            hint_en=hint_en,
        )

    def text(self, lang: str = "th") -> str:
        return wording.Localized(self.message, self.message_en or self.message).get(_lang(lang))

    def hint_text(self, lang: str = "th") -> str | None:
        english = self.hint_en if self.message_en is not None else self.hint  # a problem made without English
        return self.hint if _lang(lang) == "th" else english

    def full_text(self, lang: str = "th") -> str:
        """The message followed by its hint (for one-line outputs such as JSON and GitHub annotations)."""
        hint = self.hint_text(lang)
        return self.text(lang) + (f"\n{wording.label('label_hint', _lang(lang))}: {hint}" if hint else "")

    def as_error(self) -> Problem:
        """This problem with severity "error" (``--strict`` turns warnings into errors)."""
        return self if self.severity == "error" else replace(self, severity="error")

    def location(self) -> str:
        parts = [str(self.file).replace("\\", "/")]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def to_dict(self, lang: str = "th") -> dict:
        """The JSON form: file, line, column, field, severity, code, message (message includes the hint)."""
        return {
            "file": str(self.file).replace("\\", "/"),
            "line": self.line,
            "column": self.column,
            "field": self.field,
            "severity": self.severity,
            "code": self.code,
            "message": self.full_text(lang),
        }

    def format(self, lang: str = "th", *, color: bool = False) -> str:
        """Compiler-style: location, severity and field; the message; the source line with a caret; the hint."""
        lang = _lang(lang)
        paint = _painter(color)
        label = wording.label(f"severity_{self.severity}", lang)
        head = f"{paint(self.location() + ':', 'bold')} {paint(label + ':', 'red' if self.severity == 'error' else 'yellow')}"
        if self.field:
            from reportgen.fields import describe_field  # the field's name in the reader's words, beside its path

            head += f" {paint(describe_field(self.field, lang) or self.field, 'bold')}"
        lines = [head]
        lines.extend("  " + part for part in self.text(lang).splitlines() or [""])
        if self.source_line is not None and self.line is not None:
            lines.extend(_source_excerpt(self.source_line, self.line, self.column, paint))
        hint = self.hint_text(lang)
        if hint:
            hint_lines = hint.splitlines()
            lines.append(f"  {paint(wording.label('label_hint', lang) + ':', 'cyan')} {hint_lines[0]}")
            lines.extend("  " + part for part in hint_lines[1:])
        return "\n".join(lines)


_COLORS = {"bold": "1", "red": "1;31", "yellow": "1;33", "cyan": "36", "green": "32"}
_GUTTER = 5
_MAX_SHOWN = 100  # display columns of a source line shown around the caret


def _lang(lang: str) -> str:
    return wording.normalize(lang)


def _painter(color: bool):
    def paint(text: str, style: str) -> str:
        return f"\x1b[{_COLORS[style]}m{text}\x1b[0m" if color else text

    return paint


def _char_display(char: str) -> tuple[str, int]:
    """How a source character is shown and how many terminal columns it takes (Thai marks take none)."""
    if char == "\t":
        return "→", 1
    if "\u202a" <= char <= "\u202e" or "\u2066" <= char <= "\u2069":
        return "\ufffd", 1  # a direction override would turn the rest of the terminal's line around
    if unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return char, 0
    if unicodedata.category(char) in ("Cc", "Cs", "Co", "Cn") or char in "\u2028\u2029\x85":
        return "\ufffd", 1
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return char, 2
    return char, 1


def _source_excerpt(source: str, line: int, column: int | None, paint) -> list[str]:
    """``   12 |   value: สาม`` and a caret line under ``column`` (1-based, in characters)."""
    chars = [_char_display(char) for char in source]
    caret_at = None if column is None else max(0, min(column - 1, len(chars)))
    start = 0
    if caret_at is not None and len(chars) > _MAX_SHOWN and caret_at > _MAX_SHOWN // 2:
        start = min(caret_at - _MAX_SHOWN // 2, max(0, len(chars) - _MAX_SHOWN))
    shown = chars[start:]
    end = len(shown)
    width = 0
    for index, (_, char_width) in enumerate(shown):
        width += char_width
        if width > _MAX_SHOWN:
            end = index
            break
    prefix = "…" if start else ""
    suffix = "…" if end < len(shown) else ""
    text = prefix + "".join(shown_char for shown_char, _ in shown[:end]) + suffix
    out = [f"{line:>{_GUTTER}} | {text}"]
    if caret_at is not None and start <= caret_at <= start + end:
        pad = len(prefix) + sum(char_width for _, char_width in chars[start:caret_at])
        out.append(f"{'':>{_GUTTER}} | {' ' * pad}{paint('^', 'green')}")
    return out


def summarize(problems: list[Problem], lang: str = "th") -> str:
    """The last line of a report: ``พบข้อผิดพลาด 3 รายการ ใน 2 ไฟล์`` / ``3 errors in 2 files``."""
    errors = sum(1 for problem in problems if problem.severity == "error")
    warnings = len(problems) - errors
    files = len({str(problem.file) for problem in problems})
    lang = _lang(lang)
    if not problems:
        return wording.label("summary_no_problems", lang)
    parts = []
    if errors:
        parts.append(wording.plural("summary_errors", errors, lang))
    if warnings:
        parts.append(wording.plural("summary_warnings", warnings, lang))
    return wording.plural("summary_in_files", files, lang, found=wording.label("summary_and", lang).join(parts))


class ContentError(ReportgenError):
    """Content files that cannot be built; carries every problem found, not only the first."""

    exit_code = 1

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__(self._summary())

    def _summary(self) -> str:
        errors = [p for p in self.problems if p.severity == "error"]
        first = errors[0] if errors else (self.problems[0] if self.problems else None)
        if first is None:
            return wording.label("content_invalid", "th")
        more = wording.message("content_more", "th", count=len(errors) - 1) if len(errors) > 1 else ""
        return f"{first.location()}: {first.field or ''}: {first.message}{more}"

    def text(self, lang: str | None = "th") -> str:
        return self._summary()

    def __reduce__(self):
        return ContentError, (self.problems,)


class RenderError(ReportgenError):
    """A form could not be rendered, e.g. it asked for a resource the renderer refuses to fetch."""

    exit_code = 1


class OutputError(ReportgenError):
    """Output could not be written, or a write outside ``output/`` was refused."""

    exit_code = 2


#: What a write fails with when there is no room: a full disk, a file-size limit (``ulimit -f``, RLIMIT_FSIZE), a
#: user's disk quota.
NO_SPACE = frozenset({errno.ENOSPC, errno.EFBIG, errno.EDQUOT})


def os_reason(error: OSError) -> str | Localized:
    """Why a file operation failed, for a message: a full disk or a size limit in the reader's words (they need no
    bug report, only room), anything else as the system says it."""
    if error.errno in NO_SPACE:
        return wording.localized(f"reason_{errno.errorcode[error.errno].lower()}")
    return error.strerror or str(error)


class NoSpaceError(CatalogueError, OutputError):
    """A file could not be written for lack of room (``NO_SPACE``); nothing in ``output/`` was changed.
    ``NoSpaceError.of(error, what)`` names what could not be written."""

    exit_code = 2

    @classmethod
    def of(cls, error: OSError, what: object) -> NoSpaceError:
        return cls("disk_full", what=what, reason=os_reason(error))


class OutputRefused(CatalogueError, OutputError):
    """A write refused before anything was touched (a folder reportgen did not make, a file outside a shard)."""

    exit_code = 2


class SearchIndexError(CatalogueError, OutputError):
    """The site's search index could not be built (``search.py``); the build fails before its commit."""

    exit_code = 1
