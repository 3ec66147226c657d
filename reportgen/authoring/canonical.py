"""An indicator file's text, or a form's values → the file's one canonical text: what ``fmt`` and the desk write.

The canonical text is what ``reportgen new`` would write for the same values (``template.indicator_text``: every
field in the model's order under its Thai description, the same notes and commented examples, the same quoting), plus
every comment a person wrote, kept with the field it was written at:

- a comment on its own line goes just above the key (or list item) that followed it, under the key's own
  description; comments before the first key stay in the file's header, comments after the last key at its end;
- a comment after a value (``value: 3  # ตามแผน``) stays after that value.

What ``new`` wrote is recognised and written afresh for the current values, never doubled: the descriptions, notes
and commented examples (a line identical to one of them is theirs), the file's title line (kept as written: it says
where the file came from), and a placeholder left (``…กรอก…``, or a sample number with the placeholder comment
after it), which stays until the value is changed. A comment whose field is gone (a list item the desk removed)
is kept at the top of the file under a line that says where it was, and logged: never dropped silently.

Values are written so that they read back exactly as they are (``yamltext``: reportgen's own parser is the test,
so ``0E0``, ``yes``, ``1_000``, ``.5``, ``2569-10-01`` and ``~`` as text are quoted); Thai is never normalised. The
result is loaded back and compared with the model before it is returned: a difference is a bug here, never a
changed form. Canonical text is a fixed point: formatting it again gives the same bytes.
"""

from __future__ import annotations

import functools
import logging
import re
import typing
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import PurePosixPath
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from reportgen import wording
from reportgen.authoring.template import (
    FILL,
    blank_values,
    indicator_text,
    plain_title,
    unfilled_lines,
)
from reportgen.authoring.yamltext import scalar_lines
from reportgen.content.parse import parse_document
from reportgen.content.positions import Located, SourceDocument, field_path
from reportgen.content.project import load_document
from reportgen.errors import ContentError
from reportgen.model import Indicator, unwrap_annotation

log = logging.getLogger(__name__)

Path_ = tuple[Any, ...]

#: A comment after a value: YAML starts one at a ``#`` after whitespace.
_TRAILING = re.compile(r"\s+(#.*?)\s*$")
#: A block scalar's header (``|``, ``>-``, ``|+2``) at a value's start.
_BLOCK_HEADER = re.compile(r"[|>][-+0-9]*")


@dataclass
class Comments:
    """A file's comments by where they belong: the header, above a key or item (by its path), after a value, the
    end. Each comment is its text from the ``#`` on; a comment after a value is one string."""

    header: list[str] = field(default_factory=list)
    before: dict[Path_, list[str]] = field(default_factory=dict)
    after: dict[Path_, str] = field(default_factory=dict)
    end: list[str] = field(default_factory=list)
    #: The title line (``# ตัวชี้วัดที่ 08 ปีงบประมาณ …``), kept as written.
    title: str | None = None
    #: Numbers as they were written (``36.00``), by path: written the same way while their value is unchanged.
    numbers: dict[Path_, str] = field(default_factory=dict)


@dataclass(frozen=True)
class CanonicalText:
    """The canonical text and the fields whose comments had to move to the top (their field is gone)."""

    text: str
    displaced: tuple[str, ...] = ()


# --- The public operations ---------------------------------------------------------------------------------------


def canonical_text(text: str, *, source: PurePosixPath) -> str:
    """Any indicator file's text → its canonical text (see the module docstring). Raises ``ContentError`` (with the
    file's problems, at their lines) for a file that does not load."""
    return canonical_document(text, source=source).text


def canonical_document(text: str, *, source: PurePosixPath) -> CanonicalText:
    """``canonical_text``, also saying which comments could not stay with their field."""
    doc = load_document(text, Indicator, source)
    if not doc.ok:
        raise ContentError([problem for problem in doc.problems if problem.severity == "error"])
    assert isinstance(doc.model, Indicator)
    return _compose(doc.model, source, file_comments(doc), drop_answered=False)


def text_from_values(
    values: dict[str, Any], *, year: int, source: PurePosixPath, previous_text: str | None = None
) -> str:
    """Plain values (as the model's fields, e.g. from the desk's form) → canonical text; the comments of
    ``previous_text`` (the file as it was) kept with their fields. Raises ``ContentError`` when the values are not
    a valid form (the problems name the fields)."""
    try:
        model = Indicator.model_validate(values)
    except ValidationError:
        # The loader explains the mistakes in the officer's words, at the field: give it the values as YAML.
        doc = load_document(_plain_yaml(values), Indicator, source)
        raise ContentError([problem for problem in doc.problems if problem.severity == "error"]) from None
    if model.fiscal_year != year:
        raise ValueError(f"values of fiscal year {model.fiscal_year} written as {year}")
    comments = Comments()
    if previous_text is not None:
        previous = parse_document(previous_text, source)
        if previous.data is not None and not any(problem.severity == "error" for problem in previous.problems):
            comments = file_comments(previous)
    return _compose(model, source, comments, drop_answered=True).text


def _plain_yaml(values: Mapping[str, Any]) -> str:
    text: str = yaml.safe_dump(_plain(values), allow_unicode=True, sort_keys=False)
    return text


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return _plain(value.model_dump())
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, Decimal):  # a number stays a number (as text it would be refused as "in quotes")
        return int(value) if value == value.to_integral_value() else float(value)
    return value


# --- Reading the comments of a file ------------------------------------------------------------------------------


def _inside_scalar(doc: SourceDocument) -> set[int]:
    """0-based lines that belong to a multi-line value (a ``#`` there is text, not a comment)."""
    inside: set[int] = set()
    for located in doc.positions.values():
        node = located.node
        if not isinstance(node, yaml.ScalarNode):
            continue
        start, end = node.start_mark, node.end_mark
        inside.update(range(start.line + 1, end.line))
        if end.line > start.line and doc.lines[end.line][: end.column].strip():
            inside.add(end.line)
    return inside


def _first_line(located: Located) -> int:
    """The line a key or list item starts at: where a comment above it goes."""
    mark = located.key_mark if located.key_mark is not None else located.node.start_mark
    return int(mark.line)


def _after_line(located: Located) -> int:
    """The line a comment after the value goes on: a one-line value's line, a block's header, a section's key."""
    node = located.node
    if isinstance(node, yaml.ScalarNode):
        return int(node.start_mark.line if node.style in ("|", ">") else node.end_mark.line)
    if node.start_mark.line == node.end_mark.line or getattr(node, "flow_style", False):
        return int(node.end_mark.line if located.key_mark is None else node.start_mark.line)
    return _first_line(located)


def _code_end(doc: SourceDocument, line: int, located_on_line: list[Located]) -> int:
    """Where the YAML of a line ends (a comment after it starts further right)."""
    text = doc.lines[line]
    end = 0
    for located in located_on_line:
        node = located.node
        if located.key_mark is not None and located.key_mark.line == line:
            colon = text.find(":", located.key_mark.column)
            end = max(end, colon + 1 if colon >= 0 else located.key_mark.column)
        if node.start_mark.line == line and isinstance(node, yaml.ScalarNode) and node.style in ("|", ">"):
            header = _BLOCK_HEADER.match(text, node.start_mark.column)
            end = max(end, header.end() if header else node.start_mark.column + 1)
        elif node.end_mark.line == line:
            end = max(end, node.end_mark.column)
        elif node.start_mark.line == line:
            end = max(end, node.start_mark.column)
    return end


def _depth(path: Path_) -> int:
    return len(path)


def file_comments(doc: SourceDocument) -> Comments:
    """Every comment of a parsed file, by where it belongs (see the module docstring)."""
    comments = Comments()
    inside = _inside_scalar(doc)
    starts: dict[int, list[Path_]] = {}
    afters: dict[int, list[Path_]] = {}
    on_line: dict[int, list[Located]] = {}
    for path, located in doc.positions.items():
        if not path:
            continue
        starts.setdefault(_first_line(located), []).append(path)
        afters.setdefault(_after_line(located), []).append(path)
        for line in {_first_line(located), located.node.start_mark.line, located.node.end_mark.line}:
            on_line.setdefault(line, []).append(located)
    first_key = min(starts, default=len(doc.lines))
    pending: list[str] = []
    for number, text in enumerate(doc.lines):
        if number in inside:
            continue
        stripped = text.strip()
        if stripped.startswith("#"):
            if number < first_key:
                comments.header.append(stripped)
            else:
                pending.append(stripped)
            continue
        if number in starts and pending:
            outermost = min(starts[number], key=_depth)
            comments.before.setdefault(outermost, []).extend(pending)
            pending = []
        if number in on_line:
            found = _TRAILING.match(text[_code_end(doc, number, on_line[number]) :])
            if found and number in afters:
                comments.after[max(afters[number], key=_depth)] = found.group(1)
    comments.end = pending
    for path, located in doc.positions.items():
        node = located.node
        if isinstance(node, yaml.ScalarNode) and node.style is None and _PLAIN_DECIMAL.fullmatch(node.value):
            comments.numbers[path] = node.value
    return comments


#: A number written as a plain decimal (``36``, ``36.00``): its spelling is kept while its value is unchanged.
_PLAIN_DECIMAL = re.compile(r"[0-9]+(\.[0-9]+)?")


def _keep_spelling(values: Any, numbers: dict[Path_, str]) -> None:
    """Write each number as it was written (``36.00``, which reportgen reads as 36.0) while its value is the same."""
    for path, written in numbers.items():
        holder = values
        try:
            for element in path[:-1]:
                holder = holder[element]
            value = holder[path[-1]]
        except (KeyError, IndexError, TypeError):
            continue
        if isinstance(value, Decimal) and Decimal(written) == value:
            holder[path[-1]] = Decimal(written)


# --- Writing -----------------------------------------------------------------------------------------------------


def _fields(model: type[BaseModel]) -> Iterator[tuple[str, FieldInfo, type[BaseModel] | None, bool]]:
    """Each field of ``model``: its name, info, its nested model (or None) and whether it is a list."""
    for name, info in model.model_fields.items():
        annotation, _ = unwrap_annotation(info.annotation)
        nested = annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None
        yield name, info, nested, typing.get_origin(annotation) is list


def _mark_unfilled(
    values: dict[str, Any],
    model: type[BaseModel],
    comments: Comments,
    year: int,
    *,
    drop_answered: bool,
    path: Path_ = (),
) -> None:
    """Put ``FILL`` where a value is still what ``new`` wrote to be filled in (its placeholder; a sample with the
    placeholder comment after it), so that it is written as ``new`` wrote it. With ``drop_answered`` (the desk: the
    officer typed the value in the form), a placeholder comment after a value changed since is dropped; ``fmt``
    keeps it, and ``check`` goes on warning that the note was left, as it does for the file as written."""
    for name, info, nested, is_list in _fields(model):
        value = values.get(name)
        here = path + (name,)
        if nested is not None:
            if isinstance(value, dict):
                _mark_unfilled(value, nested, comments, year, drop_answered=drop_answered, path=here)
            continue
        if is_list or value is None:
            continue
        unfilled = unfilled_lines(name, info, year=year)
        if len(unfilled) == 2:  # a Markdown placeholder: a block holding only the placeholder
            if value == unfilled[1].strip():
                values[name] = FILL
            continue
        written, _, note = unfilled[0].partition("  # ")
        if not note:  # text: the placeholder is the value itself
            if scalar_lines(name, value, "") == [written]:
                values[name] = FILL
            continue
        if comments.after.get(here) == f"# {note}":
            if scalar_lines(name, value, "") == [written]:
                values[name] = FILL
                del comments.after[here]  # written again with the FILL
            elif drop_answered:
                del comments.after[here]


@functools.lru_cache(maxsize=256)  # the same for every save of a form: made once
def _blank_guidance(code: str, year: int, agency: str) -> frozenset[str]:
    return frozenset(_comment_lines(indicator_text(blank_values(code, year, agency), year=year)))


def _comment_lines(text: str) -> set[str]:
    return {line.strip() for line in text.splitlines() if line.strip().startswith("#")}


def _compose(model: Indicator, source: PurePosixPath, comments: Comments, *, drop_answered: bool) -> CanonicalText:
    year = model.fiscal_year
    values = model.model_dump()
    _keep_spelling(values, comments.numbers)
    _mark_unfilled(values, Indicator, comments, year, drop_answered=drop_answered)
    title_start = plain_title(model.code, year)
    title = next((line for line in comments.header if line.startswith(title_start)), None)
    skeleton = indicator_text(values, year=year, title=title or title_start)
    # Everything new writes, for these values and for a blank form (whose examples a filled section no longer has).
    guidance = _comment_lines(skeleton) | _blank_guidance(model.code, year, model.agency)

    def persons(lines: list[str]) -> list[str]:
        return [line for line in lines if line not in guidance and line != title]

    lines = skeleton.split("\n")
    skeleton_doc = parse_document(skeleton, source)
    positions = skeleton_doc.positions
    insert_before: dict[int, list[str]] = {}
    displaced: list[str] = []
    header = persons(comments.header)
    for path, texts in comments.before.items():
        kept = persons(texts)
        if not kept:
            continue
        located = positions.get(path)
        if located is None:
            displaced.append(field_path(path))
            header += [_displaced_note(path), *kept]
            continue
        first = _first_line(located)
        indent = located.key_mark.column if located.key_mark is not None else located.node.start_mark.column - 2
        insert_before.setdefault(first, []).extend(" " * indent + text for text in kept)
    for path, text in comments.after.items():
        located = positions.get(path)
        if located is None:
            displaced.append(field_path(path))
            header += [_displaced_note(path), text]
            continue
        number = _after_line(located)
        lines[number] = f"{lines[number]}  {text}"
    out: list[str] = []
    for number, line in enumerate(lines):
        out.extend(insert_before.get(number, ()))
        out.append(line)
        if number == _HEADER_LINES - 1:
            out.extend(header)
    end = persons(comments.end)
    if end:
        while out and out[-1] == "":
            out.pop()
        out.extend([*end, ""])
    text = "\n".join(out)
    _check(text, model, source)
    for name in displaced:
        log.warning(wording.message("log_fmt_comment_displaced", field=name))
    return CanonicalText(text, tuple(displaced))


#: The header ``indicator_text`` writes: the schema line, the title and three lines of how to fill the file in.
_HEADER_LINES = 5


def _displaced_note(path: Path_) -> str:
    return "# " + wording.message("fmt_comment_displaced", "th", field=field_path(path))


def _check(text: str, model: Indicator, source: PurePosixPath) -> None:
    """The text must load back as exactly ``model``: anything else is a bug here, never the officer's doing."""
    doc = load_document(text, Indicator, source)
    if not doc.ok or doc.model != model:
        raise RuntimeError(f"the canonical text of {source} does not load back as the same form: {doc.problems}")
