"""``reportgen new CODE --year YEAR [--from YEAR/CODE]``: a code and a fiscal year → a new indicator file to fill in.

The file, ``content/indicators/<year>/<code>.yaml``, starts with the schema line that gives editors autocomplete and
holds every key of the content model in the model's order, each under a Thai comment that is the model's own field
description, so the comments, the JSON Schema and the messages can never disagree. Keys the model gains later appear
by themselves.

What staff still have to write is marked with a placeholder (``…กรอกชื่อตัวชี้วัด…``, see ``validate.PLACEHOLDER``):
as the value of a text field, or in a comment after a number or a choice, which cannot hold text and stay valid. The
new file is therefore valid as written, so one new file never breaks everyone's build, and ``reportgen check`` warns
about every placeholder left (``--strict`` refuses them). Sections not yet reported (the quarters, the sign-off, the
evidence) are left empty, with a commented example under each to uncomment.

``--from 2564/08`` starts from last year's file: what defines the indicator (name, result type, agency, plan,
definition, calculation, target) is carried over exactly; the year's report (quarters, result, supporting factors,
obstacles, evidence, sign-off) starts empty.

``new --year 2570 --from 2569`` (no code) starts the whole year at once: every indicator of 2569 is carried into
2570 the same way. Every source file is loaded and every new text checked first (an invalid source stops it before
anything is written); then each file is written on its own, atomically; a file that already exists is reported and
skipped, never overwritten.

The text is loaded back with the project's own loader and compared with what was meant before anything is written;
``writer.write_content_file`` then writes it atomically and never over an existing file.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import typing
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import Any, Literal

import yaml
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from reportgen import thai, wording
from reportgen.content.project import load_document, load_documents, load_file
from reportgen.content.validate import LIST_LINE, placeholder, placeholder_warnings
from reportgen.errors import CatalogueError, ContentError, OutputError, UsageError, render_message
from reportgen.layout import CONTENT_DIR, INDICATORS_DIR, YAML_SUFFIXES
from reportgen.markdown import check_markdown, check_url
from reportgen.model import MAX_FISCAL_YEAR, MIN_FISCAL_YEAR, Indicator, unwrap_annotation
from reportgen.publish.writer import write_content_file

logger = logging.getLogger(__name__)

#: The fields ``--from`` carries into the new year: what the indicator is, not what happened in a year.
CARRIED_FIELDS = ("agency", "name", "result_type", "plan", "definition", "calculation", "target", "officer")

#: The first line of every indicator file: the JSON Schema, relative to content/indicators/<year>/.
SCHEMA_LINE = "# yaml-language-server: $schema=../../../indicator.schema.json"

#: Longest single-line text written on one line; longer ones are folded (``>-``) at spaces, which is lossless.
LINE_WIDTH = 100

INDENT = "  "


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
    code = _check_code(code)
    _check_year(year)
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
        lines = [render_message("new_year_skipped", {"path": path}, lang)[0] for path in self.skipped]
        names = (": " + ", ".join(path.stem for path in self.written)) if self.written else ""
        message, hint = render_message("new_year_summary", {
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
    _check_year(year)
    _check_year(source_year)
    content = root / CONTENT_DIR
    load_documents(root, [])  # checks that content/ exists
    folder = content / INDICATORS_DIR / str(source_year)
    sources = sorted(path for path in folder.glob("*") if path.suffix in YAML_SUFFIXES and path.is_file())
    if not sources:
        years = sorted(path.name for path in (content / INDICATORS_DIR).glob("*") if path.is_dir())
        raise CatalogueError("new_year_empty", source=source_year, available=", ".join(years) or "–")
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


# --- Arguments ---------------------------------------------------------------------------------------------------


def _code_pattern() -> str:
    """The pattern the model gives codes, read from the model so that both always agree."""
    for metadata in Indicator.model_fields["code"].metadata:
        pattern = getattr(metadata, "pattern", None)
        if pattern:
            return pattern
    raise AssertionError("the model's code field has no pattern")


def _check_code(code: str) -> str:
    code = code.strip()
    if not re.fullmatch(_code_pattern(), code):
        raise UsageError("usage_bad_code", code=repr(code))
    return code


#: Digits of a numeric code when no other file says otherwise: the department's codes are two digits (``08``).
CODE_DIGITS = 2


def padded_code(code: str, indicators: Path, year: int) -> str:
    """A numeric code with the leading zeros of the project's other codes: ``9`` → ``09`` (YAML and people drop
    the zero; the file name, the form and the open data must not). The width is the most common one among the
    numeric codes of the year's folder, else of every year, else ``CODE_DIGITS``; other codes are left as given."""
    if not (code.isascii() and code.isdigit()):
        return code

    def widths(folder: Path) -> list[int]:
        stems = (path.stem for path in folder.glob("*") if path.suffix in YAML_SUFFIXES) if folder.is_dir() else ()
        return [len(stem) for stem in stems if stem.isascii() and stem.isdigit()]

    found = widths(indicators / str(year)) or [
        width for folder in (indicators.iterdir() if indicators.is_dir() else ()) for width in widths(folder)
    ]
    width = max(set(found), key=lambda each: (found.count(each), each)) if found else CODE_DIGITS
    if len(code) < width:
        logger.info(wording.message("log_code_padded", code=code, padded=code.zfill(width)))
    return code.zfill(width)


def _check_year(year: int) -> None:
    if MIN_FISCAL_YEAR <= year <= MAX_FISCAL_YEAR:
        return
    buddhist = year + thai.BUDDHIST_ERA_OFFSET
    if MIN_FISCAL_YEAR <= buddhist <= MAX_FISCAL_YEAR:
        raise UsageError("usage_year_christian_era", year=year, suggestion=buddhist)
    raise UsageError("usage_year_out_of_range", year=year, low=MIN_FISCAL_YEAR, high=MAX_FISCAL_YEAR)


def _source_path(content: Path, source: str) -> Path:
    """``2564/08`` (or ``2564/08.yaml``) → the existing file; else a ``UsageError`` listing the files there are."""
    match = re.fullmatch(r"\s*([0-9]{4})/([^/\\]+?)(\.ya?ml)?\s*", source)
    if match and re.fullmatch(_code_pattern(), match[2]):
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


# --- What the file holds -----------------------------------------------------------------------------------------


class _Fill:
    """A value staff still have to write: becomes a placeholder (a sample and a placeholder comment for non-text)."""

    def __repr__(self) -> str:
        return "FILL"


FILL = _Fill()


def blank_values(code: str, year: int, agency: str) -> dict:
    """A fresh indicator: the code, year and agency; placeholders for what is required; defaults elsewhere."""
    values = _blank(Indicator)
    values.update(code=code, fiscal_year=year, agency=agency)
    # The plan is optional, but most indicators support it: offer every key to fill in (or delete).
    values["plan"] = {name: FILL for name in _model_of(Indicator.model_fields["plan"]).model_fields}
    return values


def _blank(model: type[BaseModel]) -> dict:
    values: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        nested = _model_of(info)
        if info.is_required():
            values[name] = _blank(nested) if nested is not None else FILL
        else:
            default = info.get_default(call_default_factory=True)
            values[name] = default.model_dump() if isinstance(default, BaseModel) else default
    return values


def carried_values(previous: Indicator, code: str, year: int) -> dict:
    """Last year's ``previous`` in a new year: ``CARRIED_FIELDS`` as they were, the year's report empty."""
    values = _blank(Indicator)
    carried = previous.model_dump(include=set(CARRIED_FIELDS))
    values.update(carried, code=code, fiscal_year=year)
    return values


# --- Field types -------------------------------------------------------------------------------------------------


def _leaf(info: FieldInfo) -> tuple[Any, list]:
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


def _validated_by(info: FieldInfo, check: Callable) -> bool:
    """True if the field's value goes through ``check`` (``check_markdown``: Markdown; ``check_url``: a link)."""
    return any(getattr(item, "func", None) is check for item in _leaf(info)[1])


def _pattern(info: FieldInfo) -> str | None:
    return next((item.pattern for item in _leaf(info)[1] if getattr(item, "pattern", None)), None)


def _what(info: FieldInfo) -> str:
    """What a placeholder asks for: the field's description without its section number, format note and example."""
    text = re.sub(r"^[0-9]+\.\s*", "", info.description or "")
    text = text.split(" เช่น ")[0]
    return text.replace(" (Markdown)", "").strip()


# --- YAML text ---------------------------------------------------------------------------------------------------


def indicator_text(values: dict, *, year: int, source: PurePosixPath | None = None) -> str:
    """The file's text: header comments, then every field of ``Indicator`` with its description."""
    origin = f"จากไฟล์ {source}" if source else "ด้วย reportgen new"
    code = values["code"]
    lines = [
        SCHEMA_LINE,
        f"# ตัวชี้วัดที่ {code} ปีงบประมาณ พ.ศ. {year} (สร้าง{origin})",
        "# วิธีกรอก: แทนที่ข้อความ …กรอก…… ทุกแห่งด้วยข้อมูลจริง"
        " ถ้าอยู่ท้ายบรรทัดหลัง # ให้แก้ค่าหน้า # แล้วลบหมายเหตุนั้น",
        "# หัวข้อที่ยังว่างมีตัวอย่างเป็นบรรทัด # อยู่ใต้หัวข้อ: เมื่อจะกรอก ให้ลบ # หน้าบรรทัดตัวอย่างแล้วแก้ข้อความ",
        "# บรรทัดที่ขึ้นต้นด้วย # เป็นคำอธิบาย ไม่พิมพ์ลงแบบฟอร์ม"
        " ตรวจด้วย reportgen check: ช่องที่ยังไม่ได้กรอกจะขึ้นคำเตือน",
    ]
    _fields(lines, Indicator, values, level=0, year=year)
    return "\n".join(lines) + "\n"


#: Guidance beyond a field's description, where the description cannot say it (how to use this file's layout).
_NOTES = {
    ("plan",): "ไม่บังคับ: ถ้าตัวชี้วัดไม่อยู่ในแผน ให้ลบ plan และบรรทัดย่อยทั้งหมด",
    ("quarters",): "ไตรมาสที่ยังไม่รายงานให้เว้นว่างไว้ เมื่อรายงาน ให้ลบ # หน้าบรรทัดตัวอย่างใต้ไตรมาสนั้นแล้วกรอก",
    ("evidence",): "ยังไม่มีหลักฐาน: เมื่อจะใส่ ให้ลบ [] แล้วลบ # หน้าบรรทัดตัวอย่างด้านล่าง ใส่ได้หลายรายการ",
}

#: Sections a command writes (with a value computed from the content): no example to uncomment, the command instead.
_WRITTEN_BY = {
    ("signoff",): (
        "เว้นว่างไว้ เมื่อผู้รับผิดชอบตรวจแล้ว ให้ลงนามด้วยคำสั่ง",
        'reportgen signoff {file} --name "ชื่อ นามสกุล" --position "ตำแหน่ง"',
    ),
}


def _fields(lines: list[str], model: type[BaseModel], values: dict, *, level: int, year: int, path: tuple = ()) -> None:
    indent = INDENT * level
    for name, info in model.model_fields.items():
        value = values[name]
        if level == 0:
            lines.append("")
        if info.description:
            lines.append(f"{indent}# {info.description}")
        note = _NOTES.get(path + (name,))
        if note and (isinstance(value, dict) or value == []):  # the notes explain the blank form of the section
            lines.append(f"{indent}# {note}")
        nested, item_model = _model_of(info), _item_model_of(info)
        written_by = _WRITTEN_BY.get(path + (name,))
        if nested is not None and value is None and written_by:
            lines.append(f"{indent}# {written_by[0]}")
            lines.append(f"{indent}#   {written_by[1].format(file=_file_of(values, year))}")
            lines.append(f"{indent}# ซึ่งเขียนส่วนนี้ให้:")
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
                    for line in _scalar(key, item_value, key_indent)
                ]
                item_lines[0] = indent + INDENT + "- " + item_lines[0][len(key_indent):]
                lines.extend(item_lines)
        elif value is FILL:
            lines.extend(_filled(name, info, indent, year=year))
        else:
            lines.extend(_scalar(name, value, indent, quoted=name == "code" and model is Indicator))


def _file_of(values: dict, year: int) -> str:
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
            filled[0] += " (ไม่บังคับ)" if "  # " in filled[0] else "  # ไม่บังคับ"
        for line in filled:
            prefix = ("- " if first else "  ") if item else ""
            lines.append(f"{indent}# {prefix}{line}")
            first = False


def _filled(name: str, info: FieldInfo, indent: str, *, year: int) -> list[str]:
    """``name`` with a placeholder: text gets it as its value, a number or a choice a sample plus the placeholder."""
    what = placeholder(_what(info))
    annotation, _ = _leaf(info)
    if annotation is str and not _validated_by(info, check_url):
        if _validated_by(info, check_markdown):
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


def _scalar(name: str, value: Any, indent: str, *, quoted: bool = False) -> list[str]:
    """``name: value`` as staff would write it: Thai as is, multi-line text as a ``|`` block."""
    if value is None:
        return [f"{indent}{name}:"]
    if isinstance(value, bool):
        return [f"{indent}{name}: {'true' if value else 'false'}"]
    if isinstance(value, Decimal):
        return [f"{indent}{name}: {format(value, 'f')}"]
    if isinstance(value, int):
        return [f"{indent}{name}: {value}"]
    if isinstance(value, dt.date):
        return [f"{indent}{name}: {value.isoformat()}"]
    if not isinstance(value, str):
        raise TypeError(f"cannot write {name}: {value!r}")
    if quoted:
        return [f"{indent}{name}: {json.dumps(value, ensure_ascii=False)}"]
    if "\n" in value:
        block = _literal_block(value, indent + INDENT)
        if block:
            return [f"{indent}{name}: {block[0]}", *block[1:]]
    elif len(value) > LINE_WIDTH:
        folded = _folded_lines(value)
        if len(folded) > 1:
            return [f"{indent}{name}: >-", *(f"{indent}{INDENT}{line}" for line in folded)]
    if value == "":
        return [f'{indent}{name}: ""']
    dumped = yaml.safe_dump({name: value}, allow_unicode=True, width=1_000_000, default_flow_style=False)
    if dumped.count("\n") == 1:
        return [f"{indent}{dumped.rstrip()}"]
    return [f"{indent}{name}: {json.dumps(value, ensure_ascii=False)}"]  # JSON strings are YAML double-quoted


def _literal_block(text: str, indent: str) -> list[str] | None:
    """``|`` and the text's lines, or None when a block cannot hold the text exactly (leading or blank spaces)."""
    body = text.rstrip("\n")
    trailing = len(text) - len(body)
    lines = body.split("\n")
    if not body or lines[0][:1].isspace() or any(line and not line.strip() for line in lines):
        return None
    if any(char in body for char in "\r\x85\u2028\u2029"):
        return None
    indicator = "|-" if trailing == 0 else "|" if trailing == 1 else "|+"
    return [indicator, *(f"{indent}{line}" if line else "" for line in lines), *([""] * max(0, trailing - 1))]


def _folded_lines(text: str) -> list[str]:
    """``text`` broken at single spaces into lines of about ``LINE_WIDTH``; a ``>-`` block joins them back exactly."""
    lines: list[str] = []
    start = 0
    last_break = None
    for index, char in enumerate(text):
        breakable = (
            char == " "
            and 0 < index < len(text) - 1
            and not text[index - 1].isspace()
            and not text[index + 1].isspace()
            # a line that starts like a list item would read as a list folded by mistake (``check`` warns)
            and not LIST_LINE.match(text[index + 1 : index + 8])
        )
        if breakable:
            if index - start > LINE_WIDTH and last_break is not None:
                lines.append(text[start:last_break])
                start = last_break + 1
            last_break = index
    if len(text) - start > LINE_WIDTH and last_break is not None and last_break > start:
        lines.append(text[start:last_break])
        start = last_break + 1
    lines.append(text[start:])
    if any(not line or line[0].isspace() or line[-1].isspace() or "\n" in line for line in lines):
        return [text]
    return lines
