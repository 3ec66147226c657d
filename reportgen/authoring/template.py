"""Values of an indicator → the text of a new indicator file: what ``reportgen new`` and ``reportgen import`` write.

The file starts with the schema line that gives editors autocomplete and holds every key of the content model in the
model's order, each under a Thai comment that is the model's own field description, so the comments, the JSON
Schema and the messages can never disagree. Keys the model gains later appear by themselves.

What staff still have to write is ``FILL``, written as a placeholder (``…กรอกชื่อตัวชี้วัด…``, see
``validate.PLACEHOLDER``): as the value of a text field, or in a comment after a number or a choice, which cannot
hold text and stay valid. The new file is therefore valid as written, and ``reportgen check`` warns about every
placeholder left (``--strict`` refuses them). Sections not yet reported (the quarters, the sign-off, the evidence)
are left empty, with a commented example under each to uncomment.
"""

from __future__ import annotations

import datetime as dt
import re
import typing
from collections.abc import Callable
from decimal import Decimal
from pathlib import PurePosixPath
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from reportgen import thai, wording
from reportgen.authoring.yamltext import INDENT, scalar_lines
from reportgen.content.validate import placeholder
from reportgen.layout import CONTENT_DIR, INDICATORS_DIR
from reportgen.model import Indicator, checked_narrative, unwrap_annotation
from reportgen.narrative import check_url

#: The fields ``--from`` carries into the new year: what the indicator is, not what happened in a year.
CARRIED_FIELDS = ("agency", "name", "result_type", "plan", "definition", "calculation", "target", "officer")

#: The first line of every indicator file: the JSON Schema, relative to content/indicators/<year>/.
SCHEMA_LINE = "# yaml-language-server: $schema=../../../indicator.schema.json"


class Fill:
    """A value staff still have to write: becomes a placeholder (a sample and a placeholder comment for non-text)."""

    def __repr__(self) -> str:
        return "FILL"


FILL = Fill()


def blank_values(code: str, year: int, agency: str) -> dict[str, Any]:
    """A fresh indicator: the code, year and agency; placeholders for what is required; defaults elsewhere."""
    values = blank_model_values(Indicator)
    values.update(code=code, fiscal_year=year, agency=agency)
    # The plan is optional, but most indicators support it: offer every key to fill in (or delete).
    plan_model = _model_of(Indicator.model_fields["plan"])
    assert plan_model is not None, "the plan is a model"
    values["plan"] = {name: FILL for name in plan_model.model_fields}
    return values


def blank_model_values(model: type[BaseModel]) -> dict[str, Any]:
    """Every field of ``model``: ``FILL`` where a value is required (nested models filled the same way), the
    default elsewhere."""
    values: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        nested = _model_of(info)
        if info.is_required():
            values[name] = blank_model_values(nested) if nested is not None else FILL
        else:
            default = info.get_default(call_default_factory=True)
            values[name] = default.model_dump() if isinstance(default, BaseModel) else default
    return values


def carried_values(previous: Indicator, code: str, year: int) -> dict[str, Any]:
    """Last year's ``previous`` in a new year: ``CARRIED_FIELDS`` as they were, the year's report empty."""
    values = blank_model_values(Indicator)
    carried = previous.model_dump(include=set(CARRIED_FIELDS))
    values.update(carried, code=code, fiscal_year=year)
    return values


# --- Field types -------------------------------------------------------------------------------------------------


def _leaf(info: FieldInfo) -> tuple[Any, list[Any]]:
    annotation, metadata = unwrap_annotation(info.annotation)
    return annotation, [*info.metadata, *metadata]


def _model_of(info: FieldInfo) -> type[BaseModel] | None:
    annotation, _ = _leaf(info)
    return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None


def _item_model_of(info: FieldInfo) -> type[BaseModel] | None:
    annotation, _ = _leaf(info)
    if typing.get_origin(annotation) is list:
        (item,) = typing.get_args(annotation)
        if isinstance(item, type) and issubclass(item, BaseModel):
            return item
    return None


def _validated_by(info: FieldInfo, check: Callable[..., Any]) -> bool:
    """True if the field's value goes through ``check`` (``checked_narrative``: a narrative; ``check_url``: a link)."""
    return any(getattr(item, "func", None) is check for item in _leaf(info)[1])


def _pattern(info: FieldInfo) -> str | None:
    return next((item.pattern for item in _leaf(info)[1] if getattr(item, "pattern", None)), None)


def _what(info: FieldInfo) -> str:
    """What a placeholder asks for: the field's description without its section number, format note and example."""
    text = re.sub(r"^[0-9]+\.\s*", "", info.description or "")
    text = text.split(f" {_said('schema_example_marker')} ")[0]
    return text.replace(" " + _said("schema_narrative_marker"), "").strip()


# --- YAML text ---------------------------------------------------------------------------------------------------


def indicator_text(
    values: dict[str, Any], *, year: int, source: PurePosixPath | None = None, title: str | None = None
) -> str:
    """The file's text: header comments, then every field of ``Indicator`` with its description. ``title`` (a
    comment line) replaces the one that says where the file came from (``fmt`` keeps the file's own)."""
    origin = _said("new_file_origin_source", source=source) if source else _said("new_file_origin_new")
    lines = [
        SCHEMA_LINE,
        title or "# " + _said("new_file_title", code=values["code"], year=year, origin=origin),
        "# " + _said("new_file_how_to_fill"),
        "# " + _said("new_file_examples"),
        "# " + _said("new_file_comments"),
    ]
    _fields(lines, Indicator, values, level=0, year=year)
    return "\n".join(lines) + "\n"


def _said(key: str, **params: object) -> str:
    """A comment's words: the file is written for the officers, in Thai, whatever language the command runs in."""
    return wording.message(key, "th", **params)


#: Guidance beyond a field's description, where the description cannot say it (how to use this file's layout): the
#: catalog key of each note.
_NOTES: dict[tuple[str, ...], str] = {
    ("plan",): "new_file_note_plan",
    ("quarters",): "new_file_note_quarters",
    ("evidence",): "new_file_note_evidence",
}

#: Sections a command writes (with a value computed from the content): no example to uncomment, the command instead
#: (the catalog keys of what to do, and of the command).
_WRITTEN_BY: dict[tuple[str, ...], tuple[str, str]] = {
    ("signoff",): ("new_file_signoff_empty", "new_file_signoff_command"),
}


def _fields(lines: list[str], model: type[BaseModel], values: dict[str, Any], *, level: int, year: int, path: tuple[str, ...] = ()) -> None:
    indent = INDENT * level
    for name, info in model.model_fields.items():
        value = values[name]
        if level == 0:
            lines.append("")
        if info.description:
            lines.append(f"{indent}# {info.description}")
        note = _NOTES.get(path + (name,))
        if note and (isinstance(value, dict) or value == []):  # the notes explain the blank form of the section
            lines.append(f"{indent}# {_said(note)}")
        nested, item_model = _model_of(info), _item_model_of(info)
        written_by = _WRITTEN_BY.get(path + (name,))
        if nested is not None and value is None and written_by:
            lines.append(f"{indent}# {_said(written_by[0])}")
            lines.append(f"{indent}#   {_said(written_by[1], file=_file_of(values, year))}")
            lines.append(f"{indent}# {_said('new_file_signoff_writes')}")
            lines.extend(f"{indent}#   {key}: {sub.description}" for key, sub in nested.model_fields.items())
            lines.append(f"{indent}{name}:")
        elif nested is not None and isinstance(value, dict):
            lines.append(f"{indent}{name}:")
            _fields(lines, nested, value, level=level + 1, year=year, path=path + (name,))
        elif nested is not None and value is None:
            lines.append(f"{indent}{name}:")
            _example(lines, nested, indent + INDENT, year=year)
        elif item_model is not None and value == []:
            lines.append(f"{indent}{name}: []")
            _example(lines, item_model, indent, year=year, item=True)
        elif item_model is not None and isinstance(value, list):  # items written by reportgen import
            lines.append(f"{indent}{name}:")
            key_indent = indent + INDENT + "  "
            for item in value:
                item_lines = [
                    line for key, item_value in item.items() if item_value is not None
                    for line in scalar_lines(key, item_value, key_indent)
                ]
                item_lines[0] = indent + INDENT + "- " + item_lines[0][len(key_indent):]
                lines.extend(item_lines)
        elif value is FILL:
            lines.extend(_filled(name, info, indent, year=year))
        else:
            lines.extend(scalar_lines(name, value, indent, quoted=name == "code" and model is Indicator))


def _file_of(values: dict[str, Any], year: int) -> str:
    return f"{CONTENT_DIR}/{INDICATORS_DIR}/{year}/{values['code']}.yaml"


def _example(lines: list[str], model: type[BaseModel], indent: str, *, year: int, item: bool = False) -> None:
    """Commented lines that become a valid ``model`` (with placeholders) once their ``# `` is removed."""
    first = True
    for name, info in model.model_fields.items():
        if _pattern(info):  # a value of a fixed form (a digest) is made by a command, never typed: only say what it is
            lines.append(f"{indent}# ({name}: {info.description})")
            continue
        filled = _filled(name, info, "", year=year)
        if not info.is_required():
            optional = _said("new_file_optional")
            filled[0] += f" ({optional})" if "  # " in filled[0] else f"  # {optional}"
        for line in filled:
            prefix = ("- " if first else "  ") if item else ""
            lines.append(f"{indent}# {prefix}{line}")
            first = False


def plain_title(code: str, year: int) -> str:
    """The title line without where the file came from: how every file's title starts (``fmt`` finds it by it)."""
    return "# " + _said("new_file_title_plain", code=code, year=year)


def unfilled_lines(name: str, info: FieldInfo, *, year: int) -> list[str]:
    """What ``new`` writes for ``name`` still to fill (see ``_filled``), unindented: ``fmt`` recognises it."""
    return _filled(name, info, "", year=year)


def _filled(name: str, info: FieldInfo, indent: str, *, year: int) -> list[str]:
    """``name`` with a placeholder: text gets it as its value, a number or a choice a sample plus the placeholder."""
    what = placeholder(_what(info))
    annotation, _ = _leaf(info)
    if annotation is str and not _validated_by(info, check_url):
        if _validated_by(info, checked_narrative):
            return [f"{indent}{name}: |", f"{indent}{INDENT}{what}"]
        return [f"{indent}{name}: {what}"]
    if annotation is str and _validated_by(info, check_url):
        sample = "https://www.bangkoklibrary.go.th"  # a link must be a link, even before it is the right one
    elif annotation is Decimal or annotation is int:
        sample = "0"
    elif annotation is dt.date:
        sample = f"{thai.ce_year(year)}-10-20"  # the fiscal year has just ended: the usual time to sign off
    elif typing.get_origin(annotation) is Literal:
        sample = str(typing.get_args(annotation)[0])
    else:
        raise TypeError(f"no placeholder for {name} ({annotation!r})")  # a new kind of field: teach it here
    return [f"{indent}{name}: {sample}  # {what}"]
