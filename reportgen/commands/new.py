"""``reportgen new CODE --year YEAR [--from YEAR/CODE]``: a code and a fiscal year → a new indicator file to fill in.

The file, ``content/indicators/<year>/<code>.yaml``, is what ``authoring/template.py`` makes of the values: every
key of the content model under its description, placeholders where staff still have to write (``check`` warns about
each; ``--strict`` refuses them). The code and year are checked first (``authoring/naming.py``).

``--from 2564/08`` starts from last year's file: what defines the indicator (name, result type, agency, plan,
definition, calculation, target) is carried over exactly; the year's report (quarters, result, supporting factors,
obstacles, evidence, sign-off) starts empty.

``new --year 2570 --from 2569`` (no code) starts the whole year at once: every indicator of 2569 is carried into
2570 the same way. Every source file is loaded and every new text checked first (an invalid source stops it before
anything is written); then each file is written on its own, atomically; a file that already exists is reported and
skipped, never overwritten.

The text is loaded back with the project's own loader and compared with what was meant before anything is written;
``authoring/writer.py`` then writes it atomically and never over an existing file.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from reportgen import wording
from reportgen.authoring.naming import check_code, check_year, code_pattern, padded_code
from reportgen.authoring.template import blank_values, carried_values, indicator_text
from reportgen.authoring.writer import write_content_file
from reportgen.commands import Line, Outcome
from reportgen.content.project import load_document, load_documents, load_file
from reportgen.content.validate import placeholder_warnings
from reportgen.errors import ContentError, OutputError, UsageError
from reportgen.layout import CONTENT_DIR, INDICATORS_DIR, YAML_SUFFIXES
from reportgen.model import Indicator

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class NewIndicator:
    """What ``new`` wrote: the file (relative to the project root), its source with ``--from``, placeholders left."""

    path: PurePosixPath
    source: PurePosixPath | None
    placeholders: int

    def summary(self, lang: str = "th") -> str:
        """The line the CLI prints."""
        origin = wording.message("new_wrote_from", lang, source=self.source) if self.source else ""
        todo = (
            wording.message("new_todo_placeholders", lang, count=self.placeholders)
            if self.placeholders
            else wording.label("new_todo_quarters", lang)
        )
        return wording.message("new_wrote", lang, path=self.path, origin=origin, todo=todo)


def new_indicator(root: Path, code: str, year: int, *, source: str | None = None) -> NewIndicator:
    """Write ``content/indicators/<year>/<code>.yaml``, blank or carried over from ``source`` (``"2564/08"``).

    Raises ``UsageError`` for a bad code or year, an existing file or a source that does not exist, and
    ``ContentError`` when site.yaml or the source file is invalid. Never overwrites anything.
    """
    root = Path(root).resolve()
    code = check_code(code)
    check_year(year)
    code = padded_code(code, root / CONTENT_DIR / INDICATORS_DIR, year)
    relative = PurePosixPath(INDICATORS_DIR, str(year), f"{code}.yaml")
    content = root / CONTENT_DIR
    site, _ = load_documents(root, [])  # checks that content/ exists; only site.yaml is read
    existing = [content / relative.with_suffix(suffix) for suffix in YAML_SUFFIXES]
    for path in existing:
        if path.exists():
            raise UsageError("usage_file_exists", path=_shown(root, path))

    previous = None
    source_file = None
    if source is not None:
        source_path = _source_path(content, source)
        source_file = PurePosixPath(_shown(root, source_path))
        doc = load_file(source_path, root, Indicator)
        if not doc.ok:
            raise ContentError(doc.problems)
        previous = doc.model
    elif not site.ok:
        raise ContentError(site.problems)

    agency = previous.agency if previous is not None else site.model.agency
    values = carried_values(previous, code, year) if previous is not None else blank_values(code, year, agency)
    text = indicator_text(values, year=year, source=source_file)

    target_file = PurePosixPath(CONTENT_DIR) / relative
    doc = load_document(text, Indicator, target_file)
    if not doc.ok or (previous is not None and doc.model != Indicator.model_validate(values)):
        # Never write a file that does not load back as meant: that is a bug here, not the user's mistake.
        raise RuntimeError(f"reportgen new made a file that does not load back as meant: {doc.problems}")
    placeholders = len(list(placeholder_warnings(doc)))
    write_content_file(root, relative, text.encode("utf-8"), replace=False)
    logger.info(wording.message("log_new_wrote", path=target_file, count=placeholders))
    return NewIndicator(path=target_file, source=source_file, placeholders=placeholders)


@dataclass(frozen=True)
class NewYear:
    """What ``new --year YEAR --from SOURCE_YEAR`` did: the files written and those skipped (already there)."""

    year: int
    source_year: int
    written: tuple[PurePosixPath, ...]
    skipped: tuple[PurePosixPath, ...]

    def summary(self, lang: str = "th") -> str:
        """The lines the CLI prints: one per file skipped, then the summary and what to do next."""
        lines = [wording.render("new_year_skipped", {"path": path}, lang)[0] for path in self.skipped]
        names = (": " + ", ".join(path.stem for path in self.written)) if self.written else ""
        message, hint = wording.render("new_year_summary", {
            "year": self.year, "source": self.source_year, "created": len(self.written), "skipped": len(self.skipped),
            "names": names,
        }, lang)
        lines.append(message)
        if self.written and hint:
            lines.append(hint)
        return "\n".join(lines)


def new_year(root: Path, year: int, source_year: int) -> NewYear:
    """Carry every indicator of ``source_year`` into ``year`` (see the module docstring); never overwrites."""
    root = Path(root).resolve()
    check_year(year)
    check_year(source_year)
    content = root / CONTENT_DIR
    load_documents(root, [])  # checks that content/ exists
    folder = content / INDICATORS_DIR / str(source_year)
    sources = sorted(path for path in folder.glob("*") if path.suffix in YAML_SUFFIXES and path.is_file())
    if not sources:
        years = sorted(path.name for path in (content / INDICATORS_DIR).glob("*") if path.is_dir())
        raise UsageError("new_year_empty", source=source_year, available=", ".join(years) or "–")
    planned: list[tuple[PurePosixPath, str]] = []
    skipped: list[PurePosixPath] = []
    problems = []
    for path in sources:
        doc = load_file(path, root, Indicator)
        if not doc.ok:
            problems.extend(doc.problems)
            continue
        code = doc.model.code
        relative = PurePosixPath(INDICATORS_DIR, str(year), f"{code}.yaml")
        shown = PurePosixPath(CONTENT_DIR) / relative
        if any((content / relative.with_suffix(suffix)).exists() for suffix in YAML_SUFFIXES):
            skipped.append(shown)
            continue
        values = carried_values(doc.model, code, year)
        text = indicator_text(values, year=year, source=PurePosixPath(_shown(root, path)))
        check = load_document(text, Indicator, shown)
        if not check.ok or check.model != Indicator.model_validate(values):
            raise RuntimeError(f"reportgen new made a file that does not load back as meant: {check.problems}")
        planned.append((relative, text))
    if problems:
        raise ContentError(problems)
    written: list[PurePosixPath] = []
    for relative, text in planned:
        try:
            write_content_file(root, relative, text.encode("utf-8"), replace=False)
        except OutputError:
            if not (content / relative).exists():
                raise
            skipped.append(PurePosixPath(CONTENT_DIR) / relative)  # made by someone else meanwhile: theirs stays
            continue
        written.append(PurePosixPath(CONTENT_DIR) / relative)
    logger.info(wording.message("log_new_year", year=year, source=source_year, written=len(written), skipped=len(skipped)))
    return NewYear(year, source_year, tuple(written), tuple(sorted(skipped)))


def _source_path(content: Path, source: str) -> Path:
    """``2564/08`` (or ``2564/08.yaml``) → the existing file; else a ``UsageError`` listing the files there are."""
    match = re.fullmatch(r"\s*([0-9]{4})/([^/\\]+?)(\.ya?ml)?\s*", source)
    if match and re.fullmatch(code_pattern(), match[2]):
        folder = content / INDICATORS_DIR / match[1]
        for suffix in YAML_SUFFIXES:
            path = folder / f"{match[2]}{suffix}"
            if path.is_file():
                return path
    indicators = content / INDICATORS_DIR
    found = sorted(
        f"{path.parent.name}/{path.stem}"
        for path in indicators.glob("*/*")
        if path.suffix in YAML_SUFFIXES and path.is_file()
    )
    available = ", ".join(found) if found else wording.localized("word_none")
    raise UsageError("usage_no_source_indicator", source=source, available=available)


def _shown(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def run(root: Path, code: str | None, *, year: int, source: str | None = None, lang: str = "th") -> Outcome:
    """``reportgen new``: ``new CODE --year YEAR [--from YEAR/CODE | --from YEAR]`` makes one file;
    ``new --year YEAR --from SOURCE_YEAR`` (no code) the whole year. Says what was written."""
    source_year = source.strip() if source is not None and re.fullmatch(r"\s*[0-9]{4}\s*", source) else None
    if code is None:
        if source_year is None:
            raise UsageError("new_from_usage")
        return Outcome((Line(new_year(root, year, int(source_year)).summary(lang)),))
    if source_year is not None:
        source = f"{source_year}/{code.strip()}"
    return Outcome((Line(new_indicator(root, code, year, source=source).summary(lang)),))
