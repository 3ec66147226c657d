"""User-facing errors: the one small hierarchy the CLI catches, and the problems found in content files.

Library code raises these (or logs); only the CLI prints them. A ``ContentError`` carries every ``Problem`` found,
across all files, so an editor fixes everything in one pass. Anything else that escapes is a bug, and the CLI shows
its traceback only with ``--debug``.

The people who read these messages are library staff, not programmers. Every message therefore comes from the
catalog (``reportgen/wording/messages.yaml``, read through ``reportgen.wording``), written in Thai and English in
words they can act on: what was found, what is expected, and how to fix it, never a Python type name or a
validator's jargon. An error is raised with its catalog key and parameters; a ``Problem`` is worded in both
languages when it is created. How problems are shown (compiler-style with the source line and a caret, JSON,
GitHub annotations) is ``problems.py``.
"""

from __future__ import annotations

import dataclasses
import errno
from dataclasses import dataclass, replace
from pathlib import PurePath
from typing import Literal

from reportgen import wording

Severity = Literal["error", "warning"]


class ReportgenError(Exception):
    """Base of every error meant for the user. ``exit_code`` is what the CLI exits with.

    Raised with a catalog key and its parameters (``UsageError("usage_no_such_file", file=path)``); ``text(lang)``
    is the message, then its hint on a line of its own, in the reader's language; ``str(error)`` is the text in
    the language of the run (``wording.language()``, Thai unless the CLI was given ``--lang en``).
    """

    exit_code = 2

    def __init__(self, code: str, /, **params: object):
        self.code, self.params = code, params
        super().__init__(self.text(None))

    def __reduce__(self) -> tuple[object, ...]:  # across processes (a render worker's error) with its key, not its text
        return _restore_error, (type(self), self.code, self.params)

    def text(self, lang: str | None = "th") -> str:
        """The message and its hint, from the catalog entry ``code`` (a key the catalog lacks is a bug, which
        ``wording.entry`` reports)."""
        return wording.with_hint(self.code, lang, **self.params)


def _restore_error(cls: type[ReportgenError], code: str, params: dict[str, object]) -> ReportgenError:
    return cls(code, **params)


class UsageError(ReportgenError):
    """Wrong command-line use, or a project that is not set up (no content/, no templates/)."""

    exit_code = 2


# --- Problems ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or suspicious) in one content file, located as precisely as the source allows.

    ``file`` is relative to the project root; ``line`` and ``column`` are 1-based; ``field`` is the key path as
    written in YAML (``quarters.q3.report``, ``evidence[2].url`` with list items counted from 1). ``message`` and
    ``hint`` are Thai, ``message_en`` and ``hint_en`` English; ``text(lang)`` and ``hint_text(lang)`` pick one.
    Create problems with ``Problem.create(code, ...)`` so that both languages come from the catalogue.
    """

    file: PurePath
    message: str
    field: str | None = None
    line: int | None = None
    column: int | None = None
    severity: Severity = "error"
    source_line: str | None = None
    hint: str | None = None
    code: str = "invalid"
    params: dict[str, object] = dataclasses.field(default_factory=dict, compare=False)
    message_en: str | None = None
    hint_en: str | None = None

    @classmethod
    def create(
        cls,
        code: str,
        file: PurePath,
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
        message, hint = wording.render(code, params, "th")
        message_en, hint_en = wording.render(code, params, "en")
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
        return wording.Localized(self.message, self.message_en or self.message).get(wording.normalize(lang))

    def hint_text(self, lang: str = "th") -> str | None:
        english = self.hint_en if self.message_en is not None else self.hint  # a problem made without English
        return self.hint if wording.normalize(lang) == "th" else english

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

    def __reduce__(self) -> tuple[object, ...]:
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
_NO_SPACE_REASONS = {errno.ENOSPC: "reason_enospc", errno.EFBIG: "reason_efbig", errno.EDQUOT: "reason_edquot"}


def os_reason(error: OSError) -> str | wording.Localized:
    """Why a file operation failed, for a message: a full disk or a size limit in the reader's words (they need no
    bug report, only room), anything else as the system says it."""
    if error.errno in NO_SPACE:
        return wording.localized(_NO_SPACE_REASONS[error.errno])
    return error.strerror or str(error)


class NoSpaceError(OutputError):
    """A file could not be written for lack of room (``NO_SPACE``); nothing in ``output/`` was changed.
    ``NoSpaceError.of(error, what)`` names what could not be written."""

    exit_code = 2

    @classmethod
    def of(cls, error: OSError, what: object) -> NoSpaceError:
        return cls("disk_full", what=what, reason=os_reason(error))


class OutputRefused(OutputError):
    """A write refused before anything was touched (a folder reportgen did not make, a file outside a shard)."""

    exit_code = 2


class SearchIndexError(OutputError):
    """The site's search index could not be built (``search.py``); the build fails before its commit."""

    exit_code = 1
