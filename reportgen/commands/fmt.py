"""``reportgen fmt [FILE…] [--check]``: indicator files → the same forms in their one canonical text.

Whatever wrote a file (an editor, a spreadsheet's export, another YAML library, a person), ``fmt`` rewrites it as
``authoring/canonical.py`` writes every file: fields in the model's order under the descriptions ``new`` writes,
quoting that never changes a value, a person's comments kept with their field. A canonical file is left byte for byte
as it is. ``--check`` writes nothing, names each file that would change and exits 1 if any would, as formatters do
(for CI and editors' save hooks). Without FILE, every file under ``content/indicators/``.

Everything is gathered first: every file is read and its canonical text made (and loaded back: the same form); a
file that does not load is refused with its problems at their lines, and then nothing at all is written. Only then
are the files that change written, each atomically, by the one content writer (``authoring/writer.py``).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from reportgen import wording
from reportgen.authoring.canonical import canonical_document
from reportgen.authoring.writer import write_content_file
from reportgen.commands import EXIT_CONTENT, EXIT_OK, Line, Outcome, Problems, Shown
from reportgen.content.parse import MAX_FILE_BYTES, parse_document
from reportgen.errors import ContentError, Problem, UsageError
from reportgen.layout import CONTENT_DIR, INDICATORS_DIR, YAML_SUFFIXES

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FmtReport:
    """What ``fmt`` found (and, without ``check``, wrote): the files whose text changes, those already canonical,
    the problems of the files refused (nothing is written when there are any), and the comments that had to move."""

    changed: tuple[PurePosixPath, ...]
    unchanged: tuple[PurePosixPath, ...]
    refused: tuple[Problem, ...]
    check: bool
    written: bool

    @property
    def exit_code(self) -> int:
        return EXIT_CONTENT if self.refused or (self.check and self.changed) else EXIT_OK


def fmt(root: Path, paths: Sequence[Path] | None = None, *, check: bool = False) -> FmtReport:
    """Make the indicator files ``paths`` (every one under ``content/indicators/`` when None or empty) canonical;
    with ``check``, only say which would change. Raises ``UsageError`` for a path that is no indicator file."""
    root = Path(root).resolve()
    files = _indicator_files(root, paths or None)
    changed: list[tuple[PurePosixPath, bytes]] = []
    unchanged: list[PurePosixPath] = []
    refused: list[Problem] = []
    for path in files:
        relative = PurePosixPath(path.relative_to(root).as_posix())
        data, problems = _read(root, path, relative)
        if data is None:
            refused.extend(problems)
            continue
        try:
            canonical = canonical_document(data.decode("utf-8"), source=relative).text.encode("utf-8")
        except ContentError as error:
            refused.extend(error.problems)
            continue
        if canonical == data:
            unchanged.append(relative)
        else:
            changed.append((relative, canonical))
    written = not check and not refused and bool(changed)
    if written:
        for relative, canonical in changed:
            write_content_file(root, relative.relative_to(CONTENT_DIR), canonical, replace=True)
            log.info(wording.message("log_fmt_wrote", path=relative))
    return FmtReport(
        changed=tuple(relative for relative, _ in changed),
        unchanged=tuple(unchanged),
        refused=tuple(refused),
        check=check,
        written=written,
    )


def _read(root: Path, path: Path, relative: PurePosixPath) -> tuple[bytes | None, list[Problem]]:
    """The file's bytes, or None and the problems that refuse it (a link out of content/, too large, not UTF-8)."""
    if not path.resolve().is_relative_to((root / CONTENT_DIR).resolve()):
        return None, [Problem.create("symlink_outside", relative)]
    data = path.read_bytes()
    if len(data) > MAX_FILE_BYTES:
        return None, parse_document(data, relative).problems
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return None, parse_document(data, relative).problems
    return data, []


def _indicator_files(root: Path, paths: Sequence[Path] | None) -> list[Path]:
    indicators = root / CONTENT_DIR / INDICATORS_DIR
    if paths is None:
        found = [path for path in indicators.rglob("*") if path.suffix in YAML_SUFFIXES and path.is_file()]
        return sorted(found, key=lambda path: path.as_posix())
    selected: list[Path] = []
    for given in paths:
        path = Path(given)
        absolute = Path.cwd() / path if not path.is_absolute() else path
        # Resolve the folders, not the file: a file that is a link is judged (refused) by where it leads when read.
        absolute = absolute.parent.resolve() / absolute.name
        if not absolute.is_relative_to(indicators.resolve()):
            raise UsageError("usage_not_indicator_file", path=given)
        if absolute.is_dir():
            selected.extend(p for p in absolute.rglob("*") if p.suffix in YAML_SUFFIXES and p.is_file())
        elif not absolute.exists():
            raise UsageError("usage_no_such_file", path=given)
        elif absolute.suffix not in YAML_SUFFIXES:
            raise UsageError("usage_not_indicator_file", path=given)
        else:
            selected.append(absolute)
    return sorted(dict.fromkeys(selected), key=lambda path: path.as_posix())


def run(root: Path, paths: Sequence[Path] | None = None, *, check: bool = False, lang: str = "th") -> Outcome:
    """``reportgen fmt``: the files that change (stdout, one a line), the problems of a file refused, a summary."""
    report = fmt(root, paths, check=check)
    shown: list[Shown] = []
    each = "fmt_would_change" if check else "fmt_changed"
    if report.refused:
        shown.append(Problems(report.refused))
        files = len({problem.file for problem in report.refused})
        shown.append(Line(wording.message("fmt_refused", lang, count=files), to_stderr=True))
        return Outcome(tuple(shown), report.exit_code)
    shown.extend(Line(wording.message(each, lang, path=path)) for path in report.changed)
    summary = "fmt_check_summary" if check else "fmt_summary"
    message, hint = wording.render(summary, {"changed": len(report.changed), "unchanged": len(report.unchanged)}, lang)
    shown.append(Line(message, to_stderr=True))
    if hint and check and report.changed:
        shown.append(Line(hint, to_stderr=True))
    return Outcome(tuple(shown), report.exit_code)
