"""Cross-file rules and warnings: validated documents → a ``Project``, or one ``ContentError`` with everything.

Each file has already been parsed and validated on its own by ``reportgen.content.project``. Here come the rules that need
more than one file or the file's place in ``content/`` (the same code twice in a fiscal year, a file in the wrong
year folder, a file name that disagrees with its code) and the warnings: things that are allowed but usually a
mistake (an extraction artifact, a report for a quarter that has not ended, a result a hundred times off its
target, an evidence link that is not https, an open-data licence or publisher not set in site.yaml), among them what
YAML's rules would change (a `` #`` that cuts a text short, a list folded into a paragraph, text in curly quotes)
and figures and dates hardly possible (a percentage over 100, a cumulative result going down, a quarter missing
before one reported, a sign-off outside its time). ``strict`` turns warnings into errors.

The warnings that depend on nothing but the file (``file_warnings``) are found by ``project.validate_document`` with
the file's own problems, so that the document cache keeps them; those that depend on the date, on other files or
on evidence files are found here, on every load.
"""

from __future__ import annotations

import datetime as dt
import re
import shlex
import typing
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path, PurePath, PurePosixPath
from typing import TYPE_CHECKING, Any

from pydantic.fields import FieldInfo

from reportgen import layout, printable, thai
from reportgen.digest import check_signoff, is_legacy_digest, sign_state
from reportgen.errors import ContentError, Problem, Severity
from reportgen.model import (
    DEFAULT_DATA_LICENSE,
    BrokenForm,
    ContentModel,
    Entry,
    Indicator,
    Project,
    SiteSettings,
    checked_narrative,
)
from reportgen.narrative import starts_list_item, without_bullet
from reportgen.wording import Localized, localized

if TYPE_CHECKING:
    from reportgen.content.positions import SourceDocument

#: ``?`` between Thai characters: a dash (–) that a PDF text extraction turned into a question mark.
ARTIFACT = re.compile(r"[\u0E01-\u0E5B][ \t]{0,2}\?[ \t]{0,2}[\u0E01-\u0E5B]")
REPLACEMENT_CHARACTER = "\ufffd"
#: At most this many distinct characters a form cannot print are named in one warning.
MAX_CHARS_NAMED = 5

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
    per_form: bool = False,
) -> Project:
    """The validated ``Project`` (warnings attached), or a ``ContentError`` carrying every problem of every file.

    ``per_form``: an indicator file with errors does not stop the others: it is left out of the entries and kept,
    with all its problems, in ``Project.broken`` (what a build lists and the preview shows on that form's page). An
    error in site.yaml still stops everything: every page depends on it.
    """
    problems = collect_problems(site, indicators, today=today, root=root)
    if strict:
        problems = [problem.as_error() for problem in problems]
    broken: dict[str, list[Problem]] = {}
    if any(problem.severity == "error" for problem in problems):
        indicator_files = {_file_key(doc.file) for doc in indicators}
        failing = {_file_key(problem.file) for problem in problems if problem.severity == "error"}
        if not per_form or not failing <= indicator_files:
            raise ContentError(problems)
        broken = {file: [] for file in sorted(failing)}
        for problem in problems:
            if _file_key(problem.file) in broken:
                broken[_file_key(problem.file)].append(problem)
        problems = [problem for problem in problems if _file_key(problem.file) not in broken]
    content_dir = layout.content_dir(root)
    valid = [doc for doc in indicators if doc.ok and _file_key(doc.file) not in broken]
    entries = sorted(
        (Entry(indicator=doc.model, source=doc.file, sign_state=sign_state(doc.model, content_dir)) for doc in valid),
        key=lambda entry: (entry.indicator.fiscal_year, entry.indicator.code),
    )
    by_source = {doc.file: doc for doc in valid}
    documents = {entry.slug: by_source[entry.source] for entry in entries}
    broken_forms = tuple(
        BrokenForm(PurePosixPath(file), tuple(sorted(found, key=lambda problem: problem.severity != "error")))
        for file, found in broken.items()
    )
    return Project(
        root=root, site=site.model, entries=tuple(entries), warnings=tuple(problems), documents=documents,
        broken=broken_forms,
    )


def _file_key(file: PurePath | str) -> str:
    return str(file).replace("\\", "/")


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
            file_problems = list(evidence_file_problems(doc, layout.content_dir(root)))
            problems.extend(file_problems)
            if not file_problems:
                problems.extend(signoff_problems(doc, layout.content_dir(root), release=False))
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
    yield from _same_indicator_twice(by_key)
    for doc in docs:
        yield from _path_problems(doc)
    for (year, code), group in by_key.items():
        previous = by_key.get((year - 1, code))
        if previous and len(group) == 1 and len(previous) == 1:
            yield from _carried_over(group[0], previous[0])


def _carried_over(doc: SourceDocument, last_year: SourceDocument) -> Iterator[Problem]:
    """Sections 7, 8 and 9 (supporting factors, obstacles, evidence) word for word as in the same indicator's file
    of the year before: a file copied from last year whose report part was not rewritten."""
    this, that = doc.model, last_year.model

    def same(a: str | None, b: str | None) -> bool:
        return bool(a and a.strip()) and " ".join((a or "").split()) == " ".join((b or "").split())

    common = {"year": that.fiscal_year, "other": str(last_year.file)}
    if same(this.supporting_factors, that.supporting_factors):
        yield doc.problem("carried_over", ("supporting_factors",), severity="warning", section=7, **common)
    if same(this.obstacles, that.obstacles):
        yield doc.problem("carried_over", ("obstacles",), severity="warning", section=8, **common)
    if this.evidence and [item.model_dump() for item in this.evidence] == [item.model_dump() for item in that.evidence]:
        yield doc.problem("carried_over", ("evidence",), at="key", severity="warning", section=9, **common)


def _same_indicator_twice(by_key: dict[tuple[int, str], list[SourceDocument]]) -> Iterator[Problem]:
    """``9`` beside ``09`` (a file written without the zero): one indicator in two files, one error, on the file
    whose code lacks the zeros the other has."""
    by_number: dict[tuple[int, str], list[str]] = {}
    for year, code in by_key:
        if code.isascii() and code.isdigit():
            by_number.setdefault((year, code.lstrip("0") or "0"), []).append(code)
    for (year, _number), codes in by_number.items():
        if len(codes) < 2:
            continue
        codes.sort(key=len)
        longest = codes[-1]
        for code in codes[:-1]:
            for doc in by_key[(year, code)]:
                others = ", ".join(str(other.file) for other in by_key[(year, longest)])
                yield doc.problem(
                    "duplicate_code_zeros", ("code",), indicator_code=code, year=year, other_code=longest, other=others
                )


#: A file name that could be a code (the model's pattern): ``08``, ``9``, ``1.2``; not ``08 - Copy``.
_CODE_NAME = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,15}$")


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
        if _CODE_NAME.match(file.stem):
            yield doc.problem(
                "file_name_mismatch", ("code",), indicator_code=indicator.code, name=file.name, stem=file.stem
            )
        else:  # "08 - Copy.yaml": the name is no code to offer, only the file to rename
            yield doc.problem("file_name_not_code", ("code",), indicator_code=indicator.code, name=file.name)


# --- Warnings ----------------------------------------------------------------------------------------------------


def _strings(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], str]]:
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
    """Extraction artifacts in any text: ``?`` between Thai words, U+FFFD; characters the form's fonts cannot print
    (``printable.py``: an emoji pasted from LINE), once per text, all of them named."""
    for path, text in _strings(doc.data):
        if chars := _unprintable(doc, path, text):
            line, column = doc.find(path, chars[0]) or doc.position(path)
            first = text.index(chars[0])
            yield doc.problem(
                "unprintable_char", path, line=line, column=column, severity="warning",
                chars=" ".join(printable.shown(char) for char in chars[:MAX_CHARS_NAMED])
                + (" …" if len(chars) > MAX_CHARS_NAMED else ""),
                excerpt=_excerpt(text, first, first + 1),
            )  # fmt: skip
        match = ARTIFACT.search(text)
        if match:
            spot = doc.find(path, ARTIFACT)
            line, column = doc.position(path)
            if spot:
                found_line, found_column = spot
                line, column = found_line, found_column + (doc.source_line(found_line) or "")[found_column - 1 :].find("?")
            excerpt = _excerpt(text, match.start(), match.end())
            yield doc.problem(
                "extraction_artifact", path, line=line, column=column, severity="warning", excerpt=excerpt
            )
        index = text.find(REPLACEMENT_CHARACTER)
        if index >= 0:
            spot = doc.find(path, REPLACEMENT_CHARACTER)
            line, column = spot or doc.position(path)
            excerpt = _excerpt(text, index, index + 1)
            yield doc.problem("replacement_char", path, line=line, column=column, severity="warning", excerpt=excerpt)


def _unprintable(doc: SourceDocument, path: tuple[Any, ...], text: str) -> list[str]:
    """The characters of the text at ``path`` the form cannot print (``printable.unprintable``), in order: not a
    narrative's list bullets, which the list draws itself (Word's U+F0B7), nor U+FFFD, which has a warning of its
    own. Which field it is, is asked only of a text with such a character (the rare case)."""
    chars = [char for char in printable.unprintable(text) if char != REPLACEMENT_CHARACTER]
    info = _field_info(doc.model, path) if chars and path else None
    if info is not None and _is_narrative(info):
        text = "\n".join(without_bullet(line) for line in text.split("\n"))
        chars = [char for char in printable.unprintable(text) if char != REPLACEMENT_CHARACTER]
    return chars


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


# --- What YAML's rules changed ----------------------------------------------------------------------------------

#: A comment after a value: YAML ends a plain value at whitespace followed by ``#``.
_COMMENT_AFTER = re.compile(r"^\s+#")


def _field_info(model: ContentModel, path: tuple[Any, ...]) -> FieldInfo | None:
    """The pydantic ``FieldInfo`` of the value at ``path`` in a validated model, or None."""
    current: Any = model
    for element in path[:-1]:
        try:
            current = current[element] if isinstance(element, int) else getattr(current, element)
        except (IndexError, AttributeError, TypeError):
            return None
    if not isinstance(current, ContentModel) or not isinstance(path[-1], str):
        return None
    return type(current).model_fields.get(path[-1])


def _is_choice(info: FieldInfo) -> bool:
    annotation = info.annotation
    for _ in range(3):
        if typing.get_origin(annotation) is typing.Literal:
            return True
        args = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        annotation = args[0] if args else None
    return False


def _is_narrative(info: FieldInfo) -> bool:
    def validated_by_narrative(metadata: Iterable[Any]) -> bool:
        return any(getattr(item, "func", None) is checked_narrative for item in metadata)

    if validated_by_narrative(info.metadata):
        return True
    return any(validated_by_narrative(getattr(arg, "__metadata__", ())) for arg in typing.get_args(info.annotation))


def _shortened(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def yaml_meaning_warnings(doc: SourceDocument) -> Iterator[Problem]:
    """Where YAML's rules would make the form print something other than what was written: a `` #`` that cut a
    text short, a narrative whose list lines YAML folds into one paragraph, text in curly quotes. A comment after a
    number or a choice (as ``reportgen new`` writes them) is what comments are for, and stays silent."""
    for path, text in _strings(doc.data):
        located = doc.positions.get(path)
        info = _field_info(doc.model, path) if path else None
        if located is None or info is None or _is_choice(info):
            continue
        node = located.node
        key = str(path[-1])
        if node.style is None and node.start_mark.line == node.end_mark.line:
            line_text = doc.source_line(node.end_mark.line + 1) or ""
            after = line_text[node.end_mark.column :]
            if _COMMENT_AFTER.match(after) and not PLACEHOLDER.search(after):
                written = line_text[node.start_mark.column :].rstrip()
                column = node.end_mark.column + after.index("#") + 1
                yield doc.problem(
                    "comment_in_text",
                    path,
                    line=node.end_mark.line + 1,
                    column=column,
                    severity="warning",
                    key=key,
                    kept=text,
                    cut=_shortened(after.strip()),
                    quoted=_quoted(written),
                )
        if _is_narrative(info) and node.style in (None, ">", '"', "'") and node.end_mark.line > node.start_mark.line:
            yield from _folded_list(doc, path, node, text, key)
        if path in doc.curly_quoted and not _is_narrative(info):
            yield doc.problem("curly_quoted_text", path, severity="warning", key=key, inner=text[1:-1])


def _folded_list(doc: SourceDocument, path: tuple[Any, ...], node: Any, text: str, key: str) -> Iterator[Problem]:
    """The first list line, or table row (cells split by tabs, pasted from Excel), of a narrative that YAML joins to
    the line before it (a folded or plain text)."""
    joined = "\n" + text
    first_line = node.start_mark.line + (1 if node.style == ">" else 0)  # a ">" block starts on the next line
    for index in range(first_line, node.end_mark.line + 1):
        line_text = doc.source_line(index + 1) or ""
        if index == node.start_mark.line:
            line_text = line_text[node.start_mark.column :]
        table_row = "\t" in line_text.strip()
        if not starts_list_item(line_text) and not table_row:
            continue
        item = line_text.strip().strip("\"'")[:20]
        if item and not re.search(r"\n[ \t]*" + re.escape(item), joined):  # more-indented lines keep their break
            style = {
                None: localized("list_style_plain", key=key),
                ">": localized("list_style_folded", key=key),
            }.get(node.style, localized("list_style_quoted"))
            column = len(line_text) - len(line_text.lstrip()) + 1
            code = "folded_table" if table_row else "folded_list"
            yield doc.problem(code, path, line=index + 1, column=column, severity="warning", key=key, style=style)
            return


# --- Plausibility ------------------------------------------------------------------------------------------------

#: Units that make the figures percentages.
PERCENT_UNITS = re.compile(r"^\s*(ร้อยละ|%|เปอร์เซ็นต์|percent)", re.IGNORECASE)


def plausibility_warnings(doc: SourceDocument, indicator: Indicator) -> Iterator[Problem]:
    """Figures and dates that are allowed but hardly possible: a percentage over 100, a cumulative result that
    goes down, a quarter reported with an earlier one missing, a sign-off before its fiscal year began."""
    percent = bool(PERCENT_UNITS.match(indicator.target.unit))
    unit = indicator.target.unit
    figures: list[tuple[tuple[str, ...], Decimal]] = [(("target", "value"), indicator.target.value)]
    if indicator.result is not None:
        figures.append((("result",), indicator.result))
    reported = indicator.quarters.reported()
    figures += [(("quarters", f"q{n}", "result"), r.result) for n, r in reported if r.result is not None]
    if percent:
        for path, value in figures:
            if value > 100:
                yield doc.problem("percent_over_100", path, severity="warning", result=_plain(value), unit=unit)
    else:
        previous: tuple[int, Decimal] | None = None
        for number, report in reported:
            if report.result is None:
                continue
            if previous is not None and report.result < previous[1]:
                yield doc.problem(
                    "result_decreased",
                    ("quarters", f"q{number}", "result"),
                    severity="warning",
                    quarter=number,
                    result=_plain(report.result),
                    previous=previous[0],
                    previous_result=_plain(previous[1]),
                )
            previous = (number, report.result)
    if percent:
        yield from _fractions_and_scale(doc, indicator, figures)
    yield from _result_against_latest_quarter(doc, indicator)
    numbers = [number for number, _ in reported]
    for missing in range(1, max(numbers, default=0)):
        if missing not in numbers:
            later = min(number for number in numbers if number > missing)
            yield doc.problem(
                "quarter_gap", ("quarters", f"q{later}"), at="key", severity="warning", quarter=later, missing=missing
            )
    if indicator.signoff is not None:
        start, end = thai.quarter_period(indicator.fiscal_year, 1)[0], thai.quarter_period(indicator.fiscal_year, 4)[1]
        if indicator.signoff.date < start:
            yield doc.problem(
                "signoff_before_year",
                ("signoff", "date"),
                severity="warning",
                date=Localized(thai.thai_date(indicator.signoff.date), indicator.signoff.date.isoformat()),
                year=indicator.fiscal_year,
                start=Localized(thai.thai_date(start), start.isoformat()),
                end=Localized(thai.thai_date(end), end.isoformat()),
            )


#: A percentage target at least this large makes a result under 1 a fraction typed for a percentage (0.87 for 87).
FRACTION_TARGET = Decimal(10)
#: Two quarters' percentages this many times apart are on different scales (one of them mistyped).
QUARTER_SCALE = Decimal(20)


def _fractions_and_scale(
    doc: SourceDocument, indicator: Indicator, figures: list[tuple[tuple[str, ...], Decimal]]
) -> Iterator[Problem]:
    """Percentages: a fraction typed for a percentage (``0.87`` against ร้อยละ 85), and a quarter on another scale
    than the quarter before it. A target under 10 per cent (a ceiling such as ไม่เกินร้อยละ 2, a small rate) makes a
    small result genuine: nothing is said then."""
    target = indicator.target.value
    unit = indicator.target.unit
    fractions = set()
    if target >= FRACTION_TARGET:
        for path, value in figures[1:]:
            if 0 < value < 1:
                fractions.add(path)
                yield doc.problem("result_fraction_for_percent", path, severity="warning", result=_plain(value),
                                  suggestion=_plain((value * 100).normalize()), unit=unit, target=_plain(target))  # fmt: skip
    previous: tuple[int, Decimal] | None = None
    for number, report in indicator.quarters.reported():
        if report.result is None or report.result <= 0:
            continue
        path = ("quarters", f"q{number}", "result")
        if previous is not None and path not in fractions:
            low, high = sorted((report.result, previous[1]))
            if high >= low * QUARTER_SCALE:
                yield doc.problem("result_scale_of_quarters", path, severity="warning", quarter=number,
                                  result=_plain(report.result), previous=previous[0],
                                  previous_result=_plain(previous[1]), unit=unit)  # fmt: skip
        previous = (number, report.result)


def _result_against_latest_quarter(doc: SourceDocument, indicator: Indicator) -> Iterator[Problem]:
    """Section 5's ``result`` prints as the result achieved; the latest quarter's cumulative result says the same
    thing, and the form, the site and ``status`` disagree when the two do."""
    if indicator.result is None:
        return
    with_result = [(number, report.result) for number, report in indicator.quarters.reported() if report.result is not None]
    if not with_result:
        return
    quarter, quarter_result = with_result[-1]
    if quarter_result != indicator.result:
        yield doc.problem("result_differs_from_quarter", ("result",), severity="warning",
                          result=_plain(indicator.result), quarter=quarter, quarter_result=_plain(quarter_result),
                          quarter_field=f"quarters.q{quarter}.result")  # fmt: skip


def file_warnings(doc: SourceDocument) -> Iterator[Problem]:
    """The warnings of one valid file that depend on nothing but its bytes. ``project.validate_document`` adds them to
    the file's own problems, so they are cached with the file (``doccache.py``)."""
    yield from text_warnings(doc)
    yield from yaml_meaning_warnings(doc)
    if isinstance(doc.model, Indicator):
        yield from placeholder_warnings(doc)
        figures = [*_magnitude(doc, doc.model), *plausibility_warnings(doc, doc.model)]
        # A result already said to be implausible (or its quarter's) needs no second warning that the two differ.
        flagged = {problem.field for problem in figures if problem.code != "result_differs_from_quarter"}
        for problem in figures:
            if problem.code != "result_differs_from_quarter" or not flagged & {"result", problem.params["quarter_field"]}:
                yield problem
        for index, evidence in enumerate(doc.model.evidence):
            if evidence.url and not evidence.url.lower().startswith("https://"):
                path = ("evidence", index, "url")
                yield doc.problem("evidence_not_https", path, severity="warning", url=evidence.url)
    if isinstance(doc.model, SiteSettings):
        yield from open_data_warnings(doc, doc.model)


def open_data_warnings(doc: SourceDocument, site: SiteSettings) -> Iterator[Problem]:
    """The open data's licence and publisher left unset in site.yaml: the build uses defaults, the portal needs them.
    Nothing in the file marks where the key should be, so the warning names the file and the key, without a line."""
    if "data_license" not in site.model_fields_set:
        yield doc.problem("data_license_unset", severity="warning", field_name="data_license",
                          default=DEFAULT_DATA_LICENSE)
    if site.publisher is None:
        yield doc.problem("publisher_unset", severity="warning", field_name="publisher", agency=site.agency)


def dated_warnings(doc: SourceDocument, *, today: dt.date) -> Iterator[Problem]:
    """The warnings of one valid indicator file that depend on the date: reports of quarters not yet ended, a
    sign-off dated in the future."""
    yield from _future_quarters(doc, doc.model, today)
    yield from _year_folder_slip(doc, doc.model, today)
    signoff = doc.model.signoff
    if signoff is not None and signoff.date > today:
        yield doc.problem(
            "signoff_in_future",
            ("signoff", "date"),
            severity="warning",
            date=Localized(thai.thai_date(signoff.date), signoff.date.isoformat()),
            today=Localized(thai.thai_date(today), today.isoformat()),
        )


def _end_of(year: int, quarter: int) -> Localized:
    end = thai.quarter_period(year, quarter)[1]
    return Localized(thai.thai_date(end), end.isoformat())


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


def _year_folder_slip(doc: SourceDocument, indicator: Indicator, today: dt.date) -> Iterator[Problem]:
    """A quarter reported for a fiscal year that has not started, or that ended and whose report stopped at the very
    quarter running now in the next year: the calendar year taken for the fiscal year (q1 of 2570, written in
    December 2569, into 2569/), which ``status`` then counts as never reported."""
    year = indicator.fiscal_year
    reported = [number for number, _ in indicator.quarters.reported()]
    if not reported:
        return
    start, end = thai.quarter_period(year, 1)[0], thai.quarter_period(year, 4)[1]
    meant = thai.fiscal_year_of(today)
    if today < start:
        yield doc.problem("fiscal_year_not_started", ("fiscal_year",), severity="warning", year=year,
                          start=Localized(thai.thai_date(start), start.isoformat()), meant=meant)  # fmt: skip
        return
    # Only quarter 1 of the year that ended last September, checked from October to December: then the calendar
    # year is still the fiscal year before, and quarter 1 is what is being written (a year really left at quarter 1
    # is rare, and is then told apart by the month of the check).
    if today > end and reported == [1] and meant == year + 1 and thai.fiscal_quarter_of(today) == 1:
        yield doc.problem("quarter_in_ended_year", ("quarters", "q1"), at="key", severity="warning",
                          year=year, quarter=1, meant=meant, months=thai.quarter_months(1),
                          end=Localized(thai.thai_date(end), end.isoformat()))  # fmt: skip


def _magnitude(doc: SourceDocument, indicator: Indicator) -> Iterator[Problem]:
    target = indicator.target.value
    if target <= 0:
        return
    results: list[tuple[tuple[str, ...], Decimal]] = []
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
            corrected = _corrected_evidence_path(evidence.file, content)
            if corrected is not None:
                yield doc.problem("evidence_file_wrong_folder", path, evidence_file=evidence.file, corrected=corrected)
            else:
                yield doc.problem("evidence_file_missing", path, evidence_file=evidence.file)
        else:
            wrong = _wrong_file_type(content.joinpath(*PurePosixPath(evidence.file).parts))
            if wrong is not None:
                expected, found = wrong
                yield doc.problem("evidence_file_wrong_type", path, evidence_file=evidence.file, expected=expected,
                                  found=found)  # fmt: skip


def _corrected_evidence_path(written: str, content: Path) -> str | None:
    """The path the officer meant, when it exists: written from the project's folder (``content/evidence/…``), or
    with another upper and lower case than the file has."""
    candidates = [re.sub(r"^(?:\./)?content/", "", written)]
    posix = PurePosixPath(candidates[0])
    folder = content.joinpath(*posix.parent.parts)
    if folder.is_dir():
        candidates += [
            (posix.parent / other.name).as_posix() for other in folder.iterdir() if other.name.lower() == posix.name.lower()
        ]
    for candidate in candidates:
        if candidate != written and content.joinpath(*PurePosixPath(candidate).parts).is_file():
            return candidate
    return None


#: What a file's first bytes say it is, and the extensions that promise it.
_SIGNATURES: tuple[tuple[bytes, Localized, tuple[str, ...]], ...] = (
    (b"%PDF", localized("file_kind_pdf"), (".pdf",)),
    (b"\x89PNG\r\n\x1a\n", localized("file_kind_png"), (".png",)),
    (b"\xff\xd8\xff", localized("file_kind_jpeg"), (".jpg", ".jpeg")),
    (b"GIF8", localized("file_kind_gif"), (".gif",)),
    (b"PK\x03\x04", localized("file_kind_office"), (".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp", ".zip")),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", localized("file_kind_old_office"), (".doc", ".xls", ".ppt")),
)


def _wrong_file_type(path: Path) -> tuple[Localized, Localized] | None:
    """(what the extension promises, what the bytes are) when they disagree; None when they agree or the extension
    promises nothing checkable (.txt, .csv)."""
    promised = next((kind for _magic, kind, suffixes in _SIGNATURES if path.suffix.lower() in suffixes), None)
    if promised is None:
        return None
    with path.open("rb") as file:
        head = file.read(16)
    if any(head.startswith(magic) and path.suffix.lower() in suffixes for magic, _kind, suffixes in _SIGNATURES):
        return None
    found = next((kind for magic, kind, _suffixes in _SIGNATURES if head.startswith(magic)), None)
    if found is None:
        html = head.lstrip().lower().startswith((b"<!doctype", b"<html"))
        found = localized("file_kind_html") if html else localized("file_kind_unknown")
    return promised, found


def _outside_reason(relative: str, content: Path) -> Localized | None:
    if "\\" in relative:
        return localized("outside_backslash")
    posix = PurePosixPath(relative)
    if posix.is_absolute() or re.match(r"^[A-Za-z]:", relative):
        return localized("outside_absolute")
    if ".." in posix.parts:
        return localized("outside_parent")
    if not content.joinpath(*posix.parts).resolve().is_relative_to(content):
        return localized("outside_symlink")
    return None


def signoff_problems(doc: SourceDocument, content_dir: Path, *, release: bool) -> Iterator[Problem]:
    """The sign-off against the content: edited after sign-off (a warning, an error with ``release``); for a
    release also no sign-off at all, and a sign-off without a digest. Evidence files must have been checked."""
    indicator: Indicator = doc.model
    signoff = indicator.signoff
    source = str(doc.file)
    severity: Severity = "error" if release else "warning"
    if signoff is None:
        if release:
            yield doc.problem("signoff_missing", field_name="signoff", source=shlex.quote(source))
        return
    names: dict[str, Any] = {
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
        date = Localized(thai.thai_date(signoff.date), signoff.date.isoformat())
        # A digest of reportgen before form 3 also covered officer: it cannot tell a changed officer from an edit.
        legacy = is_legacy_digest(signoff.digest) and indicator.officer is not None
        code = "signoff_stale_legacy" if legacy else "signoff_stale"
        yield doc.problem(code, ("signoff",), at="key", severity=severity, date=date, **names)
    elif state == "old" and not release:  # still valid, so it publishes; the load reports it (release=False)
        yield doc.problem("signoff_old_digest", ("signoff", "digest"), at="key", severity="warning",
                          date=signoff.date.isoformat(), **names)  # fmt: skip


def placeholder_problems(doc: SourceDocument) -> list[Problem]:
    """The placeholders left in a loaded file (``placeholder_warnings``, found when it was loaded, cached with it)
    as errors: what signing off and publishing refuse, whatever the file's ``signoff:`` says."""
    return [problem.as_error() for problem in doc.problems if problem.code == "placeholder"]
