"""A form exported as text from the BMA monitoring system → the values of an indicator file, and what was unclear.

The export (``../shared/reference/kpi-08-form.txt`` is one) is the official form flattened to lines: numbered
section headings written ``N. title : rest`` (a space before the colon), ``::`` before a field's text, the plan's
labels (``ประเด็นยุทธศา :`` cut short, ``----- ย่อย :`` for ประเด็นยุทธศาสตร์ย่อย, ``เป้าประสงค์ที่ :``), quarters
``(6.1)`` … ``(6.4)`` and the year-end summary ``(6.5)``, evidence lines ``- :: - title`` and ``- title``, and the
signature block. Every line is followed by a blank one, so blank lines carry no meaning. Each ``?`` standing
between spaces or Thai letters is an en dash ``–`` lost in the export and is put back (with a warning counting
them); any other ``?`` is left for ``check`` to flag.

Narratives become the officers' narrative syntax (``reportgen/narrative.py``): lines that begin ``1.``, ``2.`` …
start numbered items, others continue the paragraph or item before them (the export broke lines where the form
wrapped them). A line that looks like the next item but lacks its dot (``3 สถิติ…`` after item 2) is read as that
item, with a warning. ``*``, ``_``, ``#`` and backslashes are text in that syntax, so the text is written as it is.

Nothing is guessed silently. What the export does not say, or says ambiguously, becomes ``FILL`` (a placeholder
that ``check`` warns about) with a warning here: a missing section, the result type when the export lost its
checkboxes (both ผลผลิต and ผลลัพธ์ are printed), a target that is not ``number (unit)``. Lines that belong to no
known part (an unknown heading and its text) are left out, each block with a warning giving its line. The
agency is not in the export: it is the site's (``site.yaml``), as for ``reportgen new``.

An export the system made has no control characters; one that holds any (an escape sequence, a NUL: a damaged or
edited file) is refused, each at its line and column (``ContentError``), before anything is read into the form.
Reading takes time in proportion to the export's size: lines are gathered into lists and joined once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from reportgen.authoring.template import FILL, Fill, blank_model_values
from reportgen.content.parse import MAX_REPEATED, REFUSED_CHARACTER, refused_kind
from reportgen.errors import ContentError, Problem
from reportgen.linebreak import word_boundaries
from reportgen.model import Indicator
from reportgen.wording import localized

#: The form's sections, by number: (the title's start as the export prints it, the field it fills, English name).
SECTIONS: dict[int, tuple[str, str, str]] = {
    1: ("ชื่อตัวชี้วัด", "name", "indicator name"),
    2: ("ระดับความสำเร็จ", "result_type", "result type"),
    3: ("คำนิยาม", "definition", "definition"),
    4: ("วิธีการคำนวณ", "calculation", "calculation"),
    5: ("เป้าหมาย", "target", "target and result"),
    6: ("รายงานผลการดำเนินงาน", "quarters", "quarterly reports"),
    7: ("ปัจจัยสนับสนุน", "supporting_factors", "supporting factors"),
    8: ("อุปสรรค", "obstacles", "obstacles"),
    9: ("หลักฐานอ้างอิง", "evidence", "evidence"),
}

HEADING = re.compile(r"^(\d{1,2})\.\s*([^:]{1,80}?)\s+:(?:\s+(.*))?$")
QUARTER = re.compile(r"^\(6\.([1-5])\)\s*([^:]*?)\s*:(?:\s*(.*))?$")
PLAN_MARKER = re.compile(r"^\*+\s*สนับสนุนแผน")
PLAN_LINES = (
    ("sub_strategy", re.compile(r"^(?:-+\s*ย่อย|ประเด็นยุทธศาสตร์ย่อย)\s*:\s*(.*)$")),
    ("strategy", re.compile(r"^ประเด็นยุทธศา(?:สตร์)?\s*:\s*(.*)$")),
    ("goal", re.compile(r"^เป้าประสงค์(?:ที่)?\s*:\s*(.*)$")),
)
SIGNATURE = re.compile(r"^(ลงชื่อ|ตำแหน่ง|\.{3,})")
TARGET = re.compile(r"^(ไม่เกิน|ไม่น้อยกว่า|อย่างน้อย)?\s*([0-9][0-9,]*(?:\.[0-9]+)?)\s*\((.+)\)\s*$")
RESULT = re.compile(r"^:?\s*ผลงานที่ทำได้\s*=\s*([0-9][0-9,]*(?:\.[0-9]+)?)\s*\((.+)\)\s*$")
ITEM = re.compile(r"^(\d{1,2})\.\s+(\S.*)$")
ITEM_WITHOUT_DOT = re.compile(r"^(\d{1,2})\s+(\S.*)$")
LOST_DASH = re.compile(r"(?<=[\s\u0E00-\u0E7F])\?(?=[\s\u0E00-\u0E7F])")


@dataclass
class Imported:
    """What an export gave: the values of the indicator file (``FILL`` where staff must write) and the warnings."""

    values: dict[str, Any]
    warnings: list[Problem] = field(default_factory=list)
    code: str | None = None


def parse_export(
    text: str, source: Path, *, year: int, agency: str, code: str | None = None, words: Iterable[str] = ()
) -> Imported:
    """Read an exported form (see the module docstring); ``source`` names it in the warnings; ``words`` are the
    project's own (``content/dictionary.txt``), for the Thai words the export split across lines."""
    words = frozenset(words)
    warnings: list[Problem] = []
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    refused = refused_characters(lines, source)
    if refused:
        raise ContentError(refused)
    dashes = 0
    cleaned: list[tuple[int, str]] = []
    for number, line in enumerate(lines, start=1):
        line, count = LOST_DASH.subn("–", line.strip())
        dashes += count
        if line:
            cleaned.append((number, line))
    if dashes:
        warnings.append(Problem.create("import_dash", source, severity="warning", count=dashes))

    parts: dict[str, list[tuple[int, str]]] = {}
    heading_rest: dict[int, tuple[int, str]] = {}
    plan: dict[str, str] = {}
    unknown: list[list[tuple[int, str]]] = []
    current: str | None = None  # the part lines go to: "s1" … "s9", "q1" … "q5", None (unknown) or "signature"
    seen_sections: set[int] = set()
    signed = False
    for number, line in cleaned:
        heading = HEADING.match(line)
        quarter = QUARTER.match(line)
        known = _section_of(heading) if heading else None
        if known is not None:
            seen_sections.add(known)
            current = f"s{known}"
            parts.setdefault(current, [])
            assert heading is not None  # a known section is a heading
            heading_rest[known] = (number, (heading.group(3) or "").strip())
            continue
        if heading and current is not None and _looks_like_heading(heading, seen_sections):
            current = None
            unknown.append([(number, line)])
            continue
        if quarter and current is not None and (current == "s6" or current.startswith("q")):
            current = f"q{quarter.group(1)}"
            parts[current] = [(number, quarter.group(3).strip())] if quarter.group(3) else []
            continue
        if current in ("s2", "plan") and PLAN_MARKER.match(line):
            current = "plan"
            continue
        if current in ("s2", "plan"):
            matched = next(((name, m) for name, pattern in PLAN_LINES if (m := pattern.match(line))), None)
            if matched:
                plan[matched[0]] = matched[1].group(1).strip()
                current = "plan"
                continue
        if current is not None and current.startswith("s9") and SIGNATURE.match(line) or current == "signature":
            current = "signature"
            if not signed:  # one warning says the sign-off was left out; a long block needs no more
                signed = _check_signature(line, number, source, warnings)
            continue
        if current is None:
            if unknown:
                unknown[-1].append((number, line))
            else:
                unknown.append([(number, line)])
            continue
        if current == "plan":  # text in the plan block that is none of its three labels
            unknown.append([(number, line)])
            current = "s2"
            continue
        parts.setdefault(current, []).append((number, line))

    for block in unknown:
        first_line, first_text = block[0]
        warnings.append(Problem.create(
            "import_unknown_part", source, line=first_line, severity="warning", source_line=first_text,
            excerpt=_excerpt(" ".join(text for _, text in block)),
        ))

    values = blank_model_values(Indicator)
    values.update(fiscal_year=year, agency=agency)
    for section, (title, field_name, _english) in SECTIONS.items():
        if section not in seen_sections:
            values[field_name] = FILL if field_name not in ("quarters", "evidence") else values[field_name]
            if field_name == "target":
                values["target"] = {"value": FILL, "unit": FILL, "direction": None, "plan": None}
            warnings.append(Problem.create(
                "import_missing_section", source, severity="warning", section=section, title=title,
                field=field_name,
            ))

    found_code = code
    if 1 in seen_sections:
        line_number, rest = heading_rest[1]
        match = re.match(r"^([0-9A-Za-z][0-9A-Za-z._-]{0,15}?)\.?(?:\s+(.*))?$", rest)
        name_lines = parts.get("s1", [])
        if match and found_code is None:
            found_code = match.group(1)
        if match and match.group(2):
            name_lines = [(line_number, match.group(2))] + name_lines
        values["name"] = join_lines([text for _, text in name_lines], words) or FILL
        if values["name"] is FILL:
            warnings.append(_ambiguous(source, line_number, "name", "import_detail_no_name"))
    values["code"] = found_code
    if 2 in seen_sections:
        values["result_type"] = _result_type(heading_rest[2], parts.get("s2", []), source, warnings)
        if plan:
            values["plan"] = {"strategy": plan.get("strategy", FILL), "sub_strategy": plan.get("sub_strategy"),
                              "goal": plan.get("goal")}
    for section, name in ((3, "definition"), (4, "calculation"), (7, "supporting_factors"), (8, "obstacles")):
        if section in seen_sections:
            lines_of = _with_rest(heading_rest[section], parts.get(f"s{section}", []))
            values[name] = narrative_of(lines_of, source, warnings, name, words)
            if not values[name] and name in ("definition", "calculation"):
                values[name] = FILL
                warnings.append(_ambiguous(source, heading_rest[section][0], name, "import_detail_section_empty",
                                           section=section))
    if 5 in seen_sections:
        values["target"], values["result"] = _target(heading_rest[5], parts.get("s5", []), source, warnings)
    if 6 in seen_sections:
        quarters = dict(values["quarters"])
        for number in range(1, 6):
            quarter_lines = parts.get(f"q{number}")
            field_name = "quarters.summary" if number == 5 else f"quarters.q{number}.report"
            text = narrative_of(quarter_lines, source, warnings, field_name, words) if quarter_lines else ""
            if number == 5:
                quarters["summary"] = text or None
            elif text:
                quarters[f"q{number}"] = {"report": text, "result": None}
        values["quarters"] = quarters
        _result_of_latest_quarter(values, heading_rest.get(5, (None, ""))[0], source, warnings)
    if 9 in seen_sections:
        values["evidence"] = _evidence(_with_rest(heading_rest[9], parts.get("s9", [])), words)
    return Imported(values, warnings, found_code)


def refused_characters(lines: list[str], source: Path) -> list[Problem]:
    """An error at each line holding a control character, direction override or broken character (the first of
    each line; at most ``MAX_REPEATED`` lines)."""
    problems: list[Problem] = []
    for number, line in enumerate(lines, start=1):
        found = REFUSED_CHARACTER.search(line)
        if found is None:
            continue
        char = found.group()
        shown = REFUSED_CHARACTER.sub("\ufffd", line)
        problems.append(Problem.create(
            "import_control_char", source, line=number, column=found.start() + 1, source_line=shown,
            char=f"U+{ord(char):04X}", kind=refused_kind(char),
        ))  # fmt: skip
        if len(problems) == MAX_REPEATED:
            break
    return problems


def _section_of(heading: re.Match[str]) -> int | None:
    number = int(heading.group(1))
    expected = SECTIONS.get(number)
    if expected and heading.group(2).strip().startswith(expected[0]):
        return number
    return None


def _looks_like_heading(heading: re.Match[str], seen: set[int]) -> bool:
    """A numbered ``title :`` line that is no known section: a heading the importer does not know, not a list item
    (a list item has no space before a colon, and its number is not past the sections already seen)."""
    return int(heading.group(1)) > max(seen, default=0) or int(heading.group(1)) > 9


def _with_rest(rest: tuple[int, str], lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    number, text = rest
    return ([(number, text)] if text else []) + lines


def _excerpt(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _ambiguous(
    source: Path, line: int | None, field_name: str, detail: str, *, code: str = "import_ambiguous", **params: object
) -> Problem:
    """A warning about a part left as a placeholder (or, with ``code="import_read_as"``, read one way of two);
    ``detail`` is the catalog key of what was found, filled with ``params``."""
    return Problem.create(code, source, line=line, field=field_name, severity="warning",
                          detail=localized(detail, **params))


def _check_signature(line: str, number: int, source: Path, warnings: list[Problem]) -> bool:
    """The signature block is the sign-off's, which only ``reportgen signoff`` writes: a name there is reported
    (True when it was)."""
    name = re.sub(r"^(ลงชื่อ|ตำแหน่ง)|\(ผู้รับผิดชอบโครงการ\)|\.+", "", line).strip()
    if name:
        warnings.append(_ambiguous(
            source, number, "signoff", "import_detail_signoff", code="import_read_as", name=_excerpt(name),
        ))
    return bool(name)


def _result_of_latest_quarter(values: dict[str, Any], line: int | None, source: Path, warnings: list[Problem]) -> None:
    """The export's "ผลงานที่ทำได้" is the cumulative result as of the form's latest quarter: it becomes that
    quarter's ``result`` too, so that no figure of the export is lost (the form prints the quarter's result)."""
    result = values.get("result")
    if not isinstance(result, Decimal):
        return
    reported = [name for name in ("q4", "q3", "q2", "q1") if isinstance(values["quarters"].get(name), dict)]
    if not reported:
        return
    latest = reported[0]
    values["quarters"][latest]["result"] = result
    warnings.append(_ambiguous(
        source, line, f"quarters.{latest}.result", "import_detail_quarter_result", code="import_read_as",
        result=_plain_decimal(result), quarter=latest[1],
    ))


def _plain_decimal(number: Decimal) -> str:
    return format(number.normalize(), "f") if number == number.to_integral_value() else format(number, "f")


#: A Thai letter (a consonant, vowel or tone mark; not a digit or a sign such as ฯ), at the end or start of a line.
_THAI_LETTER_END = re.compile(r"[\u0e01-\u0e2e\u0e30-\u0e3a\u0e40-\u0e4e]$")
_THAI_LETTER_START = re.compile(r"^[\u0e01-\u0e2e\u0e30-\u0e3a\u0e40-\u0e4e]")


def join_lines(lines: list[str], words: Iterable[str] = ()) -> str:
    """Lines the export broke where the form wrapped them, joined: with a space, unless the break falls inside a
    Thai word (by the project's segmentation, ``linebreak.word_boundaries``, with its own ``words``), where the
    export split one word in two (``โซเชียล`` / ``มีเดีย``)."""
    joined = ""
    for line in lines:
        if not joined:
            joined = line
            continue
        if _THAI_LETTER_END.search(joined) and _THAI_LETTER_START.match(line):
            tail, head = joined[-40:], line[:40]
            if len(tail) not in word_boundaries(tail + head, words):
                joined += line
                continue
        joined += " " + line
    return joined


def narrative_of(
    lines: list[tuple[int, str]], source: Path, warnings: list[Problem], field_name: str, words: Iterable[str] = ()
) -> str:
    """A narrative's lines (``::`` markers removed) → a narrative: paragraphs, then numbered items."""
    blocks: list[tuple[int | None, list[str]]] = []  # (item number or None for a paragraph, its lines)
    last_item: int | None = None
    for number, line in lines:
        line = re.sub(r"^::\s?", "", line).strip()
        if not line:
            continue
        item = ITEM.match(line)
        bare = ITEM_WITHOUT_DOT.match(line)
        if item:
            last_item = int(item.group(1))
            blocks.append((last_item, [item.group(2)]))
        elif bare and last_item is not None and int(bare.group(1)) == last_item + 1:
            last_item = int(bare.group(1))
            blocks.append((last_item, [bare.group(2)]))
            warnings.append(_ambiguous(
                source, number, field_name, "import_detail_item_without_dot", code="import_read_as",
                excerpt=_excerpt(line, 30), item=bare.group(1),
            ))
        elif blocks:
            blocks[-1][1].append(line)  # joined once, below: appending to a string would copy it every line
        else:
            blocks.append((None, [line]))
    out: list[str] = []
    previous: int | None = None
    for number_of_item, parts in blocks:
        text = join_lines(parts, words)
        if number_of_item is None:
            if out:
                out.append("")
            out.append(text)
        else:
            if previous is None and out:
                out.append("")
            out.append(f"{number_of_item}. {text}")
        previous = number_of_item
    return "\n".join(out)


def _result_type(
    rest: tuple[int, str], lines: list[tuple[int, str]], source: Path, warnings: list[Problem]
) -> str | Fill:
    number, text = rest
    text = " ".join([text] + [line for _, line in lines if not any(p.match(line) for _, p in PLAN_LINES)])
    ticked = re.search(r"[☑■✓✔]\s*(ผลผลิต|ผลลัพธ์)", text)
    found = {word for word in ("ผลผลิต", "ผลลัพธ์") if word in text}
    if ticked:
        return "output" if ticked.group(1) == "ผลผลิต" else "outcome"
    if len(found) == 1:
        return "output" if found == {"ผลผลิต"} else "outcome"
    warnings.append(_ambiguous(
        source, number, "result_type", "import_detail_result_type",
    ))
    return FILL


def _number(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the patterns only let digits through
        return None


def _target(
    rest: tuple[int, str], lines: list[tuple[int, str]], source: Path, warnings: list[Problem]
) -> tuple[dict[str, Any], Decimal | None]:
    number, text = rest
    target: dict[str, Any] = {"value": FILL, "unit": FILL, "direction": None, "plan": None}
    match = TARGET.match(text)
    if match:
        target.update(value=_number(match.group(2)), unit=match.group(3).strip())
        if match.group(1) == "ไม่เกิน":
            target["direction"] = "at_most"
    else:
        shown = _excerpt(text) if text else localized("url_empty")
        warnings.append(_ambiguous(source, number, "target", "import_detail_target", target=shown))
    result = None
    for line_number, line in lines:
        found = RESULT.match(line)
        if found:
            result = _number(found.group(1))
            if match and found.group(2).strip() != target["unit"]:
                warnings.append(_ambiguous(
                    source, line_number, "result", "import_detail_unit", code="import_read_as", unit=found.group(2),
                ))
        else:
            warnings.append(Problem.create("import_unknown_part", source, line=line_number, severity="warning",
                                           source_line=line, excerpt=_excerpt(line)))
    return target, result


def _evidence(lines: list[tuple[int, str]], words: frozenset[str]) -> list[dict[str, str | None]]:
    items: list[list[str]] = []
    for _, line in lines:
        bullet = re.match(r"^-\s*(?:::\s*)?(?:-\s*)?(.*)$", line)
        text = re.sub(r"^::\s*(?:-\s*)?", "", bullet.group(1) if bullet else line).strip()
        if not text:
            continue
        if bullet or not items:
            items.append([text])
        else:
            items[-1].append(text)
    return [{"title": join_lines(parts, words), "url": None, "file": None} for parts in items]

