"""The content model → the desk's form (sections 1–9, their fields, labels and help), and posted values → the model's
values; a problem's YAML path → the field it concerns.

Nothing here names a field of the model: the sections come from the fields' descriptions (``8. อุปสรรค…`` opens
section 8; a field without a number belongs to the section before it; those before section 1 are the form's
heading, those after section 9 the signature block), the kind of input from the field's type (Markdown: a text
area; a number; a choice, its labels taken from the description; a nested model: a group; a list of models: rows
to add and remove). A field the model gains appears in the desk by itself.

Posted text is cleaned as ``check`` cleans it (``parse.remove_invisible``) and its line ends made ``\\n``; numbers
typed in Thai digits or with thousands separators become the number meant; anything else is passed on as typed, so
that ``check`` says what is wrong with it, in its own words, at the field.
"""

from __future__ import annotations

import datetime as dt
import re
import typing
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from reportgen import thai, wording
from reportgen.content.parse import remove_invisible
from reportgen.model import Indicator, checked_narrative, unwrap_annotation

#: Fields shown but never taken from a post: what the file's path says (code, year), and the sign-off, which only
#: ``signoff`` (and the signer's button of issue 29) writes.
READ_ONLY = frozenset({("code",), ("fiscal_year",), ("signoff",)})

#: Rows of a list offered empty beyond those written (a browser without script adds rows by saving).
EMPTY_ROWS = 1

Kind = Literal["text", "narrative", "number", "choice", "date", "readonly"]
Path = tuple[str | int, ...]


@dataclass
class Input:
    """One input of the form."""

    path: Path
    kind: Kind
    label: str
    help: str | None
    required: bool
    value: str = ""
    choices: tuple[tuple[str, str], ...] = ()

    @property
    def name(self) -> str:
        return ".".join(str(part) for part in self.path)

    @property
    def id(self) -> str:
        return "f-" + "-".join(str(part) for part in self.path)


@dataclass
class Group:
    """A nested model: a fieldset with its legend; ``absent`` when the file does not have it (a quarter not yet
    reported, a plan not written)."""

    path: Path
    legend: str
    help: str | None
    items: list[Item]
    optional: bool
    absent: bool = False

    @property
    def name(self) -> str:
        return ".".join(str(part) for part in self.path)

    @property
    def id(self) -> str:
        return "f-" + "-".join(str(part) for part in self.path)


@dataclass
class Rows:
    """A list of models (evidence): its rows, each a group, and the empty row a new one is made from."""

    path: Path
    legend: str
    help: str | None
    rows: list[Group]
    blank: Group

    @property
    def name(self) -> str:
        return ".".join(str(part) for part in self.path)

    @property
    def id(self) -> str:
        return "f-" + "-".join(str(part) for part in self.path)


Item = Input | Group | Rows


@dataclass
class Section:
    """A section of the official form: its number (None for the heading and the signature block), its heading."""

    number: int | None
    heading: str
    slug: str
    items: list[Item] = field(default_factory=list)

    @property
    def id(self) -> str:
        return f"section-{self.number}" if self.number is not None else f"section-{self.slug}"


_SECTION = re.compile(r"^\s*([0-9]+)\.\s*")
#: The notes of a description about the file's format (``(ตัวเลข)``, ``(ข้อความ: พิมพ์หรือวางจาก Word/Excel ได้)``,
#: ``(Markdown)`` in an older wording): the desk's inputs say that by what they are, so its labels leave them out.
_FORMAT_NOTE = re.compile(
    rf"\s*\((?:Markdown|{re.escape(wording.label('schema_format_number', 'th'))}"
    rf"|{re.escape(wording.label('schema_format_narrative', 'th'))}:[^)]*)\)|\bMarkdown\s*"
)


def _description(info: FieldInfo) -> str:
    return info.description or ""


def label_and_help(info: FieldInfo) -> tuple[str, str | None]:
    """A field's label (its description up to the example, without format notes) and the rest, as help."""
    text = _FORMAT_NOTE.sub(" ", _description(info)).replace("( ", "(").replace("()", "")
    text = re.sub(r"\s+", " ", text).strip()
    marker = f" {wording.label('schema_example_marker', 'th')} "
    label, _, example = text.partition(marker)
    label = re.sub(r"\s*\(\s*\)", "", label).strip()
    return label, (f"{marker.strip()} {example}" if example else None)


def section_of(info: FieldInfo) -> tuple[int, str] | None:
    """``(8, "อุปสรรคต่อการดำเนินงาน")`` for a field that opens section 8 of the form."""
    match = _SECTION.match(_description(info))
    if not match:
        return None
    label, _ = label_and_help(info)
    heading = _SECTION.sub("", label)
    heading = re.split(r"[:(]", heading)[0].strip()
    return int(match[1]), heading


def _leaf(info: FieldInfo) -> tuple[Any, list[Any]]:
    annotation, metadata = unwrap_annotation(info.annotation)
    return annotation, [*info.metadata, *metadata]


def _model(annotation: Any) -> type[BaseModel] | None:
    return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None


def _item_model(annotation: Any) -> type[BaseModel] | None:
    if typing.get_origin(annotation) is list:
        (item,) = typing.get_args(annotation)
        return _model(item)
    return None


def _kind(info: FieldInfo, path: Path) -> Kind:
    if path in READ_ONLY:
        return "readonly"
    annotation, metadata = _leaf(info)
    if annotation is str:
        return "narrative" if any(getattr(item, "func", None) is checked_narrative for item in metadata) else "text"
    if annotation is Decimal:
        return "number"
    if annotation is dt.date:
        return "date"
    if typing.get_origin(annotation) is Literal:
        return "choice"
    return "readonly"


def _choices(info: FieldInfo) -> tuple[tuple[str, str], ...]:
    """Each value of a choice with the words the description gives it (``output (ผลผลิต)`` → ผลผลิต)."""
    annotation, _ = _leaf(info)
    description = _description(info)
    choices = []
    for value in typing.get_args(annotation):
        match = re.search(rf"\b{re.escape(str(value))}\s*\(([^)]*)\)", description)
        words = match[1].split(" ")[0] if match else str(value)
        choices.append((str(value), f"{words} ({value})" if match else words))
    return tuple(choices)


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _items(model: type[BaseModel], values: Mapping[str, Any] | None, path: Path) -> list[Item]:
    items: list[Item] = []
    for name, info in model.model_fields.items():
        items.append(_item(info, (values or {}).get(name) if isinstance(values, Mapping) else None, (*path, name)))
    return items


def _item(info: FieldInfo, value: Any, path: Path) -> Item:
    annotation, _ = _leaf(info)
    label, help_text = label_and_help(info)
    nested, item_model = _model(annotation), _item_model(annotation)
    if nested is not None and path not in READ_ONLY:
        absent = not isinstance(value, Mapping)
        return Group(path, label, help_text, _items(nested, value if not absent else None, path),
                     optional=not info.is_required(), absent=absent)
    if item_model is not None:
        written = [item for item in value if isinstance(item, Mapping)] if isinstance(value, list) else []
        rows = [Group((*path, index), "", None, _items(item_model, item, (*path, index)), optional=True)
                for index, item in enumerate(written)]
        for extra in range(EMPTY_ROWS):
            index = len(written) + extra
            rows.append(Group((*path, index), "", None, _items(item_model, None, (*path, index)), optional=True,
                              absent=True))
        blank = Group((*path, "__row__"), "", None, _items(item_model, None, (*path, "__row__")), optional=True,
                      absent=True)
        return Rows(path, label, help_text, rows, blank)
    kind = _kind(info, path)
    if kind == "choice" and ": " in label:  # "2. ระดับความสำเร็จ: output (ผลผลิต) หรือ …": the choices are the options
        label, _, choices_text = label.partition(": ")
        help_text = " ".join(part for part in (choices_text, help_text) if part)
    shown = _signoff_text(value) if path == ("signoff",) else _shown(value)
    return Input(path, kind, label, help_text, info.is_required(), shown,
                 _choices(info) if kind == "choice" else ())


def _signoff_text(value: Any) -> str:
    if not isinstance(value, Mapping):
        return wording.label("desk_signoff_none", "th")
    return wording.message("desk_signoff_by", "th", name=_shown(value.get("name")),
                           position=_shown(value.get("position")), date=_shown(value.get("date")))


def form_sections(values: Mapping[str, Any]) -> list[Section]:
    """The form's sections, in the model's order, filled with ``values`` (the file's, or those posted)."""
    sections: list[Section] = [Section(None, wording.label("desk_section_heading", "th"), "heading")]
    for name, info in Indicator.model_fields.items():
        opened = section_of(info)
        if opened is not None and (sections[-1].number is None or opened[0] != sections[-1].number):
            sections.append(Section(opened[0], opened[1], str(opened[0])))
        elif opened is None and sections[-1].number is not None and sections[-1].number >= _last_section():
            sections.append(Section(None, wording.label("desk_section_signature", "th"), "signature"))
        sections[-1].items.append(_item(info, values.get(name), (name,)))
    return [section for section in sections if section.items]


def _last_section() -> int:
    return max((opened[0] for info in Indicator.model_fields.values() if (opened := section_of(info))), default=0)


def inputs(items: list[Item]) -> Iterator[Input]:
    """Every input of ``items``, depth first (tests, the field map)."""
    for item in items:
        if isinstance(item, Input):
            yield item
        elif isinstance(item, Group):
            yield from inputs(item.items)
        else:
            for row in item.rows:
                yield from inputs(row.items)


# --- Posted values → the model's values ------------------------------------------------------------------------


def clean_text(text: str) -> str:
    """Text as posted → as ``check`` reads it: line ends ``\\n`` (browsers send ``\\r\\n``; a line or paragraph
    separator pasted from a web page or a Mac is one too: the form has no glyph for it), invisible characters
    pasted with it removed, no trailing spaces at line ends."""
    text = remove_invisible(_LINE_ENDS.sub("\n", text))
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n").strip()


_LINE_ENDS = re.compile("\r\n|[\r\u2028\u2029]")
_NUMBER = re.compile(r"[-+]?[0-9]+(\.[0-9]+)?")


def number_value(text: str) -> Decimal | str | None:
    """A number as typed → the number (Thai digits, thousands separators and a sign allowed, the minus sign U+2212
    of Word and of web pages too); text that is no number is returned as is, for ``check`` to explain. A negative
    number goes on as one, so that ``check`` says what it says of ``result: -3`` in a file (no negative results),
    not that the field holds text."""
    cleaned = clean_text(text)
    if not cleaned:
        return None
    plain = re.sub(r"(?<=[0-9]),(?=[0-9]{3}\b)", "", thai.to_arabic_digits(cleaned)).replace(" ", "")
    plain = plain.replace("\u2212", "-")
    if _NUMBER.fullmatch(plain):
        try:
            return Decimal(plain)
        except InvalidOperation:
            return cleaned
    return cleaned


def posted_values(form: Mapping[str, str], saved: Mapping[str, Any]) -> dict[str, Any]:
    """The values of a posted form (``name`` → text) as the model's values; read-only fields from ``saved`` (the
    file as it is)."""
    return _model_values(Indicator, form, saved, ())


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or (isinstance(value, dict) and all(map(_is_empty, value.values())))


def _model_values(model: type[BaseModel], form: Mapping[str, str], saved: Any, path: Path) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        here = (*path, name)
        saved_value = saved.get(name) if isinstance(saved, Mapping) else None
        values[name] = _value(info, form, saved_value, here)
    return values


def _value(info: FieldInfo, form: Mapping[str, str], saved: Any, path: Path) -> Any:
    if path in READ_ONLY:
        return saved
    annotation, _ = _leaf(info)
    nested, item_model = _model(annotation), _item_model(annotation)
    key = ".".join(str(part) for part in path)
    if nested is not None:
        values = _model_values(nested, form, saved, path)
        if not info.is_required() and info.default is None and _is_empty(values):
            return None  # an optional part left empty is not written (a quarter not reported, no plan)
        return values
    if item_model is not None:
        rows = []
        indexes = sorted({int(match[1]) for name in form if (match := re.match(rf"{re.escape(key)}\.([0-9]+)\.", name))})
        for index in indexes:
            if form.get(f"{key}.{index}.__remove__"):
                continue
            row = _model_values(item_model, form, None, (*path, index))
            if not _is_empty(row):
                rows.append({name: value for name, value in row.items() if value is not None})
        return rows
    text = form.get(key, "")
    kind = _kind(info, path)
    if kind == "number":
        return number_value(text)
    cleaned = clean_text(text)
    if kind == "narrative":
        return cleaned if cleaned or info.is_required() or info.default is None else info.default
    return None if cleaned == "" and not info.is_required() else cleaned


# --- Problems at their fields ------------------------------------------------------------------------------------


def field_name(problem_field: str | None, names: set[str]) -> str | None:
    """A problem's field (``evidence[2].url``, items counted from 1) → the form's name of the input or group it
    concerns (``evidence.1.url``), or of the nearest enclosing one; None for a problem of the whole file."""
    if not problem_field:
        return None
    name = re.sub(r"\[([0-9]+)\]", lambda match: f".{int(match[1]) - 1}", problem_field)
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in names:
            return candidate
        parts.pop()
    return None


def names_of(sections: list[Section]) -> set[str]:
    """Every name a problem can be shown at: inputs, groups and lists."""
    found: set[str] = set()

    def walk(items: list[Item]) -> None:
        for item in items:
            found.add(item.name)
            if isinstance(item, Group):
                walk(item.items)
            elif isinstance(item, Rows):
                for row in item.rows:
                    found.add(row.name)
                    walk(row.items)

    for section in sections:
        walk(section.items)
    return found


def quarter_label(fiscal_year: int, quarter: int) -> str:
    """``ไตรมาสที่ 1 (ต.ค.–ธ.ค. 2568)``: the quarter with its months, for the overview."""
    return thai.quarter_label(fiscal_year, quarter)
