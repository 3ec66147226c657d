"""Cross-file rules and warnings: validated documents → a ``Project``, or one ``ContentError`` with everything.

Each file has already been parsed and validated on its own by ``reportgen.load``. Here come the rules that need
more than one file or the file's place in ``content/`` (the same code twice in a fiscal year, a file in the wrong
year folder, a file name that disagrees with its code) and the warnings: things that are allowed but usually a
mistake (an extraction artifact, a report for a quarter that has not ended, a result a hundred times off its
target, an evidence link that is not https). ``strict`` turns warnings into errors.

The warnings that depend on nothing but the file (``file_warnings``) are found by ``load.validate_document`` with
the file's own problems, so that the document cache keeps them; those that depend on the date, on other files or
on evidence files are found here, on every load.
"""

from __future__ import annotations

import datetime as dt
import re
import shlex
from collections.abc import Iterator, Sequence
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from reportgen import thai
from reportgen.digest import check_signoff
from reportgen.errors import ContentError, L, Problem
from reportgen.model import Entry, Indicator, Project

if TYPE_CHECKING:
    from reportgen.load import SourceDocument

#: ``?`` between Thai characters: a dash (–) that a PDF text extraction turned into a question mark.
ARTIFACT = re.compile(r"[\u0E01-\u0E5B][ \t]{0,2}\?[ \t]{0,2}[\u0E01-\u0E5B]")
REPLACEMENT_CHARACTER = "\ufffd"

#: What ``reportgen new`` writes where staff still have to fill something in (``…กรอกชื่อตัวชี้วัด…``): the value of
#: a text field, or a comment after a number or a choice, which cannot hold text and stay valid. A new file is thus
#: valid (it never breaks the build) and every placeholder left is a warning (``--strict`` refuses it).
PLACEHOLDER = re.compile(r"…กรอก[^…\n]*…")


def placeholder(what: str) -> str:
    """The mark that ``what`` is still to be written, e.g. ``placeholder("ชื่อตัวชี้วัด")``; ``PLACEHOLDER`` finds it."""
    return f"…กรอก{what}…"

#: A result more than this many times its target (or less than its reciprocal) is probably a typo or a wrong unit.
MAGNITUDE = Decimal(100)


def build_project(
    root: Path,
    site: SourceDocument,
    indicators: Sequence[SourceDocument],
    *,
    strict: bool = False,
    today: dt.date | None = None,
) -> Project:
    """The validated ``Project`` (warnings attached), or a ``ContentError`` carrying every problem of every file."""
    problems = collect_problems(site, indicators, today=today, root=root)
    if strict:
        problems = [problem.as_error() for problem in problems]
    if any(problem.severity == "error" for problem in problems):
        raise ContentError(problems)
    entries = sorted(
        (Entry(indicator=doc.model, source=doc.file) for doc in indicators),
        key=lambda entry: (entry.indicator.fiscal_year, entry.indicator.code),
    )
    return Project(root=root, site=site.model, entries=tuple(entries), warnings=tuple(problems))


def collect_problems(
    site: SourceDocument,
    indicators: Sequence[SourceDocument],
    *,
    today: dt.date | None = None,
    root: Path | None = None,
) -> list[Problem]:
    """Every problem: each file's own, the cross-file rules', and the warnings, ordered by file and line.

    With the project ``root``, evidence files are checked (they must exist inside content/) and sign-offs are
    compared with the content (edited after sign-off is a warning here, an error for ``build --release``).
    """
    today = today or dt.date.today()
    problems: list[Problem] = list(site.problems)
    for doc in indicators:
        problems.extend(doc.problems)
    valid = [doc for doc in indicators if doc.ok]
    problems.extend(cross_file_problems(valid))
    for doc in valid:
        problems.extend(dated_warnings(doc, today=today))
        if root is not None:
            file_problems = list(evidence_file_problems(doc, root / "content"))
            problems.extend(file_problems)
            if not file_problems:
                problems.extend(signoff_problems(doc, root / "content", release=False))
    order = {str(doc.file): index for index, doc in enumerate([site, *indicators])}
    return sorted(
        problems,
        key=lambda problem: (order.get(str(problem.file).replace("\\", "/"), len(order)), problem.line or 0, problem.column or 0),
    )


# --- Cross-file rules --------------------------------------------------------------------------------------------


def cross_file_problems(docs: Sequence[SourceDocument]) -> Iterator[Problem]:
    """The same code twice in a fiscal year; a fiscal year or code that disagrees with the file's path."""
    by_key: dict[tuple[int, str], list[SourceDocument]] = {}
    for doc in docs:
        indicator: Indicator = doc.model
        by_key.setdefault((indicator.fiscal_year, indicator.code), []).append(doc)
    for (year, code), group in by_key.items():
        if len(group) > 1:
            for doc in group:
                others = ", ".join(str(other.file) for other in group if other is not doc)
                yield doc.problem("duplicate_code", ("code",), indicator_code=code, year=year, other=others)
    for doc in docs:
        yield from _path_problems(doc)


def _path_problems(doc: SourceDocument) -> Iterator[Problem]:
    indicator: Indicator = doc.model
    file = PurePosixPath(doc.file)
    folder = file.parent.name
    if folder.isascii() and folder.isdigit():
        if int(folder) != indicator.fiscal_year:
            yield doc.problem("year_folder_mismatch", ("fiscal_year",), year=indicator.fiscal_year, folder=folder)
    else:
        yield doc.problem(
            "not_in_year_folder", ("fiscal_year",), severity="warning", year=indicator.fiscal_year, name=file.name
        )
    if file.stem != indicator.code:
        yield doc.problem("file_name_mismatch", ("code",), indicator_code=indicator.code, name=file.name, stem=file.stem)


# --- Warnings ----------------------------------------------------------------------------------------------------


def _strings(value: Any, path: tuple = ()) -> Iterator[tuple[tuple, str]]:
    """Every text value of a document with its key path."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, path + (index,))
    elif isinstance(value, str):
        yield path, value


def _excerpt(text: str, start: int, end: int) -> str:
    left = max(0, start - 12)
    right = min(len(text), end + 12)
    return ("…" if left else "") + " ".join(text[left:right].split()) + ("…" if right < len(text) else "")


def text_warnings(doc: SourceDocument) -> Iterator[Problem]:
    """Extraction artifacts in any text: ``?`` between Thai words, U+FFFD."""
    for path, text in _strings(doc.data):
        match = ARTIFACT.search(text)
        if match:
            spot = doc.find(path, ARTIFACT)
            line, column = spot if spot else doc.position(path)
            if spot:
                column += (doc.source_line(line) or "")[column - 1 :].find("?")
            excerpt = _excerpt(text, match.start(), match.end())
            yield doc.problem(
                "extraction_artifact", path, line=line, column=column, severity="warning", excerpt=excerpt
            )
        index = text.find(REPLACEMENT_CHARACTER)
        if index >= 0:
            spot = doc.find(path, REPLACEMENT_CHARACTER)
            line, column = spot if spot else doc.position(path)
            excerpt = _excerpt(text, index, index + 1)
            yield doc.problem("replacement_char", path, line=line, column=column, severity="warning", excerpt=excerpt)


def placeholder_warnings(doc: SourceDocument) -> Iterator[Problem]:
    """Every placeholder left (``PLACEHOLDER``): in a value, or in the comment after a one-line value."""
    for path, located in doc.positions.items():
        node = located.node
        if not isinstance(node.value, str):
            continue  # a mapping or a list: its values are visited on their own
        match = PLACEHOLDER.search(node.value)
        if match:
            spot = doc.find(path, PLACEHOLDER)
            line, column = spot if spot else doc.position(path)
        elif node.start_mark.line == node.end_mark.line:
            after = (doc.source_line(node.end_mark.line + 1) or "")[node.end_mark.column :]
            match = PLACEHOLDER.search(after) if after.lstrip().startswith("#") else None
            if not match:
                continue
            line, column = node.end_mark.line + 1, node.end_mark.column + match.start() + 1
        else:
            continue
        yield doc.problem("placeholder", path, line=line, column=column, severity="warning", placeholder=match.group())


def file_warnings(doc: SourceDocument) -> Iterator[Problem]:
    """The warnings of one valid file that depend on nothing but its bytes. ``load.validate_document`` adds them to
    the file's own problems, so they are cached with the file (``doccache.py``)."""
    yield from text_warnings(doc)
    if isinstance(doc.model, Indicator):
        yield from placeholder_warnings(doc)
        yield from _magnitude(doc, doc.model)
        for index, evidence in enumerate(doc.model.evidence):
            if evidence.url and not evidence.url.lower().startswith("https://"):
                path = ("evidence", index, "url")
                yield doc.problem("evidence_not_https", path, severity="warning", url=evidence.url)


def dated_warnings(doc: SourceDocument, *, today: dt.date) -> Iterator[Problem]:
    """The warnings of one valid indicator file that depend on the date: reports of quarters not yet ended."""
    yield from _future_quarters(doc, doc.model, today)


def _end_of(year: int, quarter: int) -> L:
    end = thai.quarter_period(year, quarter)[1]
    return L(thai.thai_date(end), end.isoformat())


def _future_quarters(doc: SourceDocument, indicator: Indicator, today: dt.date) -> Iterator[Problem]:
    year = indicator.fiscal_year
    ended = thai.quarters_ended(year, today)
    for quarter, _ in indicator.quarters.reported():
        if quarter > ended:
            yield doc.problem(
                "future_quarter",
                ("quarters", f"q{quarter}"),
                at="key",
                severity="warning",
                quarter=quarter,
                year=year,
                end=_end_of(year, quarter),
            )
    if indicator.quarters.summary and ended < 4:
        yield doc.problem(
            "future_summary", ("quarters", "summary"), at="key", severity="warning", year=year, end=_end_of(year, 4)
        )


def _magnitude(doc: SourceDocument, indicator: Indicator) -> Iterator[Problem]:
    target = indicator.target.value
    if target <= 0:
        return
    results: list[tuple[tuple, Decimal]] = []
    if indicator.result is not None:
        results.append((("result",), indicator.result))
    for quarter, report in indicator.quarters.reported():
        if report.result is not None:
            results.append((("quarters", f"q{quarter}", "result"), report.result))
    for path, result in results:
        if result > 0 and (result > target * MAGNITUDE or result * MAGNITUDE < target):
            yield doc.problem(
                "result_magnitude",
                path,
                severity="warning",
                result=_plain(result),
                target=_plain(target),
                unit=indicator.target.unit,
            )


def _plain(number: Decimal) -> str:
    return format(number, "f")


# --- Evidence files and sign-off ---------------------------------------------------------------------------------


def evidence_file_problems(doc: SourceDocument, content_dir: Path) -> Iterator[Problem]:
    """Each evidence ``file`` must be a relative POSIX path to an existing file inside ``content_dir``.

    Refused: absolute paths, ``\\`` separators, ``..``, and paths that resolve outside content/ (a symbolic link),
    because the file is embedded in the published PDF: it must be part of the content under review.
    """
    indicator: Indicator = doc.model
    content = content_dir.resolve()
    for index, evidence in enumerate(indicator.evidence):
        if evidence.file is None:
            continue
        path = ("evidence", index, "file")
        reason = _outside_reason(evidence.file, content)
        if reason is not None:
            yield doc.problem("evidence_file_outside", path, evidence_file=evidence.file, reason=reason)
        elif not content.joinpath(*PurePosixPath(evidence.file).parts).is_file():
            yield doc.problem("evidence_file_missing", path, evidence_file=evidence.file)


def _outside_reason(relative: str, content: Path) -> L | None:
    if "\\" in relative:
        return L("ใช้ \\ คั่นโฟลเดอร์ (ต้องใช้ /)", "uses \\ between folders (use /)")
    posix = PurePosixPath(relative)
    if posix.is_absolute() or re.match(r"^[A-Za-z]:", relative):
        return L("เป็นเส้นทางเต็ม (absolute path)", "is an absolute path")
    if ".." in posix.parts:
        return L("มี .. ซึ่งออกนอกโฟลเดอร์", "uses .., which leaves the folder")
    if not content.joinpath(*posix.parts).resolve().is_relative_to(content):
        return L("เป็นลิงก์ (symbolic link) ที่ชี้ออกนอก content/", "is a symbolic link leading outside content/")
    return None


def signoff_problems(doc: SourceDocument, content_dir: Path, *, release: bool) -> Iterator[Problem]:
    """The sign-off against the content: edited after sign-off (a warning, an error with ``release``); for a
    release also no sign-off at all, and a sign-off without a digest. Evidence files must have been checked."""
    indicator: Indicator = doc.model
    signoff = indicator.signoff
    source = str(doc.file)
    severity = "error" if release else "warning"
    if signoff is None:
        if release:
            yield doc.problem("signoff_missing", field_name="signoff", source=shlex.quote(source))
        return
    names = {
        "name": signoff.name,
        "position": signoff.position,
        "source": shlex.quote(source),
        "name_arg": shlex.quote(signoff.name),  # the hint is a command to copy into a shell
        "position_arg": shlex.quote(signoff.position),
    }
    if signoff.digest is None:
        if release:
            yield doc.problem("signoff_no_digest", ("signoff",), at="key", **names)
        return
    state = check_signoff(indicator, content_dir)
    if state == "stale":
        date = L(thai.thai_date(signoff.date), signoff.date.isoformat())
        yield doc.problem("signoff_stale", ("signoff",), at="key", severity=severity, date=date, **names)
    elif state == "old" and not release:  # still valid, so it publishes; the load reports it (release=False)
        yield doc.problem("signoff_old_digest", ("signoff", "digest"), at="key", severity="warning",
                          date=signoff.date.isoformat(), **names)  # fmt: skip
